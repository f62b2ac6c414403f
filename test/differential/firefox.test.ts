// The Firefox differential test: Firefox is the oracle, the engine's Firefox mode is the subject.
//
// Debian's Firefox ESR runs headless over WebDriver BiDi (test/support/firefox.ts) with DevTools open on the tab
// before the page loads. The tab navigates ONCE to the runner page, then every scenario Firefox runs
// (scenariosFor('firefox')) is requested from the page the way page-runner.ts says. Firefox's verdict is the
// page's observation plus the reason keys Firefox logged (Services.console, nsIScriptError categories
// `CORS…`, matched to the scenario by the URL the message names). At the end the HAR is read the way a Firefox
// extension gets it: devtools.network.getHAR() is `context.devToolsToolbox.getHARFromNetMonitor()` in Firefox
// (ext-devtools-network.js), so the suite calls that on the tab's toolbox. The engine diagnoses the HAR in its
// Firefox mode and each scenario must get the same verdict and the same Firefox reason from both.
//
// The extension itself runs too: dist-firefox/ is installed as a temporary add-on and its CORS panel is open in
// that toolbox for the whole run, diagnosing the live traffic as a user's panel would (onRequestFinished, and
// getHAR() re-reads for the requests Firefox never announces). At the end every scenario request's row in the
// panel must carry the verdict the engine gives Firefox's HAR — which must be Firefox's own. Build first
// (npm run build).
//
// Run: npm run build && npx vitest run --project chromium test/differential/firefox.test.ts
// The recording (HAR + Firefox verdicts + reasons + what the server saw) is written to
// recorded/firefox-<major>.json when the file is missing, when the table or the browser version changed, or when
// CORS_LENS_RECORD=1; test/engine/differential-replay-firefox.test.ts replays it without a browser.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnoseOptions, DiagnoseResult } from '../../src/engine/index';
import { launchFirefox, type FirefoxSession } from '../support/firefox';
import { installTemporaryAddon, openFirefoxCorsPanel, type FirefoxCorsPanel } from '../support/firefox-panel';
import { checkExpectedFindings, describeChromium, type EngineExchangeLike, type FetchOutcome, type FindingCheck, findingMismatchTable, type Recording } from './compare';
import {
  compareAllFirefox,
  describeFirefox,
  firefoxComparisonTable,
  firefoxDisagreementTable,
  firefoxVerdicts,
  isNetworkFailureRow,
  servedNotInHar,
  type FirefoxComparison,
  type FirefoxRecording,
  type FirefoxVerdict,
} from './compare-firefox';
import { RUN_REQUEST, START_WORKERS } from './page-runner';
import { runnerSpec, startScenarioServer, type ScenarioServer } from './scenario-server';
import { RECORDED_DIR, saveRecording, tableHashOf } from './recording-file';
import { scenariosFor, withFirefoxFindings, type FrameKey } from './scenarios';

/** The rows Firefox runs (scenarios.ts `browsers`). */
const scenarios = scenariosFor('firefox');

const ROOT = resolve(import.meta.dirname, '../..');
const DISAGREEMENTS_FILE = resolve(ROOT, 'test-results/firefox-disagreements.md');
const DIST_FIREFOX = resolve(ROOT, 'dist-firefox');

/** A row of the CORS panel as its page hands it to tests (src/panel/controller/use-capture.ts, __corsLens.verdicts). */
interface PanelVerdict { method: string; url: string; verdict: string; corsError: string; entries: number }

/**
 * Prefs of this suite beyond the driver's automation defaults. Local Network Access stays off (the driver's
 * default, recorded here): every origin of the suite is loopback, and the LNA rows are Chromium-only.
 */
const SUITE_PREFS = { 'network.lna.enabled': false } as const;

/** diagnose() with the engine's Firefox mode option (typed here until DiagnoseOptions has `browser`). */
type FirefoxDiagnose = (input: unknown, options: DiagnoseOptions & { browser: 'firefox' }) => DiagnoseResult;

let server: ScenarioServer | undefined;
let firefox: FirefoxSession | undefined;
let panel: FirefoxCorsPanel | undefined;
/** The panel's rows once its live capture settled, and what the engine says about the same requests from the HAR. */
let panelRows: PanelVerdict[] = [];
let engineRows: PanelVerdict[] = [];
let panelProblem: string | null = null;
/** How long after the HAR was read the panel's rows took to settle. */
let panelSeconds = 0;
let verdicts: FirefoxVerdict[] = [];
let comparisons = new Map<string, FirefoxComparison>();
let findingChecks = new Map<string, FindingCheck>();
let reportBrowser: string | null = null;
let engineProblem: string | null = null;
let setupProblem: string | null = null;
let runSeconds = 0;
/** Runs it took to get a complete HAR. */
let attempts = 0;

const tableHash = tableHashOf(scenarios);


/** Adds one iframe per runner the table uses (RequestSpec.from / alsoFrom) and returns their BiDi contexts. */
async function openFrames(session: FirefoxSession, scenarioServer: ScenarioServer): Promise<Map<FrameKey, string>> {
  const keys = new Set(scenarios.flatMap((scenario) => [scenario.request.from, ...(scenario.request.alsoFrom ?? [])]).filter((key): key is Exclude<FrameKey, 'page'> => key !== undefined && key !== 'page'));
  const frames = new Map<FrameKey, string>([['page', session.tab]]);
  for (const key of keys) {
    const url = scenarioServer.frameUrls[key];
    await session.evaluate(`new Promise((done) => { const frame = document.createElement('iframe'); frame.src = ${JSON.stringify(url)}; frame.onload = () => done(true); document.body.append(frame); })`);
    const context = (await session.frames()).find((candidate) => candidate.url === url && candidate.context !== session.tab)?.context;
    if (context === undefined) throw new Error(`no BiDi context for the ${key} runner frame (${url})`);
    frames.set(key, context);
  }
  return frames;
}

async function runScenarios(session: FirefoxSession, scenarioServer: ScenarioServer): Promise<Map<string, FetchOutcome[]>> {
  const outcomes = new Map<string, FetchOutcome[]>();
  const frames = await openFrames(session, scenarioServer);
  const contextOf = (key: FrameKey | undefined): string => {
    const context = frames.get(key ?? 'page');
    if (context === undefined) throw new Error(`no ${key ?? 'page'} frame`);
    return context;
  };
  for (const scenario of scenarios) {
    if (scenario.request.targetAddressSpace !== undefined || scenario.request.api === 'beacon') throw new Error(`${scenario.id} is not runnable in Firefox: mark it browsers: CHROMIUM_ONLY`);
    const spec = runnerSpec(scenario, scenarioServer.urlOf(scenario));
    const results = await session.evaluate<FetchOutcome[]>(`(${RUN_REQUEST})(${JSON.stringify(spec)})`, contextOf(scenario.request.from));
    for (const key of scenario.request.alsoFrom ?? []) {
      results.push(...await session.evaluate<FetchOutcome[]>(`(${RUN_REQUEST})(${JSON.stringify({ ...spec, repeat: 1 })})`, contextOf(key)));
    }
    outcomes.set(scenario.id, results);
  }
  return outcomes;
}

/** getHAR() until two reads a moment apart hold the same entries (the network monitor adds entries asynchronously). */
async function settledHar(session: FirefoxSession): Promise<{ entries: unknown[]; [key: string]: unknown }> {
  let previous = -1;
  let har = await session.getHAR();
  for (let i = 0; i < 40 && har.entries.length !== previous; i++) {
    previous = har.entries.length;
    await new Promise((done) => setTimeout(done, 500));
    har = await session.getHAR();
  }
  return har;
}

beforeAll(async () => {
  const started = Date.now();
  try {
    // Firefox's network monitor sometimes loses requests for good (test/support/firefox.ts, openToolbox): a run
    // whose HAR misses a request the server answered is repeated in a fresh browser, up to three runs.
    let fetches = new Map<string, FetchOutcome[]>();
    let har: { entries: unknown[]; [key: string]: unknown } = { entries: [] };
    for (let attempt = 1; ; attempt++) {
      server = await startScenarioServer(scenarios);
      firefox = await launchFirefox({ prefs: SUITE_PREFS });
      if (!existsSync(resolve(DIST_FIREFOX, 'manifest.json'))) throw new Error('dist-firefox/ is missing: run npm run build first');
      const addonId = await installTemporaryAddon(firefox, DIST_FIREFOX);
      // DevTools must be open (and its network recorder started) before the page loads, as for the extension.
      await firefox.openToolbox();
      panel = await openFirefoxCorsPanel(firefox, addonId);
      await firefox.navigate(server.runnerUrl);
      // Wait until the recorder records requests to each origin the scenarios use.
      await firefox.waitForNetworkRecording([server.origins.page, server.origins.api, server.origins.alt, server.origins.audit].map((origin) => `${origin}/lens-probe`));
      await firefox.evaluate(`(${START_WORKERS})(${JSON.stringify(server.workerUrls)}).then(() => true)`);
      // A default (Lax) cookie for 127.0.0.1: the same-site API origin gets it, localhost never does.
      await firefox.evaluate(`fetch(${JSON.stringify(server.cookieUrl)}, { credentials: 'include' }).then((r) => r.text())`);

      fetches = await runScenarios(firefox, server);
      await new Promise((done) => setTimeout(done, 500));
      har = await settledHar(firefox);
      const missing = servedNotInHar(server.log(), har, server.origins);
      attempts = attempt;
      if (missing.length === 0) break;
      const problem = `run ${attempt}: the HAR misses ${missing.length} request(s) the server answered: ${missing.slice(0, 5).join(', ')}`;
      if (attempt === 3) throw new Error(problem);
      console.warn(`${problem} — running again in a fresh Firefox`);
      await firefox.close();
      await server.close();
    }
    const messages = await firefox!.corsConsoleMessages();
    verdicts = firefoxVerdicts(scenarios.map((scenario) => ({ id: scenario.id, url: server!.urlOf(scenario), fetches: fetches.get(scenario.id) ?? [] })), messages);
    const recording: FirefoxRecording = {
      browser: firefox!.version,
      fullVersion: firefox!.fullVersion,
      recordedAt: new Date().toISOString(),
      tableHash,
      prefs: { ...SUITE_PREFS },
      harSource: 'toolbox.getHARFromNetMonitor() on the tab\'s toolbox (what devtools.network.getHAR() returns in Firefox)',
      origins: server!.origins,
      verdicts,
      console: messages,
      served: server!.log(),
      har,
    };
    saveRecording('firefox', recording);
    reportSurprises(verdicts);

    let exchanges: readonly EngineExchangeLike[] = [];
    try {
      const engine = await import('../../src/engine/index');
      const diagnoseFirefox: FirefoxDiagnose = engine.diagnose;
      const result = diagnoseFirefox(har, { browser: 'firefox' });
      if (result.ok) {
        exchanges = result.report.exchanges;
        engineRows = result.report.exchanges.map((exchange) => ({ method: exchange.method, url: exchange.url, verdict: exchange.verdict, corsError: exchange.corsError ?? '', entries: exchange.entries.length }));
        reportBrowser = (result.report as { browser?: { id?: string } }).browser?.id ?? null;
      } else {
        engineProblem = `diagnose() refused the HAR: ${result.error.message} at ${result.error.path}`;
      }
    } catch (error) {
      engineProblem = `the engine threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    }
    comparisons = compareAllFirefox(verdicts, exchanges, har);
    findingChecks = checkExpectedFindings(withFirefoxFindings(scenarios), exchanges);
    writeDisagreements(comparisons);
    try {
      const panelStarted = Date.now();
      const urls = new Set(scenarios.map((scenario) => server!.urlOf(scenario)));
      panelRows = await settledPanelRows(panel!, (rows) => panelDifferences(rows, urls).length === 0);
      panelSeconds = (Date.now() - panelStarted) / 1000;
    } catch (error) {
      panelProblem = error instanceof Error ? error.message : String(error);
    }
    console.info(`Firefox differential: ${scenarios.length} scenarios in ${((Date.now() - started) / 1000).toFixed(1)} s (${attempts} run(s))\n${firefoxComparisonTable(comparisons.values())}`);
  } catch (error) {
    setupProblem = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  runSeconds = (Date.now() - started) / 1000;
}, 240_000);

/**
 * The panel's rows once `done` holds for them, or once they stopped changing for 2 s after 90 s. The panel lists a
 * request Firefox stopped at its preflight only after it re-reads getHAR(), and it spaces its re-reads (20× the
 * last one's duration, src/panel/live-capture.ts), so the last one may come many seconds after the page's pause.
 */
async function settledPanelRows(opened: FirefoxCorsPanel, done: (rows: PanelVerdict[]) => boolean): Promise<PanelVerdict[]> {
  const patience = Date.now() + 90_000;
  let last = '';
  let stableSince = Date.now();
  for (;;) {
    const rows = await opened.read<PanelVerdict[]>('content.wrappedJSObject.__corsLens.verdicts()');
    if (done(rows)) return rows;
    const text = JSON.stringify(rows);
    if (text !== last) {
      last = text;
      stableSince = Date.now();
    } else if (Date.now() > patience && Date.now() - stableSince >= 2_000) {
      return rows;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Scenario requests whose verdicts differ between the panel's rows and the engine's diagnosis of the HAR. */
function panelDifferences(rows: readonly PanelVerdict[], urls: ReadonlySet<string>): string[] {
  const fromEngine = verdictsByRequest(engineRows, urls);
  const fromPanel = verdictsByRequest(rows, urls);
  return [...new Set([...fromEngine.keys(), ...fromPanel.keys()])]
    .filter((key) => JSON.stringify(fromEngine.get(key) ?? []) !== JSON.stringify(fromPanel.get(key) ?? []))
    .map((key) => `${key}: engine ${JSON.stringify(fromEngine.get(key) ?? [])} (${entriesOf(engineRows, key)} entries), panel ${JSON.stringify(fromPanel.get(key) ?? [])} (${entriesOf(rows, key)} entries)`);
}

/** "GET url" → the verdicts of its exchanges, sorted (a scenario may repeat its request). */
function verdictsByRequest(rows: readonly PanelVerdict[], urls: ReadonlySet<string>): Map<string, string[]> {
  const byRequest = new Map<string, string[]>();
  for (const row of rows) {
    if (!urls.has(row.url)) continue;
    const key = `${row.method} ${row.url}`;
    byRequest.set(key, [...(byRequest.get(key) ?? []), row.verdict].sort());
  }
  return byRequest;
}

function entriesOf(rows: readonly PanelVerdict[], key: string): string {
  return rows.filter((row) => `${row.method} ${row.url}` === key).map((row) => row.entries).join('+');
}

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

function writeDisagreements(all: Map<string, FirefoxComparison>): void {
  mkdirSync(resolve(ROOT, 'test-results'), { recursive: true });
  writeFileSync(DISAGREEMENTS_FILE, `# Engine (Firefox mode) vs Firefox: disagreements\n\nWritten by test/differential/firefox.test.ts at ${new Date().toISOString()}.\n\n${firefoxDisagreementTable(all.values())}\n`);
}

/** Where Firefox did something other than the table's author expected (expectFirefox) or Chromium did: logged only. */
function reportSurprises(all: FirefoxVerdict[]): void {
  const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario]));
  const surprises = all.flatMap((verdict) => {
    const expected = byId.get(verdict.id)?.expectFirefox;
    if (expected === undefined) return [];
    const actual = verdict.blocked ? (verdict.firefoxError ?? 'blocked') : 'ok';
    return actual === expected ? [] : [`${verdict.id}: table expects ${expected}, Firefox: ${describeFirefox(verdict)}`];
  });
  if (surprises.length > 0) console.warn(`Firefox differs from the table's expectFirefox:\n${surprises.join('\n')}`);
  // Where Firefox's verdict differs from the Chromium recording of the same scenario (documentation).
  const chromiumFile = resolve(RECORDED_DIR, 'chromium-156.json');
  if (!existsSync(chromiumFile)) return;
  const chromium = new Map((JSON.parse(readFileSync(chromiumFile, 'utf8')) as Recording).verdicts.map((verdict) => [verdict.id, verdict]));
  const differ = all.flatMap((verdict) => {
    const other = chromium.get(verdict.id);
    return other !== undefined && other.blocked !== verdict.blocked ? [`${verdict.id}: Firefox ${describeFirefox(verdict)}; Chromium ${describeChromium(other)}`] : [];
  });
  if (differ.length > 0) console.warn(`Firefox and Chromium reach different verdicts (${differ.length}):\n${differ.join('\n')}`);
}

describe('diagnosis engine (Firefox mode) vs Firefox (differential)', () => {
  it('drives Firefox and records a verdict for each of the 80+ scenarios', () => {
    expect(setupProblem).toBeNull();
    expect(scenarios.length).toBeGreaterThanOrEqual(80);
    expect(comparisons.size).toBe(scenarios.length);
    // The oracle must be informative: most blocked scenarios carry a Firefox reason key.
    const blocked = verdicts.filter((verdict) => verdict.blocked);
    expect(blocked.filter((verdict) => verdict.firefoxError !== null).length).toBeGreaterThan(blocked.length / 2);
    console.info(`Firefox suite: ${runSeconds.toFixed(1)} s`);
  });

  it('the engine ran in its Firefox mode', () => {
    expect(setupProblem).toBeNull();
    expect(engineProblem).toBeNull();
    expect(reportBrowser).toBe('firefox');
  });

  it('the engine agrees with Firefox on every scenario, verdict and reason (summary table)', () => {
    expect(setupProblem).toBeNull();
    expect(engineProblem).toBeNull();
    const disagreements = [...comparisons.values()].filter((comparison) => !comparison.agree);
    expect(disagreements.length, firefoxDisagreementTable(comparisons.values())).toBe(0);
  });

  it('names the reason wherever the HAR holds a response; only a network failure without any recorded response may go without', () => {
    expect(setupProblem).toBeNull();
    const verdictOnly = [...comparisons.values()].filter((comparison) => comparison.errorNotInHar).map((comparison) => comparison.id);
    if (verdictOnly.length > 0) console.info(`Verdict agrees, reason not recoverable from the HAR (${verdictOnly.length}): ${verdictOnly.join(', ')}`);
    // Each was checked against the HAR in compareFirefox (no response on the final request nor on a preflight).
    // Firefox's HAR has no error field: a refused connection, a reset and a page's abort all look alike (status 0,
    // no headers), yet Firefox logs CORSDidNotSucceed for the first two only. Only such rows may use the allowance.
    const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario]));
    expect(verdictOnly.filter((id) => !isNetworkFailureRow(byId.get(id)))).toEqual([]);
  });

  it('reports exactly the expected audit and classification findings on every scenario (expectFindings)', () => {
    expect(setupProblem).toBeNull();
    expect(engineProblem).toBeNull();
    expect(findingChecks.size).toBe(scenarios.length);
    expect([...findingChecks.values()].filter((check) => !check.ok).length, findingMismatchTable(findingChecks.values())).toBe(0);
  });

  it('the CORS panel (dist-firefox/, live in the same Firefox) gives every scenario request the verdict the engine gives Firefox\'s HAR', () => {
    expect(setupProblem).toBeNull();
    expect(panelProblem).toBeNull();
    const urls = new Set(scenarios.map((scenario) => server!.urlOf(scenario)));
    const fromPanel = verdictsByRequest(panelRows, urls);
    expect(verdictsByRequest(engineRows, urls).size).toBeGreaterThanOrEqual(scenarios.length * 0.9);
    expect(panelDifferences(panelRows, urls)).toEqual([]);
    // And so Firefox's own: the scenario's first request in the panel against Firefox's verdict.
    const firefoxOf = new Map(verdicts.map((verdict) => [verdict.url, verdict.blocked ? 'blocked' : 'allowed']));
    const agreeing = [...urls].filter((url) => panelRows.some((row) => row.url === url && row.verdict === firefoxOf.get(url))).length;
    console.info(`CORS panel in Firefox: ${panelRows.length} rows, settled ${panelSeconds.toFixed(1)} s after the HAR was read; ${fromPanel.size} scenario requests equal to the engine on the HAR; ${agreeing} of ${urls.size} scenario URLs with Firefox's own verdict (the rest: verdict 'unknown' where the HAR cannot tell, as the engine)`);
  });

  it.each(scenarios.map((scenario) => [scenario.id, scenario.description]))('%s — %s', (id) => {
    expect(setupProblem).toBeNull();
    expect(engineProblem).toBeNull();
    const comparison = comparisons.get(id);
    expect(comparison, `no result for ${id}`).toBeDefined();
    expect(comparison?.agree, firefoxDisagreementTable([comparison!])).toBe(true);
  });
});
