// Turns a report into the rows of the exchange grid, and filters and sorts them. Pure: no DOM, no Preact.
import type { ReportExchange, Verdict } from '../../engine/index';
import { entryFacts, type EntryFacts } from '../entry-facts';

export interface ExchangeRow {
  id: string;
  exchange: ReportExchange;
  verdict: Verdict;
  method: string;
  url: string;
  /** Host and path, the way DevTools' Network panel names a request. */
  hostAndPath: string;
  /** Status of the response the page's script got (the last request hop); 0 when none. */
  status: number;
  netError: string | null;
  kind: ReportExchange['kind'];
  corsError: string;
  /** Wall time from the first entry's start to the last entry's end, in ms; null when unknown. */
  durationMs: number | null;
  startedMs: number;
  warnings: number;
  /** Lower-case text the filter box searches. */
  searchText: string;
  entries: EntryFacts[];
}

export function buildRows(exchanges: readonly ReportExchange[], rawEntries: readonly unknown[]): ExchangeRow[] {
  return exchanges.map((exchange) => {
    const entries = exchange.entries.map((index) => entryFacts(rawEntries[index], index));
    const requests = entries.filter((entry) => entry.role !== 'preflight');
    const final = requests.at(-1) ?? null;
    const corsError = exchange.corsError ?? '';
    const rules = exchange.findings.map((finding) => finding.rule).join(' ');
    return {
      id: exchange.id,
      exchange,
      verdict: exchange.verdict,
      method: exchange.method,
      url: exchange.url,
      hostAndPath: hostAndPath(exchange.url),
      status: final?.status ?? 0,
      netError: final?.error ?? null,
      kind: exchange.kind,
      corsError,
      durationMs: duration(entries),
      startedMs: entries[0]?.startedMs ?? Number.NaN,
      warnings: exchange.findings.filter((finding) => finding.severity === 'warning').length,
      searchText: `${exchange.method} ${exchange.url} ${exchange.verdict} ${corsError} ${exchange.kind} ${rules}`.toLowerCase(),
      entries,
    };
  });
}

function hostAndPath(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function duration(entries: readonly EntryFacts[]): number | null {
  const timed = entries.filter((entry) => Number.isFinite(entry.startedMs) && entry.timeMs !== null);
  if (timed.length === 0) return null;
  const start = Math.min(...timed.map((entry) => entry.startedMs));
  const end = Math.max(...timed.map((entry) => entry.startedMs + (entry.timeMs ?? 0)));
  return Math.max(0, Math.round(end - start));
}

export type QuickFilter = 'all' | 'blocked' | 'warnings' | 'preflighted';

export interface RowFilter {
  quick: QuickFilter;
  text: string;
  showSameOrigin: boolean;
}

export const DEFAULT_FILTER: RowFilter = { quick: 'all', text: '', showSameOrigin: false };

export function filterRows(rows: readonly ExchangeRow[], filter: RowFilter): ExchangeRow[] {
  const needle = filter.text.trim().toLowerCase();
  return rows.filter((row) => {
    if (!filter.showSameOrigin && (row.kind === 'same-origin' || row.kind === 'navigation') && row.verdict !== 'blocked') return false;
    if (needle !== '' && !row.searchText.includes(needle)) return false;
    switch (filter.quick) {
      case 'all':
        return true;
      case 'blocked':
        return row.verdict === 'blocked';
      case 'warnings':
        return row.warnings > 0;
      case 'preflighted':
        return row.exchange.preflight.status !== 'not-needed';
    }
  });
}

export type SortKey = 'order' | 'verdict' | 'method' | 'url' | 'status' | 'kind' | 'corsError' | 'time';
export interface RowSort {
  key: SortKey;
  direction: 'ascending' | 'descending';
}

export const DEFAULT_SORT: RowSort = { key: 'order', direction: 'ascending' };

const VERDICT_RANK: Record<Verdict, number> = { blocked: 0, unknown: 1, allowed: 2 };

export function sortRows(rows: readonly ExchangeRow[], sort: RowSort): ExchangeRow[] {
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
      return (a, b) => a.hostAndPath.localeCompare(b.hostAndPath);
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
