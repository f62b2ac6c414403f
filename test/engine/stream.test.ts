import { describe, expect, it } from 'vitest';
import { diagnose, diagnoseHarBytes, exportReport, exportTextFromBytes, reportToJson } from '../../src/engine/index.js';
import { syntheticHar } from '../../bench/synthetic-har.js';
import { exchange } from '../fixtures/builders.js';
import { HAR_SAMPLE_NAMES as corpus, readHarSample } from '../fixtures/har-samples.js';

// The streamed reader must give exactly what reading the text gives, whatever the chunking, or say "not
// streamable" (null) so the caller reads the text instead.

const encoder = new TextEncoder();

function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

function streamed(text: string, size: number): string | null {
  const result = diagnoseHarBytes(chunks(encoder.encode(text), size), { sourceKind: 'file', sourceName: 'x.har' });
  if (result === null) return null;
  if (!result.ok) throw new Error(result.error.message);
  return reportToJson(result.report);
}

function whole(text: string): string {
  const result = diagnose(text, { sourceKind: 'file', sourceName: 'x.har' });
  if (!result.ok) throw new Error(result.error.message);
  return reportToJson(result.report);
}

describe('streamed HAR reading', () => {
  it('has the corpus to check against, and streams all but the files in unusual shapes', () => {
    expect(corpus.length).toBeGreaterThan(20);
    const notStreamed = corpus.filter((name) => streamed(readHarSample(name), 1 << 20) === null);
    // A JSONP-wrapped file and one with its pages after the entries.
    expect(notStreamed.length).toBeLessThanOrEqual(2);
  });

  it.each(corpus)('%s: the same report as the text, in chunks of 1, 7, 4096 and 1 MiB bytes (or not streamed)', (name) => {
    const text = readHarSample(name);
    const expected = whole(text);
    const results = [1, 7, 4096, 1 << 20].map((size) => streamed(text, size));
    // A file is streamed at every chunk size or at none (JSONP, pages after the entries).
    expect(new Set(results.map((result) => result === null)).size).toBe(1);
    for (const result of results) if (result !== null) expect(result).toBe(expected);
  });

  it('streams the usual shapes: Chromium-like files, with or without pages, odd whitespace, escapes and non-ASCII', () => {
    const har = syntheticHar(300, 4);
    const tricky = exchange().actual({ acao: '*' }).har() as { log: { entries: Array<{ request: { headers: Array<{ name: string; value: string }> } }> } };
    tricky.log.entries[0]?.request.headers.push({ name: 'X-Quote', value: 'a "quoted" \\ value, with } and ] and é✓ and \u2028' });
    const texts = [JSON.stringify(har), JSON.stringify(har, null, 2), JSON.stringify(tricky), JSON.stringify(tricky, null, '\t'),
      JSON.stringify({ comment: 'before', log: { pages: [{ id: 'p', title: 'https://app.example/' }], entries: [], creator: { name: 'x' } } })];
    for (const text of texts) {
      for (const size of [1, 3, 64, 1 << 16]) expect(streamed(text, size)).toBe(whole(text));
    }
  });

  it('accounts for entries that are not objects exactly as the text path does', () => {
    const text = '{"log":{"entries":[null, 3, "x", [1,2], {"request":{"url":"https://a.example/"}}, {}]}}';
    for (const size of [1, 5, 100]) expect(streamed(text, size)).toBe(whole(text));
  });

  it('answers null (read the text instead) for what it does not stream', () => {
    const good = JSON.stringify(exchange().actual({ acao: '*' }).har());
    const notStreamed = [
      `onInputData(${good});`, // JSONP wrapper
      `[${JSON.stringify((JSON.parse(good) as { log: { entries: unknown[] } }).log.entries[0])}]`, // a bare entry list
      good.slice(0, -5), // cut off
      `${good} trailing`,
      '{"log":{"entries":[],"entries":[]}}', // a repeated key: JSON.parse keeps the last one
      '{"log":{"entries":[]},"log":{"entries":[]}}',
      '{"log":{"entries":[{"pageref":"p","request":{"url":"https://a.example/"}}],"pages":[{"id":"p","title":"https://app.example/"}]}}', // pages after entries
      '{"log":{"entries":{}}}',
      '{"nolog":{"entries":[]}}',
      '',
      '   ',
    ];
    for (const text of notStreamed) expect(streamed(text, 3), text.slice(0, 60)).toBeNull();
  });

  it('reads a byte order mark even when it is split across chunks', () => {
    const text = `\uFEFF${JSON.stringify(exchange().actual({ acao: '*' }).har())}`;
    expect(streamed(text, 1)).toBe(whole(text));
    expect(streamed(text, 2)).toBe(whole(text));
  });
});

describe('streamed text export (the CLI default)', () => {
  const exported = (text: string, redact: boolean) => {
    const result = exportReport(text, { format: 'text', redact, sourceName: 'x.har', sourceKind: 'file' });
    if (!result.ok) throw new Error(result.error.message);
    return result.content;
  };

  it.each(corpus)('%s: the same text report, redacted and not, as exporting the text', (name) => {
    const text = readHarSample(name);
    for (const redact of [true, false]) {
      const result = exportTextFromBytes(chunks(encoder.encode(text), 4096), { redact, sourceName: 'x.har', sourceKind: 'file' });
      expect(result === null).toBe(streamed(text, 4096) === null);
      if (result !== null) expect(result.content).toBe(exported(text, redact));
    }
  });

  it('counts redactions as the whole-file export does', () => {
    const har = exchange().actual({ acao: '*' }).har() as { log: { comment?: string; entries: Array<{ request: { headers: Array<{ name: string; value: string }>; url: string } }> } };
    har.log.comment = 'secret notes';
    const request = har.log.entries[0]?.request;
    request?.headers.push({ name: 'Authorization', value: 'Bearer abc.def.ghi' }, { name: 'Cookie', value: 'session=1234567890abcdef' });
    if (request) request.url += '?token=abcdefabcdefabcdef';
    const text = JSON.stringify(har);
    const result = exportTextFromBytes(chunks(encoder.encode(text), 16), { redact: true });
    expect(result?.content).toBe(exportReport(text, { format: 'text', redact: true }).ok ? (exportReport(text, { format: 'text', redact: true }) as { content: string }).content : '');
    expect(result?.content).toMatch(/secret value\(s\) redacted/);
  });

  it('leaves exported reports to the text path', () => {
    const har = JSON.stringify(exchange().actual({ acao: '*' }).har());
    const report = exportReport(har, { format: 'json' });
    if (!report.ok) throw new Error(report.error.message);
    expect(exportTextFromBytes(chunks(encoder.encode(report.content), 1024))).toBeNull();
  });
});
