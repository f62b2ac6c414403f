import { describe, expect, it } from 'vitest';
import { hostBrowser } from '../../src/platform/host-browser';

describe('hostBrowser()', () => {
  it('is firefox where the extension API has runtime.getBrowserInfo (Firefox only), else chromium', () => {
    expect(hostBrowser({ browser: { runtime: { getBrowserInfo: () => Promise.resolve({ name: 'Firefox' }) } } })).toBe('firefox');
    // Chromium: no `browser` namespace, or one that aliases `chrome` (no getBrowserInfo in it).
    expect(hostBrowser({})).toBe('chromium');
    expect(hostBrowser({ browser: { runtime: {} } })).toBe('chromium');
    expect(hostBrowser({ browser: { runtime: { getBrowserInfo: 'not a function' } } })).toBe('chromium');
    // Node (the tests) has neither.
    expect(hostBrowser()).toBe('chromium');
  });
});
