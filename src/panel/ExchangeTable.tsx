import type { ReportExchange, Verdict } from '../engine/index';
import type { EntryFacts } from './entry-facts';

export interface ExchangeRow {
  exchange: ReportExchange;
  /** The entry whose response the page's script got (or would have got): the last request hop. */
  final: EntryFacts | null;
}

export interface ExchangeTableProps {
  rows: readonly ExchangeRow[];
  selectedId: string | null;
  onSelect(id: string | null): void;
}

export const VERDICT_ICON: Record<Verdict, string> = { blocked: '⛔', allowed: '✓', unknown: '?' };

/** Header values and URLs are hostile input: they are only ever rendered as text nodes. */
export function ExchangeTable({ rows, selectedId, onSelect }: ExchangeTableProps) {
  const move = (event: KeyboardEvent) => {
    const current = rows.findIndex((row) => row.exchange.id === selectedId);
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (event.key === 'Escape') onSelect(null);
    if (step === 0) return;
    event.preventDefault();
    const next = rows[Math.min(rows.length - 1, Math.max(0, current + step))];
    if (next) onSelect(next.exchange.id);
  };
  return (
    <div class="table-scroll">
      <table class="exchange-table" role="grid" aria-label="Cross-origin exchanges" tabIndex={0} onKeyDown={move}>
        <thead>
          <tr role="row">
            <th role="columnheader" class="col-verdict">Verdict</th>
            <th role="columnheader" class="col-method">Method</th>
            <th role="columnheader" class="col-url">URL</th>
            <th role="columnheader" class="col-status">Status</th>
            <th role="columnheader" class="col-kind">Kind</th>
            <th role="columnheader" class="col-error">Chromium error</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ exchange, final }) => (
            <tr
              role="row"
              key={exchange.id}
              aria-selected={exchange.id === selectedId}
              class={`exchange-row verdict-${exchange.verdict}${exchange.id === selectedId ? ' selected' : ''}`}
              onClick={() => onSelect(exchange.id)}
              data-exchange={exchange.id}
              data-verdict={exchange.verdict}
              data-cors-error={exchange.corsError ?? ''}
              data-method={exchange.method}
              data-url={exchange.url}
              data-status={final?.status ?? 0}
              data-kind={exchange.kind}
              data-entries={exchange.entries.length}
            >
              <td role="gridcell" class="col-verdict">
                <span class="verdict-icon" aria-hidden="true">{VERDICT_ICON[exchange.verdict]}</span> {exchange.verdict}
              </td>
              <td role="gridcell" class="col-method">
                {exchange.method}
                {exchange.preflight.status === 'sent' ? <span class="badge">preflight</span> : null}
              </td>
              <td role="gridcell" class="col-url" title={exchange.url}>
                {exchange.url}
              </td>
              <td role="gridcell" class="col-status" title={final?.error ?? undefined}>
                {final === null || final.status === 0 ? '(failed)' : final.status}
                {final?.error ? <span class="net-error">{final.error}</span> : null}
              </td>
              <td role="gridcell" class="col-kind">{exchange.kind}</td>
              <td role="gridcell" class="col-error">{exchange.corsError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
