// The opt-in part of `npm run bench`: the panel itself, in Debian's Chromium with the built extension.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, openCorsPanel, waitFor, type CorsPanel } from '../scripts/lib/chromium';
import { syntheticHar } from './synthetic-har';

export interface BudgetLine {
  /** null: a figure with no budget, only reported. */
  ok: boolean | null;
  text: string;
}

/** Imports `entries` synthetic entries through the panel's file input; resolves when rows are on screen. */
async function importAndWait(panel: CorsPanel, folder: string, entries: number, options: { heartbeat?: boolean } = {}) {
  const file = join(folder, `panel-${entries}.har`);
  writeFileSync(file, JSON.stringify(syntheticHar(entries, 5)));
  if (options.heartbeat) await panel.evaluate(START_HEARTBEAT);
  const started = Date.now();
  await panel.importHar(file);
  let sawProgress = false;
  await waitFor(`the rows of a ${entries}-entry import`, async () => {
    const state = await panel.evaluate<{ rows: number; pending: boolean; source: string }>(
      `({ rows: document.querySelectorAll('[data-exchange]').length, pending: document.querySelector('.banner.progress') !== null, source: document.querySelector('[data-testid=source]')?.textContent ?? '' })`,
    );
    sawProgress ||= state.pending;
    return state.rows > 0 && !state.pending && state.source === `panel-${entries}.har` ? true : undefined;
  }, 600_000);
  const elapsed = Date.now() - started;
  const maxGap = options.heartbeat ? await panel.evaluate<number>(STOP_HEARTBEAT) : 0;
  return { elapsed, sawProgress, maxGap };
}

/** A 10 ms timer in the panel: the longest gap between its ticks is the longest the panel was frozen. */
const START_HEARTBEAT = `(() => { globalThis.__gaps = { max: 0, last: performance.now() };
  globalThis.__beat = setInterval(() => { const now = performance.now(); __gaps.max = Math.max(__gaps.max, now - __gaps.last); __gaps.last = now; }, 10); })()`;
const STOP_HEARTBEAT = `(clearInterval(__beat), __gaps.max)`;

/**
 * Exports the capture on screen from the Export menu, as a user would, in `format`; resolves once the panel says
 * it saved the file. The diagnosis worker builds the file; the panel only shows progress and hands over the blob.
 */
async function exportAndWait(panel: CorsPanel, format: string): Promise<{ elapsed: number; maxGap: number; sawProgress: boolean; saved: string }> {
  // Downloads go nowhere: the file is the worker's business, the figure is the panel's freeze.
  await panel.evaluate(`(() => { URL.createObjectURL = () => 'blob:bench'; HTMLAnchorElement.prototype.click = function () {}; })()`);
  await panel.click('Export…');
  await panel.evaluate(`(() => { const radio = document.querySelector('input[name=export-format][value=${JSON.stringify(format)}]'); radio.click(); })()`);
  await panel.evaluate(START_HEARTBEAT);
  const started = Date.now();
  await panel.click('Download');
  let sawProgress = false;
  const saved = await waitFor(`the ${format} export`, async () => {
    const state = await panel.evaluate<{ progress: boolean; text: string }>(`({ progress: document.querySelector('progress[aria-label="Export progress"]') !== null,
      text: [...document.querySelectorAll('[role=status], .export-status, p')].map((node) => node.textContent ?? '').find((text) => /^Saved /.test(text)) ?? '' })`);
    sawProgress ||= state.progress;
    return state.text !== '' ? state.text : undefined;
  }, 600_000);
  const elapsed = Date.now() - started;
  const maxGap = await panel.evaluate<number>(STOP_HEARTBEAT);
  await panel.click('Export…');
  return { elapsed, maxGap, sawProgress, saved };
}

/** The live V8 heap of the panel page and of the diagnosis worker (after a collection), read over the DevTools protocol. */
async function heldMemory(session: Awaited<ReturnType<typeof launchChromium>>): Promise<{ panel: number; worker: number }> {
  const used = async (match: (url: string) => boolean): Promise<number> => {
    const target = session.browser.targets().find((candidate) => match(candidate.url()));
    if (target === undefined) return 0;
    const cdp = await target.createCDPSession();
    try {
      // Live data only: garbage from the earlier imports would otherwise count.
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    } finally {
      await cdp.detach();
    }
  };
  return {
    panel: await used((url) => url.startsWith('chrome-extension://') && url.includes('/src/panel/panel.html')),
    worker: await used((url) => url.startsWith('chrome-extension://') && url.includes('/assets/diagnosis.worker')),
  };
}

export async function chromiumFigures(folder: string, frameBudgetMs: number): Promise<BudgetLine[]> {
  const lines: BudgetLine[] = [];
  const session = await launchChromium();
  try {
    const panel = await openCorsPanel(session);
    await panel.undock();
    await panel.click('Same-origin');
    console.log('\nPanel (Chromium, DevTools open)');

    const tenK = await importAndWait(panel, folder, 12_000);
    const exchanges = (await panel.evaluate<string>(`document.querySelector('[data-testid=counts]').textContent`)).split(' ')[0];
    lines.push({ ok: null, text: `  time to first rows, ${exchanges} exchanges: ${tenK.elapsed} ms (no budget; reported)` });

    await importAndWait(panel, folder, 24_000);
    const exchanges24k = (await panel.evaluate<string>(`document.querySelector('[data-testid=counts]').textContent`)).split(' ')[0];
    // Scrolling is measured once the import has settled (its own freezes are the import figure's business):
    // after an idle period the panel reports, or 3 s.
    await panel.evaluate(`new Promise((done) => { setTimeout(done, 3000);
      const wait = (deadline) => (deadline.timeRemaining() >= 40 ? done(null) : requestIdleCallback(wait, { timeout: 250 }));
      requestIdleCallback(wait, { timeout: 250 }); })`);
    const frames = await panel.evaluate<{ max: number; p95: number; count: number; rows: number }>(`new Promise((done) => {
      const body = document.querySelector('.grid-body');
      const gaps = []; let last = performance.now(); let frame = 0;
      const step = (now) => {
        gaps.push(now - last); last = now; body.scrollTop += 400; frame += 1;
        if (frame < 240 && body.scrollTop + body.clientHeight < body.scrollHeight) requestAnimationFrame(step);
        else { gaps.shift(); gaps.sort((a, b) => a - b); done({ max: gaps.at(-1), p95: gaps[Math.floor(gaps.length * 0.95)], count: gaps.length, rows: Number(document.querySelector('[role=grid]').getAttribute('aria-rowcount')) - 1 }); }
      };
      requestAnimationFrame((now) => { last = now; requestAnimationFrame(step); });
    })`);
    lines.push({
      ok: frames.max <= frameBudgetMs,
      text: `  scrolling ${frames.rows} rows: ${frames.count} frames, p95 ${frames.p95.toFixed(1)} ms, longest ${frames.max.toFixed(1)} ms (budget: none over ${frameBudgetMs} ms):`,
    });

    for (const format of ['json', 'md', 'html']) {
      const exported = await exportAndWait(panel, format);
      lines.push({
        ok: exported.maxGap <= 100,
        text: `  export of the ${exchanges24k} exchanges of 24,000 entries as ${format}: ${(exported.elapsed / 1000).toFixed(1)} s, progress shown: ${exported.sawProgress ? 'yes' : 'no'}, longest freeze of the panel ${Math.round(exported.maxGap)} ms (budget: none over 100 ms) — ${exported.saved}`,
      });
    }

    const big = await importAndWait(panel, folder, 100_000, { heartbeat: true });
    lines.push({
      ok: big.sawProgress && big.maxGap <= 1_000,
      text: `  import of a 100,000-entry file: ${(big.elapsed / 1000).toFixed(1)} s, progress shown: ${big.sawProgress ? 'yes' : 'no'}, longest freeze of the panel ${Math.round(big.maxGap)} ms (budget: progress shown, no freeze over 1 s):`,
    });
    const held = await heldMemory(session);
    const fileBytes = statSync(join(folder, 'panel-100000.har')).size;
    lines.push({
      ok: null,
      text: `  memory held once the 100,000-entry file is in (live V8 heaps): panel ${(held.panel / 2 ** 20).toFixed(0)} MB + diagnosis worker ${(held.worker / 2 ** 20).toFixed(0)} MB = ${((held.panel + held.worker) / fileBytes).toFixed(2)}× the file (reported; the worker keeps the parsed file for the detail pane and exports)`,
    });
  } finally {
    await session.close();
  }
  return lines;
}
