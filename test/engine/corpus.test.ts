import { describe, expect, it } from 'vitest';
import { diagnose, reportToJson, reportToText } from '../../src/engine/index.js';
import { HAR_SAMPLE_NAMES as files, readHarSample } from '../fixtures/har-samples.js';

function entryCount(text: string): number {
  const parsed = JSON.parse(text.replace(/^\uFEFF/, '').replace(/^onInputData\(([\s\S]*)\)\s*;?\s*$/, '$1')) as { log: { entries: unknown[] } };
  return parsed.log.entries.length;
}

describe('robustness corpus', () => {
  it('has the 25 sample files', () => {
    expect(files.length).toBe(25);
  });

  it.each(files)('%s: diagnoses without throwing and accounts for every entry', (file) => {
    const text = readHarSample(file);
    const result = diagnose(text, { sourceName: file, sourceKind: 'file' });
    // Both malformed samples are recoverable: the BOM is skipped, the HARP wrapper stripped.
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { report } = result;
    const seen = new Map<number, number>();
    for (const exchange of report.exchanges) for (const index of exchange.entries) seen.set(index, (seen.get(index) ?? 0) + 1);
    for (const problem of report.inputErrors) if (problem.skipped && problem.entry !== null) seen.set(problem.entry, (seen.get(problem.entry) ?? 0) + 1);
    const total = entryCount(text);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, index) => index));
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(report.summary.blocked + report.summary.allowed + report.summary.unknown).toBe(report.summary.exchanges);
    expect(() => JSON.parse(reportToJson(report))).not.toThrow();
    expect(reportToText(report)).toMatch(/exchanges: /);
  });

  it('rejects the HARP file cleanly when the wrapper is damaged', () => {
    const text = readHarSample('malformed-firebug-harp-jsonp.har');
    const result = diagnose(text.replace(/\)\s*$/, ''));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/not valid JSON/);
  });

  it('finds the failed preflight in the WebPagetest capture', () => {
    const result = diagnose(readHarSample('webpagetest-nytimes-failed-preflight.har'));
    if (!result.ok) throw new Error(result.error.message);
    const blocked = result.report.exchanges.filter((exchange) => exchange.verdict === 'blocked');
    expect(blocked.map((exchange) => [exchange.url, exchange.corsError])).toEqual([
      ['http://int-promos.nytimes.com/hp-watching/serves', 'PreflightMissingAllowOriginHeader'],
    ]);
    expect(blocked[0]?.findings.map((finding) => finding.rule)).toEqual(expect.arrayContaining(['preflight-invalid-status', 'missing-allow-origin']));
  });

  it('pairs the Chrome DevTools preflight listed after its POST', () => {
    const result = diagnose(readHarSample('chrome-devtools-google-cors-preflight.har'));
    if (!result.ok) throw new Error(result.error.message);
    const preflighted = result.report.exchanges.filter((exchange) => exchange.kind === 'preflighted');
    expect(preflighted.map((exchange) => [exchange.entries, exchange.verdict, exchange.credentials.basis])).toEqual([[[15, 16], 'allowed', 'cookie-header']]);
  });

  it('labels ad-blocker and TLS failures as non-CORS errors', () => {
    const result = diagnose(readHarSample('chrome-devtools-blocked-and-insecure.har'));
    if (!result.ok) throw new Error(result.error.message);
    const failed = result.report.exchanges.filter((exchange) => exchange.verdict === 'blocked');
    expect(failed).toHaveLength(3);
    for (const exchange of failed) {
      expect(exchange.corsError).toBeNull();
      // The blocker's net::ERR_BLOCKED_BY_CLIENT is named by the more specific blocked-by-extension, once.
      const expected = exchange.url.includes('sharethrough') ? 'blocked-by-extension' : 'request-failed-before-response';
      expect(exchange.findings.map((finding) => finding.rule)).toEqual([expected]);
    }
  });
});
