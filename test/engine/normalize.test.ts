import { describe, expect, it } from 'vitest';
import { diagnose, parseHarText, reportToText } from '../../src/engine/index.js';
import { normalizeHar } from '../../src/engine/har/normalize.js';
import { exchange, har } from '../fixtures/builders.js';

const oneEntryHar = exchange().actual({ acao: '*' }).har();

describe('parseHarText', () => {
  it('accepts a UTF-8 byte order mark', () => {
    const result = parseHarText(`\uFEFF${JSON.stringify(oneEntryHar)}`);
    expect(result.ok).toBe(true);
  });

  it('strips a HARP/JSONP onInputData(...) wrapper', () => {
    const result = parseHarText(`onInputData(${JSON.stringify(oneEntryHar)});`);
    expect(result.ok && typeof result.value === 'object').toBe(true);
  });

  it('rejects text that is not JSON with a one-line reason', () => {
    const result = parseHarText('<html>not a har</html>');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toMatch(/not valid JSON/);
      expect(result.error.message).not.toContain('\n');
    }
  });

  it('rejects empty input', () => {
    expect(parseHarText('  \n').ok).toBe(false);
  });
});

describe('diagnose input shapes', () => {
  const entries = oneEntryHar.log.entries;
  it.each([
    ['a saved file {log}', oneEntryHar],
    ['a getHAR() log object', oneEntryHar.log],
    ['an array of entries', entries],
    ['one onRequestFinished entry', entries[0]],
    ['raw text', JSON.stringify(oneEntryHar)],
  ])('accepts %s', (_label, input) => {
    const result = diagnose(input);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.report.exchanges).toHaveLength(1);
  });

  it.each([
    [null, ''],
    [42, ''],
    ['{"log": 3}', 'log'],
    [{ log: {} }, 'log.entries'],
    [{ log: { entries: {} } }, 'log.entries'],
    [{ something: 'else' }, ''],
  ])('rejects %j with an error at path %j', (input, path) => {
    const result = diagnose(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.path).toBe(path);
      expect(result.error.message.length).toBeGreaterThan(5);
    }
  });

  it('accepts an empty entries list', () => {
    const result = diagnose({ log: { entries: [] } });
    expect(result.ok && result.report.summary.exchanges).toBe(0);
  });
});

describe('entries that cannot be read', () => {
  const good = exchange().actual({ acao: '*' }).entries()[0];
  const input = { log: { entries: [good, 'junk', { request: { method: 'GET' } }, { request: { url: 'https://x.example/', headers: 'oops' }, response: { status: '200', headers: [{ value: 1 }] } }] } };

  it('never throws and accounts for every entry index', () => {
    const result = diagnose(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const inExchanges = result.report.exchanges.flatMap((item) => item.entries);
    const skipped = result.report.inputErrors.filter((problem) => problem.skipped).map((problem) => problem.entry);
    expect([...inExchanges, ...skipped].sort()).toEqual([0, 1, 2, 3]);
  });

  it('names the JSON path of each problem', () => {
    const result = diagnose(input);
    if (!result.ok) throw new Error('expected ok');
    const paths = result.report.inputErrors.map((problem) => problem.path);
    expect(paths).toEqual(expect.arrayContaining([
      'log.entries[1]', 'log.entries[2].request.url', 'log.entries[3].request.headers',
      'log.entries[3].response.status', 'log.entries[3].response.headers[0]',
    ]));
  });

  it('reports an entry with no response as unknown, saying what is missing', () => {
    const result = diagnose([{ request: { method: 'GET', url: 'https://api.example.net/x', headers: [{ name: 'Origin', value: 'https://app.example' }] } }]);
    if (!result.ok) throw new Error('expected ok');
    const [only] = result.report.exchanges;
    expect(only?.verdict).toBe('unknown');
    expect(only?.findings.map((finding) => finding.reason)).toContain('no-response-recorded');
  });
});

describe('hostile values', () => {
  it('keeps a <script> origin as inert data and escapes control bytes in text output', () => {
    const entries = exchange({ url: 'https://api.example.net/\u001b[2J\u202e' })
      .actual({ acao: '<script>alert(1)</script>', error: 'net::ERR_FAILED' }).entries();
    const result = diagnose(har(entries));
    if (!result.ok) throw new Error('expected ok');
    const [blocked] = result.report.exchanges;
    expect(blocked?.corsError).toBe('InvalidAllowOriginValue');
    expect(blocked?.findings[0]?.observed).toBe('<script>alert(1)</script>');
    // The problem title, and the exchange line of --exchanges, both carry the hostile URL: escaped in each.
    const text = reportToText(result.report, { exchanges: true });
    expect(text).toContain('BLOCKED');
    expect(text).toMatch(/^ 1\. ERROR/m);
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202e');
    expect(JSON.stringify(result.report)).toContain('\\u001b');
  });

  it('handles a 100 KB header value without copying it whole into findings', () => {
    const huge = `https://${'a'.repeat(100_000)}.example`;
    const result = diagnose(har(exchange().actual({ acao: huge, error: 'net::ERR_FAILED' }).entries()));
    if (!result.ok) throw new Error('expected ok');
    const [only] = result.report.exchanges;
    expect(only?.corsError).toBe('AllowOriginMismatch');
    expect(only?.findings[0]?.observed?.length).toBeLessThan(1000);
  });

  it('survives NaN dates, negative statuses and numeric header values', () => {
    const result = diagnose([
      { startedDateTime: 'NaN-NaN-NaNTNaN:NaN:NaN.NaN+NaN:NaN', request: { method: 'GET', url: 'https://a.example/', headers: [{ name: 'X-N', value: 5 }] }, response: { status: -1, headers: [] } },
    ]);
    expect(result.ok && result.report.exchanges[0]?.verdict).toBe('unknown');
  });
});

describe('entry timestamps', () => {
  const startedMsOf = (startedDateTime: string): number | null => {
    const result = normalizeHar([{ startedDateTime, request: { method: 'GET', url: 'https://a.example/' } }]);
    if (!result.ok) throw new Error(result.error.message);
    return result.log.entries[0]?.startedMs ?? null;
  };
  const expected = (text: string): number | null => (Number.isFinite(Date.parse(text)) ? Date.parse(text) : null);

  it('reads every timestamp as Date.parse does; one it cannot read is null, not NaN', () => {
    const samples = [
      '2026-11-21T10:00:00.123Z', '2026-02-28T23:59:59.999Z', '2026-02-29T00:00:00.000Z', '2024-02-29T12:00:00.000Z',
      '2026-12-31T23:59:59.000Z', '2026-13-01T00:00:00.000Z', '2026-11-21T24:00:00.000Z', '0050-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z', '2026-11-21T10:00:00.123+01:00', '2026-11-21T10:00:00Z', '2026-11-21 10:00:00.123Z',
      '2026-1a-21T10:00:00.123Z', 'NaN-NaN-NaNTNaN:NaN:NaN.NaNZ', '', 'x'.repeat(24),
    ];
    for (const sample of samples) expect(startedMsOf(sample), sample).toBe(expected(sample));
  });
});
