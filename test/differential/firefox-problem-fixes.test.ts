// Each problem's one fix, proven in Firefox: the Chromium proof (problem-fixes.test.ts) for the Firefox recording.
// Every scenario Firefox blocked in the recorded Firefox differential suite whose problems have a server-side fix,
// and whose patched recording the engine's Firefox mode then judges "allowed" (test/fixes/har-patch.ts), is served
// again with its problems' consolidated fixes and requested again in Firefox, which must let it through: the page
// sees the response and Firefox logs no CORS error for it. Then the same with each server's one configuration.
//
// Run: npx vitest run --project chromium test/differential/firefox-problem-fixes.test.ts
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/index';
import { hasServerFixOnResponse, verdictAfterIn, withFixOf } from '../fixes/problem-fix-cases';
import { launchFirefox, type FirefoxSession } from '../support/firefox';
import { scenarioIdOf, type FetchOutcome } from './compare';
import { describeFirefox, firefoxVerdicts, type FirefoxRecording, type FirefoxVerdict } from './compare-firefox';
import { configurationCovering, fixedScenario, serverFixedScenario } from './fixed-scenarios';
import { RUN_REQUEST, START_WORKERS } from './page-runner';
import { runnerSpec, startScenarioServer, type ScenarioServer } from './scenario-server';
import { scenariosFor, type Scenario } from './scenarios';

const RECORDED_DIR = resolve(import.meta.dirname, 'recorded');
const newest = readdirSync(RECORDED_DIR).filter((file) => /^firefox-\d+\.json$/.test(file)).sort().at(-1);
if (newest === undefined) throw new Error('no Firefox recording in test/differential/recorded');
const recording = JSON.parse(readFileSync(resolve(RECORDED_DIR, newest), 'utf8')) as FirefoxRecording;
const diagnosed = diagnose(recording.har, { browser: 'firefox' });
if (!diagnosed.ok) throw new Error(diagnosed.error.message);
const { report } = diagnosed;
const problems = new Map(report.problems.map((problem) => [problem.id, problem]));
const table = new Map(scenariosFor('firefox').map((scenario) => [scenario.id, scenario]));
const ORIGINS = recording.origins as unknown as Record<string, string>;


const cases: Scenario[] = [];
const serverCases: Scenario[] = [];
const problemsProven = new Set<string>();
const notServed: string[] = [];
for (const exchange of report.exchanges) {
  if (exchange.verdict !== 'blocked' || !hasServerFixOnResponse(exchange)) continue;
  const id = scenarioIdOf(exchange.url);
  const scenario = id === null ? undefined : table.get(id);
  // One exchange per scenario, run from the page itself (the frames of other origins are the full suite's).
  if (scenario === undefined || (scenario.request.repeat ?? 1) > 1 || (scenario.request.alsoFrom ?? []).length > 0 || scenario.request.from !== undefined) continue;
  const consolidated = { ...exchange, findings: exchange.findings.map((finding) => {
    const problem = problems.get(finding.problem);
    return problem === undefined ? finding : withFixOf(problem, finding, exchange);
  }) };
  if (verdictAfterIn(recording.har, consolidated, { browser: 'firefox' }) !== 'allowed') continue;
  const fixed = fixedScenario(scenario, consolidated, ORIGINS, undefined, 'ff-fixed-');
  if (typeof fixed === 'string') {
    notServed.push(`${scenario.id}: ${fixed}`);
    continue;
  }
  cases.push(fixed);
  for (const finding of exchange.findings) problemsProven.add(finding.problem);
  // The same scenario served by its server's one configuration, when it covers every blocking problem there.
  const configuration = configurationCovering(exchange, report.servers);
  if (configuration !== undefined) serverCases.push(serverFixedScenario(scenario, exchange, configuration, ORIGINS));
}

let server: ScenarioServer | undefined;
let firefox: FirefoxSession | undefined;
let verdicts: FirefoxVerdict[] = [];
let setupProblem: string | null = null;

beforeAll(async () => {
  try {
    server = await startScenarioServer([...cases, ...serverCases]);
    firefox = await launchFirefox({ prefs: { 'network.lna.enabled': false } });
    await firefox.navigate(server.runnerUrl);
    await firefox.evaluate(`(${START_WORKERS})(${JSON.stringify(server.workerUrls)}).then(() => true)`);
    // The default (Lax) cookie the credentialed scenarios were recorded with.
    await firefox.evaluate(`fetch(${JSON.stringify(server.cookieUrl)}, { credentials: 'include' }).then((r) => r.text())`);
    const runs: Array<{ id: string; url: string; fetches: FetchOutcome[] }> = [];
    for (const scenario of [...cases, ...serverCases]) {
      const url = server.urlOf(scenario);
      const fetches = await firefox.evaluate<FetchOutcome[]>(`(${RUN_REQUEST})(${JSON.stringify(runnerSpec(scenario, url))})`);
      runs.push({ id: scenario.id, url, fetches });
    }
    verdicts = firefoxVerdicts(runs, await firefox.corsConsoleMessages());
  } catch (error) {
    setupProblem = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
}, 180_000);

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

describe('each problem\'s one fix, served to Firefox', () => {
  it('serves the fixes of many scenarios Firefox blocked', () => {
    expect(setupProblem).toBeNull();
    if (notServed.length > 0) console.info(`Fixes not served (${notServed.length}):\n${notServed.join('\n')}`);
    expect(cases.length).toBeGreaterThan(60);
    expect(problemsProven.size).toBeGreaterThan(30);
  });

  it('Firefox lets every request through that its problems\' fixes fix', () => {
    expect(setupProblem).toBeNull();
    const mine = verdicts.filter((verdict) => verdict.id.startsWith('ff-fixed-'));
    const still = mine.filter((verdict) => verdict.blocked).map((verdict) => `${verdict.id}: ${describeFirefox(verdict)}`);
    console.info(`Problem fixes proven in Firefox ${recording.browser}: ${mine.length - still.length} of ${cases.length} scenarios, ${problemsProven.size} problems`);
    expect(mine.length).toBe(cases.length);
    expect(still, still.join('\n')).toEqual([]);
  });

  it('Firefox lets every request through that its server\'s one combined configuration covers', () => {
    expect(setupProblem).toBeNull();
    const mine = verdicts.filter((verdict) => verdict.id.startsWith('server-fixed-'));
    const still = mine.filter((verdict) => verdict.blocked).map((verdict) => `${verdict.id}: ${describeFirefox(verdict)}`);
    console.info(`Server configurations proven in Firefox: ${mine.length - still.length} of ${serverCases.length} scenarios`);
    expect(serverCases.length).toBeGreaterThan(60);
    expect(mine.length).toBe(serverCases.length);
    expect(still, still.join('\n')).toEqual([]);
  });
});
