// A large .har file imported into the panel in real Chromium: the diagnosis worker reads, parses and
// diagnoses it and keeps its entries, the panel receives the rows in slices. What the panel shows must equal
// the engine's diagnosis of the same file, down to a selected exchange's headers, what-if verdicts and exports.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticHar } from '../../bench/synthetic-har';
import { diagnose } from '../../src/engine/index';
import { buildRows, DEFAULT_FILTER, filterRows, type ExchangeRow } from '../../src/panel/model/rows';
import { launchChromium, openCorsPanel, waitFor, type ChromiumSession, type CorsPanel, type PanelRow } from '../../scripts/lib/chromium';

let chromium: ChromiumSession;
let panel: CorsPanel;
let folder: string;
let downloads: string;

const ENTRIES = 6_000;
const har = syntheticHar(ENTRIES, 11);
const result = diagnose(har, { sourceKind: 'file', sourceName: 'large.har' });
if (!result.ok) throw new Error(result.error.message);
const report = result.report;
const expectedRows = buildRows(report.exchanges, har.log.entries);

const describeRow = (row: PanelRow) => `${row.id} ${row.method} ${row.url} ${row.status} ${row.verdict} ${row.corsError} ${row.entries}`;
const describeExpected = (row: ExchangeRow) => `${row.id} ${row.method} ${row.url} ${row.status} ${row.verdict} ${row.corsError} ${row.entryCount}`;

const state = () =>
  panel.evaluate<{ source: string; busy: boolean; rows: number; alert: string }>(`({
    source: document.querySelector('[data-testid=source]')?.textContent ?? '',
    busy: document.querySelector('.banner.progress') !== null,
    rows: document.querySelectorAll('[data-exchange]').length,
    alert: document.querySelector('[role=alert]')?.textContent ?? '',
  })`);

/** Types into the filter box (replacing what it held) and waits for the grid to show `first` on top. */
async function filterTo(text: string, first: string): Promise<void> {
  await panel.evaluate(`(() => { const box = document.querySelector('input[type=search]'); box.value = ${JSON.stringify(text)}; box.dispatchEvent(new Event('input', { bubbles: true })); })()`);
  await panel.waitForRows((rows) => rows[0]?.id === first);
}

const detailOf = (id: string) => panel.evaluate<string>(`document.querySelector('[data-detail="${id}"]')?.innerText ?? ''`);

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'cors-lens-large-import-'));
  downloads = join(folder, 'downloads');
  chromium = await launchChromium();
  panel = await openCorsPanel(chromium);
  await panel.undock();
  const browser = await chromium.browser.target().createCDPSession();
  await browser.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
});

afterAll(async () => {
  await chromium?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('a large import in real Chromium', () => {
  it('shows reading, diagnosing and loading, then the engine\'s rows and counts', async () => {
    const file = join(folder, 'large.har');
    writeFileSync(file, JSON.stringify(har));
    await panel.evaluate(`(() => { globalThis.__banners = []; new MutationObserver(() => {
      for (const banner of document.querySelectorAll('.banner.progress')) if (__banners.at(-1) !== banner.textContent) __banners.push(banner.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true }); })()`);
    await panel.importHar(file);
    await waitFor('the import', async () => {
      const now = await state();
      return now.source === 'large.har' && !now.busy && now.rows > 0 ? true : undefined;
    }, 120_000);

    const banners = await panel.evaluate<string[]>('__banners');
    expect(banners[0]).toMatch(/^Reading large\.har \(\d+\.\d MB\)…$/);
    expect(banners).toContain(`Diagnosing ${ENTRIES.toLocaleString('en')} entries of large.har…`);
    expect(banners.some((banner) => banner.startsWith('Loading large.har: ') && banner.endsWith(` of ${report.exchanges.length.toLocaleString('en')} exchanges…`))).toBe(true);

    const { summary } = report;
    expect(await panel.evaluate<string>(`document.querySelector('[data-testid=counts]').textContent`)).toBe(
      `${summary.exchanges} exchanges · ${summary.crossOrigin} cross-origin · ${summary.blocked} blocked · ${summary.warnings} warnings`,
    );
    const visible = filterRows(expectedRows, DEFAULT_FILTER);
    expect(await panel.evaluate<string>(`document.querySelector('[role=grid]').getAttribute('aria-rowcount')`)).toBe(String(visible.length + 1));
    const rows = await panel.rows();
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.map(describeRow)).toEqual(visible.slice(0, rows.length).map(describeExpected));
  });

  it('shows the details of an exchange deep in the capture, headers fetched from the worker', async () => {
    const deep = expectedRows.filter((row) => row.kind === 'preflighted' && row.entryCount === 2).at(-1)!;
    const deepExchange = report.exchanges.find((exchange) => exchange.id === deep.id)!;
    await filterTo(deep.url, deep.id);
    expect((await panel.rows())[0]).toMatchObject({ method: 'PUT', url: deep.url, verdict: deep.verdict, entries: 2 });
    await panel.evaluate(`document.querySelector('[data-exchange="${deep.id}"]').click()`);
    const detail = await waitFor('the details', async () => (await detailOf(deep.id)) || undefined);
    expect(detail).toContain(`${deep.verdict}: PUT ${deep.url}`);
    expect(detail).toMatch(new RegExp(`preflight\\s+OPTIONS ${deep.url.replace(/[.?/]/g, '\\$&')} → 204`));
    // Only the raw entry holds this request header: the worker sent it when the pane opened.
    const requestId = (har.log.entries[deepExchange.entries.find((index) => (har.log.entries[index] as { request: { method: string } }).request.method === 'PUT')!] as {
      request: { headers: { name: string; value: string }[] };
    }).request.headers.find((header) => header.name === 'X-Request-Id')!.value;
    await panel.evaluate(`document.querySelectorAll('[data-detail] details').forEach((details) => { details.open = true; })`);
    expect(await detailOf(deep.id)).toContain(requestId);
  });

  it('re-diagnoses a what-if fix in the worker, and resets it', async () => {
    const blocked = expectedRows.filter((row) => row.verdict === 'blocked' && row.kind === 'simple').at(-1)!;
    await filterTo(blocked.url, blocked.id);
    await panel.evaluate(`document.querySelector('[data-exchange="${blocked.id}"]').click()`);
    await waitFor('the details', async () => (await detailOf(blocked.id)) || undefined);
    await panel.evaluate(`[...document.querySelectorAll('[data-detail] button')].find((button) => button.textContent === 'Try this fix').click()`);
    await panel.waitForRows((rows) => rows[0]?.id === blocked.id && rows[0].verdict === 'allowed', 60_000);
    await panel.evaluate(`[...document.querySelectorAll('[data-what-if] button')].find((button) => button.textContent === 'Reset to recording' && !button.disabled).click()`);
    await panel.waitForRows((rows) => rows[0]?.id === blocked.id && rows[0].verdict === 'blocked');
    await filterTo('', expectedRows.find((row) => row.kind !== 'same-origin' && row.kind !== 'navigation')!.id);
  });

  it('exports the whole capture from the worker to a file', async () => {
    await panel.click('Export…');
    await panel.evaluate(`[...document.querySelectorAll('.export-popover button')].find((button) => button.textContent === 'Download').click()`);
    const status = await waitFor('the export', async () => (await panel.evaluate<string>(`document.querySelector('.export-status')?.textContent ?? ''`)) || undefined, 120_000);
    expect(status).toMatch(/^Saved cors-lens-report-\d{4}-\d{2}-\d{2}\.md \(\d+ value\(s\) redacted\)\.$/);
    const name = status.slice('Saved '.length, status.indexOf(' ('));
    const saved = await waitFor('the downloaded file', async () => (existsSync(join(downloads, name)) ? readFileSync(join(downloads, name), 'utf8') : undefined), 30_000);
    expect(saved).toMatch(/^# CORS Lens report/);
    const { summary } = report;
    expect(saved).toContain(`| ${summary.exchanges} | ${summary.crossOrigin} | ${summary.blocked} | ${summary.allowed} | ${summary.unknown} | ${summary.warnings} |`);
    expect(readdirSync(downloads).filter((file) => file.endsWith('.crdownload'))).toEqual([]);
  });

  it('keeps the capture when a large bad file follows, and goes back to live', async () => {
    const before = await panel.rows();
    const counts = () => panel.evaluate<string>(`document.querySelector('[data-testid=counts]').textContent`);
    const countsBefore = await counts();
    const bad = join(folder, 'bad.har');
    writeFileSync(bad, `{"log": {"entries": [${'1,'.repeat(1_000_000)}`);
    await panel.importHar(bad);
    const alert = await waitFor('the refusal', async () => (await state()).alert || undefined, 60_000);
    expect(alert).toMatch(/^Could not import bad\.har: not valid JSON \(/);
    expect((await state()).source).toBe('large.har');
    // The same capture stays: the same counts, and the rows on screen are rows of it (the alert banner may take a
    // row's height and scroll the list by one).
    expect(await counts()).toBe(countsBefore);
    const after = (await panel.rows()).map((row) => row.id);
    expect(after.length).toBeGreaterThan(before.length - 3);
    expect(after.filter((id) => !before.some((row) => row.id === id)).length).toBeLessThanOrEqual(2);
    await panel.click('Back to live capture');
    await waitFor('the live capture', async () => ((await state()).source === 'Live capture' ? true : undefined));
  });
});
