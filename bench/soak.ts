// The all-day soak (issue 21), opt-in with `npm run bench -- --chromium` (or alone: `npm run bench -- --soak`):
// a local page makes the request mix (bench/soak-traffic.ts) at a steady rate and in bursts while the
// CORS panel is open in real Chromium. At each phase (cumulative requests) the page stops, and the bench reads:
// how long after the page's last request the panel's count showed it, how long the panel stayed busy after it,
// the panel's long tasks (a longtask PerformanceObserver in the panel), heaps after a collection (panel, DevTools,
// the diagnosis worker), CPU per request (the panel's and DevTools' main threads), getHAR() re-reads, and how long
// a row click takes to show its details. Figures are printed with the budgets beside them, not asserted.
import { cpus, loadavg } from 'node:os';
import type { CDPSession, Target } from 'puppeteer-core';
import { inspectedPage, launchChromium, openCorsPanel, waitFor, type ChromiumSession, type CorsPanel } from '../scripts/lib/chromium';
import type { BudgetLine } from './chromium';
import { startSoakTraffic } from './soak-traffic';

export interface SoakOptions {
  /** Cumulative requests at which a phase ends. */
  phases: number[];
  modes: ('steady' | 'bursty')[];
  /** Steady mode: requests per second. Bursty: bursts of 300, 1 s apart (the pattern). */
  rate: number;
}

export const SOAK_BUDGET = { lagMs: 1_000, idleMs: 2_000, taskMs: 100, heapPerExchange: 2 * 1024, clickMs: 100 };
export const DEFAULT_SOAK: SoakOptions = { phases: [2_000, 20_000, 100_000], modes: ['steady', 'bursty'], rate: 150 };

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const MB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const thousands = (value: number) => value.toLocaleString('en');

async function session(chromium: ChromiumSession, match: (target: Target) => boolean): Promise<CDPSession | null> {
  const target = chromium.browser.targets().find(match);
  return target ? target.createCDPSession() : null;
}

async function heapAfterGc(cdp: CDPSession | null): Promise<number> {
  if (cdp === null) return 0;
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

async function taskSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
}

async function exchangesCounted(panel: CorsPanel): Promise<number> {
  const text = await panel.evaluate<string>(`document.querySelector('[data-testid=counts]')?.textContent ?? ''`);
  return Number((/^([\d,]+) exchanges/.exec(text)?.[1] ?? '0').replace(/,/g, ''));
}

interface PhaseFigures {
  requests: number;
  lagMs: number;
  busyAfterMs: number;
  longestStreamingMs: number;
  longestAfterMs: number;
  tasksOver100: number;
  panelHeap: number;
  devtoolsHeap: number;
  workerHeap: number;
  heapPerExchange: number;
  panelCpuPerRequestMs: number;
  devtoolsCpuPerRequestMs: number;
  snapshots: number;
  clickMs: number;
  counted: number;
  /** When DevTools handed the panel the page's last request, after the page saw it finish; the worst such delay. */
  deliveredAfterMs: number;
  worstDeliveryMs: number;
  /** The machine's 1-minute load average at the end of the phase (2 cores, shared). */
  load: number;
  /** This process (the traffic server and the driver) during the phase, as a share of one core. */
  benchCpu: number;
}

async function soakRun(mode: 'steady' | 'bursty', options: SoakOptions): Promise<PhaseFigures[]> {
  const traffic = await startSoakTraffic();
  // No Network domain for Puppeteer's page: the bench reads the page through Runtime.evaluate only, and an event
  // (or several) per request for this process to receive took CPU the browser under test needs (2 cores).
  const chromium = await launchChromium({ networkEvents: false });
  const figures: PhaseFigures[] = [];
  try {
    const panel = await openCorsPanel(chromium);
    const page = await inspectedPage(chromium);
    await page.goto(traffic.pageUrl);
    let previous = -1;
    await waitFor('the page load in the panel', async () => {
      const now = await exchangesCounted(panel);
      const settled = now > 0 && now === previous;
      previous = now;
      if (!settled) await sleep(700);
      return settled ? true : undefined;
    });
    const base = previous;
    const panelCdp = (await session(chromium, (target) => target.url().includes('/src/panel/panel.html')))!;
    const devtoolsCdp = (await session(chromium, (target) => target.url().startsWith('devtools://')))!;
    await panelCdp.send('Performance.enable');
    await devtoolsCdp.send('Performance.enable');
    await panel.evaluate(`(() => { globalThis.__soak = { tasks: [] };
      new PerformanceObserver((list) => { for (const task of list.getEntries()) __soak.tasks.push([performance.timeOrigin + task.startTime, task.duration]); }).observe({ type: 'longtask' });
      __soak.delivery = { lastAt: 0, worstMs: 0 };
      chrome.devtools.network.onRequestFinished.addListener((request) => {
        const now = Date.now(); const ended = Date.parse(request.startedDateTime) + Math.max(0, request.time);
        __soak.delivery.lastAt = now; __soak.delivery.worstMs = Math.max(__soak.delivery.worstMs, now - ended); }); })()`);
    const baselineHeap = await heapAfterGc(panelCdp);
    let made = 0;
    let tasksFrom = 0;
    for (const phaseEnd of options.phases) {
      const count = phaseEnd - made;
      const benchCpuBefore = process.cpuUsage();
      const phaseStarted = performance.now();
      const panelCpuBefore = await taskSeconds(panelCdp);
      const devtoolsCpuBefore = await taskSeconds(devtoolsCdp);
      await page.evaluate(`(() => { window.__finished = null; __run(${JSON.stringify({ count, mode, rate: options.rate })}).then((at) => { window.__finished = at; }); })()`);
      const lastSettledAt = await waitFor(`the page's ${thousands(count)} requests`, () => page.evaluate<[], () => number | null>(() => (window as unknown as { __finished: number | null }).__finished).then((at) => at ?? undefined), 3_600_000);
      made = phaseEnd;
      // From the page's last request on, every 100 ms: the panel's count (until it shows every request) and its
      // main-thread task time (busy while a window holds > 10 ms of it), until both are done.
      const expected = base + made;
      let counted = await exchangesCounted(panel);
      let countedAt = counted >= expected ? Date.now() : 0;
      let lastBusyAt = lastSettledAt;
      let quietSince = Date.now();
      let before = await taskSeconds(panelCdp);
      while ((countedAt === 0 || Date.now() - quietSince < 2_500) && Date.now() - lastSettledAt < 300_000) {
        await sleep(100);
        const now = await taskSeconds(panelCdp);
        if ((now - before) * 1000 > 10) {
          lastBusyAt = Date.now();
          quietSince = Date.now();
        }
        before = now;
        if (countedAt === 0) {
          counted = await exchangesCounted(panel);
          if (counted >= expected) countedAt = Date.now();
        }
      }
      const benchUsage = process.cpuUsage(benchCpuBefore);
      const benchCpu = (benchUsage.user + benchUsage.system) / 1000 / (performance.now() - phaseStarted);
      const lagMs = Math.max(0, (countedAt || Date.now()) - lastSettledAt);
      const busyAfterMs = Math.max(0, lastBusyAt - lastSettledAt);
      // When DevTools handed the panel the last request (onRequestFinished), and how late it was at worst.
      const delivery = await panel.evaluate<{ lastAt: number; worstMs: number }>(`(() => { const seen = __soak.delivery; __soak.delivery = { lastAt: 0, worstMs: 0 }; return seen; })()`);
      const panelCpu = (await taskSeconds(panelCdp)) - panelCpuBefore;
      const devtoolsCpu = (await taskSeconds(devtoolsCdp)) - devtoolsCpuBefore;
      const tasks = await panel.evaluate<[number, number][]>(`__soak.tasks.slice(${tasksFrom})`);
      const streaming = tasks.filter(([at]) => at < lastSettledAt).map(([, duration]) => duration);
      const after = tasks.filter(([at]) => at >= lastSettledAt).map(([, duration]) => duration);
      // A row click, timed in the panel until the details are on screen.
      const clickMs = await panel.evaluate<number>(`new Promise((done) => {
        const rows = document.querySelectorAll('[data-exchange]'); const row = rows[rows.length - 1];
        if (!row) return done(-1);
        const id = row.dataset.exchange; const started = performance.now(); row.click();
        const check = () => document.querySelector('[data-detail="' + id + '"]') ? done(performance.now() - started) : requestAnimationFrame(check);
        check(); })`);
      const snapshots = await panel.evaluate<number>('globalThis.__corsLens.snapshots()');
      const worker = await session(chromium, (target) => target.url().includes('diagnosis.worker'));
      const panelHeap = await heapAfterGc(panelCdp);
      const devtoolsHeap = await heapAfterGc(devtoolsCdp);
      const workerHeap = await heapAfterGc(worker);
      await worker?.detach();
      await panel.evaluate(`document.querySelector('.detail button[aria-label="Close details"]')?.click()`);
      // The collections and the click are not the stream's business.
      tasksFrom = await panel.evaluate<number>('__soak.tasks.length');
      figures.push({
        requests: made,
        lagMs,
        busyAfterMs,
        longestStreamingMs: Math.max(0, ...streaming),
        longestAfterMs: Math.max(0, ...after),
        tasksOver100: [...streaming, ...after].filter((duration) => duration > SOAK_BUDGET.taskMs).length,
        panelHeap,
        devtoolsHeap,
        workerHeap,
        heapPerExchange: (panelHeap - baselineHeap) / Math.max(1, counted - base),
        panelCpuPerRequestMs: (panelCpu * 1000) / count,
        devtoolsCpuPerRequestMs: (devtoolsCpu * 1000) / count,
        snapshots,
        clickMs,
        counted: counted - base,
        deliveredAfterMs: Math.max(0, delivery.lastAt - lastSettledAt),
        worstDeliveryMs: delivery.worstMs,
        load: loadavg()[0] ?? 0,
        benchCpu,
      });
      printPhase(mode, options, figures.at(-1)!);
    }
  } finally {
    await chromium.close();
    await traffic.close();
  }
  return figures;
}

const lines: BudgetLine[] = [];
function line(ok: boolean | null, text: string): void {
  lines.push({ ok, text });
}

function printPhase(mode: string, options: SoakOptions, phase: PhaseFigures): void {
  const pace = mode === 'steady' ? `${options.rate} requests/s` : 'bursts of 300, 1 s apart';
  console.log(`  ${mode} (${pace}), phase ${thousands(phase.requests)} requests — figures below, judged at the end`);
  line(phase.lagMs <= SOAK_BUDGET.lagMs && phase.counted >= phase.requests, `    ${mode} ${thousands(phase.requests)}: count lag after the page's last request ${phase.lagMs} ms, ${thousands(phase.counted)} of ${thousands(phase.requests)} counted (budget: all, ≤ ${SOAK_BUDGET.lagMs} ms):`);
  // The lag is DevTools' delivery of the last request plus the panel's own time from there to the count.
  const panelShare = Math.max(0, phase.lagMs - phase.deliveredAfterMs);
  line(null, `    ${mode} ${thousands(phase.requests)}: of that lag, DevTools handed the panel the last request ${phase.deliveredAfterMs} ms after the page saw it finish, and the panel's own share (from there to the count, read every 100 ms) was ${panelShare} ms; worst delivery delay of a request in the phase ${thousands(Math.round(phase.worstDeliveryMs))} ms (reported)`);
  line(null, `    ${mode} ${thousands(phase.requests)}: load average ${phase.load.toFixed(1)} on ${cpus().length} cores; this bench process (traffic server and driver) used ${(phase.benchCpu * 100).toFixed(0)}% of a core during the phase (reported)`);
  line(phase.busyAfterMs <= SOAK_BUDGET.idleMs, `    ${mode} ${thousands(phase.requests)}: panel busy after the last request ${phase.busyAfterMs} ms (budget ≤ ${SOAK_BUDGET.idleMs} ms):`);
  line(phase.tasksOver100 === 0, `    ${mode} ${thousands(phase.requests)}: longest panel task streaming ${phase.longestStreamingMs.toFixed(0)} ms / after ${phase.longestAfterMs.toFixed(0)} ms, ${phase.tasksOver100} over ${SOAK_BUDGET.taskMs} ms (budget: none):`);
  line(phase.heapPerExchange <= SOAK_BUDGET.heapPerExchange, `    ${mode} ${thousands(phase.requests)}: panel heap after GC ${MB(phase.panelHeap)} = ${(phase.heapPerExchange / 1024).toFixed(2)} KB per exchange (budget ≤ 2 KB):`);
  line(null, `    ${mode} ${thousands(phase.requests)}: heaps after GC, DevTools ${MB(phase.devtoolsHeap)}, diagnosis worker ${MB(phase.workerHeap)} (reported)`);
  line(null, `    ${mode} ${thousands(phase.requests)}: CPU per request in this phase, panel ${phase.panelCpuPerRequestMs.toFixed(3)} ms, DevTools ${phase.devtoolsCpuPerRequestMs.toFixed(3)} ms (budget: flat from phase to phase; compare the lines)`);
  line(null, `    ${mode} ${thousands(phase.requests)}: getHAR() reads so far ${phase.snapshots} (one is the backfill when the panel opens)`);
  line(phase.clickMs >= 0 && phase.clickMs <= SOAK_BUDGET.clickMs, `    ${mode} ${thousands(phase.requests)}: row click to details ${phase.clickMs.toFixed(0)} ms (budget ≤ ${SOAK_BUDGET.clickMs} ms):`);
  for (const item of lines.splice(0)) {
    console.log(item.ok === null ? item.text : `${item.text} ${item.ok ? 'within budget' : 'OVER BUDGET'}`);
    done.push(item);
  }
}

const done: BudgetLine[] = [];

/** Runs every mode; returns the judged lines (they were printed as they came). */
export async function soakFigures(options: SoakOptions = DEFAULT_SOAK): Promise<BudgetLine[]> {
  console.log(`\nSoak: the issue's request mix with the CORS panel open (Chromium, DevTools open), phases ${options.phases.map(thousands).join(' / ')}`);
  for (const mode of options.modes) await soakRun(mode, options);
  return done.splice(0);
}
