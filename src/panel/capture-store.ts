import type { HarEntry } from '../platform/har-source';
import type { CaptureChange } from './capture-changes';

export interface CaptureStoreOptions {
  /**
   * True where the browser never announces a request that was never sent (Firefox: onRequestFinished does not
   * fire for a request stopped by its preflight; only getHAR() lists it). The store then remembers each preflight
   * whose request was not announced, as a reason for one snapshot.
   */
  unsentOnlyInSnapshot?: boolean;
  /**
   * unsentOnlyInSnapshot: how long after its preflight a request may still be announced (it was sent and is
   * still under way) before the preflight counts as a reason for a snapshot. Default 1,000 ms.
   */
  unsentGraceMs?: number;
}

/**
 * What the store remembers of an entry it passed on: enough to match it with a snapshot's copy, to tell whether
 * that copy records something new, and to sort it on navigation. The entry itself lives where it is diagnosed.
 */
interface ShownEntry {
  /** Start time, method and URL: entries carry no request id. */
  base: string;
  /** The snapshot key this entry was matched to; null while only onRequestFinished has announced it. */
  key: string | null;
  recording: string;
  method: string;
  url: string;
  started: number;
  document: boolean;
}

/**
 * The panel's list of requests, reconciled from two feeds of unequal quality:
 * - snapshots (getHAR()): authoritative and complete, but only since DevTools opened and cleared on navigation;
 * - live entries (onRequestFinished): immediate, but can arrive before the response headers do.
 * An entry keeps its position once shown: a snapshot replaces it in place, and new entries only ever go at the
 * end. The diagnosis, the selection and what-if edits all refer to entries by position. The store keeps a few
 * facts per entry and reports every change as a CaptureChange (see `take()`); it holds no entry itself.
 */
export class CaptureStore {
  /** Shown before everything else: entries kept across navigations because "Preserve log" was on. */
  private preserved = 0;
  private shown: ShownEntry[] = [];
  /** Snapshot keys the user cleared or a navigation dropped; getHAR() may still return them. */
  private readonly dismissed = new Set<string>();
  /** When the last navigation was announced (or the store created): older documents belong to older pages. */
  private lastNavigationAt: number;
  private changes: CaptureChange[] = [];
  /**
   * Live entries announced without a response that a snapshot may still complete. Each is the reason for at most
   * one snapshot: after it, the snapshot's copy (or the announced one) is what was recorded.
   */
  private awaiting = new Map<string, ShownEntry>();
  /** Entries a snapshot added that onRequestFinished may still announce (requests finishing during the read). */
  private unannounced = new Map<string, ShownEntry>();
  /**
   * "<method> <URL>" of the requests recent preflights were sent for: an actual request with no response after
   * its preflight was stopped by it, and is complete as it is.
   */
  private readonly preflighted = new Set<string>();
  /**
   * unsentOnlyInSnapshot: "<METHOD> <URL>" of preflights announced since the last snapshot whose request has not
   * been announced (with how many): the request may have been stopped by its preflight, and only a snapshot
   * lists it. Each is the reason for at most one snapshot, like `awaiting`.
   */
  private unlisted = new Map<string, { count: number; since: number }>();
  /**
   * unsentOnlyInSnapshot: requests that started before this time (ms) belong to a capture the user cleared or a
   * page left behind: a snapshot may still list those the store never showed (requests only getHAR() lists), and
   * must not bring them. (Where every request is announced, `dismissed` covers everything that was shown.)
   */
  private startedBefore = Number.NEGATIVE_INFINITY;
  private readonly unsentOnlyInSnapshot: boolean;
  private readonly unsentGraceMs: number;

  constructor(private readonly now: () => number = Date.now, options: CaptureStoreOptions = {}) {
    this.lastNavigationAt = now();
    this.unsentOnlyInSnapshot = options.unsentOnlyInSnapshot ?? false;
    this.unsentGraceMs = options.unsentGraceMs ?? 1_000;
  }

  preserveLog = false;

  get size(): number {
    return this.preserved + this.shown.length;
  }

  /** The changes since the last call. */
  take(): CaptureChange[] {
    const changes = this.changes;
    this.changes = [];
    return changes;
  }

  addLive(entry: HarEntry): void {
    // A snapshot read while the request finished may have listed it before onRequestFinished announced it.
    const listed = this.unannounced.get(baseKey(entry));
    if (listed !== undefined) {
      this.unannounced.delete(listed.base);
      if (this.unsentOnlyInSnapshot) this.noteAnnounced(listed);
      // The snapshot listed it while it was still under way (Firefox lists requests in flight): this is the outcome.
      // (Chromium may announce a response before its headers: an early announcement never replaces a listed copy.)
      const recording = recordingOf(entry);
      if (looksIncompleteRecording(listed.recording) && !looksIncomplete(entry)) {
        listed.recording = recording;
        const position = this.shown.lastIndexOf(listed);
        if (position >= 0) this.changes.push({ kind: 'replace', index: this.preserved + position, entry });
      }
      return;
    }
    const item = shownEntry(entry, null);
    if (this.unsentOnlyInSnapshot) {
      this.noteAnnounced(item);
      this.noteUnlisted(entry);
    }
    this.shown.push(item);
    this.append(entry);
    this.notePreflight(entry);
    // A request stopped at its preflight is complete as it is: only an unexplained one awaits a snapshot.
    if (looksIncomplete(entry) && !this.preflighted.has(`${item.method} ${item.url}`)) this.awaiting.set(`${item.method} ${item.url}`, item);
  }

  /**
   * True when a snapshot can bring something new: an announced entry has no response yet, and no preflight
   * explains it (a request stopped at its preflight has no response, ever).
   */
  needsSnapshot(): boolean {
    const due = this.unlistedDueAt();
    if (due !== null && due <= this.now()) return true;
    for (const [key, item] of this.awaiting) {
      if (this.awaits(item)) return true;
      this.awaiting.delete(key);
    }
    return false;
  }

  /** Announced entries without a response that a snapshot could still complete. */
  get awaitingCount(): number {
    // The map's size, not a scan: the panel reads this on every update, and past autoSnapshotMaxEntries nothing
    // empties the map (a CORS-blocked GET is recorded without a response: one in ten of the soak's requests), so a
    // scan of it was most of every panel task over 100 ms at 40k–50k requests (bench trace, issue 21). Nothing in
    // it stops awaiting while it is there: notePreflight deletes what it explains, applySnapshot starts afresh.
    return this.awaiting.size;
  }

  /**
   * Preflights announced without their request (unsentOnlyInSnapshot): requests their preflight may have stopped,
   * which only a snapshot would list.
   */
  get unlistedCount(): number {
    let count = 0;
    for (const pending of this.unlisted.values()) count += pending.count;
    return count;
  }

  /**
   * When the oldest preflight without its request becomes a reason for a snapshot (its grace over: the request
   * would have been announced by then had it been sent); null when there is none.
   */
  unlistedDueAt(): number | null {
    let oldest = Number.POSITIVE_INFINITY;
    for (const pending of this.unlisted.values()) oldest = Math.min(oldest, pending.since);
    return Number.isFinite(oldest) ? oldest + this.unsentGraceMs : null;
  }

  private awaits(item: ShownEntry): boolean {
    return item.key === null && !this.preflighted.has(`${item.method} ${item.url}`);
  }

  applySnapshot(snapshot: readonly HarEntry[]): void {
    // Whatever was awaited has now had its snapshot.
    this.awaiting = new Map();
    this.unlisted = new Map();
    const byKey = new Map<string, HarEntry>();
    const seen = new Map<string, number>();
    for (const entry of snapshot) {
      const base = baseKey(entry);
      const occurrence = seen.get(base) ?? 0;
      seen.set(base, occurrence + 1);
      byKey.set(`${base}#${occurrence}`, entry);
      this.notePreflight(entry);
    }
    const used = new Set<string>();
    this.shown.forEach((item, position) => {
      const key = item.key ?? firstUnused(item.base, byKey, used);
      const fresh = key === null ? undefined : byKey.get(key);
      if (key === null || fresh === undefined) return;
      used.add(key);
      item.key = key;
      // getHAR() returns new objects every time; pass on a copy only when the recording changed (late headers),
      // so the diagnosis redoes only what did change.
      const recording = recordingOf(fresh);
      if (recording === item.recording) return;
      item.recording = recording;
      this.changes.push({ kind: 'replace', index: this.preserved + position, entry: fresh });
    });
    for (const [key, entry] of byKey) {
      if (used.has(key) || this.dismissed.has(key) || Date.parse(String(entry?.startedDateTime)) < this.startedBefore) continue;
      const item = shownEntry(entry, key);
      this.shown.push(item);
      if (this.unannounced.size >= UNANNOUNCED_KEPT) this.unannounced.clear();
      this.unannounced.set(item.base, item);
      this.append(entry);
    }
  }

  /** Forgets the oldest `count` entries (the capture's limit): positions move down by `count`. */
  dropOldest(count: number): void {
    if (count <= 0) return;
    const fromPreserved = Math.min(this.preserved, count);
    this.preserved -= fromPreserved;
    const gone = this.shown.splice(0, count - fromPreserved);
    // A later snapshot must not bring them back.
    this.dismiss(gone);
    for (const item of gone) this.awaiting.delete(`${item.method} ${item.url}`);
    this.changes.push({ kind: 'drop', count });
  }

  clear(): void {
    this.dismiss(this.shown);
    if (this.unsentOnlyInSnapshot) this.startedBefore = this.now();
    this.preserved = 0;
    this.shown = [];
    this.awaiting = new Map();
    this.unlisted = new Map();
    this.changes.push({ kind: 'keep', indices: [] });
  }

  /**
   * The inspected page navigated to `url`. onNavigated can arrive after the new page's own document request
   * finished: that request and everything started after it belong to the new page and stay.
   */
  navigated(url?: string): void {
    const newPage = new Set(this.newPageEntries(url));
    this.lastNavigationAt = this.now();
    const positions = (keep: (item: ShownEntry) => boolean) =>
      this.shown.flatMap((item, position) => (keep(item) ? [this.preserved + position] : []));
    const old = this.shown.filter((item) => !newPage.has(item));
    const indices = this.preserveLog
      ? [...Array.from({ length: this.preserved }, (_, index) => index), ...positions((item) => !newPage.has(item)), ...positions((item) => newPage.has(item))]
      : positions((item) => newPage.has(item));
    this.preserved = this.preserveLog ? this.preserved + old.length : 0;
    this.dismiss(old);
    for (const item of old) this.awaiting.delete(`${item.method} ${item.url}`);
    // Without Preserve log, what the old page started goes, listed or not (the new page's first request is the
    // document, when known). With it, a request of the old page only a snapshot lists would still be welcome.
    if (this.unsentOnlyInSnapshot && !this.preserveLog) {
      const firstNew = this.shown.find((item) => newPage.has(item));
      this.startedBefore = firstNew !== undefined && Number.isFinite(firstNew.started) ? firstNew.started : this.now();
    }
    this.shown = this.shown.filter((item) => newPage.has(item));
    this.changes.push({ kind: 'keep', indices });
  }

  /** A preflight announced live: its request, until announced too, may be one only a snapshot lists. */
  private noteUnlisted(entry: HarEntry): void {
    const key = unsentRequestOf(entry);
    if (key === null) return;
    if (this.unlisted.size >= PREFLIGHTS_KEPT) this.unlisted.clear();
    const pending = this.unlisted.get(key);
    if (pending === undefined) this.unlisted.set(key, { count: 1, since: this.now() });
    else pending.count += 1;
  }

  /** A request was announced: a preflight sent for it stopped nothing. */
  private noteAnnounced(item: ShownEntry): void {
    const key = `${item.method.toUpperCase()} ${item.url}`;
    const pending = this.unlisted.get(key);
    if (pending === undefined || item.method.toUpperCase() === 'OPTIONS') return;
    if (pending.count > 1) pending.count -= 1;
    else this.unlisted.delete(key);
  }

  /** A preflight: the request it was sent for, if it already arrived without a response, awaits nothing more. */
  private notePreflight(entry: HarEntry): void {
    const key = preflightFor(entry);
    if (key === null) return;
    if (this.preflighted.size >= PREFLIGHTS_KEPT) this.preflighted.clear();
    this.preflighted.add(key);
    this.awaiting.delete(key);
  }

  private append(entry: HarEntry): void {
    const last = this.changes.at(-1);
    if (last?.kind === 'append') last.entries.push(entry);
    else this.changes.push({ kind: 'append', entries: [entry] });
  }

  private newPageEntries(url: string | undefined): ShownEntry[] {
    if (url === undefined) return [];
    // A reload requests the same URL again: only a document started after the previous navigation is the new one.
    const isDocument = (item: ShownEntry) => item.url === url && item.document && item.started > this.lastNavigationAt;
    const documentIndex = this.shown.map(isDocument).lastIndexOf(true);
    if (documentIndex < 0) return [];
    const since = this.shown[documentIndex]?.started ?? Number.NaN;
    return this.shown.filter((item, index) => index === documentIndex || (index > documentIndex && !(item.started < since)));
  }

  private dismiss(items: readonly ShownEntry[]): void {
    for (const item of items) this.dismissed.add(item.key ?? `${item.base}#0`);
  }
}

function shownEntry(entry: HarEntry, key: string | null): ShownEntry {
  return {
    base: baseKey(entry),
    key,
    recording: recordingOf(entry),
    method: String(entry?.request?.method),
    url: String(entry?.request?.url),
    started: Date.parse(String(entry?.startedDateTime)),
    document: isDocument(entry),
  };
}

/**
 * A page's document request: Chromium says so (`_resourceType`); Firefox's HAR has no resource type, so there a
 * GET answered with HTML stands for it (only one whose URL is the one navigated to is ever taken for the page).
 */
function isDocument(entry: HarEntry): boolean {
  const type = (entry as { _resourceType?: unknown })._resourceType;
  if (type !== undefined) return type === 'document';
  return String(entry?.request?.method).toUpperCase() === 'GET' && /^text\/html\b/i.test(String(entry?.response?.content?.mimeType));
}

/**
 * "<METHOD> <URL>" of the request a CORS preflight was sent for, read from the preflight itself (an OPTIONS
 * request that names its method in Access-Control-Request-Method: what every browser sends); null otherwise.
 */
function unsentRequestOf(entry: HarEntry): string | null {
  if (String(entry?.request?.method).toUpperCase() !== 'OPTIONS') return null;
  const headers = Array.isArray(entry?.request?.headers) ? entry.request.headers : [];
  const method = headers.find((header) => String(header?.name).toLowerCase() === 'access-control-request-method')?.value;
  return typeof method === 'string' && method !== '' ? `${method.toUpperCase()} ${String(entry?.request?.url)}` : null;
}

/** Snapshot entries remembered for a late announcement: enough for the requests in flight during one read. */
const UNANNOUNCED_KEPT = 5_000;

/** Remembered preflight URLs: enough for the requests in flight around them. */
const PREFLIGHTS_KEPT = 2_000;

/** "<method> <URL>" of the request a complete preflight entry was sent for; null for any other entry. */
function preflightFor(entry: HarEntry): string | null {
  const initiator = (entry as { _initiator?: { type?: unknown; url?: unknown } | null })._initiator;
  const isPreflight = (entry as { _resourceType?: unknown })._resourceType === 'preflight' || initiator?.type === 'preflight';
  if (!isPreflight || looksIncomplete(entry)) return null;
  const url = typeof initiator?.url === 'string' ? initiator.url : String(entry?.request?.url);
  const headers = Array.isArray(entry?.request?.headers) ? entry.request.headers : [];
  const method = headers.find((header) => String(header?.name).toLowerCase() === 'access-control-request-method')?.value;
  return `${String(method).toUpperCase()} ${url}`;
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

/** What two copies of one request's entry must agree on to record the same outcome (the fields late headers change). */
function recordingOf(entry: HarEntry): string {
  const error = (entry?.response as { _error?: unknown } | undefined)?._error ?? null;
  return `${entry?.response?.status}|${entry?.response?.headers?.length}|${entry?.request?.headers?.length}|${entry?.response?.redirectURL}|${String(error)}|${entry?.time}`;
}

/** looksIncomplete() of the entry a recording was made of (see recordingOf). */
function looksIncompleteRecording(recording: string): boolean {
  const [status, headers] = recording.split('|');
  return (status === '0' || status === 'undefined') && (headers === '0' || headers === 'undefined');
}

/** onRequestFinished can fire with status 0 and no headers before the real response is recorded. */
export function looksIncomplete(entry: HarEntry): boolean {
  const headers = entry?.response?.headers;
  return (entry?.response?.status ?? 0) === 0 && (!Array.isArray(headers) || headers.length === 0);
}
