import { combinedHeader } from '../model/headers.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { evidence, isRedirectedPreflight } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'redirect-response'; data: { status: number; location: string | null } };

export const preflightRedirected: Rule<Failure> = {
  meta: {
    id: 'preflight-redirected',
    title: 'The preflight is answered directly, not redirected',
    failureTitle: 'The preflight (OPTIONS) request was redirected',
    description:
      'Browsers never follow a redirect on a preflight. A typical cause is an http→https or trailing-slash redirect, or a login redirect that also catches OPTIONS requests.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.externalRedirectNotAllowed,
    severity: 'error',
  },
  evaluate: ({ step }) => {
    if (step === null || step.kind !== 'preflight') return INAPPLICABLE;
    const response = step.entry.response;
    if (response === null) return { status: 'incomplete', reason: 'The preflight entry has no response.' };
    if (!isRedirectedPreflight(step.entry)) return PASS;
    const status = response.status ?? 0;
    const location = response.redirectUrl ?? combinedHeader(response.headers, 'location');
    return {
      status: 'fail',
      failure: { reason: 'redirect-response', data: { status, location } },
      evidence: evidence('Location', location, 'a 2xx response with no redirect'),
    };
  },
  messages: {
    'redirect-response': ({ data }, { step }) =>
      `The browser sent a preflight (OPTIONS) for ${step?.entry.request.url ?? 'the request'} and got a ${data.status} redirect${data.location === null ? '' : ` to ${data.location}`}; the browser never follows a redirect on a preflight.`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => ({
      target: 'preflight',
      headers: [],
      status: 204,
      summary: `Answer OPTIONS at this exact URL with 204 and the CORS headers instead of redirecting${data.location === null ? '' : ` to ${data.location}`}, or make the client call the final URL.`,
    }),
  },
};
