/**
 * Sorts `items` in place by `compare` and returns them. Captures list entries in start order, so the items are
 * usually in order already: checking first costs one pass, where sort() would copy and compare them all.
 */
export function sortInPlace<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i++) {
    if (compare(items[i - 1] as T, items[i] as T) > 0) return items.sort(compare);
  }
  return items;
}
