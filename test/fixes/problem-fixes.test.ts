// The problems' one fix each, over every exchange it claims to fix: for every exchange Chromium blocked in the
// recorded differential suite, replacing each finding's own fix by its problem's consolidated fix (the merged
// method and header lists; Allow-Origin echoing the exchange's own origin, which the fix allows) and patching
// the recorded responses independently of the engine (har-patch.ts) must still give "allowed" wherever the
// exchange's own fixes did.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose, type Finding, type Problem, type ReportExchange } from '../../src/engine/index';
import type { Recording } from '../differential/compare';
import { applyFixesToHar, type HarEntryLike } from './har-patch';

const recording = JSON.parse(readFileSync(resolve(import.meta.dirname, '../differential/recorded/chromium-156.json'), 'utf8')) as Recording;
const result = diagnose(recording.har);
if (!result.ok) throw new Error(result.error.message);
const { report } = result;
const entries = recording.har.entries as HarEntryLike[];
const problemById = new Map(report.problems.map((problem) => [problem.id, problem]));

/** The finding with its problem's fix, as applied to this exchange. */
function withProblemFix(finding: Finding, exchange: ReportExchange): Finding {
  const problem = problemById.get(finding.problem) as Problem;
  const fix = problem.fix;
  if (fix === null || finding.fix === null) return finding;
  const headers = fix.headers.map((patch) =>
    patch.name.toLowerCase() === 'access-control-allow-origin' && exchange.initiatorOrigin !== null && fix.allowOrigins.includes(exchange.initiatorOrigin)
      ? { ...patch, value: exchange.initiatorOrigin }
      : patch);
  return { ...finding, fix: { ...finding.fix, headers, ...(fix.status === undefined ? {} : { status: fix.status }) } };
}

function verdictAfter(exchange: ReportExchange): string | undefined {
  const patched = applyFixesToHar(entries, exchange);
  const again = diagnose({ ...recording.har, entries: exchange.entries.map((index) => patched[index]) });
  if (!again.ok) throw new Error(again.error.message);
  return again.report.exchanges.find((candidate) => candidate.entries.join() === exchange.entries.map((_, position) => position).join())?.verdict;
}

const blocked = report.exchanges.filter((exchange) => exchange.verdict === 'blocked'
  && exchange.findings.some((finding) => finding.fix !== null && finding.fix.target !== 'client' && finding.entry !== null));

describe('each problem\'s consolidated fix, on every exchange it groups', () => {
  it('covers many problems that group several exchanges', () => {
    expect(blocked.length).toBeGreaterThan(80);
    expect(report.problems.filter((problem) => problem.severity === 'error' && problem.count > 1).length).toBeGreaterThan(10);
  });

  it.each(blocked.map((exchange) => [exchange.id, exchange] as const))('%s passes with its problems\' fixes wherever its own fixes pass', (_id, exchange) => {
    const own = verdictAfter(exchange);
    const consolidated = verdictAfter({ ...exchange, findings: exchange.findings.map((finding) => withProblemFix(finding, exchange)) });
    expect(consolidated).toBe(own);
  });
});
