// @vitest-environment happy-dom
// A large .har file imported into the panel goes through the diagnosis worker (here a CaptureHost behind
// message passing, since happy-dom has no workers): progress in real phases, then the same rows, details,
// what-if verdicts and exports as a small file diagnosed on the panel's thread.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { syntheticHar } from '../../bench/synthetic-har';
import { diagnose } from '../../src/engine/index';
import { App } from '../../src/panel/App';
import { buildRows, DEFAULT_FILTER, filterRows } from '../../src/panel/model/rows';
import { StaticHarSource } from '../../src/platform/static-har-source';
import type { InProcessWorker } from './in-process-worker';

const workers = vi.hoisted(() => [] as InProcessWorker[]);
vi.mock('../../src/panel/diagnosis/worker', async () => {
  const { InProcessWorker } = await import('./in-process-worker');
  return {
    createDiagnosisWorker: () => {
      // Small slices, so that even this file arrives in several.
      const worker = new InProcessWorker(40);
      workers.push(worker);
      return worker;
    },
  };
});

beforeEach(() => {
  // The panel sends large files to a worker only where workers exist.
  vi.stubGlobal('Worker', class {});
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  for (const worker of workers.splice(0)) worker.terminate();
});

const har = syntheticHar(700, 4);
const text = JSON.stringify(har);
const options = { sourceKind: 'file' as const, sourceName: 'big.har' };
const exchangeRows = (container: Element) => [...container.querySelectorAll<HTMLElement>('[data-exchange]')];

/** Every text the progress banner showed, in order. */
function watchBanners(container: Element): string[] {
  const seen: string[] = [];
  const record = () => {
    for (const banner of container.querySelectorAll('.banner.progress')) if (seen.at(-1) !== banner.textContent) seen.push(banner.textContent ?? '');
  };
  new MutationObserver(record).observe(container, { subtree: true, childList: true, characterData: true });
  return seen;
}

async function importBig(container: Element) {
  const file = new File([text], 'big.har');
  fireEvent.change(container.querySelector('input[type=file]')!, { target: { files: [file] } });
  await waitFor(() => expect(screen.getByTestId('source').textContent).toBe('big.har'), { timeout: 10_000 });
  // A big import opens on its problems; these tests look at its rows.
  expect(screen.getByRole('tab', { name: /^Problems/ }).getAttribute('aria-selected')).toBe('true');
  fireEvent.click(screen.getByRole('tab', { name: /^Requests/ }));
}

describe('<App> importing a large file', () => {
  it('shows real progress, then the rows a diagnosis on the panel\'s thread gives', async () => {
    const { container } = render(<App source={new StaticHarSource('memory', 'Test', [])} />);
    const banners = watchBanners(container);
    await importBig(container);
    expect(container.querySelector('.banner.progress')).toBeNull();

    const result = diagnose(har, options);
    if (!result.ok) throw new Error(result.error.message);
    const { summary, exchanges } = result.report;
    expect(banners[0]).toMatch(/^Reading big\.har \(1\.\d MB\)…$/);
    expect(banners).toContain('Diagnosing 700 entries of big.har…');
    const loading = banners.filter((banner) => banner.startsWith('Loading'));
    expect(loading.length).toBeGreaterThan(0);
    expect(loading.every((banner) => new RegExp(`^Loading big\\.har: [\\d,]+ of ${exchanges.length} exchanges…$`).test(banner))).toBe(true);
    // The worker was handed the file itself: the panel's thread never parsed it.
    // One worker for everything: the live capture first, then the import. The worker was handed the file
    // itself: the panel's thread never parsed it.
    expect(workers).toHaveLength(1);
    const sent = workers[0]!.traffic.log.filter((item) => item.to === 'worker').map((item) => item.message.kind);
    expect(sent.filter((kind) => kind !== 'live-changes').slice(0, 2)).toEqual(['live', 'import']);
    expect(sent.filter((kind) => kind === 'next').length).toBeGreaterThan(5);

    expect(screen.getByTestId('counts').textContent).toBe(
      `${summary.exchanges} exchanges · ${summary.crossOrigin} cross-origin · ${summary.blocked} blocked · ${summary.warnings} warnings`,
    );
    const rows = filterRows(buildRows(exchanges, har.log.entries), DEFAULT_FILTER);
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe(String(rows.length + 1));
    const shown = exchangeRows(container);
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.map((row) => `${row.dataset.exchange} ${row.dataset.method} ${row.dataset.url} ${row.dataset.status} ${row.dataset.verdict} ${row.dataset.corsError} ${row.dataset.entries}`)).toEqual(
      rows.slice(0, shown.length).map((row) => `${row.id} ${row.method} ${row.url} ${row.status} ${row.verdict} ${row.corsError} ${row.entryCount}`),
    );
  });

  it('shows a selected exchange\'s details from entries the worker keeps, and re-diagnoses what-if edits there', async () => {
    const { container } = render(<App source={new StaticHarSource('memory', 'Test', [])} />);
    await importBig(container);
    // Enter opens the details and moves focus there once the worker has sent the entries.
    const grid = screen.getByRole('grid');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    await waitFor(() => expect(document.activeElement?.id).toBe('exchange-detail'));
    expect(document.activeElement?.getAttribute('data-detail')).toBe(exchangeRows(container)[0]?.dataset.exchange);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(container.querySelector('[data-detail]')).toBeNull();

    fireEvent.click(screen.getByRole('radio', { name: 'Preflighted' }));
    const row = exchangeRows(container)[3]!;
    fireEvent.click(row);
    const detail = await waitFor(() => {
      const pane = container.querySelector<HTMLElement>(`[data-detail="${row.dataset.exchange}"]`);
      expect(pane).not.toBeNull();
      return pane!;
    });
    const url = row.dataset.url!;
    const steps = [...detail.querySelectorAll('[data-timeline] li')].map((step) => step.textContent);
    expect(steps[0]).toContain(`preflight OPTIONS ${url} → 204`);
    expect(steps[1]).toContain(`request PUT ${url} → 200`);
    // The header tables are the raw entries', fetched from the worker.
    const preflightHeaders = within(detail).getAllByText('Access-Control-Request-Method');
    expect(preflightHeaders.length).toBeGreaterThan(0);
    expect(detail.textContent).toContain('content-type,x-request-id');

    // A blocked exchange, fixed with one click: the worker diagnoses the edit, the row turns allowed.
    fireEvent.click(screen.getByRole('radio', { name: 'Blocked' }));
    const blocked = exchangeRows(container)[0]!;
    const id = blocked.dataset.exchange!;
    fireEvent.click(blocked);
    await waitFor(() => expect(container.querySelector(`[data-detail="${id}"]`)).not.toBeNull());
    fireEvent.click(screen.getAllByRole('button', { name: 'Try this fix' })[0]!);
    // Whatever its verdict, the filter box keeps this exchange in view.
    fireEvent.click(screen.getByRole('radio', { name: 'All' }));
    fireEvent.input(screen.getByLabelText(/Filter exchanges/), { target: { value: blocked.dataset.url } });
    await waitFor(() => expect(container.querySelector<HTMLElement>(`[data-exchange="${id}"]`)?.dataset.verdict).toBe('allowed'), { timeout: 10_000 });
    expect(workers[0]!.traffic.log.some((item) => item.message.kind === 'what-if')).toBe(true);
    fireEvent.click(screen.getAllByRole('button', { name: 'Reset to recording' }).find((button) => !(button as HTMLButtonElement).disabled)!);
    await waitFor(() => expect(container.querySelector<HTMLElement>(`[data-exchange="${id}"]`)?.dataset.verdict).toBe('blocked'));
  });

  // An import, an export and a 1 MB bad file through the in-process worker: seconds on a loaded 2-core machine.
  it('exports from the worker, keeps the capture when a bad file follows, and lets the worker forget it on the way back', { timeout: 20_000 }, async () => {
    const { container } = render(<App source={new StaticHarSource('memory', 'Test', [])} />);
    await importBig(container);
    const saved: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      saved.push(blob as Blob);
      return 'blob:test/1';
    });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(screen.getByText(/^Saved cors-lens-report-.*\.md \(\d+ value\(s\) redacted\)\.$/)).toBeTruthy(), { timeout: 10_000 });
    expect(saved).toHaveLength(1);
    expect(await saved[0]!.text()).toMatch(/^# CORS Lens report/);
    expect(workers[0]!.traffic.log.some((item) => item.message.kind === 'export')).toBe(true);

    const before = exchangeRows(container).length;
    const bad = new File([`{"log": ${' '.repeat(1024 * 1024)}`], 'bad.har');
    fireEvent.change(container.querySelector('input[type=file]')!, { target: { files: [bad] } });
    expect((await screen.findByRole('alert', {}, { timeout: 10_000 })).textContent).toMatch(/^Could not import bad\.har: not valid JSON \(/);
    expect(screen.getByTestId('source').textContent).toBe('big.har');
    expect(exchangeRows(container)).toHaveLength(before);
    // The worker keeps the live capture and the file.
    expect(workers[0]!.host.kept).toBe(2);

    fireEvent.click(screen.getByRole('button', { name: 'Back to live capture' }));
    await waitFor(() => expect(workers[0]!.host.kept).toBe(1));
    expect(screen.getByTestId('source').textContent).toBe('Test');
  });
});
