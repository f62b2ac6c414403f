// Chromium-free replay of the differential suite: the HAR and Chromium's verdicts recorded by
// test/differential/differential.test.ts (test/differential/recorded/chromium-<major>.json) are fed to the
// engine again, so an engine regression shows in the unit project without launching a browser.
// Refresh a recording with: npx vite build && CORS_LENS_RECORD=1 npx vitest run --project chromium test/differential
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/index';
import { checkExpectedFindings, compareAll, disagreementTable, findingMismatchTable, type Comparison, type Recording } from '../differential/compare';
import { scenarios } from '../differential/scenarios';

const RECORDED_DIR = resolve(import.meta.dirname, '../differential/recorded');

const recordings: Array<{ file: string; recording: Recording }> = readdirSync(RECORDED_DIR)
  .filter((file) => /^chromium-\d+\.json$/.test(file))
  .sort()
  .map((file) => ({ file, recording: JSON.parse(readFileSync(resolve(RECORDED_DIR, file), 'utf8')) as Recording }));

function replay(recording: Recording): Map<string, Comparison> {
  const result = diagnose(recording.har);
  if (!result.ok) throw new Error(`diagnose() refused the recorded HAR: ${result.error.message} at ${result.error.path}`);
  return compareAll(recording.verdicts, result.report.exchanges, recording.har);
}

describe('differential replay: the engine on recorded Chromium HARs', () => {
  it('has at least one recording of 80+ scenarios', () => {
    expect(recordings.length).toBeGreaterThan(0);
    for (const { recording } of recordings) expect(recording.verdicts.length).toBeGreaterThanOrEqual(80);
  });

  describe.each(recordings.map(({ file, recording }) => ({ file, recording })))('$file', ({ recording }) => {
    let comparisons: Map<string, Comparison> | undefined;
    const comparisonsOf = () => (comparisons ??= replay(recording));

    it('agrees with Chromium on every scenario (summary table)', () => {
      const all = comparisonsOf();
      const disagreements = [...all.values()].filter((comparison) => !comparison.agree);
      expect(disagreements.length, disagreementTable(all.values())).toBe(0);
    });

    it('reports exactly the expected audit and classification findings on every recorded scenario', () => {
      const result = diagnose(recording.har);
      if (!result.ok) throw new Error(result.error.message);
      const recorded = new Set(recording.verdicts.map((verdict) => verdict.id));
      const checks = checkExpectedFindings(scenarios.filter((scenario) => recorded.has(scenario.id)), result.report.exchanges);
      expect(checks.size).toBeGreaterThanOrEqual(80);
      expect([...checks.values()].filter((check) => !check.ok).length, findingMismatchTable(checks.values())).toBe(0);
    });

    it.each(recording.verdicts.map((verdict) => verdict.id))('%s', (id) => {
      const comparison = comparisonsOf().get(id);
      expect(comparison, `no result for ${id}`).toBeDefined();
      expect(comparison?.agree, disagreementTable([comparison!])).toBe(true);
    });
  });
});
