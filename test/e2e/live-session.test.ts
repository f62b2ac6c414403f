// A live session in real Chromium: a page making bursts of requests, half of them PUTs blocked at their preflight (status 0 and no response headers in the HAR, forever). The panel must count every
// request, and must not re-read the whole capture with getHAR() because of them.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSoakTraffic, type SoakTraffic } from '../../bench/soak-traffic';
import { inspectedPage, launchChromium, openCorsPanel, waitFor, type ChromiumSession, type CorsPanel } from '../../scripts/lib/chromium';

let traffic: SoakTraffic;
let chromium: ChromiumSession;
let panel: CorsPanel;
let page: Page;

const counts = async () => {
  const text = await panel.evaluate<string>(`document.querySelector('[data-testid=counts]')?.textContent ?? ''`);
  const [exchanges = 0, , blocked = 0] = [...text.matchAll(/([\d,]+) (?:exchanges|cross-origin|blocked)/g)].map((match) => Number(match[1]!.replace(/,/g, '')));
  return { exchanges, blocked };
};
const snapshots = () => panel.evaluate<number>('globalThis.__corsLens.snapshots()');

beforeAll(async () => {
  traffic = await startSoakTraffic();
  chromium = await launchChromium();
  panel = await openCorsPanel(chromium);
  page = await inspectedPage(chromium);
  await page.goto(traffic.pageUrl);
  // The page's own requests (document, icon) are in before the traffic starts.
  let previous = -1;
  await waitFor('the page load to settle in the panel', async () => {
    const now = (await counts()).exchanges;
    const settled = now > 0 && now === previous;
    previous = now;
    if (!settled) await new Promise((done) => setTimeout(done, 700));
    return settled ? true : undefined;
  });
});

afterAll(async () => {
  await chromium?.close();
  await traffic?.close();
});

describe('a live session in real Chromium', () => {
  it('counts every request of bursts with pauses, and re-reads getHAR() at most once for requests stopped at their preflight', async () => {
    const start = await counts();
    const before = await snapshots();
    // 3 bursts of 100, pauses of 600 ms (more than the panel's 250 ms resync delay): half are PUTs whose preflight fails.
    await page.evaluate(() => (window as unknown as { __run(options: object): Promise<number> }).__run({ count: 300, mode: 'bursty', burst: 100, pauseMs: 600, kinds: ['pass', 'put-blocked'] }));
    const end = await waitFor('the panel to count all 300 requests', async () => {
      const now = await counts();
      return now.exchanges >= start.exchanges + 300 ? now : undefined;
    });
    expect(end.exchanges).toBe(start.exchanges + 300);
    expect(end.blocked - start.blocked).toBe(150);
    // Whatever else the panel does, it waits a pause or two: no re-read may follow.
    await new Promise((done) => setTimeout(done, 1_500));
    expect((await snapshots()) - before).toBeLessThanOrEqual(1);
    const rows = await panel.rows();
    const blockedPut = rows.find((row) => row.method === 'PUT' && row.verdict === 'blocked');
    expect(blockedPut).toMatchObject({ status: 0, kind: 'preflighted', entries: 2, corsError: 'PreflightMissingAllowOriginHeader' });
  });
});
