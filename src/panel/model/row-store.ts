// The grid's rows as the panel holds them, kept in capture order (by first entry) and changed by deltas from the
// diagnosis worker: removed ids, added rows. A delta costs what it changes, not what is already captured (the
// common live delta appends a few rows at the end).
import type { ExchangeRow } from './rows';

export interface RowDelta {
  removed: readonly string[];
  /** In any order; placed by their first entry. */
  added: readonly ExchangeRow[];
}

/** Beyond this many changes at once, one pass over all rows is cheaper than one search per change. */
const ONE_BY_ONE = 64;

export class RowStore {
  private list: ExchangeRow[] = [];
  private readonly byId = new Map<string, ExchangeRow>();
  /** Counted as rows come and go, so that banners never scan the rows. */
  missingPreflights = 0;
  navigations = 0;

  /** When the last change only appended rows: the rows before it (a filter then looks at the new ones only). */
  appendedTo: readonly ExchangeRow[] | null = null;

  /** The rows, in capture order. A new array after every change (Preact compares by identity). */
  get rows(): readonly ExchangeRow[] {
    return this.list;
  }

  replaceAll(rows: readonly ExchangeRow[]): void {
    this.list = [];
    this.appendedTo = null;
    this.byId.clear();
    this.missingPreflights = 0;
    this.navigations = 0;
    this.apply({ removed: [], added: rows });
  }

  apply(delta: RowDelta): void {
    if (delta.removed.length === 0 && delta.added.length === 0) return;
    const before = this.list;
    let list = this.list.slice();
    if (delta.removed.length > ONE_BY_ONE) {
      const removed = new Set(delta.removed);
      list = list.filter((row) => {
        if (!removed.has(row.id)) return true;
        this.count(row, -1);
        return false;
      });
    } else {
      for (const id of delta.removed) {
        const row = this.byId.get(id);
        if (row === undefined) continue;
        const position = positionOf(list, row.firstEntry);
        if (list[position] !== row) continue;
        this.count(row, -1);
        list.splice(position, 1);
      }
    }
    const added = [...delta.added].sort((a, b) => a.firstEntry - b.firstEntry);
    for (const row of added) this.count(row, 1);
    const last = list.at(-1)?.firstEntry ?? -Infinity;
    if (added.length === 0 || (added[0] as ExchangeRow).firstEntry > last) {
      for (const row of added) list.push(row);
      this.list = list;
      this.appendedTo = delta.removed.length === 0 ? before : null;
      return;
    } else if (added.length > ONE_BY_ONE) {
      list = mergeByFirstEntry(list, added);
    } else {
      for (const row of added) list.splice(positionOf(list, row.firstEntry), 0, row);
    }
    this.list = list;
    this.appendedTo = null;
  }

  get(id: string): ExchangeRow | undefined {
    return this.byId.get(id);
  }

  private count(row: ExchangeRow, sign: 1 | -1): void {
    if (sign > 0) this.byId.set(row.id, row);
    else if (this.byId.get(row.id) === row) this.byId.delete(row.id);
    if (row.preflight === 'not-in-capture') this.missingPreflights += sign;
    if (row.kind === 'navigation') this.navigations += sign;
  }
}

/** Binary search: where a row starting at `entry` belongs. */
function positionOf(rows: readonly ExchangeRow[], entry: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((rows[middle] as ExchangeRow).firstEntry < entry) low = middle + 1;
    else high = middle;
  }
  return low;
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
