/**
 * The what-if re-check of exchange-level findings (most warnings): their fix is applied to the recorded
 * responses and the exchange judged again, so a problem's "re-check: N of M pass" means something for warnings
 * too — before, every warning's fix read "0 of M pass" because none was re-checked.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose, type Finding } from '../../src/engine/index.js';
import { EXCHANGE_RULES } from '../../src/engine/rules/check-order.js';
import { AUDIT_RULES, RULES, type RuleId } from '../../src/engine/rules/registry.js';
import { PAGE, exchange, har } from '../fixtures/builders.js';
import { RULE_FIXTURES } from './rule-fixtures.js';

type Entries = Parameters<typeof har>[0];

function findingsOf(rule: RuleId, entries: Entries): Finding[] {
  const result = diagnose(har(entries));
  if (!result.ok) throw new Error(result.error.message);
  return result.report.exchanges.flatMap((item) => item.findings.filter((finding) => finding.rule === rule));
}

/** Rules whose fix cannot be judged on the exchange it was found on, and say so instead. */
const NOT_RECHECKABLE: ReadonlySet<RuleId> = new Set<RuleId>(['reflected-origin-with-credentials']);

const SERVER_FIXED = [...EXCHANGE_RULES, ...AUDIT_RULES].filter((id) => {
  const [finding] = findingsOf(id, RULE_FIXTURES[id].fail);
  return RULES[id].hasServerFix && finding?.fix !== null && finding?.fix !== undefined && finding.fix.target !== 'client';
});

describe('the what-if re-check of exchange-level fixes', () => {
  it('covers the rules it should (a server fix on a CORS-checked response)', () => {
    expect(SERVER_FIXED).toEqual(expect.arrayContaining([
      'unexposed-response-header', 'missing-vary-origin', 'wildcard-origin-on-private-response', 'repeated-preflight',
      'untrusted-origin-allowed', 'overly-broad-allow-list', 'options-route-missing', 'blocked-by-response-policy',
    ]));
  });

  it.each(SERVER_FIXED.filter((id) => !NOT_RECHECKABLE.has(id)))('%s: its fix, applied to the failing fixture, clears the finding', (id) => {
    for (const finding of findingsOf(id, RULE_FIXTURES[id].fail)) {
      expect(finding.fix?.whatIf).toMatch(/^Re-checked: .*no longer raised/);
      expect(finding.fix?.verifies).toBe(true);
    }
  });

  it.each([...NOT_RECHECKABLE])('%s says why its fix is not re-checked, and how to check it after deploying', (id) => {
    const [finding] = findingsOf(id, RULE_FIXTURES[id].fail);
    expect(finding?.fix?.verifies).toBe(false);
    expect(finding?.fix?.whatIf).toMatch(/^Not re-checked: the fix is an allow-list.*curl -H "Origin: /);
  });

  it('finds a fix that would not work: "*" on a private response reached through a cross-origin redirect', () => {
    // After the redirect the browser sends Origin: null, so answering the page's origin would block the request;
    // the re-check found this in a synthetic capture, and the rule now says what works instead.
    const entries = exchange().redirect({ to: 'https://cdn.example.org/items', acao: PAGE })
      .actual({ acao: '*', headers: { 'set-cookie': 'sid=1; Secure; HttpOnly' } }).entries();
    const [finding] = findingsOf('wildcard-origin-on-private-response', entries);
    expect(finding?.fix?.target).toBe('client');
    expect(finding?.fix?.summary).toMatch(/Origin is null here.*request the final URL directly/);
    // Without the redirect, the usual fix, and it re-checks.
    const [direct] = findingsOf('wildcard-origin-on-private-response', RULE_FIXTURES['wildcard-origin-on-private-response'].fail);
    expect(direct?.fix?.headers).toEqual([
      { action: 'set', name: 'Access-Control-Allow-Origin', value: PAGE },
      { action: 'set', name: 'Vary', value: 'Origin' },
    ]);
    expect(direct?.fix?.verifies).toBe(true);
  });

  it('"null" allowed for the page\'s own request after a cross-origin redirect: skip the redirect, do not refuse the page', () => {
    // Found by serving the re-checked fix to Chromium (test/differential/problem-fixes.test.ts): taking "null" off
    // the allow-list blocked the page's request (AllowOriginMismatch), since after the redirect its Origin is null.
    const entries = exchange({ cookie: 'sid=1' }).redirect({ to: 'https://cdn.example.org/items', acao: PAGE, acac: 'true' })
      .actual({ acao: 'null', acac: 'true' }).entries();
    const [finding] = findingsOf('untrusted-origin-allowed', entries);
    expect(finding?.fix?.target).toBe('client');
    expect(finding?.fix?.summary).toMatch(/arrives with Origin: null: request the final URL directly, then allow https:\/\/app\.example instead of "null"/);
    // A page whose own origin is untrusted is refused on purpose, and the re-check says the finding is gone.
    const [local] = findingsOf('untrusted-origin-allowed', RULE_FIXTURES['untrusted-origin-allowed'].fail);
    expect(local?.fix?.target).not.toBe('client');
    expect(local?.fix?.verifies).toBe(true);
  });

  it('counts a problem\'s re-checks apart from its members that were not re-checked', () => {
    const result = diagnose(har([
      ...RULE_FIXTURES['unexposed-response-header'].fail,
      ...RULE_FIXTURES['reflected-origin-with-credentials'].fail,
    ]));
    if (!result.ok) throw new Error(result.error.message);
    const exposed = result.report.problems.find((problem) => problem.rule === 'unexposed-response-header');
    expect(exposed?.fix?.verified).toEqual({ passing: exposed?.count, of: exposed?.count, rechecked: exposed?.count });
    expect(exposed?.fix?.note).toMatch(/^Re-checked on each affected exchange with its fixes applied: \d+ of \d+ no longer raise this finding\./);
    const reflected = result.report.problems.find((problem) => problem.rule === 'reflected-origin-with-credentials');
    expect(reflected?.fix?.verified).toMatchObject({ passing: 0, rechecked: 0 });
    expect(reflected?.fix?.note).toMatch(/^Not re-checked: /);
  });

  it('on the Firefox recording, every blocking problem\'s fix passes its re-check (the request after a refused redirect is not judged)', () => {
    // Firefox records the request a refused redirect pointed to, never sent, with no response; the re-check used
    // to judge it as a bare 200 and said "0 of 1 pass" for fixes that work (redir-3xx-without-cors, redir-userinfo…).
    const recording = JSON.parse(readFileSync(resolve(import.meta.dirname, '../differential/recorded/firefox-153.json'), 'utf8')) as { har: unknown };
    const result = diagnose(recording.har);
    if (!result.ok) throw new Error(result.error.message);
    const blocking = result.report.problems.filter((problem) => problem.severity === 'error' && problem.fix !== null && problem.fix.target !== 'client');
    expect(blocking.length).toBeGreaterThan(30);
    const failing = blocking.filter((problem) => problem.fix?.verified.passing !== problem.fix?.verified.of).map((problem) => `${problem.rule}: ${problem.fix?.note ?? ''}`);
    expect(failing).toEqual([]);
    const redirected = result.report.exchanges.find((item) => item.url.includes('/s/redir-3xx-without-cors/'));
    expect(redirected?.findings[0]?.fix?.whatIf).toMatch(/passes every CORS check .* did not follow the redirect/);
  });

  it('keeps the blocking problems\' wording, and their re-check is still every CORS check', () => {
    const result = diagnose(har(exchange().actual({ acao: null }).entries()));
    if (!result.ok) throw new Error(result.error.message);
    const [problem] = result.report.problems;
    expect(problem?.fix?.note).toBe('Re-checked on each affected exchange with its fixes applied: 1 of 1 pass every CORS check.');
  });
});
