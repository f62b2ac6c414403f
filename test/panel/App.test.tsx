// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/panel/App';
import { MemoryHarSource, StaticHarSource } from '../../src/platform/static-har-source';
import { harEntry } from '../support/har-entry';

afterEach(cleanup);

describe('<App>', () => {
  it('tells the user to reload when nothing was captured', async () => {
    render(<App source={new StaticHarSource('memory', 'Test', [])} />);
    expect(await screen.findByText(/Reload the inspected page/)).toBeTruthy();
  });

  it('renders a row per request, with hostile values as plain text', async () => {
    const hostileUrl = 'http://api.test/<img src=x onerror=alert(1)>';
    const source = new StaticHarSource(
      'file',
      'capture.har',
      [harEntry({ url: hostileUrl, method: 'POST', status: 403 }), harEntry({ url: 'http://app.test/', status: 200 })],
      'http://app.test/',
    );
    const { container } = render(<App source={source} />);
    await waitFor(() => expect(container.querySelectorAll('tr[data-entry]')).toHaveLength(2));
    expect(container.querySelector('img')).toBeNull();
    const first = container.querySelector('tr[data-entry="0"]');
    expect(first?.textContent).toContain(hostileUrl);
    await waitFor(() => expect(first?.getAttribute('data-kind')).toBe('cross-origin'));
    expect(screen.getByTestId('counts').textContent).toBe('2 requests · 1 cross-origin');
  });

  it('appends live requests and empties the list on Clear', async () => {
    const source = new MemoryHarSource('Live', 'http://app.test/');
    const { container } = render(<App source={source} />);
    await screen.findByText(/Reload the inspected page/);
    source.finish(harEntry({ url: 'http://api.test/live' }));
    await waitFor(() => expect(container.querySelectorAll('tr[data-entry]')).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(container.querySelectorAll('tr[data-entry]')).toHaveLength(0));
  });
});
