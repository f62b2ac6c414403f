/** The browser whose DevTools host the panel: it decides how the live capture is read, and how it is diagnosed. */
export type HostBrowser = 'chromium' | 'firefox';

interface BrowserScope {
  browser?: { runtime?: { getBrowserInfo?: unknown } };
}

/**
 * Which browser runs the extension, decided once (src/panel/main.tsx) from the extension API itself, never from
 * the user agent (DevTools can override that, and Chromium forks copy Firefox's tokens in theirs, or the other way).
 * `browser.runtime.getBrowserInfo()` is a Firefox-only API: Firefox has had it since 51 in every extension page,
 * the devtools panel included; Chromium has no `browser` namespace, or (where it adds one as an alias of
 * `chrome`) no getBrowserInfo in it, and the panel loads no polyfill that could add one.
 */
export function hostBrowser(scope: BrowserScope = globalThis as BrowserScope): HostBrowser {
  return typeof scope.browser?.runtime?.getBrowserInfo === 'function' ? 'firefox' : 'chromium';
}
