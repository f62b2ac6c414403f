import { combinedHeader } from '../model/headers.js';
import { addressSpaceOf } from '../spec/audit.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, finalActualStep, firstPreflightStep, hostnameOf, isDeliveredCors, responseHeader, schemeOf } from './audit-helpers.js';
import { ACAO, evidence, setHeader } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Data = { value: string; apiUrl: string; credentials: boolean };
type Failure =
  | { reason: 'null-origin'; data: Data }
  | { reason: 'local-origin'; data: Data & { space: string } }
  | { reason: 'insecure-origin'; data: Data };

/**
 * Origins that should never be trusted by a production API: "null" (sandboxed iframes, data: and file: pages,
 * any site can produce it), a local or loopback origin trusted by a public API (a developer's machine, or
 * whatever listens on it), and an http: origin trusted by an https: API (anyone on the network can be it).
 */
export const untrustedOriginAllowed: Rule<Failure> = {
  meta: {
    id: 'untrusted-origin-allowed',
    title: 'Only trustworthy origins are allowed',
    failureTitle: 'The server allows "null", a local origin, or an http: origin',
    description:
      'Access-Control-Allow-Origin: null is met by any sandboxed iframe or data: page on any site; a localhost or private-network origin allowed by a public API is a development leftover; an http: origin allowed by an https: API can be impersonated by anyone on the network path. With credentials allowed, each of these can read users\' data.',
    specUrl: FETCH_SPEC.allowOrigin,
    mdnUrl: MDN.allowOrigin,
    severity: 'warning',
    category: 'security',
  },
  evaluate: (context) => {
    if (!isDeliveredCors(context)) return INAPPLICABLE;
    const step = finalActualStep(context.exchange) ?? firstPreflightStep(context.exchange);
    if (step === null) return INAPPLICABLE;
    const value = responseHeader(step.entry, ACAO)?.trim() ?? null;
    if (value === null || value === '*') return PASS;
    const credentials = responseHeader(step.entry, 'access-control-allow-credentials') === 'true';
    const apiUrl = step.entry.request.url;
    const data = { value, apiUrl, credentials };
    const found = (failure: Failure) => ({ status: 'fail' as const, failure, evidence: evidence(ACAO, value, 'a trusted https: origin of your own site') });
    // Without credentials "null" grants no more than "*" does: only the credentialed case is a risk.
    if (value === 'null') return credentials ? found({ reason: 'null-origin', data }) : PASS;
    // The API's origin has its URL's host and scheme, and repeats across a capture (its URL does not).
    const apiOrigin = step.entry.request.origin;
    const apiSite = apiOrigin !== null && apiOrigin !== 'null' ? apiOrigin : apiUrl;
    const originHost = hostnameOf(value, context.memo);
    const apiHost = hostnameOf(apiSite, context.memo);
    if (originHost === null || apiHost === null) return PASS;
    const space = addressSpaceOf(originHost);
    if (space !== 'public' && addressSpaceOf(apiHost) === 'public') return found({ reason: 'local-origin', data: { ...data, space } });
    if (schemeOf(value, context.memo) === 'http:' && schemeOf(apiSite, context.memo) === 'https:') return found({ reason: 'insecure-origin', data });
    return PASS;
  },
  severityOf: (failure) => (failure.data.credentials ? 'warning' : 'info'),
  confidenceOf: (failure) => {
    switch (failure.reason) {
      case 'null-origin':
        return confidence('high', 'Access-Control-Allow-Origin: null and Access-Control-Allow-Credentials: true are both in the recorded response.');
      case 'local-origin':
        return confidence('medium', `Judged from host names only: ${failure.data.value} is ${failure.data.space === 'loopback' ? 'a loopback' : 'a private-network'} origin and ${failure.data.apiUrl} looks public; the capture has no resolved addresses to confirm it.`);
      case 'insecure-origin':
        return confidence('high', `The allowed origin's scheme (http:) and the API's scheme (https:) are both in the capture.`);
    }
  },
  messages: {
    'null-origin': () =>
      `The response allowed the origin "null" with Access-Control-Allow-Credentials: true. Any site can make a request with Origin: null (a sandboxed iframe, a data: URL), so any site can read this response with the user's cookies. A cross-origin redirect also turns the Origin into "null": call the final URL directly instead of allowing "null".`,
    'local-origin': ({ data }) =>
      `The public API ${data.apiUrl} allowed the ${data.space === 'loopback' ? 'loopback' : 'private-network'} origin ${data.value}${data.credentials ? ' with credentials' : ''}. This is usually a development origin left in the production allow-list: whatever runs on that address on a user's machine or network can read the API's responses.`,
    'insecure-origin': ({ data }) =>
      `The https: API ${data.apiUrl} allowed the plain-http origin ${data.value}${data.credentials ? ' with credentials' : ''}. Anyone on the user's network path can serve a page as ${data.value} and read these responses, which defeats the API's TLS.`,
  },
  fix: {
    kind: 'fix',
    build: (failure, { exchange }) => {
      // "null" because the page's own request crossed origins on a redirect (a tainted origin): taking "null" off
      // the allow-list would block the page, so the change is to skip the redirect (the re-check in Chromium found it).
      if (failure.data.value === 'null' && exchange.initiatorOrigin !== null && exchange.initiatorOrigin !== 'null') {
        return {
          target: 'client',
          headers: [],
          summary: `The page's request crossed origins on a redirect, so it arrives with Origin: null: request the final URL directly, then allow ${exchange.initiatorOrigin} instead of "null".`,
        };
      }
      const trusted = exchange.initiatorOrigin !== null && exchange.initiatorOrigin !== failure.data.value ? exchange.initiatorOrigin : 'https://your-site.example';
      return {
        target: exchange.kind === 'preflighted' ? 'all-responses' : 'actual',
        headers: [setHeader('Access-Control-Allow-Origin', trusted), setHeader('Vary', 'Origin')],
        summary: `Remove ${failure.data.value === 'null' ? '"null"' : failure.data.value} from the production allow-list; answer only your own https: origins (such as ${trusted}).`,
      };
    },
  },
  // The fix refuses the request it was found on (that origin is the risk), so the exchange is not expected to
  // pass afterwards: the re-check is that the response no longer allows the untrusted origin.
  recheckFix: (failure, patched) => combinedHeader(patched, ACAO)?.trim() !== failure.data.value,
};
