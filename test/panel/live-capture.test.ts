import { describe, expect, it } from 'vitest';
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
    const source = new CountingSource();
    const controller = new AbortController();
    const live = new LiveCapture(source, () => undefined, controller.signal, { resyncDelayMs: 5, snapshotSpacing: 0, publishIntervalMs: 0, autoSnapshotMaxEntries: 50 });
    await live.start();
    for (let index = 0; index < 60; index++) source.finish(harEntry({ url: `http://api.test/ok/${index}` }));
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
