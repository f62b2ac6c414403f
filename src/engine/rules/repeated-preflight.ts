import { captureKeyOf } from '../derive/capture.js';
import type { PreflightRecord } from '../derive/capture.js';
import {
  DEFAULT_PREFLIGHT_MAX_AGE_SECONDS, MAX_PREFLIGHT_MAX_AGE_SECONDS, REPEATED_PREFLIGHT_COUNT, SHORT_PREFLIGHT_MAX_AGE_SECONDS,
} from '../spec/audit.js';
import { combinedHeader } from '../model/headers.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, firstPreflightStep, plural, requestHeader } from './audit-helpers.js';
import { evidence, setHeader } from './helpers.js';
import type { Confidence, Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Cost = { endpoint: string; count: number; totalMs: number | null; urls: number; maxAge: string | null; strength: Confidence; basis: string };
type Failure =
  | { reason: 'max-age-missing'; data: Cost }
  | { reason: 'max-age-invalid'; data: Cost }
  | { reason: 'max-age-short'; data: Cost & { seconds: number } };

const DELTA_SECONDS = /^\d+$/;

/** Seconds Chromium caches this preflight for: absent or invalid → the 5 s default; capped at 2 h. */
function effectiveMaxAge(value: string | null): number {
  const trimmed = value?.trim() ?? null;
  if (trimmed === null || !DELTA_SECONDS.test(trimmed)) return DEFAULT_PREFLIGHT_MAX_AGE_SECONDS;
  return Math.min(Number(trimmed), MAX_PREFLIGHT_MAX_AGE_SECONDS);
}

function grade(records: readonly PreflightRecord[], maxAgeSeconds: number): { strength: Confidence; basis: string } {
  const cacheDisabled = records.some((record) => {
    const pragma = requestHeader(record.entry, 'pragma')?.trim().toLowerCase();
    const cacheControl = requestHeader(record.entry, 'cache-control')?.trim().toLowerCase();
    return pragma === 'no-cache' && cacheControl === 'no-cache';
  });
  if (cacheDisabled) return { strength: 'low', basis: 'The requests carry Pragma/Cache-Control: no-cache, as DevTools\' "Disable cache" sends, which also bypasses the preflight cache: the repeats may be the capture\'s, not the users\'.' };
  const times = records.map((record) => record.startedMs).filter((time): time is number => time !== null);
  const expiredBetween = times.slice(1).some((time, index) => time - (times[index] ?? time) > maxAgeSeconds * 1000);
  return expiredBetween
    ? { strength: 'high', basis: `The capture's timestamps show preflights more than ${maxAgeSeconds} s apart: the cached result had expired between them.` }
    : { strength: 'medium', basis: `${plural(records.length, 'preflight')} of one endpoint are in the capture; a short cache lifetime explains them, though other reasons (different request headers, credentials) also re-preflight.` };
}

/**
 * Preflights cost a round trip each. Reported once per URL (on its first preflighted exchange; the preflight
 * cache is per URL) when the capture holds several successful preflights for it and Access-Control-Max-Age is
 * missing, invalid or short.
 */
export const repeatedPreflight: Rule<Failure> = {
  meta: {
    id: 'repeated-preflight',
    title: 'Preflight results are cached',
    failureTitle: 'The same endpoint was preflighted again and again',
    description:
      'Every preflight is an extra round trip before the real request. Access-Control-Max-Age lets the browser reuse a preflight result (Chromium: up to 2 hours, 5 seconds when absent).',
    specUrl: FETCH_SPEC.preflightCache,
    mdnUrl: MDN.maxAge,
    severity: 'info',
    category: 'performance',
  },
  evaluate: ({ exchange, step, capture }) => {
    if (step !== null) return INAPPLICABLE;
    const preflight = firstPreflightStep(exchange);
    if (preflight === null) return INAPPLICABLE;
    const endpoint = captureKeyOf(preflight.entry.request.url);
    const records = capture?.preflightsByUrl.get(endpoint) ?? [];
    if (records.length < REPEATED_PREFLIGHT_COUNT) return PASS;
    // One finding per endpoint, on the exchange whose preflight came first.
    if (records[0]?.exchangeId !== exchange.id) return INAPPLICABLE;
    const maxAge = records[records.length - 1]?.maxAge ?? null;
    const seconds = effectiveMaxAge(maxAge);
    const times = records.map((record) => record.timeMs).filter((time): time is number => time !== null);
    const cost = {
      endpoint,
      count: records.length,
      totalMs: times.length === 0 ? null : Math.round(times.reduce((sum, time) => sum + time, 0)),
      urls: new Set(records.map((record) => record.url)).size,
      maxAge,
      ...grade(records, seconds),
    };
    const observed = `${plural(cost.count, 'preflight')}${cost.totalMs === null ? '' : `, ${cost.totalMs} ms`}; Access-Control-Max-Age: ${maxAge ?? '(absent)'}`;
    const found = (failure: Failure) => ({ status: 'fail' as const, failure, evidence: evidence('Access-Control-Max-Age', observed, String(MAX_PREFLIGHT_MAX_AGE_SECONDS)) });
    const trimmed = maxAge?.trim() ?? null;
    if (trimmed === null) return found({ reason: 'max-age-missing', data: cost });
    if (!DELTA_SECONDS.test(trimmed)) return found({ reason: 'max-age-invalid', data: cost });
    if (seconds < SHORT_PREFLIGHT_MAX_AGE_SECONDS) return found({ reason: 'max-age-short', data: { ...cost, seconds } });
    return PASS;
  },
  confidenceOf: ({ data }) => confidence(data.strength, data.basis),
  messages: {
    'max-age-missing': ({ data }) =>
      `${data.endpoint} was preflighted ${data.count} times in this capture${data.totalMs === null ? '' : ` (${data.totalMs} ms spent on OPTIONS)`} and its preflight response has no Access-Control-Max-Age, so Chromium keeps each result for only ${DEFAULT_PREFLIGHT_MAX_AGE_SECONDS} seconds.`,
    'max-age-invalid': ({ data }) =>
      `${data.endpoint} was preflighted ${data.count} times${data.totalMs === null ? '' : ` (${data.totalMs} ms)`}; its Access-Control-Max-Age "${data.maxAge ?? ''}" is not a number of seconds, so it is ignored (${DEFAULT_PREFLIGHT_MAX_AGE_SECONDS} s default).`,
    'max-age-short': ({ data }) =>
      `${data.endpoint} was preflighted ${data.count} times${data.totalMs === null ? '' : ` (${data.totalMs} ms)`}; Access-Control-Max-Age: ${data.seconds} keeps each result for only ${data.seconds} seconds.`,
  },
  fix: {
    kind: 'fix',
    build: () => ({
      target: 'preflight',
      headers: [setHeader('Access-Control-Max-Age', String(MAX_PREFLIGHT_MAX_AGE_SECONDS))],
      summary: `Send Access-Control-Max-Age: ${MAX_PREFLIGHT_MAX_AGE_SECONDS} on the preflight response (Chromium's maximum) so one preflight serves two hours of requests.`,
    }),
  },
  // The preflights already sent stay in the capture's count: the re-check reads the patched preflight's Max-Age.
  recheckFix: (_failure, patched) => {
    const maxAge = combinedHeader(patched, 'access-control-max-age')?.trim() ?? null;
    return maxAge !== null && DELTA_SECONDS.test(maxAge) && effectiveMaxAge(maxAge) >= SHORT_PREFLIGHT_MAX_AGE_SECONDS;
  },
};
