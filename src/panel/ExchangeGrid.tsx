import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Verdict } from '../engine/index';
import { clip } from './clip';
import { hostAndPath, type ExchangeRow, type RowSort, type SortKey } from './model/rows';

export interface ExchangeGridProps {
  rows: readonly ExchangeRow[];
  selectedId: string | null;
  /** Where the selected row is in `rows`, when the caller knows it faster than a search (-1: not shown). */
  selectedIndex?: number;
  onSelect(id: string | null): void;
  /** Enter on a row: open its details and move focus there. */
  onOpen(id: string): void;
  /** A click on a row: select it and show its details, focus stays in the grid. */
  onActivate(id: string): void;
  sort: RowSort;
  onSort(sort: RowSort): void;
  /** The error column's heading: the judged browser's ("Chromium error", "Firefox error"). */
  errorLabel?: string;
}

export const VERDICT_ICON: Record<Verdict, string> = { blocked: '✗', allowed: '✓', unknown: '?' };
/** Fixed row height: the grid renders only the rows in view, so 20,000 exchanges cost what 40 do. */
export const ROW_HEIGHT = 22;
const OVERSCAN = 10;
const FALLBACK_VIEWPORT = 600;

const COLUMNS: { key: SortKey; label: string; className: string }[] = [
  { key: 'verdict', label: 'Verdict', className: 'col-verdict' },
  { key: 'method', label: 'Method', className: 'col-method' },
  { key: 'url', label: 'Host and path', className: 'col-url' },
  { key: 'status', label: 'Status', className: 'col-status' },
  { key: 'kind', label: 'Kind', className: 'col-kind' },
  { key: 'corsError', label: 'Chromium error', className: 'col-error' },
  { key: 'time', label: 'Time', className: 'col-time' },
];

/**
 * The exchange list as an ARIA grid: focus stays on the grid, the selected row is its active descendant,
 * arrows/Home/End/PageUp/PageDown move the selection, Enter opens details, Escape closes them.
 * Header values and URLs are hostile input: they are only ever rendered as text nodes.
 */
export function ExchangeGrid({ rows, selectedId, selectedIndex: knownIndex, onSelect, onOpen, onActivate, sort, onSort, errorLabel = 'Chromium error' }: ExchangeGridProps) {
  const body = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);

  useLayoutEffect(() => {
    const element = body.current;
    if (!element) return;
    const measure = () => setViewport(element.clientHeight || FALLBACK_VIEWPORT);
    // ResizeObserver's first notification gives the height once the browser has laid the grid out. Reading it here
    // would force that layout inside the task that mounted the grid: a live capture's first burst, where it made a
    // task of 24 ms of CPU take 131 ms on a busy machine (9.5 ms of it this layout, 59 ms of wall time).
    if (typeof ResizeObserver === 'undefined') {
      measure();
      return;
    }
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // No selection, no search through every row (a live capture re-renders several times a second).
  const selectedIndex = selectedId === null ? -1 : (knownIndex ?? rows.findIndex((row) => row.id === selectedId));
  useEffect(() => {
    // Keep the selected row in view when the keyboard moves it.
    const element = body.current;
    if (!element || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + viewport) element.scrollTop = top + ROW_HEIGHT - viewport;
  }, [selectedIndex, viewport]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const pageSize = Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      if (selectedId === null) return; // DevTools' own Escape (the console drawer) then applies.
      event.stopPropagation();
      onSelect(null);
      return;
    }
    if (event.key === 'Enter' && selectedId !== null) {
      event.preventDefault();
      onOpen(selectedId);
      return;
    }
    const moves: Record<string, number> = {
      ArrowDown: 1, ArrowUp: -1, PageDown: pageSize, PageUp: -pageSize, Home: -Infinity, End: Infinity,
    };
    const move = moves[event.key];
    if (move === undefined || rows.length === 0) return;
    event.preventDefault();
    const from = selectedIndex < 0 ? (move > 0 ? -1 : rows.length) : selectedIndex;
    const to = Math.min(rows.length - 1, Math.max(0, Number.isFinite(move) ? from + move : move > 0 ? rows.length - 1 : 0));
    onSelect(rows[to]?.id ?? null);
  };

  const sortBy = (key: SortKey) =>
    onSort(sort.key === key && sort.direction === 'ascending' ? { key, direction: 'descending' } : { key, direction: 'ascending' });

  return (
    <div
      class="grid"
      role="grid"
      aria-label="Exchanges: a request with its preflight and redirects"
      aria-rowcount={rows.length + 1}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={selectedId !== null && selectedIndex >= 0 ? rowDomId(selectedId) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div class="grid-head" role="rowgroup">
        <div class="grid-row" role="row" aria-rowindex={1}>
          {COLUMNS.map((column) => (
            <div
              key={column.key}
              role="columnheader"
              class={`grid-cell ${column.className}`}
              aria-sort={sort.key === column.key ? sort.direction : 'none'}
            >
              <button type="button" class="sort-button" tabIndex={-1} onClick={() => sortBy(column.key)}>
                {column.key === 'corsError' ? errorLabel : column.label}
                {sort.key === column.key ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}
              </button>
            </div>
          ))}
        </div>
      </div>
      <div class="grid-body" ref={body} onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}>
        <div role="rowgroup" class="grid-rows" style={{ height: `${rows.length * ROW_HEIGHT}px` }}>
          {rows.slice(first, last).map((row, offset) => (
            <GridRow
              key={row.id}
              row={row}
              index={first + offset}
              selected={row.id === selectedId}
              onClick={() => onActivate(row.id)}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

export const rowDomId = (exchangeId: string) => `row-${exchangeId}`;

interface GridRowProps {
  row: ExchangeRow;
  index: number;
  selected: boolean;
  onClick(): void;
}

function GridRow({ row, index, selected, onClick }: GridRowProps) {
  return (
    <div
      id={rowDomId(row.id)}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      class={`grid-row exchange-row verdict-${row.verdict}${selected ? ' selected' : ''}`}
      style={{ top: `${index * ROW_HEIGHT}px` }}
      onClick={onClick}
      data-exchange={row.id}
      data-verdict={row.verdict}
      data-cors-error={row.corsError}
      data-method={row.method}
      data-url={clip(row.url)}
      data-status={row.status}
      data-kind={row.kind}
      data-entries={row.entryCount}
    >
      <div role="gridcell" class="grid-cell col-verdict">
        <span class="verdict-icon" aria-hidden="true">{VERDICT_ICON[row.verdict]}</span> {row.verdict}
      </div>
      <div role="gridcell" class="grid-cell col-method">
        {clip(row.method, 40)}
        {row.preflight === 'sent' ? <span class="badge">preflight</span> : null}
      </div>
      <div role="gridcell" class="grid-cell col-url" title={clip(row.url)}>
        <span class="visually-hidden">{clip(row.url)}</span>
        <span aria-hidden="true">{clip(hostAndPath(row.url), 300)}</span>
      </div>
      <div role="gridcell" class="grid-cell col-status" title={row.netError ?? undefined}>
        {row.status === 0 ? '(failed)' : row.status}
        {row.netError ? <span class="net-error">{row.netError}</span> : null}
      </div>
      <div role="gridcell" class="grid-cell col-kind">{row.kind}</div>
      <div role="gridcell" class="grid-cell col-error">{row.corsError}</div>
      <div role="gridcell" class="grid-cell col-time">{row.durationMs === null ? '' : `${row.durationMs} ms`}</div>
    </div>
  );
}
