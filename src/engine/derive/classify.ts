import type { NormalizedEntry } from '../har/types.js';
import type {
  CredentialsFacts, Exchange, ExchangeKind, Hop, PreflightReason, RecordedOutcome, RequestMode, Step, WorkerFacts,
} from '../model/exchange.js';
import { HeaderListMemo, combinedHeader, hasHeader, splitNameList } from '../model/headers.js';
import { OriginMemo, headerOriginOf, isHttpUrl, isPotentiallyTrustworthy, originOf, sameOrigin } from '../model/origin.js';
import { ABORTED_NET_ERROR } from '../spec/cors-errors.js';
import { BROWSER_SET_REQUEST_HEADERS_BY_RESOURCE_TYPE, RequestHeaderMemo, corsUnsafeRequestHeaders, type UnsafeRequestHeader } from '../spec/headers.js';
import { sortInPlace } from '../model/order.js';
import { isCorsSafelistedMethod } from '../spec/methods.js';
import type { PairedGroup, PairedHop } from './pair.js';
import { redirectTargetOf } from './pair.js';

const SEC_FETCH_MODES: ReadonlySet<string> = new Set(['cors', 'no-cors', 'same-origin', 'navigate']);
/** Chromium resource types whose requests always use CORS mode. */
const CORS_RESOURCE_TYPES: ReadonlySet<string> = new Set(['xhr', 'fetch', 'font', 'eventsource']);
const NAVIGATION_RESOURCE_TYPES: ReadonlySet<string> = new Set(['document']);
const NON_HTTP_RESOURCE_TYPES: ReadonlySet<string> = new Set(['websocket']);

function requestHeader(entry: NormalizedEntry, lowerName: string): string | null {
  return combinedHeader(entry.request.headers, lowerName);
}

/** What classifying shares across a run's exchanges (run-context.ts); a classification alone gets its own. */
export interface ClassifyMemo {
  readonly origins: OriginMemo;
  readonly headerLists: HeaderListMemo;
  readonly requestHeaders: RequestHeaderMemo;
}

const ownMemo = (): ClassifyMemo => ({ origins: new OriginMemo(), headerLists: new HeaderListMemo(), requestHeaders: new RequestHeaderMemo() });

/** An origin that is usable for comparisons ("null" and unparseable values are not). */
function tupleOrigin(value: string | null, memo: ClassifyMemo): string | null {
  return value === null ? null : headerOriginOf(value, memo.origins);
}

/**
 * Who started the request: the Origin the browser sent; else Sec-Fetch-Site "same-origin"; else the
 * referrer (the document or frame that made the request — better than the top page after a redirect or
 * inside an iframe); else the page URL.
 */
function initiatorOriginOf(first: NormalizedEntry, preflight: NormalizedEntry | null, memo: ClassifyMemo): string | null {
  const sameOriginBySecFetchSite = requestHeader(first, 'sec-fetch-site')?.trim().toLowerCase() === 'same-origin'
    ? (first.request.origin === 'null' ? null : first.request.origin)
    : null;
  return (
    tupleOrigin(requestHeader(first, 'origin'), memo) ??
    (preflight === null ? null : tupleOrigin(requestHeader(preflight, 'origin'), memo)) ??
    sameOriginBySecFetchSite ??
    tupleOrigin(requestHeader(first, 'referer'), memo) ??
    tupleOrigin(first.pageUrl, memo) ??
    (first.initiator?.type === 'parser' ? tupleOrigin(first.initiator.url, memo) : null)
  );
}

/** Producers without Sec-Fetch-Mode or _resourceType: a document request asks for HTML first. */
function looksLikeNavigation(first: NormalizedEntry): boolean {
  if (first.pageUrl !== null && first.pageUrl === first.request.url) return true;
  const accept = requestHeader(first, 'accept')?.trim().toLowerCase() ?? '';
  return accept.startsWith('text/html') && requestHeader(first, 'origin') === null;
}

function requestModeOf(first: NormalizedEntry, hasPreflight: boolean): RequestMode {
  const secFetchMode = requestHeader(first, 'sec-fetch-mode')?.trim().toLowerCase() ?? null;
  if (secFetchMode !== null && SEC_FETCH_MODES.has(secFetchMode)) return secFetchMode as RequestMode;
  if (hasPreflight) return 'cors';
  const resourceType = first.resourceType;
  if (resourceType !== null && NAVIGATION_RESOURCE_TYPES.has(resourceType)) return 'navigate';
  if (resourceType !== null && CORS_RESOURCE_TYPES.has(resourceType)) return 'cors';
  if (looksLikeNavigation(first)) return 'navigate';
  // Without Sec-Fetch-Mode, the Origin header is the tell: CORS-mode GETs carry it, no-cors GETs do not.
  const hasOrigin = hasHeader(first.request.headers, 'origin');
  const method = first.request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') return hasOrigin ? 'cors' : 'no-cors';
  return 'unknown';
}

// Shared: every exchange has an outcome, and all but failures are one of these three.
const NO_RESPONSE: RecordedOutcome = Object.freeze({ kind: 'no-response' });
const SUCCEEDED: RecordedOutcome = Object.freeze({ kind: 'succeeded' });
const NOT_RECORDED: RecordedOutcome = Object.freeze({ kind: 'not-recorded' });

export function recordedOutcomeOf(entry: NormalizedEntry): RecordedOutcome {
  const response = entry.response;
  if (response === null) return NO_RESPONSE;
  if (response.error !== null) return { kind: 'failed', error: response.error };
  if (response.status === null || response.status <= 0) return NO_RESPONSE;
  return response.errorRecorded ? SUCCEEDED : NOT_RECORDED;
}

/**
 * The outcome of the exchange's last hop. Chromium records the request after a redirect that the page
 * chose not to follow (fetch `redirect: 'manual'`, measured) as a cancelled net::ERR_ABORTED entry with no
 * response; the script got the redirect response, so that hop's outcome counts.
 */
function exchangeOutcomeOf(hops: readonly Hop[]): RecordedOutcome {
  const last = hops[hops.length - 1];
  const previous = hops[hops.length - 2];
  if (last === undefined) return NO_RESPONSE;
  const outcome = recordedOutcomeOf(last.entry);
  if (isClosedEventStream(last.entry, outcome)) return SUCCEEDED;
  const abandoned = outcome.kind === 'failed' && outcome.error === ABORTED_NET_ERROR && (last.entry.response?.status ?? 0) <= 0;
  return abandoned && previous !== undefined ? recordedOutcomeOf(previous.entry) : outcome;
}

/**
 * An EventSource the page closed (EventSource.close()) after its 2xx response arrived: Chromium records
 * net::ERR_ABORTED on the live stream (measured, es-close-live), but the page was never blocked. A stream that
 * CORS blocked ends in net::ERR_FAILED, and Chromium delivers no event before the CORS check passed, so the
 * response counts as delivered; the replay still checks its headers.
 */
function isClosedEventStream(entry: NormalizedEntry, outcome: RecordedOutcome): boolean {
  if (entry.resourceType !== 'eventsource' || outcome.kind !== 'failed' || outcome.error !== ABORTED_NET_ERROR) return false;
  const status = entry.response?.status ?? 0;
  return status >= 200 && status < 300;
}

/**
 * Why a hop needed a preflight. The preflight's own Access-Control-Request-* headers are the browser's
 * statement of what it asked, so they win; the request's headers explain why each name was unsafe.
 */
function preflightReasonsOf(entry: NormalizedEntry, preflight: NormalizedEntry | null, memo: ClassifyMemo): PreflightReason[] {
  const unsafe = withoutBrowserSet(corsUnsafeRequestHeaders(entry.request.headers, memo.requestHeaders), entry.resourceType);
  const reasons: PreflightReason[] = [];
  const requestedMethod = preflight === null ? null : requestHeader(preflight, 'access-control-request-method')?.trim();
  const method = requestedMethod ?? entry.request.method;
  if (!isCorsSafelistedMethod(method)) reasons.push({ kind: 'method', method });

  if (preflight === null) {
    for (let i = 0; i < unsafe.length; i++) {
      const header = unsafe[i] as UnsafeRequestHeader;
      reasons.push({ kind: 'header', name: header.name, why: header.why, value: header.value });
    }
    return reasons;
  }
  const asked = splitNameList(requestHeader(preflight, 'access-control-request-headers') ?? '', memo.headerLists);
  for (let i = 0; i < asked.length; i++) {
    const name = asked[i] as string;
    const known = unsafe.find((header) => header.name === name);
    reasons.push(known === undefined
      ? { kind: 'header', name, why: 'listed-in-preflight', value: requestHeader(entry, name) }
      : { kind: 'header', name, why: known.why, value: known.value });
  }
  if (reasons.length === 0) reasons.push({ kind: 'forced' });
  return reasons;
}

/** Drops the headers the browser itself sets on this kind of request (spec/headers.ts): never a preflight reason. */
function withoutBrowserSet(unsafe: UnsafeRequestHeader[], resourceType: string | null): UnsafeRequestHeader[] {
  const browserSet = resourceType === null ? undefined : BROWSER_SET_REQUEST_HEADERS_BY_RESOURCE_TYPE.get(resourceType);
  return browserSet === undefined || unsafe.length === 0 ? unsafe : unsafe.filter((header) => !browserSet.has(header.name));
}

function stepLabel(kind: Step['kind'], hopIndex: number): string {
  switch (kind) {
    case 'preflight':
      return hopIndex === 0 ? 'preflight' : `preflight of hop ${hopIndex + 1}`;
    case 'redirect':
      return `redirect hop ${hopIndex + 1}`;
    case 'actual':
      return 'actual';
  }
}

/**
 * The origin a preflight is checked against is the one it carried. After a cross-origin redirect the request's
 * Origin is "null"; Chromium sends that on the hop's preflight too, Firefox 153 sends the page's origin and checks
 * Allow-Origin against it (measured: redir-preflighted-307 allowed with the page's origin on that preflight).
 */
function preflightOrigin(hop: Hop, preflight: NormalizedEntry): string | null {
  if (hop.requestOrigin !== 'null') return hop.requestOrigin;
  return requestHeader(preflight, 'origin')?.trim() ?? hop.requestOrigin;
}

function preflightStep(hop: Hop, preflight: NormalizedEntry, memo: ClassifyMemo): Step {
  const asked = requestHeader(preflight, 'access-control-request-headers');
  return {
    kind: 'preflight',
    hopIndex: hop.index,
    entry: preflight,
    label: stepLabel('preflight', hop.index),
    requestOrigin: preflightOrigin(hop, preflight),
    corsFlag: true,
    requestedMethod: requestHeader(preflight, 'access-control-request-method')?.trim() ?? hop.entry.request.method,
    requestedHeaders: asked === null
      ? hop.preflightReasons.flatMap((reason) => (reason.kind === 'header' ? [reason.name] : []))
      : splitNameList(asked, memo.headerLists),
    redirectTarget: null,
  };
}

/** A 3xx with a target is checked as a redirect even when the capture lacks the request that followed it. */
function responseStep(hop: Hop): Step {
  const kind = hop.redirectTarget !== null ? 'redirect' : 'actual';
  return {
    kind,
    hopIndex: hop.index,
    entry: hop.entry,
    label: stepLabel(kind, hop.index),
    requestOrigin: hop.requestOrigin,
    corsFlag: hop.corsChecked,
    requestedMethod: hop.entry.request.method,
    requestedHeaders: [],
    redirectTarget: hop.redirectTarget,
  };
}

const DEFAULT_CREDENTIALS: CredentialsFacts = { mode: 'not-include', basis: 'assumed-default' };
const COOKIE_CREDENTIALS: CredentialsFacts = { mode: 'include', basis: 'cookie-header' };
const STORAGE_ACCESS_CREDENTIALS: CredentialsFacts = { mode: 'include', basis: 'storage-access-header' };
/**
 * navigator.sendBeacon() always sends credentials (mode "include"; Chromium records it as resource type "ping"):
 * a beacon whose preflight allows the page needs Access-Control-Allow-Credentials: true too (measured: the fixed
 * beacon-json-preflight-acao-missing scenario failed with PreflightInvalidAllowCredentials until it had it).
 */
const BEACON_CREDENTIALS: CredentialsFacts = { mode: 'include', basis: 'request-kind' };

/**
 * Browsers send Sec-Fetch-Storage-Access only on cross-site requests whose credentials mode is "include"
 * (Storage Access Headers; measured: Chromium 156 on credentialed requests to another site, Firefox 153 also on
 * their preflights). Without a cookie to send it is the only trace of the mode — Firefox records no error that
 * would let the outcome tell.
 */
function sendsStorageAccessHeader(hop: Hop): boolean {
  return hasHeader(hop.entry.request.headers, 'sec-fetch-storage-access')
    || (hop.preflight !== null && hasHeader(hop.preflight.request.headers, 'sec-fetch-storage-access'));
}
const NO_CREDENTIALS_QUESTION: CredentialsFacts = { mode: 'not-include', basis: 'not-applicable' };

const NO_PREFLIGHTS: readonly NormalizedEntry[] = Object.freeze([]);
const NO_REASONS: readonly PreflightReason[] = Object.freeze([]);
const NO_STEPS: readonly Step[] = Object.freeze([]);

function buildHops(paired: readonly PairedHop[], initiatorOrigin: string | null, corsMode: boolean, memo: ClassifyMemo): Hop[] {
  // Sized up front: push() would reserve 17 slots for the usual one hop, and a capture keeps every exchange.
  const hops = new Array<Hop>(paired.length);
  let tainted = false;
  for (let index = 0; index < paired.length; index++) {
    const pairedHop = paired[index] as PairedHop;
    const entry = pairedHop.entry;
    const hopOrigin = entry.request.origin;
    const preflight = pairedHop.preflights[0] ?? null;
    const extraPreflights = pairedHop.preflights.length > 1 ? pairedHop.preflights.slice(1) : NO_PREFLIGHTS;
    const corsChecked = corsMode && (tainted || !sameOrigin(initiatorOrigin, hopOrigin));
    const target = redirectTargetOf(entry);
    hops[index] = {
      index,
      entry,
      preflight,
      extraPreflights,
      requestOrigin: tainted ? 'null' : initiatorOrigin,
      corsChecked,
      preflightReasons: corsChecked || preflight !== null ? preflightReasonsOf(entry, preflight, memo) : NO_REASONS,
      redirectTarget: target,
    };
    // Fetch "HTTP-redirect fetch": a redirect from a cross-origin URL to yet another origin taints the origin.
    if (target !== null && !sameOrigin(hopOrigin, originOf(target, memo.origins)) && !sameOrigin(initiatorOrigin, hopOrigin)) tainted = true;
  }
  return hops;
}

function staysSameOrigin(hop: Hop, initiatorOrigin: string, memo: ClassifyMemo): boolean {
  return sameOrigin(initiatorOrigin, hop.entry.request.origin) &&
    (hop.redirectTarget === null || sameOrigin(initiatorOrigin, originOf(hop.redirectTarget, memo.origins)));
}

function kindOf(first: NormalizedEntry, mode: RequestMode, initiatorOrigin: string | null, hops: readonly Hop[], memo: ClassifyMemo): ExchangeKind {
  if (!isHttpUrl(first.request.url) || first.request.method.toUpperCase() === 'CONNECT') return 'other';
  if (first.resourceType !== null && NON_HTTP_RESOURCE_TYPES.has(first.resourceType)) return 'other';
  if (first.response?.status === 101 || requestHeader(first, 'upgrade')?.toLowerCase() === 'websocket') return 'other';
  if (mode === 'navigate') return 'navigation';
  if (initiatorOrigin === null) return 'other';
  if (hops.every((hop) => staysSameOrigin(hop, initiatorOrigin, memo))) return 'same-origin';
  if (mode === 'no-cors') return 'no-cors';
  if (mode !== 'cors') return 'other';
  return hops.some((hop) => hop.preflight !== null || hop.preflightReasons.length > 0) ? 'preflighted' : 'simple';
}

/** The exchange's entry indices in ascending order. */
function entryIndicesOf(hops: readonly PairedHop[]): number[] {
  const only = hops[0];
  if (hops.length === 1 && only !== undefined && only.preflights.length === 0) return [only.entry.index];
  const indices: number[] = [];
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i] as PairedHop;
    indices.push(hop.entry.index);
    for (let p = 0; p < hop.preflights.length; p++) indices.push((hop.preflights[p] as NormalizedEntry).index);
  }
  return sortInPlace(indices, (a, b) => a - b);
}

function answeredWithProvisionalHeaders(entry: NormalizedEntry): boolean {
  return entry.requestHeadersProvisional && entry.resourceType !== 'preflight' && (entry.response?.status ?? 0) > 0;
}

/**
 * A request without a response whose provisional headers lack the client hints a page's request carries
 * (measured, Chromium 156: a document's provisional headers hold sec-ch-ua, sec-ch-ua-mobile and
 * sec-ch-ua-platform for a potentially trustworthy URL; a worker's hold only User-Agent, Referer and the
 * script's own headers).
 */
function unansweredWithoutClientHints(entry: NormalizedEntry): boolean {
  if (!entry.requestHeadersProvisional || entry.resourceType === 'preflight' || (entry.response?.status ?? 0) > 0) return false;
  return isPotentiallyTrustworthy(entry.request.url) && !hasHeader(entry.request.headers, 'sec-ch-ua');
}

/**
 * Evidence within the exchange only (the live session diagnoses clusters of URLs on their own, and its report
 * must equal diagnose()'s). A worker's requests are always started by its script, so an entry without a
 * recorded script is not evidence.
 */
function workerFactsOf(hops: readonly PairedHop[]): WorkerFacts | null {
  const first = hops[0]?.entry;
  const script = first?.initiator?.scriptUrl ?? null;
  if (first === undefined || script === null) return null;
  for (let i = 0; i < hops.length; i++) {
    if (answeredWithProvisionalHeaders((hops[i] as PairedHop).entry)) return { basis: 'this-request', script };
  }
  const last = (hops[hops.length - 1] as PairedHop).entry;
  return unansweredWithoutClientHints(last) ? { basis: 'no-client-hints', script } : null;
}

export function buildExchange(group: PairedGroup, memo: ClassifyMemo = ownMemo()): Exchange {
  if (group.kind === 'orphan-preflight') return buildOrphanExchange(group.preflight, memo);
  const firstPaired = group.hops[0];
  if (firstPaired === undefined) throw new Error('A request group always has a first hop.');
  const first = firstPaired.entry;
  const firstPreflight = firstPaired.preflights[0] ?? null;
  let anyPreflight = false;
  for (let i = 0; i < group.hops.length; i++) if ((group.hops[i] as PairedHop).preflights.length > 0) anyPreflight = true;
  const initiatorOrigin = initiatorOriginOf(first, firstPreflight, memo);
  // An unknown mode stays unknown: a POST with Origin may be a beacon or a form (no-cors), so it is not replayed.
  const mode = requestModeOf(first, anyPreflight);
  const corsMode = mode === 'cors';
  const hops = buildHops(group.hops, initiatorOrigin, corsMode, memo);
  const kind = kindOf(first, mode, initiatorOrigin, hops, memo);
  const steps: Step[] = [];
  const replayable = kind === 'simple' || kind === 'preflighted';
  // Plain loops, no callbacks: this runs once per exchange of captures with 100k entries.
  let reasons: readonly PreflightReason[] = NO_REASONS;
  let preflightNeeded = false;
  // The default mode ('same-origin') sends cookies to same-origin hops too; only a cookie on a
  // cross-origin hop proves 'include' (measured: a same-origin hop redirecting cross-origin).
  let hasCookie = false;
  let storageAccess = false;
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i] as Hop;
    if (replayable) {
      if (hop.corsChecked && hop.preflight !== null) steps.push(preflightStep(hop, hop.preflight, memo));
      // A same-origin hop is not CORS-checked, but its redirect's Location still is.
      if (hop.corsChecked || hop.redirectTarget !== null) steps.push(responseStep(hop));
    }
    if (hop.preflightReasons.length > 0) {
      reasons = reasons.length === 0 ? hop.preflightReasons : [...reasons, ...hop.preflightReasons];
      if (replayable && hop.corsChecked) preflightNeeded = true;
    }
    if (hop.corsChecked && hasHeader(hop.entry.request.headers, 'cookie')) hasCookie = true;
    if (hop.corsChecked && sendsStorageAccessHeader(hop)) storageAccess = true;
  }
  return {
    id: `ex-${first.index}`,
    hops,
    orphanPreflight: null,
    url: first.request.url,
    method: first.request.method,
    startedDateTime: first.startedDateTime,
    entries: entryIndicesOf(group.hops),
    initiatorOrigin,
    mode,
    kind,
    credentials: steps.length === 0 ? NO_CREDENTIALS_QUESTION
      : hasCookie ? COOKIE_CREDENTIALS
      : storageAccess ? STORAGE_ACCESS_CREDENTIALS
      : first.resourceType === 'ping' ? BEACON_CREDENTIALS
      : DEFAULT_CREDENTIALS,
    outcome: exchangeOutcomeOf(hops),
    // An exact-size copy: the list built by push() reserves 17 slots, and the exchange lives as long as the report.
    steps: steps.length === 0 ? NO_STEPS : steps.slice(),
    preflightStatus: anyPreflight ? 'sent' : preflightNeeded ? 'not-in-capture' : 'not-needed',
    preflightReasons: reasons,
    worker: workerFactsOf(group.hops),
  };
}

function buildOrphanExchange(preflight: NormalizedEntry, memo: ClassifyMemo): Exchange {
  const initiatorOrigin = tupleOrigin(requestHeader(preflight, 'origin'), memo);
  const method = requestHeader(preflight, 'access-control-request-method')?.trim() ?? 'OPTIONS';
  const hop: Hop = {
    index: 0,
    entry: preflight,
    preflight,
    extraPreflights: [],
    requestOrigin: initiatorOrigin,
    corsChecked: true,
    preflightReasons: [],
    redirectTarget: null,
  };
  const reasons: PreflightReason[] = [];
  if (!isCorsSafelistedMethod(method)) reasons.push({ kind: 'method', method });
  for (const name of splitNameList(requestHeader(preflight, 'access-control-request-headers') ?? '', memo.headerLists)) {
    reasons.push({ kind: 'header', name, why: 'listed-in-preflight', value: null });
  }
  return {
    id: `ex-${preflight.index}`,
    hops: [],
    orphanPreflight: preflight,
    url: preflight.request.url,
    method,
    startedDateTime: preflight.startedDateTime,
    entries: [preflight.index],
    initiatorOrigin,
    mode: 'cors',
    kind: 'preflighted',
    credentials: DEFAULT_CREDENTIALS,
    outcome: { kind: 'no-response' },
    steps: [preflightStep({ ...hop, preflightReasons: reasons }, preflight, memo)],
    preflightStatus: 'sent',
    preflightReasons: reasons.length > 0 ? reasons : [{ kind: 'forced' }],
    worker: null,
  };
}
