/** Method facts from the Fetch standard, as Chromium applies them. */

/** https://fetch.spec.whatwg.org/#cors-safelisted-method */
export const CORS_SAFELISTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);

/**
 * Case-insensitive, as Chromium's IsCorsSafelistedMethod. (fetch() has already upper-cased get/head/post.)
 * Access-Control-Allow-Methods itself is compared exactly: Chromium 156 sends and checks `patch` as-is.
 */
export function isCorsSafelistedMethod(method: string): boolean {
  return CORS_SAFELISTED_METHODS.has(method.toUpperCase());
}

/** Redirect statuses after which a POST is re-sent as GET (Fetch "HTTP-redirect fetch" step 12). */
export const METHOD_REWRITING_REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303]);

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** https://fetch.spec.whatwg.org/#concept-method-normalize — the only methods fetch() upper-cases. */
export const NORMALIZED_METHODS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
