// The differential test: Chromium is the oracle, the engine is the subject.
//
// Debian's Chromium runs with the built extension (dist/) loaded and DevTools open on the CORS panel. The
// inspected tab navigates ONCE to the runner page (a navigation would clear DevTools' HAR), then every
// scenario of scenarios.ts is fetched from the page with page.evaluate. Chromium's own verdict comes from the
// DevTools Protocol (Network.loadingFailed → corsErrorStatus) on a CDP session of the page, plus whether the
// fetch() promise rejected. At the end the HAR is read exactly as the extension sees it
// (chrome.devtools.network.getHAR() inside the panel page), the engine diagnoses it, and each scenario must
// get the same verdict and the same CORS error from both.
//
// Run: npx vite build && npx vitest run --project chromium test/differential
// The recording (HAR + Chromium verdicts) is written to recorded/chromium-<major>.json when the file is
// missing, when the scenario table or the browser version changed, or when CORS_LENS_RECORD=1; the
// Chromium-free replay in test/engine/differential-replay.test.ts reads it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CDPSession, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delay, inspectedPage, launchChromium, openCorsPanel, waitFor, type ChromiumSession } from '../../scripts/lib/chromium';
import {
  checkExpectedFindings,
  compareAll,
  describeChromium,
  findingMismatchTable,
  type FindingCheck,
  disagreementTable,
  errorNotInHarList,
  type CdpRequestRecord,
  type ChromiumVerdict,
  type Comparison,
  type EngineExchangeLike,
  type FetchOutcome,
  type Recording,
} from './compare';
import { RUN_REQUEST, START_WORKERS } from './page-runner';
import { startScenarioServer, substituteRequestValue, type ScenarioServer } from './scenario-server';
import { scenariosFor, type FrameKey, type Scenario } from './scenarios';

/** The rows Chromium runs (scenarios.ts `browsers`). */
const scenarios = scenariosFor('chromium');

const DIST = resolve(import.meta.dirname, '../../dist');
const RECORDED_DIR = resolve(import.meta.dirname, 'recorded');

let server: ScenarioServer | undefined;
let chromium: ChromiumSession | undefined;
let cdp: CDPSession | undefined;
let comparisons = new Map<string, Comparison>();
let engineProblem: string | null = null;
let findingChecks = new Map<string, FindingCheck>();
let setupProblem: string | null = null;

function fetchInit(scenario: Scenario): Record<string, unknown> {
  const { method, headers, credentials, mode, redirect, body } = scenario.request;
  const init: Record<string, unknown> = {};
  if (method !== undefined) init.method = method;
  if (headers !== undefined) {
    init.headers = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, substituteRequestValue(value)]));
  }
  if (credentials !== undefined) init.credentials = credentials;
  if (mode !== undefined) init.mode = mode;
  if (redirect !== undefined) init.redirect = redirect;
  if (body !== undefined) init.body = body;
  return init;
}

/** Listens to one target's Network domain (the page's, or a worker's): the oracle. */
function recordNetwork(session: CDPSession): () => CdpRequestRecord[] {
  const records = new Map<string, CdpRequestRecord>();
  session.on('Network.requestWillBeSent', (event) => {
    const known = records.get(event.requestId);
    if (known) {
      known.urls.push(event.request.url);
      return;
    }
    records.set(event.requestId, {
      requestId: event.requestId,
      urls: [event.request.url],
      method: event.request.method,
      type: event.type ?? null,
      finished: false,
      failed: null,
    });
  });
  session.on('Network.loadingFinished', (event) => {
    const record = records.get(event.requestId);
    if (record) record.finished = true;
  });
  session.on('Network.loadingFailed', (event) => {
    const record = records.get(event.requestId);
    const failed = {
      errorText: event.errorText,
      corsError: event.corsErrorStatus?.corsError ?? null,
      failedParameter: event.corsErrorStatus?.failedParameter || null,
      blockedReason: event.blockedReason ?? null,
      canceled: event.canceled ?? false,
    };
    if (record) record.failed = failed;
    else records.set(event.requestId, { requestId: event.requestId, urls: [], method: '', type: event.type ?? null, finished: false, failed });
  });
  return () => [...records.values()];
}

function chromiumVerdict(scenario: Scenario, url: string, fetches: FetchOutcome[], records: CdpRequestRecord[]): ChromiumVerdict {
  const mine = records.filter((record) => record.urls.some((candidate) => candidate.includes(`/s/${scenario.id}/`)));
  // CDP reports a preflight as its own request: method OPTIONS, type "Other" (Chromium 156), in either order
  // relative to its actual request. No scenario fetches with method OPTIONS itself.
  const isPreflight = (record: CdpRequestRecord) => record.method === 'OPTIONS' || record.type === 'Preflight';
  const preflights = mine.filter(isPreflight);
  const requests = mine.filter((record) => !isPreflight(record));
  const last = requests.at(-1);
  const lastFetch = fetches.at(-1);
  const failure = last?.failed ?? null;
  return {
    id: scenario.id,
    url,
    // The page's view decides: a redirect:'manual' fetch resolves (opaqueredirect) although CDP reports its
    // request as failed with net::ERR_ABORTED, and a mode:'same-origin' fetch to another origin rejects
    // without any request reaching CDP. A kind the page cannot observe (sendBeacon) takes CDP's word: blocked
    // when its request failed other than by cancellation.
    blocked: lastFetch?.unobservable === true
      ? failure !== null && !failure.canceled
      : lastFetch?.rejected === true,
    corsError: failure?.corsError ?? null,
    failedParameter: failure?.failedParameter ?? null,
    errorText: failure?.errorText ?? null,
    fetches,
    requests,
    preflights,
  };
}


// Hashed without the `browsers` and `expectFirefoxFindings` fields: marking a row for one browser, or Firefox's
// findings, does not by itself force a new Chromium recording.
const tableHash = createHash('sha256').update(JSON.stringify(scenarios.map(({ browsers: _browsers, expectFirefoxFindings: _firefoxFindings, ...row }) => row))).digest('hex').slice(0, 16);

function saveRecording(recording: Recording): string {
  const major = /\/(\d+)\./.exec(recording.browser)?.[1] ?? 'unknown';
  const file = resolve(RECORDED_DIR, `chromium-${major}.json`);
  let stale = true;
  if (existsSync(file) && process.env.CORS_LENS_RECORD !== '1') {
    try {
      const previous = JSON.parse(readFileSync(file, 'utf8')) as Partial<Recording>;
      stale = previous.tableHash !== recording.tableHash || previous.browser !== recording.browser;
    } catch {
      stale = true;
    }
  }
  if (stale) {
    mkdirSync(RECORDED_DIR, { recursive: true });
    writeFileSync(file, `${JSON.stringify(recording, null, 1)}\n`);
  }
  return file;
}

/** Adds one iframe per runner the table uses (RequestSpec.from / alsoFrom) and returns them by key. */
async function openFrames(page: Page, scenarioServer: ScenarioServer): Promise<Map<FrameKey, Frame>> {
  const keys = new Set(scenarios.flatMap((scenario) => [scenario.request.from, ...(scenario.request.alsoFrom ?? [])]).filter((key): key is Exclude<FrameKey, 'page'> => key !== undefined && key !== 'page'));
  const frames = new Map<FrameKey, Frame>([['page', page.mainFrame()]]);
  for (const key of keys) {
    const url = scenarioServer.frameUrls[key];
    // Local Network Access is a powerful feature: a cross-origin iframe has it only when the embedder delegates it.
    const allow = key === 'public-allowed' ? 'frame.allow = "local-network-access; local-network; loopback-network";' : '';
    await page.evaluate(`new Promise((done) => { const frame = document.createElement('iframe'); ${allow} frame.src = ${JSON.stringify(url)}; frame.onload = () => done(); document.body.append(frame); })`);
    const frame = await waitFor(`the ${key} runner frame`, async () => page.frames().find((candidate) => candidate.url() === url));
    frames.set(key, frame);
  }
  return frames;
}

/**
 * The Local Network Access permission, as if the user accepted the prompt. Measured on Chromium 156: Chromium
 * keys an iframe's permission on the top-level origin — granted to the runner page's origin, every public iframe
 * got through, with or without the allow attribute — and granted to the public frame's origin alone it did not
 * help; a grant sent from the browser target did not reach the page. So it is granted over the page's session,
 * once, just before the first 'public-allowed' scenario: the denied scenarios come earlier in the table.
 * The permission's name differs across Chromium versions (local-network-access, then local-network and
 * loopback-network): all are granted.
 */
async function grantLocalNetworkAccess(session: CDPSession, origins: readonly string[]): Promise<void> {
  for (const origin of origins) {
    for (const name of ['local-network-access', 'local-network', 'loopback-network']) {
      await session.send('Browser.setPermission', { permission: { name }, setting: 'granted', origin }).catch(() => undefined);
    }
  }
}

async function runScenarios(page: Page, scenarioServer: ScenarioServer, session: CDPSession): Promise<Map<string, FetchOutcome[]>> {
  let granted = false;
  const outcomes = new Map<string, FetchOutcome[]>();
  const frames = await openFrames(page, scenarioServer);
  const frameOf = (key: FrameKey | undefined): Frame => {
    const frame = frames.get(key ?? 'page');
    if (frame === undefined) throw new Error(`no ${key ?? 'page'} frame`);
    return frame;
  };
  for (const scenario of scenarios) {
    if (!granted && scenario.request.from === 'public-allowed') {
      await grantLocalNetworkAccess(session, [scenarioServer.origins.page, scenarioServer.origins.publicGranted]);
      granted = true;
    }
    const { api = 'fetch', crossorigin, preloadAs, eventSource, keepalive, targetAddressSpace } = scenario.request;
    const spec = {
      id: scenario.id,
      url: scenarioServer.urlOf(scenario),
      init: targetAddressSpace === undefined ? fetchInit(scenario) : { ...fetchInit(scenario), targetAddressSpace },
      repeat: scenario.request.repeat ?? 1,
      uploadListener: scenario.request.xhrUploadListener ?? false,
      abortAfterMs: scenario.request.abortAfterMs ?? 0,
      api, crossorigin, preloadAs, eventSource, keepalive,
    };
    const runner = RUN_REQUEST;
    const results = await frameOf(scenario.request.from).evaluate(`(${runner})(${JSON.stringify(spec)})`) as FetchOutcome[];
    for (const key of scenario.request.alsoFrom ?? []) {
      // The same URL once more from another origin: the verdict stays the last fetch's.
      results.push(...await frameOf(key).evaluate(`(${runner})(${JSON.stringify({ ...spec, repeat: 1 })})`) as FetchOutcome[]);
    }
    outcomes.set(scenario.id, results);
  }
  return outcomes;
}

beforeAll(async () => {
  try {
    server = await startScenarioServer(scenarios);
    chromium = await launchChromium({ extensionDir: DIST, extraArgs: [`--ip-address-space-overrides=${server.addressSpaceOverrides}`] });
    const panel = await openCorsPanel(chromium);
    const page = await inspectedPage(chromium);
    cdp = await page.createCDPSession();
    const pageRecords = recordNetwork(cdp);
    await cdp.send('Network.enable');
    // Requests from a dedicated worker reach CDP on the worker's own target (their preflights on the page's).
    const workerRecords: Array<() => CdpRequestRecord[]> = [];
    page.on('workercreated', (worker) => {
      workerRecords.push(recordNetwork(worker.client));
      worker.client.send('Network.enable').catch(() => undefined);
    });
    const records = () => [...pageRecords(), ...workerRecords.flatMap((read) => read())];
    await page.goto(server.runnerUrl, { waitUntil: 'load' });
    await page.evaluate(`(${START_WORKERS})(${JSON.stringify(server.workerUrls)})`);
    // A default (Lax) cookie for 127.0.0.1: the same-site API origin gets it, localhost never does.
    await page.evaluate(`fetch(${JSON.stringify(server.cookieUrl)}, { credentials: 'include' }).then((r) => r.text())`);

    const fetches = await runScenarios(page, server, cdp);
    await delay(500);
    const har = await panel.settledHar();
    const verdicts = scenarios.map((scenario) =>
      chromiumVerdict(scenario, server!.urlOf(scenario), fetches.get(scenario.id) ?? [], records()),
    );
    const recording: Recording = {
      browser: await chromium.browser.version(),
      recordedAt: new Date().toISOString(),
      tableHash,
      origins: server.origins,
      verdicts,
      served: server.log(),
      har,
    };
    saveRecording(recording);
    reportSurprises(verdicts);

    let exchanges: readonly EngineExchangeLike[] = [];
    try {
      const engine = await import('../../src/engine/index');
      const result = engine.diagnose(har);
      if (result.ok) exchanges = result.report.exchanges;
      else engineProblem = `diagnose() refused the HAR: ${result.error.message} at ${result.error.path}`;
    } catch (error) {
      engineProblem = `the engine threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    }
    comparisons = compareAll(verdicts, exchanges, har);
    findingChecks = checkExpectedFindings(scenarios, exchanges);
  } catch (error) {
    setupProblem = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
}, 180_000);

afterAll(async () => {
  await cdp?.detach().catch(() => undefined);
  await chromium?.close();
  await server?.close();
});

/** Where Chromium did something other than the table's author expected: logged, never a failure. */
function reportSurprises(verdicts: ChromiumVerdict[]): void {
  const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario]));
  const surprises = verdicts.flatMap((verdict) => {
    const expected = byId.get(verdict.id)?.expect ?? 'ok';
    const actual = !verdict.blocked ? 'ok' : (verdict.corsError ?? verdict.errorText ?? 'rejected');
    return actual === expected ? [] : [`${verdict.id}: table expects ${expected}, Chromium: ${describeChromium(verdict)}`];
  });
  if (surprises.length > 0) console.warn(`Chromium differs from the table's expectations:\n${surprises.join('\n')}`);
}

describe('diagnosis engine vs Chromium (differential)', () => {
  it('drives Chromium and records a verdict for each of the 80+ scenarios', () => {
    expect(setupProblem).toBeNull();
    expect(scenarios.length).toBeGreaterThanOrEqual(80);
    expect(comparisons.size).toBe(scenarios.length);
  });

  it('the engine agrees with Chromium on every scenario (summary table)', () => {
    expect(setupProblem).toBeNull();
    expect(engineProblem).toBeNull();
    const disagreements = [...comparisons.values()].filter((comparison) => !comparison.agree);
    expect(disagreements.length, disagreementTable(comparisons.values())).toBe(0);
  });

  it('names a CORS error wherever the HAR holds the response; only where it holds none may the engine say it cannot tell', () => {
    expect(setupProblem).toBeNull();
    const verdictOnly = errorNotInHarList(comparisons.values());
    // Logged for the README's count; each was checked against the HAR in compare() (final response absent).
    if (verdictOnly.length > 0) console.info(`Verdict agrees, CORS error not recoverable from the HAR (${verdictOnly.length}):\n${verdictOnly.join('\n')}`);
    // Only two kinds of request lose their response in the HAR (measured): a worker's blocked request, and a
    // request Local Network Access refused from a frame Chromium treats as public (the HAR has no address
    // spaces; this suite's public origin is a loopback port declared public). Anywhere else the error is named.
    const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario]));
    const unexpected = [...comparisons.values()]
      .filter((comparison) => comparison.errorNotInHar)
      .filter((comparison) => {
        const request = byId.get(comparison.id)?.request;
        return !/worker-/.test(request?.api ?? 'fetch') && request?.from !== 'public';
      })
      .map((comparison) => comparison.id);
    expect(unexpected).toEqual([]);
  });

  it('reports exactly the expected audit and classification findings on every scenario (expectFindings)', () => {
    expect(setupProblem).toBeNull();
    expect(engineProblem).toBeNull();
    expect(findingChecks.size).toBe(scenarios.length);
    expect([...findingChecks.values()].filter((check) => !check.ok).length, findingMismatchTable(findingChecks.values())).toBe(0);
  });

  it.each(scenarios.map((scenario) => [scenario.id, scenario.description]))('%s — %s', (id) => {
    expect(setupProblem).toBeNull();
    expect(engineProblem).toBeNull();
    const comparison = comparisons.get(id);
    expect(comparison, `no result for ${id}`).toBeDefined();
    expect(comparison?.agree, disagreementTable([comparison!])).toBe(true);
  });
});
