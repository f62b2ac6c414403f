// The capture controller without Preact or a DOM: one worker for every path, a reopened report diagnosed once,
// and a live capture that drops its oldest exchanges beyond its limit while its counts keep counting.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportReport } from '../../src/engine/index';
import { CaptureController, type CaptureView } from '../../src/panel/controller/capture-controller';
import { MemoryHarSource, StaticHarSource } from '../../src/platform/static-har-source';
import type { HarSource } from '../../src/platform/har-source';
import { harEntry } from '../support/har-entry';
import { InProcessWorker } from './in-process-worker';

const diagnoses = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/engine/diagnose', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/engine/diagnose')>();
  return {
    ...original,
    diagnose: (...args: Parameters<typeof original.diagnose>) => {
      diagnoses.count += 1;
      return original.diagnose(...args);
    },
  };
});

const page = 'http://app.test';
const fromPage = { Origin: page, 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': 'cross-site' };
const at = (index: number) => new Date(Date.parse('2026-11-21T10:00:00.000Z') + index * 1000).toISOString();
const blocked = (index: number) => harEntry({ url: `http://api.test/private/${index}`, requestHeaders: fromPage, error: 'net::ERR_FAILED', startedDateTime: at(index) });
const allowed = (index: number) => harEntry({ url: `http://api.test/items/${index}`, requestHeaders: fromPage, responseHeaders: { 'Access-Control-Allow-Origin': page }, startedDateTime: at(index) });

let stop: AbortController[] = [];
afterEach(() => {
  for (const controller of stop) controller.abort();
  stop = [];
});

function start(source: HarSource, limit?: number, browser?: 'chromium' | 'firefox') {
  const workers: InProcessWorker[] = [];
  const controller = new CaptureController(source, {
    spawn: () => {
      const worker = new InProcessWorker();
      workers.push(worker);
      return worker.port();
    },
    ...(limit === undefined ? {} : { limit }),
    ...(browser === undefined ? {} : { browser }),
    live: { resyncDelayMs: 5, publishIntervalMs: 0 },
  });
  const abort = new AbortController();
  stop.push(abort);
  controller.start(abort.signal);
  const until = (what: (view: CaptureView) => boolean) =>
    vi.waitFor(() => {
      if (!what(controller.get())) throw new Error('not yet');
      return controller.get();
    }, { timeout: 5_000 });
  return { controller, workers, until };
}

describe('CaptureController', () => {
  it('diagnoses a reopened JSON report once, in the one worker that also holds the live capture', async () => {
    const exported = exportReport([blocked(1), allowed(2)], { format: 'json', generatedAt: '2026-11-21T00:00:00.000Z' });
    if (!exported.ok) throw new Error(exported.error.message);
    const { controller, workers, until } = start(new StaticHarSource('memory', 'Test', []));
    await until((view) => view.head.ok);
    const before = diagnoses.count;
    await controller.importFile(new File([exported.content], 'report.json'));
    const view = await until((shown) => shown.imported === 'report.json');
    expect(diagnoses.count - before).toBe(1);
    expect(view.rows.map((row) => `${row.url} ${row.verdict}`)).toEqual(['http://api.test/private/1 blocked', 'http://api.test/items/2 allowed']);
    expect(view.head).toMatchObject({ ok: true, reopened: { matches: true } });
    expect(workers).toHaveLength(1);
  });

  it('drops the oldest exchanges beyond its limit, keeps counting them, and keeps the ids and details of the rest', async () => {
    const source = new MemoryHarSource('Live');
    const { controller, workers, until } = start(source, 20);
    for (let index = 0; index < 25; index++) source.finish(index % 5 === 0 ? blocked(index) : allowed(index));
    const first = await until((view) => view.dropped.exchanges > 0 && view.dropped.exchanges + view.rows.length === 25);
    // Down to 90% of the limit (18), the oldest first, in batches: a drop waits for the worker to have done the last.
    expect(first.rows.length).toBeGreaterThanOrEqual(18);
    expect(first.rows.length).toBeLessThanOrEqual(20);
    const gone = first.dropped.exchanges;
    expect(first.dropped).toEqual({ exchanges: gone, crossOrigin: gone, blocked: Math.ceil(gone / 5), warnings: 0 });
    expect(first.rows[0]?.firstEntry).toBe(gone);
    for (let index = 25; index < 60; index++) source.finish(index % 5 === 0 ? blocked(index) : allowed(index));
    const view = await until((shown) => shown.head.ok && shown.head.summary.exchanges + shown.dropped.exchanges === 60 && shown.rows.length <= 20);
    expect(view.rows.length).toBeLessThanOrEqual(20);
    expect(view.dropped.blocked + (view.head.ok ? view.head.summary.blocked : 0)).toBe(12);
    // The newest entries keep the ids (log indices) they had: the last row is still the 60th request.
    const last = view.rows.at(-1)!;
    expect(last).toMatchObject({ id: 'ex-59', firstEntry: 59, url: 'http://api.test/items/59' });
    expect(view.rows[0]!.firstEntry).toBe(60 - view.rows.length);
    // The worker holds only what is kept.
    const live = (workers[0]!.host as unknown as { live: { kept: { entries: unknown[] } } }).live;
    expect(live.kept.entries.length).toBe(view.rows.length);
    // A lower limit drops down to 90% of it at once.
    controller.setLimit(10);
    const lower = await until((shown) => shown.rows.length <= 10);
    expect(lower.rows.length).toBe(9);
    expect(lower.dropped.exchanges + lower.rows.length).toBe(60);
    // Details of a kept exchange come with the log indices the panel shows.
    controller.select('ex-55', true);
    const detail = (await until((shown) => shown.detail !== null)).detail!;
    expect(detail.exchange).toMatchObject({ id: 'ex-55', verdict: 'blocked', entries: [55] });
    expect(detail.entries.map((entry) => entry.index)).toEqual([55]);
    expect((detail.raw[0] as { request: { url: string } }).request.url).toBe('http://api.test/private/55');
  });

  it('passes the host browser, given once, to the worker with the live start (chromium unless told)', async () => {
    for (const browser of [undefined, 'firefox', 'chromium'] as const) {
      const { controller, workers, until } = start(new MemoryHarSource(), undefined, browser);
      await until((view) => view.head.ok);
      expect(controller.browser).toBe(browser ?? 'chromium');
      const starts = workers.flatMap((worker) => worker.traffic.log).filter(({ to, message }) => to === 'worker' && message.kind === 'live');
      expect(starts.map(({ message }) => (message.kind === 'live' ? message.browser : null))).toEqual([browser ?? 'chromium']);
    }
  });
});
