// The messages between the panel and its one diagnosis worker. The worker keeps every capture the panel shows
// (the live one, an imported file, a reopened report) with its entries and diagnosis; the panel holds the grid's
// compact rows only, receives them as deltas (live) or in slices it asks for one at a time (imports, what-if),
// and asks for the full exchange and raw entries of the one exchange it shows in detail.
import type { DiagnoseOptions, ExportOptions, InputError, JudgedBrowser, Problem, ReportExchange, ReportSummary, ServerFix } from '../../engine/index';
import type { HostBrowser } from '../../platform/host-browser';
import type { CaptureChange } from '../capture-changes';
import type { EntryFacts } from '../entry-facts';
import type { ExchangeRow } from '../model/rows';
import type { ResponseEdit } from '../model/what-if';
import type { PackedSnippets } from './live-snippets';

/** Exchanges per slice: a few hundred KB of structured clone, a few ms to receive on the panel's thread. */
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

/** A problem as the panel lists it: every field but the affected exchanges' ids (a problem can have thousands). */
export type PanelProblem = Omit<Problem, 'exchanges'>;

/** What the panel shows of a diagnosis besides its rows. */
export type ViewHead =
  | {
      ok: true;
      summary: ReportSummary;
      /** The browser whose checks the verdicts replay (the grid and the Problems view name its errors). */
      browser: JudgedBrowser;
      inputErrors: number;
      firstInputError: string | null;
      /** A reopened JSON report: whether today's diagnosis of its HAR equals the one it stored. */
      reopened: { matches: boolean } | null;
      /** The problems, without their exchange ids (the rows name their problems): the Problems view's list. */
      problems: readonly PanelProblem[];
      /** Each server's one configuration that fixes all its blocking problems (report.servers). */
      servers: readonly ServerFix[];
    }
  | { ok: false; error: InputError };

/** Exchanges a live capture dropped (oldest first, beyond its limit), still counted. */
export interface Dropped {
  exchanges: number;
  crossOrigin: number;
  blocked: number;
  warnings: number;
}

export const NOTHING_DROPPED: Dropped = { exchanges: 0, crossOrigin: 0, blocked: 0, warnings: 0 };

/** The exchange the detail pane shows, with its entries as recorded (indices are log indices). */
export interface Detail {
  exchange: ReportExchange;
  entries: EntryFacts[];
  /** The raw entries, in the order of `entries`. */
  raw: unknown[];
}

export type ClientMessage =
  /**
   * Start (or restart) the live capture; its rows come back as `live-rows` deltas with this request id. `browser`
   * is the browser recording it, whose CORS checks the diagnosis replays.
   */
  | { kind: 'live'; request: number; options: DiagnoseOptions; browser: HostBrowser }
  /** What changed in the live capture (see CaptureStore). */
  | { kind: 'live-changes'; request: number; changes: CaptureChange[] }
  /** Read, parse and diagnose a file; the worker keeps it as a capture and streams its rows. */
  | { kind: 'import'; request: number; file: Blob; options: DiagnoseOptions }
  /** Re-diagnose a kept capture with these response edits (keyed by entry index); streams the rows. */
  | { kind: 'what-if'; request: number; capture: number; edits: [number, ResponseEdit][] }
  /** The next slice of a stream. */
  | { kind: 'next'; request: number }
  /** The panel lost interest in a request: stop streaming it, or skip it if it has not started. */
  | { kind: 'cancel'; request: number }
  /** Raw entries of a kept capture, by index. */
  | { kind: 'entries'; request: number; capture: number; indices: number[] }
  /** One exchange of a kept capture, as recorded or (whatIf) as the last what-if run of it diagnosed it. */
  | { kind: 'detail'; request: number; capture: number; id: string; whatIf: boolean }
  | { kind: 'export'; request: number; capture: number; options: WorkerExportOptions }
  /** Forget a kept capture. */
  | { kind: 'drop'; capture: number };

export type ExportOutcome =
  | { ok: true; blob: Blob; filename: string; redactions: number }
  | { ok: false; error: InputError };

export type WorkerMessage =
  | { kind: 'progress'; request: number; progress: Progress }
  /**
   * The request failed: an import's file was not JSON or a report without its HAR (`message` follows the file
   * name), or the worker hit an internal error.
   */
  | { kind: 'failed'; request: number; message: string }
  /** A stream begins: the kept capture's id (imports only), its entry count, the head and how many rows follow. */
  | { kind: 'start'; request: number; capture: number | null; entries: number; head: ViewHead; exchanges: number }
  | { kind: 'slice'; request: number; rows: ExchangeRow[] }
  /** The live capture changed: rows to remove (by id) and to add, the new head and what was dropped so far. */
  | {
      kind: 'live-rows';
      request: number;
      capture: number;
      removed: string[];
      added: ExchangeRow[];
      /** Its fixes' snippets are empty here and travel in `snippets` (see live-snippets.ts). */
      head: ViewHead;
      snippets: PackedSnippets;
      /** Entries kept now, and how many older ones were dropped (the first kept one's log index). */
      entries: number;
      base: number;
      dropped: Dropped;
    }
  /** null: the capture is no longer kept. */
  | { kind: 'entries'; request: number; entries: unknown[] | null }
  | { kind: 'detail'; request: number; detail: Detail | null }
  | { kind: 'exported'; request: number; outcome: ExportOutcome };
