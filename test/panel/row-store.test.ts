import { describe, expect, it } from 'vitest';
import { FilteredRows, RowStore } from '../../src/panel/model/row-store';
import { DEFAULT_FILTER, filterRows, hostAndPath, type ExchangeRow } from '../../src/panel/model/rows';

const row = (firstEntry: number, verdict: ExchangeRow['verdict'] = 'allowed', kind: ExchangeRow['kind'] = 'simple'): ExchangeRow => ({
  id: `ex-${firstEntry}`, firstEntry, verdict, method: 'GET', url: `http://api.test/items/${firstEntry}`, status: 200, netError: null,
  kind, preflight: 'not-needed', corsError: '', durationMs: 1, warnings: 0, rules: '', problems: '', entryCount: 1,
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

  it('keeps a filter\'s rows in step with every change, in place, as filtering all of them would', () => {
    const store = new RowStore();
    const filter = { ...DEFAULT_FILTER, quick: 'blocked' as const };
    const view = new FilteredRows(store, filter);
    const shown = view.rows;
    let next = 0;
    for (let step = 0; step < 40; step++) {
      const added = Array.from({ length: 5 }, () => row(next++, next % 3 === 0 ? 'blocked' : 'allowed'));
      // Now and then an older exchange is diagnosed again (its preflight came late), or goes.
      const removed = step % 4 === 3 ? [`ex-${next - 12}`, `ex-${next - 20}`] : [];
      if (step % 4 === 3) added.push(row(next - 12, 'blocked'));
      view.follow(store.apply({ removed, added }));
      expect(view.rows).toEqual(filterRows(store.rows, filter));
    }
    expect(view.rows).toBe(shown);
    // Many changes at once, old rows among them: the same result.
    view.follow(store.apply({ removed: store.rows.slice(0, 100).map((item) => item.id), added: [] }));
    expect(view.rows).toEqual(filterRows(store.rows, filter));
    // A filter that shows everything is the store's own rows.
    expect(new FilteredRows(store, { ...DEFAULT_FILTER, showSameOrigin: true }).rows).toBe(store.rows);
  });

  it('places large deltas of old and new rows as sorting every row would, and its filtered view follows', () => {
    const store = new RowStore();
    const filter = { ...DEFAULT_FILTER, quick: 'blocked' as const };
    const view = new FilteredRows(store, filter);
    // Even entries first; then deltas that re-diagnose old rows, fill the odd gaps and append, hundreds at a time.
    view.follow(store.apply({ removed: [], added: Array.from({ length: 500 }, (_, index) => row(index * 2, index % 3 === 0 ? 'blocked' : 'allowed')) }));
    let seed = 7;
    const random = (below: number) => (seed = (seed * 48271) % 2147483647) % below;
    const expected = new Map(store.rows.map((item) => [item.firstEntry, item]));
    for (let step = 0; step < 30; step++) {
      const removed = [...new Set(Array.from({ length: random(150) }, () => [...expected.keys()][random(expected.size)] as number))];
      for (const entry of removed) expected.delete(entry);
      const added = [
        ...removed.filter(() => random(2) === 0).map((entry) => row(entry, random(2) === 0 ? 'blocked' : 'allowed')),
        ...Array.from({ length: random(120) }, () => random(1_200)).filter((entry) => !expected.has(entry)).map((entry) => row(entry, 'blocked')),
      ];
      const unique = [...new Map(added.map((item) => [item.firstEntry, item])).values()];
      for (const item of unique) expected.set(item.firstEntry, item);
      view.follow(store.apply({ removed: removed.map((entry) => `ex-${entry}`), added: unique }));
      expect(store.rows).toEqual([...expected.values()].sort((a, b) => a.firstEntry - b.firstEntry));
      expect(view.rows).toEqual(filterRows(store.rows, filter));
    }
  });

  it('names a request by host and path, without its fragment', () => {
    expect(hostAndPath('https://API.test:8443/a/b?c=1#frag')).toBe('API.test:8443/a/b?c=1');
    expect(hostAndPath('not a url')).toBe('not a url');
  });
});
