import { describe, expect, it } from 'vitest';
import type { HarEntry } from '../../src/platform/har-source';
import { MemoryHarSource } from '../../src/platform/static-har-source';
import { LiveCapture } from '../../src/panel/live-capture';
import { harEntry } from '../support/har-entry';

const settle = (ms = 30) => new Promise((done) => setTimeout(done, ms));

function capture(source: MemoryHarSource, publishIntervalMs = 0) {
  const seen: HarEntry[][] = [];
  const controller = new AbortController();
  const live = new LiveCapture(source, (entries) => seen.push(entries), controller.signal, {
    resyncDelayMs: 5,
    retryDelayMs: 5,
    incompleteRetries: 3,
    publishIntervalMs,
  });
  return { live, seen, controller, latest: () => seen.at(-1) ?? [] };
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

  it('shows a burst of finished requests as one update', async () => {
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
});
