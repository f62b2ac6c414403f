// The worker's side of a large import: it reads, parses and diagnoses the file off the panel's thread, keeps
// the entries, and hands the rows over in slices the panel asks for one at a time. Pure apart from `post`:
// the worker wires it to postMessage, the tests to an in-process client.
import { diagnose, exportReport, isReport, parseHarText, reopenReport, type DiagnoseOptions, type DiagnoseResult, type ReportExchange } from '../../engine/index';
import { entriesOf } from '../entry-facts';
import { buildRows } from '../model/rows';
import { applyEdits, type ResponseEdit } from '../model/what-if';
import { SLICE_ROWS, type ClientMessage, type StreamHead, type WorkerExportOptions, type WorkerMessage } from './capture-protocol';

interface KeptCapture {
  /** What the file held (a reopened report's embedded HAR): what an export starts from. */
  input: unknown;
  entries: unknown[];
  options: DiagnoseOptions;
  /** The recorded diagnosis's exchanges: what-if edits reopen every entry of an edited exchange. */
  exchanges: readonly ReportExchange[];
  byEntry: Map<number, readonly number[]> | null;
}

interface Stream {
  exchanges: readonly ReportExchange[];
  /** Rows always show the recorded entries (a what-if run changes verdicts, not the recording). */
  entries: readonly unknown[];
  position: number;
}

const GONE = { message: 'This capture is no longer loaded; import the file again.', path: '' };

export class CaptureHost {
  private readonly captures = new Map<number, KeptCapture>();
  private readonly streams = new Map<number, Stream>();
  /** Requests the panel gave up on before they ran (a newer what-if edit, a newer import). */
  private readonly cancelled = new Set<number>();
  /** The capture each import request made: cancelling the import after it was kept drops it again. */
  private readonly madeBy = new Map<number, number>();
  private nextCapture = 1;

  constructor(
    private readonly post: (message: WorkerMessage) => void,
    private readonly sliceRows = SLICE_ROWS,
    /** What-if runs wait for this, so that a burst of edits (typing) runs only the last one. */
    private readonly defer: (task: () => void) => void = (task) => setTimeout(task, 0),
  ) {}

  /** How many captures the worker holds (tests check that dropped ones go). */
  get kept(): number {
    return this.captures.size;
  }

  /** Never throws: a request that fails unexpectedly is answered 'failed', so the panel never waits forever. */
  async handle(message: ClientMessage): Promise<void> {
    try {
      await this.dispatch(message);
    } catch (error) {
      if (message.kind !== 'drop') this.fail(message.request, error);
    }
  }

  private fail(request: number, error: unknown): void {
    this.streams.delete(request);
    const detail = error instanceof Error ? error.message : String(error);
    this.post({ kind: 'failed', request, message: `could not be diagnosed (internal error: ${detail.split('\n')[0] ?? ''}).` });
  }

  private dispatch(message: ClientMessage): Promise<void> | void {
    switch (message.kind) {
      case 'diagnose':
        this.post({ kind: 'diagnosed', request: message.request, result: diagnose(message.input, message.options) });
        return;
      case 'import':
        return this.importFile(message.request, message.file, message.options);
      case 'what-if':
        this.defer(() => {
          try {
            this.whatIf(message.request, message.capture, message.edits);
          } catch (error) {
            this.fail(message.request, error);
          }
        });
        return;
      case 'next':
        this.sendSlice(message.request);
        return;
      case 'cancel': {
        this.cancelled.add(message.request);
        this.streams.delete(message.request);
        const made = this.madeBy.get(message.request);
        if (made !== undefined) this.forget(made);
        return;
      }
      case 'entries': {
        const kept = this.captures.get(message.capture);
        this.post({ kind: 'entries', request: message.request, entries: kept ? message.indices.map((index) => kept.entries[index]) : null });
        return;
      }
      case 'export':
        this.exportCapture(message.request, message.capture, message.options);
        return;
      case 'drop':
        this.forget(message.capture);
        return;
    }
  }

  private forget(capture: number): void {
    this.captures.delete(capture);
    for (const [request, made] of this.madeBy) if (made === capture) this.madeBy.delete(request);
  }

  private async importFile(request: number, file: Blob, options: DiagnoseOptions): Promise<void> {
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      this.post({ kind: 'failed', request, message: `could not be read (${error instanceof Error ? error.message : String(error)}).` });
      return;
    }
    if (this.cancelled.delete(request)) return;
    // The same checks, in the same order and with the same messages, as an import on the panel's thread.
    const parsed = parseHarText(text);
    if (!parsed.ok) {
      this.post({ kind: 'failed', request, message: parsed.error.message });
      return;
    }
    let input = parsed.value;
    if (isReport(input)) {
      const reopened = reopenReport(input);
      if (!reopened.ok) {
        this.post({ kind: 'failed', request, message: reopened.error.message });
        return;
      }
      input = reopened.har;
    }
    const entries = entriesOf(input);
    this.post({ kind: 'progress', request, progress: { phase: 'diagnosing', done: 0, total: entries.length } });
    const result = diagnose(input, options);
    if (this.cancelled.delete(request)) return;
    const capture = this.nextCapture++;
    this.captures.set(capture, { input, entries, options, exchanges: result.ok ? result.report.exchanges : [], byEntry: null });
    this.madeBy.set(request, capture);
    this.startStream(request, capture, entries, result);
  }

  private whatIf(request: number, capture: number, edits: [number, ResponseEdit][]): void {
    if (this.cancelled.delete(request)) return;
    const kept = this.captures.get(capture);
    if (!kept) {
      this.post({ kind: 'start', request, capture: null, entries: 0, head: { ok: false, error: GONE } });
      return;
    }
    this.post({ kind: 'progress', request, progress: { phase: 'diagnosing', done: 0, total: kept.entries.length } });
    const edited = applyEdits(kept.entries, new Map(edits), (index) => this.exchangeOf(kept, index));
    const result = diagnose(edited, kept.options);
    if (this.cancelled.delete(request)) return;
    this.startStream(request, null, kept.entries, result);
  }

  private exchangeOf(kept: KeptCapture, index: number): readonly number[] {
    if (kept.byEntry === null) {
      kept.byEntry = new Map();
      for (const exchange of kept.exchanges) for (const entry of exchange.entries) kept.byEntry.set(entry, exchange.entries);
    }
    return kept.byEntry.get(index) ?? [index];
  }

  private startStream(request: number, capture: number | null, entries: readonly unknown[], result: DiagnoseResult): void {
    let head: StreamHead;
    if (result.ok) {
      const { exchanges, ...report } = result.report;
      head = { ok: true, report, exchanges: exchanges.length };
      if (exchanges.length > 0) this.streams.set(request, { exchanges, entries, position: 0 });
    } else {
      head = { ok: false, error: result.error };
    }
    this.post({ kind: 'start', request, capture, entries: entries.length, head });
  }

  /** Rows are built slice by slice, as the panel asks: the worker never holds them all either. */
  private sendSlice(request: number): void {
    const stream = this.streams.get(request);
    if (!stream) return;
    const end = Math.min(stream.exchanges.length, stream.position + this.sliceRows);
    const rows = buildRows(stream.exchanges.slice(stream.position, end), stream.entries);
    stream.position = end;
    if (end >= stream.exchanges.length) this.streams.delete(request);
    this.post({ kind: 'slice', request, rows });
  }

  private exportCapture(request: number, capture: number, options: WorkerExportOptions): void {
    const kept = this.captures.get(capture);
    if (!kept) {
      this.post({ kind: 'exported', request, outcome: { ok: false, error: GONE } });
      return;
    }
    let percent = -1;
    const result = exportReport(kept.input, {
      ...options,
      onProgress: (done, total) => {
        const now = total === 0 ? 100 : Math.floor((done / total) * 100);
        if (now === percent) return;
        percent = now;
        this.post({ kind: 'progress', request, progress: { phase: 'exporting', done, total } });
      },
    });
    if (!result.ok) {
      this.post({ kind: 'exported', request, outcome: { ok: false, error: result.error } });
      return;
    }
    const redactions = result.document.export.redactions.reduce((sum, item) => sum + item.count, 0);
    const blob = new Blob([result.content], { type: result.mimeType });
    this.post({ kind: 'exported', request, outcome: { ok: true, blob, filename: result.filename, redactions } });
  }
}
