// The audit must stay quiet on correct configurations: every scenario of the recorded differential suite that
// Chromium allowed and whose table row expects no audit findings (no `expectFindings`) is a clean, correctly
// configured exchange, and must produce no security or classification finding at all (any severity), and no
// audit finding of any category. Runs on the recording, without a browser.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/index';
import { scenarioIdOf, type Recording } from '../differential/compare';
import { scenarios } from '../differential/scenarios';

const RECORDED_DIR = resolve(import.meta.dirname, '../differential/recorded');
const recordings = readdirSync(RECORDED_DIR)
  .filter((file) => /^chromium-\d+\.json$/.test(file))
  .map((file) => ({ file, recording: JSON.parse(readFileSync(resolve(RECORDED_DIR, file), 'utf8')) as Recording }));

describe.each(recordings)('no audit false positives on the clean scenarios of $file', ({ recording }) => {
  const result = diagnose(recording.har);
  if (!result.ok) throw new Error(result.error.message);
  const report = result.report;
  const allowedByChromium = new Set(recording.verdicts.filter((verdict) => !verdict.blocked).map((verdict) => verdict.id));
  const clean = scenarios.filter((scenario) => allowedByChromium.has(scenario.id) && (scenario.expectFindings ?? []).length === 0);

  it('has a large set of clean scenarios', () => {
    expect(clean.length).toBeGreaterThanOrEqual(60);
  });

  it.each(clean.map((scenario) => scenario.id))('%s: no security, performance or classification finding', (id) => {
    const findings = report.exchanges
      .filter((exchange) => scenarioIdOf(exchange.url) === id)
      .flatMap((exchange) => exchange.findings.filter((finding) => finding.category !== 'cors'))
      .map((finding) => `${finding.rule}/${finding.reason} (${finding.confidence ?? '?'})`);
    expect(findings).toEqual([]);
  });

  it('every audit and classification finding of the recording states its confidence and evidence', () => {
    const audit = report.exchanges.flatMap((exchange) => exchange.findings.filter((finding) => finding.category !== 'cors'));
    expect(audit.length).toBeGreaterThan(30);
    for (const finding of audit) {
      expect(['high', 'medium', 'low']).toContain(finding.confidence);
      expect(finding.confidenceBasis?.length ?? 0).toBeGreaterThan(20);
      expect(finding.corsError).toBeNull();
      expect(finding.fix !== null || (finding.noServerFix?.length ?? 0) > 10).toBe(true);
    }
    for (const exchange of report.exchanges) for (const finding of exchange.findings) {
      if (finding.category === 'cors') expect(finding.confidence).toBeNull();
    }
  });
});
