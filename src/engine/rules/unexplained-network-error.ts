import { CORS_NET_ERROR } from '../spec/cors-errors.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { evidence } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure =
  | { reason: 'headers-pass-every-check'; data: { error: string; status: number | null; credentialsAssumed: boolean } }
  | { reason: 'no-response-headers'; data: { error: string; preflightInCapture: boolean; requestHeadersRecorded: boolean } }
  /** Firefox records a request that failed before any response with status 0 and nothing else. */
  | { reason: 'firefox-no-response'; data: { preflightInCapture: boolean; corsRequest: boolean } }
  /** A worker's request that CORS most likely blocked: Chromium kept neither its response nor its request headers. */
  | { reason: 'worker-response-not-recorded'; data: { error: string; script: string; basis: 'this-request' | 'no-client-hints'; preflightPassed: boolean; requestOrigin: string | null } };

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
    if (outcome.kind === 'no-response' && context.browser === 'firefox') {
      const data = { preflightInCapture: exchange.preflightStatus === 'sent', corsRequest: exchange.steps.length > 0 };
      return { status: 'fail', failure: { reason: 'firefox-no-response', data }, evidence: evidence(null, 'status 0, no response headers, no error name', 'a recorded response') };
    }
    if (outcome.kind !== 'failed' || outcome.error !== CORS_NET_ERROR) return PASS;
    const last = exchange.hops[exchange.hops.length - 1];
    const response = last?.entry.response ?? null;
    const hasHeaders = response !== null && response.status !== null && response.status > 0;
    if (!hasHeaders && exchange.worker !== null) {
      const data = {
        error: outcome.error,
        script: exchange.worker.script,
        basis: exchange.worker.basis,
        preflightPassed: exchange.preflightStatus === 'sent',
        requestOrigin: last?.requestOrigin ?? null,
      };
      return { status: 'fail', failure: { reason: 'worker-response-not-recorded', data }, evidence: evidence(null, `${outcome.error}, status 0, no response headers`, 'a recorded response') };
    }
    if (!hasHeaders) {
      const data = { error: outcome.error, preflightInCapture: exchange.preflightStatus === 'sent', requestHeadersRecorded: last?.entry.requestHeadersProvisional !== true };
      return { status: 'fail', failure: { reason: 'no-response-headers', data }, evidence: evidence(null, outcome.error, 'a recorded response') };
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
      `Chromium failed the request with ${data.error} before a response was recorded${data.preflightInCapture ? '' : ', and no preflight is in the capture to explain it'}.` +
      (data.requestHeadersRecorded
        ? ' Reproduce with DevTools open from the start and "Disable cache" ticked so the preflight is captured.'
        : ' Its request headers were not recorded either, so the request never got to the CORS checks the capture could replay. Chromium records these so: a request from a worker that CORS blocked (the worker keeps the details; its console names the error), a request the Local Network Access permission refused (a page served from a public address calling this machine or the local network; the HAR does not record address spaces — Chromium names it LocalNetworkAccessPermissionDenied), or a request whose preflight the capture missed. The console names the cause; or reproduce with DevTools open from the start and "Disable cache" ticked.'),
    'firefox-no-response': ({ data }) =>
      'Firefox failed the request before any response arrived and recorded it with status 0 and nothing else, so the capture cannot say why. ' +
      (data.corsRequest
        ? 'When the connection failed (refused, reset, DNS), Firefox\'s console says "CORS request did not succeed" (CORSDidNotSucceed) — a network problem, not a CORS header. '
        : '') +
      `A rejected TLS certificate, a cancelled request (AbortController, navigation), a Content-Security-Policy or mixed-content block${data.preflightInCapture ? '' : ', or a preflight the capture missed'} look the same; the console names the cause.`,
    'worker-response-not-recorded': ({ data }) =>
      `This request came from a worker (${data.script}) — ${data.basis === 'this-request' ? 'one of its hops has a response but only provisional request headers, which is how Chromium records a worker\'s requests' : 'its provisional request headers lack the client hints (sec-ch-ua) Chromium adds to a page\'s requests, as a worker\'s requests do'}. Chromium failed it with ${data.error} and, as it does for a worker's request that CORS blocked, kept no response: no status, no headers. So the capture shows that it was blocked${data.preflightPassed ? ' after a preflight that passes' : ''}, but not which check failed. ` +
      `Most often the response lacks Access-Control-Allow-Origin${data.requestOrigin === null ? '' : `: ${data.requestOrigin}`} (or "*"), or the worker's request sends credentials and the response lacks Access-Control-Allow-Credentials: true. The worker's own console names the error (chrome://inspect → Workers, or pick the worker in the DevTools console).`,
  },
  fix: { kind: 'no-server-fix', because: 'The recorded CORS headers are correct; the cause is not visible in the capture.' },
};
