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
  added: readonly ExchangeRow[];
  /** True when the rows were rebuilt rather than changed one by one: views rebuild too. */
  rebuilt: boolean;
}

/** Beyond this many changes at once, one pass over all rows is cheaper than one search per change. */
const ONE_BY_ONE = 64;

export class RowStore {
  private readonly list: ExchangeRow[] = [];
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
    for (const row of rows) this.count(row, 1);
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
    for (const row of delta.added) this.count(row, 1);
    if (removed.length > ONE_BY_ONE) {
      const gone = new Set(removed);
      const kept = this.list.filter((row) => !gone.has(row));
      this.list.length = 0;
      for (const row of kept) this.list.push(row);
    } else {
      for (const row of removed) removeRow(this.list, row);
    }
    // New exchanges go at the end (pushed, however many); only those that belong among older rows are inserted.
    const added = [...delta.added].sort((a, b) => a.firstEntry - b.firstEntry);
    const last = this.list[this.list.length - 1]?.firstEntry ?? -Infinity;
    let tail = 0;
    while (tail < added.length && (added[tail] as ExchangeRow).firstEntry <= last) tail++;
    const inside = added.slice(0, tail);
    if (inside.length > ONE_BY_ONE) {
      const merged = mergeByFirstEntry(this.list, inside);
      this.list.length = 0;
      for (const row of merged) this.list.push(row);
    } else {
      for (const row of inside) insertRow(this.list, row);
    }
    for (let index = tail; index < added.length; index++) this.list.push(added[index] as ExchangeRow);
    const rebuilt = removed.length > ONE_BY_ONE || inside.length > ONE_BY_ONE;
    if (removed.length > 0 || delta.added.length > 0) this.version++;
    return { removed, added: delta.added, rebuilt };
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
    for (const row of change.removed) removeRow(this.list, row);
    for (const row of filterRows(change.added, this.filter)) insertRow(this.list, row);
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

function removeRow(rows: ExchangeRow[], row: ExchangeRow): void {
  const position = positionOf(rows, row.firstEntry);
  if (rows[position] === row) rows.splice(position, 1);
}

function insertRow(rows: ExchangeRow[], row: ExchangeRow): void {
  const last = rows[rows.length - 1];
  if (last === undefined || last.firstEntry < row.firstEntry) rows.push(row);
  else rows.splice(positionOf(rows, row.firstEntry), 0, row);
}

function mergeByFirstEntry(a: readonly ExchangeRow[], b: readonly ExchangeRow[]): ExchangeRow[] {
  const merged: ExchangeRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] as ExchangeRow).firstEntry < (b[j] as ExchangeRow).firstEntry)) merged.push(a[i++] as ExchangeRow);
    else merged.push(b[j++] as ExchangeRow);
  }
  return merged;
}
