// The panel's one capture controller: whatever the panel shows — the live capture, an imported .har file, a
// reopened JSON report, what-if edits of either — is kept and diagnosed by one diagnosis worker, through one
// CaptureClient. The controller holds what the panel shows (compact rows, counts, the selected exchange's
// details) and tells its subscribers when that changed; it knows no Preact and no chrome.* (the HarSource and the
// worker are handed in). Every listener and timer hangs off the AbortSignal given to start().
import type { BrowserId, DiagnoseOptions } from '../../engine/index';
import type { HarSource } from '../../platform/har-source';
import type { HostBrowser } from '../../platform/host-browser';
import { forWorker } from '../capture-changes';
import { CaptureClient, type LiveChannel, type LiveRows, type Running, type StreamOutcome, type WorkerPort } from '../diagnosis/capture-client';
import { NOTHING_DROPPED, type Detail, type Dropped, type Progress, type ViewHead, type WorkerExportOptions } from '../diagnosis/capture-protocol';
import { LiveCapture, type LiveCaptureOptions } from '../live-capture';
import { FilteredRows, RowStore } from '../model/row-store';
import { DEFAULT_FILTER, type ExchangeRow, type RowFilter } from '../model/rows';
import type { WhatIfEdits } from '../model/what-if';

/** An import under way, for the progress banner. */
export interface Loading {
  name: string;
  bytes: number;
  progress: Progress;
}

/** A live capture keeps at most this many exchanges unless told otherwise; older ones are dropped, still counted. */
export const DEFAULT_LIMIT = 200_000;

export interface CaptureView {
  /** The imported file's name; null while the live capture is shown. */
  imported: string | null;
  /** The browser an import is judged for when the user chose one; null: the one the HAR names. */
  importBrowser: BrowserId | null;
  /** What the toolbar names the source, and what exports say. */
  sourceName: string;
  sourceKind: 'file' | 'live' | 'memory';
  liveKind: HarSource['kind'];
  head: ViewHead;
  /** Every row, in capture order (the what-if run's while edits are on). */
  rows: readonly ExchangeRow[];
  /** The rows the filter shows, in capture order. */
  shown: readonly ExchangeRow[];
  filter: RowFilter;
  /**
   * Bumped by every change of the rows: `rows` and `shown` are changed in place (a live update costs what it
   * changed, not a copy of every row), so memos depend on this.
   */
  version: number;
  missingPreflights: number;
  navigations: number;
  loading: Loading | null;
  importError: string | null;
  /** What-if edits being diagnosed, over this many entries; null when none are. */
  pending: number | null;
  edits: WhatIfEdits;
  selectedId: string | null;
  detailOpen: boolean;
  /** The selected exchange in full, once the worker sent it (null before, or when closed). */
  detail: Detail | null;
  /** Live only: what was dropped beyond the limit (counts include it), and the limit. */
  dropped: Dropped;
  limit: number;
  /** Live only: responses announced without their headers, that a snapshot the user asks for would complete. */
  unconfirmed: number;
  /**
   * Live only (Firefox): preflights whose request was never announced — it may have been stopped by them, and
   * only a snapshot the user asks for would list it.
   */
  unlisted: number;
  preserveLog: boolean;
}

export interface ControllerOptions {
  /** Connects to a diagnosis worker (a real Worker in the extension, an in-process host in tests). */
  spawn: () => WorkerPort;
  limit?: number;
  live?: Omit<LiveCaptureOptions, 'browser'>;
  /**
   * The browser whose DevTools record the live capture (src/platform/host-browser.ts; default 'chromium'). The one
   * place it enters: it decides how the capture is read (LiveCapture) and goes to the worker with the live start.
   */
  browser?: HostBrowser;
}

const EMPTY_HEAD: ViewHead = {
  ok: true,
  summary: { exchanges: 0, crossOrigin: 0, blocked: 0, allowed: 0, unknown: 0, warnings: 0 },
  browser: { id: 'chromium', basis: 'assumed', recordedBy: null },
  inputErrors: 0,
  firstInputError: null,
  reopened: null,
  problems: [],
  servers: [],
};

/** Drop to this share of the limit once over it: drops come in batches, not one per new exchange. */
const KEEP_SHARE = 0.9;

interface Shown {
  capture: number | null;
  head: ViewHead;
  rows: RowStore;
}

export class CaptureController {
  private readonly client: CaptureClient;
  private readonly listeners = new Set<() => void>();
  private limit: number;
  private view: CaptureView;
  private live: Shown & { channel: LiveChannel | null; feed: LiveCapture | null; dropped: Dropped; base: number; stop: AbortController | null };
  private file: (Shown & { name: string; entries: number }) | null = null;
  private whatIf: { edits: WhatIfEdits; run: Running<StreamOutcome> | null; loaded: Shown | null; entries: number } | null = null;
  private importing: { token: number; run: Running<StreamOutcome> | null } = { token: 0, run: null };
  /** The last file imported, kept to diagnose it again for another browser. */
  private lastImport: File | null = null;
  private importBrowser: BrowserId | null = null;
  private detailToken = 0;
  private filter: RowFilter = DEFAULT_FILTER;
  private filtered: FilteredRows | null = null;
  private signal: AbortSignal | null = null;

  constructor(
    private readonly source: HarSource,
    private readonly options: ControllerOptions,
  ) {
    this.client = new CaptureClient(options.spawn);
    this.limit = options.limit ?? DEFAULT_LIMIT;
    this.live = { capture: null, head: EMPTY_HEAD, rows: new RowStore(), channel: null, feed: null, dropped: NOTHING_DROPPED, base: 0, stop: null };
    this.view = this.compose({ loading: null, importError: null, selectedId: null, detailOpen: false, detail: null, preserveLog: false });
  }

  get(): CaptureView {
    return this.view;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the live capture; `signal` stops everything (listeners, timers, the worker). */
  start(signal: AbortSignal): void {
    this.signal = signal;
    signal.addEventListener('abort', () => this.client.dispose(), { once: true });
    this.startLive();
  }

  /** How many getHAR() snapshots the live capture read (the soak benchmark reports it). */
  get snapshots(): number {
    return this.live.feed?.snapshots ?? 0;
  }

  /** The browser recording the live capture. */
  get browser(): HostBrowser {
    return this.options.browser ?? 'chromium';
  }

  /** Keeps at most `limit` exchanges of the live capture from now on (dropping the oldest beyond it at once). */
  setLimit(limit: number): void {
    this.limit = limit;
    this.dropBeyondLimit();
    this.update({});
  }

  /** Reads DevTools' whole capture again (completes responses announced before their headers). */
  resync(): void {
    void this.live.feed?.resync().then(() => this.update({}));
  }

  clear(): void {
    this.live.feed?.clear();
    this.resetView();
  }

  setPreserveLog(preserve: boolean): void {
    this.live.feed?.setPreserveLog(preserve);
    this.update({ preserveLog: preserve });
  }

  async importFile(file: File): Promise<void> {
    // The newest import wins: an earlier one still under way is abandoned.
    this.importing.run?.cancel();
    const token = ++this.importing.token;
    const stale = () => token !== this.importing.token || this.signal?.aborted === true;
    this.update({ loading: { name: file.name, bytes: file.size, progress: { phase: 'reading', done: 0, total: file.size } } });
    this.lastImport = file;
    const options: DiagnoseOptions = { sourceKind: 'file', sourceName: file.name, ...(this.importBrowser === null ? {} : { browser: this.importBrowser }) };
    const run = this.client.importFile(file, options, (progress) => {
      if (!stale()) this.update({ loading: { name: file.name, bytes: file.size, progress } });
    });
    this.importing.run = run;
    const outcome = await run.done;
    if (stale()) {
      if (outcome.ok && outcome.capture !== null) this.client.drop(outcome.capture);
      return;
    }
    this.importing.run = null;
    if (!outcome.ok || outcome.capture === null) {
      this.update({ loading: null, importError: `${file.name}: ${outcome.ok ? 'the diagnosis worker kept nothing.' : outcome.message}` });
      return;
    }
    if (this.file !== null) this.client.drop(this.file.capture as number);
    const rows = new RowStore();
    rows.replaceAll(outcome.loaded.rows);
    this.file = { capture: outcome.capture, head: outcome.loaded.head, rows, name: file.name, entries: outcome.entries };
    this.resetView({ loading: null, importError: null });
  }

  /** Judges imports for `browser` (null: the browser each HAR names); the open import is diagnosed again. */
  setImportBrowser(browser: BrowserId | null): void {
    this.importBrowser = browser;
    this.update({});
    if (this.file !== null && this.lastImport !== null) void this.importFile(this.lastImport);
  }

  backToLive(): void {
    if (this.file !== null) this.client.drop(this.file.capture as number);
    this.file = null;
    this.lastImport = null;
    this.resetView();
  }

  /** A row of what is shown, by id. */
  row(id: string): ExchangeRow | undefined {
    return (this.whatIf?.loaded ?? this.shown()).rows.get(id);
  }

  setFilter(filter: RowFilter): void {
    this.filter = filter;
    this.update({});
  }

  /** Selects an exchange (null: none); `open` shows its details. */
  select(id: string | null, open: boolean): void {
    const detailOpen = id !== null && (open || this.view.detailOpen);
    this.update({ selectedId: id, detailOpen, detail: this.view.detail?.exchange.id === id && detailOpen ? this.view.detail : null });
    if (detailOpen) this.fetchDetail();
  }

  closeDetail(): void {
    this.update({ detailOpen: false, detail: null });
  }

  /** Shows the capture diagnosed with these response edits (keyed by log index); none: the recording. */
  setEdits(edits: WhatIfEdits): void {
    this.whatIf?.run?.cancel();
    const shown = this.shown();
    if (edits.size === 0 || shown.capture === null) {
      this.whatIf = null;
      this.update({});
      this.fetchDetail();
      return;
    }
    const run = this.client.whatIf(shown.capture, edits, () => undefined);
    const entries = this.file?.entries ?? this.live.rows.rows.length;
    const whatIf: NonNullable<typeof this.whatIf> = { edits, run, loaded: this.whatIf?.loaded ?? null, entries };
    this.whatIf = whatIf;
    this.update({});
    void run.done.then((outcome) => {
      if (this.whatIf !== whatIf) return;
      const rows = new RowStore();
      if (outcome.ok) rows.replaceAll(outcome.loaded.rows);
      whatIf.run = null;
      whatIf.loaded = { capture: shown.capture, head: outcome.ok ? outcome.loaded.head : { ok: false, error: { message: outcome.message, path: '' } }, rows };
      this.update({});
      this.fetchDetail();
    });
  }

  /** Exports what is shown, in the worker that keeps it. */
  exportShown(options: WorkerExportOptions, onProgress: (done: number, total: number) => void) {
    const capture = this.shown().capture;
    if (capture === null) return Promise.resolve({ ok: false as const, error: { message: 'Nothing to export yet.', path: '' } });
    return this.client.exportCapture(capture, options, onProgress);
  }

  // The live capture.

  private startLive(): void {
    const signal = this.signal;
    if (signal === null || signal.aborted) return;
    this.live.stop?.abort();
    const stop = new AbortController();
    signal.addEventListener('abort', () => stop.abort(), { once: true });
    this.live.stop = stop;
    this.live.rows = new RowStore();
    this.live.base = 0;
    this.live.capture = null;
    const options: DiagnoseOptions = { sourceKind: this.source.kind === 'chrome' ? 'live' : this.source.kind, sourceName: this.source.label };
    const browser = this.browser;
    this.live.channel = this.client.live(
      options,
      browser,
      (message) => this.liveRows(message),
      (reason) => {
        // The worker stopped (out of memory, most likely): start over from DevTools' own record.
        if (stop.signal.aborted) return;
        this.update({ importError: `Live capture: the diagnosis stopped (${reason}); reading the capture again.` });
        this.startLive();
      },
    );
    const channel = this.live.channel;
    const feed = new LiveCapture(this.source, (changes) => channel.send(forWorker(changes)), stop.signal, { ...this.options.live, browser });
    this.live.feed = feed;
    void feed.start();
  }

  private liveRows(message: LiveRows): void {
    const live = this.live;
    live.head = message.head;
    live.dropped = message.dropped;
    // `capture` names the live capture in the worker from its first answer on.
    live.capture = message.capture;
    const change = live.rows.apply(message);
    if (this.filtered?.store === live.rows) this.filtered.follow(change);
    const selected = this.view.selectedId;
    const refetch = this.file === null && this.view.detailOpen && selected !== null && message.removed.includes(selected);
    if (message.base === live.base) this.dropBeyondLimit();
    this.update({});
    if (refetch) this.fetchDetail();
  }

  /** Over the limit: the oldest exchanges go, down to KEEP_SHARE of it (their counts stay). */
  private dropBeyondLimit(): void {
    const rows = this.live.rows.rows;
    if (rows.length <= this.limit || this.live.feed === null) return;
    const firstKept = rows[rows.length - Math.floor(this.limit * KEEP_SHARE)] as ExchangeRow;
    const count = firstKept.firstEntry - this.live.base;
    if (count <= 0) return;
    this.live.base += count;
    this.live.feed.dropOldest(count);
  }

  // What is shown.

  private shown(): Shown {
    return this.file ?? this.live;
  }

  private fetchDetail(): void {
    const { selectedId, detailOpen } = this.view;
    const capture = this.shown().capture;
    const token = ++this.detailToken;
    if (!detailOpen || selectedId === null || capture === null) return;
    void this.client.detail(capture, selectedId, this.whatIf?.loaded != null).then((detail) => {
      if (token !== this.detailToken || this.view.selectedId !== selectedId) return;
      this.update({ detail });
    });
  }

  private resetView(extra: Partial<CaptureView> = {}): void {
    this.whatIf?.run?.cancel();
    this.whatIf = null;
    ++this.detailToken;
    this.update({ selectedId: null, detailOpen: false, detail: null, ...extra });
  }

  private update(change: Partial<CaptureView>): void {
    this.view = this.compose({ ...this.view, ...change });
    for (const listener of this.listeners) listener();
  }

  private compose(state: Pick<CaptureView, 'loading' | 'importError' | 'selectedId' | 'detailOpen' | 'detail' | 'preserveLog'>): CaptureView {
    const base = this.shown();
    const whatIf = this.whatIf;
    const shown = whatIf?.loaded ?? base;
    if (this.filtered === null || this.filtered.store !== shown.rows || this.filtered.filter !== this.filter) this.filtered = new FilteredRows(shown.rows, this.filter);
    const file = this.file;
    return {
      ...state,
      imported: file?.name ?? null,
      importBrowser: this.importBrowser,
      sourceName: file?.name ?? this.source.label,
      sourceKind: file !== null ? 'file' : this.source.kind === 'chrome' ? 'live' : this.source.kind,
      liveKind: this.source.kind,
      head: shown.head,
      rows: shown.rows.rows,
      shown: this.filtered.rows,
      filter: this.filter,
      version: shown.rows.version,
      missingPreflights: shown.rows.missingPreflights,
      navigations: shown.rows.navigations,
      pending: whatIf !== null && whatIf.run !== null ? whatIf.entries : null,
      edits: whatIf?.edits ?? NO_EDITS,
      dropped: file === null ? this.live.dropped : NOTHING_DROPPED,
      limit: this.limit,
      unconfirmed: file === null ? (this.live.feed?.unconfirmed ?? 0) : 0,
      unlisted: file === null ? (this.live.feed?.unlisted ?? 0) : 0,
    };
  }
}

const NO_EDITS: WhatIfEdits = new Map();
