import { captureKeyOf } from '../derive/capture.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, firstPreflightStep, lastEntry, responseHeader, statusOf } from './audit-helpers.js';
import { ACAO, evidence, setHeader } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Data = { status: number; corsElsewhere: boolean; url: string };
type Failure =
  | { reason: 'actual-error-status'; data: Data }
  | { reason: 'preflight-server-error'; data: Data };

/**
 * "No Access-Control-Allow-Origin header" on a 4xx/5xx is usually not a CORS configuration problem: the
 * request failed on the server, and its error path (error handler, proxy error page, crash) skips the CORS
 * headers, so the browser hides the real status and body from the page.
 */
export const errorResponseWithoutCors: Rule<Failure> = {
  meta: {
    id: 'error-response-without-cors',
    title: 'Error responses carry the CORS headers too',
    failureTitle: 'The server answered with an error, and its error path lacks CORS headers',
    description:
      'When the server fails (4xx/5xx) its error handler, proxy or crash page often skips the CORS middleware. The browser then reports a CORS error and hides the real status and message from the page, although the cause is the server error.',
    specUrl: FETCH_SPEC.corsCheck,
    mdnUrl: MDN.statusCodes,
    severity: 'warning',
    category: 'classification',
  },
  evaluate: ({ exchange, step, blockedBy, capture }) => {
    if (step !== null || blockedBy === null) return INAPPLICABLE;
    if (blockedBy === 'MissingAllowOriginHeader') {
      const entry = lastEntry(exchange);
      if (entry === null) return INAPPLICABLE;
      const status = statusOf(entry);
      if (status < 400 || responseHeader(entry, ACAO) !== null) return PASS;
      const data = { status, corsElsewhere: capture?.urlsSendingAllowOrigin.has(captureKeyOf(entry.request.url)) ?? false, url: entry.request.url };
      return { status: 'fail', failure: { reason: 'actual-error-status', data }, evidence: evidence(null, `status ${status}, no Access-Control-Allow-Origin`, 'a 2xx answer, or CORS headers on the error') };
    }
    if (blockedBy === 'PreflightMissingAllowOriginHeader') {
      const preflight = firstPreflightStep(exchange);
      if (preflight === null) return INAPPLICABLE;
      const status = statusOf(preflight.entry);
      if (status < 500) return PASS;
      const data = { status, corsElsewhere: capture?.urlsSendingAllowOrigin.has(captureKeyOf(preflight.entry.request.url)) ?? false, url: preflight.entry.request.url };
      return { status: 'fail', failure: { reason: 'preflight-server-error', data }, evidence: evidence(null, `OPTIONS status ${status}`, '204 with CORS headers') };
    }
    return INAPPLICABLE;
  },
  confidenceOf: ({ data }) => data.corsElsewhere
    ? confidence('high', `Other responses from ${data.url} in this capture carry Access-Control-Allow-Origin; this ${data.status} does not, so only the error path lacks it.`)
    : confidence('medium', `The ${data.status} is recorded; no other response from ${data.url} in this capture carries Access-Control-Allow-Origin, so CORS may be missing for this URL altogether, not just on errors.`),
  messages: {
    'actual-error-status': ({ data }) =>
      `Underneath the CORS error, the server answered ${data.status}: the request failed on the server, and that error response has no CORS headers, so the browser hid the status and body from the page. Look at why ${data.url} returns ${data.status}, and make error responses carry the CORS headers so the page can see them.`,
    'preflight-server-error': ({ data }) =>
      `Underneath the CORS error, the server failed on the OPTIONS preflight with ${data.status}: it crashed or a proxy could not reach the application, so no CORS headers were sent.`,
  },
  fix: {
    kind: 'fix',
    build: (failure, { exchange }) => ({
      target: failure.reason === 'preflight-server-error' ? 'preflight' : 'actual',
      headers: [setHeader('Access-Control-Allow-Origin', exchange.initiatorOrigin ?? '*'), setHeader('Vary', 'Origin')],
      ...(failure.reason === 'preflight-server-error' ? { status: 204 } : {}),
      summary: failure.reason === 'preflight-server-error'
        ? `Fix the ${failure.data.status} on OPTIONS (answer preflights in the CORS layer with 204, before the application), and keep the CORS headers on error pages.`
        : `Fix the ${failure.data.status} itself, and add the CORS headers to error responses too (register the CORS middleware before routes and error handlers; nginx: add_header … always).`,
    }),
  },
};
