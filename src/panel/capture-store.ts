import type { HarEntry } from '../platform/har-source';

interface ShownEntry {
  entry: HarEntry;
  /** The snapshot key this entry was matched to; null while only onRequestFinished has announced it. */
  key: string | null;
}

/**
 * The panel's list of requests, reconciled from two feeds of unequal quality:
 * - snapshots (getHAR()): authoritative and complete, but only since DevTools opened and cleared on navigation;
 * - live entries (onRequestFinished): immediate, but can arrive before the response headers do.
 * An entry keeps its position once shown: a snapshot replaces it in place, and new entries only ever go at
 * the end. The diagnosis, the selection and what-if edits all refer to entries by position.
 */
export class CaptureStore {
  /** Shown before everything else: entries kept across navigations because "Preserve log" was on. */
  private preserved: HarEntry[] = [];
  private shown: ShownEntry[] = [];
  /** Snapshot keys the user cleared or a navigation dropped; getHAR() may still return them. */
  private readonly dismissed = new Set<string>();
  /** When the last navigation was announced (or the store created): older documents belong to older pages. */
  private lastNavigationAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastNavigationAt = now();
  }

  preserveLog = false;

  entries(): HarEntry[] {
    return [...this.preserved, ...this.shown.map((item) => item.entry)];
  }

  get size(): number {
    return this.preserved.length + this.shown.length;
  }

  addLive(entry: HarEntry): void {
    this.shown.push({ entry, key: null });
  }

  applySnapshot(snapshot: readonly HarEntry[]): void {
    const byKey = new Map(keyEntries(snapshot).map(({ key, entry }) => [key, entry]));
    const used = new Set<string>();
    for (const item of this.shown) {
      const key = item.key ?? firstUnused(baseKey(item.entry), byKey, used);
      const fresh = key === null ? undefined : byKey.get(key);
      if (key === null || fresh === undefined) continue;
      used.add(key);
      item.key = key;
      // getHAR() returns new objects every time; keep the one shown unless the recording changed (late
      // headers), so the diagnosis redoes only what did change.
      if (!sameRecording(item.entry, fresh)) item.entry = fresh;
    }
    for (const [key, entry] of byKey) {
      if (!used.has(key) && !this.dismissed.has(key)) this.shown.push({ entry, key });
    }
  }

  clear(): void {
    this.dismissAllShown();
    this.preserved = [];
    this.shown = [];
  }

  /**
   * The inspected page navigated to `url`. onNavigated can arrive after the new page's own document request
   * finished: that request and everything started after it belong to the new page and stay.
   */
  navigated(url?: string): void {
    const newPage = this.newPageEntries(url);
    this.lastNavigationAt = this.now();
    const old = this.shown.filter((item) => !newPage.includes(item));
    if (this.preserveLog) this.preserved = [...this.preserved, ...old.map((item) => item.entry)];
    else this.preserved = [];
    this.dismiss(old);
    this.shown = newPage;
  }

  private newPageEntries(url: string | undefined): ShownEntry[] {
    if (url === undefined) return [];
    // A reload requests the same URL again: only a document started after the previous navigation is the new one.
    const isDocument = (item: ShownEntry) =>
      item.entry?.request?.url === url &&
      (item.entry as { _resourceType?: unknown })._resourceType === 'document' &&
      Date.parse(String(item.entry.startedDateTime)) > this.lastNavigationAt;
    const documentIndex = this.shown.map(isDocument).lastIndexOf(true);
    if (documentIndex < 0) return [];
    const since = Date.parse(String(this.shown[documentIndex]?.entry.startedDateTime));
    return this.shown.filter((item, index) => index === documentIndex || (index > documentIndex && !(Date.parse(String(item.entry.startedDateTime)) < since)));
  }

  /** Everything shown now stays hidden when later snapshots return it (getHAR() can lag behind). */
  private dismissAllShown(): void {
    this.dismiss(this.shown);
  }

  private dismiss(items: readonly ShownEntry[]): void {
    for (const item of items) this.dismissed.add(item.key ?? `${baseKey(item.entry)}#0`);
  }

  /** True when some shown entry has no response yet, so a later snapshot may complete it. */
  hasIncompleteEntries(): boolean {
    return this.shown.some((item) => looksIncomplete(item.entry));
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

function firstUnused(base: string, byKey: ReadonlyMap<string, HarEntry>, used: ReadonlySet<string>): string | null {
  for (let occurrence = 0; byKey.has(`${base}#${occurrence}`); occurrence++) {
    if (!used.has(`${base}#${occurrence}`)) return `${base}#${occurrence}`;
  }
  return null;
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
