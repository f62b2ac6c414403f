// The recorded Chromium differential suite's blocked exchanges and their problems' consolidated fixes, shared by
// the replay (test/fixes/problem-fixes.test.ts) and the live proof in Chromium (test/differential/problem-fixes.test.ts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diagnose, type DiagnoseOptions, type Finding, type Problem, type ReportExchange } from '../../src/engine/index';
import type { Recording } from '../differential/compare';
import { applyFixesToHar, type HarEntryLike } from './har-patch';

export const recording = JSON.parse(readFileSync(resolve(import.meta.dirname, '../differential/recorded/chromium-156.json'), 'utf8')) as Recording;
const result = diagnose(recording.har);
if (!result.ok) throw new Error(result.error.message);
export const { report } = result;
const problemById = new Map(report.problems.map((problem) => [problem.id, problem]));

/** The finding with its problem's fix, as applied to this exchange. */
export function withProblemFix(finding: Finding, exchange: ReportExchange): Finding {
  return withFixOf(problemById.get(finding.problem) as Problem, finding, exchange);
}

/** The finding with the fix of `problem` (its own, in any report), as applied to this exchange. */
export function withFixOf(problem: Problem, finding: Finding, exchange: ReportExchange): Finding {
  const fix = problem.fix;
  if (fix === null || finding.fix === null) return finding;
  const headers = fix.headers.map((patch) =>
    patch.name.toLowerCase() === 'access-control-allow-origin' && exchange.initiatorOrigin !== null && fix.allowOrigins.includes(exchange.initiatorOrigin)
      ? { ...patch, value: exchange.initiatorOrigin }
      : patch);
  return { ...finding, fix: { ...finding.fix, headers, ...(fix.status === undefined ? {} : { status: fix.status }) } };
}

export function verdictAfter(exchange: ReportExchange): string | undefined {
  return verdictAfterIn(recording.har, exchange);
}

/** The exchange's verdict once its fixes are applied to the recorded HAR (`har`), diagnosed with `options`. */
export function verdictAfterIn(har: Recording['har'], exchange: ReportExchange, options: DiagnoseOptions = {}): string | undefined {
  const patched = applyFixesToHar(har.entries as HarEntryLike[], exchange);
  const again = diagnose({ ...har, entries: exchange.entries.map((index) => patched[index]) }, options);
  if (!again.ok) throw new Error(again.error.message);
  return again.report.exchanges.find((candidate) => candidate.entries.join() === exchange.entries.map((_, position) => position).join())?.verdict;
}

/** Whether an exchange has a server-side fix on one of its recorded responses. */
export function hasServerFixOnResponse(exchange: ReportExchange): boolean {
  return exchange.findings.some((finding) => finding.fix !== null && finding.fix.target !== 'client' && finding.entry !== null);
}

/** Blocked exchanges with a server-side fix on a recorded response. */
export const blocked = report.exchanges.filter((exchange) => exchange.verdict === 'blocked' && hasServerFixOnResponse(exchange));

