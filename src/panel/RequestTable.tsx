import type { RequestRow } from './request-row';

export interface RequestTableProps {
  rows: readonly RequestRow[];
}

/** Header values and URLs are hostile input: they are only ever rendered as text nodes. */
export function RequestTable({ rows }: RequestTableProps) {
  return (
    <div class="table-scroll">
      <table class="request-table" role="grid" aria-label="Requests">
        <thead>
          <tr role="row">
            <th role="columnheader" class="col-method">Method</th>
            <th role="columnheader" class="col-url">URL</th>
            <th role="columnheader" class="col-status">Status</th>
            <th role="columnheader" class="col-kind">Origin</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              role="row"
              key={row.index}
              class={`request-row ${row.originKind}${row.error ? ' failed' : ''}`}
              data-entry={row.index}
              data-method={row.method}
              data-url={row.url}
              data-status={row.status}
              data-kind={row.originKind}
              data-preflight={row.isPreflight ? 'true' : 'false'}
            >
              <td role="gridcell" class="col-method">
                {row.method}
                {row.isPreflight ? <span class="badge">preflight</span> : null}
              </td>
              <td role="gridcell" class="col-url" title={row.url}>
                {row.url}
              </td>
              <td role="gridcell" class="col-status" title={row.error ?? undefined}>
                {row.status === 0 ? '(failed)' : row.status}
                {row.error ? <span class="net-error">{row.error}</span> : null}
              </td>
              <td role="gridcell" class="col-kind">
                {row.originKind}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
