import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isReport, isStackId, parseHarText, reopenReport, type DiagnoseOptions, type StackId } from '../engine/index';
import { LocalStoragePreferences } from '../platform/preferences';
import { ExportMenu } from './export';
import type { HarEntry, HarSource } from '../platform/har-source';
import { CaptureClient, workerPort, type LoadedDiagnosis, type Running, type StreamOutcome } from './diagnosis/capture-client';
import type { Progress } from './diagnosis/capture-protocol';
import { EMPTY_DIAGNOSIS, useDiagnosis, type Diagnosis } from './diagnosis/use-diagnosis';
import { useLiveDiagnosis } from './diagnosis/use-live-diagnosis';
import { useRawEntries, useWorkerWhatIf } from './diagnosis/use-worker-capture';
import { createDiagnosisWorker } from './diagnosis/worker';
import { entriesOf } from './entry-facts';
import { ExchangeDetail } from './ExchangeDetail';
import { ExchangeGrid } from './ExchangeGrid';
import { LiveCapture } from './live-capture';
import { buildRows, DEFAULT_FILTER, DEFAULT_SORT, filterRows, sortRows, type QuickFilter, type RowFilter, type RowSort } from './model/rows';
import { applyEdits, withEdit, type WhatIfEdits } from './model/what-if';

export interface AppProps {
  /** The live traffic (Chrome's capture in the extension; a static or in-memory source in tests). */
  source: HarSource;
}

/** A .har file the user imported: diagnosed exactly as the CLI diagnoses it. */
type ImportedFile =
  /** A small file: parsed here, diagnosed here or by useDiagnosis's worker. */
  | { kind: 'inline'; name: string; input: unknown; entries: unknown[] }
  /**
   * A large file: the diagnosis worker read, parsed and diagnosed it and keeps its entries (the detail pane,
   * what-if edits and exports ask it); the panel holds only the rows.
   */
  | { kind: 'worker'; name: string; capture: number; entryCount: number; loaded: LoadedDiagnosis };

/** From this size on a file is read, parsed and diagnosed in the worker; smaller ones take a few ms here. */
export const IMPORT_IN_WORKER_BYTES = 1024 * 1024;

const NO_ENTRIES: readonly unknown[] = [];

/** An import under way, for the progress banner. */
interface Loading {
  name: string;
  bytes: number;
  progress: Progress;
}

const preferences = new LocalStoragePreferences();

const QUICK_FILTERS: { value: QuickFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'blocked', label: 'Blocked' },
  { value: 'warnings', label: 'Warnings' },
  { value: 'preflighted', label: 'Preflighted' },
];

export function App({ source }: AppProps) {
  const [liveEntries, setLiveEntries] = useState<HarEntry[]>([]);
  const [preserveLog, setPreserveLog] = useState(false);
  const [capture, setCapture] = useState<LiveCapture | null>(null);
  const [imported, setImported] = useState<ImportedFile | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detailOpen, setDetailOpen] = useState(false);
  const [filter, setFilter] = useState<RowFilter>(DEFAULT_FILTER);
  const [sort, setSort] = useState<RowSort>(DEFAULT_SORT);
  const [edits, setEdits] = useState<WhatIfEdits>(new Map());
  const [dragging, setDragging] = useState(false);
  const [loading, setLoading] = useState<Loading | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const client = useRef<CaptureClient | null>(null);
  const importing = useRef<{ token: number; run: Running<StreamOutcome> | null }>({ token: 0, run: null });
  const current = useRef<ImportedFile | null>(null);
  const focusDetail = useRef(false);
  const captureClient = () => (client.current ??= new CaptureClient(() => workerPort(createDiagnosisWorker())));

  useEffect(() => () => client.current?.dispose(), []);

  useEffect(() => {
    const controller = new AbortController();
    const live = new LiveCapture(source, setLiveEntries, controller.signal);
    setCapture(live);
    void live.start();
    return () => controller.abort();
  }, [source]);

  const inlineFile = imported?.kind === 'inline' ? imported : null;
  const workerFile = imported?.kind === 'worker' ? imported : null;
  // The entries this thread holds: none of a file the worker keeps.
  const entries: readonly unknown[] = inlineFile ? inlineFile.entries : workerFile ? NO_ENTRIES : liveEntries;
  const options: DiagnoseOptions = imported
    ? { sourceKind: 'file', sourceName: imported.name }
    : { sourceKind: source.kind === 'chrome' ? 'live' : source.kind, sourceName: source.label };
  // Live traffic is diagnosed incrementally; a small imported file at once (in a worker when it has many
  // entries); a large one arrived diagnosed from the worker.
  const live = useLiveDiagnosis(imported ? NO_ENTRIES : liveEntries, options);
  const fromFile = useDiagnosis(inlineFile ? inlineFile.input : null, inlineFile ? entries.length : 0, options);
  const recorded: Diagnosis = inlineFile ? fromFile : { result: workerFile ? workerFile.loaded.result : live, pending: false, pendingEntries: 0 };
  // Only what-if edits ask which exchange an entry belongs to: the index is built on their first question, not
  // on every live update.
  const exchangeOfEntry = useMemo(() => {
    let byEntry: Map<number, readonly number[]> | null = null;
    return (index: number) => {
      if (byEntry === null) {
        byEntry = new Map();
        if (recorded.result.ok) for (const exchange of recorded.result.report.exchanges) for (const entry of exchange.entries) byEntry.set(entry, exchange.entries);
      }
      return byEntry.get(index) ?? [index];
    };
  }, [recorded.result]);
  const editsHere = workerFile === null && edits.size > 0;
  const edited = useMemo(() => (editsHere ? applyEdits(entries, edits, exchangeOfEntry) : entries), [editsHere, entries, edits, exchangeOfEntry]);
  // What-if edits re-run the engine on the edited entries; without edits the recorded diagnosis is shown.
  const whatIf = useDiagnosis(editsHere ? edited : null, editsHere ? edited.length : 0, options);
  // A file the worker keeps is re-diagnosed there; the recorded rows stay on screen until the answer comes.
  const workerWhatIf = useWorkerWhatIf(workerFile ? client.current : null, workerFile?.capture ?? null, edits);
  const fromWorker = workerFile ? (edits.size > 0 && workerWhatIf.loaded ? workerWhatIf.loaded : workerFile.loaded) : null;
  // A small import still being diagnosed (its name already in the toolbar) shows its progress, never the rows of
  // the previous capture. A large one replaces the capture only once all its rows are here.
  const importPending = inlineFile !== null && recorded.pending;
  const diagnosis = fromWorker ? fromWorker.result : importPending ? EMPTY_DIAGNOSIS : edits.size > 0 ? whatIf.result : recorded.result;

  const rows = useMemo(
    () => (fromWorker ? fromWorker.rows : diagnosis.ok ? buildRows(diagnosis.report.exchanges, entries) : []),
    [fromWorker, diagnosis, entries],
  );
  const shown = useMemo(() => sortRows(filterRows(rows, filter), sort), [rows, filter, sort]);
  const selected = rows.find((row) => row.id === selectedId) ?? null;
  // The detail pane reads the selected exchange's raw entries: here, or fetched from the worker.
  const rawEntry = useRawEntries(workerFile ? client.current : null, workerFile?.capture ?? null, entries, detailOpen && selected ? selected.exchange.entries : null);
  const detailShown = detailOpen && selected !== null && rawEntry !== null;
  const pendingEntries = recorded.pending
    ? recorded.pendingEntries
    : whatIf.pending
      ? whatIf.pendingEntries
      : workerFile && workerWhatIf.pending
        ? workerFile.entryCount
        : null;

  useEffect(() => {
    // Enter on a row moves focus to the details once they are on screen (a kept file's entries come first).
    if (!focusDetail.current || !detailShown) return;
    focusDetail.current = false;
    document.getElementById('exchange-detail')?.focus();
  });

  const resetView = () => {
    setSelectedId(null);
    setDetailOpen(false);
    setEdits(new Map());
  };

  /** Shows `next` (or the live capture); the worker forgets the file it replaces. */
  const replaceImported = (next: ImportedFile | null) => {
    const previous = current.current;
    if (previous?.kind === 'worker' && previous !== next) client.current?.drop(previous.capture);
    current.current = next;
    setImported(next);
  };

  const importFile = async (file: File) => {
    // The newest import wins: an earlier one still under way is abandoned.
    importing.current.run?.cancel();
    const token = ++importing.current.token;
    const stale = () => token !== importing.current.token;
    const reading: Loading = { name: file.name, bytes: file.size, progress: { phase: 'reading', done: 0, total: file.size } };
    setLoading(reading);
    if (file.size >= IMPORT_IN_WORKER_BYTES && typeof Worker !== 'undefined') {
      await importInWorker(file, stale);
      return;
    }
    // Parsing holds the UI thread for a moment: say so on screen first.
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const parsed = parseHarText(await file.text());
    if (stale()) return;
    setLoading(null);
    if (!parsed.ok) {
      setImportError(`${file.name}: ${parsed.error.message}`);
      return;
    }
    // An exported cors-lens report reopens from the redacted HAR it carries.
    let input = parsed.value;
    if (isReport(input)) {
      const reopened = reopenReport(input);
      if (!reopened.ok) {
        setImportError(`${file.name}: ${reopened.error.message}`);
        return;
      }
      input = reopened.har;
    }
    setImportError(null);
    resetView();
    replaceImported({ kind: 'inline', name: file.name, input, entries: entriesOf(input) });
  };

  /** A large file goes to the worker whole (a File clones cheaply); its rows come back in slices. */
  const importInWorker = async (file: File, stale: () => boolean) => {
    const worker = captureClient();
    const run = worker.importFile(file, { sourceKind: 'file', sourceName: file.name }, (progress) => {
      if (!stale()) setLoading({ name: file.name, bytes: file.size, progress });
    });
    importing.current.run = run;
    const outcome = await run.done;
    if (stale()) {
      if (outcome.ok && outcome.capture !== null) worker.drop(outcome.capture);
      return;
    }
    importing.current.run = null;
    setLoading(null);
    if (!outcome.ok || outcome.capture === null) {
      setImportError(`${file.name}: ${outcome.ok ? 'the diagnosis worker kept nothing.' : outcome.message}`);
      return;
    }
    setImportError(null);
    resetView();
    replaceImported({ kind: 'worker', name: file.name, capture: outcome.capture, entryCount: outcome.entries, loaded: outcome.loaded });
  };

  const open = (id: string, moveFocus: boolean) => {
    setSelectedId(id);
    setDetailOpen(true);
    focusDetail.current = moveFocus;
  };
  const closeDetail = () => {
    setDetailOpen(false);
    grid.current?.querySelector<HTMLElement>('[role=grid]')?.focus();
  };

  const report = diagnosis.ok ? diagnosis.report : null;
  const summary = report?.summary ?? null;
  const missingPreflights = rows.filter((row) => row.exchange.preflight.status === 'not-in-capture').length;
  const capturedLate = !imported && source.kind === 'chrome' && rows.length > 0 && !rows.some((row) => row.kind === 'navigation');

  return (
    <div
      class={`app${dragging ? ' dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        const file = event.dataTransfer?.files?.[0];
        if (file) void importFile(file);
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !detailOpen) return;
        // Consumed here: DevTools would otherwise also toggle its console drawer.
        event.stopPropagation();
        closeDetail();
      }}
    >
      <header class="toolbar" role="toolbar" aria-label="CORS Lens controls">
        <button type="button" class="toolbar-button" onClick={() => { capture?.clear(); resetView(); }} disabled={imported !== null}>
          Clear
        </button>
        <label class="toolbar-toggle">
          <input
            type="checkbox"
            checked={preserveLog}
            disabled={imported !== null}
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              setPreserveLog(checked);
              capture?.setPreserveLog(checked);
            }}
          />
          Preserve log
        </label>
        <span class="toolbar-divider" />
        <input
          type="search"
          class="toolbar-filter"
          placeholder="Filter"
          aria-label="Filter exchanges by URL, method, error or rule"
          value={filter.text}
          onInput={(event) => setFilter({ ...filter, text: event.currentTarget.value })}
        />
        <div class="quick-filters" role="radiogroup" aria-label="Show">
          {QUICK_FILTERS.map((quick) => (
            <button
              key={quick.value}
              type="button"
              role="radio"
              aria-checked={filter.quick === quick.value}
              class={`quick-filter${filter.quick === quick.value ? ' active' : ''}`}
              onClick={() => setFilter({ ...filter, quick: quick.value })}
            >
              {quick.label}
            </button>
          ))}
        </div>
        <label class="toolbar-toggle">
          <input
            type="checkbox"
            checked={filter.showSameOrigin}
            onChange={(event) => setFilter({ ...filter, showSameOrigin: event.currentTarget.checked })}
          />
          Same-origin
        </label>
        <span class="toolbar-divider" />
        <button type="button" class="toolbar-button" onClick={() => fileInput.current?.click()}>
          Import HAR…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".har,.json,application/json"
          class="visually-hidden"
          tabIndex={-1}
          aria-label="HAR file to import"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) void importFile(file);
            event.currentTarget.value = '';
          }}
        />
        {imported ? (
          <button type="button" class="toolbar-button" onClick={() => { replaceImported(null); resetView(); }}>
            Back to live capture
          </button>
        ) : null}
        <ExportMenu
          input={rows.length > 0 ? (inlineFile ? inlineFile.input : (workerFile ?? liveEntries)) : null}
          runExport={workerFile ? (exportOptions, onProgress) => captureClient().exportCapture(workerFile.capture, exportOptions, onProgress) : undefined}
          sourceName={options.sourceName}
          sourceKind={options.sourceKind}
          filteredIds={shown.length === rows.length ? null : shown.map((row) => row.id)}
          selectedId={selectedId}
          stack={chosenStack(preferences.get('fix.stack'))}
        />
        <span class="toolbar-spacer" />
        <span class="toolbar-count" data-testid="counts" aria-live="polite">
          {summary
            ? `${summary.exchanges} exchanges · ${summary.crossOrigin} cross-origin · ${summary.blocked} blocked · ${summary.warnings} warnings`
            : ''}
        </span>
        <span class="toolbar-source" data-testid="source">{imported ? imported.name : source.label}</span>
      </header>
      {loading ? (
        <div class="banner progress" role="status" data-phase={loading.progress.phase}>
          {progressText(loading)}
        </div>
      ) : null}
      {pendingEntries !== null ? (
        <div class="banner progress" role="status">Diagnosing {pendingEntries.toLocaleString('en')} entries…</div>
      ) : null}
      {importError ? <div class="banner error" role="alert">Could not import {importError}</div> : null}
      {!diagnosis.ok ? (
        <div class="banner error" role="alert">
          Could not read the capture: {diagnosis.error.message} {diagnosis.error.path ? `(at ${diagnosis.error.path})` : ''}
        </div>
      ) : diagnosis.report.inputErrors.length > 0 ? (
        <div class="banner warning" role="status">
          {diagnosis.report.inputErrors.length} problem(s) reading the capture; first: {diagnosis.report.inputErrors[0]?.message}
        </div>
      ) : null}
      {capturedLate ? (
        <div class="banner info" role="status" data-banner="late">
          DevTools opened after the page loaded: earlier requests are not in the capture. Reload the page to see them all.
        </div>
      ) : null}
      {missingPreflights > 0 ? (
        <div class="banner info" role="status" data-banner="preflight-cache">
          {missingPreflights} preflighted request(s) have no preflight in the capture (a cached preflight). Tick "Disable
          cache" in the Network panel and reload to see every preflight.
        </div>
      ) : null}
      {importPending ? null : rows.length === 0 ? (
        <div class="empty-state" role="status">
          <p>No requests recorded yet.</p>
          <p>Reload the inspected page to capture its traffic, or drop a .har file here. Requests made before DevTools opened are not visible.</p>
        </div>
      ) : (
        <div class={`workspace${detailShown ? ' with-detail' : ''}`} ref={grid}>
          {shown.length === 0 ? (
            <div class="empty-state" role="status">
              <p>No exchange matches the filter ({rows.length} hidden).</p>
            </div>
          ) : (
            <ExchangeGrid
              rows={shown}
              selectedId={selectedId}
              onSelect={(id) => {
                setSelectedId(id);
                if (id === null) setDetailOpen(false);
              }}
              onOpen={(id) => open(id, true)}
              onActivate={(id) => open(id, false)}
              sort={sort}
              onSort={setSort}
            />
          )}
          {detailShown ? (
            <ExchangeDetail
              key={selected.id}
              exchange={selected.exchange}
              entries={selected.entries}
              rawEntry={rawEntry}
              edits={edits}
              onEdit={(index, edit) => setEdits(withEdit(edits, index, edit))}
              onTryFix={(fixEdits) => setEdits(new Map([...edits, ...fixEdits]))}
              onClose={closeDetail}
            />
          ) : null}
        </div>
      )}
      {dragging ? <div class="drop-overlay">Drop a .har file to diagnose it</div> : null}
    </div>
  );
}


const count = (value: number) => value.toLocaleString('en');

function progressText({ name, bytes, progress }: Loading): string {
  switch (progress.phase) {
    case 'reading':
      return `Reading ${name} (${(bytes / 1024 / 1024).toFixed(1)} MB)…`;
    case 'diagnosing':
      return `Diagnosing ${count(progress.total)} entries of ${name}…`;
    case 'loading':
      return `Loading ${name}: ${count(progress.done)} of ${count(progress.total)} exchanges…`;
    case 'exporting':
      return `Exporting ${name}…`;
  }
}

/** The stored stack choice, when it is still a stack the engine knows ("readers validate what they get back"). */
function chosenStack(stored: string | null): StackId | null {
  return stored !== null && isStackId(stored) ? stored : null;
}
