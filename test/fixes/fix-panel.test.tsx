// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import type { Entry } from 'har-format';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { diagnose, RUN_VERIFIED, type Finding, type ReportExchange } from '../../src/engine/index';
import { FixPanel } from '../../src/panel/fix/FixPanel';
import { copyWithTextarea, type Clipboard } from '../../src/panel/fix/clipboard';
import { LocalStoragePreferences, MemoryPreferences } from '../../src/platform/preferences';
import { PAGE, exchange, har } from '../fixtures/builders';

afterEach(cleanup);

function diagnosed(entries: Entry[]): { exchange: ReportExchange; finding: Finding; recorded: Entry[] } {
  const result = diagnose(har(entries));
  if (!result.ok) throw new Error(result.error.message);
  const [first] = result.report.exchanges;
  const finding = first?.findings.find((candidate) => candidate.fix !== null) ?? first?.findings[0];
  if (first === undefined || finding === undefined) throw new Error('no finding');
  return { exchange: first, finding, recorded: entries };
}

const memoryClipboard = () => {
  const written: string[] = [];
  const clipboard: Clipboard = { writeText: async (text) => { written.push(text); } };
  return { written, clipboard };
};

describe('<FixPanel>', () => {
  it('explains the failure with why and links, shows the header diff against the recorded values and the what-if verdict', () => {
    const props = diagnosed(exchange({ method: 'PUT', headers: { 'X-Trace': '1' } })
      .preflight({ status: 404, acao: PAGE, acam: 'GET' }).actual({ notSent: true }).entries());
    const { container } = render(<FixPanel {...props} preferences={new MemoryPreferences()} />);
    expect(screen.getByText(/Why the browser checks this/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Fetch standard' }).getAttribute('href')).toMatch(/^https:\/\/fetch\.spec\.whatwg\.org\/#/);
    expect(screen.getByRole('link', { name: 'MDN' }).getAttribute('href')).toMatch(/^https:\/\/developer\.mozilla\.org\//);
    const diff = container.querySelector('[data-diff="Preflight (OPTIONS) response"]');
    expect(diff?.textContent).toContain('- HTTP 404');
    expect(diff?.textContent).toContain('+ HTTP 204');
    expect(container.querySelector('[data-verifies]')?.getAttribute('data-verifies')).toBe('true');
    expect(container.querySelector('[data-verifies]')?.textContent).toMatch(/never sent/);
  });

  it('diffs set/remove lines against the recorded header values', () => {
    const props = diagnosed(exchange().actual({ acao: 'https://other.example', error: 'net::ERR_FAILED' }).entries());
    const { container } = render(<FixPanel {...props} preferences={new MemoryPreferences()} />);
    const lines = [...container.querySelectorAll('[data-diff-line]')].map((line) => [line.getAttribute('data-diff-line'), line.textContent?.trim()]);
    expect(lines).toEqual(expect.arrayContaining([
      ['remove', '- access-control-allow-origin: https://other.example'],
      ['add', `+ Access-Control-Allow-Origin: ${PAGE}`],
    ]));
  });

  it('remembers the stack choice and shows whether the snippet is run-verified', () => {
    const props = diagnosed(exchange().actual({ error: 'net::ERR_FAILED' }).entries());
    const preferences = new MemoryPreferences();
    const { container, unmount } = render(<FixPanel {...props} preferences={preferences} />);
    expect(container.querySelector('[data-snippet]')?.getAttribute('data-snippet')).toBe('express');
    expect(container.querySelector('[data-verified]')?.textContent).toBe(`run-verified against ${RUN_VERIFIED.express?.against ?? '?'}, in Chromium 156`);
    fireEvent.change(screen.getByLabelText('Server stack'), { target: { value: 'django' } });
    expect(preferences.get('fix.stack')).toBe('django');
    expect(container.querySelector('[data-snippet]')?.textContent).toContain(`CORS_ALLOWED_ORIGINS = ["${PAGE}"]`);
    expect(container.querySelector('[data-verified]')?.textContent).toBe(`run-verified against ${RUN_VERIFIED.django?.against ?? '?'}, in Chromium 156`);
    fireEvent.change(screen.getByLabelText('Server stack'), { target: { value: 'spring-boot' } });
    expect(container.querySelector('[data-verified]')?.textContent).toBe('not run-verified');
    expect(container.querySelector('[data-verified]')?.getAttribute('data-verified')).toBe('false');
    unmount();
    const again = render(<FixPanel {...props} preferences={preferences} />);
    expect(again.container.querySelector('[data-snippet]')?.getAttribute('data-snippet')).toBe('spring-boot');
  });

  it('copies the snippet and the curl commands, with Cookie and Authorization redacted', async () => {
    const props = diagnosed(exchange({ method: 'PUT', headers: { Authorization: 'Bearer abc.def', 'X-Api-Key': 'k' }, cookie: 'sid=secret' })
      .preflight({ acao: PAGE, acac: 'true', acam: 'PUT' }).actual({ notSent: true }).entries());
    const { written, clipboard } = memoryClipboard();
    const { container } = render(<FixPanel {...props} preferences={new MemoryPreferences({ 'fix.stack': 'nginx' })} clipboard={clipboard} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy nginx snippet' }));
    await waitFor(() => expect(written).toHaveLength(1));
    expect(written[0]).toContain('add_header Access-Control-Allow-Headers "authorization, x-api-key" always;');
    const preflight = container.querySelector('[data-curl="preflight curl command"]')?.textContent ?? '';
    expect(preflight).toMatch(/^# The preflight/);
    expect(preflight).toContain("curl -i -X OPTIONS https://api.example.net/items");
    expect(preflight).toContain(`-H 'Origin: ${PAGE}'`);
    expect(preflight).toContain("-H 'Access-Control-Request-Method: PUT'");
    const actual = container.querySelector('[data-curl="request curl command"]')?.textContent ?? '';
    expect(actual).toContain('curl -i -X PUT');
    expect(actual).toContain("-H 'Authorization: <redacted>'");
    expect(actual).toContain("-H 'X-Api-Key: <redacted>'");
    expect(actual).not.toContain('abc.def');
    expect(actual).not.toContain('secret');
    fireEvent.click(screen.getByRole('button', { name: 'Copy request curl command' }));
    await waitFor(() => expect(written).toHaveLength(2));
    expect(screen.getAllByText('Copied').length).toBeGreaterThan(0);
  });

  it('says why for a client fix and shows no snippet', () => {
    const props = diagnosed(exchange().actual({ acao: PAGE, error: 'net::ERR_BLOCKED_BY_CLIENT' }).entries());
    const { container } = render(<FixPanel {...props} preferences={new MemoryPreferences()} />);
    expect(container.querySelector('[data-fix-target]')?.getAttribute('data-fix-target')).toBe('client');
    expect(screen.getByText(/Fix in the client:/).parentElement?.textContent).toMatch(/extension/i);
    expect(container.querySelector('[data-snippet]')).toBeNull();
  });

  it('renders hostile header values as text', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const props = diagnosed(exchange().actual({ acao: hostile, error: 'net::ERR_FAILED' }).entries());
    const { container } = render(<FixPanel {...props} preferences={new MemoryPreferences()} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain(hostile);
  });

  it('hands the fix to the what-if editor as edits', () => {
    const props = diagnosed(exchange({ method: 'DELETE' }).preflight({ status: 401, acao: PAGE, acam: 'DELETE' }).actual({ notSent: true }).entries());
    const onTryFix = vi.fn();
    render(<FixPanel {...props} preferences={new MemoryPreferences()} onTryFix={onTryFix} />);
    fireEvent.click(screen.getByRole('button', { name: 'Try this fix' }));
    const edits = onTryFix.mock.calls[0]?.[0] as Map<number, { status: number }>;
    expect([...edits.values()].map((edit) => edit.status)).toContain(204);
  });
});

describe('clipboard fallback', () => {
  it('copies through a textarea value when navigator.clipboard is unavailable, and removes it', () => {
    const exec = vi.fn(() => true);
    Object.defineProperty(document, 'execCommand', { value: exec, configurable: true });
    copyWithTextarea('<b>not html</b>');
    expect(exec).toHaveBeenCalledWith('copy');
    expect(document.querySelector('textarea')).toBeNull();
    expect(document.querySelector('b')).toBeNull();
  });
});

describe('preferences', () => {
  it('LocalStoragePreferences prefixes keys and survives a throwing storage', () => {
    const store = new Map<string, string>();
    const prefs = new LocalStoragePreferences({ getItem: (key) => store.get(key) ?? null, setItem: (key, value) => { store.set(key, value); } });
    prefs.set('fix.stack', 'koa');
    expect(store.get('cors-lens.fix.stack')).toBe('koa');
    expect(prefs.get('fix.stack')).toBe('koa');
    const broken = new LocalStoragePreferences({ getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } });
    broken.set('fix.stack', 'hono');
    expect(broken.get('fix.stack')).toBe('hono');
  });
});
