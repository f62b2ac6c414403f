// Done-when of the fixes issue, without a browser: for every exchange Chromium blocked in the recorded
// differential suite (test/differential/recorded/chromium-*.json), applying the report's fix.headers and
// fix.status to the recorded responses and diagnosing again gives "allowed" — or the fix targets the client
// and says why. The HAR is patched by test/fixes/har-patch.ts, independently of src/engine/fixes/what-if.ts,
// and the engine's own `fix.verifies` must agree.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/index';
import type { ReportExchange } from '../../src/engine/index';
import type { Recording } from '../differential/compare';
import { applyFixesToHar, type HarEntryLike } from './har-patch';

const RECORDED_DIR = resolve(import.meta.dirname, '../differential/recorded');
const recordings = readdirSync(RECORDED_DIR)
  .filter((file) => /^chromium-\d+\.json$/.test(file))
  .map((file) => ({ file, recording: JSON.parse(readFileSync(resolve(RECORDED_DIR, file), 'utf8')) as Recording }));

const scenarioOf = (url: string) => /\/s\/([A-Za-z0-9_-]+)\//.exec(url)?.[1] ?? url;

describe.each(recordings)('what-if over $file', ({ recording }) => {
  const result = diagnose(recording.har);
  if (!result.ok) throw new Error(result.error.message);
  const entries = recording.har.entries as HarEntryLike[];
  const blocked = result.report.exchanges.filter((exchange) => exchange.verdict === 'blocked');
  const serverFixable = (exchange: ReportExchange) => exchange.findings.some((finding) => finding.fix !== null && finding.fix.target !== 'client');

  it('has blocked exchanges to check, most of them fixable on the server', () => {
    expect(blocked.length).toBeGreaterThan(80);
    expect(blocked.filter(serverFixable).length).toBeGreaterThan(80);
  });

  it.each(blocked.map((exchange) => [scenarioOf(exchange.url), exchange] as const))('%s', (_id, exchange) => {
    const fixes = exchange.findings.flatMap((finding) => (finding.fix === null ? [] : [{ finding, fix: finding.fix }]));
    expect(fixes.length, 'every blocked exchange has a fix (a client fix when no server change helps)').toBeGreaterThan(0);
    const onResponses = fixes.filter(({ finding, fix }) => fix.target !== 'client' && finding.entry !== null);
    const elsewhere = fixes.filter(({ finding, fix }) => fix.target !== 'client' && finding.entry === null);
    const client = fixes.filter(({ fix }) => fix.target === 'client');
    for (const { fix } of client) {
      expect(fix.verifies).toBe(false);
      expect(fix.summary.length, 'a client fix says why').toBeGreaterThan(30);
      expect(fix.snippets).toEqual([]);
    }
    // A fix of an exchange-level finding (Cross-Origin-Resource-Policy, an audit's warning on the blocked
    // exchange) is re-checked by its own rule when it can be, or by judging the patched exchange again (the
    // finding gone, every CORS check passed); otherwise it must not claim to verify, and must say so.
    for (const { finding, fix } of elsewhere) {
      if (fix.verifies && finding.rule === 'blocked-by-response-policy') {
        expect(fix.whatIf).toMatch(/^Re-checked/);
        // Independently: Chromium's CORP check lets every origin load a response only with "cross-origin".
        expect(fix.headers).toContainEqual({ action: 'set', name: 'Cross-Origin-Resource-Policy', value: 'cross-origin' });
      } else if (fix.verifies) {
        expect(fix.whatIf).toMatch(/^Re-checked: .* passes every CORS check the browser runs and this finding is no longer raised/);
      } else {
        expect(fix.whatIf).toMatch(/^Not re-checked/);
      }
    }
    // The bar: every blocked exchange ends with a fix that verifies, or a client fix that says why.
    expect(fixes.some(({ fix }) => fix.verifies) || client.length > 0, 'a verifying fix or a client fix').toBe(true);
    if (onResponses.length === 0) {
      expect(client.length + elsewhere.length).toBeGreaterThan(0);
      return;
    }
    // Only the exchange's own entries are diagnosed again (fast, and nothing else can pair with them).
    const patchedEntries = applyFixesToHar(entries, exchange);
    const patched = diagnose({ ...recording.har, entries: exchange.entries.map((index) => patchedEntries[index]) });
    if (!patched.ok) throw new Error(patched.error.message);
    const again = patched.report.exchanges.find((candidate) => candidate.entries.join() === exchange.entries.map((_, position) => position).join());
    expect(again, 'the patched HAR pairs into the same exchange').toBeDefined();
    expect([again?.verdict, again?.corsError, again?.findings.filter((finding) => finding.severity === 'error' && finding.corsError !== null).map((finding) => finding.rule)])
      .toEqual(['allowed', null, []]);
    for (const { fix } of onResponses) {
      expect(fix.verifies, fix.whatIf).toBe(true);
      expect(fix.snippets.length).toBeGreaterThanOrEqual(18);
    }
  });
});
