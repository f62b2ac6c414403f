import { originOf } from '../model/origin.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, finalActualStep, requestHeader, responseHeader } from './audit-helpers.js';
import { ACAO, evidence } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure =
  | { reason: 'rewritten-origin'; data: { origin: string; page: string; url: string } }
  | { reason: 'delivered-despite-wildcard'; data: { url: string } };

/**
 * "Allow CORS" style extensions rewrite what the capture shows: the request's Origin (set to the target's own
 * origin, so the server "sees" a same-origin call), and responses (an injected Access-Control-Allow-Origin: *).
 * Seen per exchange: an Origin naming the target while the Referer shows the page is elsewhere, or a
 * credentialed request Chromium delivered although it answered "*" (Chromium blocks that unless the response
 * was rewritten). The verdicts then describe the extension, not the server.
 */
export const corsUnblockingExtension: Rule<Failure> = {
  meta: {
    id: 'cors-unblocking-extension',
    title: 'The capture shows the browser\'s own requests and the server\'s own headers',
    failureTitle: 'A CORS-"unblocking" extension rewrote this exchange',
    description:
      'Extensions that "disable CORS" inject Access-Control-Allow-Origin: * into responses and may rewrite the Origin header. Requests that work for you then fail for every user without the extension; diagnose with the extension off.',
    specUrl: FETCH_SPEC.corsProtocol,
    mdnUrl: MDN.browserExtensions,
    severity: 'warning',
    category: 'classification',
  },
  evaluate: ({ exchange, step, blockedBy, memo }) => {
    if (step !== null) return INAPPLICABLE;
    const first = exchange.hops[0]?.entry;
    if (first === undefined) return INAPPLICABLE;
    const origin = requestHeader(first, 'origin')?.trim() ?? null;
    const target = first.request.origin;
    // Only an Origin naming the target itself can have been rewritten; the Referer is read only then.
    if (origin !== null && origin !== 'null' && origin === target) {
      const referer = requestHeader(first, 'referer');
      const page = referer === null ? null : originOf(referer, memo.origins);
      if (page !== null && page !== 'null' && page !== target) {
        return { status: 'fail', failure: { reason: 'rewritten-origin', data: { origin, page, url: first.request.url } }, evidence: evidence('Origin', origin, page) };
      }
    }
    const wildcardBlock = blockedBy === 'WildcardOriginNotAllowed' || blockedBy === 'PreflightWildcardOriginNotAllowed';
    const final = finalActualStep(exchange);
    if (wildcardBlock && exchange.outcome.kind === 'succeeded' && final !== null && responseHeader(final.entry, ACAO)?.trim() === '*') {
      return { status: 'fail', failure: { reason: 'delivered-despite-wildcard', data: { url: exchange.url } }, evidence: evidence(ACAO, '* (delivered to a credentialed request)', 'a blocked request') };
    }
    return PASS;
  },
  confidenceOf: (failure) => failure.reason === 'rewritten-origin'
    ? confidence('high', `The request's Origin (${failure.data.origin}) names the target itself while its Referer shows the page is ${failure.data.page}; browsers never send that.`)
    : confidence('medium', 'The request carried cookies and the response answered "*", which Chromium blocks, yet the response was delivered: something rewrote it — an extension, or a browser that is not Chromium.'),
  messages: {
    'rewritten-origin': ({ data }) =>
      `This request's Origin was rewritten to ${data.origin}, the target's own origin, although the page is ${data.page} — a CORS-"unblocking" extension's doing. The verdict reflects the extension, not the server: users without it may be blocked.`,
    'delivered-despite-wildcard': () =>
      'A credentialed request was delivered although the response answered Access-Control-Allow-Origin: *, which Chromium blocks: a CORS-"unblocking" extension probably rewrote the response. Users without it are blocked.',
  },
  fix: {
    kind: 'fix',
    build: () => ({
      target: 'client',
      headers: [],
      summary: 'Turn the CORS-unblocking extension off and capture again to see what the server really sends; then fix the server\'s headers so the page works without it.',
    }),
  },
};
