import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { BROWSER_IDS, BROWSER_NAMES, errorLabel, isBrowserId, isStackId, judgedBrowserText, type StackId } from '../engine/index';
import { LocalStoragePreferences } from '../platform/preferences';
import type { HarSource } from '../platform/har-source';
import type { HostBrowser } from '../platform/host-browser';
import { DEFAULT_LIMIT, type Loading } from './controller/capture-controller';
import { useCapture } from './controller/use-capture';
import type { WorkerPort } from './diagnosis/capture-client';
import { ExchangeDetail } from './ExchangeDetail';
import { ExchangeGrid } from './ExchangeGrid';
import { ExportMenu } from './export';
import { ProblemsView } from './problems/ProblemsView';
import { positionOf } from './model/row-store';
import { DEFAULT_SORT, sortRows, type ExchangeRow, type QuickFilter, type RowFilter, type RowSort } from './model/rows';
import { withEdit } from './model/what-if';

export interface AppProps {
  /** The live traffic (Chrome's capture in the extension; a static or in-memory source in tests). */
  source: HarSource;
  /** Connects to the diagnosis worker (tests hand in an in-process one). */
  spawn?: () => WorkerPort;
  /** Most exchanges a live capture keeps (default: the "capture.limit" preference, else DEFAULT_LIMIT). */
  limit?: number;
  /** The browser whose DevTools host the panel (default 'chromium'; src/panel/main.tsx detects it once). */
  browser?: HostBrowser;
}

const preferences = new LocalStoragePreferences();

/** The user's limit, when it is a sensible number. */
function preferredLimit(): number {
  const value = Number(preferences.get('capture.limit'));
  return Number.isInteger(value) && value >= 1_000 ? value : DEFAULT_LIMIT;
}

/** The limits the toolbar offers, with the one in force among them. */
const limitChoices = (current: number) => [...new Set([50_000, 100_000, DEFAULT_LIMIT, 500_000, current])].sort((a, b) => a - b);

const QUICK_FILTERS: { value: QuickFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'blocked', label: 'Blocked' },
  { value: 'warnings', label: 'Warnings' },
  { value: 'preflighted', label: 'Preflighted' },
];

/** Layout and wiring: what is shown comes from the capture controller; only view choices are kept here. */
export function App({ source, spawn, limit, browser }: AppProps) {
  const { view, controller } = useCapture(source, { ...(spawn ? { spawn } : {}), ...(browser ? { browser } : {}), limit: limit ?? preferredLimit() });
  const [sort, setSort] = useState<RowSort>(DEFAULT_SORT);
  const [dragging, setDragging] = useState(false);
  /**
   * Null until the user picks a tab. An imported capture (a file, a reopened report) opens on its problems, the
   * ticket view; a live capture opens on its requests, so the view does not jump while traffic streams in.
   */
  const [tab, setTab] = useState<'problems' | 'requests' | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const focusDetail = useRef(false);

  const { rows, head, imported, selectedId, detail, edits, filter } = view;
  // The rows are changed in place: `version` says when. Capture order needs no sort (the same array comes back).
  const shown = useMemo(() => sortRows(view.shown, sort), [view.shown, view.version, sort]);
  const setFilter = (next: RowFilter) => controller.setFilter(next);
  const selectedIndex = useMemo(() => indexOf(shown, selectedId, sort, controller), [shown, view.version, selectedId, sort]);
  const detailShown = view.detailOpen && detail !== null && detail.exchange.id === selectedId;

  useEffect(() => {
    // Enter on a row moves focus to the details once they are on screen (they come from the worker).
    if (!focusDetail.current || !detailShown) return;
    focusDetail.current = false;
    document.getElementById('exchange-detail')?.focus();
  });

  const importFile = (file: File) => void controller.importFile(file);
  const open = (id: string, moveFocus: boolean) => {
    focusDetail.current = moveFocus;
    controller.select(id, true);
  };
  const closeDetail = () => {
    controller.closeDetail();
    grid.current?.querySelector<HTMLElement>('[role=grid]')?.focus();
  };

  const summary = head.ok ? head.summary : null;
  const problems = head.ok ? head.problems : [];
  const servers = head.ok ? head.servers : [];
  const activeTab = tab ?? (imported !== null && problems.some((problem) => problem.severity !== 'info') ? 'problems' : 'requests');
  const stack = chosenStack(preferences.get('fix.stack')) ?? 'express';
  const dropped = view.dropped;
  const capturedLate = !imported && view.liveKind === 'chrome' && rows.length > 0 && view.navigations === 0 && dropped.exchanges === 0;

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
        if (event.key !== 'Escape' || !view.detailOpen) return;
        // Consumed here: DevTools would otherwise also toggle its console drawer.
        event.stopPropagation();
        closeDetail();
      }}
    >
      <header class="toolbar" role="toolbar" aria-label="CORS Lens controls">
        <div class="view-tabs" role="tablist" aria-label="View">
          <button type="button" role="tab" id="tab-problems" aria-selected={activeTab === 'problems'} aria-controls="view-problems" class={`quick-filter${activeTab === 'problems' ? ' active' : ''}`} onClick={() => setTab('problems')}>
            Problems ({problems.length})
          </button>
          <button type="button" role="tab" id="tab-requests" aria-selected={activeTab === 'requests'} aria-controls="view-requests" class={`quick-filter${activeTab === 'requests' ? ' active' : ''}`} onClick={() => setTab('requests')}>
            Requests ({rows.length})
          </button>
        </div>
        <span class="toolbar-divider" />
        <button type="button" class="toolbar-button" onClick={() => controller.clear()} disabled={imported !== null}>
          Clear
        </button>
        <label class="toolbar-toggle">
          <input
            type="checkbox"
            checked={view.preserveLog}
            disabled={imported !== null}
            onChange={(event) => {
              controller.setPreserveLog(event.currentTarget.checked);
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
          <button type="button" class="toolbar-button" onClick={() => controller.backToLive()}>
            Back to live capture
          </button>
        ) : null}
        {imported ? (
          <label class="toolbar-toggle" title="Whose CORS checks the verdicts replay, and whose error names they give">
            Judge as
            <select
              class="toolbar-browser"
              data-testid="judge-as"
              value={view.importBrowser ?? 'auto'}
              onChange={(event) => {
                const value = event.currentTarget.value;
                controller.setImportBrowser(isBrowserId(value) ? value : null);
              }}
            >
              <option value="auto">{view.head.ok && view.importBrowser === null ? judgedBrowserText(view.head.browser) : 'the browser the HAR names'}</option>
              {BROWSER_IDS.map((id) => <option key={id} value={id}>{BROWSER_NAMES[id]}</option>)}
            </select>
          </label>
        ) : null}
        <ExportMenu
          input={rows.length > 0 ? controller : null}
          runExport={(exportOptions, onProgress) => controller.exportShown(exportOptions, onProgress)}
          sourceName={view.sourceName}
          sourceKind={view.sourceKind}
          filteredIds={shown.length === rows.length ? null : { length: shown.length, ids: () => shown.map((row) => row.id) }}
          selectedId={selectedId}
          stack={chosenStack(preferences.get('fix.stack'))}
        />
        <span class="toolbar-spacer" />
        <span class="toolbar-count" data-testid="counts" aria-live="polite">
          {summary
            ? `${summary.exchanges + dropped.exchanges} exchanges · ${summary.crossOrigin + dropped.crossOrigin} cross-origin · ${summary.blocked + dropped.blocked} blocked · ${summary.warnings + dropped.warnings} warnings`
            : ''}
        </span>
        {imported ? null : (
          <label class="toolbar-toggle" title="A live capture keeps this many exchanges; older ones are dropped (still counted)">
            Keep
            <select
              class="toolbar-limit"
              data-testid="limit"
              value={String(view.limit)}
              onChange={(event) => {
                const value = Number(event.currentTarget.value);
                preferences.set('capture.limit', String(value));
                controller.setLimit(value);
              }}
            >
              {limitChoices(view.limit).map((choice) => (
                <option key={choice} value={String(choice)}>
                  {count(choice)}
                </option>
              ))}
            </select>
          </label>
        )}
        <span class="toolbar-source" data-testid="source">{view.sourceName}</span>
      </header>
      {view.loading ? (
        <div class="banner progress" role="status" data-phase={view.loading.progress.phase}>
          {progressText(view.loading)}
        </div>
      ) : null}
      {view.pending !== null ? (
        <div class="banner progress" role="status">Diagnosing {count(view.pending)} entries…</div>
      ) : null}
      {view.importError ? <div class="banner error" role="alert">Could not import {view.importError}</div> : null}
      {dropped.exchanges > 0 ? (
        <div class="banner info" role="status" data-banner="dropped">
          The oldest {count(dropped.exchanges)} exchanges were dropped to stay within {count(view.limit)}; the counts above still include
          them ({count(dropped.blocked)} of them blocked).
        </div>
      ) : null}
      {view.unconfirmed > 0 ? (
        <div class="banner info" role="status" data-banner="unconfirmed">
          {count(view.unconfirmed)} response(s) arrived without their headers (DevTools announced them early); their verdicts may be
          incomplete.{' '}
          <button type="button" class="toolbar-button" onClick={() => controller.resync()}>
            Read the capture again
          </button>{' '}
          (DevTools hands over the whole capture: the panel pauses a moment.)
        </div>
      ) : null}
      {view.unlisted > 0 ? (
        <div class="banner info" role="status" data-banner="unlisted">
          {count(view.unlisted)} preflight(s) arrived without the request they were sent for: a request its preflight stopped is listed only
          in DevTools' capture.{' '}
          <button type="button" class="toolbar-button" onClick={() => controller.resync()}>
            Read the capture again
          </button>{' '}
          (DevTools hands over the whole capture: the panel pauses a moment.)
        </div>
      ) : null}
      {head.ok && head.reopened !== null && !head.reopened.matches ? (
        <div class="banner info" role="status" data-banner="reopened">
          This report was diagnosed again with today's rules, and the verdicts differ from the ones it stored.
        </div>
      ) : null}
      {!head.ok ? (
        <div class="banner error" role="alert">
          Could not read the capture: {head.error.message} {head.error.path ? `(at ${head.error.path})` : ''}
        </div>
      ) : head.inputErrors > 0 ? (
        <div class="banner warning" role="status">
          {head.inputErrors} problem(s) reading the capture; first: {head.firstInputError}
        </div>
      ) : null}
      {capturedLate ? (
        <div class="banner info" role="status" data-banner="late">
          DevTools opened after the page loaded: earlier requests are not in the capture. Reload the page to see them all.
        </div>
      ) : null}
      {view.missingPreflights > 0 ? (
        <div class="banner info" role="status" data-banner="preflight-cache">
          {view.missingPreflights} preflighted request(s) have no preflight in the capture (a cached preflight). Tick "Disable
          cache" in the Network panel and reload to see every preflight.
        </div>
      ) : null}
      {rows.length > 0 && activeTab === 'problems' ? (
        <div id="view-problems" role="tabpanel" aria-labelledby="tab-problems" class="workspace">
          <ProblemsView
            problems={problems}
            servers={servers}
            stack={stack}
            onShowRequests={(problem) => {
              setFilter({ quick: 'all', text: problem.id, showSameOrigin: true });
              setTab('requests');
            }}
          />
        </div>
      ) : rows.length === 0 ? (
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
              selectedIndex={selectedIndex}
              onSelect={(id) => {
                controller.select(id, false);
              }}
              onOpen={(id) => open(id, true)}
              onActivate={(id) => open(id, false)}
              errorLabel={head.ok ? errorLabel(head) : undefined}
              sort={sort}
              onSort={setSort}
            />
          )}
          {detailShown ? (
            <ExchangeDetail
              key={detail.exchange.id}
              exchange={detail.exchange}
              entries={detail.entries}
              rawEntry={(index) => detail.raw[detail.entries.findIndex((entry) => entry.index === index)]}
              edits={edits}
              onEdit={(index, edit) => controller.setEdits(withEdit(edits, index, edit))}
              onTryFix={(fixEdits) => controller.setEdits(new Map([...edits, ...fixEdits]))}
              onClose={closeDetail}
            />
          ) : null}
        </div>
      )}
      {dragging ? <div class="drop-overlay">Drop a .har file to diagnose it</div> : null}
    </div>
  );
}


// One formatter for every render: toLocaleString builds a new one per call (62 ms of script in 6,000 live requests).
const NUMBERS = new Intl.NumberFormat('en');
const count = (value: number) => NUMBERS.format(value);

/** Where the selected row is among those shown: a binary search in capture order, else a scan. */
function indexOf(shown: readonly ExchangeRow[], id: string | null, sort: RowSort, controller: { row(id: string): ExchangeRow | undefined }): number {
  if (id === null) return -1;
  const row = controller.row(id);
  if (row === undefined) return -1;
  if (sort.key !== 'order' || sort.direction !== 'ascending') return shown.indexOf(row);
  const position = positionOf(shown, row.firstEntry);
  return shown[position] === row ? position : -1;
}

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
