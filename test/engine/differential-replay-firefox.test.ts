// Firefox-free replay of the Firefox differential suite: the HAR (as getHARFromNetMonitor(), i.e. the WebExtensions
// devtools.network.getHAR(), returned it), what each page observed and every CORS console message Firefox logged,
// recorded by test/differential/firefox.test.ts in test/differential/recorded/firefox-<major>.json, are fed to the
// engine's Firefox mode again, so an engine regression shows in the unit project without launching a browser.
// Firefox's verdicts are derived from the raw record here exactly as in the live test (compare-firefox.ts).
// Refresh a recording with: CORS_LENS_RECORD=1 npx vitest run --project chromium test/differential/firefox.test.ts
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose, type DiagnoseOptions, type DiagnoseResult } from '../../src/engine/index';
import { checkExpectedFindings, findingMismatchTable, type EngineExchangeLike } from '../differential/compare';
import {
  compareAllFirefox,
  firefoxComparisonTable,
  firefoxDisagreementTable,
  firefoxVerdicts,
  isNetworkFailureRow,
  servedNotInHar,
  type FirefoxComparison,
  type FirefoxRecording,
} from '../differential/compare-firefox';
import { scenariosFor, withFirefoxFindings } from '../differential/scenarios';

const RECORDED_DIR = resolve(import.meta.dirname, '../differential/recorded');

/** diagnose() with the engine's Firefox mode option (typed here until DiagnoseOptions has `browser`). */
type FirefoxDiagnose = (input: unknown, options: DiagnoseOptions & { browser: 'firefox' }) => DiagnoseResult;
const diagnoseFirefox: FirefoxDiagnose = diagnose;

const recordings: Array<{ file: string; recording: FirefoxRecording }> = readdirSync(RECORDED_DIR)
  .filter((file) => /^firefox-\d+\.json$/.test(file))
  .sort()
  .map((file) => ({ file, recording: JSON.parse(readFileSync(resolve(RECORDED_DIR, file), 'utf8')) as FirefoxRecording }));

const table = scenariosFor('firefox');
const byId = new Map(table.map((scenario) => [scenario.id, scenario]));

interface Replay {
  browser: string | null;
  exchanges: readonly EngineExchangeLike[];
  comparisons: Map<string, FirefoxComparison>;
}

function replay(recording: FirefoxRecording): Replay {
  const result = diagnoseFirefox(recording.har, { browser: 'firefox' });
  if (!result.ok) throw new Error(`diagnose() refused the recorded HAR: ${result.error.message} at ${result.error.path}`);
  // Re-derived from the raw record (page outcomes + console messages), not read from the stored verdicts.
  const verdicts = firefoxVerdicts(recording.verdicts, recording.console);
  return {
    browser: (result.report as { browser?: { id?: string } }).browser?.id ?? null,
    exchanges: result.report.exchanges,
    comparisons: compareAllFirefox(verdicts, result.report.exchanges, recording.har),
  };
}

describe('differential replay: the engine (Firefox mode) on recorded Firefox HARs', () => {
  it('has at least one Firefox recording of 80+ scenarios, each with its console record', () => {
    expect(recordings.length).toBeGreaterThan(0);
    for (const { recording } of recordings) {
      expect(recording.verdicts.length).toBeGreaterThanOrEqual(80);
      expect(recording.browser).toMatch(/^Firefox\/\d+\./);
      expect(recording.console.length).toBeGreaterThan(0);
      // Complete: every scenario request the server answered is in the HAR.
      expect(servedNotInHar(recording.served, recording.har, recording.origins)).toEqual([]);
      // The stored verdicts are what the derivation gives (a changed derivation needs a new recording).
      expect(firefoxVerdicts(recording.verdicts, recording.console)).toEqual(recording.verdicts);
    }
  });

  describe.each(recordings.map(({ file, recording }) => ({ file, recording })))('$file', ({ recording }) => {
    let replayed: Replay | undefined;
    const replayOf = () => (replayed ??= replay(recording));

    it('the report is in Firefox mode', () => {
      expect(replayOf().browser).toBe('firefox');
    });

    it('agrees with Firefox on every scenario, verdict and reason (summary table)', () => {
      const all = replayOf().comparisons;
      const disagreements = [...all.values()].filter((comparison) => !comparison.agree);
      expect(disagreements.length, `${firefoxDisagreementTable(all.values())}\n\nAll scenarios:\n${firefoxComparisonTable(all.values())}`).toBe(0);
    });

    it('agrees on the verdict alone only for network failures without any recorded response', () => {
      const verdictOnly = [...replayOf().comparisons.values()].filter((comparison) => comparison.errorNotInHar).map((comparison) => comparison.id);
      expect(verdictOnly.filter((id) => !isNetworkFailureRow(byId.get(id)))).toEqual([]);
    });

    it('reports exactly the expected audit and classification findings on every recorded scenario', () => {
      const recorded = new Set(recording.verdicts.map((verdict) => verdict.id));
      const checks = checkExpectedFindings(withFirefoxFindings(table.filter((scenario) => recorded.has(scenario.id))), replayOf().exchanges);
      expect(checks.size).toBeGreaterThanOrEqual(80);
      expect([...checks.values()].filter((check) => !check.ok).length, findingMismatchTable(checks.values())).toBe(0);
    });

    it.each(recording.verdicts.map((verdict) => verdict.id))('%s', (id) => {
      const comparison = replayOf().comparisons.get(id);
      expect(comparison, `no result for ${id}`).toBeDefined();
      expect(comparison?.agree, firefoxDisagreementTable([comparison!])).toBe(true);
    });
  });
});
