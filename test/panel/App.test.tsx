// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { exportReport } from '../../src/engine/index';
import { App } from '../../src/panel/App';
import { MemoryHarSource, StaticHarSource } from '../../src/platform/static-har-source';
import type { HarEntry } from '../../src/platform/har-source';
import { harEntry } from '../support/har-entry';

afterEach(cleanup);

const page = 'http://app.test';
const fromPage = { Origin: page, 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': 'cross-site' };
const exchangeRows = (container: Element) => [...container.querySelectorAll<HTMLElement>('[data-exchange]')];
/** The detail pane, once the worker has sent the selected exchange. */
const detailPane = (container: Element) =>
  waitFor(() => {
    const detail = container.querySelector<HTMLElement>('[data-detail]');
    expect(detail).not.toBeNull();
    return detail as HTMLElement;
  });
const rowText = (container: Element) => exchangeRows(container).map((row) => `${row.dataset.method} ${row.dataset.url} ${row.dataset.verdict}`);

const blockedGet = harEntry({ url: 'http://api.test/missing', requestHeaders: fromPage, responseHeaders: { 'Content-Type': 'text/plain' }, error: 'net::ERR_FAILED' });
const allowedGet = harEntry({ url: 'http://api.test/ok', requestHeaders: fromPage, responseHeaders: { 'Access-Control-Allow-Origin': page } });
const sameOrigin = harEntry({ url: `${page}/local`, requestHeaders: { 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': 'same-origin' } });
const preflight = harEntry({
  method: 'OPTIONS', url: 'http://api.test/items/1', status: 404, resourceType: 'preflight',
  requestHeaders: { ...fromPage, 'Access-Control-Request-Method': 'DELETE' },
  startedDateTime: '2026-11-21T10:00:00.010Z',
});
const deleteBlocked = harEntry({ method: 'DELETE', url: 'http://api.test/items/1', status: 0, error: 'net::ERR_FAILED', startedDateTime: '2026-11-21T10:00:00.009Z' });

function renderWith(entries: HarEntry[], label = 'Test') {
  return render(<App source={new StaticHarSource('memory', label, entries)} />);
}

describe('<App>', () => {
  it('tells the user to reload when nothing was captured', async () => {
    renderWith([]);
    expect(await screen.findByText(/Reload the inspected page/)).toBeTruthy();
  });

  it('shows each exchange as a grid row with its URL, verdict word and Chromium error; hostile values as text', async () => {
    const hostileUrl = 'http://api.test/<img src=x onerror=alert(1)>';
    const { container } = renderWith([harEntry({ url: hostileUrl, requestHeaders: fromPage, error: 'net::ERR_FAILED' }), allowedGet]);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(2));
    expect(container.querySelector('img')).toBeNull();
    const [blocked, allowed] = exchangeRows(container);
    expect(blocked?.getAttribute('role')).toBe('row');
    expect(blocked?.textContent).toContain(hostileUrl);
    expect(blocked?.textContent).toContain('blocked');
    expect(blocked?.dataset).toMatchObject({ verdict: 'blocked', corsError: 'MissingAllowOriginHeader', status: '200' });
    expect(allowed?.dataset.verdict).toBe('allowed');
    expect(screen.getByTestId('counts').textContent).toBe('2 exchanges · 2 cross-origin · 1 blocked · 0 warnings');
  });

  it('hides same-origin exchanges until asked, and filters by quick filter and text', async () => {
    const { container } = renderWith([blockedGet, allowedGet, sameOrigin, preflight, deleteBlocked]);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(3));
    fireEvent.click(screen.getByLabelText('Same-origin'));
    expect(exchangeRows(container)).toHaveLength(4);

    fireEvent.click(screen.getByRole('radio', { name: 'Blocked' }));
    expect(rowText(container)).toEqual(['GET http://api.test/missing blocked', 'DELETE http://api.test/items/1 blocked']);
    fireEvent.click(screen.getByRole('radio', { name: 'Preflighted' }));
    expect(rowText(container)).toEqual(['DELETE http://api.test/items/1 blocked']);
    fireEvent.click(screen.getByRole('radio', { name: 'All' }));
    fireEvent.input(screen.getByLabelText(/Filter exchanges/), { target: { value: 'PreflightMissing' } });
    expect(rowText(container)).toEqual(['DELETE http://api.test/items/1 blocked']);
  });

  it('sorts by a column and back', async () => {
    const { container } = renderWith([allowedGet, blockedGet]);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Verdict' }));
    expect(rowText(container)[0]).toContain('blocked');
    expect(screen.getByRole('columnheader', { name: /Verdict/ }).getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(screen.getByRole('button', { name: /Verdict/ }));
    expect(rowText(container)[0]).toContain('allowed');
  });

  it('works with the keyboard alone: arrows select, Enter opens details, Escape closes them', async () => {
    const { container } = renderWith([blockedGet, preflight, deleteBlocked]);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(2));
    const grid = screen.getByRole('grid');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(grid.getAttribute('aria-activedescendant')).toBe(`row-${exchangeRows(container)[0]?.dataset.exchange}`);
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(exchangeRows(container)[1]?.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(grid, { key: 'Enter' });
    const detail = await detailPane(container);
    expect(detail?.querySelector('[data-summary]')?.textContent).toMatch(/^Blocked by the browser \(PreflightMissingAllowOriginHeader\)/);
    // The real cause underneath comes first: the preflight hit a missing OPTIONS route.
    expect(detail?.querySelector('[data-summary]')?.textContent).toMatch(/What is really wrong: .*OPTIONS/);
    expect(detail?.querySelector('[data-preflight-reasons]')?.textContent).toBe('The method DELETE is not GET, HEAD or POST.');
    expect([...detail!.querySelectorAll('[data-timeline] li')].map((step) => step.getAttribute('data-entry-role'))).toEqual(['preflight', 'request']);
    fireEvent.keyDown(detail!, { key: 'Escape' });
    expect(container.querySelector('[data-detail]')).toBeNull();
    fireEvent.keyDown(grid, { key: 'Home' });
    expect(exchangeRows(container)[0]?.getAttribute('aria-selected')).toBe('true');
  });

  it('names the kind of request in the timeline, and how it was inferred (an <img crossorigin>, a font, a classic script)', async () => {
    const image = harEntry({ url: 'http://cdn.test/logo.png', resourceType: 'image', requestHeaders: fromPage, error: 'net::ERR_FAILED' });
    const font = harEntry({ url: 'http://cdn.test/font.woff2', resourceType: 'font', requestHeaders: fromPage, error: 'net::ERR_FAILED', startedDateTime: '2026-11-21T10:00:01.000Z' });
    const { container } = renderWith([image, font]);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(2));
    const kinds: string[] = [];
    for (const index of [0, 1]) {
      fireEvent.click(exchangeRows(container)[index]!);
      const kind = await waitFor(() => {
        const found = container.querySelector<HTMLElement>('[data-detail] [data-request-kind]');
        expect(found).not.toBeNull();
        return found!;
      });
      kinds.push(`${kind.textContent} | ${kind.title}`);
    }
    expect(kinds).toEqual([
      ' · image with crossorigin (CORS) | From _resourceType "image", Sec-Fetch-Mode "cors"',
      ' · font (@font-face, the FontFace API or a font preload) | From _resourceType "font"',
    ]);
  });

  it('shows the failed check and the header fix, with the header highlighted', async () => {
    const { container } = renderWith([blockedGet]);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    fireEvent.click(exchangeRows(container)[0]!);
    const detail = await detailPane(container);
    const finding = detail?.querySelector('[data-rule="missing-allow-origin"]');
    expect(finding?.querySelector('.evidence')?.textContent).toContain('access-control-allow-origin');
    expect(finding?.querySelector('.finding-fix')?.textContent).toContain(`Access-Control-Allow-Origin: ${page}`);
    const links = [...(finding?.querySelectorAll<HTMLAnchorElement>('.finding-links a') ?? [])].map((link) => link.getAttribute('href'));
    expect(links).toHaveLength(2);
    expect(links.every((href) => href?.startsWith('https://'))).toBe(true);
    // One "How to fix it" for the exchange: the header diff, the what-if verdict and the stack snippet.
    const howTo = detail?.querySelectorAll('.fix-panel');
    expect(howTo).toHaveLength(1);
    const added = [...(howTo?.[0]?.querySelectorAll('[data-diff-line="add"]') ?? [])].map((line) => line.textContent?.trim());
    expect(added).toEqual([`+ Access-Control-Allow-Origin: ${page}`, '+ Vary: Origin']);
    expect(howTo?.[0]?.querySelector('[data-verifies]')?.getAttribute('data-verifies')).toBe('true');
    expect(howTo?.[0]?.querySelector('[data-snippet]')?.textContent).toContain(page);
  });

  it('tries a fix in the what-if editor with one click', async () => {
    const { container } = renderWith([blockedGet]);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    fireEvent.click(exchangeRows(container)[0]!);
    fireEvent.click((await screen.findAllByRole('button', { name: 'Try this fix' }))[0]!);
    await waitFor(() => expect(exchangeRows(container)[0]?.dataset.verdict).toBe('allowed'));
    expect(screen.getByText(/What-if: showing the verdict with your edits/)).toBeTruthy();
  });

  it('survives entries a fix panel cannot read (no request object)', async () => {
    const broken = { response: { status: 200, headers: [{ name: 'Access-Control-Allow-Origin', value: '*' }] } } as unknown as HarEntry;
    const { container } = renderWith([broken, blockedGet]);
    await waitFor(() => expect(exchangeRows(container).length).toBeGreaterThan(0));
    for (const row of exchangeRows(container)) {
      fireEvent.click(row);
      expect((await detailPane(container)).dataset.detail).toBe(row.dataset.exchange);
    }
  });

  it('re-diagnoses what-if edits of a response, and resets to the recording', async () => {
    const { container } = renderWith([blockedGet]);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    fireEvent.click(exchangeRows(container)[0]!);
    fireEvent.click(await screen.findByRole('button', { name: 'Add header' }));
    fireEvent.input(screen.getByLabelText('Response header 2 name'), { target: { value: 'Access-Control-Allow-Origin' } });
    fireEvent.input(screen.getByLabelText('Response header 2 value'), { target: { value: page } });
    await waitFor(() => expect(exchangeRows(container)[0]?.dataset.verdict).toBe('allowed'));
    expect(screen.getByText(/What-if: showing the verdict with your edits/)).toBeTruthy();

    fireEvent.input(screen.getByLabelText('Response header 2 value'), { target: { value: 'http://other.test' } });
    await waitFor(() => expect(exchangeRows(container)[0]?.dataset.corsError).toBe('AllowOriginMismatch'));

    fireEvent.click(screen.getByRole('button', { name: 'Reset to recording' }));
    await waitFor(() => expect(exchangeRows(container)[0]?.dataset.corsError).toBe('MissingAllowOriginHeader'));
  });

  it('appends live requests and empties the list on Clear', async () => {
    const source = new MemoryHarSource('Live');
    const { container } = render(<App source={source} />);
    await screen.findByText(/Reload the inspected page/);
    source.finish(harEntry({ url: 'http://api.test/live', requestHeaders: fromPage }));
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(0));
  });

  it('tells the user when the oldest exchanges were dropped beyond the limit, and keeps counting them', async () => {
    const source = new MemoryHarSource('Live');
    const { container } = render(<App source={source} limit={10} />);
    expect((screen.getByTestId('limit') as HTMLSelectElement).value).toBe('10');
    await screen.findByText(/Reload the inspected page/);
    for (let index = 0; index < 14; index++) {
      source.finish(harEntry({ url: `http://api.test/missing/${index}`, requestHeaders: fromPage, error: 'net::ERR_FAILED', startedDateTime: `2026-11-21T10:00:${String(index).padStart(2, '0')}.000Z` }));
    }
    await waitFor(() => expect(screen.getByTestId('counts').textContent).toBe('14 exchanges · 14 cross-origin · 14 blocked · 0 warnings'));
    const banner = await waitFor(() => container.querySelector('[data-banner="dropped"]') ?? Promise.reject(new Error('no banner yet')));
    expect(screen.getByTestId('counts').textContent).toBe('14 exchanges · 14 cross-origin · 14 blocked · 0 warnings');
    expect(banner.textContent).toMatch(/^The oldest \d+ exchanges were dropped to stay within 10; the counts above still include them/);
    expect(exchangeRows(container).length).toBeLessThanOrEqual(10);
    expect(exchangeRows(container).at(-1)?.dataset.url).toBe('http://api.test/missing/13');
  });

  it('in Firefox: judges the live capture as Firefox, and beyond 1,000 entries offers the re-read a stopped request needs', async () => {
    /** Firefox's DevTools: a request stopped by its preflight is recorded, never announced. */
    class FirefoxLike extends MemoryHarSource {
      recordOnly(entry: HarEntry): void {
        (this as unknown as { entries: HarEntry[] }).entries.push(entry);
      }
    }
    const firefoxShaped = (entry: HarEntry) => {
      const { _resourceType: _type, ...rest } = entry as HarEntry & { _resourceType?: unknown };
      const { _error: _error, ...response } = rest.response as HarEntry['response'] & { _error?: unknown };
      return { ...rest, response } as HarEntry;
    };
    const source = new FirefoxLike('Live');
    const { container } = render(<App source={source} browser="firefox" />);
    await screen.findByText(/Reload the inspected page/);
    const second = (index: number) => new Date(Date.parse('2026-11-21T10:00:00.000Z') + index).toISOString();
    for (let index = 0; index < 1_001; index++) {
      source.finish(firefoxShaped(harEntry({ url: `http://api.test/ok/${index}`, requestHeaders: fromPage, responseHeaders: { 'Access-Control-Allow-Origin': page }, startedDateTime: second(index) })));
    }
    await waitFor(() => expect(screen.getByTestId('counts').textContent).toMatch(/^1,?001 exchanges/), { timeout: 10_000 });
    // The live capture is judged for the browser the panel runs in: Firefox's error names.
    expect(screen.getByRole('columnheader', { name: /Firefox error/ })).toBeTruthy();
    const url = 'http://api.test/items/stopped';
    source.recordOnly(firefoxShaped(harEntry({ method: 'DELETE', url, status: 0, requestHeaders: fromPage, startedDateTime: second(2_000) })));
    source.finish(firefoxShaped(harEntry({ method: 'OPTIONS', url, status: 404, requestHeaders: { ...fromPage, 'Access-Control-Request-Method': 'DELETE' }, startedDateTime: second(2_001) })));
    const banner = await waitFor(() => container.querySelector('[data-banner="unlisted"]') ?? Promise.reject(new Error('no banner yet')), { timeout: 5_000 });
    expect(banner.textContent).toMatch(/^1 preflight\(s\) arrived without the request they were sent for/);
    fireEvent.click(screen.getByRole('button', { name: 'Read the capture again' }));
    await waitFor(() => expect(container.querySelector('[data-banner="unlisted"]')).toBeNull(), { timeout: 5_000 });
    await waitFor(() => expect(screen.getByTestId('counts').textContent).toMatch(/^1,?002 exchanges/), { timeout: 5_000 });
    fireEvent.input(container.querySelector('.toolbar-filter')!, { target: { value: 'stopped' } });
    await waitFor(() => expect(exchangeRows(container).map((row) => `${row.dataset.method} ${row.dataset.entries} ${row.dataset.verdict}`)).toEqual(['DELETE 2 blocked']));
  }, 30_000);

  it('imports a .har file by button or by drop, and says so when it is not one', async () => {
    const { container } = renderWith([]);
    const input = container.querySelector<HTMLInputElement>('input[type=file]')!;
    const har = JSON.stringify({ log: { version: '1.2', entries: [blockedGet] } });
    fireEvent.change(input, { target: { files: [new File([har], 'bug-1234.har')] } });
    // An imported capture opens on its problems (the ticket view); "Show the request" leads to its row.
    await waitFor(() => expect(container.querySelectorAll('.problem')).toHaveLength(1));
    expect(screen.getByRole('tab', { name: 'Problems (1)' }).getAttribute('aria-selected')).toBe('true');
    expect(container.querySelector('.problem-title')?.textContent).toBe('The response has no Access-Control-Allow-Origin header — http://api.test/missing');
    fireEvent.click(container.querySelector('.problem-head')!);
    fireEvent.click(screen.getByRole('button', { name: 'Show the 1 request in the list' }));
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    expect((container.querySelector<HTMLInputElement>('.toolbar-filter'))?.value).toMatch(/^p-[0-9a-f]{16}$/);
    expect(screen.getByTestId('source').textContent).toBe('bug-1234.har');

    fireEvent.change(input, { target: { files: [new File(['<html>not a har'], 'page.html')] } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/page\.html: not valid JSON/);
    // The earlier import stays on screen: a bad file loses nothing.
    expect(exchangeRows(container)).toHaveLength(1);

    const dropped = JSON.stringify({ log: { entries: [allowedGet, blockedGet] } });
    fireEvent.input(container.querySelector('.toolbar-filter')!, { target: { value: '' } });
    fireEvent.drop(container.querySelector('.app')!, { dataTransfer: { files: [new File([dropped], 'dropped.har')] } });
    await waitFor(() => expect(screen.getByTestId('source').textContent).toBe('dropped.har'));
    expect(exchangeRows(container)).toHaveLength(2);
  });

  it('judges an import for the browser the HAR names, or the one chosen in "Judge as", and names its errors', async () => {
    const { container } = renderWith([]);
    const input = container.querySelector<HTMLInputElement>('input[type=file]')!;
    const har = JSON.stringify({ log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, entries: [blockedGet] } });
    fireEvent.change(input, { target: { files: [new File([har], 'chrome.har')] } });
    await waitFor(() => expect(screen.getByTestId('source').textContent).toBe('chrome.har'));
    fireEvent.click(screen.getByRole('tab', { name: /^Requests/ }));
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    const judgeAs = screen.getByTestId('judge-as') as HTMLSelectElement;
    expect(judgeAs.value).toBe('auto');
    expect(judgeAs.options[0]?.textContent).toBe("Chromium's checks (the HAR's producer)");
    expect(screen.getByRole('columnheader', { name: /Chromium error/ })).toBeTruthy();
    expect(exchangeRows(container)[0]?.dataset.corsError).toBe('MissingAllowOriginHeader');

    fireEvent.change(judgeAs, { target: { value: 'firefox' } });
    await waitFor(() => expect(screen.getByRole('columnheader', { name: /Firefox error/ })).toBeTruthy());
    await waitFor(() => expect(exchangeRows(container)[0]?.dataset.corsError).toBe('CORSMissingAllowOrigin'));
    expect((screen.getByTestId('judge-as') as HTMLSelectElement).value).toBe('firefox');
  });

  it('reopens an exported JSON report with the same verdicts, and offers the export menu', async () => {
    const exported = exportReport([blockedGet, allowedGet], { format: 'json', generatedAt: '2026-11-21T00:00:00.000Z' });
    if (!exported.ok) throw new Error('export failed');
    const { container } = renderWith([]);
    fireEvent.change(container.querySelector('input[type=file]')!, { target: { files: [new File([exported.content], 'report.json')] } });
    await waitFor(() => expect(container.querySelectorAll('.problem').length).toBeGreaterThan(0));
    fireEvent.click(screen.getByRole('tab', { name: /^Requests/ }));
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(2));
    expect(rowText(container)).toEqual(['GET http://api.test/missing blocked', 'GET http://api.test/ok allowed']);
    fireEvent.click(screen.getByRole('button', { name: /Export/ }));
    expect(screen.getByRole('form', { name: 'Export report' })).toBeTruthy();
  });

  it('says when DevTools opened after the page loaded (no document request in a live capture)', async () => {
    const live = new StaticHarSource('memory', 'Live capture', [blockedGet]);
    const chromeLike = Object.assign(Object.create(live) as StaticHarSource, { kind: 'chrome' as const });
    const { container } = render(<App source={chromeLike} />);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    expect(container.querySelector('[data-banner="late"]')?.textContent).toMatch(/Reload the page/);
  });

  it('says when a preflight is missing from the capture', async () => {
    const { container } = renderWith([harEntry({ method: 'PUT', url: 'http://api.test/x', requestHeaders: fromPage, responseHeaders: { 'Access-Control-Allow-Origin': page } })]);
    await waitFor(() => expect(exchangeRows(container)).toHaveLength(1));
    expect(container.querySelector('[data-banner="preflight-cache"]')?.textContent).toMatch(/Disable\s+cache/);
  });
});
