import type { NormalizedEntry } from '../har/types.js';
import type { Exchange, Step } from '../model/exchange.js';
import { combinedHeader, splitNameList } from '../model/headers.js';
import { urlKey } from '../model/origin.js';

/**
 * Facts about the whole capture, derived once before the rules run: a single exchange cannot tell a
 * server that reflects every Origin from one with an allow-list, nor a repeating preflight from a lone one.
 *
 * Grouping is by URL (without fragment), for two reasons: browsers' preflight cache and HTTP caches key by URL,
 * and the live panel (session.ts) diagnoses clusters of equal URLs independently and must produce the same
 * report as a whole-file diagnosis. Facts grouped by API origin would cross those clusters.
 */
export interface PreflightRecord {
  readonly exchangeId: string;
  readonly entry: NormalizedEntry;
  readonly url: string;
  readonly startedMs: number | null;
  readonly timeMs: number | null;
  readonly maxAge: string | null;
}

export interface CaptureFacts {
  /** URL → distinct (non-"null") request origins it echoed in Access-Control-Allow-Origin with Allow-Credentials: true. */
  readonly credentialedReflections: ReadonlyMap<string, ReadonlySet<string>>;
  /** URL → distinct specific (non-"*") Access-Control-Allow-Origin values of delivered responses. */
  readonly allowOriginValuesByUrl: ReadonlyMap<string, ReadonlySet<string>>;
  /** URLs that sent Access-Control-Allow-Origin on at least one response. */
  readonly urlsSendingAllowOrigin: ReadonlySet<string>;
  /** URL → its 2xx preflights (of delivered exchanges) in time order. */
  readonly preflightsByUrl: ReadonlyMap<string, readonly PreflightRecord[]>;
  /** URL → methods and (lower-case) header names the page's requests used or asked for. */
  readonly requestedByUrl: ReadonlyMap<string, { readonly methods: ReadonlySet<string>; readonly headers: ReadonlySet<string> }>;
}

export const EMPTY_CAPTURE: CaptureFacts = {
  credentialedReflections: new Map(),
  allowOriginValuesByUrl: new Map(),
  urlsSendingAllowOrigin: new Set(),
  preflightsByUrl: new Map(),
  requestedByUrl: new Map(),
};

/** The grouping key of capture facts: the URL without its fragment (see CaptureFacts). */
export function captureKeyOf(url: string): string {
  return urlKey(url);
}

export function isDelivered(exchange: Exchange): boolean {
  return exchange.outcome.kind === 'succeeded' || exchange.outcome.kind === 'not-recorded';
}

function hasStatus(entry: NormalizedEntry): boolean {
  return entry.response !== null && entry.response.status !== null && entry.response.status > 0;
}

function responseHeader(entry: NormalizedEntry, lowerName: string): string | null {
  return entry.response === null ? null : combinedHeader(entry.response.headers, lowerName);
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([value]));
  else set.add(value);
}

function allowsCredentials(entry: NormalizedEntry): boolean {
  return responseHeader(entry, 'access-control-allow-credentials') === 'true';
}

export function captureFactsOf(exchanges: readonly Exchange[]): CaptureFacts {
  const credentialedReflections = new Map<string, Set<string>>();
  const allowOriginValuesByUrl = new Map<string, Set<string>>();
  const urlsSendingAllowOrigin = new Set<string>();
  const preflights = new Map<string, PreflightRecord[]>();
  const requestedMethods = new Map<string, Set<string>>();
  const requestedHeaders = new Map<string, Set<string>>();

  for (const exchange of exchanges) {
    const delivered = isDelivered(exchange);
    for (const step of exchange.steps) collectStep(step, delivered);
    for (const hop of exchange.hops) {
      if (!hop.corsChecked) continue;
      const key = captureKeyOf(hop.entry.request.url);
      addTo(requestedMethods, key, hop.entry.request.method);
      for (const reason of hop.preflightReasons) if (reason.kind === 'header') addTo(requestedHeaders, key, reason.name);
      for (const preflight of [hop.preflight, ...hop.extraPreflights]) {
        if (preflight === null) continue;
        const asked = combinedHeader(preflight.request.headers, 'access-control-request-method');
        if (asked !== null) addTo(requestedMethods, key, asked.trim());
        for (const name of splitNameList(combinedHeader(preflight.request.headers, 'access-control-request-headers') ?? '')) addTo(requestedHeaders, key, name);
        // A failed preflight is never cached, so only delivered exchanges say anything about the cache.
        if (delivered) collectPreflight(exchange, preflight);
      }
    }
  }

  function collectStep(step: Step, delivered: boolean): void {
    const entry = step.entry;
    if (!hasStatus(entry) || !step.corsFlag) return;
    const key = captureKeyOf(entry.request.url);
    const allowOrigin = responseHeader(entry, 'access-control-allow-origin');
    if (allowOrigin === null) return;
    urlsSendingAllowOrigin.add(key);
    if (!delivered) return;
    // "null" is left out: trusting it is its own finding (untrusted-origin-allowed), not evidence of echoing.
    if (step.requestOrigin !== null && step.requestOrigin !== 'null' && allowOrigin === step.requestOrigin && allowsCredentials(entry)) {
      addTo(credentialedReflections, key, step.requestOrigin);
    }
    if (step.kind === 'actual' && allowOrigin !== '*') addTo(allowOriginValuesByUrl, key, allowOrigin);
  }

  function collectPreflight(exchange: Exchange, preflight: NormalizedEntry): void {
    const status = preflight.response?.status ?? 0;
    if (status < 200 || status > 299) return;
    const key = captureKeyOf(preflight.request.url);
    const list = preflights.get(key) ?? [];
    list.push({
      exchangeId: exchange.id,
      entry: preflight,
      url: preflight.request.url,
      startedMs: preflight.startedMs,
      timeMs: preflight.timeMs,
      maxAge: responseHeader(preflight, 'access-control-max-age'),
    });
    preflights.set(key, list);
  }

  for (const list of preflights.values()) list.sort((a, b) => (a.startedMs ?? 0) - (b.startedMs ?? 0) || a.entry.index - b.entry.index);

  const requestedByUrl = new Map<string, { methods: ReadonlySet<string>; headers: ReadonlySet<string> }>();
  for (const key of new Set([...requestedMethods.keys(), ...requestedHeaders.keys()])) {
    requestedByUrl.set(key, { methods: requestedMethods.get(key) ?? new Set(), headers: requestedHeaders.get(key) ?? new Set() });
  }

  return { credentialedReflections, allowOriginValuesByUrl, urlsSendingAllowOrigin, preflightsByUrl: preflights, requestedByUrl };
}
