// The live path without a browser: the soak's request mix (bench/soak-traffic.ts, issue 21) fed to the diagnosis
// worker's own code (CaptureHost, the worker's side of the panel's protocol) in the batches the panel sends it,
// and the CPU each request costs as the capture grows. Figures only, nothing asserted.
//
//   npx tsx bench/live-session.ts [--requests=100000] [--batch=15] [--json]
//
// What runs per batch is what the worker runs per 'live-changes' message: the append (kept entries and the
// DiagnosisSession), the deferred update (session.report(), takeChanges(), a row per changed exchange, the view
// head) and the 'live-rows' message, structured-cloned as postMessage does. The panel publishes its changes every
// 100 ms (LiveCapture), so at 150 requests/s a batch holds 15 requests (~18 entries with the preflights).
// Entries are shaped like Chromium's (test/fixtures/builders.ts), initiator stacks removed as forWorker() does.
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { CaptureHost } from '../src/panel/diagnosis/capture-host';
import { forWorker } from '../src/panel/capture-changes';
import type { HarEntry } from '../src/platform/har-source';
import type { WorkerMessage } from '../src/panel/diagnosis/capture-protocol';
import { exchange, sameOriginGet } from '../test/fixtures/builders';
import { ISSUE_MIX } from './soak-traffic';

const PAGE = 'https://app.example';
const API = 'https://api.example.net';
/** The soak page makes 150 requests/s: one every 6.67 ms. */
const SPACING_MS = 1000 / 150;

/** The entries DevTools announces for the soak page's request number `index` (ISSUE_MIX, in order). */
export function soakRequest(index: number): HarEntry[] {
  const at = index * SPACING_MS;
  const json = { 'Content-Type': 'application/json' };
  const cors = { acao: PAGE, headers: { Vary: 'Origin' } };
  let entries;
  switch (ISSUE_MIX[index % ISSUE_MIX.length]) {
    case 'pass':
      entries = exchange({ url: `${API}/api/items/${index}`, at }).actual(cors).entries();
      break;
    case 'put-pass':
      entries = exchange({ url: `${API}/api/orders/${index}`, method: 'PUT', headers: json, at })
        .preflight({ ...cors, acam: 'GET, PUT', acah: 'content-type' }).actual(cors).entries({ preflightFirst: true });
      break;
    case 'put-blocked':
      // OPTIONS answers 404: Chromium announces the preflight and the request it stopped (status 0, not sent).
      entries = exchange({ url: `${API}/api/locked/${index}`, method: 'PUT', headers: json, at })
        .preflight({ status: 404, headers: { 'Content-Type': 'text/plain' } }).actual({ notSent: true }).entries({ preflightFirst: true });
      break;
    case 'get-blocked':
      // No Access-Control-Allow-Origin: Chromium keeps the response and marks it failed.
      entries = exchange({ url: `${API}/api/private/${index}`, at }).actual({ error: 'net::ERR_FAILED' }).entries();
      break;
    default:
      entries = sameOriginGet(`${PAGE}/api/local/${index}`).map((entry) => ({ ...entry, startedDateTime: new Date(Date.UTC(2024, 0, 1) + at).toISOString() }));
  }
  return entries as unknown as HarEntry[];
}

export interface LiveWindow {
  /** The last request of the window (the requests before it, `size` of them, are measured). */
  upTo: number;
  size: number;
  /** CPU (user + system) per request, ms. */
  cpuMs: number;
  /** Wall time per request, ms (on a shared machine, CPU is the figure to compare). */
  wallMs: number;
  /** Heap after a collection, per request so far (bytes), and in all (bytes). */
  heapPerRequest: number;
  heap: number;
  /** The longest single batch (one worker task), ms of wall time, within the window. */
  longestBatchMs: number;
}

export interface LiveFigures {
  requests: number;
  entries: number;
  batch: number;
  windows: LiveWindow[];
  load: string;
}

/** Feeds `requests` soak requests through the worker's host in batches of `batch`; measures the windows ending at `marks`. */
export function liveSessionFigures(requests: number, marks: readonly number[], batch = 15, window = 1_000): LiveFigures {
  const messages: WorkerMessage[] = [];
  let pending: (() => void) | null = null;
  // The worker defers the update (setTimeout 0) so that changes arriving meanwhile join it; here each batch is
  // followed by its update, as when the worker keeps up.
  const host = new CaptureHost((message) => messages.push(structuredClone(message)), undefined, (task) => { pending = task; });
  void host.handle({ kind: 'live', request: 1, options: { sourceKind: 'live' }, browser: 'chromium' });
  const gc = (globalThis as { gc?: () => void }).gc;
  const windows: LiveWindow[] = [];
  let entries = 0;
  let cpuStart = process.cpuUsage();
  let wallStart = performance.now();
  let longest = 0;
  const starts = new Set(marks.map((mark) => Math.max(0, mark - window)));
  // Batches are cut where a window starts or ends, so that each window measures exactly its requests.
  const cuts = [...new Set([...starts, ...marks])].sort((a, b) => a - b);
  for (let done = 0; done < requests; ) {
    const count = Math.min(batch, requests - done);
    const cut = cuts.find((at) => at > done);
    const size = cut !== undefined && cut < done + count ? cut - done : count;
    const appended: HarEntry[] = [];
    for (let index = done; index < done + size; index++) appended.push(...soakRequest(index));
    entries += appended.length;
    const started = performance.now();
    void host.handle({ kind: 'live-changes', request: 1, changes: forWorker([{ kind: 'append', entries: appended }]) });
    const task = pending as (() => void) | null;
    pending = null;
    task?.();
    longest = Math.max(longest, performance.now() - started);
    messages.length = 0;
    done += size;
    if (marks.includes(done)) {
      const cpu = process.cpuUsage(cpuStart);
      const wallMs = (performance.now() - wallStart) / window;
      const cpuMs = (cpu.user + cpu.system) / 1000 / window;
      gc?.();
      const heap = process.memoryUsage().heapUsed;
      windows.push({ upTo: done, size: window, cpuMs, wallMs, heap, heapPerRequest: heap / done, longestBatchMs: longest });
    }
    // After the mark: a window may start where another ends.
    if (starts.has(done)) {
      cpuStart = process.cpuUsage();
      wallStart = performance.now();
      longest = 0;
    }
  }
  return { requests, entries, batch, windows, load: loadavg().map((value) => value.toFixed(2)).join(' ') };
}

export function liveSessionLines(figures: LiveFigures): string[] {
  const lines = [
    `Live session in the diagnosis worker's code (Node, no browser): the soak's mix, ${figures.requests.toLocaleString('en')} requests (${figures.entries.toLocaleString('en')} entries) in batches of ${figures.batch}${figures.batch === 15 ? " (the panel's 100 ms at 150 requests/s)" : ''}`,
    `  load average ${figures.load} (2 cores, shared: wall time waits for a core; CPU per request is the figure to compare)`,
    '  requests   CPU per request (last 1,000)   wall per request   longest batch   heap after GC (per request)',
  ];
  for (const window of figures.windows) {
    lines.push(`  ${window.upTo.toLocaleString('en').padEnd(10)} ${`${window.cpuMs.toFixed(3)} ms`.padEnd(30)} ${`${window.wallMs.toFixed(3)} ms`.padEnd(18)} ${`${window.longestBatchMs.toFixed(1)} ms`.padEnd(15)} ${(window.heap / 2 ** 20).toFixed(0)} MB (${(window.heapPerRequest / 1024).toFixed(2)} KB)`);
  }
  const first = figures.windows[0];
  const last = figures.windows[figures.windows.length - 1];
  if (first !== undefined && last !== undefined && last !== first) {
    lines.push(`  request ${last.upTo.toLocaleString('en')} costs ${(last.cpuMs / first.cpuMs).toFixed(2)}× request ${first.upTo.toLocaleString('en')} (flat is 1×)`);
  }
  return lines;
}

// Run directly (bench/run.ts imports the functions above and runs this file in a fresh process).
if (process.argv[1]?.endsWith('live-session.ts')) {
  const value = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const requests = Number(value('requests') ?? 100_000);
  const batch = Number(value('batch') ?? 15);
  const marks = (value('marks')?.split(',').map(Number) ?? [2_000, 20_000, 100_000]).filter((mark) => mark <= requests);
  const figures = liveSessionFigures(requests, marks, batch);
  if (process.argv.includes('--json')) console.log(JSON.stringify(figures));
  else for (const line of liveSessionLines(figures)) console.log(line);
}
