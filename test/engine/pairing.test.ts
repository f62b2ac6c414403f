import type { Entry } from 'har-format';
import { describe, expect, it } from 'vitest';
import { API, PAGE, exchange } from '../fixtures/builders.js';
import { derive, only, report } from '../fixtures/replay.js';
import { diagnose } from '../../src/engine/index.js';

const putJson = { method: 'PUT', headers: { 'Content-Type': 'application/json' } } as const;
const allowPut = { acao: PAGE, acam: 'PUT', acah: 'content-type' } as const;

describe('pairing preflights with their requests', () => {
  it.each([false, true])('pairs a preflight listed %s the request', (preflightFirst) => {
    const entries = exchange(putJson).preflight(allowPut).actual({ acao: PAGE }).entries({ preflightFirst });
    const { exchange: paired } = only(entries);
    expect(paired.entries).toEqual([0, 1]);
    expect(paired.kind).toBe('preflighted');
    expect(paired.preflightStatus).toBe('sent');
  });

  it('diagnoses a request stopped by its failed preflight from the preflight', () => {
    const entries = exchange(putJson).preflight({ status: 404 }).actual({ notSent: true }).entries();
    const [result] = report(entries).exchanges;
    expect(result?.entries).toEqual([0, 1]);
    expect(result?.verdict).toBe('blocked');
    expect(result?.corsError).toBe('PreflightMissingAllowOriginHeader');
    expect(result?.findings.map((finding) => `${finding.rule}@${finding.response}`)).toEqual(
      expect.arrayContaining(['missing-allow-origin@preflight', 'preflight-invalid-status@preflight']),
    );
    expect(result?.initiatorOrigin).toBe(PAGE);
  });

  it('pairs identical requests in flight one preflight each, by time', () => {
    const first = exchange({ ...putJson, at: 0 }).preflight(allowPut).actual({ acao: PAGE }).entries();
    const second = exchange({ ...putJson, at: 1000 }).preflight({ status: 500 }).actual({ notSent: true }).entries();
    const { exchanges } = derive([first[0], second[0], first[1], second[1]] as Entry[]);
    expect(exchanges.map((item) => item.entries)).toEqual([[0, 2], [1, 3]]);
  });

  it('treats several requests sharing one cached preflight as one sent and the rest not in capture', () => {
    const first = exchange({ ...putJson, at: 0 }).preflight(allowPut).actual({ acao: PAGE }).entries();
    const cached = exchange({ ...putJson, at: 500 }).actual({ acao: PAGE }).entries();
    const { exchanges } = derive([...first, ...cached]);
    expect(exchanges.map((item) => item.preflightStatus)).toEqual(['sent', 'not-in-capture']);
  });

  it('uses Access-Control-Request-Headers to pick between requests to the same URL', () => {
    const plain = exchange({ method: 'PUT', at: 0 }).actual({ acao: PAGE }).entries();
    const custom = exchange({ method: 'PUT', headers: { 'X-Trace': '1' }, at: 2 }).preflight({ ...allowPut, acah: 'x-trace' }).actual({ acao: PAGE }).entries();
    const { exchanges } = derive([...plain, ...custom]);
    const withPreflight = exchanges.find((item) => item.preflightStatus === 'sent');
    expect(withPreflight?.entries).toEqual([1, 2]);
  });

  it('keeps an OPTIONS preflight without its request as its own exchange', () => {
    const entries = exchange(putJson).preflight(allowPut).actual({ acao: PAGE }).entries().filter((entry) => entry.request.method === 'OPTIONS');
    const [result] = report(entries).exchanges;
    expect(result?.method).toBe('PUT');
    expect(result?.verdict).toBe('unknown');
    expect(result?.findings.map((finding) => finding.rule)).toContain('actual-request-not-in-capture');
  });
});

describe('redirect chains', () => {
  it('chains hops by redirectURL into one exchange and checks each hop', () => {
    const entries = exchange().redirect({ to: 'https://cdn.example.org/items', acao: PAGE }).actual({ acao: PAGE, error: 'net::ERR_FAILED' }).entries();
    const [result] = report(entries).exchanges;
    expect(result?.entries).toEqual([0, 1]);
    expect(result?.url).toBe(API);
    // After a redirect to a third origin the browser sends Origin: null and needs "null" or "*".
    expect(result?.corsError).toBe('AllowOriginMismatch');
    expect(result?.findings[0]?.reason).toBe('origin-is-null-after-redirect');
  });

  it('reports a failing redirect hop by its hop number', () => {
    const entries = exchange().redirect({ to: 'https://cdn.example.org/items' }).actual({ notSent: true }).entries();
    const [result] = report(entries).exchanges;
    expect(result?.corsError).toBe('MissingAllowOriginHeader');
    expect(result?.findings[0]?.response).toBe('redirect hop 1');
  });

  it('pairs the preflight of a redirect target with that hop', () => {
    const entries = exchange(putJson)
      .preflight(allowPut).redirect({ status: 307, to: 'https://cdn.example.org/items', acao: PAGE })
      .preflight({ acao: 'null', acam: 'PUT', acah: 'content-type' }).actual({ acao: 'null' })
      .entries();
    const { exchange: paired, replay } = only(entries);
    expect(paired.entries).toEqual([0, 1, 2, 3]);
    expect(paired.steps.map((step) => step.label)).toEqual(['preflight', 'redirect hop 1', 'preflight of hop 2', 'actual']);
    expect(replay.blocking).toBeNull();
  });

  it('flags a preflight that was redirected', () => {
    const entries = exchange(putJson).preflight({ redirectTo: `${API}/` }).actual({ notSent: true }).entries();
    expect(report(entries).exchanges[0]?.corsError).toBe('PreflightDisallowedRedirect');
  });
});

describe('scale', () => {
  it('diagnoses 100k entries in about the time of JSON.parse', () => {
    const entries: Entry[] = [];
    for (let i = 0; i < 33_334; i++) {
      entries.push(...exchange({ ...putJson, at: i * 3 }).preflight(allowPut).actual({ acao: PAGE }).entries());
      entries.push(...exchange({ at: i * 3 + 1, url: `${API}?page=${i % 50}` }).actual({ acao: '*' }).entries());
    }
    const text = JSON.stringify({ log: { entries } });
    const parseStart = performance.now();
    JSON.parse(text);
    const parseMs = performance.now() - parseStart;
    const start = performance.now();
    const result = diagnose(text);
    const diagnoseMs = performance.now() - start;
    expect(entries.length).toBeGreaterThanOrEqual(100_000);
    expect(result.ok && result.report.summary.exchanges).toBe(66_668);
    // Generous bound for CI noise; quadratic pairing would take minutes.
    expect(diagnoseMs).toBeLessThan(Math.max(8_000, parseMs * 25));
  }, 60_000);
});
