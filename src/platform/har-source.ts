import type { Entry as HarEntry } from 'har-format';

export type { HarEntry };

/** What a live source reports while the panel is open. */
export interface HarSourceListener {
  /** A request finished (or failed). Its headers may still be missing; see ChromeHarSource. */
  onEntry(entry: HarEntry): void;
  /** The inspected page navigated to `url`. */
  onNavigated(url: string): void;
}

/**
 * Everything the panel knows about the browser goes through this interface, so the panel runs the same
 * against Chrome's live capture, an imported .har file, or an in-memory list in tests.
 */
export interface HarSource {
  readonly kind: 'chrome' | 'file' | 'memory';
  /** A human-readable name: "Live capture", the file name, … */
  readonly label: string;
  /** Every entry the source holds right now (Chrome: getHAR(), which is authoritative and complete). */
  snapshot(): Promise<HarEntry[]>;
  /** Live updates until `signal` aborts. Static sources never call back. */
  subscribe(listener: HarSourceListener, signal: AbortSignal): void;
}
