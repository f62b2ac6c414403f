/**
 * Request-header facts: which headers make a request "non-simple" (need a preflight) and why.
 * Mirrors Chromium's IsCorsSafelistedHeader (services/network/public/cpp/cors/cors.cc), which
 * safelists a few client-hint names beyond the Fetch standard's list.
 */
import { MemoTable } from '../model/memo.js';

/** https://fetch.spec.whatwg.org/#forbidden-request-header — scripts cannot set these; the browser adds them. */
export const FORBIDDEN_REQUEST_HEADER_NAMES: ReadonlySet<string> = new Set([
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
  'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
]);
export const FORBIDDEN_REQUEST_HEADER_PREFIXES: readonly string[] = ['proxy-', 'sec-'];

/**
 * Headers that a HAR shows on a request although no script set them: Chromium's network stack adds
 * User-Agent and Priority after the CORS decision, the HTTP cache adds the revalidation headers (Chromium
 * exempts them: CorsUnsafeNotForbiddenRequestHeaderNames `is_revalidating`), and DevTools' "Disable cache"
 * adds the two `no-cache` headers. Counting them would invent preflight reasons the browser never had.
 * A null value means "any value".
 */
export const BROWSER_ADDED_REQUEST_HEADERS: ReadonlyMap<string, string | null> = new Map([
  ['user-agent', null],
  ['priority', null],
  ['if-modified-since', null],
  ['if-none-match', null],
  ['pragma', 'no-cache'],
  ['cache-control', 'no-cache'],
]);

/**
 * Request headers the browser itself sets on one kind of request (by Chromium's `_resourceType`); they never
 * make that request need a preflight. Measured on Chromium 156 (differential suite, es-reconnect-*): an
 * EventSource reconnection carries `Last-Event-ID` and is sent without a preflight — the HTML standard has the
 * user agent set it on its own request, unlike a script calling setRequestHeader('Last-Event-ID', …).
 */
export const BROWSER_SET_REQUEST_HEADERS_BY_RESOURCE_TYPE: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['eventsource', new Set(['last-event-id'])],
]);

/** Fetch's list plus Chromium's extras (client hints, `intervention`). */
export const CORS_SAFELISTED_REQUEST_HEADER_NAMES: ReadonlySet<string> = new Set([
  'accept', 'accept-language', 'content-language', 'content-type', 'range',
  'intervention', 'device-memory', 'dpr', 'width', 'viewport-width', 'rtt', 'downlink', 'ect', 'save-data',
]);

export const CORS_SAFELISTED_CONTENT_TYPES: readonly string[] = [
  'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain',
];

/** https://fetch.spec.whatwg.org/#cors-safelisted-request-header step "value's length is greater than 128". */
export const SAFELISTED_VALUE_MAX_BYTES = 128;
/** https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names — total safelisted value size. */
export const SAFELISTED_TOTAL_MAX_BYTES = 1024;

/** Why a request header made the request need a preflight. */
export type UnsafeHeaderWhy =
  | 'name-not-safelisted'
  | 'value-too-long'
  | 'unsafe-byte'
  | 'content-type-essence'
  | 'range-form'
  | 'invalid-value'
  | 'total-safelisted-size';

export function isForbiddenRequestHeaderName(lowerName: string): boolean {
  if (FORBIDDEN_REQUEST_HEADER_NAMES.has(lowerName)) return true;
  return FORBIDDEN_REQUEST_HEADER_PREFIXES.some((prefix) => lowerName.startsWith(prefix));
}

/** https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte */
export function hasCorsUnsafeByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 && code !== 0x09) return true;
    if (code === 0x7f) return true;
    if ('"():<>?@[\\]{}'.includes(value.charAt(i))) return true;
  }
  return false;
}

/** UTF-8 byte length without TextEncoder (the engine compiles without DOM/Node types). */
export function byteLength(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) { bytes += 4; i++; }
    else bytes += 3;
  }
  return bytes;
}

const LANGUAGE_VALUE = /^[0-9A-Za-z *,\-.;=]*$/;
const SIMPLE_RANGE = /^bytes=\d+-(\d+)?$/;
const DOUBLE_ABNF = /^\d+(\.\d+)?$/;
const INT_ABNF = /^\d+$/;
const EFFECTIVE_CONNECTION_TYPES: ReadonlySet<string> = new Set(['slow-2g', '2g', '3g', '4g']);

/** The MIME essence (type/subtype, lower case) of a Content-Type value, or null if it does not parse. */
export function mimeEssence(value: string): string | null {
  const essence = (value.split(';')[0] ?? '').trim().toLowerCase();
  return /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence) ? essence : null;
}

/**
 * Why a single header (judged alone) is not CORS-safelisted, or null when it is.
 * The 1024-byte total is judged across headers by {@link corsUnsafeRequestHeaders}.
 */
export function unsafeHeaderWhy(lowerName: string, value: string): UnsafeHeaderWhy | null {
  if (!CORS_SAFELISTED_REQUEST_HEADER_NAMES.has(lowerName)) return 'name-not-safelisted';
  if (byteLength(value) > SAFELISTED_VALUE_MAX_BYTES) return 'value-too-long';
  switch (lowerName) {
    case 'accept':
      return hasCorsUnsafeByte(value) ? 'unsafe-byte' : null;
    case 'accept-language':
    case 'content-language':
      return LANGUAGE_VALUE.test(value) ? null : 'unsafe-byte';
    case 'content-type': {
      if (hasCorsUnsafeByte(value)) return 'unsafe-byte';
      const essence = mimeEssence(value);
      return essence !== null && CORS_SAFELISTED_CONTENT_TYPES.includes(essence) ? null : 'content-type-essence';
    }
    case 'range':
      return SIMPLE_RANGE.test(value.toLowerCase()) ? null : 'range-form';
    case 'device-memory':
    case 'dpr':
    case 'downlink':
      return DOUBLE_ABNF.test(value) ? null : 'invalid-value';
    case 'width':
    case 'viewport-width':
    case 'rtt':
      return INT_ABNF.test(value) ? null : 'invalid-value';
    case 'ect':
      return EFFECTIVE_CONNECTION_TYPES.has(value) ? null : 'invalid-value';
    case 'save-data':
      return value.toLowerCase() === 'on' ? null : 'invalid-value';
    default:
      return null;
  }
}

export interface UnsafeRequestHeader {
  readonly name: string;
  readonly value: string;
  readonly why: UnsafeHeaderWhy;
}

/**
 * https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names, minus forbidden names (Chromium's
 * CorsUnsafeNotForbiddenRequestHeaderNames). Names are lower case, in request order.
 */
export function corsUnsafeRequestHeaders(
  headers: readonly { readonly lowerName: string; readonly value: string }[],
  memo: RequestHeaderMemo = new RequestHeaderMemo(),
): UnsafeRequestHeader[] {
  const unsafe: UnsafeRequestHeader[] = [];
  let safelistedBytes = 0;
  // An indexed loop and one memoized lookup per name: this runs for every cross-origin request of a capture
  // (classification and preflight pairing), mostly before V8 has optimized it. Safelisted headers are only
  // counted: listing them is needed only past the 1024-byte total, which almost no request reaches.
  for (let i = 0; i < headers.length; i++) {
    const { lowerName, value } = headers[i] as { readonly lowerName: string; readonly value: string };
    const judged = memo.judged(lowerName, value);
    if (judged === null) continue;
    if (judged.why !== null) unsafe.push({ name: lowerName, value, why: judged.why });
    else safelistedBytes += judged.bytes;
  }
  if (safelistedBytes > SAFELISTED_TOTAL_MAX_BYTES) {
    for (let i = 0; i < headers.length; i++) {
      const { lowerName, value } = headers[i] as { readonly lowerName: string; readonly value: string };
      if (memo.judged(lowerName, value)?.why === null) unsafe.push({ name: lowerName, value, why: 'total-safelisted-size' });
    }
  }
  return unsafe;
}

/**
 * A run's verdicts on request headers (run-context.ts): corsUnsafeRequestHeaders runs for every cross-origin
 * request of a capture (classification and preflight pairing), and Accept and the like repeat on every request,
 * so a name's facts and a safelisted value's verdict are judged once.
 */
export class RequestHeaderMemo {
  private readonly names = new MemoTable(4_096, requestHeaderNameOf);
  private readonly safelistedValues = new MemoTable(64, (lowerName) => new MemoTable(512, (value): JudgedValue => ({ why: unsafeHeaderWhy(lowerName, value), bytes: byteLength(value) })));

  /** The verdict on one request header, or null when it can never be a reason (forbidden, or added by the browser). */
  judged(lowerName: string, value: string): JudgedValue | null {
    const name = this.names.get(lowerName);
    if (name.skipped) return null;
    if (name.browserAddedValue !== null && name.browserAddedValue === value.trim().toLowerCase()) return null;
    return name.safelisted ? this.safelistedValues.get(lowerName).get(value) : NOT_SAFELISTED;
  }
}

/** What a request header's name alone decides in corsUnsafeRequestHeaders. */
interface RequestHeaderName {
  /** Forbidden (the page cannot set it), a pseudo-header, or always added by the browser: never a reason. */
  readonly skipped: boolean;
  /** Not a reason when it has this (lower-case, trimmed) value: the browser added it. */
  readonly browserAddedValue: string | null;
  /** A CORS-safelisted name, so the value decides (unsafeHeaderWhy). */
  readonly safelisted: boolean;
}

interface JudgedValue {
  readonly why: UnsafeHeaderWhy | null;
  /** The value's UTF-8 length, for the 1024-byte total. */
  readonly bytes: number;
}

const NOT_SAFELISTED: JudgedValue = { why: 'name-not-safelisted', bytes: 0 };

function requestHeaderNameOf(lowerName: string): RequestHeaderName {
  const browserAdded = BROWSER_ADDED_REQUEST_HEADERS.get(lowerName);
  return {
    skipped: lowerName.startsWith(':') || isForbiddenRequestHeaderName(lowerName) || browserAdded === null,
    browserAddedValue: browserAdded ?? null,
    safelisted: CORS_SAFELISTED_REQUEST_HEADER_NAMES.has(lowerName),
  };
}
