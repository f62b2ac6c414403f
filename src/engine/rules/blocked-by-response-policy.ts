import { combinedHeader } from '../model/headers.js';
import { NET_ERRORS } from '../spec/audit.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, lastEntry, netErrorNameOf, netErrorOf, responseHeader } from './audit-helpers.js';
import { evidence, setHeader } from './helpers.js';
import { unnamedFailureOf } from '../derive/unnamed-failure.js';
import type { Rule } from './types.js';
import { INAPPLICABLE } from './types.js';

type Failure =
  /** error is null where the HAR names none (Firefox): the header alone shows the block (derive/unnamed-failure.ts). */
  | { reason: 'corp'; data: { error: string | null; corp: string; url: string } }
  | { reason: 'response-policy'; data: { error: string; url: string } }
  | { reason: 'orb'; data: { error: string; url: string; contentType: string | null } };

/**
 * Response-side blocks that are not CORS: Cross-Origin-Resource-Policy (and COEP requiring it) on responses
 * to no-cors requests, and Opaque Response Blocking (ORB) hiding JSON/HTML/XML from no-cors requests.
 */
export const blockedByResponsePolicy: Rule<Failure> = {
  meta: {
    id: 'blocked-by-response-policy',
    title: 'No response policy blocks the response',
    failureTitle: 'Cross-Origin-Resource-Policy or Opaque Response Blocking (ORB) blocked the response',
    description:
      'Cross-Origin-Resource-Policy: same-origin/same-site on a response, a page with Cross-Origin-Embedder-Policy, or ORB (which hides JSON, HTML and XML from no-cors requests) block a response without any CORS error. CORS headers do not change these.',
    specUrl: FETCH_SPEC.corp,
    mdnUrl: MDN.corp,
    severity: 'error',
    category: 'classification',
  },
  evaluate: ({ exchange, step, browser }) => {
    if (step !== null || exchange.hops.length === 0) return INAPPLICABLE;
    const unnamed = browser === 'firefox' ? unnamedFailureOf(exchange) : null;
    if (unnamed?.kind === 'corp') {
      return { status: 'fail', failure: { reason: 'corp', data: { error: null, corp: unnamed.policy, url: unnamed.url } }, evidence: evidence('Cross-Origin-Resource-Policy', unnamed.policy, 'cross-origin') };
    }
    const error = netErrorOf(exchange);
    const entry = lastEntry(exchange);
    if (error === null || entry === null) return INAPPLICABLE;
    const url = entry.request.url;
    const name = netErrorNameOf(exchange);
    if (name === NET_ERRORS.blockedByOrb) {
      return { status: 'fail', failure: { reason: 'orb', data: { error, url, contentType: responseHeader(entry, 'content-type') } }, evidence: evidence('Content-Type', responseHeader(entry, 'content-type'), 'a CORS-mode request, or a type ORB allows') };
    }
    if (name !== NET_ERRORS.blockedByResponse) return INAPPLICABLE;
    const corp = responseHeader(entry, 'cross-origin-resource-policy');
    if (corp !== null) return { status: 'fail', failure: { reason: 'corp', data: { error, corp, url } }, evidence: evidence('Cross-Origin-Resource-Policy', corp, 'cross-origin') };
    return { status: 'fail', failure: { reason: 'response-policy', data: { error, url } }, evidence: evidence('Cross-Origin-Resource-Policy', null, 'cross-origin') };
  },
  confidenceOf: (failure) => {
    switch (failure.reason) {
      case 'corp':
        return failure.data.error === null
          ? confidence('high', `The response carries Cross-Origin-Resource-Policy: ${failure.data.corp} and the page's origin is not allowed by it; Firefox records no error name for the block.`)
          : confidence('high', `Chromium recorded ${failure.data.error} and the response carries Cross-Origin-Resource-Policy: ${failure.data.corp}.`);
      case 'response-policy':
        return confidence('medium', `Chromium recorded ${failure.data.error} but the capture shows no Cross-Origin-Resource-Policy header: the page's Cross-Origin-Embedder-Policy (which requires one) is the likely cause.`);
      case 'orb':
        return confidence('high', `Chromium recorded ${failure.data.error}.`);
    }
  },
  messages: {
    corp: ({ data }) =>
      `Not CORS: the response carries Cross-Origin-Resource-Policy: ${data.corp}, which forbids other origins from loading it in no-cors mode, so ${data.error === null ? 'the browser withheld it (Firefox records no error name for it)' : `Chromium blocked it (${data.error})`}.`,
    'response-policy': ({ data }) =>
      `Not CORS: Chromium blocked the response with ${data.error}. Without a Cross-Origin-Resource-Policy header in the capture, the likely cause is the page's Cross-Origin-Embedder-Policy, which requires cross-origin no-cors responses to opt in with CORP (or CORS).`,
    orb: ({ data }) =>
      `Not CORS: Opaque Response Blocking (${data.error}) hid a ${data.contentType ?? 'non-media'} response from a no-cors request — a script cannot read no-cors responses anyway, so ORB drops data types (JSON, HTML, XML) it should never need.`,
  },
  // Chromium's CORP check: only "cross-origin" lets another origin load a no-cors response (same-site would
  // pass for same-site pages, but the fix proposed is always cross-origin).
  recheckFix: (failure, patched) =>
    failure.reason !== 'orb' && combinedHeader(patched, 'cross-origin-resource-policy')?.trim().toLowerCase() === 'cross-origin',
  fix: {
    kind: 'fix',
    build: (failure) => failure.reason === 'orb'
      ? { target: 'client', headers: [], summary: 'Fetch it in CORS mode (the default for fetch(); drop mode: "no-cors") and have the server send Access-Control-Allow-Origin, or serve media with its real Content-Type.' }
      : { target: 'actual', headers: [setHeader('Cross-Origin-Resource-Policy', 'cross-origin')], summary: 'Send Cross-Origin-Resource-Policy: cross-origin on this response (or load it in CORS mode with Access-Control-Allow-Origin).' },
  },
};
