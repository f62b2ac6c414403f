import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCrossOrigin, originOf } from '../../src/engine/index.js';
import { urlHasCredentials } from '../../src/engine/model/origin.js';
import { corsUnsafeRequestHeaders } from '../../src/engine/spec/headers.js';
import { PAGE, exchange, sameOriginGet } from '../fixtures/builders.js';
import { only, reportExchange } from '../fixtures/replay.js';

const fields = (headers: Record<string, string>) =>
  Object.entries(headers).map(([name, value]) => ({ name, lowerName: name.toLowerCase(), value }));

describe('origins', () => {
  it.each([
    ['https://Example.com:443/path?q', 'https://example.com'],
    ['http://example.com:80/', 'http://example.com'],
    ['http://example.com:8080/', 'http://example.com:8080'],
    ['data:text/plain,hi', 'null'],
    ['not a url', null],
  ])('originOf(%s) = %s', (url, origin) => {
    expect(originOf(url)).toBe(origin);
  });

  it('agrees with the URL parser on http(s) URLs, on the fast path and off it', () => {
    // The fast path matches a memoized scheme-and-host prefix; anything unusual goes to the parser.
    const part = (values: readonly string[]) => fc.constantFrom(...values);
    const url = fc.tuple(
      part(['https://', 'http://', 'HTTP://', 'https:/', 'https:///']),
      part(['', 'user:pw@', 'a@', ':@', 'u%40x@']),
      part(['api.example.com', 'API.Example.com', 'xn--bcher-kva.example', '127.1', '0x7f.0.0.1', 'a..b', 'host.', '-x.example', 'ex ample.com', 'a.b9']),
      part(['', ':443', ':80', ':8080', ':0', ':65535', ':65536', ':99999', ':08', ':']),
      part(['', '/', '/p?q', '?q', '#f', '\\x', '/a b', '/%2e', '\t/x']),
    ).map((parts) => parts.join(''));
    const parserOrigin = (text: string): string | null => {
      try {
        const parsed = new URL(text);
        return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : 'null';
      } catch {
        return null;
      }
    };
    const parserCredentials = (text: string): boolean => {
      try {
        const parsed = new URL(text);
        return parsed.username !== '' || parsed.password !== '';
      } catch {
        return false;
      }
    };
    fc.assert(fc.property(url, (text) => {
      expect(originOf(text)).toBe(parserOrigin(text));
      expect(urlHasCredentials(text)).toBe(parserCredentials(text));
    }), { numRuns: 2_000 });
  });

  it('compares page and request origins', () => {
    expect(isCrossOrigin('https://app.example', 'https://app.example/api')).toBe(false);
    expect(isCrossOrigin('https://app.example/page', 'https://api.example/api')).toBe(true);
    expect(isCrossOrigin('https://app.example', 'http://app.example/')).toBe(true);
    expect(isCrossOrigin('null', 'https://app.example/')).toBe(true);
  });
});

describe('why a preflight was needed', () => {
  it.each([
    [{ 'X-Custom': '1' }, 'x-custom', 'name-not-safelisted'],
    [{ 'Content-Type': 'application/json' }, 'content-type', 'content-type-essence'],
    [{ 'Content-Type': 'text/plain; x="a(b)"' }, 'content-type', 'unsafe-byte'],
    [{ Accept: 'a'.repeat(129) }, 'accept', 'value-too-long'],
    [{ Range: 'bytes=0-1,5-6' }, 'range', 'range-form'],
    [{ 'Accept-Language': 'en@x' }, 'accept-language', 'unsafe-byte'],
  ])('%j makes %s unsafe because %s', (headers, name, why) => {
    expect(corsUnsafeRequestHeaders(fields(headers))).toEqual([expect.objectContaining({ name, why })]);
  });

  it('ignores forbidden and browser-added headers', () => {
    expect(corsUnsafeRequestHeaders(fields({ Cookie: 'a', 'User-Agent': 'x', 'Sec-Fetch-Mode': 'cors', ':method': 'GET', Accept: '*/*' }))).toEqual([]);
  });

  it('makes every safelisted header unsafe past 1024 bytes in total', () => {
    const lines = ['accept', 'accept-language', 'content-language'].flatMap((name) => Array.from({ length: 3 }, () => ({ name, lowerName: name, value: 'a'.repeat(120) })));
    const unsafe = corsUnsafeRequestHeaders(lines);
    expect(unsafe).toHaveLength(9);
    expect(corsUnsafeRequestHeaders(lines.slice(0, 8))).toEqual([]);
    expect(unsafe.every((header) => header.why === 'total-safelisted-size')).toBe(true);
  });

  it('states the method and header reasons on the exchange', () => {
    const result = reportExchange(exchange({ method: 'DELETE', headers: { Authorization: 'Bearer x' } }).actual({ acao: PAGE }).entries());
    expect(result.preflight).toEqual({
      entry: null,
      status: 'not-in-capture',
      reasons: [{ kind: 'method', method: 'DELETE' }, { kind: 'header', name: 'authorization', why: 'name-not-safelisted', value: 'Bearer x' }],
    });
  });
});

describe('kinds and modes', () => {
  it('labels a same-origin request allowed', () => {
    const result = reportExchange(sameOriginGet());
    expect([result.kind, result.verdict, result.corsError]).toEqual(['same-origin', 'allowed', null]);
  });

  it('labels a simple cross-origin GET', () => {
    expect(reportExchange(exchange().actual({ acao: '*' }).entries()).kind).toBe('simple');
  });

  it('treats a GET without Origin or Sec-Fetch-Mode as no-cors (opaque, allowed)', () => {
    const entries = exchange({ origin: null, secFetch: false, resourceType: 'image' }).actual({}).entries();
    const result = reportExchange(entries);
    expect([result.kind, result.verdict]).toEqual(['no-cors', 'allowed']);
  });
});

describe('credentials inference', () => {
  it('proves include from a Cookie header', () => {
    const { exchange: derived } = only(exchange({ cookie: 'sid=1' }).actual({ acao: PAGE, acac: 'true' }).entries());
    expect(derived.credentials).toEqual({ mode: 'include', basis: 'cookie-header' });
  });

  it('infers "not include" when ACAO * loaded fine', () => {
    const result = reportExchange(exchange().actual({ acao: '*', acac: 'true' }).entries());
    expect(result.credentials).toEqual({ mode: 'not-include', basis: 'observed-outcome' });
    expect(result.verdict).toBe('allowed');
    expect(result.assumptions.join(' ')).toMatch(/not "include"/);
  });

  it('infers include when only a credentialed request explains net::ERR_FAILED', () => {
    const result = reportExchange(exchange().actual({ acao: '*', error: 'net::ERR_FAILED' }).entries());
    expect(result.credentials).toEqual({ mode: 'include', basis: 'observed-outcome' });
    expect(result.corsError).toBe('WildcardOriginNotAllowed');
  });

  it('assumes the fetch default when the outcome does not depend on it, and says so', () => {
    const result = reportExchange(exchange().actual({ acao: PAGE, acac: 'true' }).entries());
    expect(result.credentials.basis).toBe('assumed-default');
    expect(result.assumptions[0]).toMatch(/assumed/);
  });
});

describe('verdicts and messages', () => {
  it('says a blocked simple POST still ran on the server', () => {
    const result = reportExchange(exchange({ method: 'POST', headers: { 'Content-Type': 'text/plain' } }).actual({ error: 'net::ERR_FAILED' }).entries());
    expect(result.corsError).toBe('MissingAllowOriginHeader');
    expect(result.findings[0]?.message).toMatch(/blocked POST still ran on the server/);
    expect(result.findings[0]?.fix).toMatchObject({
      target: 'actual',
      headers: [{ action: 'set', name: 'Access-Control-Allow-Origin', value: PAGE }, { action: 'set', name: 'Vary', value: 'Origin' }],
      summary: `Send Access-Control-Allow-Origin: ${PAGE} (and Vary: Origin).`,
    });
  });

  it('reports every failing check of the blocking response, first one named by Chromium', () => {
    const entries = exchange({ method: 'PUT', headers: { 'X-Trace': '1' } })
      .preflight({ status: 405, acao: PAGE, acam: 'GET', acah: 'x-other' }).actual({ notSent: true }).entries();
    const result = reportExchange(entries);
    expect(result.corsError).toBe('PreflightInvalidStatus');
    expect(result.findings.filter((finding) => finding.category === 'cors').map((finding) => [finding.rule, finding.corsError])).toEqual([
      ['preflight-invalid-status', 'PreflightInvalidStatus'],
      ['disallowed-request-method', 'MethodDisallowedByPreflightResponse'],
      ['disallowed-request-header', 'HeaderDisallowedByPreflightResponse'],
    ]);
    expect(result.findings[2]?.fix?.headers[0]).toEqual({ action: 'set', name: 'Access-Control-Allow-Headers', value: 'x-other, x-trace' });
  });

  it('calls a 304 preflight (and a 302 without Location) an invalid status, not a redirect — as Chromium does', () => {
    for (const status of [304, 302]) {
      const entries = exchange({ method: 'PUT' }).preflight({ status, acao: PAGE, acam: 'PUT' }).actual({ notSent: true }).entries();
      const result = reportExchange(entries);
      expect([status, result.corsError]).toEqual([status, 'PreflightInvalidStatus']);
      expect(result.findings.map((finding) => finding.rule)).not.toContain('preflight-redirected');
    }
    const redirected = exchange({ method: 'PUT' }).preflight({ redirectTo: `${PAGE}/elsewhere` }).actual({ notSent: true }).entries();
    expect(reportExchange(redirected).corsError).toBe('PreflightDisallowedRedirect');
  });

  it('does not call a non-CORS failure a CORS error', () => {
    const entries = exchange().actual({ acao: PAGE, error: 'net::ERR_ABORTED' }).entries();
    const result = reportExchange(entries);
    // The cancellation is named by request-cancelled, which supersedes the generic request-failed-before-response.
    expect([result.verdict, result.corsError, result.findings[0]?.rule, result.findings[0]?.reason]).toEqual(['blocked', null, 'request-cancelled', 'cancelled-after-response']);
    expect(result.findings.map((finding) => finding.rule)).not.toContain('request-failed-before-response');
  });

  it('marks a request without a recorded response as unknown, saying what is missing', () => {
    const result = reportExchange(exchange().actual({ noResponse: true }).entries());
    expect(result.verdict).toBe('unknown');
    expect(result.findings.map((finding) => finding.reason)).toContain('no-response-recorded');
  });
});
