/**
 * Origins per the URL standard (https://url.spec.whatwg.org/#origin). Uses the WHATWG `URL` class that
 * both Node and browsers provide; it is reached through globalThis because the engine compiles
 * without DOM or Node type definitions.
 */
import { MemoTable } from './memo.js';

interface WhatwgUrl {
  readonly href: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly host: string;
  readonly pathname: string;
  readonly port: string;
  readonly username: string;
  readonly password: string;
  readonly origin: string;
}
type WhatwgUrlConstructor = new (input: string, base?: string) => WhatwgUrl;


const UrlClass = (globalThis as unknown as { URL: WhatwgUrlConstructor }).URL;

/** Schemes whose URLs have a tuple origin; every other scheme's origin is opaque ("null"). */
const TUPLE_ORIGIN_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);

export function parseUrl(input: string, base?: string): WhatwgUrl | null {
  try {
    return base === undefined ? new UrlClass(input) : new UrlClass(input, base);
  } catch {
    return null;
  }
}

/**
 * The ASCII serialization of a URL's origin ("https://example.com", default port omitted), "null" for an
 * opaque origin (data:, file:, about:…), or null when the text is not a URL at all.
 */
export function originOf(url: string, memo: OriginMemo | null = null): string | null {
  if (memo === null) return plainHttpOrigin(url, plainPrefixOrigin) ?? originByParsing(url);
  return plainHttpOrigin(url, memo.prefixOrigin) ?? memo.parsed.get(url);
}

/**
 * A run's origins (run-context.ts): the URL parser is slow, and a capture repeats the same few scheme-and-host
 * prefixes and the same unusual URLs (data:, IDN…) many times.
 */
export class OriginMemo {
  readonly parsed = new MemoTable(2_000, originByParsing);
  private readonly prefixes = new MemoTable(2_000, plainPrefixOrigin);
  readonly prefixOrigin = (prefix: string): string | null => this.prefixes.get(prefix);
  /** Origin and Referer values repeat on every request a page makes: each is read once. */
  readonly headerOrigins = new MemoTable(2_048, (value) => usableOrigin(originOf(value.trim(), this)));
  /** The audit asks about the same few origins on every exchange of a capture. */
  readonly urlParts = new MemoTable(2_048, urlPartsOf);
}

/** The origin of an Origin or Referer header's value, or null when it is "null" or not a URL (not comparable). */
export function headerOriginOf(value: string, memo: OriginMemo | null = null): string | null {
  return memo === null ? usableOrigin(originOf(value.trim())) : memo.headerOrigins.get(value);
}

function usableOrigin(origin: string | null): string | null {
  return origin === 'null' ? null : origin;
}

export interface UrlParts {
  readonly hostname: string;
  readonly protocol: string;
}

/** A URL's or origin's host name and scheme ("https:"), or null when it is not a URL. */
export function urlParts(text: string, memo: OriginMemo | null = null): UrlParts | null {
  return memo === null ? urlPartsOf(text) : memo.urlParts.get(text);
}

function urlPartsOf(text: string): UrlParts | null {
  const parsed = parseUrl(text);
  return parsed === null ? null : { hostname: parsed.hostname, protocol: parsed.protocol };
}

function originByParsing(url: string): string | null {
  const parsed = parseUrl(url);
  if (parsed === null) return null;
  if (!TUPLE_ORIGIN_SCHEMES.has(parsed.protocol)) return 'null';
  return `${parsed.protocol}//${parsed.host}`;
}

/**
 * Fast path for the common case, an already-canonical http(s) URL such as "https://api.example.com:8443/x",
 * where the URL parser would only confirm what the text says. Anything that the parser could rewrite or
 * reject goes to it instead: upper case, user info, percent-escapes, IDN ("xn--"), empty labels, a last
 * label starting with a digit (IPv4 forms like "127.1" or "0x7f.1" are normalized), port forms other than
 * a plain non-default number, leading or embedded whitespace and control characters (which the parser strips
 * or rejects; the path after the host can never make an http(s) URL invalid once those are excluded).
 */
const PLAIN_HTTP_URL = /^(https?):\/\/((?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\.?)(?::([1-9][0-9]{0,4}))?(?:[/?#]|$)/;
const UNSAFE_ANYWHERE = /[\u0000-\u0020\u007f\\]/;

function plainHttpOrigin(url: string, prefixOrigin: (prefix: string) => string | null): string | null {
  // The scheme and authority end at the first "/", "?" or "#" after "://" (the pattern allows none of them
  // before), so matching that prefix alone decides the same, and a capture has only a few distinct prefixes.
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1;
  if (start === -1) return null;
  const prefix = url.slice(0, authorityEnd(url, start));
  const origin = prefixOrigin(prefix);
  return origin === null || UNSAFE_ANYWHERE.test(url) ? null : origin;
}

/** The position of the first "/", "?" or "#" at or after `from`, or the URL's length. */
function authorityEnd(url: string, from: number): number {
  for (let i = from; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === 47 /* / */ || code === 63 /* ? */ || code === 35 /* # */) return i;
  }
  return url.length;
}

/** The origin of a plain "scheme://host[:port]" prefix, or null when the URL parser must decide. */
function plainPrefixOrigin(prefix: string): string | null {
  const match = PLAIN_HTTP_URL.exec(prefix);
  if (match === null) return null;
  const [, scheme, host, port] = match as unknown as [string, string, string, string | undefined];
  if (host.includes('xn--')) return null;
  if (port === undefined) return `${scheme}://${host}`;
  const number = Number(port);
  if (number > 65535) return null;
  const isDefault = (scheme === 'http' && number === 80) || (scheme === 'https' && number === 443);
  return isDefault ? `${scheme}://${host}` : `${scheme}://${host}:${port}`;
}

/**
 * True when `url` is cross-origin to `pageOrigin` (an origin or any URL of the page). An opaque origin is
 * cross-origin to everything, itself included; unparseable input counts as cross-origin so a row is never
 * wrongly shown as safe.
 */
export function isCrossOrigin(pageOrigin: string, url: string): boolean {
  const page = pageOrigin === 'null' ? 'null' : originOf(pageOrigin);
  const target = originOf(url);
  if (page === null || target === null) return true;
  if (page === 'null' || target === 'null') return true;
  return page !== target;
}

export function sameOrigin(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a !== 'null' && a === b;
}

/** True when the URL carries a user name or password (https://user:pass@host/). */
export function urlHasCredentials(url: string): boolean {
  // The URL parser reads credentials only before an "@": without one there are none, and parsing is slow.
  if (!url.includes('@')) return false;
  const parsed = parseUrl(url);
  return parsed !== null && (parsed.username !== '' || parsed.password !== '');
}

/** The URL without its fragment: fragments never reach the network, so HAR producers differ on them. */
export function urlKey(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

export function isHttpUrl(url: string): boolean {
  return /^https?:/i.test(url);
}

/**
 * https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy for http(s) URLs: https, and http to
 * localhost (and *.localhost) or a loopback address. Chromium sends Sec-Fetch-* and client hints only to these.
 */
export function isPotentiallyTrustworthy(url: string): boolean {
  const parsed = parseUrl(url);
  if (parsed === null) return false;
  if (parsed.protocol === 'https:' || parsed.protocol === 'wss:') return true;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'ws:') return false;
  const host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
