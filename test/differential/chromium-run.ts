// Runs scenarios of the table in Debian's Chromium with the built extension and DevTools open on the CORS panel,
// and takes Chromium's verdict for each from the DevTools Protocol and the page (see differential.test.ts, which
// runs the whole table; problem-fixes.test.ts runs the table with the engine's fixes applied).
import type { CDPSession, Frame, Page } from 'puppeteer-core';
import { delay, inspectedPage, launchChromium, openCorsPanel, waitFor, type ChromiumSession } from '../../scripts/lib/chromium';
import type { CdpRequestRecord, ChromiumVerdict, FetchOutcome } from './compare';
import { RUN_REQUEST, START_WORKERS } from './page-runner';
import { runnerSpec, startScenarioServer, type Origins, type ScenarioServer, type ServedRequest } from './scenario-server';
import type { FrameKey, Scenario } from './scenarios';

export interface ChromiumRun {
  readonly browser: string;
  readonly origins: Origins;
  readonly verdicts: ChromiumVerdict[];
  readonly served: ServedRequest[];
  /** The HAR as the extension reads it (chrome.devtools.network.getHAR() in the CORS panel). */
  readonly har: { entries: unknown[] } & Record<string, unknown>;
}

/** Serves `scenarios`, runs each from the runner page in Chromium and reads the verdicts and the HAR; closes everything. */
export async function runInChromium(scenarios: readonly Scenario[], extensionDir: string): Promise<ChromiumRun> {
  let server: ScenarioServer | undefined;
  let chromium: ChromiumSession | undefined;
  let cdp: CDPSession | undefined;
  try {
    server = await startScenarioServer(scenarios);
    chromium = await launchChromium({ extensionDir, extraArgs: [`--ip-address-space-overrides=${server.addressSpaceOverrides}`] });
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

    const fetches = await runScenarios(page, server, cdp, scenarios);
    await delay(500);
    const har = await panel.settledHar();
    const served = server;
    const verdicts = scenarios.map((scenario) =>
      chromiumVerdict(scenario, served.urlOf(scenario), fetches.get(scenario.id) ?? [], records()),
    );
    return { browser: await chromium.browser.version(), origins: server.origins, verdicts, served: server.log(), har };
  } finally {
    await cdp?.detach().catch(() => undefined);
    await chromium?.close();
    await server?.close();
  }
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


/** Adds one iframe per runner the table uses (RequestSpec.from / alsoFrom) and returns them by key. */
async function openFrames(page: Page, scenarioServer: ScenarioServer, scenarios: readonly Scenario[]): Promise<Map<FrameKey, Frame>> {
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

async function runScenarios(page: Page, scenarioServer: ScenarioServer, session: CDPSession, scenarios: readonly Scenario[]): Promise<Map<string, FetchOutcome[]>> {
  let granted = false;
  const outcomes = new Map<string, FetchOutcome[]>();
  const frames = await openFrames(page, scenarioServer, scenarios);
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
    const spec = runnerSpec(scenario, scenarioServer.urlOf(scenario));
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

