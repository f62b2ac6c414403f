import { originOf } from '../model/origin.js';
import { MIXED_CONTENT_ERROR_PATTERN, NET_ERRORS, addressSpaceOf } from '../spec/audit.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, hostnameOf, lastEntry, netErrorNameOf, netErrorOf, schemeOf, statusOf } from './audit-helpers.js';
import { evidence } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE } from './types.js';

type Failure =
  | { reason: 'csp'; data: { error: string; apiOrigin: string; page: string | null } }
  | { reason: 'mixed-content'; data: { error: string | null; url: string; page: string; named: boolean } };

/**
 * The page's own policies stop some requests before they are sent: its Content-Security-Policy (connect-src)
 * or mixed-content blocking (an https: page calling an http: URL). The API server is not involved.
 */
export const blockedByPagePolicy: Rule<Failure> = {
  meta: {
    id: 'blocked-by-page-policy',
    title: 'The page\'s own policies allow the request',
    failureTitle: 'The page\'s Content-Security-Policy or mixed-content blocking stopped the request',
    description:
      'A Content-Security-Policy without the API in connect-src, or an https: page calling an http: URL (mixed content), makes the browser refuse the request before it is sent. The fix belongs to the page, not to the API\'s CORS headers.',
    specUrl: FETCH_SPEC.mainFetch,
    mdnUrl: MDN.cspConnectSrc,
    severity: 'error',
    category: 'classification',
  },
  evaluate: ({ exchange, step, memo }) => {
    if (step !== null || exchange.hops.length === 0) return INAPPLICABLE;
    const error = netErrorOf(exchange);
    if (error === null) return INAPPLICABLE;
    const url = exchange.url;
    const apiOrigin = originOf(url, memo.origins) ?? url;
    if (netErrorNameOf(exchange) === NET_ERRORS.blockedByCsp) {
      return { status: 'fail', failure: { reason: 'csp', data: { error, apiOrigin, page: exchange.initiatorOrigin } }, evidence: evidence('Content-Security-Policy', error, `connect-src including ${apiOrigin}`) };
    }
    const page = exchange.initiatorOrigin;
    if (MIXED_CONTENT_ERROR_PATTERN.test(error)) {
      return { status: 'fail', failure: { reason: 'mixed-content', data: { error, url, page: page ?? 'the page', named: true } }, evidence: evidence(null, error, 'an https: URL') };
    }
    // Chromium does not name mixed content in the HAR: the schemes are the evidence.
    const host = hostnameOf(url, memo);
    const entry = lastEntry(exchange);
    const unanswered = entry === null || statusOf(entry) <= 0;
    // Local-network targets are Local Network Access's case (local-network-access-denied), not mixed content.
    if (page !== null && schemeOf(page, memo) === 'https:' && schemeOf(url, memo) === 'http:' && host !== null && addressSpaceOf(host) === 'public' && unanswered) {
      return { status: 'fail', failure: { reason: 'mixed-content', data: { error, url, page, named: false } }, evidence: evidence(null, `${page} → ${url}`, 'an https: URL') };
    }
    return INAPPLICABLE;
  },
  confidenceOf: (failure) => failure.reason === 'csp'
    ? confidence('high', `Chromium recorded ${failure.data.error}.`)
    : failure.data.named
      ? confidence('high', `Chromium recorded ${failure.data.error ?? 'a mixed-content error'}.`)
      : confidence('medium', `An https: page (${failure.data.page}) called an http: URL and no response was recorded; Chromium blocks such requests as mixed content, though the HAR does not name the reason.`),
  messages: {
    csp: ({ data }) =>
      `Not CORS: the page's Content-Security-Policy does not allow connecting to ${data.apiOrigin} (connect-src), so the browser refused to send the request (${data.error}). The API's headers play no part.`,
    'mixed-content': ({ data }) =>
      `Not CORS: the https: page ${data.page} called the plain-http URL ${data.url}; browsers block such mixed content before sending it${data.error === null ? '' : ` (${data.error})`}.`,
  },
  fix: {
    kind: 'fix',
    build: (failure) => failure.reason === 'csp'
      ? { target: 'client', headers: [], summary: `Add ${failure.data.apiOrigin} to connect-src in the Content-Security-Policy the page is served with (a header of the page's own server, not of the API).` }
      : { target: 'client', headers: [], summary: `Call the API over https: (${failure.data.url.replace(/^http:/i, 'https:')}); serve the API with TLS if it has none.` },
  },
};
