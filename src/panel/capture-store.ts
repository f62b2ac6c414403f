import type { HarEntry } from '../platform/har-source';

/**
 * The panel's list of requests, reconciled from two feeds of unequal quality:
 * - snapshots (getHAR()): authoritative and complete, but only since DevTools opened and cleared on navigation;
 * - live entries (onRequestFinished): immediate, but can arrive before the response headers do.
 * Live entries are shown provisionally until the next snapshot confirms or replaces them.
 */
export class CaptureStore {
  /** Shown before everything else: entries kept across navigations because "Preserve log" was on. */
  private preserved: HarEntry[] = [];
  private confirmed: HarEntry[] = [];
  private provisional: HarEntry[] = [];
  /** Snapshot keys the user cleared or a navigation dropped; getHAR() may still return them. */
  private readonly dismissed = new Set<string>();
  private confirmedKeys = new Set<string>();

  preserveLog = false;

  entries(): HarEntry[] {
    return [...this.preserved, ...this.confirmed, ...this.provisional];
  }

  get size(): number {
    return this.preserved.length + this.confirmed.length + this.provisional.length;
  }

  addLive(entry: HarEntry): void {
    this.provisional.push(entry);
  }

  applySnapshot(snapshot: readonly HarEntry[]): void {
    const keyed = keyEntries(snapshot);
    // getHAR() returns fresh objects every time; keep the ones already shown when nothing in them changed,
    // so the diagnosis only redoes the requests whose recording did change.
    const shown = new Map(keyEntries([...this.confirmed, ...this.provisional]).map(({ key, entry }) => [key, entry]));
    this.confirmed = keyed
      .filter(({ key }) => !this.dismissed.has(key))
      .map(({ key, entry }) => {
        const previous = shown.get(key);
        return previous !== undefined && sameRecording(previous, entry) ? previous : entry;
      });
    this.confirmedKeys = new Set(keyed.map(({ key }) => key));
    // A live entry the snapshot already holds is replaced by the snapshot's (more complete) copy.
    this.provisional = this.provisional.filter((entry) => !this.confirmedKeys.has(firstOccurrenceKey(entry)));
  }

  clear(): void {
    this.dismissAllShown();
    this.preserved = [];
    this.confirmed = [];
    this.provisional = [];
  }

  navigated(): void {
    if (this.preserveLog) {
      this.preserved = this.entries();
      this.dismissAllShown();
      this.confirmed = [];
      this.provisional = [];
      return;
    }
    this.clear();
  }

  /**
   * Everything the source holds now must stay hidden when later snapshots return it — the confirmed entries,
   * and live ones no snapshot has confirmed yet (getHAR() can lag far behind onRequestFinished).
   */
  private dismissAllShown(): void {
    for (const key of this.confirmedKeys) this.dismissed.add(key);
    for (const entry of this.provisional) this.dismissed.add(firstOccurrenceKey(entry));
  }

  /** True when some shown entry has no response yet, so a later snapshot may complete it. */
  hasIncompleteEntries(): boolean {
    return [...this.confirmed, ...this.provisional].some(looksIncomplete);
  }
}

/** Entries carry no request id; start time, method and URL identify one, with a counter for exact twins. */
function keyEntries(entries: readonly HarEntry[]): { key: string; entry: HarEntry }[] {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const base = baseKey(entry);
    const occurrence = seen.get(base) ?? 0;
    seen.set(base, occurrence + 1);
    return { key: `${base}#${occurrence}`, entry };
  });
}

function baseKey(entry: HarEntry): string {
  return `${String(entry?.startedDateTime)}\u0000${String(entry?.request?.method)}\u0000${String(entry?.request?.url)}`;
}

function firstOccurrenceKey(entry: HarEntry): string {
  return `${baseKey(entry)}#0`;
}

/** Whether two copies of one request's entry record the same outcome (the fields late headers change). */
function sameRecording(a: HarEntry, b: HarEntry): boolean {
  const error = (entry: HarEntry) => (entry.response as { _error?: unknown } | undefined)?._error ?? null;
  return (
    a.response?.status === b.response?.status &&
    a.response?.headers?.length === b.response?.headers?.length &&
    a.request?.headers?.length === b.request?.headers?.length &&
    a.response?.redirectURL === b.response?.redirectURL &&
    error(a) === error(b) &&
    a.time === b.time
  );
}

/** onRequestFinished can fire with status 0 and no headers before the real response is recorded. */
export function looksIncomplete(entry: HarEntry): boolean {
  const headers = entry?.response?.headers;
  return (entry?.response?.status ?? 0) === 0 && (!Array.isArray(headers) || headers.length === 0);
}
