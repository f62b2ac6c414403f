import { useEffect, useMemo, useState } from 'preact/hooks';
import type { HarEntry, HarSource } from '../platform/har-source';
import { LiveCapture } from './live-capture';
import { originOfUrl, toRequestRow } from './request-row';
import { RequestTable } from './RequestTable';

export interface AppProps {
  source: HarSource;
}

export function App({ source }: AppProps) {
  const [entries, setEntries] = useState<HarEntry[]>([]);
  const [pageOrigin, setPageOrigin] = useState<string | null>(null);
  const [preserveLog, setPreserveLog] = useState(false);
  const [capture, setCapture] = useState<LiveCapture | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const live = new LiveCapture(source, setEntries, controller.signal);
    setCapture(live);
    void source.pageUrl().then((url) => setPageOrigin(originOfUrl(url)));
    void live.start();
    // A navigation changes the page origin that rows are compared with.
    source.subscribe({ onEntry: () => {}, onNavigated: (url) => setPageOrigin(originOfUrl(url)) }, controller.signal);
    return () => controller.abort();
  }, [source]);

  const rows = useMemo(() => entries.map((entry, index) => toRequestRow(entry, index, pageOrigin)), [entries, pageOrigin]);
  const crossOriginCount = rows.filter((row) => row.originKind === 'cross-origin').length;

  return (
    <div class="app">
      <header class="toolbar" role="toolbar" aria-label="CORS Lens controls">
        <button
          type="button"
          class="toolbar-button"
          onClick={() => capture?.clear()}
          title="Clear the list"
          aria-label="Clear"
        >
          Clear
        </button>
        <label class="toolbar-toggle">
          <input
            type="checkbox"
            checked={preserveLog}
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              setPreserveLog(checked);
              capture?.setPreserveLog(checked);
            }}
          />
          Preserve log
        </label>
        <span class="toolbar-spacer" />
        <span class="toolbar-count" data-testid="counts">
          {rows.length} requests · {crossOriginCount} cross-origin
        </span>
        <span class="toolbar-source">{source.label}</span>
      </header>
      {rows.length === 0 ? (
        <div class="empty-state" role="status">
          <p>No requests recorded yet.</p>
          <p>Reload the inspected page to capture its traffic. Requests made before DevTools opened are not visible.</p>
        </div>
      ) : (
        <RequestTable rows={rows} />
      )}
    </div>
  );
}
