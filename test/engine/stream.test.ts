import { describe, expect, it } from 'vitest';
import { diagnose, diagnoseHarBytes, exportFromBytes, exportReport, reportToJson, type EntrySpool, type ExportFormat, type ExportPart } from '../../src/engine/index.js';
import { syntheticHar } from '../../bench/synthetic-har.js';
import { HarByteReader } from '../../src/engine/har/stream.js';
import { normalizeHar } from '../../src/engine/har/normalize.js';
import { exchange } from '../fixtures/builders.js';

/** The CLI's default: the text export of a file read as bytes (null where it needs the whole text). */
function textFromBytes(bytes: Iterable<Uint8Array>, options: Omit<Parameters<typeof exportFromBytes>[1], 'format'> = {}): { content: string } | null {
  const exported = exportFromBytes(bytes, { ...options, format: 'text' });
  return exported === null ? null : { content: [...exported.parts].join('') };
}
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

  describe('cutting elements at the separator learned between them', () => {
    const readerOf = (text: string, size: number) => {
      const reader = new HarByteReader();
      for (const chunk of chunks(encoder.encode(text), size)) reader.push(chunk);
      return { log: reader.finish(), cut: reader.elementsCut, givenUp: reader.separatorGivenUp };
    };
    const byteByByte = (text: string) => readerOf(text, 1).log; // a 1-byte chunk never holds a separator
    const ofText = (text: string) => {
      const normalized = normalizeHar(JSON.parse(text));
      return normalized.ok ? normalized.log : null;
    };

    it('cuts nearly every element of minified and pretty-printed files, and reads exactly what the text gives', () => {
      const har = syntheticHar(1000, 4);
      const size = 1 << 18;
      for (const text of [JSON.stringify(har), JSON.stringify(har, null, 2), JSON.stringify(har, null, '\t')]) {
        const { log, cut, givenUp } = readerOf(text, size);
        expect(givenUp).toBe(false);
        // All but the first element (nothing learned yet), the last (no separator after it) and, at each chunk
        // boundary, the element across it and the one whose separator it cuts.
        expect(cut).toBeGreaterThanOrEqual(1000 - 2 - 2 * Math.floor(encoder.encode(text).length / size));
        expect(log?.entries.length).toBe(1000);
        expect(log).toEqual(ofText(text));
      }
      expect(readerOf(JSON.stringify(syntheticHar(50, 4)), 1).cut).toBe(0);
    });

    it('takes no cut that is not a whole element: look-alikes inside elements, strings and elements of other shapes', () => {
      type Entry = { [key: string]: unknown };
      const base = (JSON.parse(JSON.stringify(syntheticHar(40, 2))) as { log: { entries: Entry[] } });
      const entries = base.log.entries;
      const firstKey = Object.keys(entries[0] as Entry)[0] as string;
      // The separator inside an element: an array of objects whose first key is the entries' first key.
      (entries[3] as Entry)._lookalike = [{ [firstKey]: 1 }, { [firstKey]: 2, nested: [{}, { [firstKey]: 3 }] }];
      // The separator's text inside a string (its quotes are escaped there).
      (entries[5] as Entry)._note = `}},{"${firstKey}":"x"},{"${firstKey}"`;
      // Elements whose first key differs, and elements that are not objects.
      entries[8] = { _first: true, ...(entries[8] as Entry) };
      entries.splice(10, 0, { [firstKey]: 'odd', request: null } as Entry);
      (entries as unknown[]).splice(12, 0, null, 7, 'text', [{ [firstKey]: 1 }]);
      for (const text of [JSON.stringify(base), JSON.stringify(base, null, 1)]) {
        const expected = byteByByte(text);
        for (const size of [64, 1000, 1 << 20]) expect(readerOf(text, size).log, `chunks of ${size}`).toEqual(expected);
        expect(readerOf(text, 1 << 20).cut).toBeGreaterThan(20);
        expect(streamed(text, 1 << 20)).toBe(whole(text));
      }
    });

    it('gives up the separator when it keeps missing, and still reads everything', () => {
      // Every element starts with a different key: each cut spans two elements and fails to parse.
      const entries = syntheticHar(200, 2).log.entries.map((entry, index) => ({ [`k${index}`]: index, ...(entry as object) }));
      const text = JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries } });
      const { log, cut, givenUp } = readerOf(text, 1 << 20);
      expect(cut).toBe(0);
      expect(givenUp).toBe(true);
      expect(log).toEqual(byteByByte(text));
      expect(streamed(text, 1 << 20)).toBe(whole(text));
      // A file that changes shape after 500 elements: cut up to there, then given up after a few misses in a row
      // (too few misses to outnumber a quarter of the cuts).
      const changing = syntheticHar(600, 3);
      changing.log.entries = changing.log.entries.map((entry, index) => (index < 500 ? entry : { _after: index, ...(entry as object) }));
      const changed = JSON.stringify(changing);
      const read = readerOf(changed, 1 << 20);
      expect(read.cut).toBeGreaterThan(490);
      expect(read.cut).toBeLessThan(500);
      expect(read.givenUp).toBe(true);
      expect(read.log).toEqual(ofText(changed));
    });

    it('leaves an invalid element to the text path, as byte-by-byte reading does', () => {
      const text = JSON.stringify(syntheticHar(20, 2));
      const broken = text.replace(/"status":200/, '"status":0200');
      expect(broken).not.toBe(text);
      for (const size of [1, 1 << 20]) expect(readerOf(broken, size).log).toBeNull();
    });
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
      const result = textFromBytes(chunks(encoder.encode(text), 4096), { redact, sourceName: 'x.har', sourceKind: 'file' });
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
    const result = textFromBytes(chunks(encoder.encode(text), 16), { redact: true });
    expect(result?.content).toBe(exportReport(text, { format: 'text', redact: true }).ok ? (exportReport(text, { format: 'text', redact: true }) as { content: string }).content : '');
    expect(result?.content).toMatch(/secret value\(s\) redacted/);
  });

  it('leaves exported reports to the text path', () => {
    const har = JSON.stringify(exchange().actual({ acao: '*' }).har());
    const report = exportReport(har, { format: 'json' });
    if (!report.ok) throw new Error(report.error.message);
    expect(textFromBytes(chunks(encoder.encode(report.content), 1024))).toBeNull();
  });
});

describe('streamed exports in every format (the CLI reading a file)', () => {
  const AT = '2026-12-07T00:00:00.000Z';
  const FORMATS: readonly ExportFormat[] = ['json', 'md', 'html', 'text'];
  const options = (format: ExportFormat, redact: boolean, stack: 'express' | null) => ({ format, redact, stack, generatedAt: AT, sourceName: 'x.har', sourceKind: 'file' as const });
  const exported = (text: string, format: ExportFormat, redact: boolean, stack: 'express' | null) => {
    const result = exportReport(text, options(format, redact, stack));
    if (!result.ok) throw new Error(result.error.message);
    return result.content;
  };
  /**
   * An EntrySpool in memory that gives the joined texts back as UTF-8 bytes in pieces of 7, cut anywhere (as the
   * CLI's file spool, in pieces of any size), or as text in pieces of 7 characters.
   */
  const memorySpool = (as: 'bytes' | 'text'): EntrySpool => {
    const texts: string[] = [];
    return {
      add: (text) => texts.push(text),
      *joined() {
        const joined = texts.join(',');
        const whole = as === 'bytes' ? encoder.encode(joined) : joined;
        for (let at = 0; at < whole.length; at += 7) yield whole.slice(at, at + 7);
      },
    };
  };
  /** The parts as one text, as a writer passing bytes on writes it. */
  const joinedParts = (parts: Iterable<ExportPart>) => {
    const bytes = [...parts].map((part) => (typeof part === 'string' ? encoder.encode(part) : part));
    const all = new Uint8Array(bytes.reduce((length, piece) => length + piece.length, 0));
    bytes.reduce((at, piece) => (all.set(piece, at), at + piece.length), 0);
    return new TextDecoder().decode(all);
  };
  /** The export streamed from the bytes, with the entries kept as text; the same with them read again (as the CLI does) must agree. */
  const streamedExport = (text: string, format: ExportFormat, redact: boolean, stack: 'express' | null, size = 4096) => {
    const bytes = encoder.encode(text);
    const result = exportFromBytes(chunks(bytes, size), options(format, redact, stack));
    const reread = exportFromBytes(chunks(bytes, size), { ...options(format, redact, stack), reread: (start, end) => bytes.subarray(start, end) });
    const content = result === null ? null : [...result.parts].join('');
    expect(reread === null ? null : [...reread.parts].join(''), `${format}, entries read again`).toBe(content);
    for (const as of ['bytes', 'text'] as const) {
      const spooled = exportFromBytes(chunks(bytes, size), { ...options(format, redact, stack), reread: (start, end) => bytes.subarray(start, end), spool: memorySpool(as) });
      expect(spooled === null ? null : joinedParts(spooled.parts), `${format}, entries spooled as ${as}`).toBe(content);
    }
    return content;
  };

  it.each(corpus)('%s: byte for byte the export of the text, in every format, redacted or not, with a stack or not', (name) => {
    const text = readHarSample(name);
    const streamable = streamed(text, 4096) !== null;
    for (const format of FORMATS) {
      for (const [redact, stack] of [[true, null], [false, 'express'], [true, 'express']] as const) {
        const result = streamedExport(text, format, redact, stack);
        expect(result === null).toBe(!streamable);
        if (result !== null) expect(result, `${format} ${redact} ${stack}`).toBe(exported(text, format, redact, stack));
      }
    }
  });

  it('keeps log.browser and judges for the browser asked, or else the one the HAR names, as the whole-text export does', () => {
    const har = exchange().actual({ acao: '*' }).har() as { log: { browser?: unknown; creator?: unknown } };
    const withBrowser = (browser: unknown) => JSON.stringify({ ...har, log: { ...har.log, browser } });
    const texts = [withBrowser({ name: 'Firefox', version: '153.0' }), withBrowser({ name: 'Chrome', version: '156' }), withBrowser({ name: 7 }), JSON.stringify(har)];
    for (const text of texts) {
      for (const browser of [undefined, 'chromium', 'firefox'] as const) {
        for (const format of FORMATS) {
          const chosen = { ...options(format, true, null), ...(browser === undefined ? {} : { browser }) };
          const whole = exportReport(text, chosen);
          if (!whole.ok) throw new Error(whole.error.message);
          const bytes = encoder.encode(text);
          for (const reread of [undefined, (start: number, end: number) => bytes.subarray(start, end)]) {
            const result = exportFromBytes(chunks(bytes, 64), { ...chosen, ...(reread === undefined ? {} : { reread }) });
            expect(result === null ? null : [...result.parts].join(''), `${format} ${String(browser)}`).toBe(whole.content);
          }
        }
      }
    }
  });

  it('writes secrets, escapes, non-ASCII, pages and many exchanges as the whole-text export does', () => {
    const har = exchange().actual({ acao: '*' }).har() as { log: { comment?: string; pages?: unknown[]; entries: Array<{ request: { headers: Array<{ name: string; value: string }>; url: string } }> } };
    har.log.comment = 'secret notes';
    har.log.pages = [{ id: 'p', title: 'https://app.example/?token=abcdefabcdefabcdefabcdef', comment: 'c' }];
    const request = har.log.entries[0]?.request;
    request?.headers.push({ name: 'X-Quote', value: 'a "quoted" \\ value, } ] é✓ \u2028 \u202e \u0000har\u0000' }, { name: 'Authorization', value: 'Bearer abc.def.ghi' });
    if (request) request.url += '?token=abcdefabcdefabcdef&x=é';
    const texts = [JSON.stringify(har), `\uFEFF${JSON.stringify(har, null, '\t')}`, JSON.stringify(syntheticHar(400, 6)), JSON.stringify({ log: { version: '1.2', entries: [] } })];
    for (const text of texts) {
      for (const format of FORMATS) {
        for (const size of [7, 1 << 16]) expect(streamedExport(text, format, true, null, size), format).toBe(exported(text, format, true, null));
        expect(streamedExport(text, format, false, 'express'), format).toBe(exported(text, format, false, 'express'));
      }
    }
  });
});
