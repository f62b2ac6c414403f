/**
 * Origins per the URL standard (https://url.spec.whatwg.org/#origin). Uses the WHATWG `URL` class that
 * both Node and browsers provide; it is reached through globalThis because the engine compiles
 * without DOM or Node type definitions.
 */
interface WhatwgUrl {
  readonly href: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly host: string;
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
export function originOf(url: string): string | null {
  const parsed = parseUrl(url);
  if (parsed === null) return null;
  if (!TUPLE_ORIGIN_SCHEMES.has(parsed.protocol)) return 'null';
  return `${parsed.protocol}//${parsed.host}`;
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
