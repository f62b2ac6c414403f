import { AUTH_STATUSES } from '../spec/audit.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, firstPreflightStep, responseHeader, statusOf } from './audit-helpers.js';
import { evidence, setHeader } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'auth-before-cors'; data: { status: number; challenge: string | null; method: string; headers: string[]; origin: string } };

/**
 * Preflights never carry cookies or Authorization. An OPTIONS answered 401/403/407 was stopped by
 * authentication or authorization that runs before the CORS layer.
 */
export const preflightBlockedByAuth: Rule<Failure> = {
  meta: {
    id: 'preflight-blocked-by-auth',
    title: 'Preflights pass authentication',
    failureTitle: 'Authentication rejected the OPTIONS preflight (401/403)',
    description:
      'The browser sends preflights without cookies or Authorization, by design. When authentication middleware runs before CORS, it rejects every preflight with 401 or 403 and no CORS request can ever succeed, whatever the headers say.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.preflightDidNotSucceed,
    severity: 'warning',
    category: 'classification',
  },
  evaluate: ({ exchange, step, blockedBy }) => {
    if (step !== null || blockedBy === null) return INAPPLICABLE;
    const preflight = firstPreflightStep(exchange);
    if (preflight === null) return INAPPLICABLE;
    const status = statusOf(preflight.entry);
    if (!AUTH_STATUSES.has(status)) return PASS;
    const challenge = responseHeader(preflight.entry, status === 407 ? 'proxy-authenticate' : 'www-authenticate');
    return {
      status: 'fail',
      failure: { reason: 'auth-before-cors', data: { status, challenge, method: preflight.requestedMethod, headers: [...preflight.requestedHeaders], origin: preflight.requestOrigin ?? exchange.initiatorOrigin ?? '*' } },
      evidence: evidence(challenge === null ? null : 'WWW-Authenticate', `OPTIONS → ${status}${challenge === null ? '' : ` (${challenge})`}`, '204 without authentication'),
    };
  },
  confidenceOf: ({ data }) => data.status === 403 && data.challenge === null
    ? confidence('medium', 'The OPTIONS request got 403 without a WWW-Authenticate challenge: authorization or a firewall rule rejected it; a deny-list of origins would look the same.')
    : confidence('high', `The OPTIONS request got ${data.status}${data.challenge === null ? '' : ` with the challenge "${data.challenge}"`}: authentication ran on a request that never carries credentials.`),
  messages: {
    'auth-before-cors': ({ data }) =>
      `Not a header problem underneath: the OPTIONS preflight was rejected with ${data.status}${data.challenge === null ? '' : ` (${data.challenge})`}. Preflights never carry cookies or Authorization, so authentication middleware that runs before CORS rejects every one of them.`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => ({
      target: 'preflight',
      status: 204,
      headers: [
        setHeader('Access-Control-Allow-Origin', data.origin),
        setHeader('Access-Control-Allow-Methods', data.method),
        ...(data.headers.length > 0 ? [setHeader('Access-Control-Allow-Headers', data.headers.join(', '))] : []),
      ],
      summary: 'Run the CORS middleware before authentication (or exempt OPTIONS requests from it): answer preflights with 204 and the CORS headers, and keep authenticating the actual request.',
    }),
  },
};
