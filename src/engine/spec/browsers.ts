/**
 * The browsers whose CORS checks the engine replays. Their verdicts agree on almost every response; they name
 * failures differently (Chromium's Network.CorsError, Firefox's console reason keys), record different HARs, and
 * differ in a few checks (../../../test/differential/README.md, "Chromium and Firefox"). A report says which one
 * it judged for and why.
 */
export const BROWSER_IDS = ['chromium', 'firefox'] as const;
export type BrowserId = (typeof BROWSER_IDS)[number];

export function isBrowserId(value: unknown): value is BrowserId {
  return typeof value === 'string' && (BROWSER_IDS as readonly string[]).includes(value);
}

/** Display names, for sentences such as "Firefox blocks this". */
export const BROWSER_NAMES: { readonly [B in BrowserId]: string } = { chromium: 'Chromium', firefox: 'Firefox' };

/**
 * Why the report judges for this browser: the live capture runs in it, the user chose it (`--browser`, the
 * panel's selector), the HAR names the browser that recorded it (log.browser, or a Firefox/Chromium DevTools
 * creator), or nothing said and Chromium, the most used engine, is assumed.
 */
export type BrowserBasis = 'live-host' | 'chosen' | 'har-browser' | 'har-creator' | 'assumed';

export interface JudgedBrowser {
  readonly id: BrowserId;
  readonly basis: BrowserBasis;
  /** The recording browser as the HAR names it ("Firefox 153.0"), or null when it names none. */
  readonly recordedBy: string | null;
}

/** What a HAR says about the program that wrote it and the browser it recorded. */
export interface HarProducer {
  readonly creatorName: string | null;
  readonly browserName: string | null;
  readonly browserVersion: string | null;
}

export const NO_PRODUCER: HarProducer = Object.freeze({ creatorName: null, browserName: null, browserVersion: null });

/**
 * Chromium DevTools writes `creator: WebInspector` and no `browser`; Firefox DevTools (and Firebug) write a
 * `browser` named Firefox. Proxies and API clients (Charles, mitmproxy, Insomnia…) name no browser: the
 * browser behind them is unknown.
 */
function browserNamed(name: string | null): BrowserId | null {
  if (name === null) return null;
  if (/firefox|firebug|gecko/i.test(name)) return 'firefox';
  if (/chrom|webinspector|google chrome|edge|opera|brave|electron/i.test(name)) return 'chromium';
  return null;
}

/**
 * The browser to judge for: the caller's choice (a live capture's is the browser it runs in), else the one the
 * HAR names, else Chromium (assumed).
 */
export function judgedBrowserOf(chosen: BrowserId | undefined, producer: HarProducer, live = false): JudgedBrowser {
  const recordedBy = producer.browserName === null ? null : [producer.browserName, producer.browserVersion].filter((part) => part !== null && part !== '').join(' ');
  if (chosen !== undefined) return { id: chosen, basis: live ? 'live-host' : 'chosen', recordedBy };
  const fromBrowser = browserNamed(producer.browserName);
  if (fromBrowser !== null) return { id: fromBrowser, basis: 'har-browser', recordedBy };
  const fromCreator = browserNamed(producer.creatorName);
  if (fromCreator !== null) return { id: fromCreator, basis: 'har-creator', recordedBy };
  return { id: 'chromium', basis: 'assumed', recordedBy };
}
