/**
 * The toolbar's "Export…" menu: scope (whole capture / current filter / selected exchange), format
 * (Markdown / HTML / JSON) and "Redact secrets" (on by default), then a download through the platform.
 *
 * Props (for the lead mounting it in the toolbar):
 * - `input`        what the panel diagnosed: the HAR entries array, a `{log}` object, or an exported report
 *                  (exactly what was passed to `diagnose()` / `openInput()`); null disables the menu.
 * - `sourceName`, `sourceKind`  as given to `diagnose()`, so exported ids and the source line match the panel.
 * - `filteredIds`  ids of the exchanges the current filter shows, or null when no filter is active
 *                  (the "Current filter" scope is then disabled).
 * - `selectedId`   the selected exchange's id, or null (the "Selected exchange" scope is then disabled).
 * - `stack`        optional server stack whose snippets the report shows (null: every stack).
 * - `download`     optional; defaults to `downloadBlob` from src/platform/download.ts (tests pass a spy).
 * - `now`          optional clock for `generatedAt` (tests pass a fixed one).
 * - `runExport`    optional; runs the export somewhere else (the worker that holds a large import) instead of
 *                  `exportReport(input)` on the panel's thread. `input` then only has to be non-null.
 *
 * Renders a toolbar button `Export…` (aria-expanded) and, when open, a form labelled "Export report".
 */
import { useState } from 'preact/hooks';
import { exportReport, type ExportFormat, type ExportScope, type StackId } from '../../engine/index';
import { downloadBlob } from '../../platform/download';
import type { ExportOutcome, WorkerExportOptions } from '../diagnosis/capture-protocol';

/** Runs an export and hands back the file; `onProgress` as ExportOptions.onProgress. */
export type ExportRunner = (options: WorkerExportOptions, onProgress: (done: number, total: number) => void) => Promise<ExportOutcome>;

/** The export on this thread, from what the panel diagnosed. */
export function exportOnThisThread(input: unknown): ExportRunner {
  return async (options, onProgress) => {
    const result = exportReport(input, { ...options, onProgress });
    if (!result.ok) return result;
    const redactions = result.document.export.redactions.reduce((sum, item) => sum + item.count, 0);
    return { ok: true, blob: new Blob([result.content], { type: result.mimeType }), filename: result.filename, redactions };
  };
}

export interface ExportMenuProps {
  input: unknown;
  sourceName?: string;
  sourceKind?: 'file' | 'live' | 'memory';
  filteredIds: readonly string[] | null;
  selectedId: string | null;
  stack?: StackId | null;
  download?: (blob: Blob, filename: string) => void;
  now?: () => string;
  runExport?: ExportRunner;
}

type ScopeChoice = 'capture' | 'filter' | 'selected';

const FORMAT_LABELS: ReadonlyArray<readonly [Exclude<ExportFormat, 'text'>, string]> = [
  ['md', 'Markdown (.md)'],
  ['html', 'HTML (.html)'],
  ['json', 'JSON, reopens (.json)'],
];

function scopeOf(choice: ScopeChoice, filteredIds: readonly string[] | null, selectedId: string | null): ExportScope {
  if (choice === 'filter' && filteredIds !== null) return { kind: 'exchanges', ids: filteredIds };
  if (choice === 'selected' && selectedId !== null) return { kind: 'exchanges', ids: [selectedId] };
  return { kind: 'capture' };
}

export function ExportMenu({ input, sourceName, sourceKind, filteredIds, selectedId, stack = null, download = downloadBlob, now, runExport }: ExportMenuProps) {
  const [open, setOpen] = useState(false);
  const [scope, setScope] = useState<ScopeChoice>('capture');
  const [format, setFormat] = useState<Exclude<ExportFormat, 'text'>>('md');
  const [redact, setRedact] = useState(true);
  const [status, setStatus] = useState<{ kind: 'done' | 'error'; text: string } | null>(null);
  const [progress, setProgress] = useState<number | null>(null);

  const filterAvailable = filteredIds !== null && filteredIds.length > 0;
  const selectedAvailable = selectedId !== null;
  const effectiveScope: ScopeChoice = (scope === 'filter' && !filterAvailable) || (scope === 'selected' && !selectedAvailable) ? 'capture' : scope;

  const startExport = async () => {
    setStatus(null);
    setProgress(0);
    // An export on this thread holds it: let the "Exporting…" state paint before it starts.
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const run = runExport ?? exportOnThisThread(input);
    const result = await run(
      {
        format,
        redact,
        stack,
        scope: scopeOf(effectiveScope, filteredIds, selectedId),
        ...(sourceName === undefined ? {} : { sourceName }),
        ...(sourceKind === undefined ? {} : { sourceKind }),
        ...(now === undefined ? {} : { generatedAt: now() }),
      },
      (done, total) => setProgress(total === 0 ? 1 : done / total),
    );
    setProgress(null);
    if (!result.ok) {
      setStatus({ kind: 'error', text: `Export failed: ${result.error.message}` });
      return;
    }
    download(result.blob, result.filename);
    const secrets = redact ? `${result.redactions} value(s) redacted` : 'secrets NOT redacted';
    setStatus({ kind: 'done', text: `Saved ${result.filename} (${secrets}).` });
  };

  return (
    <div class="export-menu">
      <button
        type="button"
        class="toolbar-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        disabled={input === null || input === undefined}
        onClick={() => setOpen(!open)}
      >
        Export…
      </button>
      {open ? (
        <form
          class="export-popover"
          aria-label="Export report"
          onSubmit={(event) => {
            event.preventDefault();
            void startExport();
          }}
          onKeyDown={(event) => {
            if (event.key !== 'Escape') return;
            // Consumed here: DevTools would otherwise also toggle its console drawer.
            event.stopPropagation();
            setOpen(false);
          }}
        >
          <fieldset>
            <legend>Scope</legend>
            <label>
              <input type="radio" name="export-scope" value="capture" checked={effectiveScope === 'capture'} onChange={() => setScope('capture')} /> Whole capture
            </label>
            <label>
              <input type="radio" name="export-scope" value="filter" checked={effectiveScope === 'filter'} disabled={!filterAvailable} onChange={() => setScope('filter')} />{' '}
              Current filter{filterAvailable ? ` (${filteredIds.length})` : ''}
            </label>
            <label>
              <input type="radio" name="export-scope" value="selected" checked={effectiveScope === 'selected'} disabled={!selectedAvailable} onChange={() => setScope('selected')} />{' '}
              Selected exchange
            </label>
          </fieldset>
          <fieldset>
            <legend>Format</legend>
            {FORMAT_LABELS.map(([value, label]) => (
              <label key={value}>
                <input type="radio" name="export-format" value={value} checked={format === value} onChange={() => setFormat(value)} /> {label}
              </label>
            ))}
          </fieldset>
          <label class="export-redact">
            <input type="checkbox" checked={redact} onChange={(event) => setRedact(event.currentTarget.checked)} /> Redact secrets (cookies,
            credentials, tokens, bodies)
          </label>
          {!redact ? <p class="export-warning" role="note">The file will contain cookies, tokens and other secrets from the capture.</p> : null}
          <div class="export-actions">
            <button type="submit" class="toolbar-button">Download</button>
            <button type="button" class="toolbar-button" onClick={() => setOpen(false)}>Close</button>
          </div>
          {progress !== null ? <progress value={progress} max={1} aria-label="Export progress" /> : null}
          {status ? (
            <p class={`export-status ${status.kind}`} role={status.kind === 'error' ? 'alert' : 'status'}>
              {status.text}
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
