// Each problem's one fix, proven in Chromium. For every scenario Chromium blocked in the recorded differential
// suite whose problems have a server-side fix, the scenario is served again with its problems' consolidated fixes
// applied to the responses they target (header lines set, added or removed; the preflight's status), and the
// request is made again in Chromium. Wherever replaying the patched recording says "allowed"
// (test/fixes/problem-fixes.test.ts), Chromium must let the request through.
//
// Run: npx vite build && npx vitest run --project chromium test/differential/problem-fixes.test.ts
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/index';
import { blocked, recording, report, verdictAfter, withProblemFix } from '../fixes/problem-fix-cases';
import { runInChromium, type ChromiumRun } from './chromium-run';
import { describeChromium, scenarioIdOf } from './compare';
import { configurationCovering, fixedScenario, rechecked, serverFixedScenario } from './fixed-scenarios';
import { scenariosFor, type Scenario } from './scenarios';

const DIST = resolve(import.meta.dirname, '../../dist');
const table = new Map(scenariosFor('chromium').map((scenario) => [scenario.id, scenario]));
const ORIGINS = recording.origins as unknown as Record<string, string>;

interface Case {
  readonly scenario: Scenario;
  readonly problems: readonly string[];
}

const cases: Case[] = [];
const notServed: string[] = [];
for (const exchange of blocked) {
  const id = scenarioIdOf(exchange.url);
  const scenario = id === null ? undefined : table.get(id);
  if (scenario === undefined) continue;
  // One exchange per scenario: a scenario repeated or made from several frames has its own proof in the replay.
  if ((scenario.request.repeat ?? 1) > 1 || (scenario.request.alsoFrom ?? []).length > 0) continue;
  const consolidated = { ...exchange, findings: exchange.findings.map((finding) => withProblemFix(finding, exchange)) };
  // Only where the replay of the patched recording says the fix works: this test proves the replay right.
  if (verdictAfter(consolidated) !== 'allowed') continue;
  const fixed = fixedScenario(scenario, consolidated, ORIGINS);
  if (typeof fixed === 'string') notServed.push(`${scenario.id}: ${fixed}`);
  else cases.push({ scenario: fixed, problems: [...new Set(exchange.findings.map((finding) => finding.problem))] });
}

// Each warning's one fix, on every scenario Chromium allowed whose warnings the re-check says their fixes clear:
// Chromium must still let the request through, and the diagnosis of its new capture must not raise them again.
interface WarningCase extends Case {
  readonly rules: readonly string[];
}
const warningCases: WarningCase[] = [];
for (const exchange of report.exchanges) {
  if (exchange.verdict !== 'allowed' || !exchange.findings.some(rechecked)) continue;
  const id = scenarioIdOf(exchange.url);
  const scenario = id === null ? undefined : table.get(id);
  if (scenario === undefined || (scenario.request.repeat ?? 1) > 1 || (scenario.request.alsoFrom ?? []).length > 0) continue;
  const consolidated = { ...exchange, findings: exchange.findings.map((finding) => withProblemFix(finding, exchange)) };
  const fixed = fixedScenario(scenario, consolidated, ORIGINS, rechecked, 'warning-fixed-');
  if (typeof fixed === 'string') notServed.push(`${scenario.id}: ${fixed}`);
  else {
    const mine = exchange.findings.filter(rechecked);
    warningCases.push({ scenario: fixed, problems: [...new Set(mine.map((finding) => finding.problem))], rules: [...new Set(mine.map((finding) => finding.rule))] });
  }
}

// Each server's one configuration, on every scenario whose blocking problems on that server it covers.
const serverCases: Case[] = [];
for (const item of cases) {
  const exchange = blocked.find((candidate) => `fixed-${scenarioIdOf(candidate.url) ?? ''}` === item.scenario.id);
  if (exchange === undefined) continue;
  const fix = configurationCovering(exchange, report.servers);
  if (fix === undefined) continue;
  const scenario = table.get(scenarioIdOf(exchange.url) ?? '');
  if (scenario !== undefined) serverCases.push({ scenario: serverFixedScenario(scenario, exchange, fix, ORIGINS), problems: [fix.server] });
}

let run: ChromiumRun | null = null;
let setupProblem: string | null = null;

beforeAll(async () => {
  try {
    run = await runInChromium([...cases, ...serverCases, ...warningCases].map((item) => item.scenario), DIST);
  } catch (error) {
    setupProblem = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
}, 180_000);

describe('each problem\'s one fix, served to Chromium', () => {
  it('serves the fixes of many blocked scenarios and problems', () => {
    expect(setupProblem).toBeNull();
    if (notServed.length > 0) console.info(`Fixes not served (${notServed.length}):\n${notServed.join('\n')}`);
    expect(cases.length).toBeGreaterThan(60);
    expect(new Set(cases.flatMap((item) => item.problems)).size).toBeGreaterThan(30);
  });

  it('Chromium lets every request through that its problems\' fixes fix', () => {
    expect(setupProblem).toBeNull();
    const mine = (run?.verdicts ?? []).filter((verdict) => verdict.id.startsWith('fixed-'));
    const still = mine.filter((verdict) => verdict.blocked).map((verdict) => `${verdict.id}: ${describeChromium(verdict)}`);
    console.info(`Problem fixes proven in Chromium: ${mine.length - still.length} of ${cases.length} scenarios, ${new Set(cases.flatMap((item) => item.problems)).size} problems`);
    expect(mine.length).toBe(cases.length);
    expect(still, still.join('\n')).toEqual([]);
  });

  it('each warning\'s fix that the re-check passes: Chromium still lets the request through, and the warning is gone', () => {
    expect(setupProblem).toBeNull();
    const served = run;
    if (served === null) return;
    const rules = new Set(warningCases.flatMap((item) => item.rules));
    console.info(`Warning fixes proven in Chromium: ${warningCases.length} scenarios, rules ${[...rules].join(', ')}`);
    // The audit scenarios: a wildcard on private responses, Vary on cacheable ones, broad allow-lists, unexposed headers.
    expect(warningCases.length).toBeGreaterThanOrEqual(5);
    expect([...rules]).toEqual(expect.arrayContaining(['wildcard-origin-on-private-response', 'missing-vary-origin', 'overly-broad-allow-list', 'unexposed-response-header']));
    for (const item of warningCases) {
      const verdict = served.verdicts.find((candidate) => candidate.id === item.scenario.id);
      expect(verdict, item.scenario.id).toBeDefined();
      expect(verdict?.blocked, `${item.scenario.id}: ${verdict === undefined ? '' : describeChromium(verdict)}`).toBe(false);
      const entries = served.har.entries.filter((entry) => JSON.stringify((entry as { request?: { url?: unknown } }).request?.url ?? '').includes(`/s/${item.scenario.id}/`));
      expect(entries.length, item.scenario.id).toBeGreaterThan(0);
      const again = diagnose({ ...served.har, entries });
      if (!again.ok) throw new Error(again.error.message);
      const raised = again.report.exchanges.flatMap((exchange) => exchange.findings.map((finding) => finding.rule)).filter((rule) => item.rules.includes(rule));
      expect(raised, item.scenario.id).toEqual([]);
    }
  });

  it('Chromium lets every request through that its server\'s one combined configuration covers', () => {
    expect(setupProblem).toBeNull();
    const mine = (run?.verdicts ?? []).filter((verdict) => verdict.id.startsWith('server-fixed-'));
    const still = mine.filter((verdict) => verdict.blocked).map((verdict) => `${verdict.id}: ${describeChromium(verdict)}`);
    console.info(`Server configurations proven in Chromium: ${mine.length - still.length} of ${serverCases.length} scenarios on ${new Set(serverCases.flatMap((item) => item.problems)).size} servers`);
    expect(serverCases.length).toBeGreaterThan(60);
    expect(mine.length).toBe(serverCases.length);
    expect(still, still.join('\n')).toEqual([]);
  });
});
