import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/index';
import { harEntry } from '../support/har-entry';

describe('a response cut off before its headers were recorded', () => {
  // Measured in Chromium 156: a no-cors fetch of JSON blocked by ORB resolves opaque for the page, and the HAR
  // keeps status 200, no response header and net::ERR_ABORTED; the request has only provisional headers.
  const cutOff = harEntry({ url: 'http://api.test/data.json', status: 200, error: 'net::ERR_ABORTED', requestHeaders: { Accept: '*/*' } });

  it('is not read as a missing Access-Control-Allow-Origin', () => {
    const result = diagnose([cutOff]);
    if (!result.ok) throw new Error(result.error.message);
    const [exchange] = result.report.exchanges;
    expect(exchange?.corsError).toBeNull();
    expect(exchange?.findings.map((finding) => finding.rule)).not.toContain('missing-allow-origin');
  });

  it('still checks a blocked response whose headers were recorded', () => {
    const blocked = harEntry({ url: 'http://api.test/data.json', status: 200, error: 'net::ERR_FAILED', requestHeaders: { Origin: 'http://app.test', 'Sec-Fetch-Mode': 'cors' }, responseHeaders: { 'Content-Type': 'application/json' } });
    const result = diagnose([blocked]);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.report.exchanges[0]?.corsError).toBe('MissingAllowOriginHeader');
  });
});
