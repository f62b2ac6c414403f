// One configuration per server, run-verified in Chromium: the server snippet is the subject, Chromium the oracle.
//
// One broken API (a plain Node server) is called by two page origins in one capture — page A: a GET with no
// Access-Control-Allow-Origin, a DELETE whose preflight gets 404 without headers, a 500 without headers; page B:
// a credentialed GET answered "*", a PUT with an X-Trace header that the preflight does not allow (Allow-Methods:
// GET). Page B and a third origin C are iframes in A's tab, so DevTools records one HAR. The engine diagnoses it
// as the extension reads it, and `report.servers` gives that API one configuration per stack, allowing A and B.
//
// Each stack's server snippet is pasted verbatim into the bare application (test/fixes/stack-servers.ts for
// Express, Fastify, Koa, Hono and NestJS; nginx in front of a backend without CORS, the snippet's `map` in the
// http { } block and the rest in the location; test/fixes/process-stacks.ts for the others). Chromium must
// block A's and B's requests on the bare application, let every one of them through with the snippet (with the
// status the application answers: the 500 stays a 500), and block all of them from C, an origin the capture
// does not show (no "*", no reflected origin).
//
// The stacks that pass must equal SERVER_RUN_VERIFIED (src/engine/fixes/verified.ts).
//
// Run: npm run build && npx vitest run --project chromium test/e2e/server-snippets.test.ts
// (CORS_LENS_SERVER_NO_NEXT=1 leaves out Next.js: two production builds, the slowest start on a shared machine.)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delay, inspectedPage, launchChromium, openCorsPanel, waitFor } from '../../scripts/lib/chromium';
import { diagnose, SERVER_RUN_VERIFIED, SERVER_VERIFIED_RULES, type Report, type ServerFix, type StackId } from '../../src/engine/index';
import { PROCESS_TARGETS, startTarget, TARGET_STACK, targetSource, type ProcessTarget } from '../fixes/process-stacks';
import { freePort, startBackend, startNginx, startNodeStack, type InProcessStack } from '../fixes/stack-servers';

const DIST = process.env.CORS_LENS_DIST ?? resolve(import.meta.dirname, '../../dist');

type Target = InProcessStack | 'nginx' | ProcessTarget;
const IN_PROCESS: readonly InProcessStack[] = ['express', 'fastify', 'koa', 'hono', 'nestjs'];
const PROCESSES: readonly ProcessTarget[] = PROCESS_TARGETS.filter((target) => target !== 'nextjs' || process.env.CORS_LENS_SERVER_NO_NEXT !== '1');
const TARGETS: readonly Target[] = [...IN_PROCESS, 'nginx', ...PROCESSES];
const stackOf = (target: Target): StackId => (target === 'nginx' || (IN_PROCESS as readonly string[]).includes(target) ? target as StackId : TARGET_STACK[target as ProcessTarget]);

type PageId = 'A' | 'B' | 'C';
interface Spec { id: string; page: 'A' | 'B'; path: string; method: string; headers?: Record<string, string>; credentials?: 'include'; status: number }
/** What each page does; C replays every request of A and B. */
const SPECS: readonly Spec[] = [
  { id: 'A GET /data', page: 'A', path: '/data', method: 'GET', status: 200 },
  { id: 'A DELETE /data', page: 'A', path: '/data', method: 'DELETE', status: 200 },
  { id: 'A GET /error', page: 'A', path: '/error', method: 'GET', status: 500 },
  { id: 'B GET /data (credentials)', page: 'B', path: '/data', method: 'GET', credentials: 'include', status: 200 },
  { id: 'B PUT /data (X-Trace)', page: 'B', path: '/data', method: 'PUT', headers: { 'X-Trace': 'on' }, status: 200 },
];

interface Outcome { rejected: boolean; status?: number; error?: string }
interface Call { from: PageId; spec: Spec; origin: string; outcome?: Outcome }
interface TargetRun { target: Target; snippet?: string; source?: string; bare: Call[]; fixed: Call[]; problem?: string }

const closers: Array<() => Promise<void>> = [];
let setupProblem: string | null = null;
let report: Report | null = null;
let server: ServerFix | undefined;
let pages: Record<PageId, string> = { A: '', B: '', C: '' };
const broken: Call[] = [];
const runs = new Map<Target, TargetRun>();
const timings: string[] = [];

const RUN_FETCH = `async (spec) => {
  try {
    const response = await fetch(spec.url, { ...spec.init, signal: AbortSignal.timeout(15000) });
    try { await response.arrayBuffer(); } catch {}
    return { rejected: false, status: response.status };
  } catch (error) {
    return { rejected: true, error: String(error) };
  }
}`;

function init(spec: Spec): Record<string, unknown> {
  return { method: spec.method, ...(spec.headers ? { headers: spec.headers } : {}), ...(spec.credentials ? { credentials: spec.credentials } : {}) };
}

function listen(server: Server): Promise<{ origin: string; close(): Promise<void> }> {
  return new Promise((done) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    done({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((closed) => { server.closeAllConnections(); server.close(() => closed()); }) });
  }));
}

/** A page origin: any path answers a small HTML page (A's tab embeds B and C as iframes). */
function startPage(): Promise<{ origin: string; close(): Promise<void> }> {
  return listen(createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>server snippets</title><p>server snippets</p>');
  }));
}

/** The broken API: every request of A and B fails CORS in its own way (see the file comment). */
function startBrokenApi(pageB: string): Promise<{ origin: string; close(): Promise<void> }> {
  return listen(createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0];
      const requested = request.headers['access-control-request-method'];
      if (request.method === 'OPTIONS' && requested === 'PUT') {
        response.writeHead(204, { 'Access-Control-Allow-Origin': pageB, 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Allow-Headers': 'x-trace' });
        return response.end();
      }
      if (request.method === 'OPTIONS') {
        response.writeHead(404, { 'Content-Type': 'application/json' });
        return response.end('{"error":"not found"}');
      }
      if (path === '/error') {
        response.writeHead(500, { 'Content-Type': 'application/json' });
        return response.end('{"error":"internal"}');
      }
      const wildcard = request.headers.origin === pageB ? { 'Access-Control-Allow-Origin': '*' } : {};
      response.writeHead(200, { 'Content-Type': 'application/json', ...wildcard });
      response.end('{"ok":true}');
    });
  }));
}

async function track<T extends { close(): Promise<void> }>(running: Promise<T>): Promise<T> {
  const value = await running;
  closers.push(() => value.close());
  return value;
}

async function fetchFrom(frames: Record<PageId, Frame>, calls: Call[]): Promise<void> {
  // One request at a time per page, pages in parallel.
  await Promise.all((['A', 'B', 'C'] as const).map(async (from) => {
    for (const call of calls.filter((item) => item.from === from)) {
      const url = `${call.origin}${call.spec.path}`;
      call.outcome = await frames[from].evaluate(`(${RUN_FETCH})(${JSON.stringify({ url, init: init(call.spec) })})`) as Outcome;
    }
  }));
}

const callsFor = (origin: string, withC: boolean): Call[] => [
  ...SPECS.map((spec) => ({ from: spec.page, spec, origin })),
  ...(withC ? SPECS.map((spec) => ({ from: 'C' as const, spec, origin })) : []),
];

/** nginx's server snippet in its two parts: the map for http { }, the rest for the location. */
function nginxParts(snippet: string): { http: string; location: string } {
  const at = snippet.search(/^# 2\. /m);
  return at < 0 ? { http: '', location: snippet } : { http: snippet.slice(0, at), location: snippet.slice(at) };
}

beforeAll(async () => {
  try {
    const [pageA, pageB, pageC] = [await track(startPage()), await track(startPage()), await track(startPage())];
    pages = { A: pageA.origin, B: pageB.origin, C: pageC.origin };
    const api = await track(startBrokenApi(pages.B));
    const backend = await track(startBackend());

    // 1. One Chromium, DevTools and the CORS panel open; A's tab holds B and C as iframes.
    const chromium = await launchChromium({ extensionDir: DIST });
    closers.push(() => chromium.close());
    const panel = await openCorsPanel(chromium);
    const page: Page = await inspectedPage(chromium);
    await page.goto(`${pages.A}/`, { waitUntil: 'load' });
    await page.evaluate(`Promise.all(${JSON.stringify([`${pages.B}/frame`, `${pages.C}/frame`])}.map((src) => new Promise((done) => { const frame = document.createElement('iframe'); frame.src = src; frame.onload = done; document.body.append(frame); })))`);
    const frameAt = (origin: string) => waitFor(`the frame of ${origin}`, async () => page.frames().find((frame) => frame.url().startsWith(`${origin}/`)));
    const frames: Record<PageId, Frame> = { A: page.mainFrame(), B: await frameAt(pages.B), C: await frameAt(pages.C) };

    // 2. The capture: A's and B's requests to the broken API, all blocked.
    broken.push(...callsFor(api.origin, false));
    await fetchFrom(frames, broken);
    await delay(300);
    const har = await panel.settledHar();
    const result = diagnose(har);
    if (!result.ok) throw new Error(`diagnose() refused the HAR: ${result.error.message}`);
    report = result.report;
    server = report.servers.find((fix) => fix.server === api.origin);
    if (server === undefined) throw new Error(`no server configuration for ${api.origin}: ${JSON.stringify(report.servers.map((fix) => fix.server))}`);
    const snippetOf = (target: Target) => server?.snippets.find((snippet) => snippet.stack === stackOf(target))?.code;

    // 3. Every target: the bare application and the application with the server snippet, side by side.
    const started = performance.now();
    const startOne = async (target: Target) => {
      const snippet = snippetOf(target);
      const run: TargetRun = { target, bare: [], fixed: [], ...(snippet === undefined ? { problem: 'no snippet' } : { snippet }) };
      runs.set(target, run);
      if (snippet === undefined) return;
      const at = performance.now();
      try {
        let origins: [string, string];
        if (target === 'nginx') {
          const [bare, fixed] = [await freePort(), await freePort()];
          const parts = nginxParts(snippet);
          // Two nginx processes: the bare proxy, and the proxy with the snippet (its map at the http level).
          await track(startNginx(backend.port, [{ port: bare, cors: '' }]));
          await track(startNginx(backend.port, [{ port: fixed, cors: parts.location }], parts.http));
          origins = [`http://127.0.0.1:${bare}`, `http://127.0.0.1:${fixed}`];
        } else if ((IN_PROCESS as readonly string[]).includes(target)) {
          const stack = target as InProcessStack;
          const bare = await track(startNodeStack(stack, { kind: 'bare' }, `server-bare-${stack}`));
          const fixed = await track(startNodeStack(stack, { kind: 'snippet', code: snippet }, `server-fixed-${stack}`));
          run.source = fixed.source;
          origins = [bare.origin, fixed.origin];
        } else {
          const process = target as ProcessTarget;
          run.source = targetSource(process, snippet);
          const running = await track(startTarget(process, [{ code: null }, { code: snippet }], backend.port));
          origins = [running.origins[0] as string, running.origins[1] as string];
        }
        run.bare = callsFor(origins[0], false);
        run.fixed = callsFor(origins[1], true);
        timings.push(`${target}: up in ${((performance.now() - at) / 1000).toFixed(1)} s`);
      } catch (error) {
        run.problem = `did not start: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    const queue = [...TARGETS];
    await Promise.all([0, 1].map(async () => {
      for (let target = queue.shift(); target !== undefined; target = queue.shift()) await startOne(target);
    }));
    const fetched = performance.now();
    for (const run of runs.values()) await fetchFrom(frames, [...run.bare, ...run.fixed]);
    timings.push(`servers up in ${((fetched - started) / 1000).toFixed(1)} s; requests in ${((performance.now() - fetched) / 1000).toFixed(1)} s`);
  } catch (error) {
    setupProblem = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
}, 1_200_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
}, 120_000);

const passes = (call: Call) => call.outcome?.rejected === false && call.outcome.status === call.spec.status;
const blocked = (call: Call) => call.outcome?.rejected === true;
/** A target is proven when the bare application blocks A and B, the snippet lets them through and C stays blocked. */
const proven = (run: TargetRun) => run.problem === undefined && run.bare.length > 0 && run.bare.every(blocked)
  && run.fixed.filter((call) => call.from !== 'C').every(passes) && run.fixed.filter((call) => call.from === 'C').every(blocked);

describe('one configuration per server, run-verified in Chromium', () => {
  it('sets up the capture, the servers and Chromium', () => {
    expect(setupProblem).toBeNull();
  });

  it('prints what Chromium said for each stack', () => {
    const lines = [...runs.values()].map((run) => {
      const count = (calls: Call[], test: (call: Call) => boolean) => `${calls.filter(test).length}/${calls.length}`;
      const mine = run.fixed.filter((call) => call.from !== 'C');
      const others = run.fixed.filter((call) => call.from === 'C');
      return `${run.target.padEnd(20)} bare blocked ${count(run.bare, blocked)}; with the snippet: A+B allowed ${count(mine, passes)}, C blocked ${count(others, blocked)}${run.problem ? ` — ${run.problem}` : ''}`;
    });
    const allowed = [...runs.values()].flatMap((run) => run.fixed.filter((call) => call.from !== 'C'));
    const outside = [...runs.values()].flatMap((run) => run.fixed.filter((call) => call.from === 'C'));
    console.info(`Server snippets (${pages.A}, ${pages.B} in the capture; ${pages.C} not):\n${lines.join('\n')}\n`
      + `in all: ${allowed.filter(passes).length}/${allowed.length} allowed as expected, ${outside.filter(blocked).length}/${outside.length} blocked as expected\n${timings.join('\n')}`);
    expect(runs.size).toBe(TARGETS.length);
  });

  it('the capture has several blocking problems on one server from both page origins, all blocked', () => {
    expect(setupProblem).toBeNull();
    for (const call of broken) expect(call.outcome?.rejected, `${call.spec.id}: ${JSON.stringify(call.outcome)}`).toBe(true);
    expect(server?.allowOrigins).toEqual([pages.A, pages.B].sort());
    expect(server?.credentials).toBe(true);
    const rules = new Set(report?.problems.filter((problem) => server?.problems.includes(problem.id)).map((problem) => problem.rule));
    expect([...rules].sort()).toEqual(expect.arrayContaining(['disallowed-request-method', 'missing-allow-origin', 'wildcard-origin-with-credentials']));
    // The rules behind `verified` on server snippets (src/engine/fixes/verified.ts) are this capture's.
    expect([...rules].sort()).toEqual([...SERVER_VERIFIED_RULES].sort());
    expect(server?.exchanges).toBe(SPECS.length);
  });

  it.each(TARGETS.map((target) => [target] as const))('%s: the bare application blocks A and B; with the server snippet both pass and C stays blocked', (target) => {
    expect(setupProblem).toBeNull();
    const run = runs.get(target);
    expect(run?.problem ?? null, run?.source ?? run?.snippet).toBeNull();
    const source = run?.source ?? run?.snippet ?? '';
    for (const call of run?.bare ?? []) expect(call.outcome?.rejected, `bare ${target}, ${call.spec.id}: ${JSON.stringify(call.outcome)}`).toBe(true);
    for (const call of run?.fixed ?? []) {
      if (call.from === 'C') expect(call.outcome?.rejected, `${target}, ${call.spec.id} from C (not in the capture) passed:\n${source}`).toBe(true);
      else expect({ rejected: call.outcome?.rejected, status: call.outcome?.status }, `${target}, ${call.spec.id}: ${JSON.stringify(call.outcome)}\n${source}`).toEqual({ rejected: false, status: call.spec.status });
    }
  });

  it('SERVER_RUN_VERIFIED (src/engine/fixes/verified.ts) is exactly the stacks proven here, and the report marks them', () => {
    expect(setupProblem).toBeNull();
    const byStack = new Map<StackId, boolean>();
    for (const run of runs.values()) {
      const stack = stackOf(run.target);
      byStack.set(stack, (byStack.get(stack) ?? true) && proven(run));
    }
    const measured = [...byStack].filter(([, ok]) => ok).map(([stack]) => stack).sort();
    console.info(`Proven server configurations: ${JSON.stringify(measured)}`);
    // Next.js is left out of the comparison when its builds do not run (CORS_LENS_SERVER_NO_NEXT=1).
    const table = SERVER_RUN_VERIFIED.filter((stack) => stack !== 'nextjs' || PROCESSES.includes('nextjs')).slice().sort();
    expect(table).toEqual(measured);
    for (const stack of measured) expect(server?.snippets.find((snippet) => snippet.stack === stack)?.verified, stack).toBe(true);
  });
});
