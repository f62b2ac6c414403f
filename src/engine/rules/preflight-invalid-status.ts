import { FETCH_SPEC, MDN } from '../spec/references.js';
import { evidence, isRedirectedPreflight, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'not-ok-status'; data: { status: number; statusFamily: 'client-error' | 'server-error' | 'other' } };

export const preflightInvalidStatus: Rule<Failure> = {
  meta: {
    id: 'preflight-invalid-status',
    title: 'The preflight gets a 2xx status',
    failureTitle: 'The preflight (OPTIONS) response is not 2xx',
    description:
      'The browser only trusts a preflight answered with a 2xx status. Servers that route OPTIONS to the application (which answers 401, 404 or 405) or that are down (5xx) block every non-simple request.',
    specUrl: FETCH_SPEC.okStatus,
    mdnUrl: MDN.preflightDidNotSucceed,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      if (step.kind !== 'preflight') return INAPPLICABLE;
      const status = response.status ?? 0;
      if (isRedirectedPreflight(step.entry)) return INAPPLICABLE;
      if (status >= 200 && status < 300) return PASS;
      const statusFamily = status >= 500 ? 'server-error' : status >= 400 ? 'client-error' : 'other';
      return { status: 'fail', failure: { reason: 'not-ok-status', data: { status, statusFamily } }, evidence: evidence(null, String(status), '200–299') };
    }),
  messages: {
    'not-ok-status': ({ data }) =>
      `The preflight (OPTIONS) response had status ${data.status}; the browser needed a 2xx status${data.statusFamily === 'client-error' ? ' — the server probably routes OPTIONS to the application or requires authentication on it (preflights never carry credentials)' : data.statusFamily === 'server-error' ? ' — the server failed on OPTIONS' : ''}.`,
  },
  fix: {
    kind: 'fix',
    build: () => ({
      target: 'preflight',
      headers: [],
      status: 204,
      summary: 'Answer OPTIONS for this URL with 204 No Content (before authentication and routing) together with the CORS headers.',
    }),
  },
};
