import { CORS_SAFELISTED_RESPONSE_HEADERS, INFRASTRUCTURE_X_HEADERS, SCRIPT_READABLE_STANDARD_RESPONSE_HEADERS } from '../spec/audit.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, finalActualStep, isDeliveredCors, lowerTokens, responseHeader } from './audit-helpers.js';
import { evidence, setHeader } from './helpers.js';
import type { HeaderField } from '../model/headers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'not-exposed'; data: { names: string[]; exposed: readonly string[]; custom: boolean } };

/** Response headers a page script might want to read: custom x-… headers and a few standard ones. */
function meantForScripts(lowerName: string): boolean {
  if (CORS_SAFELISTED_RESPONSE_HEADERS.has(lowerName) || lowerName.startsWith('access-control-')) return false;
  if (lowerName.startsWith('x-')) return !INFRASTRUCTURE_X_HEADERS.has(lowerName);
  return SCRIPT_READABLE_STANDARD_RESPONSE_HEADERS.has(lowerName);
}

/**
 * A cross-origin script reads only the safelisted response headers and those named in
 * Access-Control-Expose-Headers: a custom header (X-Total-Count, X-Request-Id, Link…) is there in DevTools but
 * `response.headers.get()` returns null. Costly to debug because the request "worked".
 */
export const unexposedResponseHeader: Rule<Failure> = {
  meta: {
    id: 'unexposed-response-header',
    title: 'Custom response headers are exposed to the script',
    failureTitle: 'The response has custom headers the script cannot read',
    description:
      'Cross-origin, a script sees only the CORS-safelisted response headers (Content-Type, Cache-Control…) and those listed in Access-Control-Expose-Headers. Headers such as X-Total-Count or Link show in DevTools but read as null in code.',
    specUrl: FETCH_SPEC.exposeHeaders,
    mdnUrl: MDN.exposeHeaders,
    severity: 'info',
    category: 'performance',
  },
  evaluate: (context) => {
    if (!isDeliveredCors(context)) return INAPPLICABLE;
    const step = finalActualStep(context.exchange);
    if (step === null || step.entry.response === null) return INAPPLICABLE;
    const credentials = responseHeader(step.entry, 'access-control-allow-credentials') === 'true';
    const exposed = lowerTokens(responseHeader(step.entry, 'access-control-expose-headers'), context.memo);
    // "*" exposes everything only without credentials; with them it is the literal name "*".
    if (!credentials && exposed.includes('*')) return PASS;
    // Distinct names in response order (one pass: this runs on every cross-origin response of a capture).
    const names: string[] = [];
    const headers = step.entry.response.headers;
    for (let i = 0; i < headers.length; i++) {
      const { lowerName } = headers[i] as HeaderField;
      if (meantForScripts(lowerName) && !exposed.includes(lowerName) && !names.includes(lowerName)) names.push(lowerName);
    }
    if (names.length === 0) return PASS;
    return {
      status: 'fail',
      failure: { reason: 'not-exposed', data: { names, exposed, custom: names.some((name) => name.startsWith('x-')) } },
      evidence: evidence('Access-Control-Expose-Headers', responseHeader(step.entry, 'access-control-expose-headers'), names.join(', ')),
    };
  },
  confidenceOf: ({ data }) => confidence(data.custom ? 'medium' : 'low',
    `Certain that the script cannot read ${data.names.join(', ')} (not safelisted, not in Access-Control-Expose-Headers); whether the page needs ${data.names.length === 1 ? 'it' : 'them'} is not in the capture${data.custom ? ', though custom x- headers are usually sent for the client' : ''}.`),
  messages: {
    'not-exposed': ({ data }) =>
      `The request succeeded, but the page's script cannot read ${data.names.join(', ')}: cross-origin, only safelisted headers and those listed in Access-Control-Expose-Headers${data.exposed.length > 0 ? ` (here: ${data.exposed.join(', ')})` : ' (absent here)'} are visible; response.headers.get() returns null for the rest.`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => ({
      target: 'actual',
      headers: [setHeader('Access-Control-Expose-Headers', [...data.exposed.filter((name) => name !== '*'), ...data.names].join(', '))],
      summary: `List the headers the page reads in Access-Control-Expose-Headers: ${data.names.join(', ')}.`,
    }),
  },
};
