/**
 * One table of a pure function's results by their string argument, owned by one diagnosis run (run-context.ts):
 * a capture repeats the same few header names, origins and allow-lists on every entry, so most calls are answered
 * from the table. Emptied when it reaches `limit` entries: a hostile capture can hold unboundedly many distinct
 * values. `compute` never returns undefined.
 */
export class MemoTable<T> {
  private readonly results = new Map<string, T>();

  constructor(
    private readonly limit: number,
    private readonly compute: (key: string) => T,
  ) {}

  get(key: string): T {
    let result = this.results.get(key);
    if (result === undefined) {
      result = this.compute(key);
      if (this.results.size >= this.limit) this.results.clear();
      this.results.set(key, result);
    }
    return result;
  }
}
