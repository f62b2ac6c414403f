import type { HarSource } from '../platform/har-source';
import type { HostBrowser } from '../platform/host-browser';
import type { CaptureChange } from './capture-changes';
import { CaptureStore } from './capture-store';

export interface LiveCaptureOptions {
  /** Wait this long after the last live entry before asking the source for a snapshot (when one can help). */
  resyncDelayMs?: number;
  /**
   * A snapshot re-reads the whole capture (DevTools serializes every entry): after one that took T ms, the next
   * waits at least `snapshotSpacing` × T, so re-reads never take more than a fraction of the time.
   */
  snapshotSpacing?: number;
  /**
   * Beyond this many entries a snapshot is read only when asked (resync()): the panel's thread receives the whole
   * capture in one task, about 100 ms per 1,000 entries here.
   */
  autoSnapshotMaxEntries?: number;
  /**
   * A burst of finished requests is passed on together at most this often (each update is diagnosed and
   * rendered; a busy page finishes hundreds of requests a second). 0 passes every change at once. 250 ms, not
   * 100: at 150 requests/s the panel's thread was busy 5.5 s instead of 7.6 s per 6,000 requests (means of 4
   * runs each; half the layouts), and the count still follows within a second.
   */
  publishIntervalMs?: number;
  /**
   * The browser recording the capture. Firefox never announces a request stopped by its preflight (only getHAR()
   * lists it): there a preflight whose request was not announced within `unsentGraceMs` is a reason for one
   * snapshot, read at the next pause.
   */
  browser?: HostBrowser;
  /** Firefox: how long a preflight's request may take to be announced before a snapshot is read for it (1,000 ms). */
  unsentGraceMs?: number;
}

/**
 * Connects a HarSource to a CaptureStore: backfill on start, live appends, snapshot reconciliation, navigation
 * handling. `onChange` receives the store's changes in batches. A full snapshot is read at start, on an explicit
 * resync(), and after a pause only when an announced entry lacks its response and nothing explains why (see
 * CaptureStore.needsSnapshot), while the capture is small enough to read in one short task: a request stopped at
 * its preflight never triggers one — except in Firefox, which never announces such a request: there a preflight
 * whose request was not announced by the next pause is the reason for one snapshot (the one that lists it). Every
 * listener and timer hangs off `signal`.
 */
export class LiveCapture {
  readonly store: CaptureStore;
  /** Snapshots read so far (the soak benchmark and the tests watch it). */
  snapshots = 0;
  private resyncTimer: ReturnType<typeof setTimeout> | undefined;
  /** getHAR() can take a while; one call at a time, and one more if asked meanwhile. */
  private snapshotInFlight: Promise<void> | null = null;
  private resyncAgain = false;
  private notBefore = 0;
  private readonly resyncDelayMs: number;
  private readonly snapshotSpacing: number;
  private readonly publishIntervalMs: number;
  private readonly autoSnapshotMaxEntries: number;
  private publishTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly source: HarSource,
    private readonly onChange: (changes: CaptureChange[]) => void,
    private readonly signal: AbortSignal,
    options: LiveCaptureOptions = {},
  ) {
    this.resyncDelayMs = options.resyncDelayMs ?? 250;
    this.snapshotSpacing = options.snapshotSpacing ?? 20;
    this.publishIntervalMs = options.publishIntervalMs ?? 250;
    this.autoSnapshotMaxEntries = options.autoSnapshotMaxEntries ?? 1_000;
    this.store = new CaptureStore(Date.now, {
      unsentOnlyInSnapshot: options.browser === 'firefox',
      ...(options.unsentGraceMs === undefined ? {} : { unsentGraceMs: options.unsentGraceMs }),
    });
    signal.addEventListener('abort', () => {
      clearTimeout(this.resyncTimer);
      clearTimeout(this.publishTimer);
    }, { once: true });
  }

  async start(): Promise<void> {
    // Subscribe before the backfill so nothing finishing in between is lost; the snapshot dedupes.
    this.source.subscribe(
      {
        onEntry: (entry) => {
          this.store.addLive(entry);
          this.publishSoon();
          this.scheduleResync();
        },
        onNavigated: (url) => {
          this.store.navigated(url);
          this.publish();
        },
      },
      this.signal,
    );
    await this.resync();
  }

  setPreserveLog(preserve: boolean): void {
    this.store.preserveLog = preserve;
  }

  clear(): void {
    this.store.clear();
    this.publish();
  }

  /** Forgets the oldest `count` entries (the capture's limit). */
  dropOldest(count: number): void {
    this.store.dropOldest(count);
    this.publish();
  }

  /** Announced entries without their response that only a snapshot the user asks for can complete. */
  get unconfirmed(): number {
    return this.snapshotsOnRequestOnly ? this.store.awaitingCount : 0;
  }

  /** Preflights announced without their request (Firefox) that only a snapshot the user asks for can list. */
  get unlisted(): number {
    return this.snapshotsOnRequestOnly ? this.store.unlistedCount : 0;
  }

  /** A capture this big is read again only when the user asks: a snapshot of it costs DevTools seconds. */
  private get snapshotsOnRequestOnly(): boolean {
    return this.store.size > this.autoSnapshotMaxEntries;
  }

  /** Re-reads the authoritative snapshot now (or right after the read under way). */
  resync(): Promise<void> {
    if (this.snapshotInFlight) {
      this.resyncAgain = true;
      return this.snapshotInFlight;
    }
    this.snapshotInFlight = this.readSnapshot().finally(() => {
      this.snapshotInFlight = null;
      if (this.resyncAgain && !this.signal.aborted) {
        this.resyncAgain = false;
        void this.resync();
      }
    });
    return this.snapshotInFlight;
  }

  private async readSnapshot(): Promise<void> {
    const started = Date.now();
    this.snapshots += 1;
    const snapshot = await this.source.snapshot();
    if (this.signal.aborted) return;
    this.store.applySnapshot(snapshot);
    this.notBefore = Date.now() + (Date.now() - started) * this.snapshotSpacing;
    this.publish();
  }

  /**
   * After a pause of `resyncDelayMs`, and no sooner than the spacing allows, if a snapshot can help; a preflight
   * still within its grace (Firefox) is looked at again when the grace is over.
   */
  private scheduleResync(): void {
    // No timer per entry when no pause would read the capture again: clearing and setting it was 213 of the
    // panel's 3,055 ms of script in a profile of 6,000 requests at 150/s.
    if (this.signal.aborted || this.snapshotsOnRequestOnly) return;
    clearTimeout(this.resyncTimer);
    this.resyncTimer = setTimeout(() => this.resyncIfUseful(), this.resyncDelayMs);
  }

  private resyncIfUseful(): void {
    if (this.signal.aborted || this.snapshotsOnRequestOnly) return;
    if (!this.store.needsSnapshot()) {
      const due = this.store.unlistedDueAt();
      if (due !== null) this.resyncTimer = setTimeout(() => this.resyncIfUseful(), Math.max(0, due - Date.now()));
      return;
    }
    const wait = this.notBefore - Date.now();
    if (wait > 0) this.resyncTimer = setTimeout(() => void this.resync(), wait);
    else void this.resync();
  }

  /** Live entries: coalesced, so a burst costs one update. Everything else publishes at once. */
  private publishSoon(): void {
    if (this.publishIntervalMs === 0) return this.publish();
    if (this.publishTimer !== undefined || this.signal.aborted) return;
    this.publishTimer = setTimeout(() => this.publish(), this.publishIntervalMs);
  }

  private publish(): void {
    clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
    if (this.signal.aborted) return;
    const changes = this.store.take();
    if (changes.length > 0) this.onChange(changes);
  }
}
