// Which browser a report judges for, and the Firefox mode on HARs shaped as Firefox records them
// (docs/firefox-notes.md, test/differential/README.md): no _error, blocked responses recorded as
// ordinary responses, requests stopped at their preflight with status 0 and empty timings, preflights listed
// after their request, credentials visible only through Sec-Fetch-Storage-Access.
import { describe, expect, it } from 'vitest';
import { diagnose, exportReport, openInput, reportToText, type Report } from '../../src/engine/index';
import { judgedBrowserOf, NO_PRODUCER } from '../../src/engine/spec/browsers';
import { firefoxErrorOfCategory } from '../../src/engine/spec/firefox-errors';
import { readHarSample } from '../fixtures/har-samples';
import { har } from '../fixtures/builders';
import { RULE_FIXTURES } from './rule-fixtures';

const PAGE = 'https://app.example';
const API = 'https://api.other.example';
const FIREFOX = { name: 'Firefox', version: '153.0' };

type Header = [string, string];
interface Entry {
  startedDateTime: string;
  request: { method: string; url: string; httpVersion: string; headers: { name: string; value: string }[]; cookies: []; queryString: []; headersSize: number; bodySize: number };
  response: { status: number; statusText: string; httpVersion: string; headers: { name: string; value: string }[]; cookies: []; content: { size: number; mimeType: string }; redirectURL: string; headersSize: number; bodySize: number };
  cache: object;
  timings: object;
  time: number;
}

let clock = 0;
function entry(method: string, url: string, requestHeaders: Header[], status: number, responseHeaders: Header[]): Entry {
  clock += 10;
  const sent = status > 0;
  return {
    startedDateTime: new Date(Date.UTC(2026, 11, 7, 8, 0, 0, clock)).toISOString(),
    request: { method, url, httpVersion: 'HTTP/1.1', headers: requestHeaders.map(([name, value]) => ({ name, value })), cookies: [], queryString: [], headersSize: -1, bodySize: 0 },
    response: { status, statusText: sent ? 'OK' : '', httpVersion: sent ? 'HTTP/1.1' : '', headers: responseHeaders.map(([name, value]) => ({ name, value })), cookies: [], content: { size: 0, mimeType: 'application/json' }, redirectURL: '', headersSize: -1, bodySize: sent ? 2 : -1 },
    cache: {},
    timings: sent ? { blocked: 0, dns: 0, connect: 0, ssl: 0, send: 0, wait: 5, receive: 0 } : {},
    time: sent ? 5 : 0,
  };
}

function firefoxHar(...entries: Entry[]) {
  return { log: { version: '1.2', creator: FIREFOX, browser: FIREFOX, pages: [], entries } };
}

const corsGet = (extra: Header[] = []): Header[] => [['Origin', PAGE], ['Sec-Fetch-Mode', 'cors'], ['Sec-Fetch-Site', 'cross-site'], ...extra];

function only(report: Report) {
  expect(report.exchanges).toHaveLength(1);
  return report.exchanges[0]!;
}

describe('the judged browser', () => {
  it('is the one the HAR names, else Chromium (assumed), unless chosen', () => {
    expect(judgedBrowserOf(undefined, NO_PRODUCER)).toEqual({ id: 'chromium', basis: 'assumed', recordedBy: null });
    expect(judgedBrowserOf(undefined, { creatorName: 'Firefox', browserName: 'Firefox', browserVersion: '153.0' })).toEqual({ id: 'firefox', basis: 'har-browser', recordedBy: 'Firefox 153.0' });
    expect(judgedBrowserOf(undefined, { creatorName: 'WebInspector', browserName: null, browserVersion: null }).basis).toBe('har-creator');
    expect(judgedBrowserOf('firefox', { creatorName: 'WebInspector', browserName: null, browserVersion: null }).id).toBe('firefox');
    expect(judgedBrowserOf('firefox', NO_PRODUCER, true).basis).toBe('live-host');
  });

  it.each([
    ['firefox-devtools-cross-origin-s3.har', 'firefox', 'har-browser'],
    ['firefox-devtools-blocked-and-insecure.har', 'firefox', 'har-browser'],
    ['firebug-har11-redirects.har', 'firefox', 'har-browser'],
    ['chrome-devtools-google-cors-preflight.har', 'chromium', 'har-creator'],
    ['playwright-redirect-chain.har', 'chromium', 'har-browser'],
    ['webpagetest-nytimes-failed-preflight.har', 'chromium', 'har-browser'],
    ['charles4-cors-headers-base64.har', 'chromium', 'assumed'],
    ['safari-webinspector-cross-origin-s3.har', 'chromium', 'assumed'],
  ])('%s is judged for %s (%s)', (file, id, basis) => {
    const result = diagnose(readHarSample(file));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.report.browser.id).toBe(id);
    expect(result.report.browser.basis).toBe(basis);
  });

  it('reads console categories as reason keys', () => {
    expect(firefoxErrorOfCategory('CORSMissingAllowOrigin2')).toBe('CORSMissingAllowOrigin');
    expect(firefoxErrorOfCategory('CORSPreflightDidNotSucceed3')).toBe('CORSPreflightDidNotSucceed');
    expect(firefoxErrorOfCategory('CSP')).toBeNull();
  });
});

describe('Firefox mode on a Firefox HAR', () => {
  it('blocks a credentialed request answered with "*": the Sec-Fetch-Storage-Access header is the only trace of credentials', () => {
    const har = firefoxHar(entry('GET', `${API}/me`, corsGet([['Sec-Fetch-Storage-Access', 'none']]), 200, [['Access-Control-Allow-Origin', '*']]));
    const result = diagnose(har);
    if (!result.ok) throw new Error(result.error.message);
    const exchange = only(result.report);
    expect(result.report.browser.id).toBe('firefox');
    expect(exchange.credentials).toEqual({ mode: 'include', basis: 'storage-access-header' });
    expect(exchange.verdict).toBe('blocked');
    expect(exchange.firefoxError).toBe('CORSNotSupportingCredentials');
    expect(exchange.corsError).toBe('WildcardOriginNotAllowed');
    expect(exchange.findings[0]?.firefoxError).toBe('CORSNotSupportingCredentials');
    expect(result.report.problems[0]?.firefoxErrors).toEqual(['CORSNotSupportingCredentials']);
  });

  it('pairs a preflight listed after its request, and blocks the request it stopped (status 0, empty timings)', () => {
    const put = entry('PUT', `${API}/items/7`, corsGet([['Content-Type', 'application/json']]), 0, []);
    const preflight = entry('OPTIONS', `${API}/items/7`, [['Origin', PAGE], ['Access-Control-Request-Method', 'PUT'], ['Access-Control-Request-Headers', 'content-type']], 404, []);
    const result = diagnose(firefoxHar(put, preflight));
    if (!result.ok) throw new Error(result.error.message);
    const exchange = only(result.report);
    expect(exchange.preflight.status).toBe('sent');
    expect(exchange.verdict).toBe('blocked');
    // Firefox has no preflight-specific names: a 404 without Allow-Origin is "CORS header missing" (measured).
    expect(exchange.firefoxError).toBe('CORSMissingAllowOrigin');
    expect(exchange.corsError).toBe('PreflightMissingAllowOriginHeader');
  });

  it('blocks a request Firefox recorded without a response, and says the HAR cannot tell why; Chromium mode cannot tell either way', () => {
    const har = firefoxHar(entry('GET', `${API}/down`, corsGet(), 0, []));
    const firefox = diagnose(har);
    const chromium = diagnose(har, { browser: 'chromium' });
    if (!firefox.ok || !chromium.ok) throw new Error('not diagnosed');
    expect(only(firefox.report)).toMatchObject({ verdict: 'blocked', firefoxError: null, corsError: null });
    expect(only(firefox.report).findings.map((finding) => [finding.rule, finding.reason])).toEqual([['unexplained-network-error', 'firefox-no-response']]);
    expect(only(firefox.report).findings[0]?.message).toMatch(/CORSDidNotSucceed/);
    expect(only(chromium.report)).toMatchObject({ verdict: 'unknown', firefoxError: null });
  });

  it('lets "Access-Control-Allow-Headers: *" cover Authorization, as both browsers do, and warns with Firefox\'s deprecation key', () => {
    const get = entry('GET', `${API}/private`, corsGet([['Authorization', 'Bearer t']]), 200, [['Access-Control-Allow-Origin', PAGE]]);
    const preflight = entry('OPTIONS', `${API}/private`, [['Origin', PAGE], ['Access-Control-Request-Method', 'GET'], ['Access-Control-Request-Headers', 'authorization']], 204, [['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Headers', '*']]);
    for (const browser of ['firefox', 'chromium'] as const) {
      const result = diagnose(firefoxHar(get, preflight), { browser });
      if (!result.ok) throw new Error(result.error.message);
      const exchange = only(result.report);
      expect(exchange.verdict).toBe('allowed');
      const warning = exchange.findings.find((finding) => finding.rule === 'authorization-covered-by-wildcard');
      expect(warning?.severity).toBe('warning');
      expect(warning?.firefoxError).toBe(browser === 'firefox' ? 'CORSAllowHeaderFromPreflightDeprecation' : null);
      expect(warning?.fix?.headers).toEqual([{ action: 'set', name: 'Access-Control-Allow-Headers', value: '*, authorization' }]);
    }
  });

  it('says where the other browser reaches another verdict: a redirected request\'s preflight allowing the page\'s origin but not "null"', () => {
    // Chromium's HAR: after PUT 307 → another origin, the second preflight carried Origin: null and was answered
    // with the page's origin (the differential suites' redir-preflighted-307-null-mismatch).
    const result = diagnose(har(RULE_FIXTURES['redirected-preflight-origin'].fail as never), { browser: 'chromium' });
    if (!result.ok) throw new Error(result.error.message);
    const exchange = result.report.exchanges[0]!;
    expect(exchange.verdict).toBe('blocked');
    expect(exchange.corsError).toBe('PreflightAllowOriginMismatch');
    const note = exchange.findings.find((finding) => finding.rule === 'redirected-preflight-origin');
    expect(note?.severity).toBe('warning');
    expect(note?.message).toMatch(/^Firefox would allow this request\. .*Chromium sends it with Origin: null and blocks it/);
    expect(reportToText(result.report)).toMatch(/Chromium and Firefox disagree/);
  });

  it('says which browser it judged for in every format, and a reopened export keeps a chosen browser', () => {
    const har = { log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [], entries: [entry('GET', `${API}/x`, corsGet(), 200, [])] } };
    const exported = exportReport(har, { format: 'json', browser: 'firefox', generatedAt: '2026-12-07T00:00:00Z' });
    if (!exported.ok) throw new Error(exported.error.message);
    const json = JSON.parse(exported.content) as { browser: { id: string; basis: string }; exchanges: { firefoxError: string | null }[] };
    expect(json.browser).toMatchObject({ id: 'firefox', basis: 'chosen' });
    expect(json.exchanges[0]?.firefoxError).toBe('CORSMissingAllowOrigin');
    const reopened = openInput(exported.content);
    if (!reopened.ok) throw new Error(reopened.error.message);
    expect(reopened.report.browser).toMatchObject({ id: 'firefox', basis: 'chosen' });
    expect(reportToText(reopened.report)).toContain("Firefox's checks (chosen)");
    for (const format of ['md', 'html'] as const) {
      const rendered = exportReport(har, { format, browser: 'firefox', generatedAt: '2026-12-07T00:00:00Z' });
      if (!rendered.ok) throw new Error(rendered.error.message);
      expect(rendered.content).toContain('CORSMissingAllowOrigin');
      expect(rendered.content).toMatch(/Firefox(’|'|&#39;)s checks \(chosen\)/);
    }
  });

  it('keeps the recording browser in a redacted export, so reopening judges for it again', () => {
    const har = firefoxHar(entry('GET', `${API}/x`, corsGet(), 200, []));
    const exported = exportReport(har, { format: 'json', generatedAt: '2026-12-07T00:00:00Z' });
    if (!exported.ok) throw new Error(exported.error.message);
    expect(exported.document.export.har.log.browser).toEqual(FIREFOX);
    const reopened = openInput(exported.content);
    if (!reopened.ok) throw new Error(reopened.error.message);
    expect(reopened.report.browser).toMatchObject({ id: 'firefox', basis: 'har-browser' });
  });
});
