import type { HarEntry, HarSource } from '../platform/har-source';
import { CaptureStore } from './capture-store';

export interface LiveCaptureOptions {
  /** Wait this long after the last live entry before asking the source for a fresh snapshot. */
  resyncDelayMs?: number;
  /** Entries without a response are re-checked this many times, `retryDelayMs` apart. */
  incompleteRetries?: number;
  retryDelayMs?: number;
  /**
   * A burst of finished requests is shown together at most this often (each update re-diagnoses and re-renders;
   * a busy page finishes hundreds of requests a second). 0 shows every change at once.
   */
  publishIntervalMs?: number;
}

/**
 * Connects a HarSource to a CaptureStore: backfill on start, live appends, snapshot reconciliation,
 * navigation handling. Every listener and timer hangs off `signal`.
 */
export class LiveCapture {
  readonly store = new CaptureStore();
  private resyncTimer: ReturnType<typeof setTimeout> | undefined;
  private retriesLeft = 0;
  /** getHAR() can take a while; one call at a time, and one more if anything changed meanwhile. */
  private snapshotInFlight: Promise<void> | null = null;
  private resyncAgain = false;
  private readonly resyncDelayMs: number;
  private readonly incompleteRetries: number;
  private readonly retryDelayMs: number;
  private readonly publishIntervalMs: number;
  private publishTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly source: HarSource,
    private readonly onChange: (entries: HarEntry[]) => void,
    private readonly signal: AbortSignal,
    options: LiveCaptureOptions = {},
  ) {
    this.resyncDelayMs = options.resyncDelayMs ?? 250;
    this.incompleteRetries = options.incompleteRetries ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 750;
    this.publishIntervalMs = options.publishIntervalMs ?? 50;
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
          this.scheduleResync(this.resyncDelayMs, this.incompleteRetries);
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
    const snapshot = await this.source.snapshot();
    if (this.signal.aborted) return;
    this.store.applySnapshot(snapshot);
    this.publish();
    if (this.store.hasIncompleteEntries() && this.retriesLeft > 0) {
      this.retriesLeft -= 1;
      this.scheduleResync(this.retryDelayMs, this.retriesLeft);
    }
  }

  private scheduleResync(delayMs: number, retries: number): void {
    if (this.signal.aborted) return;
    clearTimeout(this.resyncTimer);
    this.retriesLeft = retries;
    this.resyncTimer = setTimeout(() => void this.resync(), delayMs);
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
    if (!this.signal.aborted) this.onChange(this.store.entries());
  }
}
