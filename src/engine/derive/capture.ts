import type { NormalizedEntry } from '../har/types.js';
import type { Exchange, Hop, PreflightReason, RuleExchange, Step } from '../model/exchange.js';
import { HeaderListMemo, combinedHeader, splitNameList } from '../model/headers.js';
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

export function isDelivered(exchange: RuleExchange): boolean {
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
  if (set === undefined) map.set(key, new Set<V>().add(value));
  else set.add(value);
}

function allowsCredentials(entry: NormalizedEntry): boolean {
  return responseHeader(entry, 'access-control-allow-credentials') === 'true';
}

export function captureFactsOf(exchanges: readonly Exchange[], headerLists: HeaderListMemo = new HeaderListMemo()): CaptureFacts {
  const credentialedReflections = new Map<string, Set<string>>();
  const allowOriginValuesByUrl = new Map<string, Set<string>>();
  const urlsSendingAllowOrigin = new Set<string>();
  const preflights = new Map<string, PreflightRecord[]>();
  const requestedMethods = new Map<string, Set<string>>();
  const requestedHeaders = new Map<string, Set<string>>();

  // Indexed loops: this runs over every exchange and hop of the capture, mostly before V8 has optimized it,
  // and for…of there allocates an iterator result per item.
  for (let exchangeIndex = 0; exchangeIndex < exchanges.length; exchangeIndex++) {
    const exchange = exchanges[exchangeIndex] as Exchange;
    const delivered = isDelivered(exchange);
    const { steps, hops } = exchange;
    for (let i = 0; i < steps.length; i++) collectStep(steps[i] as Step, delivered);
    for (let hopIndex = 0; hopIndex < hops.length; hopIndex++) {
      const hop = hops[hopIndex] as Hop;
      if (!hop.corsChecked) continue;
      const key = captureKeyOf(hop.entry.request.url);
      addTo(requestedMethods, key, hop.entry.request.method);
      const reasons = hop.preflightReasons;
      for (let i = 0; i < reasons.length; i++) {
        const reason = reasons[i] as PreflightReason;
        if (reason.kind === 'header') addTo(requestedHeaders, key, reason.name);
      }
      if (hop.preflight !== null) collectAsked(exchange, hop.preflight, key, delivered);
      for (let i = 0; i < hop.extraPreflights.length; i++) collectAsked(exchange, hop.extraPreflights[i] as NormalizedEntry, key, delivered);
    }
  }

  function collectAsked(exchange: Exchange, preflight: NormalizedEntry, key: string, delivered: boolean): void {
    const asked = combinedHeader(preflight.request.headers, 'access-control-request-method');
    if (asked !== null) addTo(requestedMethods, key, asked.trim());
    const names = splitNameList(combinedHeader(preflight.request.headers, 'access-control-request-headers') ?? '', headerLists);
    for (let i = 0; i < names.length; i++) addTo(requestedHeaders, key, names[i] as string);
    // A failed preflight is never cached, so only delivered exchanges say anything about the cache.
    if (delivered) collectPreflight(exchange, preflight);
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

  preflights.forEach((list) => {
    if (list.length > 1) list.sort((a, b) => (a.startedMs ?? 0) - (b.startedMs ?? 0) || a.entry.index - b.entry.index);
  });

  // Every URL that used or asked for a method or a header: the methods' URLs first, in their order, then the rest.
  const requestedByUrl = new Map<string, { methods: ReadonlySet<string>; headers: ReadonlySet<string> }>();
  const requestedAt = (methods: ReadonlySet<string> | undefined, headers: ReadonlySet<string> | undefined) => ({ methods: methods ?? new Set<string>(), headers: headers ?? new Set<string>() });
  requestedMethods.forEach((methods, key) => requestedByUrl.set(key, requestedAt(methods, requestedHeaders.get(key))));
  requestedHeaders.forEach((headers, key) => {
    if (!requestedByUrl.has(key)) requestedByUrl.set(key, requestedAt(undefined, headers));
  });

  return { credentialedReflections, allowOriginValuesByUrl, urlsSendingAllowOrigin, preflightsByUrl: preflights, requestedByUrl };
}
