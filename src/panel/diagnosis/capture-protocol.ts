// The messages between the panel and the diagnosis worker that holds a large imported capture. The worker
// reads, parses and diagnoses the file and keeps its entries; the panel receives the rows in slices it asks
// for one at a time, so no single message (and no single task on the panel's thread) is large.
import type { DiagnoseOptions, DiagnoseResult, ExportOptions, InputError, Report } from '../../engine/index';
import type { ExchangeRow } from '../model/rows';
import type { ResponseEdit } from '../model/what-if';

/** Exchanges per slice: about 3 MB of structured clone, a few tens of ms to receive on the panel's thread. */
export const SLICE_ROWS = 2_000;

/** What a request to the worker is doing, for the progress banner (and the export menu's progress bar). */
export type Phase = 'reading' | 'diagnosing' | 'loading' | 'exporting';

export interface Progress {
  phase: Phase;
  /** reading: bytes read; diagnosing: 0; loading: exchanges received so far; exporting: steps done. */
  done: number;
  /** reading: bytes of the file; diagnosing: entries; loading: all exchanges; exporting: all steps. */
  total: number;
}

/** The options an export in the worker takes: everything but the progress callback (a function does not clone). */
export type WorkerExportOptions = Omit<ExportOptions, 'onProgress'>;

/** The report without its exchanges: they follow as rows, in slices. */
export type ReportHead = Omit<Report, 'exchanges'>;

export type ClientMessage =
  /** The whole diagnosis of `input`, in one reply (live captures and what-if edits of an inline capture). */
  | { kind: 'diagnose'; request: number; input: unknown; options: DiagnoseOptions }
  /** Read, parse and diagnose a file; the worker keeps it as a capture and streams its rows. */
  | { kind: 'import'; request: number; file: Blob; options: DiagnoseOptions }
  /** Re-diagnose a kept capture with these response edits (keyed by entry index); streams the rows. */
  | { kind: 'what-if'; request: number; capture: number; edits: [number, ResponseEdit][] }
  /** The next slice of a stream. */
  | { kind: 'next'; request: number }
  /** The panel lost interest in a request: stop streaming it, or skip it if it has not started. */
  | { kind: 'cancel'; request: number }
  /** Raw entries of a kept capture, by index (the detail pane shows their headers). */
  | { kind: 'entries'; request: number; capture: number; indices: number[] }
  | { kind: 'export'; request: number; capture: number; options: WorkerExportOptions }
  /** Forget a kept capture. */
  | { kind: 'drop'; capture: number };

export type StreamHead = { ok: true; report: ReportHead; exchanges: number } | { ok: false; error: InputError };

export type ExportOutcome =
  | { ok: true; blob: Blob; filename: string; redactions: number }
  | { ok: false; error: InputError };

export type WorkerMessage =
  | { kind: 'diagnosed'; request: number; result: DiagnoseResult }
  | { kind: 'progress'; request: number; progress: Progress }
  /**
   * The request failed: an import's file was not JSON or a report without its HAR (`message` follows the file
   * name, as on the panel's thread), or the worker hit an internal error.
   */
  | { kind: 'failed'; request: number; message: string }
  /** A stream begins: the kept capture's id (imports only), its entry count and the report's head. */
  | { kind: 'start'; request: number; capture: number | null; entries: number; head: StreamHead }
  | { kind: 'slice'; request: number; rows: ExchangeRow[] }
  /** null: the capture is no longer kept. */
  | { kind: 'entries'; request: number; entries: unknown[] | null }
  | { kind: 'exported'; request: number; outcome: ExportOutcome };
