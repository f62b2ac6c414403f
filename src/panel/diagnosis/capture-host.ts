// The worker's side: it keeps every capture the panel shows — the live one, growing as the page runs, and
// imported files — with its entries and diagnosis, and hands the panel compact rows: as deltas for the live
// capture, in slices the panel asks for one at a time for imports and what-if runs. Pure apart from `post`: the
// worker wires it to postMessage, the tests and a platform without workers to an in-process port.
import { DiagnosisSession, diagnose, exportReport, isReport, parseHarText, reopenReport, type DiagnoseOptions, type DiagnoseResult, type Report, type ReportExchange, type ServerFix } from '../../engine/index';
import type { HostBrowser } from '../../platform/host-browser';
import { applyChanges, type CaptureChange } from '../capture-changes';
import { entriesOf, entryFacts } from '../entry-facts';
import { buildRow, shiftId, type ExchangeRow } from '../model/rows';
import { applyEdits, type ResponseEdit } from '../model/what-if';
import { SnippetPacker } from './live-snippets';
import { NOTHING_DROPPED, SLICE_ROWS, type ClientMessage, type Detail, type Dropped, type ViewHead, type WorkerExportOptions, type WorkerMessage } from './capture-protocol';

interface KeptCapture {
  /** What an export starts from: the file's content (a reopened report's embedded HAR), or the live entries. */
  input: unknown;
  entries: unknown[];
  options: DiagnoseOptions;
  /** The recorded diagnosis's exchanges: what-if edits reopen every entry of an edited exchange. */
  exchanges: readonly ReportExchange[];
  byEntry: Map<number, readonly number[]> | null;
  byId: Map<string, ReportExchange> | null;
  /** A live capture that dropped its oldest entries numbers the rest from here (what the panel's ids say). */
  base: number;
  /** The exchanges of the last what-if run, by id (the detail pane shows them while edits are on). */
  whatIf: Map<string, ReportExchange> | null;
}

/** The live capture: a kept capture that grows, diagnosed by a DiagnosisSession (only what a change touches). */
interface Live {
  request: number;
  capture: number;
  kept: KeptCapture;
  session: DiagnosisSession;
  /**
   * The exchanges the panel has rows of, as the last report listed them: the session's own list
   * (DiagnosisSession.view()), which changes in place only at the next update, when this is set again; a rebuild
   * keeps the old session's list, which nothing changes any more.
   */
  shown: readonly ReportExchange[];
  /** True after a change the session cannot follow (Clear, a navigation, the limit): diagnose the rest again. */
  rebuild: boolean;
  /** The exchanges before a rebuild, with the entries and base they were numbered in, to tell what changed. */
  before: { exchanges: readonly ReportExchange[]; entries: readonly unknown[]; base: number } | null;
  dropped: Dropped;
  scheduled: boolean;
  /**
   * The server configurations last sent, rendered: each live update posts the head, and cloning it renders every
   * server's 19 snippets from every exchange of the server (20–50 ms at 20k exchanges). A server keeps the
   * snippets last rendered for it while its lines are the same and the capture has not grown by a tenth since.
   */
  servers?: { entries: number; value: readonly ServerFix[] };
  /** Sends each fix's snippets once (see live-snippets.ts). */
  snippets: SnippetPacker;
}

interface Stream {
  exchanges: readonly ReportExchange[];
  /** Rows always show the recorded entries (a what-if run changes verdicts, not the recording). */
  entries: readonly unknown[];
  base: number;
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
  private live: Live | null = null;
  private nextCapture = 1;
  /** How many full diagnoses this host ran (imports, reopened reports, what-if, live rebuilds): tests count them. */
  diagnoses = 0;

  constructor(
    private readonly post: (message: WorkerMessage) => void,
    private readonly sliceRows = SLICE_ROWS,
    /** What-if runs and live updates wait for this, so that a burst of edits or changes runs once. */
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
      case 'live':
        this.startLive(message.request, message.options, message.browser);
        return;
      case 'live-changes':
        this.liveChanges(message.request, message.changes);
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
        this.post({ kind: 'entries', request: message.request, entries: kept ? message.indices.map((index) => kept.entries[index - kept.base]) : null });
        return;
      }
      case 'detail':
        this.post({ kind: 'detail', request: message.request, detail: this.detail(message.capture, message.id, message.whatIf) });
        return;
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

  private keep(kept: Omit<KeptCapture, 'byEntry' | 'byId' | 'whatIf' | 'base'>, base = 0): { capture: number; kept: KeptCapture } {
    const capture = this.nextCapture++;
    const full: KeptCapture = { ...kept, byEntry: null, byId: null, whatIf: null, base };
    this.captures.set(capture, full);
    return { capture, kept: full };
  }

  // The live capture.

  private startLive(request: number, given: DiagnoseOptions, browser: HostBrowser): void {
    if (this.live !== null) this.forget(this.live.capture);
    // The live capture's diagnosis, its what-if runs and exports all judge for the browser it runs in (kept.options).
    const options: DiagnoseOptions = { ...given, browser };
    const entries: unknown[] = [];
    const { capture, kept } = this.keep({ input: entries, entries, options, exchanges: [] });
    this.live = { request, capture, kept, session: new DiagnosisSession(options), shown: [], rebuild: false, before: null, dropped: { ...NOTHING_DROPPED }, scheduled: false, snippets: new SnippetPacker() };
    this.sendLive(this.live, [], [], this.live.session.report());
  }

  private liveChanges(request: number, changes: readonly CaptureChange[]): void {
    const live = this.live;
    if (live === null || live.request !== request) return;
    const { kept } = live;
    for (const change of changes) {
      switch (change.kind) {
        case 'append':
          if (!live.rebuild) live.session.add(change.entries);
          break;
        case 'replace':
          if (!live.rebuild && !live.session.replace(change.index, change.entry)) this.startOver(live);
          break;
        case 'drop':
          this.startOver(live);
          this.countDropped(live, change.count);
          kept.base += change.count;
          break;
        case 'keep':
          this.startOver(live);
          break;
      }
      kept.entries = applyChanges(kept.entries, [change]);
    }
    kept.input = kept.entries;
    if (live.scheduled) return;
    live.scheduled = true;
    // Changes that arrive while this one waits are diagnosed with it.
    this.defer(() => {
      live.scheduled = false;
      if (this.live !== live) return;
      try {
        this.liveReport(live);
      } catch (error) {
        this.fail(live.request, error);
      }
    });
  }

  private startOver(live: Live): void {
    if (live.rebuild) return;
    live.rebuild = true;
    // A copy: the changes that follow edit the list in place.
    live.before = { exchanges: live.shown, entries: live.kept.entries.slice(), base: live.kept.base };
  }

  /** The exchanges that start in the oldest `count` entries go; what they count stays counted. */
  private countDropped(live: Live, count: number): void {
    // The exchanges the panel has rows of, numbered from the base they were diagnosed at.
    const exchanges = live.before?.exchanges ?? live.shown;
    const gone = live.kept.base - (live.before?.base ?? live.kept.base);
    for (const exchange of exchanges) {
      const first = exchange.entries[0] ?? 0;
      if (first < gone) continue;
      if (first >= gone + count) break;
      live.dropped.exchanges += 1;
      if (exchange.kind !== 'same-origin' && exchange.kind !== 'navigation') live.dropped.crossOrigin += 1;
      if (exchange.verdict === 'blocked') live.dropped.blocked += 1;
      live.dropped.warnings += exchange.findings.filter((finding) => finding.severity === 'warning').length;
    }
  }

  private liveReport(live: Live): void {
    const { kept } = live;
    if (live.rebuild) {
      live.session = new DiagnosisSession(kept.options);
      live.session.add(kept.entries);
      this.diagnoses += 1;
    }
    // Not a copy of every exchange at each update (shown and kept.exchanges are replaced with the next one).
    const report = live.session.view();
    // After a rebuild the rows are compared below; the session's own change list starts now.
    if (live.rebuild) live.session.takeChanges();
    const next = report.exchanges;
    const removed: string[] = [];
    const added: ExchangeRow[] = [];
    if (live.rebuild && live.before !== null) {
      // Everything was diagnosed again: rows that read the same stay as they are on the panel.
      const { exchanges, entries, base } = live.before;
      const before = new Map(exchanges.map((exchange) => {
        const row = buildRow(exchange, entries, base);
        return [row.id, JSON.stringify(row)] as const;
      }));
      const after = new Set<string>();
      for (const exchange of next) {
        const row = buildRow(exchange, kept.entries, kept.base);
        after.add(row.id);
        const previous = before.get(row.id);
        if (previous === JSON.stringify(row)) continue;
        if (previous !== undefined) removed.push(row.id);
        added.push(row);
      }
      for (const id of before.keys()) if (!after.has(id)) removed.push(id);
    } else {
      // Only what the session diagnosed again: an update costs what it changed, not what is captured.
      const changes = live.session.takeChanges();
      const gone = new Set(changes.removed);
      const came = new Set(changes.added);
      for (const exchange of changes.removed) if (!came.has(exchange)) removed.push(shiftId(exchange.id, kept.base));
      for (const exchange of changes.added) if (!gone.has(exchange)) added.push(buildRow(exchange, kept.entries, kept.base));
    }
    live.rebuild = false;
    live.before = null;
    live.shown = next;
    kept.exchanges = next;
    kept.byEntry = null;
    kept.byId = null;
    this.sendLive(live, removed, added, report);
  }

  private sendLive(live: Live, removed: string[], added: ExchangeRow[], report: Report): void {
    const { head, snippets } = live.snippets.pack(headOf({ ok: true, report: { ...report, servers: liveServers(live, report.servers) } }, null));
    this.post({
      kind: 'live-rows',
      request: live.request,
      capture: live.capture,
      removed,
      added,
      head,
      snippets,
      entries: live.kept.entries.length,
      base: live.kept.base,
      dropped: { ...live.dropped },
    });
  }

  // Imports.

  private async importFile(request: number, file: Blob, options: DiagnoseOptions): Promise<void> {
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      this.post({ kind: 'failed', request, message: `could not be read (${error instanceof Error ? error.message : String(error)}).` });
      return;
    }
    if (this.cancelled.delete(request)) return;
    const parsed = parseHarText(text);
    if (!parsed.ok) {
      this.post({ kind: 'failed', request, message: parsed.error.message });
      return;
    }
    let input = parsed.value;
    let result: DiagnoseResult;
    let reopened: { matches: boolean } | null = null;
    if (isReport(input)) {
      // An exported report reopens from the HAR it carries, diagnosed once (today's rules), and says whether
      // that diagnosis equals the one it stored.
      const opened = reopenReport(input);
      this.diagnoses += 1;
      if (!opened.ok) {
        this.post({ kind: 'failed', request, message: opened.error.message });
        return;
      }
      input = opened.har;
      reopened = { matches: opened.matches };
      result = { ok: true, report: opened.report };
      this.post({ kind: 'progress', request, progress: { phase: 'diagnosing', done: 0, total: entriesOf(input).length } });
    } else {
      this.post({ kind: 'progress', request, progress: { phase: 'diagnosing', done: 0, total: entriesOf(input).length } });
      result = diagnose(input, options);
      this.diagnoses += 1;
    }
    if (this.cancelled.delete(request)) return;
    const entries = entriesOf(input);
    const { capture } = this.keep({ input, entries, options, exchanges: result.ok ? result.report.exchanges : [] });
    this.madeBy.set(request, capture);
    this.startStream(request, capture, entries, 0, result, reopened);
  }

  private whatIf(request: number, capture: number, edits: [number, ResponseEdit][]): void {
    if (this.cancelled.delete(request)) return;
    const kept = this.captures.get(capture);
    if (!kept) {
      this.post({ kind: 'start', request, capture: null, entries: 0, head: { ok: false, error: GONE }, exchanges: 0 });
      return;
    }
    this.post({ kind: 'progress', request, progress: { phase: 'diagnosing', done: 0, total: kept.entries.length } });
    const local = new Map(edits.map(([index, edit]) => [index - kept.base, edit] as const));
    const edited = applyEdits(kept.entries, local, (index) => this.exchangeOf(kept, index));
    const result = diagnose(edited, kept.options);
    this.diagnoses += 1;
    if (this.cancelled.delete(request)) return;
    kept.whatIf = result.ok ? new Map(result.report.exchanges.map((exchange) => [shiftId(exchange.id, kept.base), exchange])) : null;
    this.startStream(request, null, kept.entries, kept.base, result, null);
  }

  private exchangeOf(kept: KeptCapture, index: number): readonly number[] {
    if (kept.byEntry === null) {
      kept.byEntry = new Map();
      for (const exchange of kept.exchanges) for (const entry of exchange.entries) kept.byEntry.set(entry, exchange.entries);
    }
    return kept.byEntry.get(index) ?? [index];
  }

  private detail(capture: number, id: string, whatIf: boolean): Detail | null {
    const kept = this.captures.get(capture);
    if (!kept) return null;
    if (kept.byId === null) kept.byId = new Map(kept.exchanges.map((exchange) => [shiftId(exchange.id, kept.base), exchange]));
    const recorded = kept.byId.get(id);
    const exchange = (whatIf ? kept.whatIf?.get(id) : undefined) ?? recorded;
    if (exchange === undefined) return null;
    const shifted = shiftExchange(exchange, kept.base);
    return {
      exchange: shifted,
      entries: shifted.entries.map((index) => entryFacts(kept.entries[index - kept.base], index)),
      raw: exchange.entries.map((index) => kept.entries[index]),
    };
  }

  private startStream(request: number, capture: number | null, entries: readonly unknown[], base: number, result: DiagnoseResult, reopened: { matches: boolean } | null): void {
    const exchanges = result.ok ? result.report.exchanges : [];
    if (exchanges.length > 0) this.streams.set(request, { exchanges, entries, base, position: 0 });
    this.post({ kind: 'start', request, capture, entries: entries.length, head: headOf(result, reopened), exchanges: exchanges.length });
  }

  /** Rows are built slice by slice, as the panel asks: the worker never holds them all either. */
  private sendSlice(request: number): void {
    const stream = this.streams.get(request);
    if (!stream) return;
    const end = Math.min(stream.exchanges.length, stream.position + this.sliceRows);
    const rows: ExchangeRow[] = [];
    for (let index = stream.position; index < end; index++) rows.push(buildRow(stream.exchanges[index] as ReportExchange, stream.entries, stream.base));
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
      // The export judges for the browser the capture was diagnosed for (the live host, or the one chosen).
      ...(kept.options.browser === undefined ? {} : { browser: kept.options.browser }),
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

/**
 * The live head's server configurations, each with the snippets last rendered for that server while what they
 * are rendered from is unchanged (see Live.servers): its counts and routes are always the current ones.
 */
function liveServers(live: Live, servers: readonly ServerFix[]): readonly ServerFix[] {
  const entries = live.kept.entries.length;
  const last = live.servers;
  const stale = last === undefined || entries >= last.entries * 1.1;
  const previous = new Map(stale ? [] : last.value.map((fix) => [snippetKey(fix), fix.snippets] as const));
  const value = servers.map((fix) => {
    const snippets = previous.get(snippetKey(fix));
    return snippets === undefined ? fix : { ...fix, snippets };
  });
  if (stale) live.servers = { entries, value };
  else live.servers = { entries: last.entries, value };
  return value;
}

/** What a server's snippets are rendered from, besides the capture's other requests (its lines, not its counts). */
function snippetKey(fix: ServerFix): string {
  return JSON.stringify([fix.server, fix.problems, fix.allowOrigins, fix.credentials, fix.preflightStatus, fix.headers, fix.notes, fix.routes.length > 0]);
}

function headOf(result: DiagnoseResult, reopened: { matches: boolean } | null): ViewHead {
  if (!result.ok) return { ok: false, error: result.error };
  const { summary, inputErrors, problems, servers, browser } = result.report;
  return { ok: true, summary, browser, inputErrors: inputErrors.length, firstInputError: inputErrors[0]?.message ?? null, reopened, problems: problems.map(({ exchanges: _ids, ...problem }) => problem), servers };
}

/** An exchange with its entry indices in the panel's numbering (after the live capture dropped its oldest). */
function shiftExchange(exchange: ReportExchange, base: number): ReportExchange {
  if (base === 0) return exchange;
  const shift = (index: number) => index + base;
  return {
    ...exchange,
    id: shiftId(exchange.id, base),
    entries: exchange.entries.map(shift),
    requestEntry: exchange.requestEntry === null ? null : shift(exchange.requestEntry),
    preflight: { ...exchange.preflight, entry: exchange.preflight.entry === null ? null : shift(exchange.preflight.entry) },
    findings: exchange.findings.map((finding) => ({ ...finding, entry: finding.entry === null ? null : shift(finding.entry) })),
  };
}
