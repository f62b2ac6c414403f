import type { Finding, HeaderPatch, ReportExchange } from '../engine/index';
import type { EntryFacts } from './entry-facts';
import { VERDICT_ICON } from './ExchangeTable';

export interface ExchangeDetailProps {
  exchange: ReportExchange;
  entries: readonly EntryFacts[];
  onClose(): void;
}

export function ExchangeDetail({ exchange, entries, onClose }: ExchangeDetailProps) {
  return (
    <section class="detail" aria-label="Exchange details" data-detail={exchange.id}>
      <header class="detail-header">
        <h2>
          <span aria-hidden="true">{VERDICT_ICON[exchange.verdict]}</span> {exchange.verdict}: {exchange.method} {exchange.url}
        </h2>
        <button type="button" class="toolbar-button" onClick={onClose} aria-label="Close details">
          ✕
        </button>
      </header>
      <p class="summary" data-summary>{summarize(exchange)}</p>
      <h3>Requests</h3>
      <ol class="entry-list">
        {entries.map((entry) => (
          <li key={entry.index} data-entry-role={entry.role}>
            <span class="badge">{entry.role}</span> {entry.method} {entry.url} →{' '}
            {entry.status === 0 ? '(no response)' : entry.status}
            {entry.error ? <span class="net-error">{entry.error}</span> : null}
          </li>
        ))}
      </ol>
      {exchange.preflight.status === 'not-in-capture' ? (
        <p class="note">
          This request needed a preflight, but none is in the capture: the browser reused a cached preflight, or it
          was sent before DevTools opened. Tick "Disable cache" in the Network panel and reload to see it.
        </p>
      ) : null}
      <h3>Findings</h3>
      {exchange.findings.length === 0 ? <p class="note">No problems found.</p> : null}
      <ul class="finding-list">
        {exchange.findings.map((finding, position) => (
          <FindingItem key={`${finding.rule}-${position}`} finding={finding} />
        ))}
      </ul>
      {exchange.assumptions.length > 0 ? (
        <>
          <h3>Assumptions</h3>
          <ul class="assumption-list">
            {exchange.assumptions.map((assumption) => (
              <li key={assumption}>{assumption}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function FindingItem({ finding }: { finding: Finding }) {
  return (
    <li class={`finding severity-${finding.severity}`} data-rule={finding.rule}>
      <div class="finding-title">
        <span class="badge">{finding.severity}</span> <code>{finding.rule}</code> on the {finding.response}
        {finding.corsError ? <span class="cors-error"> ({finding.corsError})</span> : null}
      </div>
      <p>{finding.message}</p>
      {finding.header ? (
        <dl class="evidence">
          <dt>Header</dt>
          <dd><code>{finding.header}</code></dd>
          <dt>Observed</dt>
          <dd><code>{finding.observed ?? '(absent)'}</code></dd>
          <dt>Needed</dt>
          <dd><code>{finding.expected ?? '(absent)'}</code></dd>
        </dl>
      ) : null}
      {finding.fix ? (
        <div class="fix">
          <p>
            <strong>Fix</strong> ({finding.fix.target}): {finding.fix.summary}
          </p>
          {finding.fix.status !== undefined ? <p>Answer with status {finding.fix.status}.</p> : null}
          {finding.fix.headers.length > 0 ? <pre class="patch">{finding.fix.headers.map(patchLine).join('\n')}</pre> : null}
        </div>
      ) : finding.noServerFix ? (
        <p class="note">No server change fixes this: {finding.noServerFix}</p>
      ) : null}
    </li>
  );
}

function patchLine(patch: HeaderPatch): string {
  if (patch.action === 'remove') return `- ${patch.name}`;
  return `${patch.action === 'add' ? '+ ' : ''}${patch.name}: ${patch.value ?? ''}`;
}

/** One sentence a developer in a hurry can act on. */
export function summarize(exchange: ReportExchange): string {
  const lead = exchange.findings.find((finding) => finding.severity === 'error') ?? exchange.findings[0];
  switch (exchange.verdict) {
    case 'blocked':
      return `Blocked by the browser${exchange.corsError ? ` (${exchange.corsError})` : ''}. ${lead?.message ?? ''}`.trim();
    case 'allowed':
      return exchange.kind === 'same-origin'
        ? 'Same-origin request: CORS does not apply.'
        : `The page's script received the response.${lead ? ` ${lead.message}` : ''}`;
    case 'unknown':
      return lead?.message ?? 'The capture does not hold enough to tell.';
  }
}
