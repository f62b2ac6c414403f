// Builder-based tests for what a local server cannot make Chromium produce in the differential suite: an ad
// blocker (net::ERR_BLOCKED_BY_CLIENT: DevTools request blocking records an empty _error instead), a CSP block
// (Chromium rejects it in the renderer: no HAR entry at all), ORB (measured: a no-cors JSON fetch resolves
// opaque, the HAR shows status 200 and net::ERR_ABORTED), mixed content and https origins (the suite is plain
// http on loopback), Local / Private Network Access (every suite origin is loopback), a CORS-unblocking
// extension, and the capture-level grading of the audit rules.
import type { Entry } from 'har-format';
import { describe, expect, it } from 'vitest';
import { API, PAGE, exchange } from '../fixtures/builders';
import { derive, report, reportExchange } from '../fixtures/replay';
import { withError, withRequestHeader } from '../engine/rule-fixtures';

const PUT_JSON = { method: 'PUT', headers: { 'Content-Type': 'application/json' } } as const;
const goodPreflight = { acao: PAGE, acam: 'PUT', acah: 'content-type' } as const;

function audit(entries: readonly Entry[]): { rule: string; reason: string; confidence: string | null; severity: string }[] {
  return report(entries).exchanges.flatMap((item) => item.findings.filter((finding) => finding.category !== 'cors'))
    .map((finding) => ({ rule: finding.rule, reason: finding.reason, confidence: finding.confidence, severity: finding.severity }));
}

function rulesOf(entries: readonly Entry[]): string[] {
  return report(entries).exchanges.flatMap((item) => item.findings.map((finding) => finding.rule));
}

describe('not really CORS: failures named by the browser', () => {
  it('names an ad blocker once (blocked-by-extension replaces request-failed-before-response), fix on the client', () => {
    const entries = exchange().actual({ notSent: true }).entries().map(withError('net::ERR_BLOCKED_BY_CLIENT'));
    const result = reportExchange(entries);
    expect(result.findings.map((finding) => [finding.rule, finding.category, finding.confidence])).toEqual([['blocked-by-extension', 'classification', 'high']]);
    expect(result.findings[0]?.fix?.target).toBe('client');
    expect(result.verdict).toBe('blocked');
  });

  it('names a CSP block and an ORB block', () => {
    expect(audit(exchange().actual({ notSent: true }).entries().map(withError('net::ERR_BLOCKED_BY_CSP')))).toEqual([{ rule: 'blocked-by-page-policy', reason: 'csp', confidence: 'high', severity: 'error' }]);
    const orb = exchange({ headers: {} }).actual({ error: 'net::ERR_BLOCKED_BY_ORB' }).entries();
    expect(audit(orb).map((finding) => finding.reason)).toEqual(['orb']);
    expect(rulesOf(orb)).not.toContain('request-failed-before-response');
  });

  it('names mixed content from the schemes when the HAR does not, and by name when it does', () => {
    const schemes = exchange({ url: 'http://api.example.net/items' }).actual({ notSent: true }).entries().map(withError('net::ERR_FAILED'));
    expect(audit(schemes)).toEqual([{ rule: 'blocked-by-page-policy', reason: 'mixed-content', confidence: 'medium', severity: 'error' }]);
    const named = exchange({ url: 'http://api.example.net/items' }).actual({ notSent: true }).entries().map(withError('net::ERR_BLOCKED_BY_MIXED_CONTENT'));
    expect(audit(named).map((finding) => [finding.reason, finding.confidence])).toEqual([['mixed-content', 'high']]);
    // http://localhost is potentially trustworthy: no mixed content.
    const loopback = exchange({ url: 'http://localhost:8080/items' }).actual({ notSent: true }).entries().map(withError('net::ERR_FAILED'));
    expect(audit(loopback).map((finding) => finding.rule)).not.toContain('blocked-by-page-policy');
  });

  it('names a Cross-Origin-Resource-Policy block with a header fix, and a COEP-style block without the header at medium confidence', () => {
    const corp = audit(exchange().actual({ acao: PAGE, headers: { 'cross-origin-resource-policy': 'same-site' }, error: 'net::ERR_BLOCKED_BY_RESPONSE.NotSameSite' }).entries());
    expect(corp.map((finding) => [finding.reason, finding.confidence])).toEqual([['corp', 'high']]);
    const coep = audit(exchange().actual({ acao: PAGE, error: 'net::ERR_BLOCKED_BY_RESPONSE.CorpNotSameOriginAfterDefaultedToSameOriginByCoep' }).entries());
    expect(coep.map((finding) => [finding.reason, finding.confidence])).toEqual([['response-policy', 'medium']]);
  });

  it('names a Local Network Access refusal (no server header fixes it), and the old PNA preflight header', () => {
    const inferred = exchange({ url: 'http://192.168.0.20/status' }).actual({ notSent: true }).entries();
    const result = reportExchange(inferred);
    expect(result.findings.map((finding) => [finding.rule, finding.reason, finding.confidence])).toEqual([['local-network-access-denied', 'permission-denied', 'medium']]);
    expect(result.findings[0]?.fix?.target).toBe('client');
    const named = exchange({ url: 'http://printer.local/status' }).actual({ notSent: true }).entries().map(withError('net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS'));
    expect(audit(named).map((finding) => [finding.reason, finding.confidence])).toEqual([['permission-denied', 'high']]);
    // The same failure from a page that is itself local is not an LNA refusal.
    const local = exchange({ origin: 'http://localhost:3000', url: 'http://192.168.0.20/status' }).actual({ notSent: true }).entries();
    expect(audit(local).map((finding) => finding.rule)).not.toContain('local-network-access-denied');
    const pna = exchange({ ...PUT_JSON, url: 'http://10.0.0.5/api' }).preflight(goodPreflight).actual({ notSent: true }).entries()
      .map((entry) => (entry.request.method === 'OPTIONS' ? { ...entry, request: { ...entry.request, headers: [...entry.request.headers, { name: 'Access-Control-Request-Private-Network', value: 'true' }] } } : entry));
    const pnaFinding = reportExchange(pna).findings.find((finding) => finding.rule === 'local-network-access-denied');
    expect([pnaFinding?.reason, pnaFinding?.fix?.headers[0]?.name]).toEqual(['private-network-header-missing', 'Access-Control-Allow-Private-Network']);
  });

  it('names a cancelled request (never a CORS failure) and keeps one finding per exchange', () => {
    const entries = exchange().actual({ notSent: true }).entries().map(withError('net::ERR_ABORTED'));
    expect(rulesOf(entries)).toEqual(['request-cancelled']);
  });

  it('flags a capture rewritten by a CORS-unblocking extension: rewritten Origin, or "*" delivered to a credentialed request', () => {
    const rewritten = exchange().actual({ acao: '*' }).entries().map(withRequestHeader('Origin', 'https://api.example.net'));
    expect(audit(rewritten)).toEqual([{ rule: 'cors-unblocking-extension', reason: 'rewritten-origin', confidence: 'high', severity: 'warning' }]);
    const delivered = exchange({ cookie: 'sid=1' }).actual({ acao: '*', acac: 'true' }).entries();
    expect(audit(delivered).map((finding) => [finding.rule, finding.reason, finding.confidence])).toContainEqual(['cors-unblocking-extension', 'delivered-despite-wildcard', 'medium']);
    expect(audit(exchange().actual({ acao: '*' }).entries())).toEqual([]);
  });
});

describe('security audit grading', () => {
  const echo = (origin: string, at: number) => exchange({ origin, at }).actual({ acao: origin, acac: 'true' }).entries();

  it('grades a reflected Origin by how many, and how unrelated, the echoed origins are; one origin is silent', () => {
    expect(audit(echo(PAGE, 0))).toEqual([]);
    const reflected = (entries: Entry[]) => audit(entries).filter((finding) => finding.rule === 'reflected-origin-with-credentials');
    // The same URL answering different origins differently also lacks Vary: Origin.
    expect(audit([...echo('https://app.example', 0), ...echo('https://admin.app.example', 100)]).map((finding) => finding.rule)).toContain('missing-vary-origin');
    const sameSite = reflected([...echo('https://app.example', 0), ...echo('https://admin.app.example', 100)]);
    expect(sameSite.map((finding) => [finding.confidence, finding.severity])).toEqual([['low', 'info'], ['low', 'info']]);
    const unrelated = reflected([...echo(PAGE, 0), ...echo('https://evil.example.org', 100)]);
    expect(unrelated.map((finding) => finding.confidence)).toEqual(['medium', 'medium']);
    const three = reflected([...echo(PAGE, 0), ...echo('https://evil.example.org', 100), ...echo('https://x.test', 200)]);
    expect(three.map((finding) => [finding.confidence, finding.severity])).toEqual([
      ['high', 'warning'], ['high', 'warning'], ['high', 'warning'],
    ]);
  });

  it('flags null with credentials, local origins on a public API, http origins on an https API; null without credentials is silent', () => {
    // A redirect to another origin turns the request's Origin into "null".
    const viaRedirect = (acac: string | undefined) => exchange({ cookie: 'sid=1' }).redirect({ to: 'https://cdn.example.org/items', acao: PAGE, acac: 'true' }).actual({ acao: 'null', acac }).entries();
    expect(audit(viaRedirect('true')).map((finding) => [finding.reason, finding.confidence])).toEqual([['null-origin', 'high']]);
    expect(audit(exchange().redirect({ to: 'https://cdn.example.org/items', acao: PAGE }).actual({ acao: 'null' }).entries())).toEqual([]);
    const insecure = exchange({ origin: 'http://app.example' }).actual({ acao: 'http://app.example' }).entries();
    expect(audit(insecure)).toEqual([{ rule: 'untrusted-origin-allowed', reason: 'insecure-origin', confidence: 'high', severity: 'info' }]);
    const privateIp = exchange({ origin: 'http://10.1.2.3:8080' }).actual({ acao: 'http://10.1.2.3:8080', acac: 'true' }).entries();
    expect(audit(privateIp)).toEqual([{ rule: 'untrusted-origin-allowed', reason: 'local-origin', confidence: 'medium', severity: 'warning' }]);
    // A local API trusting a local origin is a development setup, not a finding.
    expect(audit(exchange({ origin: 'http://localhost:3000', url: 'http://localhost:8080/api' }).actual({ acao: 'http://localhost:3000' }).entries())).toEqual([]);
  });

  it('flags "*" on user-specific responses in order: Set-Cookie, Cookie, Cache-Control: private, Authorization', () => {
    const privateCache = exchange().actual({ acao: '*', headers: { 'cache-control': 'private, max-age=0' } }).entries();
    expect(audit(privateCache).map((finding) => [finding.reason, finding.confidence])).toEqual([['private-cache-control', 'medium']]);
    const bearer = exchange({ headers: { Authorization: 'Bearer abc' } }).preflight({ acao: '*', acah: 'authorization' }).actual({ acao: '*' }).entries();
    expect(audit(bearer).map((finding) => [finding.reason, finding.confidence, finding.severity])).toEqual([['authorization-request', 'low', 'info']]);
    // "no-cache-private" is not the directive "private": tokens are compared exactly.
    expect(audit(exchange().actual({ acao: '*', headers: { 'cache-control': 'no-cache-private' } }).entries())).toEqual([]);
  });

  it('flags a specific origin without Vary: Origin only with evidence of origin-dependence', () => {
    expect(audit(exchange().actual({ acao: PAGE }).entries())).toEqual([]);
    const cacheable = audit(exchange().actual({ acao: PAGE, headers: { 'cache-control': 's-maxage=300' } }).entries());
    expect(cacheable.map((finding) => [finding.reason, finding.confidence])).toEqual([['cacheable-without-vary', 'low']]);
    const varyStar = exchange().actual({ acao: PAGE, headers: { 'cache-control': 'public', vary: '*' } }).entries();
    expect(audit(varyStar)).toEqual([]);
  });

  it('flags far broader allow lists than the capture used, but not "*" under credentials (a literal name there)', () => {
    const list = exchange(PUT_JSON).preflight({ ...goodPreflight, acam: 'GET, POST, PUT, PATCH, DELETE, COPY', acah: 'content-type, x-a, x-b, x-c, x-d, x-e' }).actual({ acao: PAGE }).entries();
    expect(audit(list).map((finding) => [finding.reason, finding.confidence])).toEqual([['unused-entries', 'low']]);
    const credentialedStar = exchange({ ...PUT_JSON, cookie: 'sid=1' }).preflight({ ...goodPreflight, acac: 'true', acam: 'PUT, *' }).actual({ acao: PAGE, acac: 'true' }).entries();
    expect(audit(credentialedStar)).toEqual([]);
  });
});

describe('cost findings', () => {
  const put = (at: number, maxAge?: string) => exchange({ ...PUT_JSON, at }).preflight({ ...goodPreflight, ...(maxAge === undefined ? {} : { maxAge }) }).actual({ acao: PAGE }).entries();

  it('reports a repeating preflight once per URL, with the count, the time spent and the cache lifetime', () => {
    const entries = [...put(0), ...put(60_000), ...put(120_000)];
    const findings = report(entries).exchanges.flatMap((item) => item.findings.filter((finding) => finding.rule === 'repeated-preflight'));
    expect(findings).toHaveLength(1);
    expect([findings[0]?.reason, findings[0]?.confidence, findings[0]?.observed]).toEqual(['max-age-missing', 'high', '3 preflights, 36 ms; Access-Control-Max-Age: (absent)']);
    expect(findings[0]?.fix?.headers).toEqual([{ action: 'set', name: 'Access-Control-Max-Age', value: '7200' }]);
  });

  it('grades repeats within the cache lifetime lower, and DevTools "Disable cache" captures lowest', () => {
    const quick = audit([...put(0, '30'), ...put(1000, '30')]).filter((finding) => finding.rule === 'repeated-preflight');
    expect(quick.map((finding) => [finding.reason, finding.confidence])).toEqual([['max-age-short', 'medium']]);
    const disabled = [...put(0, 'ten'), ...put(60_000, 'ten')].map(withRequestHeader('x-unused', '')).map((entry) => ({
      ...entry, request: { ...entry.request, headers: [...entry.request.headers, { name: 'Pragma', value: 'no-cache' }, { name: 'Cache-Control', value: 'no-cache' }] },
    }));
    expect(audit(disabled).filter((finding) => finding.rule === 'repeated-preflight').map((finding) => [finding.reason, finding.confidence])).toEqual([['max-age-invalid', 'low']]);
    expect(audit([...put(0, '7200'), ...put(60_000, '7200')]).filter((finding) => finding.rule === 'repeated-preflight')).toEqual([]);
  });

  it('lists unexposed custom headers, honours Access-Control-Expose-Headers: * only without credentials', () => {
    const star = exchange().actual({ acao: PAGE, headers: { 'x-request-id': 'r1', 'access-control-expose-headers': '*' } }).entries();
    expect(audit(star)).toEqual([]);
    const starCred = exchange({ cookie: 'sid=1' }).actual({ acao: PAGE, acac: 'true', headers: { 'x-request-id': 'r1', 'access-control-expose-headers': '*' } }).entries();
    expect(audit(starCred).map((finding) => finding.reason)).toEqual(['not-exposed']);
    const infrastructure = exchange().actual({ acao: PAGE, headers: { 'x-powered-by': 'Express', 'x-content-type-options': 'nosniff', etag: 'W/"1"' } }).entries();
    expect(audit(infrastructure)).toEqual([]);
  });
});

describe('classification grading and non-duplication', () => {
  it('grades an error response without CORS by whether the same URL sends ACAO elsewhere in the capture', () => {
    const alone = audit(exchange().actual({ status: 503, error: 'net::ERR_FAILED' }).entries());
    expect(alone.map((finding) => [finding.reason, finding.confidence])).toEqual([['actual-error-status', 'medium']]);
    const withOk = audit([...exchange().actual({ acao: PAGE }).entries(), ...exchange({ at: 100 }).actual({ status: 503, error: 'net::ERR_FAILED' }).entries()]);
    expect(withOk.map((finding) => [finding.reason, finding.confidence])).toEqual([['actual-error-status', 'high']]);
    // A 4xx/5xx that carries ACAO and was delivered is an HTTP error the page can read: nothing to classify.
    expect(audit(exchange().actual({ status: 404, acao: '*' }).entries())).toEqual([]);
  });

  it('names a duplicated Access-Control-Allow-Credentials (proxy and app) and a repeated value in one line', () => {
    const lines = audit(exchange({ cookie: 'sid=1' }).actual({ acao: PAGE, acac: ['true', 'true'], error: 'net::ERR_FAILED' }).entries());
    expect(lines.map((finding) => [finding.rule, finding.reason, finding.confidence])).toEqual([['duplicate-cors-header', 'repeated-lines', 'high']]);
    const merged = audit(exchange({ cookie: 'sid=1' }).actual({ acao: PAGE, acac: 'true, true', error: 'net::ERR_FAILED' }).entries());
    expect(merged.map((finding) => finding.reason)).toEqual(['repeated-value']);
  });

  it('names the cause of a redirected preflight only when it is recognisable', () => {
    const cause = (to: string) => audit(exchange(PUT_JSON).preflight({ redirectTo: to }).actual({ notSent: true }).entries()).map((finding) => finding.reason);
    expect(cause(`${API}/`)).toEqual(['trailing-slash']);
    expect(cause('https://www.api.example.net/items')).toEqual(['canonical-host']);
    expect(cause('https://sso.example.net/login?next=/items')).toEqual(['login-page']);
    expect(cause('https://api.example.net/v2/items')).toEqual([]);
  });

  it('never changes a verdict, and never returns "incomplete" into the verdict logic (producers without _error)', () => {
    const entries = [...exchange().actual({ acao: PAGE, acac: 'true' }).entries(), ...exchange({ origin: 'https://x.test', at: 10 }).actual({ acao: 'https://x.test', acac: 'true' }).entries()]
      .map((entry) => { const response = { ...entry.response } as Record<string, unknown>; delete response._error; return { ...entry, response } as unknown as Entry; });
    const { replays } = derive(entries);
    expect(replays.flatMap((result) => result.incomplete.map((item) => item.rule)).filter((rule) => !['missing-allow-origin'].includes(rule))).toEqual([]);
    expect(report(entries).exchanges.map((item) => item.verdict)).toEqual(['allowed', 'allowed']);
  });
});
