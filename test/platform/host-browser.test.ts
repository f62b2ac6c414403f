import { describe, expect, it } from 'vitest';
import { hostBrowser } from '../../src/platform/host-browser';

describe('hostBrowser()', () => {
  it('is firefox for a page served from moz-extension: (Gecko), else chromium', () => {
    expect(hostBrowser({ location: { protocol: 'moz-extension:' } })).toBe('firefox');
    expect(hostBrowser({ location: { protocol: 'chrome-extension:' } })).toBe('chromium');
    expect(hostBrowser({})).toBe('chromium');
    // Node (the unit tests) has no location.
    expect(hostBrowser()).toBe('chromium');
  });
});
