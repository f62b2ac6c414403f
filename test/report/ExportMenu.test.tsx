// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExportMenu } from '../../src/panel/export/ExportMenu';
import { downloadBlob } from '../../src/platform/download';
import { PAGE, exchange, har } from '../fixtures/builders';

afterEach(cleanup);

const capture = har([
  ...exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json' }, cookie: 'sid=secret-cookie' }).preflight({ status: 404 }).actual({ notSent: true }).entries(),
  ...exchange({ at: 100, url: 'https://api.example.net/ok', cookie: 'sid=secret-cookie' }).actual({ acao: PAGE, acac: 'true' }).entries(),
]);

const AT = '2024-05-01T12:00:00.000Z';

function setup(props: Partial<Parameters<typeof ExportMenu>[0]> = {}) {
  const download = vi.fn<(blob: Blob, filename: string) => void>();
  render(<ExportMenu input={capture} sourceName="capture.har" sourceKind="file" filteredIds={null} selectedId={null} download={download} now={() => AT} {...props} />);
  fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
  return download;
}

describe('<ExportMenu>', () => {
  it('opens a form with scope, format and redaction on by default', () => {
    setup();
    expect(screen.getByRole('button', { name: 'Export…' }).getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('form', { name: 'Export report' })).toBeTruthy();
    expect((screen.getByLabelText('Whole capture') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText(/Current filter/) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('Selected exchange') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('Markdown (.md)') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText(/Redact secrets/) as HTMLInputElement).checked).toBe(true);
  });

  it('downloads a redacted Markdown report of the whole capture as a Blob', async () => {
    const download = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    // The export waits a frame so its progress can paint first.
    await waitFor(() => expect(download).toHaveBeenCalled());
    expect(download).toHaveBeenCalledTimes(1);
    const [blob, filename] = download.mock.calls[0]!;
    expect(filename).toBe('cors-lens-report-2024-05-01.md');
    expect(blob.type).toBe('text/markdown;charset=utf-8');
    const text = await blob.text();
    expect(text).toMatch(/^# CORS Lens report/);
    expect(text).not.toContain('secret-cookie');
    expect(screen.getByRole('status').textContent).toMatch(/^Saved cors-lens-report-2024-05-01\.md \([1-9]\d* value\(s\) redacted\)\.$/);
  });

  it('exports the selected exchange as JSON without redaction when asked', async () => {
    const download = setup({ selectedId: 'ex-2', filteredIds: ['ex-0', 'ex-2'] });
    fireEvent.click(screen.getByLabelText('Selected exchange'));
    fireEvent.click(screen.getByLabelText('JSON, reopens (.json)'));
    fireEvent.click(screen.getByLabelText(/Redact secrets/));
    expect(screen.getByRole('note').textContent).toMatch(/will contain cookies/);
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    // The export waits a frame so its progress can paint first.
    await waitFor(() => expect(download).toHaveBeenCalled());
    const [blob, filename] = download.mock.calls[0]!;
    expect(filename).toBe('cors-lens-ex-2-2024-05-01.json');
    const json = JSON.parse(await blob.text()) as { summary: { exchanges: number }; export: { redacted: boolean; scope: unknown } };
    expect(json.summary.exchanges).toBe(1);
    expect(json.export).toMatchObject({ redacted: false, scope: { kind: 'exchanges', ids: ['ex-2'] } });
    expect(screen.getByRole('status').textContent).toMatch(/secrets NOT redacted/);
  });

  it('exports the current filter as HTML', async () => {
    const download = setup({ filteredIds: ['ex-0'] });
    fireEvent.click(screen.getByLabelText('Current filter (1)'));
    fireEvent.click(screen.getByLabelText('HTML (.html)'));
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    // The export waits a frame so its progress can paint first.
    await waitFor(() => expect(download).toHaveBeenCalled());
    const [blob] = download.mock.calls[0]!;
    const html = await blob.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('1 selected exchange(s)');
  });

  it('shows why an export failed, and is disabled without input', async () => {
    const download = setup({ input: '<html>' });
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^Export failed: /));
    expect(download).not.toHaveBeenCalled();
    cleanup();
    render(<ExportMenu input={null} filteredIds={null} selectedId={null} />);
    expect((screen.getByRole('button', { name: 'Export…' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('closes with Escape', () => {
    setup();
    fireEvent.keyDown(screen.getByRole('form', { name: 'Export report' }), { key: 'Escape' });
    expect(screen.queryByRole('form')).toBeNull();
  });
});

describe('downloadBlob', () => {
  it('clicks a hidden <a download> with an object URL and removes it', () => {
    const created: string[] = [];
    const clicked: { href: string; download: string }[] = [];
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation(() => {
      created.push('blob:test/1');
      return 'blob:test/1';
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
    downloadBlob(new Blob(['x'], { type: 'text/plain' }), 'report.md');
    expect(created).toEqual(['blob:test/1']);
    expect(clicked).toEqual([{ href: 'blob:test/1', download: 'report.md' }]);
    expect(document.querySelector('a[download]')).toBeNull();
    createObjectURL.mockRestore();
    click.mockRestore();
  });
});
