// The grid's rows as the panel holds them: kept in capture order (by first entry) and changed in place by deltas
// from the diagnosis worker (removed ids, added rows), so that a delta costs what it changes, not what is already
// captured: no copy of every row per update. A FilteredRows view follows the same changes for the filter shown.
import { filterRows, filtersNothing, type ExchangeRow, type RowFilter } from './rows';

export interface RowDelta {
  removed: readonly string[];
  /** In any order; placed by their first entry. */
  added: readonly ExchangeRow[];
}

/** What a delta did, as row objects (what a view of the rows needs to follow it). */
export interface RowChange {
  removed: readonly ExchangeRow[];
  /** In capture order (by first entry). */
  added: readonly ExchangeRow[];
  /** True when the rows were replaced (replaceAll): views rebuild too. */
  rebuilt: boolean;
}

/**
 * Rows come from the worker by structured clone, every string a copy of its own: 100k rows held about a million
 * strings, most of them the same few values ("GET", "allowed", a rule id). Each row a store keeps shares one copy
 * of its few-valued fields instead (the id and URL stay its own), so garbage collection has fewer objects to copy
 * and mark on a heap that only grows during a live session. One pool per store (per capture shown).
 */
class StringPool {
  private readonly kept = new Map<string, string>();

  share<T extends string | null>(value: T): T {
    if (value === null) return value;
    const kept = this.kept.get(value);
    if (kept !== undefined) return kept as T;
    // Enough for every verdict, method, kind, error and rule combination a capture has; cleared (never wrong) beyond it.
    if (this.kept.size >= 10_000) this.kept.clear();
    this.kept.set(value, value);
    return value;
  }

  row(row: ExchangeRow): ExchangeRow {
    row.verdict = this.share(row.verdict);
    row.method = this.share(row.method);
    row.kind = this.share(row.kind);
    row.preflight = this.share(row.preflight);
    row.corsError = this.share(row.corsError);
    row.netError = this.share(row.netError);
    row.rules = this.share(row.rules);
    row.problems = this.share(row.problems);
    return row;
  }
}

export class RowStore {
  private readonly list: ExchangeRow[] = [];
  private readonly strings = new StringPool();
  private readonly byId = new Map<string, ExchangeRow>();
  /** Counted as rows come and go, so that banners never scan the rows. */
  missingPreflights = 0;
  navigations = 0;
  /** Bumped by every change: the rows array is changed in place. */
  version = 0;

  /** The rows, in capture order. The same array, changed in place (see `version`). */
  get rows(): readonly ExchangeRow[] {
    return this.list;
  }

  get(id: string): ExchangeRow | undefined {
    return this.byId.get(id);
  }

  replaceAll(rows: readonly ExchangeRow[]): RowChange {
    this.list.length = 0;
    this.byId.clear();
    this.missingPreflights = 0;
    this.navigations = 0;
    for (const row of rows) this.count(this.strings.row(row), 1);
    for (const row of [...rows].sort((a, b) => a.firstEntry - b.firstEntry)) this.list.push(row);
    this.version++;
    return { removed: [], added: rows, rebuilt: true };
  }

  apply(delta: RowDelta): RowChange {
    const removed: ExchangeRow[] = [];
    for (const id of delta.removed) {
      const row = this.byId.get(id);
      if (row === undefined) continue;
      this.count(row, -1);
      removed.push(row);
    }
    for (const row of delta.added) this.count(this.strings.row(row), 1);
    removeRows(this.list, removed);
    const added = [...delta.added].sort((a, b) => a.firstEntry - b.firstEntry);
    insertRows(this.list, added);
    if (removed.length > 0 || added.length > 0) this.version++;
    return { removed, added, rebuilt: false };
  }

  private count(row: ExchangeRow, sign: 1 | -1): void {
    if (sign > 0) this.byId.set(row.id, row);
    else if (this.byId.get(row.id) === row) this.byId.delete(row.id);
    if (row.preflight === 'not-in-capture') this.missingPreflights += sign;
    if (row.kind === 'navigation') this.navigations += sign;
  }
}

/** The rows a filter shows, in capture order, following the store's changes (each costs what it changed). */
export class FilteredRows {
  private list: ExchangeRow[] = [];

  constructor(
    readonly store: RowStore,
    readonly filter: RowFilter,
  ) {
    this.rebuild();
  }

  /** The rows shown: the store's own array when the filter shows everything. */
  get rows(): readonly ExchangeRow[] {
    return filtersNothing(this.filter) ? this.store.rows : this.list;
  }

  follow(change: RowChange): void {
    if (filtersNothing(this.filter)) return;
    if (change.rebuilt) return this.rebuild();
    removeRows(this.list, change.removed);
    insertRows(this.list, filterRows(change.added, this.filter));
  }

  private rebuild(): void {
    this.list = filtersNothing(this.filter) ? [] : [...filterRows(this.store.rows, this.filter)];
  }
}

/** Binary search: where a row starting at `entry` sits (or belongs). */
export function positionOf(rows: readonly ExchangeRow[], entry: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((rows[middle] as ExchangeRow).firstEntry < entry) low = middle + 1;
    else high = middle;
  }
  return low;
}

/*
 * A live delta changes recent exchanges (a burst's new rows, a request whose preflight or late headers came in), so
 * both helpers work from the first row the delta touches to the end: the delta and the rows after it, not every
 * row. Over all rows, a delta of a burst (hundreds of rows) took a panel task over 100 ms at 60k rows on a loaded
 * 2-core machine (bench trace, issue 21).
 */

/** Removes `gone` (rows of `rows`, any order) in one pass from the first of them on. */
function removeRows(rows: ExchangeRow[], gone: readonly ExchangeRow[]): void {
  if (gone.length === 0) return;
  let from = rows.length;
  for (const row of gone) {
    const position = positionOf(rows, row.firstEntry);
    // Not where its first entry says (never expected): look through every row.
    from = Math.min(from, rows[position] === row ? position : 0);
  }
  const dropped = new Set(gone);
  let kept = from;
  for (let index = from; index < rows.length; index++) {
    const row = rows[index] as ExchangeRow;
    if (!dropped.has(row)) rows[kept++] = row;
  }
  rows.length = kept;
}

/** Inserts `added` (in capture order) where they belong: pushed when they are newer than every row, else merged from the first one's place on. */
function insertRows(rows: ExchangeRow[], added: readonly ExchangeRow[]): void {
  const first = added[0];
  if (first === undefined) return;
  const tail = rows.splice(positionOf(rows, first.firstEntry));
  let i = 0;
  let j = 0;
  while (i < tail.length || j < added.length) {
    if (j >= added.length || (i < tail.length && (tail[i] as ExchangeRow).firstEntry < (added[j] as ExchangeRow).firstEntry)) rows.push(tail[i++] as ExchangeRow);
    else rows.push(added[j++] as ExchangeRow);
  }
}
