// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/panel/App';
import { MemoryHarSource, StaticHarSource } from '../../src/platform/static-har-source';
import { harEntry } from '../support/har-entry';

afterEach(cleanup);

const page = 'http://app.test';
const fromPage = { Origin: page, 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': 'cross-site' };
const exchangeRows = (container: Element) => [...container.querySelectorAll<HTMLElement>('tr[data-exchange]')];

describe('<App>', () => {
  it('tells the user to reload when nothing was captured', async () => {
    render(<App source={new StaticHarSource('memory', 'Test', [])} />);
    expect(await screen.findByText(/Reload the inspected page/)).toBeTruthy();
  });

  it('shows each exchange with its verdict and Chromium error, hostile values as plain text', async () => {
    const hostileUrl = 'http://api.test/<img src=x onerror=alert(1)>';
    const source = new StaticHarSource('file', 'capture.har', [
      harEntry({ url: hostileUrl, requestHeaders: fromPage, responseHeaders: { 'Content-Type': 'text/plain' }, error: 'net::ERR_FAILED' }),
      harEntry({ url: 'http://api.test/ok', requestHeaders: fromPage, responseHeaders: { 'Access-Control-Allow-Origin': page } }),
    ]);
    const { container } = render(<App source={source} />);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(2));
    expect(container.querySelector('img')).toBeNull();
    const [blocked, allowed] = exchangeRows(container);
    expect(blocked?.textContent).toContain(hostileUrl);
    expect(blocked?.dataset).toMatchObject({ verdict: 'blocked', corsError: 'MissingAllowOriginHeader', status: '200' });
    expect(allowed?.dataset.verdict).toBe('allowed');
    expect(allowed?.dataset.corsError ?? '').toBe('');
    expect(screen.getByTestId('counts').textContent).toBe('2 exchanges · 2 cross-origin · 1 blocked · 0 warnings');
  });

  it('opens the details of a row with the failed check and the header fix, and closes them with Escape', async () => {
    const source = new StaticHarSource('memory', 'Test', [
      harEntry({ url: 'http://api.test/data', requestHeaders: fromPage, error: 'net::ERR_FAILED' }),
    ]);
    const { container } = render(<App source={source} />);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    fireEvent.click(exchangeRows(container)[0]!);
    const detail = container.querySelector('[data-detail]');
    expect(detail?.textContent).toContain('missing-allow-origin');
    expect(detail?.querySelector('.patch')?.textContent?.split('\n')).toEqual([`Access-Control-Allow-Origin: ${page}`, 'Vary: Origin']);
    fireEvent.keyDown(container.querySelector('[role=grid]')!, { key: 'Escape' });
    expect(container.querySelector('[data-detail]')).toBeNull();
  });

  it('appends live requests and empties the list on Clear', async () => {
    const source = new MemoryHarSource('Live', `${page}/`);
    const { container } = render(<App source={source} />);
    await screen.findByText(/Reload the inspected page/);
    source.finish(harEntry({ url: 'http://api.test/live', requestHeaders: fromPage }));
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(0));
  });

  it('imports a .har file and says so when it is not one', async () => {
    const source = new StaticHarSource('memory', 'Test', []);
    const { container } = render(<App source={source} />);
    const input = container.querySelector<HTMLInputElement>('input[type=file]')!;
    const har = JSON.stringify({ log: { version: '1.2', entries: [harEntry({ url: 'http://api.test/x', requestHeaders: fromPage, error: 'net::ERR_FAILED' })] } });
    fireEvent.change(input, { target: { files: [new File([har], 'bug-1234.har')] } });
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    expect(screen.getByTestId('source').textContent).toBe('bug-1234.har');

    fireEvent.change(input, { target: { files: [new File(['<html>not a har'], 'page.html')] } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/page\.html: not valid JSON/);
    // The earlier import stays on screen: a bad file loses nothing.
    expect(exchangeRows(container)).toHaveLength(1);
  });
});
