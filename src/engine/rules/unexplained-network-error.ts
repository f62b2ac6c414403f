import { CORS_NET_ERROR } from '../spec/cors-errors.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { evidence } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure =
  | { reason: 'headers-pass-every-check'; data: { error: string; status: number | null; credentialsAssumed: boolean } }
  | { reason: 'no-response-headers'; data: { error: string; preflightInCapture: boolean } };

export const unexplainedNetworkError: Rule<Failure> = {
  meta: {
    id: 'unexplained-network-error',
    title: 'A failed request is explained by the recorded headers',
    failureTitle: 'The browser failed the request, but the recorded headers do not explain why',
    description:
      'Chromium reports CORS failures as net::ERR_FAILED, but so are other blocks (Cross-Origin-Resource-Policy, Private Network Access, extensions). When the recorded headers pass every CORS check, the cause lies elsewhere or in a header the capture did not keep.',
    specUrl: FETCH_SPEC.corsCheck,
    mdnUrl: MDN.cors,
    severity: 'warning',
  },
  evaluate: (context) => {
    const { exchange, step, blockedBy } = context;
    if (step !== null || exchange.hops.length === 0 || blockedBy !== null) return INAPPLICABLE;
    const outcome = exchange.outcome;
    if (outcome.kind !== 'failed' || outcome.error !== CORS_NET_ERROR) return PASS;
    const last = exchange.hops[exchange.hops.length - 1];
    const response = last?.entry.response ?? null;
    const hasHeaders = response !== null && response.status !== null && response.status > 0;
    if (!hasHeaders) {
      return {
        status: 'fail',
        failure: { reason: 'no-response-headers', data: { error: outcome.error, preflightInCapture: exchange.preflightStatus === 'sent' } },
        evidence: evidence(null, outcome.error, 'a recorded response'),
      };
    }
    return {
      status: 'fail',
      failure: { reason: 'headers-pass-every-check', data: { error: outcome.error, status: response.status, credentialsAssumed: context.credentialsBasis() !== 'cookie-header' } },
      evidence: evidence(null, outcome.error, 'no error'),
    };
  },
  messages: {
    'headers-pass-every-check': ({ data }) =>
      `Chromium failed the request with ${data.error} although the recorded ${data.status ?? ''} response passes every CORS check this tool replays. The cause is probably not a CORS header: Cross-Origin-Resource-Policy, Private Network Access, an extension, or a header stripped from the capture.`,
    'no-response-headers': ({ data }) =>
      `Chromium failed the request with ${data.error} before a response was recorded${data.preflightInCapture ? '' : ', and no preflight is in the capture to explain it'}. Reproduce with DevTools open from the start and "Disable cache" ticked so the preflight is captured.`,
  },
  fix: { kind: 'no-server-fix', because: 'The recorded CORS headers are correct; the cause is not visible in the capture.' },
};
