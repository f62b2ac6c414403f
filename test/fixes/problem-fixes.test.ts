// The problems' one fix each, over every exchange it claims to fix: for every exchange Chromium blocked in the
// recorded differential suite, replacing each finding's own fix by its problem's consolidated fix (the merged
// method and header lists; Allow-Origin echoing the exchange's own origin, which the fix allows) and patching
// the recorded responses independently of the engine (har-patch.ts) must still give "allowed" wherever the
// exchange's own fixes did.
import { describe, expect, it } from 'vitest';
import { blocked, report, verdictAfter, withProblemFix } from './problem-fix-cases';

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
