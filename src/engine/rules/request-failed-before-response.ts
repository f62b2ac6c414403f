import { CORS_NET_ERROR } from '../spec/cors-errors.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { evidence } from './helpers.js';
import { unnamedFailureOf } from '../derive/unnamed-failure.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure =
  /** A net error that CORS never produces: an ad blocker, TLS, DNS, cancellation… */
  | { reason: 'non-cors-network-error'; data: { error: string; cause: string } }
  | { reason: 'no-response-recorded'; data: { status: number | null } }
  /** Firefox (no error names in its HAR): a redirect it refused, or one the page did not follow (derive/unnamed-failure.ts). */
  | { reason: 'redirect-to-other-scheme'; data: { target: string } }
  | { reason: 'same-origin-mode-redirected'; data: { target: string } }
  | { reason: 'redirect-not-followed'; data: { target: string } };

/** Plain-language causes of the net errors seen in captures. */
const KNOWN_CAUSES: readonly (readonly [RegExp, string])[] = [
  [/BLOCKED_BY_CLIENT/, 'a browser extension (ad or privacy blocker) blocked it'],
  [/ABORTED/, 'the page or the browser cancelled it (navigation, AbortController, or a superseded request)'],
  [/CERT|INSECURE_RESPONSE|SSL/, 'the TLS certificate was rejected'],
  [/NAME_NOT_RESOLVED/, 'the host name did not resolve (DNS)'],
  [/CONNECTION|TIMED_OUT|ADDRESS_UNREACHABLE|EMPTY_RESPONSE|NETWORK_CHANGED|INTERNET_DISCONNECTED/, 'the connection failed'],
  [/BLOCKED_BY_RESPONSE|BLOCKED_BY_ORB/, 'a response policy (Cross-Origin-Resource-Policy, COEP or ORB) blocked it'],
  [/MIXED_CONTENT|BLOCKED_BY_CSP/, 'a page policy (mixed content or Content-Security-Policy) blocked it'],
];

function causeOf(error: string): string {
  return KNOWN_CAUSES.find(([pattern]) => pattern.test(error))?.[1] ?? 'a network failure unrelated to CORS headers';
}

export const requestFailedBeforeResponse: Rule<Failure> = {
  meta: {
    id: 'request-failed-before-response',
    title: 'The request got a response',
    failureTitle: 'The request failed for a reason other than CORS, or has no recorded response',
    description:
      'Not every failed cross-origin request is a CORS problem. Blockers, certificates, DNS and cancellations fail a request before any CORS check runs; changing CORS headers will not help.',
    specUrl: FETCH_SPEC.networkError,
    mdnUrl: MDN.didNotSucceed,
    severity: 'error',
  },
  evaluate: ({ exchange, step, blockedBy, browser }) => {
    if (step !== null || exchange.hops.length === 0) return INAPPLICABLE;
    // A request stopped by its failed preflight is explained by the preflight, not here.
    if (blockedBy !== null) return INAPPLICABLE;
    const outcome = exchange.outcome;
    switch (outcome.kind) {
      case 'failed':
        if (outcome.error === CORS_NET_ERROR) return INAPPLICABLE;
        return {
          status: 'fail',
          failure: { reason: 'non-cors-network-error', data: { error: outcome.error, cause: causeOf(outcome.error) } },
          evidence: evidence(null, outcome.error, 'a response'),
        };
      case 'no-response': {
        // Firefox records every failure before a response so: unexplained-network-error says what it can be.
        if (browser === 'firefox') return INAPPLICABLE;
        const status = exchange.hops[exchange.hops.length - 1]?.entry.response?.status ?? null;
        return {
          status: 'fail',
          failure: { reason: 'no-response-recorded', data: { status } },
          evidence: evidence(null, status === null ? 'no response' : `status ${status}`, 'a response'),
        };
      }
      case 'not-recorded': {
        const unnamed = browser === 'firefox' ? unnamedFailureOf(exchange) : null;
        if (unnamed === null || unnamed.kind === 'corp') return PASS;
        return { status: 'fail', failure: { reason: unnamed.kind, data: { target: unnamed.target } }, evidence: evidence('Location', unnamed.target, 'a followed redirect') };
      }
      case 'succeeded':
        return PASS;
    }
  },
  severityOf: (failure) => (failure.reason === 'no-response-recorded' || failure.reason === 'redirect-not-followed' ? 'warning' : 'error'),
  messages: {
    'non-cors-network-error': ({ data }) =>
      `The request failed with ${data.error}: ${data.cause}. This is not a CORS error, so changing CORS headers will not fix it.`,
    'redirect-to-other-scheme': ({ data }) =>
      `The response redirects to ${data.target}, which is not an http(s) URL. Browsers do not follow a redirect there (Firefox logs "CORS request did not succeed", Chromium net::ERR_UNSAFE_REDIRECT); changing CORS headers will not help — redirect to an http(s) URL, or do not redirect.`,
    'same-origin-mode-redirected': ({ data }) =>
      `The request was made in mode "same-origin" (Sec-Fetch-Mode) and redirected to ${data.target}, another origin: the browser stops it with a network error. Not a CORS header problem: request the final URL, or use mode "cors" and let that server allow the page.`,
    'redirect-not-followed': ({ data }) =>
      `The redirect to ${data.target} passes the CORS checks, but the capture has no request to it: the page asked not to follow redirects (fetch redirect "manual" gets an opaque response, redirect "error" a network error) or the capture ended first. Firefox records neither case differently, so the outcome is unknown.`,
    'no-response-recorded': ({ data }) =>
      `The capture has no response for this request (${data.status === null ? 'no status' : `status ${data.status}`}) and no error name, so it cannot tell whether the browser received or blocked it. Re-export the HAR after the request has finished.`,
  },
  fix: { kind: 'no-server-fix', because: 'The failure happened before or outside the CORS checks; its cause (extension, certificate, DNS, cancellation) is not a response header.' },
};
