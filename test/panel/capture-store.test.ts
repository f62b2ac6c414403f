import { describe, expect, it } from 'vitest';
import type { HarEntry } from '../../src/platform/har-source';
import { applyChanges } from '../../src/panel/capture-changes';
import { CaptureStore, looksIncomplete } from '../../src/panel/capture-store';
import { harEntry } from '../support/har-entry';

/** The entries as the diagnosis worker holds them: the store's changes, applied in order. */
const replicas = new WeakMap<CaptureStore, HarEntry[]>();
function shownEntries(store: CaptureStore): HarEntry[] {
  const list = applyChanges(replicas.get(store) ?? [], store.take());
  replicas.set(store, list);
  expect(list).toHaveLength(store.size);
  return list;
}

const at = (second: number) => `2026-11-21T10:00:${String(second).padStart(2, '0')}.000Z`;
const blockedEarly = harEntry({ url: 'http://api.test/data', status: 0, startedDateTime: at(1) });
const blockedComplete = harEntry({
  url: 'http://api.test/data',
  status: 200,
  startedDateTime: at(1),
  responseHeaders: { 'Content-Type': 'application/json' },
  error: 'net::ERR_FAILED',
});
const other = harEntry({ url: 'http://api.test/other', startedDateTime: at(2) });
const urls = (store: CaptureStore) => shownEntries(store).map((entry) => `${entry.request.url} ${entry.response.status}`);

describe('CaptureStore', () => {
  it('shows live entries at once and replaces them with the snapshot copy when headers arrive late', () => {
    const store = new CaptureStore();
    store.addLive(blockedEarly);
    expect(urls(store)).toEqual(['http://api.test/data 0']);
    expect(store.needsSnapshot()).toBe(true);

    store.applySnapshot([blockedComplete]);
    expect(urls(store)).toEqual(['http://api.test/data 200']);
    expect(store.needsSnapshot()).toBe(false);
  });

  it('keeps live entries the snapshot does not hold yet', () => {
    const store = new CaptureStore();
    store.addLive(other);
    store.applySnapshot([blockedComplete]);
    // Shown entries keep their place; what the snapshot adds goes after them.
    expect(urls(store)).toEqual(['http://api.test/other 200', 'http://api.test/data 200']);
  });

  it('keeps two identical requests in flight as two rows', () => {
    const store = new CaptureStore();
    store.applySnapshot([blockedComplete, blockedComplete]);
    expect(store.size).toBe(2);
  });

  it('does not bring cleared entries back when the next snapshot still holds them', () => {
    const store = new CaptureStore();
    store.applySnapshot([blockedComplete]);
    store.clear();
    expect(store.size).toBe(0);
    store.applySnapshot([blockedComplete, other]);
    expect(urls(store)).toEqual(['http://api.test/other 200']);
  });

  it('drops everything on navigation without Preserve log', () => {
    const store = new CaptureStore();
    store.applySnapshot([blockedComplete]);
    store.navigated();
    store.applySnapshot([]);
    expect(store.size).toBe(0);
  });

  it('keeps earlier pages on navigation with Preserve log, without listing them twice', () => {
    const store = new CaptureStore();
    store.preserveLog = true;
    store.applySnapshot([blockedComplete]);
    store.navigated();
    // DevTools' own "Preserve log" may keep the old entries in getHAR(): they must not come back twice.
    store.applySnapshot([blockedComplete, other]);
    expect(urls(store)).toEqual(['http://api.test/data 200', 'http://api.test/other 200']);
  });

  it('tells an entry without a response from one that failed after its response', () => {
    expect(looksIncomplete(blockedEarly)).toBe(true);
    expect(looksIncomplete(blockedComplete)).toBe(false);
  });
});

describe('CaptureStore when snapshots lag behind live entries', () => {
  it('keeps cleared live entries hidden when a later snapshot returns them', () => {
    const store = new CaptureStore();
    store.addLive(blockedComplete);
    store.addLive(other);
    store.clear();
    store.applySnapshot([blockedComplete, other]);
    expect(store.size).toBe(0);
  });
});

describe('CaptureStore positions', () => {
  it('keeps every entry at its position when a snapshot confirms live entries in another order', () => {
    const store = new CaptureStore();
    store.addLive(other);
    store.addLive(blockedEarly);
    const before = shownEntries(store).map((entry) => entry.request.url);
    store.applySnapshot([blockedComplete, other]);
    expect(shownEntries(store).map((entry) => entry.request.url)).toEqual(before);
    expect(shownEntries(store)[1]?.response.status).toBe(200);
  });

  it('keeps the very object already shown when the snapshot copy records the same thing', () => {
    const store = new CaptureStore();
    store.addLive(other);
    store.applySnapshot([{ ...other }]);
    expect(shownEntries(store)[0]).toBe(other);
  });
});

describe('CaptureStore on navigation', () => {
  it('keeps the new page\'s document when onNavigated arrives after it finished', () => {
    const store = new CaptureStore(() => Date.parse(at(0)));
    store.applySnapshot([harEntry({ url: 'http://app.test/old', startedDateTime: at(1), resourceType: 'document' })]);
    const document = harEntry({ url: 'http://app.test/new', startedDateTime: at(5), resourceType: 'document' });
    const script = harEntry({ url: 'http://app.test/app.js', startedDateTime: at(6), resourceType: 'script' });
    store.addLive(document);
    store.addLive(script);
    store.navigated('http://app.test/new');
    expect(urls(store)).toEqual(['http://app.test/new 200', 'http://app.test/app.js 200']);
    // The old page's entry stays gone when the next snapshot still holds it.
    store.applySnapshot([harEntry({ url: 'http://app.test/old', startedDateTime: at(1), resourceType: 'document' }), document, script]);
    expect(urls(store)).toEqual(['http://app.test/new 200', 'http://app.test/app.js 200']);
  });
});

describe('CaptureStore on reload', () => {
  it('does not mistake the old page\'s document for the new one when the URL is the same', () => {
    let clock = Date.parse(at(3));
    const store = new CaptureStore(() => clock);
    const oldDocument = harEntry({ url: 'http://app.test/', startedDateTime: at(1), resourceType: 'document' });
    store.applySnapshot([oldDocument, harEntry({ url: 'http://app.test/old.js', startedDateTime: at(2) })]);
    clock = Date.parse(at(10));
    // onNavigated arrives before the reloaded document finished: nothing of the old page stays.
    store.navigated('http://app.test/');
    expect(store.size).toBe(0);
    store.addLive(harEntry({ url: 'http://app.test/', startedDateTime: at(9), resourceType: 'document' }));
    expect(urls(store)).toEqual(['http://app.test/ 200']);
  });
});

describe('CaptureStore asks for a snapshot only when one can bring something new', () => {
  const page = 'http://app.test';
  const preflight = harEntry({
    method: 'OPTIONS', url: 'http://api.test/items/1', status: 404, resourceType: 'preflight',
    requestHeaders: { Origin: page, 'Access-Control-Request-Method': 'PUT' },
  });
  const stoppedPut = harEntry({ method: 'PUT', url: 'http://api.test/items/1', status: 0, error: 'net::ERR_FAILED' });

  it('never for a request stopped at its preflight (no response, ever), whichever arrives first', () => {
    const store = new CaptureStore();
    store.addLive(stoppedPut);
    store.addLive(preflight);
    expect(store.needsSnapshot()).toBe(false);
    const again = new CaptureStore();
    again.addLive(preflight);
    again.addLive(stoppedPut);
    expect(again.needsSnapshot()).toBe(false);
  });

  it('for a response announced before its headers, once: after the snapshot it is what was recorded', () => {
    const store = new CaptureStore();
    store.addLive(blockedEarly);
    // A preflight for another method at the same URL explains nothing about this GET.
    store.addLive(preflight);
    expect(store.needsSnapshot()).toBe(true);
    // getHAR() lags: the snapshot does not hold the entry yet. It is not asked for again.
    store.applySnapshot([]);
    expect(store.needsSnapshot()).toBe(false);
  });

  it('drops the oldest entries on request, and a later snapshot does not bring them back', () => {
    const store = new CaptureStore();
    store.applySnapshot([blockedComplete, other]);
    store.dropOldest(1);
    expect(shownEntries(store).map((entry) => entry.request.url)).toEqual(['http://api.test/other']);
    store.applySnapshot([blockedComplete, other]);
    expect(shownEntries(store).map((entry) => entry.request.url)).toEqual(['http://api.test/other']);
  });
});

describe('CaptureStore when a snapshot lists a request before onRequestFinished announces it', () => {
  it('shows it once', () => {
    const store = new CaptureStore();
    store.applySnapshot([blockedComplete]);
    store.addLive(blockedComplete);
    store.addLive(other);
    expect(shownEntries(store).map((entry) => entry.request.url)).toEqual(['http://api.test/data', 'http://api.test/other']);
  });

  it('keeps the listed copy when the announcement is an early one without headers (Chromium)', () => {
    const store = new CaptureStore();
    store.applySnapshot([blockedComplete]);
    store.addLive(blockedEarly);
    expect(urls(store)).toEqual(['http://api.test/data 200']);
  });

  it('takes the announced outcome when the snapshot listed the request still under way (Firefox lists those)', () => {
    const store = new CaptureStore();
    store.applySnapshot([blockedEarly]);
    expect(urls(store)).toEqual(['http://api.test/data 0']);
    store.addLive(blockedComplete);
    expect(urls(store)).toEqual(['http://api.test/data 200']);
  });
});
