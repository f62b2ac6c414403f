import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isReport, parseHarText, reopenReport, type DiagnoseOptions } from '../engine/index';
import { LocalStoragePreferences } from '../platform/preferences';
import { ExportMenu } from './export';
import type { HarEntry, HarSource } from '../platform/har-source';
import { EMPTY_DIAGNOSIS, useDiagnosis } from './diagnosis/use-diagnosis';
import { useLiveDiagnosis } from './diagnosis/use-live-diagnosis';
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
interface ImportedFile {
  name: string;
  input: unknown;
  entries: unknown[];
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
  const [reading, setReading] = useState<{ name: string; bytes: number } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    const live = new LiveCapture(source, setLiveEntries, controller.signal);
    setCapture(live);
    void live.start();
    return () => controller.abort();
  }, [source]);

  const entries: readonly unknown[] = imported ? imported.entries : liveEntries;
  const options: DiagnoseOptions = imported
    ? { sourceKind: 'file', sourceName: imported.name }
    : { sourceKind: source.kind === 'chrome' ? 'live' : source.kind, sourceName: source.label };
  // Live traffic is diagnosed incrementally; an imported file at once (in a worker when it is large).
  const live = useLiveDiagnosis(imported ? [] : liveEntries, options);
  const fromFile = useDiagnosis(imported ? imported.input : null, imported ? entries.length : 0, options);
  const recorded = imported ? fromFile : { result: live, pending: false, pendingEntries: 0 };
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
  const edited = useMemo(() => applyEdits(entries, edits, exchangeOfEntry), [entries, edits, exchangeOfEntry]);
  // What-if edits re-run the engine on the edited entries; without edits the recorded diagnosis is shown.
  const whatIf = useDiagnosis(edits.size > 0 ? edited : null, edits.size > 0 ? edited.length : 0, options);
  // An import still being diagnosed shows its progress, never the rows of the previous capture.
  const importPending = imported !== null && recorded.pending;
  const diagnosis = importPending ? EMPTY_DIAGNOSIS : edits.size > 0 ? whatIf.result : recorded.result;

  const rows = useMemo(() => (diagnosis.ok ? buildRows(diagnosis.report.exchanges, entries) : []), [diagnosis, entries]);
  const shown = useMemo(() => sortRows(filterRows(rows, filter), sort), [rows, filter, sort]);
  const selected = rows.find((row) => row.id === selectedId) ?? null;

  const resetView = () => {
    setSelectedId(null);
    setDetailOpen(false);
    setEdits(new Map());
  };

  const importFile = async (file: File) => {
    // Parsing a large file holds the UI thread for a moment: say so on screen first.
    setReading({ name: file.name, bytes: file.size });
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const parsed = parseHarText(await file.text());
    setReading(null);
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
    setImported({ name: file.name, input, entries: entriesOf(input) });
  };

  const open = (id: string, moveFocus: boolean) => {
    setSelectedId(id);
    setDetailOpen(true);
    if (moveFocus) requestAnimationFrame(() => document.getElementById('exchange-detail')?.focus());
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
          <button type="button" class="toolbar-button" onClick={() => { setImported(null); resetView(); }}>
            Back to live capture
          </button>
        ) : null}
        <ExportMenu
          input={rows.length > 0 ? (imported ? imported.input : liveEntries) : null}
          sourceName={options.sourceName}
          sourceKind={options.sourceKind}
          filteredIds={shown.length === rows.length ? null : shown.map((row) => row.id)}
          selectedId={selectedId}
          stack={preferences.get('fix.stack')}
        />
        <span class="toolbar-spacer" />
        <span class="toolbar-count" data-testid="counts" aria-live="polite">
          {summary
            ? `${summary.exchanges} exchanges · ${summary.crossOrigin} cross-origin · ${summary.blocked} blocked · ${summary.warnings} warnings`
            : ''}
        </span>
        <span class="toolbar-source" data-testid="source">{imported ? imported.name : source.label}</span>
      </header>
      {reading ? (
        <div class="banner progress" role="status">Reading {reading.name} ({(reading.bytes / 1024 / 1024).toFixed(1)} MB)…</div>
      ) : null}
      {recorded.pending || whatIf.pending ? (
        <div class="banner progress" role="status">Diagnosing {recorded.pendingEntries.toLocaleString('en')} entries…</div>
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
        <div class={`workspace${detailOpen && selected ? ' with-detail' : ''}`} ref={grid}>
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
          {detailOpen && selected ? (
            <ExchangeDetail
              key={selected.id}
              exchange={selected.exchange}
              entries={selected.entries}
              rawEntry={(index) => entries[index]}
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

