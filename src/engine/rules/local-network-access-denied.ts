import { LOCAL_NETWORK_ERROR_PATTERN, PNA_REQUEST_HEADER, PNA_RESPONSE_HEADER, addressSpaceOf } from '../spec/audit.js';
import { CORS_NET_ERROR } from '../spec/cors-errors.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, hostnameOf, lastEntry, netErrorOf, requestHeader, responseHeader, statusOf } from './audit-helpers.js';
import { evidence, setHeader } from './helpers.js';
import type { RuleExchange } from '../model/exchange.js';
import type { Rule } from './types.js';
import { INAPPLICABLE } from './types.js';

type Failure =
  | { reason: 'permission-denied'; data: { error: string; page: string; target: string; space: string; named: boolean } }
  | { reason: 'private-network-header-missing'; data: { target: string } };

/**
 * A public page calling a private-network or loopback address needs the user's Local Network Access
 * permission (Chromium 142+; earlier: a Private Network Access preflight). A denied or dismissed prompt fails
 * the request with a bare net::ERR_FAILED that looks like CORS, yet no server header can grant it.
 */
export const localNetworkAccessDenied: Rule<Failure> = {
  meta: {
    id: 'local-network-access-denied',
    title: 'Local network requests have the user\'s permission',
    failureTitle: 'A public page\'s request to a local-network address was refused (Local Network Access)',
    description:
      'Chromium asks the user before a public web site may reach devices on the local network or the user\'s own machine (Local Network Access; formerly Private Network Access). Without that permission the request fails like a CORS error, but it is a browser permission, not a header.',
    specUrl: FETCH_SPEC.networkError,
    mdnUrl: MDN.localNetworkAccess,
    severity: 'error',
    category: 'classification',
  },
  evaluate: ({ exchange, step, blockedBy, memo }) => {
    if (step !== null || exchange.hops.length === 0) return INAPPLICABLE;
    const preflight = exchange.hops.find((hop) => hop.preflight !== null)?.preflight ?? null;
    if (preflight !== null && requestHeader(preflight, PNA_REQUEST_HEADER)?.trim().toLowerCase() === 'true'
      && responseHeader(preflight, PNA_RESPONSE_HEADER)?.trim().toLowerCase() !== 'true' && statusOf(preflight) > 0 && exchange.outcome.kind === 'failed') {
      return { status: 'fail', failure: { reason: 'private-network-header-missing', data: { target: preflight.request.origin ?? preflight.request.url } }, evidence: evidence('Access-Control-Allow-Private-Network', responseHeader(preflight, PNA_RESPONSE_HEADER), 'true') };
    }
    // The named net error may sit on the preflight (measured: ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS on the
    // OPTIONS entry, plain net::ERR_FAILED on the request it stopped).
    const error = namedLocalNetworkError(exchange) ?? netErrorOf(exchange);
    const page = exchange.initiatorOrigin;
    const entry = lastEntry(exchange);
    if (error === null || page === null || entry === null) return INAPPLICABLE;
    const pageHost = hostnameOf(page, memo);
    const targetHost = hostnameOf(entry.request.url, memo);
    if (pageHost === null || targetHost === null) return INAPPLICABLE;
    const space = addressSpaceOf(targetHost);
    const target = entry.request.origin ?? entry.request.url;
    if (LOCAL_NETWORK_ERROR_PATTERN.test(error)) {
      return { status: 'fail', failure: { reason: 'permission-denied', data: { error, page, target, space, named: true } }, evidence: evidence(null, error, 'the Local Network Access permission') };
    }
    // The bare net::ERR_FAILED with no response that a refused permission leaves: the address spaces are the evidence.
    if (error !== CORS_NET_ERROR || blockedBy !== null || statusOf(entry) > 0) return INAPPLICABLE;
    if (addressSpaceOf(pageHost) !== 'public' || space === 'public') return INAPPLICABLE;
    return { status: 'fail', failure: { reason: 'permission-denied', data: { error, page, target, space, named: false } }, evidence: evidence(null, `${page} (public) → ${target} (${space})`, 'the Local Network Access permission') };
  },
  confidenceOf: (failure) => failure.reason === 'private-network-header-missing'
    ? confidence('high', 'The preflight carried Access-Control-Request-Private-Network: true and the answer lacked Access-Control-Allow-Private-Network: true.')
    : failure.data.named
      ? confidence('high', `Chromium recorded ${failure.data.error}.`)
      : confidence('medium', `Judged from host names: a public page (${failure.data.page}) called a ${failure.data.space} address (${failure.data.target}) and failed with ${failure.data.error} before any response was recorded; the HAR does not name the permission.`),
  messages: {
    'permission-denied': ({ data }) =>
      `Not a CORS header problem: the public page ${data.page} tried to reach ${data.target}, a ${data.space === 'loopback' ? 'loopback (this machine)' : 'local-network'} address, and Chromium refused it (${data.error}) because the site does not have the user's Local Network Access permission. ` +
      'It is a permission, not a header: no CORS or Access-Control-Allow-Private-Network header changes it (Chromium 142+ sends no such preflight). The user grants it in the prompt or in the site settings; the page must be a secure context (https) to ask, can say what it calls with fetch(url, { targetAddressSpace: "local" or "loopback" }), and an iframe needs allow="local-network-access". Or serve the API from a public address, or call it from your server.',
    'private-network-header-missing': ({ data }) =>
      `The Private Network Access preflight to ${data.target} asked for Access-Control-Allow-Private-Network: true and did not get it, so the browser refused to reach the private address.`,
  },
  fix: {
    kind: 'fix',
    build: (failure) => failure.reason === 'private-network-header-missing'
      ? { target: 'preflight', headers: [setHeader('Access-Control-Allow-Private-Network', 'true')], summary: 'Answer the preflight with Access-Control-Allow-Private-Network: true (older Chromium), and serve the page over https.' }
      : { target: 'client', headers: [], summary: 'Grant the site the "local network access" permission (prompt or site settings); site owners: serve the page over https, declare fetch(url, { targetAddressSpace }) and let users accept the prompt (iframes: allow="local-network-access"), or move the API to a public address — no response header can grant it.' },
  },
};

function namedLocalNetworkError(exchange: RuleExchange): string | null {
  for (const hop of exchange.hops) {
    for (const entry of [hop.preflight, hop.entry]) {
      const error = entry?.response?.error ?? null;
      if (error !== null && LOCAL_NETWORK_ERROR_PATTERN.test(error)) return error;
    }
  }
  return null;
}
