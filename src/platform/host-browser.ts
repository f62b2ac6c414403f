/** The browser whose DevTools host the panel: it decides how the live capture is read, and how it is diagnosed. */
export type HostBrowser = 'chromium' | 'firefox';

interface BrowserScope {
  location?: { protocol?: string };
}

/**
 * Which browser runs the extension, decided once (src/panel/main.tsx) from the scheme of the extension's own pages:
 * Gecko serves every extension page from `moz-extension:`, Chromium (Chrome, Edge, …) from `chrome-extension:`.
 * The browser fixes it; neither the inspected page nor a user-agent override (DevTools can set one) can change it,
 * and it needs no API. (`browser.runtime.getBrowserInfo()`, Firefox-only, would say the same, but Firefox 153
 * does not expose it to devtools pages and panels: measured, its `runtime` there is the content-script subset.)
 */
export function hostBrowser(scope: BrowserScope = globalThis as BrowserScope): HostBrowser {
  return scope.location?.protocol === 'moz-extension:' ? 'firefox' : 'chromium';
}
