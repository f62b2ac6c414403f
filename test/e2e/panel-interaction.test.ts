// The panel driven the way a person drives it, in real Chromium: real key presses, filters, the what-if
// editor, and DevTools' light and dark themes (whose screenshots the README shows).
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoServers } from '../../scripts/demo/server';
import { inspectedPage, launchChromium, openCorsPanel, waitFor, type ChromiumSession, type CorsPanel } from '../../scripts/lib/chromium';

let demo: DemoServers;
let chromium: ChromiumSession;
let panel: CorsPanel;
let page: Page;

const activeRow = () => panel.evaluate<string | null>(`document.querySelector('[role=grid]')?.getAttribute('aria-activedescendant') ?? null`);
const focused = () => panel.evaluate<string>(`(document.activeElement?.getAttribute('role') ?? '') + '|' + (document.activeElement?.id ?? '')`);
const verdictOf = (path: string) =>
  panel.evaluate<string | null>(`[...document.querySelectorAll('[data-exchange]')].find((row) => new URL(row.dataset.url).pathname === ${JSON.stringify(path)})?.dataset.verdict ?? null`);

beforeAll(async () => {
  demo = await startDemo();
  chromium = await launchChromium();
  panel = await openCorsPanel(chromium);
  await panel.undock();
  page = await inspectedPage(chromium);
  await page.goto(demo.pageUrl);
  await page.waitForFunction(() => document.body.dataset.done === '1', { timeout: 30_000 });
  await panel.waitForRows((rows) => rows.length === 7 && rows.every((row) => row.status !== 0 || row.verdict === 'blocked'));
});

afterAll(async () => {
  await chromium?.close();
  await demo?.close();
});

describe('the CORS panel with the keyboard alone', () => {
  it('moves through rows with the arrows, opens details with Enter and closes them with Escape', async () => {
    await panel.evaluate(`document.querySelector('[role=grid]').focus()`);
    await panel.press('ArrowDown');
    const first = await activeRow();
    expect(first).toMatch(/^row-ex-\d+$/);
    await panel.press('ArrowDown');
    const second = await activeRow();
    expect(second).not.toBe(first);
    await panel.press('Home');
    expect(await activeRow()).toBe(first);
    await panel.press('End');
    await panel.press('Enter');
    await waitFor('the detail pane to take focus', async () => ((await focused()) === '|exchange-detail' ? true : undefined));
    await panel.press('Escape');
    await waitFor('the grid to take focus back', async () => ((await focused()).startsWith('grid|') ? true : undefined));
    expect(await panel.evaluate<boolean>(`document.querySelector('[data-detail]') === null`)).toBe(true);
  });

  it('filters by quick filter and by typed text', async () => {
    await panel.evaluate(`[...document.querySelectorAll('[role=radio]')].find((button) => button.textContent === 'Blocked').click()`);
    let rows = await panel.waitForRows((current) => current.every((row) => row.verdict === 'blocked'));
    expect(rows).toHaveLength(5);
    await panel.evaluate(`document.querySelector('input[type=search]').focus()`);
    await panel.type('items');
    rows = await panel.waitForRows((current) => current.length === 2);
    expect(rows.map((row) => row.method).sort()).toEqual(['DELETE', 'PATCH']);
    await panel.evaluate(`(() => { const box = document.querySelector('input[type=search]'); box.value = ''; box.dispatchEvent(new Event('input', { bubbles: true })); })()`);
    await panel.evaluate(`[...document.querySelectorAll('[role=radio]')].find((button) => button.textContent === 'All').click()`);
    await panel.waitForRows((current) => current.length === 7);
  });

  it('re-diagnoses a what-if edit typed into a response, and resets it', async () => {
    await panel.evaluate(`document.querySelector('[data-url$="/api/no-allow-origin"]').click()`);
    await waitFor('the details of /api/no-allow-origin', async () =>
      (await panel.evaluate<string>(`document.querySelector('[data-detail] h2')?.textContent ?? ''`)).includes('/api/no-allow-origin') ? true : undefined,
    );
    const lines = `[...document.querySelectorAll('[data-what-if] .what-if-headers li')]`;
    const before = await waitFor('the what-if editor', async () => (await panel.evaluate<number>(`${lines}.length`)) || undefined);
    await panel.evaluate(`[...document.querySelectorAll('[data-what-if] button')].find((button) => button.textContent === 'Add header').click()`);
    await waitFor('a new header line', async () => ((await panel.evaluate<number>(`${lines}.length`)) === before + 1 ? true : undefined));
    const typeInto = async (field: 0 | 1, text: string) => {
      await panel.evaluate(`${lines}.at(-1).querySelectorAll('input')[${field}].focus()`);
      await panel.type(text);
      await waitFor(`"${text}" in the editor`, async () =>
        (await panel.evaluate<string>(`${lines}.at(-1).querySelectorAll('input')[${field}].value`)) === text ? true : undefined,
      );
    };
    await typeInto(0, 'Access-Control-Allow-Origin');
    await typeInto(1, demo.siteOrigin);
    await waitFor('the what-if verdict', async () => ((await verdictOf('/api/no-allow-origin')) === 'allowed' ? true : undefined));
    await panel.evaluate(`[...document.querySelectorAll('[data-what-if] button')].find((button) => button.textContent === 'Reset to recording').click()`);
    await waitFor('the recorded verdict', async () => ((await verdictOf('/api/no-allow-origin')) === 'blocked' ? true : undefined));
  });
});

describe('the CORS panel in DevTools themes', () => {
  it.each(['light', 'dark'] as const)('follows the %s theme (screenshot for the README)', async (theme) => {
    await panel.setTheme(theme);
    await panel.evaluate(`document.querySelector('[data-method="PATCH"]').click()`);
    await waitFor('the PATCH details', async () =>
      (await panel.evaluate<string>(`document.querySelector('[data-detail] h2')?.textContent ?? ''`)).includes('PATCH') ? true : undefined,
    );
    await panel.evaluate(`document.querySelector('[data-detail]').scrollTop = 0`);
    const background = await panel.evaluate<string>(`getComputedStyle(document.body).backgroundColor`);
    expect(background).toBe(theme === 'dark' ? 'rgb(32, 33, 36)' : 'rgb(255, 255, 255)');
    const png = await panel.screenshot();
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    const folder = process.env.CORS_LENS_UPDATE_SCREENSHOTS ? resolve('assets/screenshots') : resolve('test-results');
    mkdirSync(folder, { recursive: true });
    writeFileSync(resolve(folder, `panel-${theme}.png`), png);
  });
});
