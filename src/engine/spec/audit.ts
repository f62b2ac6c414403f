/**
 * Facts and thresholds for the passive audit of exchanges that worked (security, cost) and for naming the
 * failures that only look like CORS. Data only: the rules query these, never hardcode them.
 */

/** https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name — a script can always read these. */
export const CORS_SAFELISTED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma',
]);

/**
 * Standard response headers that page scripts commonly read and that are not safelisted. Only these and
 * custom `x-…` headers are reported as unexposed; transport and security headers are not meant for scripts.
 */
export const SCRIPT_READABLE_STANDARD_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'content-disposition', 'content-range', 'link', 'location', 'retry-after',
  'ratelimit', 'ratelimit-limit', 'ratelimit-policy', 'ratelimit-remaining', 'ratelimit-reset',
]);

/** `x-…` headers that infrastructure adds for browsers, proxies or operators, not for page scripts. */
export const INFRASTRUCTURE_X_HEADERS: ReadonlySet<string> = new Set([
  'x-content-type-options', 'x-frame-options', 'x-xss-protection', 'x-powered-by', 'x-aspnet-version',
  'x-aspnetmvc-version', 'x-cache', 'x-cache-hits', 'x-served-by', 'x-timer', 'x-varnish', 'x-amz-cf-id',
  'x-amz-cf-pop', 'x-amz-id-2', 'x-amz-request-id', 'x-dns-prefetch-control', 'x-download-options',
  'x-permitted-cross-domain-policies', 'x-robots-tag', 'x-ua-compatible', 'x-envoy-upstream-service-time',
  'x-cloud-trace-context', 'x-goog-generation', 'x-guploader-uploadid', 'x-vercel-cache', 'x-vercel-id',
]);

/** Chromium's default preflight cache lifetime when Access-Control-Max-Age is absent (seconds). */
export const DEFAULT_PREFLIGHT_MAX_AGE_SECONDS = 5;
/** Chromium caps Access-Control-Max-Age at two hours. */
export const MAX_PREFLIGHT_MAX_AGE_SECONDS = 7200;
/** Below this a repeating preflight is worth a longer Access-Control-Max-Age. */
export const SHORT_PREFLIGHT_MAX_AGE_SECONDS = 600;
/** How many preflights of one endpoint in a capture count as "repeating". */
export const REPEATED_PREFLIGHT_COUNT = 2;

/** Allow-Methods entries beyond what the capture used (and beyond GET/HEAD/POST/OPTIONS) that count as "far broader". */
export const UNUSED_METHODS_THRESHOLD = 3;
/** Allow-Headers entries the capture never requested that count as "far broader". */
export const UNUSED_HEADERS_THRESHOLD = 5;

/** Statuses of an OPTIONS request that means no route (or no OPTIONS handler) answered it. */
export const NO_ROUTE_STATUSES: ReadonlySet<number> = new Set([404, 405, 501]);
/** Statuses of an OPTIONS request that means authentication or authorization ran before CORS. */
export const AUTH_STATUSES: ReadonlySet<number> = new Set([401, 403, 407]);

/** Path segments of login / single sign-on pages that APIs redirect unauthenticated requests to. */
export const LOGIN_PATH_PATTERN = /(^|\/)(login|log-in|signin|sign-in|sign_in|auth|authorize|oauth2?|sso|saml|cas|account\/login|session\/new)(\/|$|\.|\?)/i;

/** Net errors named by the page-side blockers (Chromium's net_error_list.h). */
export const NET_ERRORS = {
  blockedByClient: 'net::ERR_BLOCKED_BY_CLIENT',
  blockedByCsp: 'net::ERR_BLOCKED_BY_CSP',
  blockedByOrb: 'net::ERR_BLOCKED_BY_ORB',
  blockedByResponse: 'net::ERR_BLOCKED_BY_RESPONSE',
  aborted: 'net::ERR_ABORTED',
} as const;

/**
 * The net error without the detail Chromium appends after a dot
 * (measured: `net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin` for a Cross-Origin-Resource-Policy block).
 */
export function netErrorName(error: string): string {
  const dot = error.indexOf('.');
  return dot === -1 ? error : error.slice(0, dot);
}

/** Net errors Chromium has used for Private / Local Network Access refusals. */
export const LOCAL_NETWORK_ERROR_PATTERN = /PRIVATE_NETWORK|LOCAL_NETWORK/;
/** Net errors that name mixed content. */
export const MIXED_CONTENT_ERROR_PATTERN = /MIXED_CONTENT/;

/** Private Network Access preflight headers (Chromium ≤ 141; replaced by the Local Network Access permission). */
export const PNA_REQUEST_HEADER = 'access-control-request-private-network';
export const PNA_RESPONSE_HEADER = 'access-control-allow-private-network';

/** Host names that only ever resolve on the user's machine or local network. */
const LOCAL_HOST_SUFFIXES: readonly string[] = ['.localhost', '.local', '.internal', '.lan', '.home.arpa', '.intranet', '.corp'];

export type AddressSpace = 'loopback' | 'local' | 'public';

/**
 * The IP address space a host belongs to, from its name alone (the capture has no resolved addresses for
 * every entry): loopback (localhost, 127/8, ::1), local (RFC 1918, link-local, unique-local IPv6, .local…),
 * or public. A public-looking name may still resolve to a private address: callers say "from its name".
 */
export function addressSpaceOf(hostname: string): AddressSpace {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host)) return 'loopback';
  if (host === '0.0.0.0') return 'loopback';
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4 !== null) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)) return 'local';
    if (a === 100 && b >= 64 && b <= 127) return 'local';
    return 'public';
  }
  if (host.includes(':')) return /^(fc|fd|fe8|fe9|fea|feb)/.test(host) ? 'local' : 'public';
  if (!host.includes('.')) return 'local';
  return LOCAL_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix)) ? 'local' : 'public';
}
