import { describe, expect, it, vi } from 'vitest';
import type { HarEntry } from '../../src/platform/har-source';
import { MemoryHarSource } from '../../src/platform/static-har-source';
import { applyChanges, type CaptureChange } from '../../src/panel/capture-changes';
import { LiveCapture } from '../../src/panel/live-capture';
import { harEntry } from '../support/har-entry';

const settle = (ms = 30) => new Promise((done) => setTimeout(done, ms));

/** A MemoryHarSource that counts getHAR() reads. */
class CountingSource extends MemoryHarSource {
  reads = 0;
  override snapshot(): Promise<HarEntry[]> {
    this.reads += 1;
    return super.snapshot();
  }
}

function capture(source: MemoryHarSource, publishIntervalMs = 0) {
  const seen: CaptureChange[][] = [];
  let entries: HarEntry[] = [];
  const controller = new AbortController();
  const live = new LiveCapture(source, (changes) => {
    seen.push(changes);
    entries = applyChanges(entries, changes);
  }, controller.signal, { resyncDelayMs: 5, snapshotSpacing: 0, publishIntervalMs });
  return { live, seen, controller, latest: () => entries };
}

/** A started live capture that re-reads by itself only up to 50 entries, with `count` entries finished. */
async function pastAutomaticReReads(count: number) {
  const source = new CountingSource();
  const controller = new AbortController();
  const live = new LiveCapture(source, () => undefined, controller.signal, { resyncDelayMs: 5, snapshotSpacing: 0, publishIntervalMs: 0, autoSnapshotMaxEntries: 50 });
  await live.start();
  for (let index = 0; index < count; index++) source.finish(harEntry({ url: `http://api.test/ok/${index}` }));
  return { source, controller, live };
}

describe('LiveCapture', () => {
  it('backfills what was recorded before the panel opened', async () => {
    const source = new MemoryHarSource();
    source.finish(harEntry({ url: 'http://a.test/early' }));
    const { live, latest } = capture(source);
    await live.start();
    expect(latest().map((entry) => entry.request.url)).toEqual(['http://a.test/early']);
  });

  it('reconciles an entry announced before its response headers arrived', async () => {
    const source = new MemoryHarSource();
    const { live, latest } = capture(source);
    await live.start();
    const complete = harEntry({ url: 'http://a.test/x', status: 200, responseHeaders: { A: 'b' }, error: 'net::ERR_FAILED' });
    const early = harEntry({ url: 'http://a.test/x', status: 0 });
    source.finish(early, { announce: early });
    expect(latest()[0]?.response.status).toBe(0);
    // getHAR() catches up a moment later.
    source.replaceRecorded(0, complete);
    await settle();
    expect(latest().map((entry) => entry.response.status)).toEqual([200]);
  });

  it('clears on navigation and stops listening once aborted', async () => {
    const source = new MemoryHarSource();
    const { live, latest, controller, seen } = capture(source);
    await live.start();
    source.finish(harEntry({ url: 'http://a.test/1' }));
    await settle();
    source.navigate('http://a.test/next');
    expect(latest()).toEqual([]);
    controller.abort();
    const publishedBefore = seen.length;
    source.finish(harEntry({ url: 'http://a.test/2' }));
    await settle();
    expect(seen.length).toBe(publishedBefore);
  });

  it('passes a burst of finished requests on as one update', async () => {
    const source = new MemoryHarSource();
    const { live, seen, latest } = capture(source, 20);
    await live.start();
    const before = seen.length;
    for (let index = 0; index < 100; index++) source.finish(harEntry({ url: `http://a.test/${index}` }));
    expect(seen.length).toBe(before);
    await settle(40);
    expect(seen.length - before).toBeLessThanOrEqual(2);
    expect(latest()).toHaveLength(100);
  });

  it('re-reads the capture at most once for requests stopped at their preflight, however long the session', async () => {
    const source = new CountingSource();
    const { live, latest } = capture(source);
    await live.start();
    expect(source.reads).toBe(1);
    // Bursts of traffic with pauses: a request whose preflight failed has status 0 and no headers, forever.
    for (let burst = 0; burst < 5; burst++) {
      for (let index = 0; index < 20; index++) {
        const url = `http://api.test/items/${burst}-${index}`;
        source.finish(harEntry({ method: 'PUT', url, status: 0, error: 'net::ERR_FAILED' }));
        source.finish(harEntry({ method: 'OPTIONS', url, status: 404, resourceType: 'preflight', requestHeaders: { 'Access-Control-Request-Method': 'PUT' } }));
        source.finish(harEntry({ url: `http://api.test/ok/${burst}-${index}`, responseHeaders: { 'Access-Control-Allow-Origin': '*' } }));
      }
      await settle(30);
    }
    expect(latest()).toHaveLength(300);
    expect(source.reads).toBe(1);

    // One response announced before its headers: one re-read brings them, and no more follow.
    const early = harEntry({ url: 'http://api.test/late', status: 0 });
    source.finish(early, { announce: early });
    source.replaceRecorded(300, harEntry({ url: 'http://api.test/late', status: 200, responseHeaders: { A: 'b' }, error: 'net::ERR_FAILED' }));
    await settle(60);
    expect(source.reads).toBe(2);
    expect(latest()[300]?.response.status).toBe(200);
    source.finish(harEntry({ url: 'http://api.test/after' }));
    await settle(60);
    expect(source.reads).toBe(2);
  });

  it('leaves re-reads of a large capture to the user, and says how many responses one would complete', async () => {
    const { source, controller, live } = await pastAutomaticReReads(60);
    const early = harEntry({ url: 'http://api.test/late', status: 0 });
    source.finish(early, { announce: early });
    source.replaceRecorded(60, harEntry({ url: 'http://api.test/late', status: 200, responseHeaders: { A: 'b' } }));
    await settle(40);
    expect(source.reads).toBe(1);
    expect(live.unconfirmed).toBe(1);
    await live.resync();
    expect(source.reads).toBe(2);
    expect(live.unconfirmed).toBe(0);
    controller.abort();
  });

  it('arms no re-read timer per entry once no pause would re-read the capture', async () => {
    const { source, controller } = await pastAutomaticReReads(51);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      for (let index = 51; index < 200; index++) source.finish(harEntry({ url: `http://api.test/ok/${index}` }));
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
    }
    await settle(40);
    expect(source.reads).toBe(1);
    controller.abort();
  });

  it('spaces re-reads by how long the last one took', async () => {
    const source = new CountingSource();
    const controller = new AbortController();
    const live = new LiveCapture(source, () => undefined, controller.signal, { resyncDelayMs: 5, snapshotSpacing: 1_000, publishIntervalMs: 0 });
    const slow = source.snapshot.bind(source);
    source.snapshot = async () => {
      const entries = await slow();
      await settle(5);
      return entries;
    };
    await live.start();
    for (let index = 0; index < 3; index++) {
      const early = harEntry({ url: `http://api.test/late-${index}`, status: 0 });
      source.finish(early, { announce: early });
      await settle(30);
    }
    // The first read took ≥ 5 ms: the next may come only ≥ 5 s later.
    expect(source.reads).toBe(1);
    controller.abort();
  });
});

/** An entry as Firefox's HAR has it: no `_resourceType`, `_initiator` or `_error`. */
function firefoxEntry(shape: Parameters<typeof harEntry>[0] & { mimeType?: string }): HarEntry {
  const entry = harEntry(shape) as HarEntry & { _resourceType?: unknown; response: { _error?: unknown } };
  delete entry._resourceType;
  delete entry.response._error;
  if (shape.mimeType !== undefined) entry.response.content.mimeType = shape.mimeType;
  return entry;
}

/** Firefox's DevTools: a request that was never sent is recorded (getHAR() lists it) but never announced. */
class FirefoxLikeSource extends CountingSource {
  recordOnly(entry: HarEntry): void {
    (this as unknown as { entries: HarEntry[] }).entries.push(entry);
  }
}

const API = 'http://api.test';
const at = (ms: number) => new Date(Date.parse('2026-11-21T10:00:00.000Z') + ms).toISOString();
/** A PUT its preflight stopped, as Firefox records it: the request (status 0, never announced), then the preflight. */
function stoppedAtPreflight(source: FirefoxLikeSource, path: string, ms: number): void {
  source.recordOnly(firefoxEntry({ method: 'PUT', url: `${API}${path}`, status: 0, startedDateTime: at(ms) }));
  source.finish(firefoxEntry({ method: 'OPTIONS', url: `${API}${path}`, status: 404, startedDateTime: at(ms + 1), requestHeaders: { 'Access-Control-Request-Method': 'PUT' } }));
}
/** A PUT its preflight allowed: both announced, preflight first. */
function allowedAfterPreflight(source: FirefoxLikeSource, path: string, ms: number): void {
  source.finish(firefoxEntry({ method: 'OPTIONS', url: `${API}${path}`, startedDateTime: at(ms + 1), requestHeaders: { 'Access-Control-Request-Method': 'put' } }));
  source.finish(firefoxEntry({ method: 'PUT', url: `${API}${path}`, startedDateTime: at(ms) }));
}

function firefoxCapture(source: FirefoxLikeSource, options: { autoSnapshotMaxEntries?: number; browser?: 'firefox' | 'chromium'; unsentGraceMs?: number } = {}) {
  let entries: HarEntry[] = [];
  const controller = new AbortController();
  const live = new LiveCapture(source, (changes) => {
    entries = applyChanges(entries, changes);
  }, controller.signal, { resyncDelayMs: 5, snapshotSpacing: 0, publishIntervalMs: 0, browser: options.browser ?? 'firefox', unsentGraceMs: options.unsentGraceMs ?? 10, ...(options.autoSnapshotMaxEntries ? { autoSnapshotMaxEntries: options.autoSnapshotMaxEntries } : {}) });
  const urls = () => entries.map((entry) => `${entry.request.method} ${entry.request.url.slice(API.length)} ${entry.response.status}`);
  return { live, controller, latest: () => entries, urls };
}

describe('LiveCapture in Firefox (requests stopped at their preflight are never announced)', () => {
  it('lists them with one re-read after the pause that follows their preflight, and none for requests that were sent', async () => {
    const source = new FirefoxLikeSource();
    const { live, urls, controller } = firefoxCapture(source);
    await live.start();
    expect(source.reads).toBe(1);
    allowedAfterPreflight(source, '/ok', 0);
    source.finish(firefoxEntry({ url: `${API}/simple`, startedDateTime: at(10) }));
    await settle();
    // Every preflight was followed by its request: nothing to re-read.
    expect(source.reads).toBe(1);
    stoppedAtPreflight(source, '/stopped-1', 20);
    stoppedAtPreflight(source, '/stopped-2', 30);
    await settle();
    expect(source.reads).toBe(2);
    expect(urls()).toEqual(['OPTIONS /ok 200', 'PUT /ok 200', 'GET /simple 200', 'OPTIONS /stopped-1 404', 'OPTIONS /stopped-2 404', 'PUT /stopped-1 0', 'PUT /stopped-2 0']);
    // More traffic, none of it stopped: no more re-reads, and nothing listed twice.
    for (let index = 0; index < 10; index++) allowedAfterPreflight(source, `/ok-${index}`, 100 + index * 10);
    await settle();
    expect(source.reads).toBe(2);
    expect(urls()).toHaveLength(27);
    controller.abort();
  });

  it('reads once per pause however many requests were stopped in the burst before it, and never in Chromium', async () => {
    for (const browser of ['firefox', 'chromium'] as const) {
      const source = new FirefoxLikeSource();
      const { live, latest, controller } = firefoxCapture(source, { browser });
      await live.start();
      for (let burst = 0; burst < 3; burst++) {
        for (let index = 0; index < 20; index++) stoppedAtPreflight(source, `/s/${burst}-${index}`, burst * 1000 + index * 10);
        await settle();
      }
      // Chromium announces a stopped request itself (see above): its capture never re-reads for them.
      expect({ browser, reads: source.reads, entries: latest().length }).toEqual(browser === 'firefox' ? { browser, reads: 4, entries: 120 } : { browser, reads: 1, entries: 60 });
      controller.abort();
    }
  });

  it('gives a preflighted request time to finish: one announced within the grace causes no re-read', async () => {
    const source = new FirefoxLikeSource();
    const { live, urls, controller } = firefoxCapture(source, { unsentGraceMs: 150 });
    await live.start();
    source.finish(firefoxEntry({ method: 'OPTIONS', url: `${API}/slow`, startedDateTime: at(1), requestHeaders: { 'Access-Control-Request-Method': 'PUT' } }));
    // The pause after the preflight is longer than the quiet period, shorter than the grace.
    await settle(60);
    source.finish(firefoxEntry({ method: 'PUT', url: `${API}/slow`, startedDateTime: at(0) }));
    await settle(250);
    expect(source.reads).toBe(1);
    // A preflight whose request never comes is read for once its grace is over, though nothing else happens.
    stoppedAtPreflight(source, '/stopped', 10);
    await settle(60);
    expect(source.reads).toBe(1);
    await settle(200);
    expect(source.reads).toBe(2);
    expect(urls()).toEqual(['OPTIONS /slow 200', 'PUT /slow 200', 'OPTIONS /stopped 404', 'PUT /stopped 0']);
    controller.abort();
  });

  it('keeps a request the re-read listed while it was under way, and takes its announced outcome in its place', async () => {
    const source = new FirefoxLikeSource();
    const { live, urls, controller } = firefoxCapture(source);
    await live.start();
    // The preflight passed; the request is slow: the re-read lists it unfinished.
    source.finish(firefoxEntry({ method: 'OPTIONS', url: `${API}/slow`, startedDateTime: at(1), requestHeaders: { 'Access-Control-Request-Method': 'PUT' } }));
    source.recordOnly(firefoxEntry({ method: 'PUT', url: `${API}/slow`, status: 0, startedDateTime: at(0) }));
    await settle();
    expect(source.reads).toBe(2);
    expect(urls()).toEqual(['OPTIONS /slow 200', 'PUT /slow 0']);
    source.finish(firefoxEntry({ method: 'PUT', url: `${API}/slow`, status: 201, startedDateTime: at(0), responseHeaders: { 'Access-Control-Allow-Origin': '*' } }));
    await settle();
    expect(urls()).toEqual(['OPTIONS /slow 200', 'PUT /slow 201']);
    expect(source.reads).toBe(2);
    controller.abort();
  });

  it('does not bring back a stopped request from before Clear or a navigation', async () => {
    const source = new FirefoxLikeSource();
    const { live, urls, controller } = firefoxCapture(source);
    await live.start();
    const now = Date.now();
    const atNow = (ms: number) => new Date(now + ms).toISOString();
    source.recordOnly(firefoxEntry({ method: 'PUT', url: `${API}/before-clear`, status: 0, startedDateTime: atNow(-50) }));
    live.clear();
    source.finish(firefoxEntry({ method: 'OPTIONS', url: `${API}/before-clear`, status: 404, startedDateTime: atNow(-49), requestHeaders: { 'Access-Control-Request-Method': 'PUT' } }));
    stoppedAtPreflight(source, '/after-clear', Date.parse(atNow(10)) - Date.parse(at(0)));
    await settle();
    expect(source.reads).toBe(2);
    expect(urls()).toEqual(['OPTIONS /before-clear 404', 'OPTIONS /after-clear 404', 'PUT /after-clear 0']);

    // A navigation (Firefox's HAR has no resource type: the page's document is the GET of its URL answered with HTML).
    const page = `${API}/next-page`;
    source.finish(firefoxEntry({ url: page, startedDateTime: atNow(20), mimeType: 'text/html; charset=utf-8' }));
    source.recordOnly(firefoxEntry({ method: 'PUT', url: `${API}/old-page`, status: 0, startedDateTime: atNow(15) }));
    stoppedAtPreflight(source, '/new-page', Date.parse(atNow(30)) - Date.parse(at(0)));
    source.navigate(page, { keepLog: true });
    await settle();
    expect(urls()).toEqual(['GET /next-page 200', 'OPTIONS /new-page 404', 'PUT /new-page 0']);
    controller.abort();
  });

  it('leaves the re-read of a large capture to the user, and says how many preflights went without their request', async () => {
    const source = new FirefoxLikeSource();
    const { live, latest, controller } = firefoxCapture(source, { autoSnapshotMaxEntries: 30 });
    await live.start();
    for (let index = 0; index < 40; index++) source.finish(firefoxEntry({ url: `${API}/ok/${index}`, startedDateTime: at(index) }));
    stoppedAtPreflight(source, '/stopped', 100);
    await settle();
    expect(source.reads).toBe(1);
    expect(live.unlisted).toBe(1);
    await live.resync();
    expect(source.reads).toBe(2);
    expect(live.unlisted).toBe(0);
    expect(latest().at(-1)?.request.method).toBe('PUT');
    controller.abort();
  });
});
