import { describe, expect, it } from 'vitest';
import { diagnose, exportReport, isReport, openInput, reopenReport, reportToJson } from '../../src/engine/index.js';
import { reportJsonValue } from '../../src/engine/report/to-json.js';
import { PAGE, exchange, har } from '../fixtures/builders.js';
import { secretsHar } from './fixtures/secrets.js';

const AT = '2024-05-01T12:00:00.000Z';

function exportedJson(input: unknown, options: { redact?: boolean; scope?: { kind: 'exchanges'; ids: string[] } } = {}): string {
  const result = exportReport(input, { format: 'json', generatedAt: AT, sourceName: 'capture.har', sourceKind: 'file', ...options });
  if (!result.ok) throw new Error(result.error.message);
  return result.content;
}

const capture = () => har([
  ...exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json' } }).preflight({ status: 404 }).actual({ notSent: true }).entries(),
  ...exchange({ at: 100, url: 'https://api.example.net/ok' }).actual({ acao: PAGE }).entries(),
]);

describe('reopening an exported JSON report', () => {
  it.each([
    ['a plain capture', capture(), {}],
    ['the secrets capture, redacted', secretsHar(), {}],
    ['the secrets capture, not redacted', secretsHar(), { redact: false }],
    ['one exchange', capture(), { scope: { kind: 'exchanges' as const, ids: ['ex-0'] } }],
  ])('restores the diagnosis of %s', (_name, input, options) => {
    const text = exportedJson(input, options);
    const stored = JSON.parse(text) as { exchanges: unknown; summary: unknown; source: unknown; inputErrors: unknown };
    const reopened = reopenReport(text);
    expect(reopened.ok).toBe(true);
    if (!reopened.ok) return;
    expect(reopened.matches).toBe(true);
    expect((reportJsonValue(reopened.report) as { exchanges: unknown }).exchanges).toEqual(stored.exchanges);
    expect(reopened.report.summary).toEqual(stored.summary);
    expect(reopened.report.source).toEqual(stored.source);
    expect(reopened.report.inputErrors).toEqual(stored.inputErrors);
    // The parsed object reopens the same way, and openInput takes it like a HAR.
    expect(reopenReport(JSON.parse(text))).toEqual(reopened);
    const opened = openInput(text);
    expect(opened.ok && opened.report).toEqual(reopened.report);
  });

  it('says when the stored verdicts no longer match the embedded HAR', () => {
    const edited = JSON.parse(exportedJson(capture())) as { exchanges: { verdict: string }[] };
    edited.exchanges[0]!.verdict = 'allowed';
    const reopened = reopenReport(edited);
    expect(reopened.ok && reopened.matches).toBe(false);
  });

  it('re-exports a reopened report under its original source', () => {
    const text = exportedJson(capture());
    const again = exportReport(text, { format: 'json', generatedAt: AT });
    expect(again.ok && again.content).toBe(text);
  });

  it('rejects a report without an embedded HAR, and non-reports, with a reason', () => {
    const plain = diagnose(capture());
    if (!plain.ok) throw new Error('diagnose failed');
    const old = reportToJson(plain.report);
    expect(isReport(old)).toBe(true);
    expect(reopenReport(old)).toMatchObject({ ok: false, error: { path: 'export.har' } });
    expect(openInput(old)).toMatchObject({ ok: false, error: { path: 'export.har' } });
    expect(reopenReport(capture())).toMatchObject({ ok: false, error: { path: 'schema' } });
    expect(isReport(capture())).toBe(false);
    expect(openInput(capture()).ok).toBe(true);
  });
});
