import type { NormalizedEntry } from '../har/types.js';
import { HeaderListMemo, combinedHeader, splitNameList } from '../model/headers.js';
import { isInOrder, sortInPlace } from '../model/order.js';
import { parseUrl, urlKey } from '../model/origin.js';
import { RequestHeaderMemo, corsUnsafeRequestHeaders, type UnsafeRequestHeader } from '../spec/headers.js';
import { METHOD_REWRITING_REDIRECT_STATUSES, REDIRECT_STATUSES } from '../spec/methods.js';

/**
 * Groups HAR entries into exchanges: an actual request, its redirect hops, and the preflight(s) of each
 * hop. HAR carries no request id linking them, so pairing uses URL, method, header names, Origin and time.
 * Everything is indexed by URL and looked up in a bounded window, so the cost is O(n log n).
 */
export interface PairedHop {
  readonly entry: NormalizedEntry;
  /** Preflights matched to this hop, earliest first (normally zero or one). */
  readonly preflights: NormalizedEntry[];
}

export type PairedGroup =
  | { readonly kind: 'request'; readonly hops: readonly PairedHop[] }
  /** A preflight whose actual request is not in the capture. */
  | { readonly kind: 'orphan-preflight'; readonly preflight: NormalizedEntry };

/** How far around a preflight's time the pairing looks, in candidates per side. */
const PAIRING_WINDOW = 24;
/** How many same-URL candidates a redirect hop inspects for its follow-up request. */
const REDIRECT_SCAN_LIMIT = 64;

export function isPreflightEntry(entry: NormalizedEntry): boolean {
  if (entry.request.method !== 'OPTIONS') return false;
  if (entry.resourceType === 'preflight' || entry.initiator?.type === 'preflight') return true;
  // Producers without Chromium's extension fields: a browser preflight always carries both.
  const headers = entry.request.headers;
  return combinedHeader(headers, 'access-control-request-method') !== null && combinedHeader(headers, 'origin') !== null;
}

/** The absolute URL a redirect response points to, or null when the entry is not a followable redirect. */
export function redirectTargetOf(entry: NormalizedEntry): string | null {
  const response = entry.response;
  if (response === null || response.status === null || !REDIRECT_STATUSES.has(response.status)) return null;
  if (response.redirectUrl !== null) return response.redirectUrl;
  const location = combinedHeader(response.headers, 'location');
  if (location === null) return null;
  return parseUrl(location, entry.request.url)?.href ?? null;
}

interface Timed {
  readonly entry: NormalizedEntry;
  /** Time used for ordering; entries without a valid timestamp inherit the previous entry's time. */
  readonly time: number;
}

function compareTimed(a: Timed, b: Timed): number {
  return a.time - b.time || a.entry.index - b.entry.index;
}


/**
 * The URL keys pairing looks requests up by: redirect targets and preflight URLs. Only requests at those URLs
 * are bucketed; most of a capture's URLs are never asked for, and a map of them all was a large part of pairing.
 */
function lookedUpKeys(redirectTargets: readonly (string | null)[], preflights: readonly Timed[]): Set<string> {
  const keys = new Set<string>();
  for (let i = 0; i < redirectTargets.length; i++) {
    const target = redirectTargets[i] ?? null;
    if (target !== null) keys.add(urlKey(target));
  }
  for (let i = 0; i < preflights.length; i++) keys.add(urlKey((preflights[i] as Timed).entry.request.url));
  return keys;
}

function bucketByUrl(items: readonly Timed[], wanted: ReadonlySet<string>): Map<string, Timed[]> {
  const buckets = new Map<string, Timed[]>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Timed;
    const key = urlKey(item.entry.request.url);
    if (!wanted.has(key)) continue;
    const bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, [item]);
    else bucket.push(item);
  }
  return buckets;
}

/** First position in a time-sorted bucket whose time is >= `time`. */
function lowerBound(bucket: readonly Timed[], time: number): number {
  let low = 0;
  let high = bucket.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((bucket[middle]?.time ?? 0) < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

function methodAfterRedirect(method: string, status: number): string {
  if (status === 303 && method.toUpperCase() !== 'HEAD') return 'GET';
  if (METHOD_REWRITING_REDIRECT_STATUSES.has(status) && method.toUpperCase() === 'POST') return 'GET';
  return method;
}

/** What pairing shares across a run (run-context.ts); a pairing alone gets its own. */
export interface PairMemo {
  readonly headerLists: HeaderListMemo;
  readonly requestHeaders: RequestHeaderMemo;
}

export function pairEntries(entries: readonly NormalizedEntry[], memo: PairMemo = { headerLists: new HeaderListMemo(), requestHeaders: new RequestHeaderMemo() }): PairedGroup[] {
  // One pass: isPreflightEntry may scan headers. Entries without a valid timestamp inherit the previous one's.
  const preflights: Timed[] = [];
  const requests: Timed[] = [];
  let lastKnown = 0;
  // Indexed loops throughout: pairing runs once per capture, mostly before V8 has optimized it, and for…of
  // there allocates an iterator result per item.
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as NormalizedEntry;
    if (entry.startedMs !== null) lastKnown = entry.startedMs;
    const item: Timed = { entry, time: entry.startedMs ?? lastKnown };
    (isPreflightEntry(entry) ? preflights : requests).push(item);
  }
  sortInPlace(preflights, compareTimed);
  sortInPlace(requests, compareTimed);
  const redirectTargets = new Array<string | null>(requests.length);
  for (let i = 0; i < requests.length; i++) redirectTargets[i] = redirectTargetOf((requests[i] as Timed).entry);
  const requestsByUrl = bucketByUrl(requests, lookedUpKeys(redirectTargets, preflights));
  // Per-entry facts live in arrays indexed by entry.index (unique per entry): no object-keyed maps.
  let size = 0;
  for (let i = 0; i < entries.length; i++) size = Math.max(size, (entries[i] as NormalizedEntry).index + 1);

  const nextHop = linkRedirects(requests, redirectTargets, requestsByUrl, size);
  const chains = buildChains(requests, nextHop, size);
  const placed: Placement = { hop: new Array<PairedHop | undefined>(size), chain: new Int32Array(size) };
  for (let chainIndex = 0; chainIndex < chains.length; chainIndex++) {
    const chain = chains[chainIndex] as PairedHop[];
    for (let i = 0; i < chain.length; i++) {
      const hop = chain[i] as PairedHop;
      placed.hop[hop.entry.index] = hop;
      placed.chain[hop.entry.index] = chainIndex;
    }
  }

  const orphans = assignPreflights(preflights, requestsByUrl, placed, memo);
  const groups: PairedGroup[] = new Array<PairedGroup>(chains.length);
  for (let i = 0; i < chains.length; i++) groups[i] = { kind: 'request', hops: chains[i] as PairedHop[] };
  for (let i = 0; i < orphans.length; i++) groups.push({ kind: 'orphan-preflight', preflight: orphans[i] as NormalizedEntry });
  return groups;
}

/** Each request's hop and the index of its chain, by entry.index. */
interface Placement {
  readonly hop: Array<PairedHop | undefined>;
  readonly chain: Int32Array;
}

/** Maps each redirect response to the entry that followed it (redirectTargets[i] is requests[i]'s). Hops are claimed in time order. */
function linkRedirects(
  requests: readonly Timed[], redirectTargets: readonly (string | null)[], byUrl: ReadonlyMap<string, Timed[]>, size: number,
): Map<NormalizedEntry, NormalizedEntry> {
  const next = new Map<NormalizedEntry, NormalizedEntry>();
  const claimed = new Uint8Array(size);
  for (let i = 0; i < requests.length; i++) {
    const source = requests[i] as Timed;
    const target = redirectTargets[i] ?? null;
    const status = source.entry.response?.status;
    if (target === null || status === undefined || status === null) continue;
    const bucket = byUrl.get(urlKey(target));
    if (bucket === undefined) continue;
    const expectedMethod = methodAfterRedirect(source.entry.request.method, status);
    const start = lowerBound(bucket, source.time);
    const end = Math.min(bucket.length, start + REDIRECT_SCAN_LIMIT);
    for (let position = start; position < end; position++) {
      const candidate = bucket[position];
      if (candidate === undefined) break;
      if (candidate.entry === source.entry || claimed[candidate.entry.index] === 1) continue;
      if (compareTimed(candidate, source) < 0) continue;
      if (candidate.entry.request.method !== expectedMethod) continue;
      claimed[candidate.entry.index] = 1;
      next.set(source.entry, candidate.entry);
      break;
    }
  }
  return next;
}

function buildChains(requests: readonly Timed[], nextHop: ReadonlyMap<NormalizedEntry, NormalizedEntry>, size: number): PairedHop[][] {
  const chains: PairedHop[][] = [];
  if (nextHop.size === 0) {
    // No redirects (the common case): every request is a chain of one.
    for (let i = 0; i < requests.length; i++) chains.push([{ entry: (requests[i] as Timed).entry, preflights: [] }]);
    return chains;
  }
  const isTarget = new Uint8Array(size);
  nextHop.forEach((target) => { isTarget[target.index] = 1; });
  const visited = new Uint8Array(size);
  const walk = (head: NormalizedEntry): void => {
    // Most chains are one request: a literal holds it exactly, where push() would reserve 17 slots.
    let chain: PairedHop[] | null = null;
    let current: NormalizedEntry | undefined = head;
    while (current !== undefined && visited[current.index] === 0) {
      visited[current.index] = 1;
      const hop: PairedHop = { entry: current, preflights: [] };
      if (chain === null) chain = [hop];
      else chain.push(hop);
      current = nextHop.get(current);
    }
    chains.push(chain ?? []);
  };
  for (let i = 0; i < requests.length; i++) {
    const entry = (requests[i] as Timed).entry;
    if (isTarget[entry.index] === 0) walk(entry);
  }
  // Whatever is left lies on a redirect cycle; start those chains at their earliest entry.
  for (let i = 0; i < requests.length; i++) {
    const entry = (requests[i] as Timed).entry;
    if (visited[entry.index] === 0) walk(entry);
  }
  return chains;
}

/** Lower-case, sorted names: the form Chromium writes into Access-Control-Request-Headers. */
function unsafeHeaderKey(entry: NormalizedEntry, memo: PairMemo): string {
  const unsafe = corsUnsafeRequestHeaders(entry.request.headers, memo.requestHeaders);
  const names = new Array<string>(unsafe.length);
  for (let i = 0; i < unsafe.length; i++) names[i] = (unsafe[i] as UnsafeRequestHeader).name;
  return sortedList(names);
}

/** The names sorted and joined by ","; browsers already send them sorted, so a copy is sorted only when not. */
function sortedList(names: readonly string[]): string {
  if (names.length < 2) return names[0] ?? '';
  return isInOrder(names, compareCodeUnits) ? names.join(',') : names.slice().sort(compareCodeUnits).join(',');
}

/** Array.prototype.sort's default order for strings (UTF-16 code units). */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assignPreflights(
  preflights: readonly Timed[],
  requestsByUrl: ReadonlyMap<string, Timed[]>,
  placed: Placement,
  memo: PairMemo,
): NormalizedEntry[] {
  const orphans: NormalizedEntry[] = [];
  const chainOfRequestId = new Map<string, number>();
  const headerKeys = new Array<string | undefined>(placed.hop.length);
  const headerKeyOf = (entry: NormalizedEntry): string => (headerKeys[entry.index] ??= unsafeHeaderKey(entry, memo));

  for (let i = 0; i < preflights.length; i++) {
    const preflight = preflights[i] as Timed;
    const request = preflight.entry.request;
    const bucket = requestsByUrl.get(urlKey(request.url));
    if (bucket === undefined) {
      orphans.push(preflight.entry);
      continue;
    }
    const requestedMethod = combinedHeader(request.headers, 'access-control-request-method')?.trim() ?? null;
    const requestedHeaders = sortedList(splitNameList(combinedHeader(request.headers, 'access-control-request-headers') ?? '', memo.headerLists));
    const preflightOrigin = combinedHeader(request.headers, 'origin');
    const requestId = preflight.entry.initiator?.requestId ?? null;
    const knownChain = requestId === null ? undefined : chainOfRequestId.get(requestId);

    let best: { hop: PairedHop; score: number } | null = null;
    const center = lowerBound(bucket, preflight.time);
    const from = Math.max(0, center - PAIRING_WINDOW);
    const to = Math.min(bucket.length, center + PAIRING_WINDOW);
    for (let position = from; position < to; position++) {
      const candidate = bucket[position];
      const hop = candidate === undefined ? undefined : placed.hop[candidate.entry.index];
      if (candidate === undefined || hop === undefined) continue;
      if (requestedMethod !== null && candidate.entry.request.method !== requestedMethod) continue;
      const candidateOrigin = combinedHeader(candidate.entry.request.headers, 'origin');
      // After a cross-origin redirect the request's Origin is "null"; Firefox 153 still sends that hop's preflight
      // with the page's origin (measured: redir-preflighted-307), so "null" pairs with any preflight origin.
      if (preflightOrigin !== null && candidateOrigin !== null && candidateOrigin !== preflightOrigin && candidateOrigin !== 'null') continue;

      let score = 0;
      if (knownChain !== undefined && placed.chain[hop.entry.index] === knownChain) score += 16;
      if (hop.preflights.length > 0) score -= 8;
      if (candidateOrigin !== null) score += headerKeyOf(candidate.entry) === requestedHeaders ? 4 : -2;
      // Chromium starts the actual request at or just before its preflight.
      const gap = preflight.time - candidate.time;
      score += gap >= 0 ? 1 : 0;
      score -= Math.min(Math.abs(gap), 60_000) / 60_000;
      if (best === null || score > best.score) best = { hop, score };
    }
    if (best === null) {
      orphans.push(preflight.entry);
      continue;
    }
    best.hop.preflights.push(preflight.entry);
    if (requestId !== null) chainOfRequestId.set(requestId, placed.chain[best.hop.entry.index] as number);
  }
  return orphans;
}
