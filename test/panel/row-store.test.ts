import { describe, expect, it } from 'vitest';
import { RowStore } from '../../src/panel/model/row-store';
import { DEFAULT_FILTER, filterRows, hostAndPath, refilter, type ExchangeRow, type Filtered } from '../../src/panel/model/rows';

const row = (firstEntry: number, verdict: ExchangeRow['verdict'] = 'allowed', kind: ExchangeRow['kind'] = 'simple'): ExchangeRow => ({
  id: `ex-${firstEntry}`, firstEntry, verdict, method: 'GET', url: `http://api.test/items/${firstEntry}`, status: 200, netError: null,
  kind, preflight: 'not-needed', corsError: '', durationMs: 1, warnings: 0, rules: '', entryCount: 1,
});

describe('RowStore', () => {
  it('keeps rows in capture order through appends, replacements and removals, and counts what banners need', () => {
    const store = new RowStore();
    store.apply({ removed: [], added: [row(0), row(2), row(1, 'blocked', 'navigation')] });
    expect(store.rows.map((item) => item.id)).toEqual(['ex-0', 'ex-1', 'ex-2']);
    store.apply({ removed: ['ex-1'], added: [row(1, 'allowed'), { ...row(3), preflight: 'not-in-capture' }] });
    expect(store.rows.map((item) => `${item.id} ${item.verdict}`)).toEqual(['ex-0 allowed', 'ex-1 allowed', 'ex-2 allowed', 'ex-3 allowed']);
    expect(store.navigations).toBe(0);
    expect(store.missingPreflights).toBe(1);
    const many = Array.from({ length: 100 }, (_, index) => `ex-${index}`);
    store.apply({ removed: many, added: [] });
    expect(store.rows).toEqual([]);
    expect(store.missingPreflights).toBe(0);
  });

  it('filters only the new rows when a change only appended, with the same result as filtering all', () => {
    const store = new RowStore();
    const filter = { ...DEFAULT_FILTER, quick: 'blocked' as const };
    let filtered: Filtered | null = null;
    for (let batch = 0; batch < 5; batch++) {
      store.apply({ removed: [], added: Array.from({ length: 10 }, (_, index) => row(batch * 10 + index, index % 3 === 0 ? 'blocked' : 'allowed')) });
      const previous: Filtered | null = filtered;
      filtered = refilter(previous, store.rows, store.appendedTo, filter);
      expect(filtered.shown).toEqual(filterRows(store.rows, filter));
      // The rows shown before are kept as they are: only the tail was looked at.
      if (previous !== null) expect(filtered.shown.slice(0, previous.shown.length).every((item, index) => item === previous.shown[index])).toBe(true);
    }
    // A replacement is no append: everything is filtered again.
    store.apply({ removed: ['ex-3'], added: [row(3, 'allowed')] });
    expect(store.appendedTo).toBeNull();
    expect(refilter(filtered, store.rows, store.appendedTo, filter).shown).toEqual(filterRows(store.rows, filter));
  });

  it('names a request by host and path, without its fragment', () => {
    expect(hostAndPath('https://API.test:8443/a/b?c=1#frag')).toBe('API.test:8443/a/b?c=1');
    expect(hostAndPath('not a url')).toBe('not a url');
  });
});
