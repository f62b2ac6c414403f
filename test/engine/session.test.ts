import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticHar } from '../../bench/synthetic-har';
import { diagnose, DiagnosisSession, parseHarText, type Report } from '../../src/engine/index';
import { HAR_SAMPLE_NAMES, readHarSample } from '../fixtures/har-samples';

const RECORDED = path.resolve(__dirname, '../differential/recorded/chromium-156.json');

function batch(entries: readonly unknown[]): Report {
  const result = diagnose(entries, { sourceKind: 'live' });
  if (!result.ok) throw new Error(result.error.message);
  return result.report;
}

/** Feeds entries in uneven batches, reading the report in between, as the panel does. */
function incremental(entries: readonly unknown[]): Report {
  const session = new DiagnosisSession({ sourceKind: 'live' });
  let position = 0;
  let step = 1;
  while (position < entries.length) {
    session.add(entries.slice(position, position + step));
    session.report();
    position += step;
    step = (step % 7) + 1;
  }
  return session.report();
}

function corpusEntries(): { name: string; entries: unknown[] }[] {
  return HAR_SAMPLE_NAMES.flatMap((file) => {
      const parsed = parseHarText(readHarSample(file));
      const entries = parsed.ok ? (parsed.value as { log?: { entries?: unknown } }).log?.entries : null;
      return Array.isArray(entries) ? [{ name: file, entries }] : [];
    });
}

describe('DiagnosisSession (the live path)', () => {
  it.each(corpusEntries())('gives the same report as a full diagnosis: $name', ({ entries }) => {
    expect(incremental(entries)).toEqual(batch(entries));
  });

  it('gives the same report on a synthetic capture with preflights and cross-origin redirects', () => {
    const entries = syntheticHar(3_000, 7).log.entries;
    expect(incremental(entries)).toEqual(batch(entries));
  });

  it('gives the same report on every HAR recorded in Chromium by the differential suite', () => {
    const recorded = JSON.parse(readFileSync(RECORDED, 'utf8')) as { har?: { entries?: unknown[] }; hars?: unknown };
    const entries = recorded.har?.entries ?? [];
    expect(entries.length).toBeGreaterThan(100);
    expect(incremental(entries)).toEqual(batch(entries));
  });

  it('re-diagnoses only what a new entry touches', () => {
    const session = new DiagnosisSession();
    session.add(syntheticHar(500, 3).log.entries);
    const before = session.report();
    session.add([{ request: { method: 'GET', url: 'https://elsewhere.test/new', headers: [] }, response: { status: 200, headers: [] } }]);
    const after = session.report();
    expect(after.exchanges).toHaveLength(before.exchanges.length + 1);
    // Exchanges of untouched clusters are the very same objects: nothing was recomputed for them.
    const untouched = before.exchanges.filter((exchange) => after.exchanges.includes(exchange));
    expect(untouched).toHaveLength(before.exchanges.length);
  });

  it('view() reads as report() does; only a report() stays as it was once more entries come', () => {
    const entries = syntheticHar(1_200, 11).log.entries;
    const session = new DiagnosisSession({ sourceKind: 'live' });
    session.add(entries.slice(0, 600));
    const view = session.view();
    const report = session.report();
    expect(view).toEqual(report);
    const kept = JSON.stringify(report);
    session.add(entries.slice(600));
    const later = session.view();
    expect(later).toEqual(batch(entries));
    expect(session.report()).toEqual(batch(entries));
    // The earlier report is untouched; the earlier view's exchange list is the session's own, now longer.
    expect(JSON.stringify(report)).toBe(kept);
    expect(view.exchanges).toBe(later.exchanges);
  });
});
