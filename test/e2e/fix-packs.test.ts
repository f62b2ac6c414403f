// Run-verified fix packs: Chromium is the oracle, the generated snippet is the subject.
//
// For each failing scenario of test/fixes/fix-cases.ts and each run-verified stack (Express, Fastify, Koa,
// Hono, nginx): a real server with the broken CORS setup is fetched from a page in Debian's Chromium (with the
// built extension and DevTools open, so DevTools records the HAR), and must fail (fetch rejects and
// Network.loadingFailed names a CORS error). The HAR, read exactly as the extension gets it, is diagnosed; the
// snippet of that stack in the blocking finding's fix is pasted — verbatim — into the same application (for
// Node stacks a generated server module, for nginx the location block), and the same fetch must now pass.
//
// The other stacks (NestJS in this process; Flask, Django, FastAPI, Rails, Go with rs/cors and with net/http
// alone, Apache, Caddy, workerd and Next.js as child processes, test/fixes/process-stacks.ts) take their snippet from the
// same diagnosis (the Express server's capture of each scenario) and run two servers per scenario: the bare
// application, which Chromium must block, and the application with the snippet pasted verbatim, which must pass.
//
// The stacks and rules that passed, and the versions read from what is installed, must equal RUN_VERIFIED
// (src/engine/fixes/verified.ts), the table behind `snippets[].verified` and `snippets[].verifiedAgainst`.
//
// Run: npm run build && npx vitest run --project chromium test/e2e/fix-packs.test.ts
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delay, inspectedPage, launchChromium, openCorsPanel, watchNetworkFailures, type ChromiumSession, type NetworkFailure } from '../../scripts/lib/chromium';
import { execFileSync } from 'node:child_process';
import { diagnose, RUN_VERIFIED, VERIFIED_IN, type ReportExchange, type StackId } from '../../src/engine/index';
import { FIX_CASES, type FetchSpec, type FixCase, type NodeStack, type Stack } from '../fixes/fix-cases';
import { nodePackageVersion, PROCESS_TARGETS, PROXY_TARGETS, startTarget, TARGET_STACK, targetSource, targetVersion, type ProcessTarget } from '../fixes/process-stacks';
import { freePort, NGINX, startBackend, startNginx, startNodeStack, type Running } from '../fixes/stack-servers';

const DIST = process.env.CORS_LENS_DIST ?? resolve(import.meta.dirname, '../../dist');
const NODE_STACKS: readonly NodeStack[] = ['express', 'fastify', 'koa', 'hono'];
const STACKS: readonly Stack[] = [...NODE_STACKS, 'nginx'];

/** Stacks run from a snippet alone (no broken setup of their own): NestJS in this process, the others as processes. */
type Target = ProcessTarget | 'nestjs';
const TARGETS: readonly Target[] = ['nestjs', ...PROCESS_TARGETS];
const stackOf = (target: Target): StackId => (target === 'nestjs' ? 'nestjs' : TARGET_STACK[target]);

interface Outcome { rejected: boolean; status?: number; error?: string }
interface Run { stack: Stack | Target; fixCase: FixCase; origin: string; outcome?: Outcome; failure?: NetworkFailure }
interface Verified { broken: Run; exchange?: ReportExchange; snippet?: string; fixed?: Run; problem?: string; rule?: string }

const closers: Array<() => Promise<void>> = [];
let chromiumVersion = '?';
const results = new Map<string, Verified>();
let setupProblem: string | null = null;

const key = (stack: Stack | Target, fixCase: FixCase) => `${stack}/${fixCase.id}`;
/** The bare application of each target: no CORS configuration at all. */
const bare = new Map<string, Run>();
const versions = new Map<string, string>();
const timings: string[] = [];
const since = (start: number) => `${((performance.now() - start) / 1000).toFixed(1)} s`;

/** Blocking finding of an exchange: the first with a server fix. */
const blockingFinding = (exchange: ReportExchange | undefined) => exchange?.findings.find((finding) => finding.fix !== null && finding.fix.target !== 'client');

async function readVersions(): Promise<void> {
  // nginx -v prints to stderr.
  const nginx = /nginx\/([\d.]+)/.exec(execFileSync('sh', ['-c', `"${NGINX}" -v 2>&1`], { encoding: 'utf8' }))?.[1] ?? '?';
  versions.set('express', `Express ${nodePackageVersion('express')}, cors ${nodePackageVersion('cors')}`);
  versions.set('fastify', `Fastify ${nodePackageVersion('fastify')}, @fastify/cors ${nodePackageVersion('@fastify/cors')}`);
  versions.set('koa', `Koa ${nodePackageVersion('koa')}, @koa/cors ${nodePackageVersion('@koa/cors')}`);
  versions.set('hono', `Hono ${nodePackageVersion('hono')}, @hono/node-server ${nodePackageVersion('@hono/node-server')}`);
  versions.set('nestjs', `NestJS ${nodePackageVersion('@nestjs/core')} (platform-express)`);
  versions.set('nginx', `nginx ${nginx}`);
  const byStack = new Map<string, string[]>();
  for (const target of PROCESS_TARGETS) {
    const stack = TARGET_STACK[target];
    byStack.set(stack, [...(byStack.get(stack) ?? []), await targetVersion(target)]);
  }
  for (const [stack, list] of byStack) versions.set(stack, list.join(' and '));
}


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

async function fetchAll(page: Page, runs: Run[], failures: () => NetworkFailure[], concurrently = false): Promise<void> {
  const fetchOne = async (run: Run) => {
    const url = `${run.origin}${run.fixCase.request.path}`;
    run.outcome = await page.evaluate(`(${RUN_FETCH})(${JSON.stringify({ url, init: init(run.fixCase.request) })})`) as Outcome;
  };
  if (concurrently) {
    // One request per origin at a time (a bare server answers every scenario), origins in parallel.
    const byOrigin = new Map<string, Run[]>();
    for (const run of runs) byOrigin.set(run.origin, [...(byOrigin.get(run.origin) ?? []), run]);
    await Promise.all([...byOrigin.values()].map(async (list) => { for (const run of list) await fetchOne(run); }));
  } else {
    for (const run of runs) await fetchOne(run);
  }
  await delay(300);
  for (const run of runs) {
    run.failure = failures().find((failure) => failure.url.startsWith(`${run.origin}/`) && failure.method !== 'OPTIONS'
      && failure.method === run.fixCase.request.method && `${new URL(failure.url).pathname}${new URL(failure.url).search}` === run.fixCase.request.path);
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
    chromiumVersion = `Chromium ${/\/(\d+)\./.exec(await chromium.browser.version())?.[1] ?? '?'}`;
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

    // 5. The other stacks: each scenario's snippet comes from the Express capture's diagnosis (the same report
    //    holds every stack's snippet; nginx's for the auth case, see diagnosedFrom); the bare application and the
    //    application with the snippet run side by side.
    const started = performance.now();
    const extraRuns: Run[] = [];
    const startOne = async (target: Target) => {
      const targetStart = performance.now();
      const snippets = FIX_CASES.map((fixCase) => {
        const source = results.get(key(fixCase.diagnosedFrom ?? 'express', fixCase));
        const finding = blockingFinding(source?.exchange);
        const snippet = finding?.fix?.snippets.find((candidate) => candidate.stack === stackOf(target))?.code;
        results.set(key(target, fixCase), {
          broken: source?.broken ?? { stack: target, fixCase, origin: '' },
          ...(source?.exchange ? { exchange: source.exchange } : {}),
          ...(snippet !== undefined ? { snippet } : { problem: `no ${stackOf(target)} snippet in the Express capture's report` }),
          ...(finding ? { rule: finding.rule } : {}),
        });
        return snippet ?? null;
      });
      const sites = [{ code: null }, ...snippets.filter((code): code is string => code !== null).map((code) => ({ code }))];
      try {
        let origins: string[];
        if (target === 'nestjs') {
          const servers = [];
          for (const site of sites) {
            const cors = site.code === null ? { kind: 'bare' as const } : { kind: 'snippet' as const, code: site.code };
            servers.push(await track(startNodeStack('nestjs', cors, `nestjs-${servers.length}`)));
          }
          origins = servers.map((server) => server.origin);
        } else {
          const running = await track(startTarget(target, sites, backend.port));
          origins = running.origins;
        }
        bare.set(target, { stack: target, fixCase: FIX_CASES[0] as FixCase, origin: origins[0] as string });
        let site = 1;
        FIX_CASES.forEach((fixCase, index) => {
          if (snippets[index] === null) return;
          const run: Run = { stack: target, fixCase, origin: origins[site++] as string };
          const result = results.get(key(target, fixCase));
          if (result) result.fixed = run;
          extraRuns.push(run);
        });
        timings.push(`${target}: ${sites.length} servers up in ${since(targetStart)}`);
      } catch (error) {
        for (const fixCase of FIX_CASES) {
          const result = results.get(key(target, fixCase));
          if (result) result.problem = `the ${target} servers did not start: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
    };
    // Two targets at a time (each starts up to three processes at once): 2 cores are shared. Next.js first: its
    // production builds are the longest start.
    const queue = [...TARGETS].sort((a, b) => Number(b === 'nextjs') - Number(a === 'nextjs'));
    await Promise.all([0, 1].map(async () => {
      for (let target = queue.shift(); target !== undefined; target = queue.shift()) await startOne(target);
    }));
    timings.push(`all stack servers up: ${since(started)}`);
    // Bare applications: every scenario must be blocked without the snippet.
    const bareRuns: Run[] = [];
    for (const [target, run] of bare) {
      for (const fixCase of FIX_CASES) bareRuns.push({ stack: target as Target, fixCase, origin: run.origin });
    }
    const fetched = performance.now();
    await fetchAll(page, [...bareRuns, ...extraRuns], network.failures, true);
    for (const run of bareRuns) bare.set(`${run.stack}/${run.fixCase.id}`, run);
    timings.push(`replayed ${bareRuns.length + extraRuns.length} requests in ${since(fetched)}; stack suite ${since(started)}`);
    await readVersions();
  } catch (error) {
    setupProblem = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
}, 600_000);

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
    console.info(`Run-verified fix packs (${rows.length}):\n${rows.join('\n')}\n${timings.join('\n')}`);
    expect(rows.length).toBe((STACKS.length + TARGETS.length) * FIX_CASES.length);
  });

  it('the verified-versions table (src/engine/fixes/verified.ts) is exactly what this run verified, with the installed versions', () => {
    expect(setupProblem).toBeNull();
    const ran = new Map<string, { rules: Set<string>; failed: boolean }>();
    for (const [id, result] of results) {
      const stack = id.split('/')[0] as Stack | Target;
      const name = (STACKS as readonly string[]).includes(stack) ? stack : stackOf(stack as Target);
      const entry = ran.get(name) ?? { rules: new Set<string>(), failed: false };
      const proxyWithAppLayer = result.broken.fixCase.appLayer === true && (PROXY_TARGETS as readonly string[]).includes(stack);
      const passed = result.fixed?.outcome?.rejected === false && result.fixed.outcome.status === result.broken.fixCase.fixedStatus
        && (bare.get(id)?.outcome?.rejected ?? true) !== proxyWithAppLayer;
      if (passed) entry.rules.add(blockingFinding(result.exchange)?.rule ?? '?');
      else entry.failed = true;
      ran.set(name, entry);
    }
    const measured = Object.fromEntries([...ran].filter(([, entry]) => !entry.failed).map(([stack, entry]) => [stack, {
      against: `${versions.get(stack) ?? '?'}, in ${chromiumVersion}`,
      rules: [...entry.rules].sort(),
    }]));
    console.info(`Measured run-verifications:\n${JSON.stringify(measured, null, 2)}`);
    const table = Object.fromEntries(Object.entries(RUN_VERIFIED).map(([stack, entry]) => [stack, { against: `${entry.against}, in ${VERIFIED_IN}`, rules: [...entry.rules].sort() }]));
    expect(table).toEqual(measured);
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
      expect(fix?.snippets.find((candidate) => candidate.stack === stack)?.verifiedAgainst).toBe(`${RUN_VERIFIED[stack]?.against ?? ''}, in ${VERIFIED_IN}`);
      expect(result!.problem ?? null).toBeNull();
      // …and the same application configured only with the snippet passes.
      expect(fixed?.outcome, `fixed server not fetched\n${snippet ?? ''}`).toBeDefined();
      expect(fixed?.outcome?.rejected, `still blocked (${fixed?.failure?.corsError ?? fixed?.outcome?.error}) with:\n${snippet ?? ''}`).toBe(false);
      expect(fixed?.outcome?.status).toBe(fixCase.fixedStatus);
      expect(fixed?.failure).toBeUndefined();
    });
  });

  describe.each(TARGETS)('%s', (target) => {
    it.each(FIX_CASES.map((fixCase) => [fixCase.id, fixCase] as const))('%s: the bare application is blocked, with the generated snippet it passes', (_id, fixCase) => {
      expect(setupProblem).toBeNull();
      const result = results.get(key(target, fixCase));
      expect(result, 'no result').toBeDefined();
      expect(result!.problem ?? null).toBeNull();
      const { exchange, snippet, fixed } = result!;
      const without = bare.get(key(target, fixCase));
      if (fixCase.appLayer === true && (PROXY_TARGETS as readonly string[]).includes(target)) {
        // A proxy without CORS configuration passes the application's own single line: the snippet must replace
        // it, not add a second one…
        expect(without?.outcome?.rejected, `bare ${target} with the application's header: ${JSON.stringify(without?.outcome)}`).toBe(false);
      } else {
        // Without any CORS configuration, Chromium blocks the scenario (so the snippet is what makes it pass)…
        expect(without?.outcome?.rejected, `bare ${target} application was not blocked: ${JSON.stringify(without?.outcome)}`).toBe(true);
        expect(without?.failure?.corsError, JSON.stringify(without?.failure)).toBeTruthy();
      }
      // …the snippet is the one the report (and so the panel) shows, marked verified…
      const fix = blockingFinding(exchange)?.fix;
      const shown = fix?.snippets.find((candidate) => candidate.stack === stackOf(target));
      expect(shown?.code).toBe(snippet);
      expect(shown?.verified).toBe(true);
      // …and with it pasted verbatim, the request passes.
      const source = target === 'nestjs' ? '' : targetSource(target, snippet ?? null);
      expect(fixed?.outcome, `fixed server not fetched\n${source}`).toBeDefined();
      expect(fixed?.outcome?.rejected, `still blocked (${fixed?.failure?.corsError ?? fixed?.outcome?.error}) with:\n${source || snippet}`).toBe(false);
      expect(fixed?.outcome?.status, source).toBe(fixCase.fixedStatus);
      expect(fixed?.failure).toBeUndefined();
    });
  });
});
