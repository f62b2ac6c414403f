/**
 * Remembers a pure function's results by their string argument. A capture repeats the same few header names,
 * origins and allow-lists on every entry, so most calls are answered from memory. Emptied when it reaches
 * `limit` entries: a hostile capture can hold unboundedly many distinct values. `compute` never returns undefined.
 */
export function memoized<T>(limit: number, compute: (key: string) => T): (key: string) => T {
  const results = new Map<string, T>();
  return (key) => {
    let result = results.get(key);
    if (result === undefined) {
      result = compute(key);
      if (results.size >= limit) results.clear();
      results.set(key, result);
    }
    return result;
  };
}
