import type { HarEntry, HarSource, HarSourceListener } from './har-source';

/**
 * The inspected tab's traffic as DevTools recorded it. Only valid inside a devtools page or panel.
 * chrome.devtools.network is callback-based in every Chromium we support and webextension-polyfill never
 * wrapped it, so it is used directly here and nowhere else.
 */
export class ChromeHarSource implements HarSource {
  readonly kind = 'chrome';
  readonly label = 'Live capture';

  snapshot(): Promise<HarEntry[]> {
    return new Promise((resolve) => {
      chrome.devtools.network.getHAR((log) => resolve(Array.isArray(log?.entries) ? log.entries.map(plainEntry) : []));
    });
  }

  subscribe(listener: HarSourceListener, signal: AbortSignal): void {
    if (signal.aborted) return;
    const onFinished = (request: chrome.devtools.network.Request) => listener.onEntry(plainEntry(request));
    const onNavigated = (url: string) => listener.onNavigated(url);
    chrome.devtools.network.onRequestFinished.addListener(onFinished);
    chrome.devtools.network.onNavigated.addListener(onNavigated);
    signal.addEventListener(
      'abort',
      () => {
        chrome.devtools.network.onRequestFinished.removeListener(onFinished);
        chrome.devtools.network.onNavigated.removeListener(onNavigated);
      },
      { once: true },
    );
  }
}

/** onRequestFinished hands a Request object with a getContent() method; keep only the HAR data. */
function plainEntry(entry: HarEntry | chrome.devtools.network.Request): HarEntry {
  const { getContent: _getContent, ...data } = entry as HarEntry & { getContent?: unknown };
  return data as HarEntry;
}
