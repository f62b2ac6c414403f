/**
 * Sorts `items` in place by `compare` and returns them. Captures list entries in start order, so the items are
 * usually in order already: checking first costs one pass, where sort() would copy and compare them all.
 */
export function sortInPlace<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  return isInOrder(items, compare) ? items : items.sort(compare);
}

/** Whether `items` are already sorted by `compare` (one pass). */
export function isInOrder<T>(items: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < items.length; i++) {
    if (compare(items[i - 1] as T, items[i] as T) > 0) return false;
  }
  return true;
}
