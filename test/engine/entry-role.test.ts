import { describe, expect, it } from 'vitest';
import { summarizeEntry } from '../../src/engine/index.js';
import { API, exchange, har } from '../fixtures/builders.js';

const entriesOf = (input: unknown) => (input as { log: { entries: unknown[] } }).log.entries;

describe('summarizeEntry (one raw entry, read by the engine\'s normalizer)', () => {
  it('names the preflight, the redirect hop and the request, as pairing does', () => {
    const entries = entriesOf(har([
      ...exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json' } }).preflight({ acao: 'https://app.example', acam: 'PUT', acah: 'content-type' }).actual({ acao: 'https://app.example' }).entries(),
      ...exchange({ at: 100, url: 'https://api.example.net/old' }).redirect({ to: 'https://api.example.net/new', acao: '*' }).actual({ acao: '*' }).entries(),
    ]));
    const summaries = entries.map((entry, index) => summarizeEntry(entry, index));
    // The builder lists a request before its preflight, as Chromium's HAR often does.
    expect(summaries.map((summary) => [summary.method, summary.role])).toEqual([['PUT', 'request'], ['OPTIONS', 'preflight'], ['GET', 'redirect'], ['GET', 'request']]);
    expect(summaries[0]).toMatchObject({ index: 0, status: 200, error: null, url: API });
  });

  it('gives an unreadable entry a plain, empty summary instead of throwing', () => {
    for (const raw of [null, 42, 'x', [], { request: 5 }, { request: { url: '' } }]) {
      expect(summarizeEntry(raw, 3)).toEqual({ index: 3, role: 'request', method: '', url: '', status: 0, error: null, startedMs: null, timeMs: null, hopUrl: '', requestKind: null });
    }
  });
});
