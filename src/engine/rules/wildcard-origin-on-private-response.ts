import { FETCH_SPEC, MDN } from '../spec/references.js';
import { cacheDirectives, confidence, finalActualStep, isDeliveredCors, requestHeader, responseHeader } from './audit-helpers.js';
import { ACAO, evidence, setHeader } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure =
  | { reason: 'sets-cookie'; data: { url: string } }
  | { reason: 'cookie-request'; data: { url: string } }
  | { reason: 'private-cache-control'; data: { url: string; cacheControl: string } }
  | { reason: 'authorization-request'; data: { url: string; scheme: string } };

/**
 * Access-Control-Allow-Origin: * says "public data, any site may read it". Responses that set cookies,
 * answer requests that carried cookies or Authorization, or mark themselves Cache-Control: private look
 * user-specific, so "*" is either wrong for them or the server mixes public and private answers.
 */
export const wildcardOriginOnPrivateResponse: Rule<Failure> = {
  meta: {
    id: 'wildcard-origin-on-private-response',
    title: 'Access-Control-Allow-Origin: * only on public responses',
    failureTitle: 'Access-Control-Allow-Origin: * on a response that looks user-specific',
    description:
      '"*" lets every web site read the response. That is right for public data and wrong for anything tied to a user: a response that sets a session cookie, answers a request carrying cookies or an Authorization header, or is marked Cache-Control: private.',
    specUrl: FETCH_SPEC.allowOrigin,
    mdnUrl: MDN.allowOrigin,
    severity: 'warning',
    category: 'security',
  },
  evaluate: (context) => {
    if (!isDeliveredCors(context)) return INAPPLICABLE;
    const step = finalActualStep(context.exchange);
    if (step === null) return INAPPLICABLE;
    if (responseHeader(step.entry, ACAO)?.trim() !== '*') return PASS;
    const url = step.entry.request.url;
    const found = (failure: Failure, observed: string) => ({ status: 'fail' as const, failure, evidence: evidence(ACAO, `* (${observed})`, 'a specific allow-listed origin, or no user data') });
    if (responseHeader(step.entry, 'set-cookie') !== null) return found({ reason: 'sets-cookie', data: { url } }, 'response sets a cookie');
    if (requestHeader(step.entry, 'cookie') !== null) return found({ reason: 'cookie-request', data: { url } }, 'request carried cookies');
    const cacheControl = responseHeader(step.entry, 'cache-control');
    if (cacheDirectives(cacheControl, context.memo).has('private')) return found({ reason: 'private-cache-control', data: { url, cacheControl: cacheControl ?? '' } }, `Cache-Control: ${cacheControl ?? ''}`);
    const authorization = requestHeader(step.entry, 'authorization');
    if (authorization !== null) {
      const scheme = authorization.trim().split(/\s+/)[0] ?? '';
      return found({ reason: 'authorization-request', data: { url, scheme } }, `request carried Authorization: ${scheme} …`);
    }
    return PASS;
  },
  severityOf: (failure) => (failure.reason === 'authorization-request' ? 'info' : 'warning'),
  confidenceOf: (failure) => {
    switch (failure.reason) {
      case 'sets-cookie':
        return confidence('high', 'The recorded response carries both Set-Cookie and Access-Control-Allow-Origin: *.');
      case 'cookie-request':
        return confidence('high', 'The recorded request carried a Cookie header and the response answered "*".');
      case 'private-cache-control':
        return confidence('medium', `The server itself marked the response Cache-Control: private (per-user); whether its body is sensitive is not in the capture.`);
      case 'authorization-request':
        return confidence('low', 'The request carried an Authorization header, so the answer is probably per-user; a token only the page holds is not ambient, so "*" may be acceptable.');
    }
  },
  messages: {
    'sets-cookie': () =>
      'The response sets a cookie and answers Access-Control-Allow-Origin: *. With "*" the request cannot carry credentials, so the browser ignores this Set-Cookie for the cross-origin page; and if the server mixes session handling with "*", some of its answers are user data any site may read.',
    'cookie-request': () =>
      'The request carried cookies and the response answered Access-Control-Allow-Origin: *. If this response depends on those cookies, any site can read it wherever the browser lets credentials through (other browsers, no-cors contexts, extensions).',
    'private-cache-control': ({ data }) =>
      `The response is marked "Cache-Control: ${data.cacheControl}" — per-user — yet answers Access-Control-Allow-Origin: *, which lets every site read it.`,
    'authorization-request': ({ data }) =>
      `The request carried an Authorization (${data.scheme || 'unknown scheme'}) header and the response answered Access-Control-Allow-Origin: *. That is safe only while the credential is a token the page holds itself; with HTTP authentication the browser remembers, answer a specific origin instead.`,
  },
  fix: {
    kind: 'fix',
    build: (_failure, { exchange }) => {
      const site = exchange.initiatorOrigin ?? 'your site';
      // Reached through a cross-origin redirect, the request carries Origin: null (a tainted origin), which the
      // page's own origin would not match: found by the what-if re-check of this fix.
      if (finalActualStep(exchange)?.requestOrigin === 'null') {
        return {
          target: 'client',
          headers: [],
          summary: `Cross-origin redirect first, so Origin is null here (only "*" or "null" — any sandboxed page — pass): request the final URL directly, then answer ${site} with Vary: Origin.`,
        };
      }
      return {
        target: 'actual',
        headers: [setHeader('Access-Control-Allow-Origin', exchange.initiatorOrigin ?? 'https://your-site.example'), setHeader('Vary', 'Origin')],
        summary: `Answer per-user responses with the allow-listed origin (${site}) and Vary: Origin instead of "*"; keep "*" for public data only.`,
      };
    },
  },
};
