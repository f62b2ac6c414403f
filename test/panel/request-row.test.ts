import { describe, expect, it } from 'vitest';
import type { HarEntry } from '../../src/platform/har-source';
import { toRequestRow } from '../../src/panel/request-row';
import { harEntry } from '../support/har-entry';

describe('toRequestRow', () => {
  it('labels a request by comparing its origin with the Origin header, then the page', () => {
    const fromHeader = harEntry({ url: 'http://api.test/a', requestHeaders: { Origin: 'http://app.test' } });
    expect(toRequestRow(fromHeader, 0, 'http://api.test').originKind).toBe('cross-origin');
    expect(toRequestRow(harEntry({ url: 'http://app.test/b' }), 1, 'http://app.test').originKind).toBe('same-origin');
    expect(toRequestRow(harEntry({ url: 'http://app.test:8080/b' }), 1, 'http://app.test').originKind).toBe('cross-origin');
    expect(toRequestRow(harEntry({ url: 'http://app.test/b' }), 1, null).originKind).toBe('unknown');
  });

  it('keeps the net error and marks preflights', () => {
    const row = toRequestRow(
      harEntry({ method: 'OPTIONS', url: 'http://api.test/a', status: 404, resourceType: 'preflight', error: 'net::ERR_FAILED' }),
      3,
      'http://app.test',
    );
    expect(row).toMatchObject({ index: 3, method: 'OPTIONS', status: 404, isPreflight: true, error: 'net::ERR_FAILED' });
  });

  it('survives entries with missing or wrongly typed fields', () => {
    const broken = { request: { url: 42, headers: 'nope' }, response: null } as unknown as HarEntry;
    expect(toRequestRow(broken, 0, 'http://app.test')).toMatchObject({ method: '', url: '', status: 0, originKind: 'unknown' });
    expect(toRequestRow({} as HarEntry, 1, null)).toMatchObject({ method: '', status: 0 });
  });
});
