// How the engine treats requests that are not plain fetch() calls from the page: EventSource streams the page
// closed, EventSource reconnections, and requests from dedicated workers. The shapes are the ones the
// differential suite recorded in Chromium 156 (test/differential/recorded/, scenarios es-close-live,
// es-reconnect-*, worker-*); these builder tests pin the rules on their own.
import type { Entry, Header } from 'har-format';
import { describe, expect, it } from 'vitest';
import { API, PAGE, exchange } from '../fixtures/builders.js';
import { report, reportExchange } from '../fixtures/replay.js';
import { requestKindOf } from '../../src/engine/spec/request-kinds.js';

const WORKER_SCRIPT = `${PAGE}/worker.js`;

/** What Chromium hands the HAR for a worker's request: only the provisional request headers, a script initiator. */
function fromWorker(entries: Entry[], script = WORKER_SCRIPT): Entry[] {
  return entries.map((item) => {
    if ((item as unknown as { _resourceType?: string })._resourceType === 'preflight') return item;
    const kept = new Set(['user-agent', 'referer', 'content-type', 'x-custom']);
    const headers: Header[] = [...item.request.headers.filter((header) => kept.has(header.name.toLowerCase())), { name: 'Referer', value: `${PAGE}/` }];
    return { ...item, request: { ...item.request, headers }, _initiator: { type: 'script', stack: { callFrames: [{ functionName: 'onmessage', url: script, lineNumber: 7, columnNumber: 1 }] } } } as Entry;
  });
}

describe('EventSource', () => {
  it('does not call a stream the page closed after its 200 blocked (Chromium records net::ERR_ABORTED)', () => {
    const closed = reportExchange(exchange({ resourceType: 'eventsource', headers: { Accept: 'text/event-stream' } }).actual({ acao: PAGE, error: 'net::ERR_ABORTED' }).entries());
    expect([closed.verdict, closed.corsError]).toEqual(['allowed', null]);
    expect(closed.findings.map((finding) => finding.rule)).not.toContain('request-cancelled');
    // A fetch() cancelled the same way is still reported as cancelled: only a stream's close is a normal end.
    const cancelled = reportExchange(exchange().actual({ acao: PAGE, error: 'net::ERR_ABORTED' }).entries());
    expect([cancelled.verdict, cancelled.findings[0]?.rule]).toEqual(['blocked', 'request-cancelled']);
  });

  it('needs no preflight for the Last-Event-ID of a reconnection, but does for a script that sets it on fetch()', () => {
    const reconnection = reportExchange(exchange({ resourceType: 'eventsource', headers: { Accept: 'text/event-stream', 'Last-Event-ID': '7' } }).actual({ acao: PAGE }).entries());
    expect([reconnection.kind, reconnection.preflight.status, reconnection.verdict]).toEqual(['simple', 'not-needed', 'allowed']);
    expect(reconnection.findings.map((finding) => finding.rule)).not.toContain('preflight-not-in-capture');
    const scripted = reportExchange(exchange({ headers: { 'Last-Event-ID': '7' } }).actual({ acao: PAGE }).entries());
    expect([scripted.kind, scripted.preflight.status]).toEqual(['preflighted', 'not-in-capture']);
  });
});

describe('requests from a dedicated worker', () => {
  const workerOk = fromWorker(exchange({ url: `${API}/ok` }).actual({ acao: PAGE }).entries());

  it('says a blocked worker request cannot name its CORS error when the HAR kept no response, and why', () => {
    const blocked = fromWorker(exchange({ url: `${API}/blocked`, at: 100 }).actual({ notSent: true }).entries());
    const result = report([...workerOk, ...blocked]).exchanges.find((item) => item.url.endsWith('/blocked'));
    expect([result?.verdict, result?.corsError]).toEqual(['blocked', null]);
    const finding = result?.findings.find((item) => item.rule === 'unexplained-network-error');
    expect(finding?.reason).toBe('worker-response-not-recorded');
    expect(finding?.message).toContain(WORKER_SCRIPT);
    expect(finding?.message).toMatch(/not which check failed/);
  });

  it('tells a worker\'s unanswered request (no client hints) from a page\'s (client hints among its provisional headers)', () => {
    const alone = reportExchange(fromWorker(exchange({ url: `${API}/blocked` }).actual({ notSent: true }).entries()));
    expect(alone.findings.find((item) => item.rule === 'unexplained-network-error')?.message).toMatch(/lack the client hints/);
    const fromPage = reportExchange(exchange({ url: `${API}/blocked` }).actual({ notSent: true }).entries());
    const finding = fromPage.findings.find((item) => item.rule === 'unexplained-network-error');
    expect(finding?.reason).toBe('no-response-headers');
    expect(finding?.message).toMatch(/request from a worker/);
    // Over plain http to a public host Chromium sends no client hints at all, so their absence proves nothing.
    const insecure = reportExchange(fromWorker(exchange({ url: 'http://api.example.net/blocked' }).actual({ notSent: true }).entries()));
    expect(insecure.findings.find((item) => item.rule === 'unexplained-network-error')?.reason).toBe('no-response-headers');
  });

  it('does not blame a passing preflight on a guessed credentials mode when the worker\'s actual response is unseen', () => {
    const put = { url: `${API}/put`, method: 'PUT', at: 100 } as const;
    const preflighted = exchange(put).preflight({ acao: PAGE, acam: 'PUT' }).actual({ notSent: true }).entries();
    const fromPage = reportExchange(preflighted);
    // From the page, the actual request stopped by its preflight: only a credentialed request explains that.
    expect([fromPage.corsError, fromPage.credentials.basis]).toEqual(['PreflightInvalidAllowCredentials', 'observed-outcome']);
    const inWorker = report([...workerOk, ...fromWorker(preflighted)]).exchanges.find((item) => item.url.endsWith('/put'));
    expect([inWorker?.verdict, inWorker?.corsError, inWorker?.credentials.basis]).toEqual(['blocked', null, 'assumed-default']);
  });

  it('keeps naming the error a worker request\'s recorded preflight explains', () => {
    const denied = fromWorker(exchange({ url: `${API}/put`, method: 'PUT', at: 100 }).preflight({ acao: PAGE }).actual({ notSent: true }).entries());
    const result = report([...workerOk, ...denied]).exchanges.find((item) => item.url.endsWith('/put'));
    expect([result?.verdict, result?.corsError]).toEqual(['blocked', 'MethodDisallowedByPreflightResponse']);
  });
});

describe('Local Network Access', () => {
  it('names LocalNetworkAccessPermissionDenied when the preflight carries Chromium\'s LNA net error, and says it is a permission', () => {
    const entries = exchange({ method: 'PUT' }).preflight({ acao: '*', acam: 'PUT' }).actual({ notSent: true }).entries().map((item) =>
      (item.request.method === 'OPTIONS'
        ? { ...item, response: { ...item.response, status: 0, headers: [], _error: 'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS' } } as Entry
        : item));
    const result = reportExchange(entries);
    expect([result.verdict, result.corsError]).toEqual(['blocked', 'LocalNetworkAccessPermissionDenied']);
    const finding = result.findings.find((item) => item.rule === 'local-network-access-denied');
    expect(finding?.message).toMatch(/permission, not a header/);
    expect(finding?.message).toMatch(/targetAddressSpace/);
  });

  it('does not name it for a bare net::ERR_FAILED between two loopback origins (the HAR has no address spaces)', () => {
    const result = reportExchange(exchange({ origin: 'http://127.0.0.1:8000', url: 'http://127.0.0.1:9000/api' }).actual({ notSent: true }).entries());
    expect([result.verdict, result.corsError]).toEqual(['blocked', null]);
    expect(result.findings.find((item) => item.rule === 'unexplained-network-error')?.message).toMatch(/Local Network Access/);
  });
});

describe('assumptions about worker requests', () => {
  it('says the capture cannot tell a worker request\'s credentials mode (no Cookie header is ever recorded)', () => {
    // Allowed in either mode (ACAO exact with ACAC true), so the outcome cannot decide.
    const ok = reportExchange(fromWorker(exchange({ url: `${API}/ok` }).actual({ acao: PAGE, acac: 'true' }).entries()));
    expect(ok.assumptions.join(' ')).toMatch(/came from a worker/);
    const fromPage = reportExchange(exchange({ url: `${API}/ok` }).actual({ acao: PAGE, acac: 'true' }).entries());
    expect(fromPage.assumptions.join(' ')).not.toMatch(/worker/);
  });
});

describe('request kinds (spec/request-kinds.ts)', () => {
  it.each([
    ['script', 'no-cors', 'classic script without crossorigin (no-cors)', null],
    ['script', 'cors', 'script in CORS mode (module script, import(), modulepreload, or crossorigin)', null],
    ['script', null, 'script', null],
    ['ping', 'cors', 'beacon with a non-safelisted body type (CORS, credentials included)', null],
    ['eventsource', 'cors', 'EventSource', 'cors'],
    ['font', null, 'font (@font-face, the FontFace API or a font preload)', 'cors'],
    ['media', 'no-cors', 'audio or video without crossorigin (no-cors)', null],
  ] as const)('%s with Sec-Fetch-Mode %s is "%s"', (resourceType, mode, label, fixedMode) => {
    expect(requestKindOf(resourceType, mode)).toMatchObject({ label, fixedMode });
  });

  it('has no kind without a resource type, and names an unknown type as it is', () => {
    expect(requestKindOf(null, 'cors')).toBeNull();
    expect(requestKindOf('signedexchange', null)).toEqual({ label: 'signedexchange', basis: '_resourceType "signedexchange"', fixedMode: null });
  });
});
