// The extension as a user meets it: dist/ loaded unpacked in Debian's Chromium, DevTools open on the demo
// page, the CORS panel listing and diagnosing the page's real traffic.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoServers } from '../../scripts/demo/server';
import {
  inspectedPage,
  launchChromium,
  openCorsPanel,
  waitFor,
  watchNetworkFailures,
  type ChromiumSession,
  type CorsPanel,
  type NetworkFailure,
  type PanelRow,
} from '../../scripts/lib/chromium';

let demo: DemoServers;
let chromium: ChromiumSession;
let panel: CorsPanel;
let page: Page;
let failures: () => NetworkFailure[];

const rowFor = (rows: PanelRow[], method: string, path: string) =>
  rows.find((row) => row.method === method && new URL(row.url).pathname === path);
const apiRows = (rows: PanelRow[]) => rows.filter((row) => new URL(row.url).pathname.startsWith('/api/'));

async function demoRequestsDone(times: number): Promise<void> {
  await page.waitForFunction((expected) => document.body.dataset.done === String(expected), { timeout: 30_000 }, times);
}

beforeAll(async () => {
  demo = await startDemo();
  chromium = await launchChromium();
  panel = await openCorsPanel(chromium);
  page = await inspectedPage(chromium);
  failures = (await watchNetworkFailures(page)).failures;
  // Same-origin exchanges are hidden by default; these tests look at them too.
  await panel.click('Same-origin');
  await page.goto(demo.pageUrl);
  await demoRequestsDone(1);
});

afterAll(async () => {
  await chromium?.close();
  await demo?.close();
});

describe('the CORS panel on the demo page', () => {
  it('lists every exchange with its real status, and the verdict Chromium reached', async () => {
    // onRequestFinished can announce a response before its headers arrive; the panel must catch up.
    const rows = await panel.waitForRows(
      (current) =>
        apiRows(current).length >= 8 &&
        rowFor(current, 'PUT', '/api/orders')?.status === 200 &&
        rowFor(current, 'GET', '/api/no-allow-origin')?.status === 200,
    );

    // Chromium blocked this response, yet the status the server really sent is shown.
    expect(rowFor(rows, 'GET', '/api/no-allow-origin')).toMatchObject({ status: 200, verdict: 'blocked', kind: 'simple' });
    // The DELETE never ran: its preflight (OPTIONS → 404) failed, and both sit in one exchange.
    expect(rowFor(rows, 'DELETE', '/api/items/42')).toMatchObject({ status: 0, verdict: 'blocked', kind: 'preflighted', entries: 2 });
    expect(rowFor(rows, 'GET', '/api/public')).toMatchObject({ status: 200, verdict: 'allowed' });
    expect(rowFor(rows, 'PUT', '/api/orders')).toMatchObject({ status: 200, verdict: 'allowed', kind: 'preflighted', entries: 2 });
    expect(rowFor(rows, 'GET', '/api/same-origin')).toMatchObject({ status: 200, kind: 'same-origin', verdict: 'allowed' });

    // Every request Chromium failed for CORS is blocked in the panel, with the error Chromium named.
    const corsFailures = failures().filter((failure) => failure.corsError !== null);
    expect(corsFailures.length).toBe(5);
    for (const failure of corsFailures) {
      const row = rows.find((candidate) => candidate.url === failure.url && candidate.method === failure.method);
      expect(row, failure.url).toMatchObject({ verdict: 'blocked', corsError: failure.corsError });
    }
    expect(apiRows(rows).filter((row) => row.verdict === 'blocked')).toHaveLength(5);
  });

  it('explains the selected exchange: its requests, the failed check and the fix', async () => {
    await panel.evaluate(`document.querySelector('[data-method="DELETE"]').click()`);
    // The details come from the diagnosis worker, which keeps the entries.
    const detail = await waitFor('the details', async () => (await panel.evaluate<string>(`document.querySelector('[data-detail]')?.innerText ?? ''`)) || undefined);
    expect(detail).toContain('PreflightMissingAllowOriginHeader');
    expect(detail).toMatch(/preflight\s+OPTIONS .*\/api\/items\/42 → 404/);
    expect(detail).toContain(`Access-Control-Allow-Origin: ${demo.siteOrigin}`);
  });

  it('diagnoses an imported .har file exactly like the live capture, then goes back to live', async () => {
    const live = await panel.rows();
    const har = await panel.getHar();
    const folder = mkdtempSync(join(tmpdir(), 'cors-lens-import-'));
    try {
      const file = join(folder, 'demo-capture.har');
      writeFileSync(file, JSON.stringify({ log: har }));
      await panel.importHar(file);
      await waitFor('the imported file', async () =>
        (await panel.evaluate<string>(`document.querySelector('[data-testid=source]').textContent`)) === 'demo-capture.har' ? true : undefined,
      );
      const fromFile = await panel.waitForRows((rows) => rows.length === live.length);
      const verdicts = (rows: PanelRow[]) => rows.map((row) => `${row.method} ${row.url} ${row.verdict} ${row.corsError}`).sort();
      expect(verdicts(fromFile)).toEqual(verdicts(live));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    await panel.click('Back to live capture');
    const back = await panel.evaluate<string>(`document.querySelector('[data-testid=source]').textContent`);
    expect(back).toBe('Live capture');
  });

  it('clears on Clear, and lists requests that come after', async () => {
    await panel.click('Clear');
    await panel.waitForRows((rows) => rows.length === 0, 5_000);
    await page.click('#run');
    await demoRequestsDone(2);
    const rows = await panel.waitForRows((current) => rowFor(current, 'PUT', '/api/orders') !== undefined);
    expect(rowFor(rows, 'GET', '/')).toBeUndefined();
    await panel.waitForRows((current) => rowFor(current, 'GET', '/api/no-allow-origin')?.status === 200);
  });

  it('clears on navigation, unless Preserve log is on', async () => {
    const documents = (rows: PanelRow[]) => rows.filter((row) => row.method === 'GET' && new URL(row.url).pathname === '/').length;
    const orders = (rows: PanelRow[]) => rows.filter((row) => row.method === 'PUT' && row.url.endsWith('/api/orders')).length;
    await page.reload();
    await demoRequestsDone(1);
    // The old page's rows go, the new page's come (its document included, whatever order DevTools reports them in).
    await panel.waitForRows((current) => documents(current) === 1 && orders(current) === 1 && rowFor(current, 'GET', '/demo.js') !== undefined);

    await panel.click('Preserve log');
    await page.reload();
    await demoRequestsDone(1);
    await panel.waitForRows((current) => documents(current) === 2 && orders(current) === 2);
  });
});
