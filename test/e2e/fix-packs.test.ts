// Run-verified fix packs: Chromium is the oracle, the generated snippet is the subject.
//
// For each failing scenario of test/fixes/fix-cases.ts and each run-verified stack (Express, Fastify, Koa,
// Hono, nginx): a real server with the broken CORS setup is fetched from a page in Debian's Chromium (with the
// built extension and DevTools open, so DevTools records the HAR), and must fail (fetch rejects and
// Network.loadingFailed names a CORS error). The HAR, read exactly as the extension gets it, is diagnosed; the
// snippet of that stack in the blocking finding's fix is pasted — verbatim — into the same application (for
// Node stacks a generated server module, for nginx the location block), and the same fetch must now pass.
// The stacks exercised here must equal RUN_VERIFIED_STACKS, the table behind `snippets[].verified`.
//
// Run: npx vite build && npx vitest run --project chromium test/e2e/fix-packs.test.ts
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delay, inspectedPage, launchChromium, openCorsPanel, watchNetworkFailures, type ChromiumSession, type NetworkFailure } from '../../scripts/lib/chromium';
import { diagnose, RUN_VERIFIED_STACKS, type ReportExchange } from '../../src/engine/index';
import { FIX_CASES, type FetchSpec, type FixCase, type NodeStack, type Stack } from '../fixes/fix-cases';
import { freePort, startBackend, startNginx, startNodeStack, type Running } from '../fixes/stack-servers';

const DIST = process.env.CORS_LENS_DIST ?? resolve(import.meta.dirname, '../../dist');
const NODE_STACKS: readonly NodeStack[] = ['express', 'fastify', 'koa', 'hono'];
const STACKS: readonly Stack[] = [...NODE_STACKS, 'nginx'];

interface Outcome { rejected: boolean; status?: number; error?: string }
interface Run { stack: Stack; fixCase: FixCase; origin: string; outcome?: Outcome; failure?: NetworkFailure }
interface Verified { broken: Run; exchange?: ReportExchange; snippet?: string; fixed?: Run; problem?: string }

const closers: Array<() => Promise<void>> = [];
const results = new Map<string, Verified>();
let setupProblem: string | null = null;

const key = (stack: Stack, fixCase: FixCase) => `${stack}/${fixCase.id}`;

const RUN_FETCH = `async (spec) => {
  try {
    const response = await fetch(spec.url, { ...spec.init, signal: AbortSignal.timeout(10000) });
    try { await response.arrayBuffer(); } catch {}
    return { rejected: false, status: response.status };
  } catch (error) {
    return { rejected: true, error: String(error) };
  }
}`;

function init(request: FetchSpec): Record<string, unknown> {
  return {
    method: request.method,
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.credentials ? { credentials: request.credentials } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
  };
}

async function fetchAll(page: Page, runs: Run[], failures: () => NetworkFailure[]): Promise<void> {
  for (const run of runs) {
    const url = `${run.origin}${run.fixCase.request.path}`;
    run.outcome = await page.evaluate(`(${RUN_FETCH})(${JSON.stringify({ url, init: init(run.fixCase.request) })})`) as Outcome;
  }
  await delay(300);
  for (const run of runs) {
    run.failure = failures().find((failure) => failure.url.startsWith(`${run.origin}/`) && failure.method !== 'OPTIONS');
  }
}


function startPage(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>fix packs</title><p>fix packs</p>');
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    done({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((closed) => { server.closeAllConnections(); server.close(() => closed()); }) });
  }));
}

async function track<T extends { close(): Promise<void> }>(running: Promise<T>): Promise<T> {
  const value = await running;
  closers.push(() => value.close());
  return value;
}

beforeAll(async () => {
  let chromium: ChromiumSession | undefined;
  try {
    const page0 = await track(startPage());
    const backend = await track(startBackend());

    // 1. Broken servers: every Node stack × case, and one nginx with a site per case.
    const brokenRuns: Run[] = [];
    for (const stack of NODE_STACKS) {
      for (const fixCase of FIX_CASES) {
        const running = await track(startNodeStack(stack, { kind: 'broken', setup: fixCase.broken[stack], pageOrigin: page0.origin }, `broken-${stack}-${fixCase.id}`));
        brokenRuns.push({ stack, fixCase, origin: running.origin });
      }
    }
    const brokenSites = await Promise.all(FIX_CASES.map(async (fixCase) => ({ fixCase, port: await freePort() })));
    await track(startNginx(backend.port, brokenSites.map(({ fixCase, port }) => ({ port, cors: (fixCase.broken.nginx.before ?? '').replaceAll('$PAGE', page0.origin) }))));
    for (const { fixCase, port } of brokenSites) brokenRuns.push({ stack: 'nginx', fixCase, origin: `http://127.0.0.1:${port}` });

    // 2. One Chromium for everything; DevTools records the HAR the extension reads.
    chromium = await launchChromium({ extensionDir: DIST });
    const session = chromium;
    closers.push(() => session.close());
    const panel = await openCorsPanel(chromium);
    const page = await inspectedPage(chromium);
    const network = await watchNetworkFailures(page);
    closers.push(() => network.stop());
    await page.goto(`${page0.origin}/`, { waitUntil: 'load' });
    await fetchAll(page, brokenRuns, network.failures);

    // 3. Diagnose the HAR as the extension sees it and take each stack's snippet from the blocking finding's fix.
    const har = await panel.settledHar();
    const report = diagnose(har);
    if (!report.ok) throw new Error(`diagnose() refused the HAR: ${report.error.message}`);
    for (const run of brokenRuns) {
      const exchange = report.report.exchanges.find((candidate) => candidate.url.startsWith(`${run.origin}/`));
      const fix = exchange?.findings.find((finding) => finding.fix !== null && finding.fix.target !== 'client')?.fix ?? null;
      const snippet = fix?.snippets.find((candidate) => candidate.stack === run.stack)?.code;
      results.set(key(run.stack, run.fixCase), {
        broken: run,
        ...(exchange ? { exchange } : {}),
        ...(snippet !== undefined ? { snippet } : {}),
        ...(snippet === undefined ? { problem: `no ${run.stack} snippet in the report for ${run.origin} (${exchange?.verdict ?? 'no exchange'})` } : {}),
      });
    }

    // 4. Fixed servers: the same application with the snippet as its only CORS configuration.
    const fixedRuns: Run[] = [];
    for (const stack of NODE_STACKS) {
      for (const fixCase of FIX_CASES) {
        const result = results.get(key(stack, fixCase));
        if (result?.snippet === undefined) continue;
        try {
          const running: Running = await track(startNodeStack(stack, { kind: 'snippet', code: result.snippet }, `fixed-${stack}-${fixCase.id}`));
          const run: Run = { stack, fixCase, origin: running.origin };
          result.fixed = run;
          fixedRuns.push(run);
        } catch (error) {
          result.problem = `the ${stack} server with the snippet did not start: ${String(error)}`;
        }
      }
    }
    const fixedSites = await Promise.all(FIX_CASES.map(async (fixCase) => ({ fixCase, port: await freePort(), snippet: results.get(key('nginx', fixCase))?.snippet })));
    const usable = fixedSites.filter((site): site is typeof site & { snippet: string } => site.snippet !== undefined);
    await track(startNginx(backend.port, usable.map(({ port, snippet }) => ({ port, cors: snippet }))));
    for (const site of usable) {
      const run: Run = { stack: 'nginx', fixCase: site.fixCase, origin: `http://127.0.0.1:${site.port}` };
      const result = results.get(key('nginx', site.fixCase));
      if (result) result.fixed = run;
      fixedRuns.push(run);
    }
    await fetchAll(page, fixedRuns, network.failures);
  } catch (error) {
    setupProblem = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
}, 180_000);

afterAll(async () => {
  // Everything started above, newest first (Chromium before the servers it talks to), even after a failure.
  for (const close of closers.reverse()) await close().catch(() => undefined);
});

describe('fix packs, run-verified in Chromium', () => {
  it('sets up servers and Chromium', () => {
    expect(setupProblem).toBeNull();
  });

  it('prints what Chromium said before and after each snippet', () => {
    const rows = [...results.entries()].map(([id, result]) =>
      `${id.padEnd(40)} broken: ${(result.broken.failure?.corsError ?? String(result.broken.outcome?.rejected)).padEnd(36)} fixed: ${result.fixed?.outcome?.rejected === false ? `passes (${result.fixed.outcome.status})` : `FAILS ${result.fixed?.failure?.corsError ?? result.problem ?? ''}`}`);
    console.info(`Run-verified fix packs (${rows.length}):\n${rows.join('\n')}`);
    expect(rows.length).toBe(STACKS.length * FIX_CASES.length);
  });

  it('the run-verified table lists exactly the stacks this test runs', () => {
    expect([...RUN_VERIFIED_STACKS].sort()).toEqual([...STACKS].sort());
  });

  describe.each(STACKS)('%s', (stack) => {
    it.each(FIX_CASES.map((fixCase) => [fixCase.id, fixCase] as const))('%s: broken fails, the generated snippet passes', (_id, fixCase) => {
      expect(setupProblem).toBeNull();
      const result = results.get(key(stack, fixCase));
      expect(result, 'no result').toBeDefined();
      const { broken, exchange, snippet, fixed } = result!;
      // The broken server fails in real Chromium, with a CORS error…
      expect(broken.outcome?.rejected, `broken ${stack} server was not blocked: ${JSON.stringify(broken.outcome)}`).toBe(true);
      expect(broken.failure?.corsError, JSON.stringify(broken.failure)).toBeTruthy();
      // …the engine agrees, and its what-if says the fix verifies…
      expect(exchange?.verdict).toBe('blocked');
      expect(exchange?.corsError).toBe(broken.failure?.corsError);
      const fix = exchange?.findings.find((finding) => finding.fix !== null && finding.fix.target !== 'client')?.fix;
      expect(fix?.verifies, fix?.whatIf).toBe(true);
      expect(fix?.snippets.find((candidate) => candidate.stack === stack)?.verified).toBe(true);
      expect(result!.problem ?? null).toBeNull();
      // …and the same application configured only with the snippet passes.
      expect(fixed?.outcome, `fixed server not fetched\n${snippet ?? ''}`).toBeDefined();
      expect(fixed?.outcome?.rejected, `still blocked (${fixed?.failure?.corsError ?? fixed?.outcome?.error}) with:\n${snippet ?? ''}`).toBe(false);
      expect(fixed?.outcome?.status).toBe(fixCase.fixedStatus);
      expect(fixed?.failure).toBeUndefined();
    });
  });
});
