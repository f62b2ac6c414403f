import { describeRule, type Finding, type PreflightReason, type ReportExchange } from '../engine/index';
import { headerLines, recordedEntry, type EntryFacts, type HeaderLine } from './entry-facts';
import { FixPanel } from './fix/FixPanel';
import { clip, PROSE_LIMIT } from './clip';
import { VERDICT_ICON } from './ExchangeGrid';
import type { ResponseEdit } from './model/what-if';
import { WhatIfEditor } from './WhatIfEditor';

export interface ExchangeDetailProps {
  exchange: ReportExchange;
  /** The exchange's entries as recorded (before what-if edits), in capture order. */
  entries: readonly EntryFacts[];
  /** Raw HAR entries by log index, as recorded. */
  rawEntry(index: number): unknown;
  edits: ReadonlyMap<number, ResponseEdit>;
  onEdit(index: number, edit: ResponseEdit | null): void;
  /** "Try this fix": the fix's header patch, as what-if edits. */
  onTryFix(edits: ReadonlyMap<number, ResponseEdit>): void;
  onClose(): void;
}

/** Headers worth a look in any CORS diagnosis; the ones a finding names are highlighted more strongly. */
const CORS_RELEVANT = /^(origin|access-control-.*|vary|sec-fetch-mode|sec-fetch-site|cookie|set-cookie|authorization|location|content-type)$/i;

export function ExchangeDetail({ exchange, entries, rawEntry, edits, onEdit, onTryFix, onClose }: ExchangeDetailProps) {
  // The fix components read only this exchange's entries, checked for shape first.
  const recorded: ReturnType<typeof recordedEntry>[] = [];
  for (const index of exchange.entries) recorded[index] = recordedEntry(rawEntry(index));
  // Every server fix of an exchange shares one patch, snippet and what-if verdict: one "How to fix it" serves all.
  const lead = leadFinding(exchange.findings);
  const named = new Set(exchange.findings.flatMap((finding) => (finding.header ? [finding.header.toLowerCase()] : [])));
  const editable = entries.filter((entry) => entry.role === 'preflight' || entry === entries.filter((e) => e.role !== 'preflight').at(-1));
  return (
    <section class="detail" aria-label="Exchange details" data-detail={exchange.id} tabIndex={-1} id="exchange-detail">
      <header class="detail-header">
        <h2>
          <span aria-hidden="true">{VERDICT_ICON[exchange.verdict]}</span> {exchange.verdict}: {clip(exchange.method)} {clip(exchange.url)}
        </h2>
        <button type="button" class="toolbar-button" onClick={onClose} aria-label="Close details">
          ✕
        </button>
      </header>
      <p class="summary" data-summary>{clip(summarize(exchange), PROSE_LIMIT)}</p>
      {edits.size > 0 ? <p class="note what-if-note" role="status">What-if: showing the verdict with your edits, not the recording.</p> : null}

      <h3>Timeline</h3>
      <Timeline entries={entries} />

      {exchange.preflight.status !== 'not-needed' ? (
        <>
          <h3>Why was this preflighted?</h3>
          <ul class="reason-list" data-preflight-reasons>
            {exchange.preflight.reasons.map((reason, position) => (
              <li key={position}>{describeReason(reason)}</li>
            ))}
          </ul>
          {exchange.preflight.status === 'not-in-capture' ? (
            <p class="note">
              No preflight is in the capture: the browser reused a cached one (Access-Control-Max-Age), or sent it before
              DevTools opened. Tick "Disable cache" in the Network panel and reload to see it.
            </p>
          ) : null}
        </>
      ) : null}

      <h3>Findings</h3>
      {exchange.findings.length === 0 ? <p class="note">No problems found.</p> : null}
      <ul class="finding-list">
        {exchange.findings.map((finding, position) => (
          <FindingItem key={`${finding.rule}-${position}`} finding={finding} />
        ))}
      </ul>

      {lead ? (
        <>
          <h3>How to fix it</h3>
          <FixPanel
            finding={lead}
            exchange={exchange}
            recorded={recorded}
            showMessage={false}
            onTryFix={(fixEdits) => onTryFix(new Map([...fixEdits].map(([index, edit]) => [index, { status: edit.status, headers: edit.headers.map((line) => ({ ...line })) }])))}
          />
        </>
      ) : null}

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

      <h3>What if the server answered differently?</h3>
      {editable.map((entry) => (
        <WhatIfEditor
          key={entry.index}
          label={entry.role === 'preflight' ? 'Preflight response' : 'Response'}
          recorded={{ status: entry.status, headers: headerLines(rawEntry(entry.index), 'response') }}
          edit={edits.get(entry.index) ?? null}
          onChange={(edit) => onEdit(entry.index, edit)}
        />
      ))}

      <h3>Headers</h3>
      {entries.map((entry) => (
        <div class="header-block" key={entry.index}>
          <h4>
            {entry.role} · {clip(entry.method)} {clip(entry.url)}
          </h4>
          <HeaderTable title="Request headers" lines={headerLines(rawEntry(entry.index), 'request')} named={named} />
          <HeaderTable title="Response headers" lines={headerLines(rawEntry(entry.index), 'response')} named={named} />
        </div>
      ))}
    </section>
  );
}

/**
 * The order the browser worked in: each request hop preceded by its preflight. Start times cannot decide it
 * alone — Chromium stamps an actual request at or just before the preflight it triggered.
 */
export function timelineOrder(entries: readonly EntryFacts[]): EntryFacts[] {
  const byTime = (a: EntryFacts, b: EntryFacts) => (a.startedMs - b.startedMs) || a.index - b.index;
  const preflights = entries.filter((entry) => entry.role === 'preflight').sort(byTime);
  const ordered: EntryFacts[] = [];
  for (const hop of entries.filter((entry) => entry.role !== 'preflight').sort(byTime)) {
    const own = preflights.filter((preflight) => preflight.url === hop.url && !ordered.includes(preflight));
    ordered.push(...own, hop);
  }
  return [...ordered, ...preflights.filter((preflight) => !ordered.includes(preflight))];
}

function Timeline({ entries }: { entries: readonly EntryFacts[] }) {
  const start = Math.min(...entries.map((entry) => entry.startedMs).filter(Number.isFinite));
  return (
    <ol class="timeline" data-timeline>
      {timelineOrder(entries).map((entry) => {
        const offset = Number.isFinite(entry.startedMs) && Number.isFinite(start) ? Math.round(entry.startedMs - start) : null;
        return (
          <li key={entry.index} data-entry-role={entry.role} class={`timeline-step role-${entry.role}`}>
            <span class="badge">{entry.role}</span> {clip(entry.method)} {clip(entry.url)} → {entry.status === 0 ? '(no response)' : entry.status}
            {entry.kind !== null && entry.role !== 'preflight' ? <span class="request-kind" data-request-kind title={`From ${entry.kind.basis}`}> · {entry.kind.label}</span> : null}
            {entry.error ? <span class="net-error">{entry.error}</span> : null}
            <span class="timing">
              {offset !== null ? ` +${offset} ms` : ''}
              {entry.timeMs !== null ? `, took ${Math.round(entry.timeMs)} ms` : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function HeaderTable({ title, lines, named }: { title: string; lines: readonly HeaderLine[]; named: ReadonlySet<string> }) {
  return (
    <details open={lines.some((line) => named.has(line.name.toLowerCase()))}>
      <summary>
        {title} ({lines.length})
      </summary>
      <dl class="headers">
        {lines.map((line, position) => {
          const lower = line.name.toLowerCase();
          const emphasis = named.has(lower) ? ' named' : CORS_RELEVANT.test(lower) ? ' relevant' : '';
          return (
            <div key={position} class={`header-line${emphasis}`}>
              <dt>{clip(line.name)}</dt>
              <dd>{clip(line.value)}</dd>
            </div>
          );
        })}
      </dl>
    </details>
  );
}

function FindingItem({ finding }: { finding: Finding }) {
  const meta = describeRule(finding.rule);
  return (
    <li class={`finding severity-${finding.severity}`} data-rule={finding.rule}>
      <div class="finding-title">
        <span class="badge">{finding.severity}</span> <code>{finding.rule}</code> on the {finding.response}
        {finding.firefoxError ?? finding.corsError ? <span class="cors-error"> ({finding.firefoxError ?? finding.corsError})</span> : null}
        {finding.category !== 'cors' ? <span class="badge">{finding.category}</span> : null}
        {finding.confidence ? <span class="badge" title={finding.confidenceBasis ?? undefined}>{finding.confidence} confidence</span> : null}
      </div>
      <p>
        {clip(finding.message, PROSE_LIMIT)}
        {meta ? (
          <span class="finding-links">
            {' '}
            <a href={meta.specUrl} target="_blank" rel="noopener noreferrer">Fetch standard</a> ·{' '}
            <a href={meta.mdnUrl} target="_blank" rel="noopener noreferrer">MDN</a>
          </span>
        ) : null}
      </p>
      {finding.header ? (
        <dl class="evidence">
          <dt>Header</dt>
          <dd><code>{clip(finding.header)}</code></dd>
          <dt>Observed</dt>
          <dd><code>{finding.observed === null ? '(absent)' : clip(finding.observed)}</code></dd>
          <dt>Needed</dt>
          <dd><code>{finding.expected === null ? '(absent)' : clip(finding.expected)}</code></dd>
        </dl>
      ) : null}
      {finding.fix ? (
        <p class="finding-fix">
          <strong>Fix{finding.fix.target === 'client' ? ' in the client' : ''}:</strong> {clip(finding.fix.summary, PROSE_LIMIT)}
        </p>
      ) : finding.noServerFix ? (
        <p class="note">No server change fixes this: {clip(finding.noServerFix, PROSE_LIMIT)}</p>
      ) : null}
    </li>
  );
}

/** The finding whose fix the "How to fix it" section shows: the first error with a server fix, else any fix. */
export function leadFinding(findings: readonly Finding[]): Finding | null {
  return (
    findings.find((finding) => finding.severity === 'error' && finding.fix !== null && finding.fix.target !== 'client') ??
    findings.find((finding) => finding.fix !== null && finding.fix.target !== 'client') ??
    findings.find((finding) => finding.fix !== null || finding.noServerFix !== null) ??
    null
  );
}

const UNSAFE_WHY: Record<string, string> = {
  'name-not-safelisted': 'is not a CORS-safelisted header',
  'value-too-long': 'has a value over 128 bytes',
  'unsafe-byte': 'has a byte that is not allowed in a safelisted value',
  'content-type-essence': 'is not application/x-www-form-urlencoded, multipart/form-data or text/plain',
  'range-form': 'is not a simple single byte range',
  'invalid-value': 'has a value the browser does not accept as safelisted',
  'total-safelisted-size': 'pushes the safelisted headers over 1024 bytes in total',
  'listed-in-preflight': 'was listed in the preflight (Access-Control-Request-Headers)',
};

export function describeReason(reason: PreflightReason): string {
  switch (reason.kind) {
    case 'method':
      return `The method ${reason.method} is not GET, HEAD or POST.`;
    case 'header':
      return `The ${reason.name} header ${UNSAFE_WHY[reason.why] ?? reason.why}${reason.value !== null ? ` (value: ${reason.value})` : ''}.`;
    case 'forced':
      return 'The browser sent a preflight although method and headers are safelisted (an upload listener on XMLHttpRequest, or Private Network Access).';
  }
}

/** One sentence a developer in a hurry can act on. */
export function summarize(exchange: ReportExchange): string {
  const lead = exchange.findings.find((finding) => finding.severity === 'error') ?? exchange.findings[0];
  switch (exchange.verdict) {
    case 'blocked': {
      // Most "CORS errors" have another cause underneath (a missing OPTIONS route, auth before CORS, a 500):
      // when a classification finding names it, the summary says so first.
      const underneath = exchange.findings.find((finding) => finding.category === 'classification');
      const cause = underneath ? `What is really wrong: ${underneath.message} ` : '';
      const named = exchange.firefoxError ?? exchange.corsError;
      return `Blocked by the browser${named ? ` (${named})` : ''}. ${cause}${lead?.message ?? ''}`.trim();
    }
    case 'allowed':
      return exchange.kind === 'same-origin' || exchange.kind === 'navigation'
        ? 'Same-origin request: CORS does not apply.'
        : `The page's script received the response.${lead ? ` ${lead.message}` : ''}`;
    case 'unknown':
      return lead?.message ?? 'The capture does not hold enough to tell.';
  }
}
