import { captureKeyOf } from '../derive/capture.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { cacheDirectives, confidence, finalActualStep, isDeliveredCors, lowerTokens, responseHeader } from './audit-helpers.js';
import { ACAO, evidence } from './helpers.js';
import type { Rule, RuleMemo } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure =
  | { reason: 'values-differ-by-origin'; data: { endpoint: string; values: string[]; value: string } }
  | { reason: 'cacheable-without-vary'; data: { endpoint: string; value: string; cacheControl: string } };

/** True when the response is explicitly storable by shared or private caches for some time. */
function explicitlyCacheable(cacheControl: string | null, memo: RuleMemo): boolean {
  const directives = cacheDirectives(cacheControl, memo);
  if (directives.has('no-store') || directives.has('no-cache')) return false;
  const maxAge = Number(directives.get('s-maxage') ?? directives.get('max-age') ?? 'NaN');
  return directives.has('public') || (Number.isFinite(maxAge) && maxAge > 0);
}

/**
 * A response whose Access-Control-Allow-Origin depends on the request's Origin must say so with Vary: Origin,
 * or a cache (CDN, proxy, the browser's own) hands the answer meant for one origin to another: spurious CORS
 * failures at best, another origin's data at worst. Passive evidence of origin-dependence: the same endpoint
 * answering different origins differently in the capture (high), or a cacheable answer naming one origin (low).
 */
export const missingVaryOrigin: Rule<Failure> = {
  meta: {
    id: 'missing-vary-origin',
    title: 'Origin-dependent CORS answers carry Vary: Origin',
    failureTitle: 'Access-Control-Allow-Origin depends on the Origin, but Vary: Origin is missing',
    description:
      'When a server picks Access-Control-Allow-Origin per request origin, caches must know the answer varies by Origin. Without Vary: Origin a CDN or the browser cache can serve one origin\'s answer to another — random CORS failures, or data leaking across origins.',
    specUrl: FETCH_SPEC.corsAndHttpCaches,
    mdnUrl: MDN.vary,
    severity: 'warning',
    category: 'security',
  },
  evaluate: (context) => {
    if (!isDeliveredCors(context)) return INAPPLICABLE;
    const step = finalActualStep(context.exchange);
    if (step === null) return INAPPLICABLE;
    const value = responseHeader(step.entry, ACAO)?.trim() ?? null;
    if (value === null || value === '*') return INAPPLICABLE;
    const vary = lowerTokens(responseHeader(step.entry, 'vary'), context.memo);
    if (vary.includes('origin') || vary.includes('*')) return PASS;
    const endpoint = captureKeyOf(step.entry.request.url);
    const values = [...(context.capture?.allowOriginValuesByUrl.get(endpoint) ?? [])].sort();
    if (values.length >= 2) {
      return {
        status: 'fail',
        failure: { reason: 'values-differ-by-origin', data: { endpoint, values, value } },
        evidence: evidence('Vary', responseHeader(step.entry, 'vary'), 'Origin'),
      };
    }
    const cacheControl = responseHeader(step.entry, 'cache-control');
    if (explicitlyCacheable(cacheControl, context.memo)) {
      return {
        status: 'fail',
        failure: { reason: 'cacheable-without-vary', data: { endpoint, value, cacheControl: cacheControl ?? '' } },
        evidence: evidence('Vary', responseHeader(step.entry, 'vary'), 'Origin'),
      };
    }
    return PASS;
  },
  severityOf: (failure) => (failure.reason === 'values-differ-by-origin' ? 'warning' : 'info'),
  confidenceOf: (failure) => failure.reason === 'values-differ-by-origin'
    ? confidence('high', `${failure.data.endpoint} answered ${failure.data.values.length} different Access-Control-Allow-Origin values in this capture (${failure.data.values.join(', ')}), none with Vary: Origin.`)
    : confidence('low', `Only one origin is in the capture; the response is cacheable (Cache-Control: ${failure.data.cacheControl}) and names one origin, which matters only if the server picks the value per request.`),
  messages: {
    'values-differ-by-origin': ({ data }) =>
      `${data.endpoint} answers Access-Control-Allow-Origin per requesting origin (this capture shows ${data.values.join(', ')}) but sends no Vary: Origin. A cache may serve the answer for one origin to another: the other origin's requests then fail, or read a response meant for someone else.`,
    'cacheable-without-vary': ({ data }) =>
      `The response is cacheable (Cache-Control: ${data.cacheControl}) and names one origin (${data.value}) without Vary: Origin. If the server chooses this value per request origin, caches will hand it to other origins.`,
  },
  fix: {
    kind: 'fix',
    build: () => ({
      target: 'actual',
      headers: [{ action: 'add', name: 'Vary', value: 'Origin' }],
      summary: 'Add Vary: Origin to every response whose Access-Control-Allow-Origin depends on the request (keep any existing Vary values).',
    }),
  },
};
