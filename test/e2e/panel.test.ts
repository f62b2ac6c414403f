// The extension as a user meets it: dist/ loaded unpacked in Debian's Chromium, DevTools open on the demo
// page, the CORS panel listing the page's real traffic.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoServers } from '../../scripts/demo/server';
import {
  inspectedPage,
  launchChromium,
  openCorsPanel,
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

async function runDemoRequests(times: number): Promise<void> {
  await page.waitForFunction((expected) => document.body.dataset.done === String(expected), { timeout: 30_000 }, times);
}

beforeAll(async () => {
  demo = await startDemo();
  chromium = await launchChromium();
  panel = await openCorsPanel(chromium);
  page = await inspectedPage(chromium);
  failures = (await watchNetworkFailures(page)).failures;
  await page.goto(demo.pageUrl);
  await runDemoRequests(1);
});

afterAll(async () => {
  await chromium?.close();
  await demo?.close();
});

describe('the CORS panel on the demo page', () => {
  it('lists every request with its real status, preflights included', async () => {
    const rows = await panel.waitForRows((current) => current.filter((row) => row.url.includes('/api/')).length >= 11);

    // Chromium blocked this response for CORS, yet the panel shows the status the server really sent.
    const missingHeader = rowFor(rows, 'GET', '/api/no-allow-origin');
    expect(missingHeader).toMatchObject({ status: 200, kind: 'cross-origin', preflight: false });
    expect(failures().find((failure) => failure.url.endsWith('/api/no-allow-origin'))?.corsError).toBe('MissingAllowOriginHeader');

    const missingOptionsRoute = rows.find((row) => row.preflight && row.url.endsWith('/api/items/42'));
    expect(missingOptionsRoute).toMatchObject({ method: 'OPTIONS', status: 404, kind: 'cross-origin' });
    // The DELETE itself never ran: its preflight failed.
    expect(rowFor(rows, 'DELETE', '/api/items/42')?.status).toBe(0);

    expect(rowFor(rows, 'GET', '/api/public')).toMatchObject({ status: 200, kind: 'cross-origin' });
    expect(rowFor(rows, 'PUT', '/api/orders')).toMatchObject({ status: 200, kind: 'cross-origin' });
    expect(rowFor(rows, 'GET', '/api/same-origin')).toMatchObject({ status: 200, kind: 'same-origin' });
    expect(rowFor(rows, 'GET', '/')).toMatchObject({ status: 200, kind: 'same-origin' });
    expect(rows.filter((row) => row.preflight).map((row) => new URL(row.url).pathname).sort()).toEqual(
      ['/api/items/42', '/api/items/7', '/api/orders', '/api/report'],
    );
  });

  it('saves a screenshot of the panel for the README', async () => {
    const png = await panel.screenshot();
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    const target = process.env.CORS_LENS_UPDATE_SCREENSHOTS ? resolve('assets/screenshots') : resolve('test-results');
    mkdirSync(target, { recursive: true });
    writeFileSync(resolve(target, 'panel.png'), png);
  });

  it('clears on Clear, and lists requests that come after', async () => {
    await panel.click('Clear');
    await panel.waitForRows((rows) => rows.length === 0, 5_000);
    await page.click('#run');
    await runDemoRequests(2);
    const rows = await panel.waitForRows((current) => rowFor(current, 'PUT', '/api/orders') !== undefined);
    expect(rowFor(rows, 'GET', '/')).toBeUndefined();
    expect(rowFor(rows, 'GET', '/api/no-allow-origin')?.status).toBe(200);
  });

  it('clears on navigation, unless Preserve log is on', async () => {
    await page.reload();
    await runDemoRequests(1);
    let rows = await panel.waitForRows((current) => rowFor(current, 'GET', '/demo.js') !== undefined);
    expect(rows.filter((row) => row.method === 'GET' && new URL(row.url).pathname === '/')).toHaveLength(1);
    await panel.waitForRows((current) => rowFor(current, 'PUT', '/api/orders') !== undefined);

    await panel.click('Preserve log');
    await page.reload();
    await runDemoRequests(1);
    rows = await panel.waitForRows(
      (current) => current.filter((row) => row.method === 'PUT' && row.url.endsWith('/api/orders')).length === 2,
    );
    expect(rows.filter((row) => row.method === 'GET' && new URL(row.url).pathname === '/')).toHaveLength(2);
  });
});
