import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { diagnose, parseHarText, type DiagnoseResult } from '../engine/index';
import type { HarEntry, HarSource } from '../platform/har-source';
import { entriesOf, entryFacts } from './entry-facts';
import { ExchangeDetail } from './ExchangeDetail';
import { ExchangeTable, type ExchangeRow } from './ExchangeTable';
import { LiveCapture } from './live-capture';

export interface AppProps {
  /** The live traffic (Chrome's capture in the extension; a static or in-memory source in tests). */
  source: HarSource;
}

/** A .har file the user imported: diagnosed exactly as the CLI diagnoses it. */
interface ImportedFile {
  name: string;
  input: unknown;
  entries: unknown[];
}

export function App({ source }: AppProps) {
  const [liveEntries, setLiveEntries] = useState<HarEntry[]>([]);
  const [preserveLog, setPreserveLog] = useState(false);
  const [capture, setCapture] = useState<LiveCapture | null>(null);
  const [imported, setImported] = useState<ImportedFile | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    const live = new LiveCapture(source, setLiveEntries, controller.signal);
    setCapture(live);
    void live.start();
    return () => controller.abort();
  }, [source]);

  const entries: readonly unknown[] = imported ? imported.entries : liveEntries;
  const diagnosis: DiagnoseResult = useMemo(
    () =>
      imported
        ? diagnose(imported.input, { sourceKind: 'file', sourceName: imported.name })
        : diagnose(liveEntries, { sourceKind: source.kind === 'chrome' ? 'live' : source.kind, sourceName: source.label }),
    [imported, liveEntries, source],
  );
  const facts = useMemo(() => entries.map((entry, index) => entryFacts(entry, index)), [entries]);
  const rows: ExchangeRow[] = useMemo(() => {
    if (!diagnosis.ok) return [];
    return diagnosis.report.exchanges.map((exchange) => {
      const requests = exchange.entries.map((index) => facts[index]).filter((fact) => fact !== undefined && fact.role !== 'preflight');
      return { exchange, final: requests.at(-1) ?? null };
    });
  }, [diagnosis, facts]);
  const selected = rows.find((row) => row.exchange.id === selectedId)?.exchange ?? null;

  const importFile = async (file: File) => {
    const parsed = parseHarText(await file.text());
    if (!parsed.ok) {
      setImportError(`${file.name}: ${parsed.error.message}`);
      return;
    }
    setImportError(null);
    setSelectedId(null);
    setImported({ name: file.name, input: parsed.value, entries: entriesOf(parsed.value) });
  };

  const summary = diagnosis.ok ? diagnosis.report.summary : null;
  return (
    <div class="app">
      <header class="toolbar" role="toolbar" aria-label="CORS Lens controls">
        <button type="button" class="toolbar-button" onClick={() => capture?.clear()} disabled={imported !== null}>
          Clear
        </button>
        <label class="toolbar-toggle">
          <input
            type="checkbox"
            checked={preserveLog}
            disabled={imported !== null}
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              setPreserveLog(checked);
              capture?.setPreserveLog(checked);
            }}
          />
          Preserve log
        </label>
        <button type="button" class="toolbar-button" onClick={() => fileInput.current?.click()}>
          Import HAR…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".har,.json,application/json"
          class="visually-hidden"
          aria-label="HAR file to import"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) void importFile(file);
            event.currentTarget.value = '';
          }}
        />
        {imported ? (
          <button type="button" class="toolbar-button" onClick={() => { setImported(null); setSelectedId(null); }}>
            Back to live capture
          </button>
        ) : null}
        <span class="toolbar-spacer" />
        <span class="toolbar-count" data-testid="counts">
          {summary
            ? `${summary.exchanges} exchanges · ${summary.crossOrigin} cross-origin · ${summary.blocked} blocked · ${summary.warnings} warnings`
            : ''}
        </span>
        <span class="toolbar-source" data-testid="source">{imported ? imported.name : source.label}</span>
      </header>
      {importError ? (
        <div class="banner error" role="alert">Could not import {importError}</div>
      ) : null}
      {!diagnosis.ok ? (
        <div class="banner error" role="alert">
          Could not read the capture: {diagnosis.error.message} {diagnosis.error.path ? `(at ${diagnosis.error.path})` : ''}
        </div>
      ) : diagnosis.report.inputErrors.length > 0 ? (
        <div class="banner warning" role="status">
          {diagnosis.report.inputErrors.length} problem(s) reading the capture; first: {diagnosis.report.inputErrors[0]?.message}
        </div>
      ) : null}
      {rows.length === 0 ? (
        <div class="empty-state" role="status">
          <p>No requests recorded yet.</p>
          <p>Reload the inspected page to capture its traffic. Requests made before DevTools opened are not visible.</p>
        </div>
      ) : (
        <div class={`workspace${selected ? ' with-detail' : ''}`}>
          <ExchangeTable rows={rows} selectedId={selectedId} onSelect={setSelectedId} />
          {selected ? (
            <ExchangeDetail
              exchange={selected}
              entries={selected.entries.flatMap((index) => facts[index] ?? [])}
              onClose={() => setSelectedId(null)}
            />
          ) : null}
        </div>
      )}
    </div>
  );
}
