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
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInChromium } from './chromium-run';
import {
  checkExpectedFindings,
  compareAll,
  describeChromium,
  findingMismatchTable,
  type FindingCheck,
  disagreementTable,
  errorNotInHarList,
  type ChromiumVerdict,
  type Comparison,
  type EngineExchangeLike,
  type Recording,
} from './compare';
import { scenariosFor } from './scenarios';
import { saveRecording, tableHashOf } from './recording-file';

/** The rows Chromium runs (scenarios.ts `browsers`). */
const scenarios = scenariosFor('chromium');

const DIST = resolve(import.meta.dirname, '../../dist');

let comparisons = new Map<string, Comparison>();
let engineProblem: string | null = null;
let findingChecks = new Map<string, FindingCheck>();
let setupProblem: string | null = null;

const tableHash = tableHashOf(scenarios);


beforeAll(async () => {
  try {
    const run = await runInChromium(scenarios, DIST);
    const { verdicts, har } = run;
    const recording: Recording = {
      browser: run.browser,
      recordedAt: new Date().toISOString(),
      tableHash,
      origins: run.origins,
      verdicts,
      served: run.served,
      har,
    };
    saveRecording('chromium', recording);
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
