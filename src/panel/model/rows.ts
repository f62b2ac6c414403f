// The rows of the exchange grid: compact facts of one exchange each (what the grid shows, filters and sorts by),
// built where the diagnosis runs (the diagnosis worker) once per exchange, and filtered and sorted here. The
// full exchange and its raw entries are fetched for the one exchange the detail pane shows. Pure: no DOM.
import type { ReportExchange, ReportPreflight, Verdict } from '../../engine/index';
import { entryFacts, type EntryFacts } from '../entry-facts';

export interface ExchangeRow {
  id: string;
  /** log.entries index of the exchange's first entry: rows are kept in this order. */
  firstEntry: number;
  verdict: Verdict;
  method: string;
  url: string;
  /** Status of the response the page's script got (the last request hop); 0 when none. */
  status: number;
  netError: string | null;
  kind: ReportExchange['kind'];
  preflight: ReportPreflight['status'];
  corsError: string;
  /** Wall time from the first entry's start to the last entry's end, in ms; null when unknown. */
  durationMs: number | null;
  warnings: number;
  /** Rule ids of the findings, space-separated (the filter box searches them). */
  rules: string;
  /** Ids of the problems the exchange is part of, space-separated (the Problems view filters by them). */
  problems: string;
  /** How many HAR entries (preflights, redirect hops) the exchange holds. */
  entryCount: number;
}

/**
 * One exchange's row. `rawEntries` is indexed like `exchange.entries`, less `base`: a live capture that dropped
 * its oldest entries numbers the rest from `base` on (ids and indices stay what the user saw).
 */
export function buildRow(exchange: ReportExchange, rawEntries: readonly unknown[], base = 0): ExchangeRow {
  const entries = exchange.entries.map((index) => entryFacts(rawEntries[index], index));
  let final: EntryFacts | null = null;
  for (const entry of entries) if (entry.role !== 'preflight') final = entry;
  let warnings = 0;
  for (const finding of exchange.findings) if (finding.severity === 'warning') warnings++;
  return {
    id: base === 0 ? exchange.id : shiftId(exchange.id, base),
    firstEntry: (exchange.entries[0] ?? -1) + base,
    verdict: exchange.verdict,
    method: exchange.method,
    url: exchange.url,
    status: final?.status ?? 0,
    netError: final?.error ?? null,
    kind: exchange.kind,
    preflight: exchange.preflight.status,
    // The judged browser's name: Firefox's key when the report judges for Firefox (firefoxError is null otherwise).
    corsError: exchange.firefoxError ?? exchange.corsError ?? '',
    durationMs: duration(entries),
    warnings,
    rules: exchange.findings.map((finding) => finding.rule).join(' '),
    problems: [...new Set(exchange.findings.map((finding) => finding.problem))].join(' '),
    entryCount: exchange.entries.length,
  };
}

export function buildRows(exchanges: readonly ReportExchange[], rawEntries: readonly unknown[], base = 0): ExchangeRow[] {
  return exchanges.map((exchange) => buildRow(exchange, rawEntries, base));
}

/** Exchange ids name their first entry (`ex-<index>`): renumbered with the entries. */
export function shiftId(id: string, base: number): string {
  if (base === 0) return id;
  const match = /^ex-(\d+)$/.exec(id);
  return match ? `ex-${Number(match[1]) + base}` : id;
}

/**
 * Host and path, the way DevTools' Network panel names a request. Read from the text (no URL parser: the grid
 * asks for the rows on screen only, and the URL is as the browser recorded it, already normalized).
 */
export function hostAndPath(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 0) return url;
  const rest = url.slice(scheme + 3);
  const fragment = rest.indexOf('#');
  return fragment < 0 ? rest : rest.slice(0, fragment);
}

function duration(entries: readonly EntryFacts[]): number | null {
  let start = Infinity;
  let end = -Infinity;
  for (const entry of entries) {
    if (!Number.isFinite(entry.startedMs) || entry.timeMs === null) continue;
    start = Math.min(start, entry.startedMs);
    end = Math.max(end, entry.startedMs + entry.timeMs);
  }
  return start === Infinity ? null : Math.max(0, Math.round(end - start));
}

export type QuickFilter = 'all' | 'blocked' | 'warnings' | 'preflighted';

export interface RowFilter {
  quick: QuickFilter;
  text: string;
  showSameOrigin: boolean;
}

export const DEFAULT_FILTER: RowFilter = { quick: 'all', text: '', showSameOrigin: false };

/** Whether the filter shows every row (then the rows themselves are shown, with no copy). */
export const filtersNothing = (filter: RowFilter) => filter.quick === 'all' && filter.text.trim() === '' && filter.showSameOrigin;

export function filterRows(rows: readonly ExchangeRow[], filter: RowFilter): readonly ExchangeRow[] {
  if (filtersNothing(filter)) return rows;
  const needle = filter.text.trim().toLowerCase();
  return rows.filter((row) => {
    if (!filter.showSameOrigin && (row.kind === 'same-origin' || row.kind === 'navigation') && row.verdict !== 'blocked') return false;
    if (needle !== '' && !searchText(row).includes(needle)) return false;
    switch (filter.quick) {
      case 'all':
        return true;
      case 'blocked':
        return row.verdict === 'blocked';
      case 'warnings':
        return row.warnings > 0;
      case 'preflighted':
        return row.preflight !== 'not-needed';
    }
  });
}

/** Lower-case text the filter box searches (built when a filter asks, not kept per row). */
export const searchText = (row: ExchangeRow) => `${row.method} ${row.url} ${row.verdict} ${row.corsError} ${row.kind} ${row.rules} ${row.problems}`.toLowerCase();

export type SortKey = 'order' | 'verdict' | 'method' | 'url' | 'status' | 'kind' | 'corsError' | 'time';
export interface RowSort {
  key: SortKey;
  direction: 'ascending' | 'descending';
}

export const DEFAULT_SORT: RowSort = { key: 'order', direction: 'ascending' };

const VERDICT_RANK: Record<Verdict, number> = { blocked: 0, unknown: 1, allowed: 2 };

export function sortRows(rows: readonly ExchangeRow[], sort: RowSort): readonly ExchangeRow[] {
  // Rows are kept in capture order: nothing to do.
  if (sort.key === 'order' && sort.direction === 'ascending') return rows;
  const compare = comparator(sort.key);
  const sign = sort.direction === 'ascending' ? 1 : -1;
  // Ties keep capture order, so sorting is stable and predictable.
  return rows
    .map((row, position) => ({ row, position }))
    .sort((a, b) => sign * compare(a.row, b.row) || a.position - b.position)
    .map(({ row }) => row);
}

function comparator(key: SortKey): (a: ExchangeRow, b: ExchangeRow) => number {
  switch (key) {
    case 'order':
      return () => 0;
    case 'verdict':
      return (a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict];
    case 'method':
      return (a, b) => a.method.localeCompare(b.method);
    case 'url':
      return (a, b) => hostAndPath(a.url).localeCompare(hostAndPath(b.url));
    case 'status':
      return (a, b) => a.status - b.status;
    case 'kind':
      return (a, b) => a.kind.localeCompare(b.kind);
    case 'corsError':
      return (a, b) => a.corsError.localeCompare(b.corsError);
    case 'time':
      return (a, b) => (a.durationMs ?? -1) - (b.durationMs ?? -1);
  }
}
