// The differential scenario table: one object per scenario, pure data.
//
// Every scenario is fetched once from the runner page (origin "page") by the differential test; the scenario
// server answers its URL from this table. URLs are `http://<target origin>/s/<id>/<hop>`: hop 0 is the URL
// the page fetches, each `redirect` points at the next hop (on the origin it names), and every OPTIONS request
// to any hop of the scenario gets the scenario's `preflight` response. Because the id is in the path, every
// scenario has its own URLs, so Chromium's preflight cache and HTTP cache never carry over between scenarios.
//
// Header values may name the origins symbolically; the server substitutes them per run (ports are dynamic):
//   $PAGE  the runner page's origin      http://127.0.0.1:<A>
//   $API   the same-site API origin      http://127.0.0.1:<B>   (shares cookies with $PAGE: cookies ignore ports)
//   $ALT   the cross-site API origin     http://localhost:<C>   (no cookie is ever stored for it)
//   $ORIGIN  echo of the request's own Origin header (so `null` after a cross-origin redirect)
//   $LONG  a 200-byte header value made of safelisted bytes
//   $PAGE_UPPER_SCHEME  the page origin spelled HTTP://127.0.0.1:<A>
//
// `browsers` says which browsers run a scenario (absent: every browser the differential suites drive). Some rows
// need what only one browser offers: a beacon's verdict comes from Chromium's DevTools Protocol, the Local Network
// Access rows from Chromium's --ip-address-space-overrides; the rows at the end exist for Firefox's differences.
// Each suite runs `scenariosFor(itsBrowser)`.
//
// `expect` is what the table's author expected Chromium to say. It is documentation, never the oracle: the
// differential test compares the engine with what Chromium actually did, and lists where Chromium surprised
// the table (see the `surprises` output of the test).

/** `lan` is a loopback port Chromium is told to treat as a private-network address (--ip-address-space-overrides). */
export type OriginKey = 'page' | 'api' | 'alt' | 'audit' | 'closed' | 'lan';

/**
 * Where the page's fetch runs: the runner page itself, or an iframe of it that serves the runner from another
 * origin (so the capture holds requests from several page origins) or with a Content-Security-Policy.
 *   api  runner on $API (same-site, same process)    alt  runner on $ALT (cross-site)
 *   csp  runner on $PAGE served with Content-Security-Policy: connect-src 'self'
 *   public          runner on a loopback port Chromium treats as a public address (--ip-address-space-overrides):
 *                   a public site embedded in the page, which never got the Local Network Access permission
 *   public-allowed  runner on a second such port, in an iframe with allow="local-network-access; local-network;
 *                   loopback-network"; the test grants it (and the page) the permission, as a user accepting the prompt
 */
export type FrameKey = 'page' | 'api' | 'alt' | 'csp' | 'public' | 'public-allowed';

export interface RequestSpec {
  /** Origin the page fetches (hop 0). `closed` is a loopback port nothing listens on. */
  target: OriginKey;
  method?: string;
  headers?: Record<string, string>;
  credentials?: 'omit' | 'same-origin' | 'include';
  mode?: 'cors' | 'no-cors' | 'same-origin';
  redirect?: 'follow' | 'error' | 'manual';
  body?: string;
  /** Fetch the same URL this many times in a row (preflight cache checks). The verdict is the last fetch's. */
  repeat?: number;
  /** How the page makes the request (default fetch()); see RequestApi. */
  api?: RequestApi;
  /** Elements, preloads and module scripts: the `crossorigin` attribute (absent: no attribute, a no-cors
   *  request for img/audio/video/script/link rel=stylesheet). */
  crossorigin?: 'anonymous' | 'use-credentials';
  /** api 'preload': the link's `as`. */
  preloadAs?: 'fetch' | 'font' | 'image' | 'script' | 'style' | 'track';
  /** api 'eventsource': what the page does once a message arrived (default: close after the first message,
   *  after the stream ended). 'close-live' closes while the server still holds the stream open; 'reconnect'
   *  waits for the reconnection (Last-Event-ID) and its message. */
  eventSource?: 'first-message' | 'close-live' | 'reconnect';
  /** fetch() with keepalive: true. */
  keepalive?: boolean;
  /** fetch()'s targetAddressSpace option (Local Network Access: 'local' or 'loopback'). */
  targetAddressSpace?: 'local' | 'loopback';
  /** XHR only: register an upload progress listener, which makes Chromium preflight even a simple request. */
  xhrUploadListener?: boolean;
  /** Abort the fetch from the page after this many milliseconds (AbortSignal.timeout). */
  abortAfterMs?: number;
  /** Run the fetch in this frame (default: the runner page). */
  from?: FrameKey;
  /** After the scenario's fetch, fetch the same URL once more from each of these frames (more Origins for one URL). */
  alsoFrom?: readonly FrameKey[];
}

/**
 * Every way the runner page makes a request. Each reports what the page observed the natural way for its kind:
 *   fetch, xhr, xhr-sync        the promise / load–error events / the exception of send()
 *   beacon                      navigator.sendBeacon (the page cannot observe the answer: Chromium's CDP verdict decides)
 *   eventsource                 new EventSource(url, {withCredentials}): the first message, or error before it
 *   img, audio, video, script, module-script, stylesheet, modulepreload, preload
 *                               an element (crossorigin attribute as given): its load (loadedmetadata) or error event
 *   dynamic-import              import(url) from the page
 *   font-face                   a stylesheet with @font-face, then the CSS FontFace's load()
 *   font-api                    new FontFace(family, 'url(…)').load()
 *   worker-fetch, worker-import-scripts, worker-dynamic-import
 *                               inside a dedicated (classic) worker of the page origin: fetch(), importScripts(), import()
 *   module-worker-fetch, module-worker-dynamic-import
 *                               the same inside a module worker; the worker posts its own report back
 */
export type RequestApi =
  | 'fetch' | 'xhr' | 'xhr-sync' | 'beacon' | 'eventsource'
  | 'img' | 'audio' | 'video' | 'script' | 'module-script' | 'dynamic-import' | 'modulepreload' | 'stylesheet' | 'preload'
  | 'font-face' | 'font-api'
  | 'worker-fetch' | 'worker-import-scripts' | 'worker-dynamic-import' | 'module-worker-fetch' | 'module-worker-dynamic-import';

export interface RedirectSpec {
  /** Origin of the next hop. */
  to: OriginKey;
  /** A literal Location instead of the next hop's URL (e.g. a data: URL). Tokens as in header values, plus
   *  $SELF (this request's own URL) and $SELF_HTTPS (the same with https:). */
  location?: string;
  /** `user:pass` put into the Location URL (RedirectContainsCredentials). */
  userinfo?: string;
}

export interface ResponseSpec {
  /** Defaults to 200, or 302 when `redirect` is set. */
  status?: number;
  /** Header lines in order; a name may repeat (two lines). */
  headers?: ReadonlyArray<readonly [string, string]>;
  redirect?: RedirectSpec;
  body?: string;
  /** Close the socket without any response (a non-CORS network failure). */
  destroy?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Send the headers and body but never end the response (a live event stream). */
  keepOpen?: boolean;
}

/**
 * A CORS error name from the DevTools Protocol's Network.CorsError, a net:: error Chromium reports without a
 * CORS error, 'ok', or 'rejected' (fetch() rejected before any request reached the network).
 */
export type Expectation = 'ok' | `net::${string}` | string;

/** The browsers a differential suite drives. */
export type BrowserId = 'chromium' | 'firefox';
export const ALL_BROWSERS: readonly BrowserId[] = ['chromium', 'firefox'];
const CHROMIUM_ONLY: readonly BrowserId[] = ['chromium'];
const FIREFOX_ONLY: readonly BrowserId[] = ['firefox'];

export interface Scenario {
  id: string;
  /** Which browsers run this scenario. Absent: all (ALL_BROWSERS). */
  browsers?: readonly BrowserId[];
  description: string;
  request: RequestSpec;
  /** Answer to OPTIONS on any hop. Absent: OPTIONS gets a bare 405. */
  preflight?: ResponseSpec;
  /** Answers to the actual request, one per hop. Absent: hop 0 answers 200 with no extra headers. */
  actual?: readonly ResponseSpec[];
  /** Answer to an EventSource reconnection (a request with Last-Event-ID) on hop 0. Absent: actual[0]. */
  reconnect?: ResponseSpec;
  expect: Expectation;
  /**
   * Audit and classification rule ids (categories security, performance, classification) the engine must
   * report for this scenario — exactly these, no others. Absent: none. An allowed scenario without it is a
   * clean configuration, which the false-positive test (test/audit/false-positives.test.ts) holds to zero.
   */
  expectFindings?: readonly string[];
  /**
   * What the table's author expected Firefox to say: 'ok', or the base name (no trailing digits) of Firefox's
   * console reason key, e.g. 'CORSMissingAllowOrigin'. Documentation like `expect`; absent: not written down.
   */
  expectFirefox?: string;
  /**
   * The audit and classification findings expected on Firefox's HAR, where they differ from `expectFindings`
   * (Firefox records no error names: a cancelled request shows only as a request without a response).
   */
  expectFirefoxFindings?: readonly string[];
}

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';
const ACAM = 'Access-Control-Allow-Methods';
const ACAH = 'Access-Control-Allow-Headers';
const MAXAGE = 'Access-Control-Max-Age';
const PAGE = '$PAGE';

/** A preflight that allows everything for a non-credentialed request from the page. */
const pfOpen = (methods: string, headers = ''): ResponseSpec => ({
  status: 204,
  headers: [[ACAO, PAGE], [ACAM, methods], ...(headers ? [[ACAH, headers] as const] : [])],
});
/** A preflight that allows a credentialed request from the page. */
const pfCred = (methods: string, headers = ''): ResponseSpec => ({
  status: 204,
  headers: [[ACAO, PAGE], [ACAC, 'true'], [ACAM, methods], ...(headers ? [[ACAH, headers] as const] : [])],
});
const okExact: readonly ResponseSpec[] = [{ headers: [[ACAO, PAGE]] }];
const okCred: readonly ResponseSpec[] = [{ headers: [[ACAO, PAGE], [ACAC, 'true']] }];
const X = { 'X-Custom': '1' };

export const scenarios: readonly Scenario[] = [
  // ── Simple requests: Access-Control-Allow-Origin ─────────────────────────────────────────────────────────
  { id: 'simple-get-acao-missing', description: 'simple GET, no ACAO', request: { target: 'api' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'simple-get-acao-star', description: 'simple GET, ACAO *', request: { target: 'api' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'simple-get-acao-exact', description: 'simple GET, ACAO = page origin', request: { target: 'api' }, actual: okExact, expect: 'ok' },
  { id: 'simple-get-acao-mismatch', description: 'simple GET, ACAO another site', request: { target: 'api' }, actual: [{ headers: [[ACAO, 'http://example.com']] }], expect: 'AllowOriginMismatch' },
  { id: 'simple-get-acao-other-port', description: 'simple GET, ACAO names the API origin (other port) instead of the page', request: { target: 'api' }, actual: [{ headers: [[ACAO, '$API']] }], expect: 'AllowOriginMismatch' },
  { id: 'simple-get-acao-trailing-slash', description: 'simple GET, ACAO page origin with a trailing slash', request: { target: 'api' }, actual: [{ headers: [[ACAO, '$PAGE/']] }], expect: 'AllowOriginMismatch' },
  { id: 'simple-get-acao-uppercase-scheme', description: 'simple GET, ACAO page origin in upper case scheme', request: { target: 'api' }, actual: [{ headers: [[ACAO, '$PAGE_UPPER_SCHEME']] }], expect: 'AllowOriginMismatch' },
  { id: 'simple-get-acao-two-lines', description: 'simple GET, ACAO sent twice as two header lines (both the page)', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE], [ACAO, PAGE]] }], expect: 'MultipleAllowOriginValues', expectFindings: ['duplicate-cors-header'] },
  { id: 'simple-get-acao-two-lines-star', description: 'simple GET, ACAO * sent on two header lines', request: { target: 'api' }, actual: [{ headers: [[ACAO, '*'], [ACAO, '*']] }], expect: 'MultipleAllowOriginValues', expectFindings: ['duplicate-cors-header'] },
  { id: 'simple-get-acao-comma-list', description: 'simple GET, one ACAO line "page, other"', request: { target: 'api' }, actual: [{ headers: [[ACAO, '$PAGE, http://example.com']] }], expect: 'MultipleAllowOriginValues' },
  { id: 'simple-get-acao-space-list', description: 'simple GET, one ACAO line "page other" (space separated)', request: { target: 'api' }, actual: [{ headers: [[ACAO, '$PAGE http://example.com']] }], expect: 'MultipleAllowOriginValues' },
  { id: 'simple-get-acao-invalid', description: 'simple GET, ACAO not an origin ("not-an-origin")', request: { target: 'api' }, actual: [{ headers: [[ACAO, 'not-an-origin']] }], expect: 'InvalidAllowOriginValue' },
  { id: 'simple-get-acao-host-only', description: 'simple GET, ACAO host without scheme ("127.0.0.1")', request: { target: 'api' }, actual: [{ headers: [[ACAO, '127.0.0.1']] }], expect: 'InvalidAllowOriginValue' },
  { id: 'simple-get-acao-empty', description: 'simple GET, ACAO present but empty', request: { target: 'api' }, actual: [{ headers: [[ACAO, '']] }], expect: 'InvalidAllowOriginValue' },
  { id: 'simple-get-acao-null', description: 'simple GET, ACAO null (page origin is not null)', request: { target: 'api' }, actual: [{ headers: [[ACAO, 'null']] }], expect: 'AllowOriginMismatch' },
  { id: 'simple-get-acao-with-path', description: 'simple GET, ACAO is the page URL with a path', request: { target: 'api' }, actual: [{ headers: [[ACAO, '$PAGE/index.html']] }], expect: 'AllowOriginMismatch' },
  { id: 'simple-head-acao-star', description: 'simple HEAD, ACAO *', request: { target: 'api', method: 'HEAD' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'simple-head-acao-missing', description: 'simple HEAD, no ACAO', request: { target: 'api', method: 'HEAD' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'simple-post-text-acao-missing', description: 'simple POST text/plain, no ACAO', request: { target: 'api', method: 'POST', body: 'hello' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'simple-post-text-acao-exact', description: 'simple POST text/plain, ACAO exact', request: { target: 'api', method: 'POST', body: 'hello' }, actual: okExact, expect: 'ok' },
  { id: 'simple-post-form-acao-star', description: 'simple POST application/x-www-form-urlencoded, ACAO *', request: { target: 'api', method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'simple-post-multipart-acao-mismatch', description: 'simple POST multipart/form-data, ACAO another site', request: { target: 'api', method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=x' }, body: '--x--' }, actual: [{ headers: [[ACAO, 'http://example.com']] }], expect: 'AllowOriginMismatch' },
  { id: 'simple-get-404-acao-star', description: 'simple GET answered 404 with ACAO * (an HTTP error, not a CORS error)', request: { target: 'api' }, actual: [{ status: 404, headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'simple-get-500-acao-missing', description: 'simple GET answered 500 without ACAO', request: { target: 'api' }, actual: [{ status: 500 }], expect: 'MissingAllowOriginHeader', expectFindings: ['error-response-without-cors'] },
  { id: 'simple-get-alt-acao-exact', description: 'simple GET to the cross-site origin (localhost), ACAO exact', request: { target: 'alt' }, actual: okExact, expect: 'ok' },
  { id: 'simple-get-alt-acao-missing', description: 'simple GET to the cross-site origin (localhost), no ACAO', request: { target: 'alt' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'simple-get-alt-acao-127', description: 'simple GET to localhost, ACAO names the localhost API origin itself', request: { target: 'alt' }, actual: [{ headers: [[ACAO, '$ALT']] }], expect: 'AllowOriginMismatch' },
  { id: 'simple-get-safelisted-headers', description: 'GET with Accept, Accept-Language, Content-Language (safelisted), ACAO *', request: { target: 'api', headers: { Accept: 'application/json', 'Accept-Language': 'en-US', 'Content-Language': 'en' } }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'simple-get-acao-missing-acac-true', description: 'simple GET, only ACAC true, no ACAO', request: { target: 'api' }, actual: [{ headers: [[ACAC, 'true']] }], expect: 'MissingAllowOriginHeader' },

  // ── Credentials ────────────────────────────────────────────────────────────────────────────────────────
  { id: 'cred-cookie-acao-star', description: "credentials:'include' with a cookie, ACAO *", request: { target: 'api', credentials: 'include' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'cred-nocookie-acao-star', description: "credentials:'include' without a cookie (localhost), ACAO *", request: { target: 'alt', credentials: 'include' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'cred-cookie-acao-star-acac-true', description: "credentials:'include' with a cookie, ACAO * and ACAC true", request: { target: 'api', credentials: 'include' }, actual: [{ headers: [[ACAO, '*'], [ACAC, 'true']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'cred-cookie-acac-missing', description: "credentials:'include' with a cookie, ACAO exact, no ACAC", request: { target: 'api', credentials: 'include' }, actual: okExact, expect: 'InvalidAllowCredentials' },
  { id: 'cred-nocookie-acac-missing', description: "credentials:'include' without a cookie, ACAO exact, no ACAC", request: { target: 'alt', credentials: 'include' }, actual: okExact, expect: 'InvalidAllowCredentials' },
  { id: 'cred-cookie-acac-true', description: "credentials:'include' with a cookie, ACAO exact, ACAC true", request: { target: 'api', credentials: 'include' }, actual: okCred, expect: 'ok' },
  { id: 'cred-nocookie-acac-true', description: "credentials:'include' without a cookie, ACAO exact, ACAC true", request: { target: 'alt', credentials: 'include' }, actual: okCred, expect: 'ok' },
  { id: 'cred-cookie-acac-True', description: "credentials:'include' with a cookie, ACAC True (capital T)", request: { target: 'api', credentials: 'include' }, actual: [{ headers: [[ACAO, PAGE], [ACAC, 'True']] }], expect: 'InvalidAllowCredentials' },
  { id: 'cred-cookie-acac-false', description: "credentials:'include' with a cookie, ACAC false", request: { target: 'api', credentials: 'include' }, actual: [{ headers: [[ACAO, PAGE], [ACAC, 'false']] }], expect: 'InvalidAllowCredentials' },
  { id: 'cred-nocookie-acac-false', description: "credentials:'include' without a cookie, ACAC false", request: { target: 'alt', credentials: 'include' }, actual: [{ headers: [[ACAO, PAGE], [ACAC, 'false']] }], expect: 'InvalidAllowCredentials' },
  { id: 'cred-cookie-acac-two-lines', description: "credentials:'include', ACAC true on two header lines", request: { target: 'api', credentials: 'include' }, actual: [{ headers: [[ACAO, PAGE], [ACAC, 'true'], [ACAC, 'true']] }], expect: 'InvalidAllowCredentials', expectFindings: ['duplicate-cors-header'] },
  { id: 'cred-cookie-acao-missing', description: "credentials:'include' with a cookie, no ACAO, ACAC true", request: { target: 'api', credentials: 'include' }, actual: [{ headers: [[ACAC, 'true']] }], expect: 'MissingAllowOriginHeader' },
  { id: 'cred-cookie-acao-mismatch', description: "credentials:'include' with a cookie, ACAO another site, ACAC true", request: { target: 'api', credentials: 'include' }, actual: [{ headers: [[ACAO, 'http://example.com'], [ACAC, 'true']] }], expect: 'AllowOriginMismatch' },
  { id: 'cred-same-origin-acao-star', description: "credentials:'same-origin' (default) cross-origin with ACAO *", request: { target: 'api', credentials: 'same-origin' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'cred-omit-acao-star-acac-true', description: "credentials:'omit', ACAO * and ACAC true", request: { target: 'api', credentials: 'omit' }, actual: [{ headers: [[ACAO, '*'], [ACAC, 'true']] }], expect: 'ok' },
  { id: 'cred-omit-acac-missing', description: "credentials:'omit' to the API (a cookie exists but is not sent), ACAO exact, no ACAC", request: { target: 'api', credentials: 'omit' }, actual: okExact, expect: 'ok' },
  { id: 'pf-cred-nocookie-acao-star', description: "credentials:'include' PUT to localhost (no cookie anywhere), preflight ACAO * and ACAC true", request: { target: 'alt', method: 'PUT', credentials: 'include', body: 'x' }, preflight: { status: 204, headers: [[ACAO, '*'], [ACAC, 'true'], [ACAM, 'PUT']] }, actual: okCred, expect: 'PreflightWildcardOriginNotAllowed' },
  { id: 'pf-cred-nocookie-actual-acao-star', description: "credentials:'include' PUT to localhost, preflight fine, actual ACAO * with ACAC true", request: { target: 'alt', method: 'PUT', credentials: 'include', body: 'x' }, preflight: pfCred('PUT'), actual: [{ headers: [[ACAO, '*'], [ACAC, 'true']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'cred-post-cookie-acac-missing', description: "credentials:'include' simple POST with a cookie, ACAO exact, no ACAC", request: { target: 'api', method: 'POST', credentials: 'include', body: 'x' }, actual: okExact, expect: 'InvalidAllowCredentials' },

  // ── Preflights: triggers, answered well ─────────────────────────────────────────────────────────────────
  { id: 'pf-put-ok', description: 'PUT, preflight 204 allows PUT', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: pfOpen('PUT'), actual: okExact, expect: 'ok' },
  { id: 'pf-delete-ok-200', description: 'DELETE, preflight 200 allows DELETE', request: { target: 'api', method: 'DELETE' }, preflight: { status: 200, headers: [[ACAO, PAGE], [ACAM, 'DELETE']] }, actual: okExact, expect: 'ok' },
  { id: 'pf-patch-ok', description: 'PATCH, preflight allows PATCH', request: { target: 'api', method: 'PATCH', body: 'x' }, preflight: pfOpen('PATCH'), actual: okExact, expect: 'ok' },
  { id: 'pf-patch-lowercase-acam-upper', description: "method 'patch' (not normalized), ACAM PATCH", request: { target: 'api', method: 'patch', body: 'x' }, preflight: pfOpen('PATCH'), actual: okExact, expect: 'MethodDisallowedByPreflightResponse' },
  { id: 'pf-patch-lowercase-acam-lower', description: "method 'patch', ACAM patch", request: { target: 'api', method: 'patch', body: 'x' }, preflight: pfOpen('patch'), actual: okExact, expect: 'ok' },
  { id: 'pf-put-lowercase-normalized', description: "method 'put' (normalized to PUT), ACAM PUT", request: { target: 'api', method: 'put', body: 'x' }, preflight: pfOpen('PUT'), actual: okExact, expect: 'ok' },
  { id: 'pf-put-acam-lowercase', description: 'PUT, ACAM put (lower case)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: pfOpen('put'), actual: okExact, expect: 'MethodDisallowedByPreflightResponse' },
  { id: 'pf-custom-header-ok', description: 'GET with X-Custom, ACAH X-Custom', request: { target: 'api', headers: X }, preflight: pfOpen('GET', 'X-Custom'), actual: okExact, expect: 'ok' },
  { id: 'pf-custom-header-acah-case', description: 'GET with X-Custom, ACAH x-CUSTOM (names are case-insensitive)', request: { target: 'api', headers: X }, preflight: pfOpen('GET', 'x-CUSTOM'), actual: okExact, expect: 'ok' },
  { id: 'pf-json-ok', description: 'POST application/json, ACAH content-type', request: { target: 'api', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }, preflight: pfOpen('POST', 'content-type'), actual: okExact, expect: 'ok' },
  { id: 'pf-json-no-acam-needed', description: 'POST application/json, ACAH content-type, no ACAM (POST is safelisted)', request: { target: 'api', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAH, 'Content-Type']] }, actual: okExact, expect: 'ok' },
  { id: 'pf-authorization-ok', description: 'GET with Authorization, ACAH Authorization', request: { target: 'api', headers: { Authorization: 'Bearer t' } }, preflight: pfOpen('GET', 'Authorization'), actual: okExact, expect: 'ok' },
  { id: 'pf-cred-put-ok', description: "credentials:'include' PUT with a cookie, preflight and response allow credentials", request: { target: 'api', method: 'PUT', credentials: 'include', body: 'x' }, preflight: pfCred('PUT'), actual: okCred, expect: 'ok' },
  { id: 'pf-acah-star-nocred', description: 'GET with X-Custom, ACAH * without credentials', request: { target: 'api', headers: X }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAH, '*']] }, actual: okExact, expect: 'ok', expectFindings: ['overly-broad-allow-list'] },
  { id: 'pf-acam-star-nocred', description: 'DELETE, ACAM * without credentials', request: { target: 'api', method: 'DELETE' }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAM, '*']] }, actual: okExact, expect: 'ok', expectFindings: ['overly-broad-allow-list'] },
  { id: 'pf-acam-list-spaces', description: 'PUT, ACAM "GET , PUT,POST" (odd spacing)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: pfOpen('GET , PUT,POST'), actual: okExact, expect: 'ok' },
  { id: 'pf-acam-two-lines', description: 'DELETE, ACAM on two lines "PUT" and "DELETE"', request: { target: 'api', method: 'DELETE' }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAM, 'PUT'], [ACAM, 'DELETE']] }, actual: okExact, expect: 'ok' },
  { id: 'pf-acao-star-nocred', description: 'PUT, preflight ACAO * without credentials', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, '*'], [ACAM, 'PUT']] }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },

  // ── Preflights: status codes ──────────────────────────────────────────────────────────────────────────
  { id: 'pf-status-404', description: 'PUT, preflight answered 404 (with CORS headers)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { ...pfOpen('PUT'), status: 404 }, actual: okExact, expect: 'PreflightInvalidStatus', expectFindings: ['options-route-missing'] },
  { id: 'pf-status-401', description: 'GET with Authorization, preflight answered 401 (auth middleware before CORS)', request: { target: 'api', headers: { Authorization: 'Bearer t' } }, preflight: { ...pfOpen('GET', 'Authorization'), status: 401 }, actual: okExact, expect: 'PreflightInvalidStatus', expectFindings: ['preflight-blocked-by-auth'] },
  { id: 'pf-status-500', description: 'DELETE, preflight answered 500', request: { target: 'api', method: 'DELETE' }, preflight: { ...pfOpen('DELETE'), status: 500 }, actual: okExact, expect: 'PreflightInvalidStatus' },
  { id: 'pf-acao-null', description: 'PUT, preflight ACAO null', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, 'null'], [ACAM, 'PUT']] }, actual: okExact, expect: 'PreflightAllowOriginMismatch' },
  { id: 'pf-status-404-no-cors-headers', description: 'PUT, preflight 404 without any CORS header (two checks fail)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 404 }, actual: okExact, expect: 'PreflightMissingAllowOriginHeader', expectFindings: ['options-route-missing'] },
  { id: 'pf-status-405-bare', description: 'PUT, OPTIONS not routed: bare 405', request: { target: 'api', method: 'PUT', body: 'x' }, actual: okExact, expect: 'PreflightMissingAllowOriginHeader', expectFindings: ['options-route-missing'] },
  { id: 'pf-status-299', description: 'PUT, preflight answered 299 (still an ok status)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { ...pfOpen('PUT'), status: 299 }, actual: okExact, expect: 'ok' },
  { id: 'pf-redirect-302', description: 'PUT, preflight answered 302', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { ...pfOpen('PUT'), status: 302, redirect: { to: 'api' } }, actual: okExact, expect: 'PreflightDisallowedRedirect' },
  { id: 'pf-redirect-301', description: 'DELETE, preflight answered 301 to another origin', request: { target: 'api', method: 'DELETE' }, preflight: { ...pfOpen('DELETE'), status: 301, redirect: { to: 'alt' } }, actual: okExact, expect: 'PreflightDisallowedRedirect' },
  { id: 'pf-redirect-307', description: 'GET with X-Custom, preflight answered 307', request: { target: 'api', headers: X }, preflight: { ...pfOpen('GET', 'X-Custom'), status: 307, redirect: { to: 'api' } }, actual: okExact, expect: 'PreflightDisallowedRedirect' },
  { id: 'pf-redirect-308-no-cors', description: 'PUT, preflight answered 308 without CORS headers', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 308, redirect: { to: 'api' } }, actual: okExact, expect: 'PreflightDisallowedRedirect' },

  // ── Preflights: Access-Control-Allow-Origin / -Credentials on the preflight ──────────────────────────────
  { id: 'pf-acao-missing', description: 'PUT, preflight 204 with ACAM but no ACAO', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAM, 'PUT']] }, actual: okExact, expect: 'PreflightMissingAllowOriginHeader' },
  { id: 'pf-acao-mismatch', description: 'PUT, preflight ACAO another site', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, 'http://example.com'], [ACAM, 'PUT']] }, actual: okExact, expect: 'PreflightAllowOriginMismatch' },
  { id: 'pf-acao-two-lines', description: 'PUT, preflight ACAO on two lines', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAO, PAGE], [ACAM, 'PUT']] }, actual: okExact, expect: 'PreflightMultipleAllowOriginValues', expectFindings: ['duplicate-cors-header'] },
  { id: 'pf-acao-invalid', description: 'PUT, preflight ACAO "not-an-origin"', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, 'not-an-origin'], [ACAM, 'PUT']] }, actual: okExact, expect: 'PreflightInvalidAllowOriginValue' },
  { id: 'pf-acao-star-cred', description: "credentials:'include' PUT, preflight ACAO * with ACAC true", request: { target: 'api', method: 'PUT', credentials: 'include', body: 'x' }, preflight: { status: 204, headers: [[ACAO, '*'], [ACAC, 'true'], [ACAM, 'PUT']] }, actual: okCred, expect: 'PreflightWildcardOriginNotAllowed' },
  { id: 'pf-acac-missing-cred', description: "credentials:'include' PUT, preflight ACAO exact, no ACAC", request: { target: 'api', method: 'PUT', credentials: 'include', body: 'x' }, preflight: pfOpen('PUT'), actual: okCred, expect: 'PreflightInvalidAllowCredentials' },
  { id: 'pf-acac-True-cred', description: "credentials:'include' to localhost, preflight ACAC True", request: { target: 'alt', method: 'PUT', credentials: 'include', body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAC, 'True'], [ACAM, 'PUT']] }, actual: okCred, expect: 'PreflightInvalidAllowCredentials' },
  { id: 'pf-ok-actual-acao-missing', description: 'PUT, preflight fine, actual response without ACAO', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: pfOpen('PUT'), actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'pf-ok-actual-acac-missing', description: "credentials:'include' PUT, preflight fine, actual lacks ACAC", request: { target: 'api', method: 'PUT', credentials: 'include', body: 'x' }, preflight: pfCred('PUT'), actual: okExact, expect: 'InvalidAllowCredentials' },

  // ── Preflights: Access-Control-Allow-Methods ──────────────────────────────────────────────────────────
  { id: 'pf-acam-missing-put', description: 'PUT, preflight allows the origin but has no ACAM', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE]] }, actual: okExact, expect: 'MethodDisallowedByPreflightResponse' },
  { id: 'pf-acam-lacking-delete', description: 'DELETE, ACAM "GET, POST, PUT"', request: { target: 'api', method: 'DELETE' }, preflight: pfOpen('GET, POST, PUT'), actual: okExact, expect: 'MethodDisallowedByPreflightResponse' },
  { id: 'pf-acam-star-cred', description: "credentials:'include' DELETE, ACAM * (literal method name under credentials)", request: { target: 'api', method: 'DELETE', credentials: 'include' }, preflight: pfCred('*'), actual: okCred, expect: 'MethodDisallowedByPreflightResponse' },
  { id: 'pf-acam-invalid-semicolon', description: 'PUT, ACAM "PUT;" (invalid token)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: pfOpen('PUT;'), actual: okExact, expect: 'InvalidAllowMethodsPreflightResponse' },
  { id: 'pf-acam-invalid-space', description: 'PUT, ACAM "PUT DELETE" (space, not comma)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: pfOpen('PUT DELETE'), actual: okExact, expect: 'InvalidAllowMethodsPreflightResponse' },
  { id: 'pf-acam-invalid-with-header-fail', description: 'GET with X-Custom, ACAM "GET;" invalid and no ACAH (two checks fail)', request: { target: 'api', headers: X }, preflight: pfOpen('GET;'), actual: okExact, expect: 'InvalidAllowMethodsPreflightResponse' },
  { id: 'pf-acam-and-acah-missing', description: 'PUT with X-Custom, preflight has neither ACAM nor ACAH', request: { target: 'api', method: 'PUT', headers: X, body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE]] }, actual: okExact, expect: 'MethodDisallowedByPreflightResponse' },

  // ── Preflights: Access-Control-Allow-Headers ──────────────────────────────────────────────────────────
  { id: 'pf-acah-missing', description: 'GET with X-Custom, no ACAH', request: { target: 'api', headers: X }, preflight: pfOpen('GET'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-acah-lacking', description: 'GET with X-Custom and X-Other, ACAH lists only X-Other', request: { target: 'api', headers: { 'X-Custom': '1', 'X-Other': '2' } }, preflight: pfOpen('GET', 'X-Other'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-acah-star-authorization', description: 'GET with Authorization, ACAH * (the spec says * does not cover Authorization; Chromium 156 lets it)', request: { target: 'api', headers: { Authorization: 'Bearer t' } }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAH, '*']] }, actual: okExact, expect: 'ok', expectFindings: ['authorization-covered-by-wildcard', 'overly-broad-allow-list'] },
  { id: 'pf-acah-star-cred', description: "credentials:'include' GET with X-Custom, ACAH * (literal under credentials)", request: { target: 'api', headers: X, credentials: 'include' }, preflight: pfCred('GET', '*'), actual: okCred, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-acah-invalid-semicolon', description: 'GET with X-Custom, ACAH "X-Custom;" (invalid token)', request: { target: 'api', headers: X }, preflight: pfOpen('GET', 'X-Custom;'), actual: okExact, expect: 'InvalidAllowHeadersPreflightResponse' },
  { id: 'pf-acah-invalid-space', description: 'GET with X-Custom, ACAH "X-Custom X-Other"', request: { target: 'api', headers: X }, preflight: pfOpen('GET', 'X-Custom X-Other'), actual: okExact, expect: 'InvalidAllowHeadersPreflightResponse' },
  { id: 'pf-json-acah-missing', description: 'POST application/json, no ACAH', request: { target: 'api', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }, preflight: pfOpen('POST'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-authorization-acah-missing', description: 'GET with Authorization, no ACAH', request: { target: 'api', headers: { Authorization: 'Bearer t' } }, preflight: pfOpen('GET'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-long-accept-acah-missing', description: 'GET with a 200-byte Accept (over 128 bytes: not safelisted), no ACAH', request: { target: 'api', headers: { Accept: '$LONG' } }, preflight: pfOpen('GET'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-long-accept-acah-accept', description: 'GET with a 200-byte Accept, ACAH accept', request: { target: 'api', headers: { Accept: '$LONG' } }, preflight: pfOpen('GET', 'accept'), actual: okExact, expect: 'ok' },
  { id: 'pf-long-content-language', description: 'GET with a 200-byte Content-Language, no ACAH', request: { target: 'api', headers: { 'Content-Language': '$LONG' } }, preflight: pfOpen('GET'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-accept-unsafe-byte', description: 'GET with Accept "a(b" (unsafe byte: not safelisted), no ACAH', request: { target: 'api', headers: { Accept: 'text/html(x)' } }, preflight: pfOpen('GET'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-content-language-unsafe', description: 'GET with Content-Language "en@x" (byte outside its set), no ACAH', request: { target: 'api', headers: { 'Content-Language': 'en@x' } }, preflight: pfOpen('GET'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-range-header', description: 'GET with Range: bytes=0-10 (safelisted in the spec), no ACAH', request: { target: 'api', headers: { Range: 'bytes=0-10' } }, preflight: pfOpen('GET'), actual: okExact, expect: 'ok' },
  { id: 'pf-x-requested-with', description: 'GET with X-Requested-With (jQuery style), no ACAH', request: { target: 'api', headers: { 'X-Requested-With': 'XMLHttpRequest' } }, preflight: pfOpen('GET'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-content-type-upper-case', description: 'POST Content-Type TEXT/PLAIN (MIME types are case-insensitive: still safelisted)', request: { target: 'api', method: 'POST', headers: { 'Content-Type': 'TEXT/PLAIN' }, body: 'x' }, actual: okExact, expect: 'ok' },
  { id: 'pf-content-type-two-types', description: 'POST Content-Type "text/plain, application/json", no ACAH', request: { target: 'api', method: 'POST', headers: { 'Content-Type': 'text/plain, application/json' }, body: 'x' }, preflight: pfOpen('POST'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-content-type-bad-param', description: 'POST Content-Type \'text/plain; charset="\' (unterminated quote), no ACAH', request: { target: 'api', method: 'POST', headers: { 'Content-Type': 'text/plain; charset="' }, body: 'x' }, preflight: pfOpen('POST'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'pf-content-language-list', description: 'GET with Content-Language "en-US, fr;q=0.5" (all bytes allowed: safelisted)', request: { target: 'api', headers: { 'Content-Language': 'en-US, fr;q=0.5' } }, actual: okExact, expect: 'ok' },
  { id: 'pf-acah-two-lines', description: 'GET with X-A and X-B, ACAH on two lines "X-A" and "X-B"', request: { target: 'api', headers: { 'X-A': '1', 'X-B': '2' } }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAH, 'X-A'], [ACAH, 'X-B']] }, actual: okExact, expect: 'ok' },
  { id: 'pf-method-mixed-case-put', description: "method 'Put' (normalized to PUT), ACAM PUT", request: { target: 'api', method: 'Put', body: 'x' }, preflight: pfOpen('PUT'), actual: okExact, expect: 'ok' },
  { id: 'pf-acao-uppercase-host', description: 'localhost PUT, preflight ACAO with the page host spelled upper case', request: { target: 'alt', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, '$PAGE_UPPER_SCHEME'], [ACAM, 'PUT']] }, actual: okExact, expect: 'PreflightAllowOriginMismatch' },
  { id: 'pf-acam-star-cred-post', description: "credentials:'include' POST with X-Custom, ACAM * (ignored, but POST needs no listing), ACAH X-Custom", request: { target: 'api', method: 'POST', headers: X, credentials: 'include', body: 'x' }, preflight: pfCred('*', 'X-Custom'), actual: okCred, expect: 'ok' },
  { id: 'pf-text-plain-charset', description: 'POST text/plain;charset=UTF-8 (safelisted MIME with parameter), ACAO exact', request: { target: 'api', method: 'POST', headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: 'x' }, actual: okExact, expect: 'ok' },

  // ── Preflights: Access-Control-Max-Age (preflight cache) ──────────────────────────────────────────────
  { id: 'pf-max-age-cached', description: 'PUT twice, preflight Max-Age 600: one OPTIONS, second PUT uses the cache', request: { target: 'api', method: 'PUT', body: 'x', repeat: 2 }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAM, 'PUT'], [MAXAGE, '600']] }, actual: okExact, expect: 'ok' },
  { id: 'pf-max-age-zero', description: 'PUT twice, preflight Max-Age 0: a preflight each time', request: { target: 'api', method: 'PUT', body: 'x', repeat: 2 }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAM, 'PUT'], [MAXAGE, '0']] }, actual: okExact, expect: 'ok', expectFindings: ['repeated-preflight'] },
  { id: 'pf-max-age-invalid', description: 'PUT, Max-Age "ten" (ignored)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAM, 'PUT'], [MAXAGE, 'ten']] }, actual: okExact, expect: 'ok' },
  { id: 'pf-max-age-cached-header-denied', description: 'X-Custom GET twice, preflight denies the header with Max-Age 600 (failures are not cached)', request: { target: 'api', headers: X, repeat: 2 }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAM, 'GET'], [MAXAGE, '600']] }, actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },

  // ── Redirects of the actual request ────────────────────────────────────────────────────────────────────
  { id: 'redir-same-to-cross-ok', description: 'same-origin URL 302 → API with ACAO exact (Origin stays the page)', request: { target: 'page' }, actual: [{ redirect: { to: 'api' } }, { headers: [[ACAO, PAGE]] }], expect: 'ok' },
  { id: 'redir-same-to-cross-acao-missing', description: 'same-origin URL 302 → API without ACAO', request: { target: 'page' }, actual: [{ redirect: { to: 'api' } }, {}], expect: 'MissingAllowOriginHeader' },
  { id: 'redir-cross-to-cross-acao-exact', description: 'API 302 → localhost with ACAO page origin (Origin became null)', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, PAGE]] }], expect: 'AllowOriginMismatch' },
  { id: 'redir-cross-to-cross-acao-null', description: 'API 302 → localhost with ACAO null', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, 'null']] }], expect: 'ok' },
  { id: 'redir-cross-to-cross-acao-star', description: 'API 302 → localhost with ACAO *', request: { target: 'api' }, actual: [{ headers: [[ACAO, '*']], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'redir-cross-to-cross-echo-origin', description: 'API 302 → localhost echoing the Origin header (null)', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, '$ORIGIN']] }], expect: 'ok' },
  { id: 'redir-cross-same-host-acao-exact', description: 'API 302 → API (same origin hop) with ACAO exact', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'api' } }, { headers: [[ACAO, PAGE]] }], expect: 'ok' },
  { id: 'redir-3xx-without-cors', description: 'API 302 without ACAO → localhost with ACAO *', request: { target: 'api' }, actual: [{ redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'MissingAllowOriginHeader' },
  { id: 'redir-3xx-acao-mismatch', description: 'API 307 with ACAO another site → API', request: { target: 'api' }, actual: [{ status: 307, headers: [[ACAO, 'http://example.com']], redirect: { to: 'api' } }, { headers: [[ACAO, PAGE]] }], expect: 'AllowOriginMismatch' },
  { id: 'redir-userinfo', description: 'API 302 → http://user:pass@localhost (credentials in the URL)', request: { target: 'api' }, actual: [{ headers: [[ACAO, '*']], redirect: { to: 'alt', userinfo: 'user:pass' } }, { headers: [[ACAO, '*']] }], expect: 'RedirectContainsCredentials' },
  { id: 'redir-same-origin-userinfo', description: 'same-origin URL 302 → http://user:pass@API (credentials in the URL)', request: { target: 'page' }, actual: [{ redirect: { to: 'api', userinfo: 'user:pass' } }, { headers: [[ACAO, '*']] }], expect: 'RedirectContainsCredentials' },
  { id: 'redir-301-ok', description: 'API 301 → localhost, both ACAO *', request: { target: 'api' }, actual: [{ status: 301, headers: [[ACAO, '*']], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'redir-303-post-ok', description: 'POST to API, 303 → localhost (becomes GET), ACAO *', request: { target: 'api', method: 'POST', body: 'x' }, actual: [{ status: 303, headers: [[ACAO, '*']], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'redir-307-post-null-missing', description: 'POST to API, 307 → localhost without ACAO', request: { target: 'api', method: 'POST', body: 'x' }, actual: [{ status: 307, headers: [[ACAO, '*']], redirect: { to: 'alt' } }, {}], expect: 'MissingAllowOriginHeader' },
  { id: 'redir-308-exact-mismatch', description: 'API 308 → localhost, ACAO page (Origin is null)', request: { target: 'api' }, actual: [{ status: 308, headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, PAGE]] }], expect: 'AllowOriginMismatch' },
  { id: 'redir-cred-cross-to-cross-null', description: "credentials:'include', API 302 → localhost with ACAO null and ACAC true", request: { target: 'api', credentials: 'include' }, actual: [{ headers: [[ACAO, PAGE], [ACAC, 'true']], redirect: { to: 'alt' } }, { headers: [[ACAO, 'null'], [ACAC, 'true']] }], expect: 'ok', expectFindings: ['untrusted-origin-allowed'] },
  { id: 'redir-preflighted-307', description: 'PUT, preflight ok, 307 → localhost; second preflight there echoes Origin', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, '$ORIGIN'], [ACAM, 'PUT']] }, actual: [{ status: 307, headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, '$ORIGIN']] }], expect: 'ok' },
  { id: 'redir-preflighted-307-null-mismatch', description: 'PUT, preflight ok, 307 → localhost whose preflight allows the page origin (Origin is null there)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAM, 'PUT']] }, actual: [{ status: 307, headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, '$ORIGIN']] }], expect: 'PreflightAllowOriginMismatch', expectFindings: ['redirected-preflight-origin'], expectFirefoxFindings: [] },
  { id: 'redir-cross-to-page-acao-missing', description: 'API 302 → the page origin itself without ACAO (Origin is null: the page origin is now cross-origin)', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'page' } }, {}], expect: 'MissingAllowOriginHeader' },
  { id: 'redir-cross-to-page-acao-star', description: 'API 302 → the page origin with ACAO *', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'page' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'redir-three-hops-null', description: 'API 302 → localhost 302 → API, every hop ACAO *, last ACAO null', request: { target: 'api' }, actual: [{ headers: [[ACAO, '*']], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']], redirect: { to: 'api' } }, { headers: [[ACAO, 'null']] }], expect: 'ok' },
  { id: 'redir-three-hops-exact', description: 'API 302 → localhost 302 → API, last hop ACAO page origin (Origin stays null)', request: { target: 'api' }, actual: [{ headers: [[ACAO, '*']], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']], redirect: { to: 'api' } }, { headers: [[ACAO, PAGE]] }], expect: 'AllowOriginMismatch' },
  { id: 'redir-cred-3xx-acao-star', description: "credentials:'include', API 302 with ACAO * and ACAC true", request: { target: 'api', credentials: 'include' }, actual: [{ headers: [[ACAO, '*'], [ACAC, 'true']], redirect: { to: 'api' } }, { headers: [[ACAO, PAGE], [ACAC, 'true']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'redir-to-data-url', description: 'API 302 (ACAO *) → a data: URL', request: { target: 'api' }, actual: [{ headers: [[ACAO, '*']], redirect: { to: 'api', location: 'data:text/plain,hello' } }], expect: 'net::ERR_UNSAFE_REDIRECT' },
  { id: 'redir-same-to-cross-needs-preflight-ok', description: 'same-origin URL with X-Custom 307 → API: the cross-origin hop needs a preflight, which allows it', request: { target: 'page', headers: X }, preflight: pfOpen('GET', 'X-Custom'), actual: [{ status: 307, redirect: { to: 'api' } }, { headers: [[ACAO, PAGE]] }], expect: 'ok' },
  { id: 'redir-same-to-cross-needs-preflight-acah-missing', description: 'same-origin URL with X-Custom 307 → API whose preflight lacks ACAH', request: { target: 'page', headers: X }, preflight: pfOpen('GET'), actual: [{ status: 307, redirect: { to: 'api' } }, { headers: [[ACAO, PAGE]] }], expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'redir-same-to-cross-default-cred-acao-star', description: "default credentials ('same-origin'): same-origin hop sends the cookie, 302 → API with ACAO * (no credentials cross-origin)", request: { target: 'page' }, actual: [{ redirect: { to: 'api' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'redir-same-to-cross-default-cred-then-missing', description: "default credentials: same-origin hop (cookie) 302 → API with ACAO * 302 → localhost without ACAO", request: { target: 'page' }, actual: [{ redirect: { to: 'api' } }, { headers: [[ACAO, '*']], redirect: { to: 'alt' } }, {}], expect: 'MissingAllowOriginHeader' },
  { id: 'redir-same-to-cross-include-acao-star', description: "credentials:'include': same-origin 302 → API with ACAO * (credentials do go cross-origin)", request: { target: 'page', credentials: 'include' }, actual: [{ redirect: { to: 'api' } }, { headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'redir-mode-error', description: "redirect:'error', API 302 (not a CORS error)", request: { target: 'api', redirect: 'error' }, actual: [{ headers: [[ACAO, '*']], redirect: { to: 'api' } }, { headers: [[ACAO, '*']] }], expect: 'net::ERR_FAILED' },
  { id: 'redir-mode-manual-acao-missing', description: "redirect:'manual', API 302 without ACAO (the 3xx itself is CORS-checked)", request: { target: 'api', redirect: 'manual' }, actual: [{ redirect: { to: 'alt' } }, {}], expect: 'MissingAllowOriginHeader' },
  { id: 'redir-mode-manual-acao-star', description: "redirect:'manual', API 302 with ACAO * (opaque redirect, allowed)", request: { target: 'api', redirect: 'manual' }, actual: [{ headers: [[ACAO, '*']], redirect: { to: 'alt' } }, {}], expect: 'ok' },
  { id: 'redir-to-closed-port', description: 'API 302 (ACAO *) → a closed port', request: { target: 'api' }, actual: [{ headers: [[ACAO, '*']], redirect: { to: 'closed' } }], expect: 'net::ERR_CONNECTION_REFUSED' },

  // ── no-cors mode ─────────────────────────────────────────────────────────────────────────────────────
  { id: 'nocors-get-acao-missing', description: "mode:'no-cors' GET, no ACAO (opaque, allowed)", request: { target: 'api', mode: 'no-cors' }, actual: [{}], expect: 'ok' },
  { id: 'nocors-post-acao-missing', description: "mode:'no-cors' POST text/plain, no ACAO", request: { target: 'api', mode: 'no-cors', method: 'POST', body: 'x' }, actual: [{}], expect: 'ok' },
  { id: 'nocors-custom-header-dropped', description: "mode:'no-cors' GET with X-Custom (dropped, no preflight)", request: { target: 'api', mode: 'no-cors', headers: X }, actual: [{}], expect: 'ok' },
  { id: 'nocors-cred-acao-star', description: "mode:'no-cors' credentials:'include', ACAO *", request: { target: 'api', mode: 'no-cors', credentials: 'include' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'nocors-redirect-cross', description: "mode:'no-cors' API 302 → localhost, no CORS headers anywhere", request: { target: 'api', mode: 'no-cors' }, actual: [{ redirect: { to: 'alt' } }, {}], expect: 'ok' },
  { id: 'nocors-json-content-type', description: "mode:'no-cors' POST with Content-Type application/json (dropped, no preflight)", request: { target: 'api', mode: 'no-cors', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }, actual: [{}], expect: 'ok' },
  { id: 'nocors-500', description: "mode:'no-cors' GET answered 500", request: { target: 'alt', mode: 'no-cors' }, actual: [{ status: 500 }], expect: 'ok' },

  // ── Same-origin requests and mode:'same-origin' ────────────────────────────────────────────────────────
  { id: 'same-get', description: 'same-origin GET, no CORS headers', request: { target: 'page' }, actual: [{}], expect: 'ok' },
  { id: 'same-put-custom-header', description: 'same-origin PUT with X-Custom and JSON (no preflight)', request: { target: 'page', method: 'PUT', headers: { 'X-Custom': '1', 'Content-Type': 'application/json' }, body: '{}' }, actual: [{}], expect: 'ok' },
  { id: 'same-cred-include', description: "same-origin credentials:'include', no CORS headers", request: { target: 'page', credentials: 'include' }, actual: [{}], expect: 'ok' },
  { id: 'same-404', description: 'same-origin GET answered 404', request: { target: 'page' }, actual: [{ status: 404 }], expect: 'ok' },
  { id: 'same-acao-mismatch-ignored', description: 'same-origin GET with a wrong ACAO (ignored)', request: { target: 'page' }, actual: [{ headers: [[ACAO, 'http://example.com']] }], expect: 'ok' },
  { id: 'mode-same-origin-cross', description: "mode:'same-origin' to the API origin", request: { target: 'api', mode: 'same-origin' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'rejected' },
  { id: 'mode-same-origin-same', description: "mode:'same-origin' to the page origin", request: { target: 'page', mode: 'same-origin' }, actual: [{}], expect: 'ok' },
  { id: 'mode-same-origin-redirect-cross', description: "mode:'same-origin', same-origin URL 302 → API", request: { target: 'page', mode: 'same-origin' }, actual: [{ redirect: { to: 'api' } }, { headers: [[ACAO, '*']] }], expect: 'net::ERR_ABORTED', expectFindings: ['request-cancelled'], expectFirefoxFindings: [] },

  // ── XMLHttpRequest ───────────────────────────────────────────────────────────────────────────────────
  { id: 'xhr-simple-acao-missing', description: 'XHR GET, no ACAO', request: { target: 'api', api: 'xhr' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'xhr-upload-listener-forced-preflight-ok', description: 'XHR POST text/plain with an upload listener (forces a preflight), preflight ok', request: { target: 'api', api: 'xhr', method: 'POST', body: 'x', xhrUploadListener: true }, preflight: { status: 204, headers: [[ACAO, PAGE]] }, actual: okExact, expect: 'ok' },
  { id: 'xhr-upload-listener-preflight-404', description: 'XHR POST text/plain with an upload listener, preflight 404', request: { target: 'api', api: 'xhr', method: 'POST', body: 'x', xhrUploadListener: true }, preflight: { status: 404 }, actual: okExact, expect: 'PreflightMissingAllowOriginHeader', expectFindings: ['options-route-missing'] },
  { id: 'xhr-with-credentials-acao-star', description: 'XHR withCredentials, ACAO *', request: { target: 'api', api: 'xhr', credentials: 'include' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },

  { id: 'xhr-async-acao-exact', description: 'XHR GET, ACAO exact', request: { target: 'api', api: 'xhr' }, actual: okExact, expect: 'ok' },
  { id: 'xhr-sync-acao-missing', description: 'synchronous XHR GET, no ACAO', request: { target: 'api', api: 'xhr-sync' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'xhr-sync-acao-exact', description: 'synchronous XHR GET, ACAO exact', request: { target: 'api', api: 'xhr-sync' }, actual: okExact, expect: 'ok' },
  { id: 'xhr-sync-put-preflight-ok', description: 'synchronous XHR PUT, preflight allows PUT', request: { target: 'api', api: 'xhr-sync', method: 'PUT', body: 'x' }, preflight: pfOpen('PUT'), actual: okExact, expect: 'ok' },
  { id: 'xhr-sync-put-acam-missing', description: 'synchronous XHR PUT, preflight without ACAM', request: { target: 'api', api: 'xhr-sync', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE]] }, actual: okExact, expect: 'MethodDisallowedByPreflightResponse' },
  { id: 'xhr-cred-acac-true', description: 'XHR withCredentials with a cookie, ACAO exact and ACAC true', request: { target: 'api', api: 'xhr', credentials: 'include' }, actual: okCred, expect: 'ok' },
  { id: 'xhr-cred-acac-missing', description: 'XHR withCredentials with a cookie, ACAO exact, no ACAC', request: { target: 'api', api: 'xhr', credentials: 'include' }, actual: okExact, expect: 'InvalidAllowCredentials' },
  { id: 'xhr-custom-header-ok', description: 'XHR GET with X-Custom, preflight allows it', request: { target: 'api', api: 'xhr', headers: X }, preflight: pfOpen('GET', 'X-Custom'), actual: okExact, expect: 'ok' },
  { id: 'xhr-custom-header-acah-missing', description: 'XHR GET with X-Custom, preflight without ACAH', request: { target: 'api', api: 'xhr', headers: X }, preflight: pfOpen('GET'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'xhr-upload-listener-actual-acao-missing', description: 'XHR POST with an upload listener, preflight ok, actual without ACAO', request: { target: 'api', api: 'xhr', method: 'POST', body: 'x', xhrUploadListener: true }, preflight: pfOpen('POST'), actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'xhr-redirect-alt-ok', description: 'XHR GET, API 302 → localhost, each hop allows its Origin (page, then null)', request: { target: 'api', api: 'xhr' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'xhr-redirect-alt-acao-missing', description: 'XHR GET, API 302 → localhost, the second hop has no ACAO', request: { target: 'api', api: 'xhr' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, {}], expect: 'MissingAllowOriginHeader' },
  { id: 'xhr-preflight-304', description: 'XHR PUT, preflight answered 304 with CORS headers (not a redirect)', request: { target: 'api', api: 'xhr', method: 'PUT', body: 'x' }, preflight: { ...pfOpen('PUT'), status: 304 }, actual: okExact, expect: 'PreflightInvalidStatus' },
  { id: 'pf-status-304', description: 'PUT, preflight answered 304 with CORS headers (not a redirect)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { ...pfOpen('PUT'), status: 304 }, actual: okExact, expect: 'PreflightInvalidStatus' },
  { id: 'pf-status-304-no-cors-headers', description: 'PUT, preflight answered a bare 304', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 304 }, actual: okExact, expect: 'PreflightMissingAllowOriginHeader' },
  { id: 'pf-status-302-no-location', description: 'PUT, preflight answered 302 without Location (not a redirect)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { ...pfOpen('PUT'), status: 302 }, actual: okExact, expect: 'PreflightInvalidStatus' },

  // ── <img>, <audio>, <video> ──────────────────────────────────────────────────────────────────────────
  { id: 'img-nocors-acao-missing', description: '<img> without crossorigin (no-cors), no ACAO', request: { target: 'api', api: 'img' }, actual: [{}], expect: 'ok' },
  { id: 'img-nocors-redirect-alt', description: '<img> without crossorigin, API 302 → localhost, no CORS headers', request: { target: 'api', api: 'img' }, actual: [{ redirect: { to: 'alt' } }, {}], expect: 'ok' },
  { id: 'img-anon-acao-missing', description: '<img crossorigin=anonymous>, no ACAO', request: { target: 'api', api: 'img', crossorigin: 'anonymous' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'img-anon-acao-star', description: '<img crossorigin=anonymous>, ACAO *', request: { target: 'api', api: 'img', crossorigin: 'anonymous' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'img-anon-acao-mismatch', description: '<img crossorigin=anonymous>, ACAO another site', request: { target: 'alt', api: 'img', crossorigin: 'anonymous' }, actual: [{ headers: [[ACAO, 'http://example.com']] }], expect: 'AllowOriginMismatch' },
  { id: 'img-cred-acao-star', description: '<img crossorigin=use-credentials>, ACAO *', request: { target: 'api', api: 'img', crossorigin: 'use-credentials' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'img-cred-acac-true', description: '<img crossorigin=use-credentials>, ACAO exact and ACAC true', request: { target: 'api', api: 'img', crossorigin: 'use-credentials' }, actual: okCred, expect: 'ok' },
  { id: 'img-cred-acac-missing', description: '<img crossorigin=use-credentials>, ACAO exact, no ACAC', request: { target: 'api', api: 'img', crossorigin: 'use-credentials' }, actual: okExact, expect: 'InvalidAllowCredentials' },
  { id: 'img-anon-redirect-alt-ok', description: '<img crossorigin=anonymous>, API 302 → localhost, hops allow page then *', request: { target: 'api', api: 'img', crossorigin: 'anonymous' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'img-anon-redirect-acao-missing', description: '<img crossorigin=anonymous>, API 302 without ACAO → localhost', request: { target: 'api', api: 'img', crossorigin: 'anonymous' }, actual: [{ redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'MissingAllowOriginHeader' },
  { id: 'img-anon-same-origin', description: '<img crossorigin=anonymous> from the page origin, no CORS headers', request: { target: 'page', api: 'img', crossorigin: 'anonymous' }, actual: [{}], expect: 'ok' },
  { id: 'audio-nocors-acao-missing', description: '<audio> without crossorigin (no-cors, Range: bytes=0-), no ACAO', request: { target: 'api', api: 'audio' }, actual: [{}], expect: 'ok' },
  { id: 'audio-anon-acao-missing', description: '<audio crossorigin=anonymous>, no ACAO', request: { target: 'api', api: 'audio', crossorigin: 'anonymous' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'audio-anon-acao-star', description: '<audio crossorigin=anonymous>, ACAO *', request: { target: 'alt', api: 'audio', crossorigin: 'anonymous' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'audio-cred-acao-star', description: '<audio crossorigin=use-credentials>, ACAO *', request: { target: 'api', api: 'audio', crossorigin: 'use-credentials' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'audio-anon-redirect-alt-ok', description: '<audio crossorigin=anonymous>, API 302 → localhost, hops allow page then *', request: { target: 'api', api: 'audio', crossorigin: 'anonymous' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'video-nocors-acao-missing', description: '<video> without crossorigin, no ACAO', request: { target: 'api', api: 'video' }, actual: [{}], expect: 'ok' },
  { id: 'video-anon-acao-missing', description: '<video crossorigin=anonymous>, no ACAO', request: { target: 'api', api: 'video', crossorigin: 'anonymous' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'video-cred-acac-true', description: '<video crossorigin=use-credentials>, ACAO exact and ACAC true', request: { target: 'api', api: 'video', crossorigin: 'use-credentials' }, actual: okCred, expect: 'ok' },
  { id: 'video-cred-acac-missing', description: '<video crossorigin=use-credentials>, ACAO exact, no ACAC', request: { target: 'api', api: 'video', crossorigin: 'use-credentials' }, actual: okExact, expect: 'InvalidAllowCredentials' },

  // ── <script>, module scripts, stylesheets ──────────────────────────────────────────────────────────────
  { id: 'script-nocors-acao-missing', description: '<script> without crossorigin (no-cors), no ACAO', request: { target: 'api', api: 'script' }, actual: [{}], expect: 'ok' },
  { id: 'script-anon-acao-missing', description: '<script crossorigin=anonymous>, no ACAO', request: { target: 'api', api: 'script', crossorigin: 'anonymous' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'script-anon-acao-exact', description: '<script crossorigin=anonymous>, ACAO exact', request: { target: 'api', api: 'script', crossorigin: 'anonymous' }, actual: okExact, expect: 'ok' },
  { id: 'script-cred-acao-star', description: '<script crossorigin=use-credentials>, ACAO *', request: { target: 'api', api: 'script', crossorigin: 'use-credentials' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'script-cred-acac-true', description: '<script crossorigin=use-credentials>, ACAO exact and ACAC true', request: { target: 'api', api: 'script', crossorigin: 'use-credentials' }, actual: okCred, expect: 'ok' },
  { id: 'module-script-acao-missing', description: '<script type=module> (always CORS), no ACAO', request: { target: 'api', api: 'module-script' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'module-script-acao-star', description: '<script type=module>, ACAO *', request: { target: 'alt', api: 'module-script' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'module-script-cred-acao-star', description: '<script type=module crossorigin=use-credentials>, ACAO *', request: { target: 'api', api: 'module-script', crossorigin: 'use-credentials' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'module-script-same-origin', description: '<script type=module> from the page origin, no CORS headers', request: { target: 'page', api: 'module-script' }, actual: [{}], expect: 'ok' },
  { id: 'module-script-redirect-alt-acao-missing', description: '<script type=module>, API 302 → localhost without ACAO', request: { target: 'api', api: 'module-script' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, {}], expect: 'MissingAllowOriginHeader' },
  { id: 'dynamic-import-acao-missing', description: 'import() from the page, no ACAO', request: { target: 'api', api: 'dynamic-import' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'dynamic-import-acao-exact', description: 'import() from the page, ACAO exact', request: { target: 'api', api: 'dynamic-import' }, actual: okExact, expect: 'ok' },
  { id: 'dynamic-import-redirect-alt-ok', description: 'import(), API 302 → localhost, hops allow page then *', request: { target: 'api', api: 'dynamic-import' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'modulepreload-acao-missing', description: '<link rel=modulepreload>, no ACAO', request: { target: 'api', api: 'modulepreload' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'modulepreload-acao-exact', description: '<link rel=modulepreload>, ACAO exact', request: { target: 'api', api: 'modulepreload' }, actual: okExact, expect: 'ok' },
  { id: 'modulepreload-cred-acac-missing', description: '<link rel=modulepreload crossorigin=use-credentials>, ACAO exact, no ACAC', request: { target: 'api', api: 'modulepreload', crossorigin: 'use-credentials' }, actual: okExact, expect: 'InvalidAllowCredentials' },
  { id: 'stylesheet-nocors-acao-missing', description: '<link rel=stylesheet> without crossorigin, no ACAO', request: { target: 'api', api: 'stylesheet' }, actual: [{}], expect: 'ok' },
  { id: 'stylesheet-anon-acao-missing', description: '<link rel=stylesheet crossorigin=anonymous>, no ACAO', request: { target: 'api', api: 'stylesheet', crossorigin: 'anonymous' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'stylesheet-anon-acao-exact', description: '<link rel=stylesheet crossorigin=anonymous>, ACAO exact', request: { target: 'alt', api: 'stylesheet', crossorigin: 'anonymous' }, actual: okExact, expect: 'ok' },
  { id: 'stylesheet-cred-acao-star', description: '<link rel=stylesheet crossorigin=use-credentials>, ACAO *', request: { target: 'api', api: 'stylesheet', crossorigin: 'use-credentials' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },

  // ── Fonts ──────────────────────────────────────────────────────────────────────────────────────────────
  { id: 'font-face-acao-missing', description: '@font-face from a font host without ACAO', request: { target: 'alt', api: 'font-face' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'font-face-acao-star', description: '@font-face, ACAO *', request: { target: 'alt', api: 'font-face' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'font-face-acao-mismatch', description: '@font-face, ACAO names another site', request: { target: 'api', api: 'font-face' }, actual: [{ headers: [[ACAO, 'http://example.com']] }], expect: 'AllowOriginMismatch' },
  { id: 'font-face-redirect-alt-ok', description: '@font-face, API 302 → localhost, hops allow page then *', request: { target: 'api', api: 'font-face' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'font-face-same-origin', description: '@font-face from the page origin, no CORS headers', request: { target: 'page', api: 'font-face' }, actual: [{}], expect: 'ok' },
  { id: 'font-api-acao-missing', description: 'FontFace API load(), no ACAO', request: { target: 'api', api: 'font-api' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'font-api-acao-exact', description: 'FontFace API load(), ACAO exact', request: { target: 'api', api: 'font-api' }, actual: okExact, expect: 'ok' },

  // ── <link rel=preload> of each `as` ───────────────────────────────────────────────────────────────────
  { id: 'preload-fetch-anon-acao-missing', description: '<link rel=preload as=fetch crossorigin>, no ACAO', request: { target: 'api', api: 'preload', preloadAs: 'fetch', crossorigin: 'anonymous' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'preload-fetch-anon-acao-exact', description: '<link rel=preload as=fetch crossorigin>, ACAO exact', request: { target: 'api', api: 'preload', preloadAs: 'fetch', crossorigin: 'anonymous' }, actual: okExact, expect: 'ok' },
  { id: 'preload-fetch-noattr-acao-missing', description: '<link rel=preload as=fetch> without crossorigin (Chromium sends it no-cors, with cookies), no ACAO', request: { target: 'api', api: 'preload', preloadAs: 'fetch' }, actual: [{}], expect: 'ok' },
  { id: 'preload-font-acao-missing', description: '<link rel=preload as=font crossorigin>, no ACAO', request: { target: 'alt', api: 'preload', preloadAs: 'font', crossorigin: 'anonymous' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'preload-font-acao-star', description: '<link rel=preload as=font crossorigin>, ACAO *', request: { target: 'alt', api: 'preload', preloadAs: 'font', crossorigin: 'anonymous' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'preload-image-nocors-acao-missing', description: '<link rel=preload as=image> without crossorigin, no ACAO', request: { target: 'api', api: 'preload', preloadAs: 'image' }, actual: [{}], expect: 'ok' },
  { id: 'preload-image-anon-acao-missing', description: '<link rel=preload as=image crossorigin>, no ACAO', request: { target: 'api', api: 'preload', preloadAs: 'image', crossorigin: 'anonymous' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'preload-script-nocors-acao-missing', description: '<link rel=preload as=script> without crossorigin, no ACAO', request: { target: 'api', api: 'preload', preloadAs: 'script' }, actual: [{}], expect: 'ok' },
  { id: 'preload-script-anon-acao-missing', description: '<link rel=preload as=script crossorigin>, no ACAO', request: { target: 'api', api: 'preload', preloadAs: 'script', crossorigin: 'anonymous' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'preload-style-anon-acao-exact', description: '<link rel=preload as=style crossorigin>, ACAO exact', request: { target: 'api', api: 'preload', preloadAs: 'style', crossorigin: 'anonymous' }, actual: okExact, expect: 'ok' },
  { id: 'preload-style-cred-acao-star', description: '<link rel=preload as=style crossorigin=use-credentials>, ACAO *', request: { target: 'api', api: 'preload', preloadAs: 'style', crossorigin: 'use-credentials' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'preload-track-anon-acao-missing', description: '<link rel=preload as=track crossorigin>, no ACAO', request: { target: 'api', api: 'preload', preloadAs: 'track', crossorigin: 'anonymous' }, actual: [{}], expect: 'MissingAllowOriginHeader' },

  // ── EventSource ───────────────────────────────────────────────────────────────────────────────────────
  { id: 'es-acao-missing', description: 'EventSource, no ACAO', request: { target: 'api', api: 'eventsource' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'es-acao-exact', description: 'EventSource, ACAO exact', request: { target: 'api', api: 'eventsource' }, actual: okExact, expect: 'ok' },
  { id: 'es-acao-star', description: 'EventSource, ACAO *', request: { target: 'alt', api: 'eventsource' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'es-cred-acao-star', description: 'EventSource withCredentials, ACAO *', request: { target: 'api', api: 'eventsource', credentials: 'include' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed' },
  { id: 'es-cred-acac-true', description: 'EventSource withCredentials, ACAO exact and ACAC true', request: { target: 'api', api: 'eventsource', credentials: 'include' }, actual: okCred, expect: 'ok' },
  { id: 'es-redirect-alt-ok', description: 'EventSource, API 302 → localhost, hops allow page then *', request: { target: 'api', api: 'eventsource' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'es-redirect-alt-acao-missing', description: 'EventSource, API 302 → localhost without ACAO', request: { target: 'api', api: 'eventsource' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, {}], expect: 'MissingAllowOriginHeader' },
  { id: 'es-close-live', description: 'EventSource, ACAO exact, the page calls close() on the live stream after the first message', request: { target: 'api', api: 'eventsource', eventSource: 'close-live' }, actual: [{ headers: [[ACAO, PAGE]], keepOpen: true }], expect: 'ok' },
  { id: 'es-reconnect-ok', description: 'EventSource, ACAO exact, the stream ends and the browser reconnects with Last-Event-ID', request: { target: 'api', api: 'eventsource', eventSource: 'reconnect' }, actual: okExact, expect: 'ok' },
  { id: 'es-reconnect-acao-missing', description: 'EventSource, first connection allowed, the reconnection (Last-Event-ID) answered without ACAO', request: { target: 'api', api: 'eventsource', eventSource: 'reconnect' }, actual: okExact, reconnect: {}, expect: 'MissingAllowOriginHeader' },

  // ── fetch keepalive, sendBeacon ────────────────────────────────────────────────────────────────────────
  { id: 'keepalive-acao-missing', description: 'fetch keepalive GET, no ACAO', request: { target: 'api', keepalive: true }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'keepalive-post-acao-exact', description: 'fetch keepalive POST text/plain, ACAO exact', request: { target: 'api', keepalive: true, method: 'POST', body: 'x' }, actual: okExact, expect: 'ok' },
  { id: 'keepalive-put-preflight-ok', description: 'fetch keepalive PUT, preflight allows PUT', request: { target: 'api', keepalive: true, method: 'PUT', body: 'x' }, preflight: pfOpen('PUT'), actual: okExact, expect: 'ok' },
  { id: 'keepalive-json-preflight-404', description: 'fetch keepalive POST application/json, preflight 404', request: { target: 'api', keepalive: true, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }, preflight: { ...pfOpen('POST', 'content-type'), status: 404 }, actual: okExact, expect: 'PreflightInvalidStatus', expectFindings: ['options-route-missing'] },
  { id: 'beacon-text-acao-missing', browsers: CHROMIUM_ONLY, description: 'sendBeacon with a string (text/plain: no-cors), no ACAO', request: { target: 'api', api: 'beacon', body: 'x' }, actual: [{}], expect: 'ok' },
  { id: 'beacon-json-preflight-ok', browsers: CHROMIUM_ONLY, description: 'sendBeacon with an application/json Blob (CORS, credentials included), preflight and response allow credentials', request: { target: 'api', api: 'beacon', headers: { 'Content-Type': 'application/json' }, body: '{}' }, preflight: pfCred('POST', 'content-type'), actual: okCred, expect: 'ok' },
  { id: 'beacon-json-preflight-acao-missing', browsers: CHROMIUM_ONLY, description: 'sendBeacon with an application/json Blob, preflight without ACAO', request: { target: 'api', api: 'beacon', headers: { 'Content-Type': 'application/json' }, body: '{}' }, preflight: { status: 204, headers: [[ACAM, 'POST'], [ACAH, 'content-type']] }, actual: okCred, expect: 'PreflightMissingAllowOriginHeader' },
  { id: 'beacon-json-acac-missing', browsers: CHROMIUM_ONLY, description: 'sendBeacon with an application/json Blob, preflight ok, response without ACAC', request: { target: 'api', api: 'beacon', headers: { 'Content-Type': 'application/json' }, body: '{}' }, preflight: pfCred('POST', 'content-type'), actual: okExact, expect: 'InvalidAllowCredentials' },

  // ── Dedicated and module workers ───────────────────────────────────────────────────────────────────────
  { id: 'worker-fetch-acao-exact', description: 'fetch() in a dedicated worker, ACAO exact', request: { target: 'api', api: 'worker-fetch' }, actual: okExact, expect: 'ok' },
  { id: 'worker-fetch-acao-missing', description: 'fetch() in a dedicated worker, no ACAO', request: { target: 'api', api: 'worker-fetch' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'worker-fetch-acao-mismatch', description: 'fetch() in a dedicated worker, ACAO another site', request: { target: 'alt', api: 'worker-fetch' }, actual: [{ headers: [[ACAO, 'http://example.com']] }], expect: 'AllowOriginMismatch' },
  { id: 'worker-fetch-cred-acac-missing', description: "fetch() in a dedicated worker, credentials:'include', ACAO exact, no ACAC", request: { target: 'api', api: 'worker-fetch', credentials: 'include' }, actual: okExact, expect: 'InvalidAllowCredentials' },
  { id: 'worker-fetch-put-preflight-ok', description: 'PUT from a dedicated worker, preflight allows PUT', request: { target: 'api', api: 'worker-fetch', method: 'PUT', body: 'x' }, preflight: pfOpen('PUT'), actual: okExact, expect: 'ok' },
  { id: 'worker-fetch-put-acam-missing', description: 'PUT from a dedicated worker, preflight without ACAM', request: { target: 'api', api: 'worker-fetch', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE]] }, actual: okExact, expect: 'MethodDisallowedByPreflightResponse' },
  { id: 'worker-fetch-custom-header-acah-missing', description: 'GET with X-Custom from a dedicated worker, preflight without ACAH', request: { target: 'api', api: 'worker-fetch', headers: X }, preflight: pfOpen('GET'), actual: okExact, expect: 'HeaderDisallowedByPreflightResponse' },
  { id: 'worker-fetch-put-actual-acao-missing', description: 'PUT from a dedicated worker, preflight ok, actual without ACAO', request: { target: 'api', api: 'worker-fetch', method: 'PUT', body: 'x' }, preflight: pfOpen('PUT'), actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'worker-fetch-redirect-alt-ok', description: 'fetch() in a dedicated worker, API 302 → localhost, hops allow page then *', request: { target: 'api', api: 'worker-fetch' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, { headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'worker-fetch-redirect-alt-acao-missing', description: 'fetch() in a dedicated worker, API 302 → localhost without ACAO', request: { target: 'api', api: 'worker-fetch' }, actual: [{ headers: [[ACAO, PAGE]], redirect: { to: 'alt' } }, {}], expect: 'MissingAllowOriginHeader' },
  { id: 'worker-import-scripts-acao-missing', description: 'importScripts() in a dedicated worker (no-cors), no ACAO', request: { target: 'api', api: 'worker-import-scripts' }, actual: [{}], expect: 'ok' },
  { id: 'worker-dynamic-import-acao-missing', description: 'import() in a dedicated worker, no ACAO', request: { target: 'api', api: 'worker-dynamic-import' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'worker-dynamic-import-acao-exact', description: 'import() in a dedicated worker, ACAO exact', request: { target: 'api', api: 'worker-dynamic-import' }, actual: okExact, expect: 'ok' },
  { id: 'module-worker-fetch-acao-exact', description: 'fetch() in a module worker, ACAO exact', request: { target: 'api', api: 'module-worker-fetch' }, actual: okExact, expect: 'ok' },
  { id: 'module-worker-fetch-acao-missing', description: 'fetch() in a module worker, no ACAO', request: { target: 'alt', api: 'module-worker-fetch' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'module-worker-fetch-put-acam-missing', description: 'PUT from a module worker, preflight without ACAM', request: { target: 'api', api: 'module-worker-fetch', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE]] }, actual: okExact, expect: 'MethodDisallowedByPreflightResponse' },
  { id: 'module-worker-import-acao-missing', description: 'import() in a module worker, no ACAO', request: { target: 'api', api: 'module-worker-dynamic-import' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'module-worker-import-acao-star', description: 'import() in a module worker, ACAO *', request: { target: 'alt', api: 'module-worker-dynamic-import' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },

  // ── Local Network Access (Chromium 142+): a public page calling a loopback or private address ──────────────
  // Chromium treats the `public` runner's port as a public address and `lan` as a private one
  // (--ip-address-space-overrides); the page's own origin is loopback, so it needs no permission.
  { id: 'lna-public-to-loopback-denied', browsers: CHROMIUM_ONLY, description: 'public site (iframe, no permission) GET to a loopback API that allows it by CORS', request: { target: 'api', from: 'public' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'LocalNetworkAccessPermissionDenied' },
  { id: 'lna-public-to-private-denied', browsers: CHROMIUM_ONLY, description: 'public site (iframe, no permission) GET to a private-network API, ACAO *', request: { target: 'lan', from: 'public' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'LocalNetworkAccessPermissionDenied' },
  { id: 'lna-public-pna-headers-denied', browsers: CHROMIUM_ONLY, description: 'public site PUT to loopback; the server still answers the old Private Network Access preflight (ACAPN true): no header helps', request: { target: 'api', from: 'public', method: 'PUT', body: 'x' }, preflight: { status: 204, headers: [[ACAO, '*'], [ACAM, 'PUT'], ['Access-Control-Allow-Private-Network', 'true'], ['Access-Control-Allow-Local-Network', 'true']] }, actual: [{ headers: [[ACAO, '*'], ['Access-Control-Allow-Private-Network', 'true']] }], expect: 'LocalNetworkAccessPermissionDenied', expectFindings: ['local-network-access-denied'] },
  { id: 'lna-public-target-address-space-denied', browsers: CHROMIUM_ONLY, description: "public site fetch(…, {targetAddressSpace: 'loopback'}) without the permission", request: { target: 'api', from: 'public', targetAddressSpace: 'loopback' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'LocalNetworkAccessPermissionDenied' },
  { id: 'lna-public-to-loopback-granted', browsers: CHROMIUM_ONLY, description: 'public site with the permission (granted, delegated to the iframe) GET to loopback, ACAO *', request: { target: 'api', from: 'public-allowed' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'lna-public-to-private-granted', browsers: CHROMIUM_ONLY, description: 'public site with the permission GET to a private-network API, ACAO *', request: { target: 'lan', from: 'public-allowed' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },
  { id: 'lna-public-granted-acao-missing', browsers: CHROMIUM_ONLY, description: 'public site with the permission GET to loopback without ACAO: CORS still applies', request: { target: 'api', from: 'public-allowed' }, actual: [{}], expect: 'MissingAllowOriginHeader' },
  { id: 'lna-loopback-page-to-private', browsers: CHROMIUM_ONLY, description: 'the loopback page GET to the private-network API (a less private target: no permission needed), ACAO *', request: { target: 'lan' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok' },

  // ── Non-CORS failures, for contrast ────────────────────────────────────────────────────────────────────
  { id: 'net-closed-port-get', description: 'GET to a closed port', request: { target: 'closed' }, expect: 'net::ERR_CONNECTION_REFUSED' },
  { id: 'net-closed-port-put', description: 'PUT to a closed port (the preflight cannot connect)', request: { target: 'closed', method: 'PUT', body: 'x' }, expect: 'net::ERR_CONNECTION_REFUSED' },
  { id: 'net-closed-port-nocors', description: "mode:'no-cors' GET to a closed port", request: { target: 'closed', mode: 'no-cors' }, expect: 'net::ERR_CONNECTION_REFUSED' },
  { id: 'net-aborted-by-page', description: 'the page aborts the fetch after 200 ms; the API answers after 1 s', request: { target: 'api', abortAfterMs: 200 }, actual: [{ headers: [[ACAO, '*']], delayMs: 1000 }], expect: 'net::ERR_ABORTED', expectFindings: ['request-cancelled'], expectFirefoxFindings: [] },
  { id: 'net-empty-response', description: 'API closes the socket without answering', request: { target: 'api' }, actual: [{ destroy: true }], expect: 'net::ERR_EMPTY_RESPONSE' },
  { id: 'net-empty-response-preflight', description: 'PUT, the preflight connection is closed without an answer', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { destroy: true }, actual: okExact, expect: 'net::ERR_EMPTY_RESPONSE' },
  // ── Beyond the verdict: risky CORS that works, cost, and failures that only look like CORS ────────────
  // The audit origin ($AUDIT) hosts the security-audit cases (servers that echo any Origin).
  { id: 'audit-reflect-cred-three-origins', description: "credentials:'include', one URL fetched from the page, an API-origin iframe and a localhost iframe; each Origin echoed with ACAC true", request: { target: 'audit', credentials: 'include', alsoFrom: ['api', 'alt'] }, actual: [{ headers: [[ACAO, '$ORIGIN'], [ACAC, 'true']] }], expect: 'ok', expectFindings: ['reflected-origin-with-credentials', 'missing-vary-origin'] },
  { id: 'audit-reflect-cred-two-origins', description: "credentials:'include', one URL fetched from the page and an API-origin iframe (same site); each Origin echoed with ACAC true (low confidence)", request: { target: 'audit', credentials: 'include', alsoFrom: ['api'] }, actual: [{ headers: [[ACAO, '$ORIGIN'], [ACAC, 'true']] }], expect: 'ok', expectFindings: ['reflected-origin-with-credentials', 'missing-vary-origin'] },
  { id: 'audit-allow-list-cred-one-origin', description: "credentials:'include' from the page only, ACAO echoes Origin with ACAC true: indistinguishable from an allow-list (clean)", request: { target: 'audit', credentials: 'include' }, actual: [{ headers: [[ACAO, '$ORIGIN'], [ACAC, 'true'], ['Vary', 'Origin']] }], expect: 'ok' },
  { id: 'audit-star-set-cookie', description: 'simple GET, ACAO * on a response that sets a cookie', request: { target: 'alt' }, actual: [{ headers: [[ACAO, '*'], ['Set-Cookie', 'audit_session=1; Path=/s/audit-star-set-cookie']] }], expect: 'ok', expectFindings: ['wildcard-origin-on-private-response'] },
  { id: 'audit-star-private-cache', description: 'simple GET, ACAO * on a Cache-Control: private response', request: { target: 'alt' }, actual: [{ headers: [[ACAO, '*'], ['Cache-Control', 'private, max-age=60']] }], expect: 'ok', expectFindings: ['wildcard-origin-on-private-response'] },
  { id: 'audit-star-authorization', description: 'GET with Authorization, preflight allows it, actual ACAO *', request: { target: 'alt', headers: { Authorization: 'Bearer t' } }, preflight: { status: 204, headers: [[ACAO, '*'], [ACAH, 'Authorization']] }, actual: [{ headers: [[ACAO, '*']] }], expect: 'ok', expectFindings: ['wildcard-origin-on-private-response'] },
  { id: 'audit-vary-missing-two-origins', description: 'the same URL fetched from the page and from the API-origin iframe, each Origin echoed, no Vary: Origin', request: { target: 'audit', alsoFrom: ['api'] }, actual: [{ headers: [[ACAO, '$ORIGIN']] }], expect: 'ok', expectFindings: ['missing-vary-origin'] },
  { id: 'audit-vary-present-two-origins', description: 'the same URL fetched from the page and from the API-origin iframe, each Origin echoed, with Vary: Origin (clean)', request: { target: 'audit', alsoFrom: ['api'] }, actual: [{ headers: [[ACAO, '$ORIGIN'], ['Vary', 'Origin']] }], expect: 'ok' },
  { id: 'audit-vary-missing-cacheable', description: 'simple GET, ACAO page origin on a publicly cacheable response without Vary: Origin', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE], ['Cache-Control', 'public, max-age=600']] }], expect: 'ok', expectFindings: ['missing-vary-origin'] },
  { id: 'audit-vary-cacheable-clean', description: 'simple GET, ACAO page origin, cacheable, with Vary: Origin (clean)', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE], ['Cache-Control', 'public, max-age=600'], ['Vary', 'Origin']] }], expect: 'ok' },
  { id: 'audit-broad-allow-lists', description: 'PUT with X-A, preflight lists 7 methods and 7 headers the capture never uses', request: { target: 'audit', method: 'PUT', headers: { 'X-A': '1' }, body: 'x' }, preflight: pfOpen('GET, POST, PUT, PATCH, DELETE, PROPFIND, MERGE', 'X-A, X-B, X-C, X-D, X-E, X-F, X-G'), actual: okExact, expect: 'ok', expectFindings: ['overly-broad-allow-list'] },
  { id: 'audit-unexposed-headers', description: 'simple GET, ACAO exact, X-Total-Count and Link not in Access-Control-Expose-Headers', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE], ['X-Total-Count', '42'], ['Link', '</s/next>; rel="next"']] }], expect: 'ok', expectFindings: ['unexposed-response-header'] },
  { id: 'audit-exposed-headers-clean', description: 'simple GET, ACAO exact, X-Total-Count listed in Access-Control-Expose-Headers (clean)', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE], ['X-Total-Count', '42'], ['Access-Control-Expose-Headers', 'X-Total-Count']] }], expect: 'ok' },
  { id: 'cls-preflight-401-challenge', description: 'PUT, preflight 401 with WWW-Authenticate and no CORS headers (auth before CORS)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 401, headers: [['WWW-Authenticate', 'Bearer realm="api"']] }, actual: okExact, expect: 'PreflightMissingAllowOriginHeader', expectFindings: ['preflight-blocked-by-auth'] },
  { id: 'cls-preflight-403', description: 'PUT, preflight 403 with CORS headers (authorization before CORS)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { ...pfOpen('PUT'), status: 403 }, actual: okExact, expect: 'PreflightInvalidStatus', expectFindings: ['preflight-blocked-by-auth'] },
  { id: 'cls-preflight-500', description: 'PUT, preflight 500 without CORS headers (the server failed on OPTIONS)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 500 }, actual: okExact, expect: 'PreflightMissingAllowOriginHeader', expectFindings: ['error-response-without-cors'] },
  { id: 'cls-actual-502-acao-missing', description: 'PUT, preflight fine, actual answered 502 without ACAO (proxy error page)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: pfOpen('PUT'), actual: [{ status: 502 }], expect: 'MissingAllowOriginHeader', expectFindings: ['error-response-without-cors'] },
  { id: 'cls-pf-redirect-trailing-slash', description: 'PUT, preflight 301 to the same URL with a trailing slash', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { ...pfOpen('PUT'), status: 301, redirect: { to: 'api', location: '$SELF/' } }, actual: okExact, expect: 'PreflightDisallowedRedirect', expectFindings: ['preflight-redirect-cause'] },
  { id: 'cls-pf-redirect-https', description: 'PUT, preflight 301 to the same URL on https', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 301, redirect: { to: 'api', location: '$SELF_HTTPS' } }, actual: okExact, expect: 'PreflightDisallowedRedirect', expectFindings: ['preflight-redirect-cause'] },
  { id: 'cls-pf-redirect-login', description: 'PUT, preflight 302 to a login page', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 302, redirect: { to: 'api', location: '$API/login?next=%2Fs' } }, actual: okExact, expect: 'PreflightDisallowedRedirect', expectFindings: ['preflight-redirect-cause'] },
  { id: 'cls-acao-repeated-value', description: 'simple GET, one ACAO line holding the page origin twice (a proxy merged its copy)', request: { target: 'api' }, actual: [{ headers: [[ACAO, '$PAGE, $PAGE']] }], expect: 'MultipleAllowOriginValues', expectFindings: ['duplicate-cors-header'] },
  { id: 'cls-acao-proxy-and-app', description: 'simple GET, ACAO from the app (page origin) and from a proxy (*)', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE], [ACAO, '*']] }], expect: 'MultipleAllowOriginValues', expectFindings: ['duplicate-cors-header'] },
  { id: 'cls-blocked-by-csp', description: "simple GET from a frame whose CSP is connect-src 'self' (rejected in the renderer: no HAR entry, no CDP request)", request: { target: 'api', from: 'csp' }, actual: okExact, expect: 'rejected' },
  { id: 'cls-corp-same-origin', description: "mode:'no-cors' GET, response Cross-Origin-Resource-Policy: same-origin", request: { target: 'api', mode: 'no-cors' }, actual: [{ headers: [['Cross-Origin-Resource-Policy', 'same-origin']] }], expect: 'net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin', expectFindings: ['blocked-by-response-policy'] },
  // ── Firefox: the cases where Firefox 153 and Chromium 156 differ (see test/differential/README.md) ───────────
  // Firefox-only rows, so the Chromium recording stays as it is; most differences also show on shared rows above.
  { id: 'ff-pf-404-acao-only', browsers: FIREFOX_ONLY, description: 'PUT, preflight 404 with ACAO but no ACAM (status and method both fail)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 404, headers: [[ACAO, PAGE]] }, actual: okExact, expect: 'PreflightInvalidStatus', expectFirefox: 'CORSPreflightDidNotSucceed', expectFindings: ['options-route-missing'] },
  { id: 'ff-pf-404-no-acao-custom-header', browsers: FIREFOX_ONLY, description: 'GET with X-Custom, preflight 404 without CORS headers', request: { target: 'api', headers: X }, preflight: { status: 404 }, actual: okExact, expect: 'PreflightMissingAllowOriginHeader', expectFirefox: 'CORSMissingAllowOrigin', expectFindings: ['options-route-missing'] },
  { id: 'ff-acao-two-lines-differ', browsers: FIREFOX_ONLY, description: 'simple GET, ACAO on two lines: the page, then another site', request: { target: 'api' }, actual: [{ headers: [[ACAO, PAGE], [ACAO, 'http://example.com']] }], expect: 'MultipleAllowOriginValues', expectFirefox: 'CORSAllowOriginNotMatchingOrigin', expectFindings: ['duplicate-cors-header'] },
  { id: 'ff-acao-comma-list-alt', browsers: FIREFOX_ONLY, description: 'simple GET to localhost, one ACAO line "page, page"', request: { target: 'alt' }, actual: [{ headers: [[ACAO, '$PAGE, $PAGE']] }], expect: 'MultipleAllowOriginValues', expectFirefox: 'CORSAllowOriginNotMatchingOrigin', expectFindings: ['duplicate-cors-header'] },
  { id: 'ff-pf-redirect-307-no-cors', browsers: FIREFOX_ONLY, description: 'PUT, preflight 307 to the same URL with a trailing slash, no CORS headers', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: { status: 307, redirect: { to: 'api', location: '$SELF/' } }, actual: okExact, expect: 'PreflightDisallowedRedirect', expectFirefox: 'CORSExternalRedirectNotAllowed', expectFindings: ['preflight-redirect-cause'] },
  { id: 'ff-pf-redirect-alt', browsers: FIREFOX_ONLY, description: 'GET with X-Custom, preflight 302 (with CORS headers) to the localhost origin', request: { target: 'api', headers: X }, preflight: { ...pfOpen('GET', 'X-Custom'), status: 302, redirect: { to: 'alt' } }, actual: okExact, expect: 'PreflightDisallowedRedirect', expectFirefox: 'CORSExternalRedirectNotAllowed' },
  { id: 'ff-closed-port-xhr', browsers: FIREFOX_ONLY, description: 'XHR GET to a closed port', request: { target: 'closed', api: 'xhr' }, expect: 'net::ERR_CONNECTION_REFUSED', expectFirefox: 'CORSDidNotSucceed' },
  { id: 'ff-closed-port-json', browsers: FIREFOX_ONLY, description: 'POST application/json to a closed port (the preflight cannot connect)', request: { target: 'closed', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }, expect: 'net::ERR_CONNECTION_REFUSED', expectFirefox: 'CORSDidNotSucceed' },
  { id: 'ff-acah-star-authorization-custom', browsers: FIREFOX_ONLY, description: 'GET with Authorization and X-Custom, ACAH * (Firefox allows it with a deprecation warning)', request: { target: 'api', headers: { Authorization: 'Bearer t', 'X-Custom': '1' } }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAH, '*']] }, actual: okExact, expect: 'ok', expectFirefox: 'ok', expectFindings: ['authorization-covered-by-wildcard', 'overly-broad-allow-list'] },
  { id: 'ff-acah-star-authorization-alt-put', browsers: FIREFOX_ONLY, description: 'PUT with Authorization to localhost, ACAM PUT and ACAH *', request: { target: 'alt', method: 'PUT', headers: { Authorization: 'Bearer t' }, body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAM, 'PUT'], [ACAH, '*']] }, actual: okExact, expect: 'ok', expectFirefox: 'ok', expectFindings: ['authorization-covered-by-wildcard', 'overly-broad-allow-list'] },
  { id: 'ff-acah-star-authorization-listed', browsers: FIREFOX_ONLY, description: 'GET with Authorization, ACAH "*, Authorization" (no warning expected)', request: { target: 'api', headers: { Authorization: 'Bearer t' } }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAH, '*, Authorization']] }, actual: okExact, expect: 'ok', expectFirefox: 'ok', expectFindings: ['overly-broad-allow-list'] },
  { id: 'ff-cred-put-storage-access', browsers: FIREFOX_ONLY, description: "credentials:'include' PUT to localhost, preflight and response allow credentials (Firefox adds Sec-Fetch-Storage-Access)", request: { target: 'alt', method: 'PUT', credentials: 'include', body: 'x' }, preflight: pfCred('PUT'), actual: okCred, expect: 'ok', expectFirefox: 'ok' },
  { id: 'ff-cred-xhr-nocookie-acao-star', browsers: FIREFOX_ONLY, description: 'XHR withCredentials to localhost (no cookie), ACAO *', request: { target: 'alt', api: 'xhr', credentials: 'include' }, actual: [{ headers: [[ACAO, '*']] }], expect: 'WildcardOriginNotAllowed', expectFirefox: 'CORSNotSupportingCredentials' },
  { id: 'ff-cred-nocookie-acac-True', browsers: FIREFOX_ONLY, description: "credentials:'include' GET to localhost (no cookie), ACAC True", request: { target: 'alt', credentials: 'include' }, actual: [{ headers: [[ACAO, PAGE], [ACAC, 'True']] }], expect: 'InvalidAllowCredentials', expectFirefox: 'CORSMIssingAllowCredentials' },
  { id: 'ff-cred-pf-acam-star', browsers: FIREFOX_ONLY, description: "credentials:'include' PUT to localhost, preflight ACAM * with ACAC true", request: { target: 'alt', method: 'PUT', credentials: 'include', body: 'x' }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAC, 'true'], [ACAM, '*']] }, actual: okCred, expect: 'MethodDisallowedByPreflightResponse', expectFirefox: 'CORSMethodNotFound' },
  { id: 'ff-cred-pf-acah-star', browsers: FIREFOX_ONLY, description: "credentials:'include' GET with X-Custom to localhost, preflight ACAH * with ACAC true", request: { target: 'alt', credentials: 'include', headers: X }, preflight: { status: 204, headers: [[ACAO, PAGE], [ACAC, 'true'], [ACAH, '*']] }, actual: okCred, expect: 'HeaderDisallowedByPreflightResponse', expectFirefox: 'CORSMissingAllowHeaderFromPreflight' },
  { id: 'ff-method-Patch-acam-upper', browsers: FIREFOX_ONLY, description: "method 'Patch' (not normalized), ACAM PATCH", request: { target: 'api', method: 'Patch', body: 'x' }, preflight: pfOpen('PATCH'), actual: okExact, expect: 'MethodDisallowedByPreflightResponse', expectFirefox: 'CORSMethodNotFound' },
  { id: 'ff-method-patch-acam-star', browsers: FIREFOX_ONLY, description: "method 'patch', ACAM * (no credentials)", request: { target: 'api', method: 'patch', body: 'x' }, preflight: pfOpen('*'), actual: okExact, expect: 'ok', expectFirefox: 'ok', expectFindings: ['overly-broad-allow-list'] },
  { id: 'ff-method-delete-lowercase-normalized', browsers: FIREFOX_ONLY, description: "method 'delete' (normalized to DELETE), ACAM DELETE", request: { target: 'api', method: 'delete' }, preflight: pfOpen('DELETE'), actual: okExact, expect: 'ok', expectFirefox: 'ok' },
  { id: 'ff-pf-acam-invalid-token', browsers: FIREFOX_ONLY, description: 'PUT, ACAM "PUT, (bad)" (an invalid method token)', request: { target: 'api', method: 'PUT', body: 'x' }, preflight: pfOpen('PUT, (bad)'), actual: okExact, expect: 'InvalidAllowMethodsPreflightResponse', expectFirefox: 'CORSInvalidAllowMethod' },
  { id: 'ff-pf-acah-invalid-token', browsers: FIREFOX_ONLY, description: 'GET with X-Custom, ACAH "X-Custom, (bad)" (an invalid header token)', request: { target: 'api', headers: X }, preflight: pfOpen('GET', 'X-Custom, (bad)'), actual: okExact, expect: 'InvalidAllowHeadersPreflightResponse', expectFirefox: 'CORSInvalidAllowHeader' },
  { id: 'ff-pf-ok-actual-acao-missing', browsers: FIREFOX_ONLY, description: 'PUT, preflight fine, actual without ACAO (the failure is on the actual request)', request: { target: 'alt', method: 'PUT', body: 'x' }, preflight: pfOpen('PUT'), actual: [{}], expect: 'MissingAllowOriginHeader', expectFirefox: 'CORSMissingAllowOrigin' },
];

/** The rows a browser's differential suite runs (`browsers` absent: all). */
export function scenariosFor(browser: BrowserId): readonly Scenario[] {
  return scenarios.filter((scenario) => (scenario.browsers ?? ALL_BROWSERS).includes(browser));
}

/** The table as the Firefox suite checks findings: each row's expectFirefoxFindings where it has one. */
export function withFirefoxFindings(table: readonly Scenario[]): Scenario[] {
  return table.map((scenario) => (scenario.expectFirefoxFindings === undefined ? scenario : { ...scenario, expectFindings: scenario.expectFirefoxFindings }));
}

/**
 * A row as the browser runs it, for the recordings' table hash: what the engine is expected to report
 * (`expectFindings`, `expectFirefoxFindings`) and which browsers run it change no recorded browser behaviour.
 */
export function withoutEngineExpectations({ browsers: _browsers, expectFindings: _findings, expectFirefoxFindings: _firefoxFindings, ...row }: Scenario): Omit<Scenario, 'browsers' | 'expectFindings' | 'expectFirefoxFindings'> {
  return row;
}
