/**
 * The report as ONE self-contained HTML file: inline CSS only, no script at all, nothing that loads from the
 * network (a `default-src 'none'` Content-Security-Policy makes sure), light and dark by
 * prefers-color-scheme, readable with scripts off. Every capture value goes through `text()` (visible escapes
 * for control and bidi characters, then HTML escaping); the only links are our own spec and MDN pages,
 * and only when they are plain http(s) URLs.
 */
import { NO_HEADER_FIX, clientFixText } from '../fixes/index.js';
import { RULES } from '../rules/registry.js';
import type { Fix } from '../rules/types.js';
import { curlCommand } from './curl.js';
import { visibleEscapes, visibleEscapesInBlock } from './escape.js';
import type { ExportDocument } from './document.js';
import { SEVERITY_MARK, detailedExchanges, exchangeSections, harRequestAt, patchLine, preflightReasonText, problemExamples, snippetsFor, stacksOf, verificationText } from './sections.js';
import type { Problem } from '../problems/problems.js';
import { serverFixLine } from '../problems/servers.js';
import type { Finding, Report, ReportExchange, Verdict } from './types.js';
import { errorLabel, exchangeErrorFacts, exchangeErrorName, findingErrorText, judgedBrowserText } from './browser-words.js';

export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** A one-line capture value as inert HTML text. */
function text(value: string): string {
  return escapeHtml(visibleEscapes(value));
}

/** A multi-line block (patches, snippets, curl) as inert HTML text. */
function block(value: string): string {
  return escapeHtml(visibleEscapesInBlock(value));
}

function code(value: string): string {
  return value === '' ? '<span class="muted">(empty)</span>' : `<code>${text(value)}</code>`;
}

function link(label: string, url: string): string {
  return /^https?:\/\/[^\s<>"'`]+$/.test(url) ? `<a href="${escapeHtml(url)}" rel="noreferrer noopener">${escapeHtml(label)}</a>` : '';
}

const VERDICT_MARK: Readonly<Record<Verdict, string>> = { blocked: '⛔', allowed: '✅', unknown: '❔' };

const CSS = `
:root { --bg: #ffffff; --fg: #1f1f1f; --muted: #5f6368; --border: #dadce0; --toolbar: #f1f3f4; --cross: #1a73e8;
  --error: #c5221f; --ok: #188038; --badge-bg: #e8eaed; color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #202124; --fg: #e8eaed; --muted: #9aa0a6; --border: #3c4043; --toolbar: #292a2d; --cross: #8ab4f8;
    --error: #f28b82; --ok: #81c995; --badge-bg: #3c4043; }
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--fg); font: 13px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 12px 18px 40px; }
h1 { font-size: 18px; margin: 6px 0 10px; }
h2 { font-size: 15px; margin: 22px 0 6px; padding-top: 10px; border-top: 1px solid var(--border); overflow-wrap: anywhere; }
h3 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th { text-align: left; font-weight: normal; color: var(--muted); background: var(--toolbar); }
th, td { border-bottom: 1px solid var(--border); padding: 3px 6px; vertical-align: top; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; }
code, pre { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { overflow-wrap: anywhere; }
pre { background: var(--toolbar); border: 1px solid var(--border); padding: 6px 8px; white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }
.badge { padding: 0 4px; border-radius: 3px; background: var(--badge-bg); color: var(--muted); font-size: 11px; }
.verdict-blocked { color: var(--error); }
.verdict-allowed { color: var(--ok); }
.severity-error .badge { color: var(--error); }
.muted, .note { color: var(--muted); }
.warning { color: var(--error); font-weight: bold; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1px 12px; margin: 4px 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
ol.findings { padding-left: 20px; }
ol.findings li { margin: 6px 0; }
ol.findings p { margin: 2px 0; }
a { color: var(--cross); }
`;

function countRedactions(document: ExportDocument): number {
  return document.export.redactions.reduce((sum, item) => sum + item.count, 0);
}

function headerHtml(document: ExportDocument): string {
  const { report } = document;
  const info = document.export;
  const source = report.source.name === null ? 'a live capture' : code(report.source.name);
  const creator = report.source.creator === null ? '' : ` <span class="muted">(${text(report.source.creator)})</span>`;
  const scope = info.scope.kind === 'capture' ? 'whole capture' : `${info.scope.ids.length} selected exchange(s): ${info.scope.ids.map(code).join(', ')}`;
  const redactions = countRedactions(document);
  const secrets = info.redacted
    ? `redacted (${redactions} value(s)${redactions > 0 ? ', listed under Redactions' : ''})`
    : '<span class="warning">not redacted</span> — this report may contain cookies, tokens and other secrets';
  return `<h1>CORS Lens report</h1>
<dl class="meta">
<dt>Source</dt><dd>${source}${creator}</dd>
<dt>Verdicts</dt><dd>${text(judgedBrowserText(report.browser))}</dd>
<dt>Scope</dt><dd>${scope}</dd>
<dt>Generated</dt><dd>${code(info.generatedAt)} by ${text(report.tool.name)} ${text(report.tool.version)}</dd>
<dt>Secrets</dt><dd>${secrets}</dd>
${info.stack === null ? '' : `<dt>Server stack</dt><dd>${code(info.stack)}</dd>\n`}</dl>`;
}

function summaryHtml(document: ExportDocument): string {
  const { summary, exchanges } = document.report;
  const counts = `<table class="counts"><thead><tr><th class="num">Exchanges</th><th class="num">Cross-origin</th><th class="num">Blocked</th><th class="num">Allowed</th><th class="num">Unknown</th><th class="num">Warnings</th></tr></thead>
<tbody><tr><td class="num">${summary.exchanges}</td><td class="num">${summary.crossOrigin}</td><td class="num">${summary.blocked}</td><td class="num">${summary.allowed}</td><td class="num">${summary.unknown}</td><td class="num">${summary.warnings}</td></tr></tbody></table>`;
  if (exchanges.length === 0) return `<h2>Summary</h2>\n${counts}`;
  return `<h2>Summary</h2>\n${counts}`;
}

/** Every exchange, one row each, collapsed under the problems (a 20k-exchange capture still opens fast). */
function exchangeTableHtml(document: ExportDocument): string {
  const { exchanges } = document.report;
  if (exchanges.length === 0) return '';
  const rows = exchanges.map((exchange) => `<tr data-exchange="${text(exchange.id)}"><td>${text(exchange.id)}</td><td class="verdict-${exchange.verdict}">${VERDICT_MARK[exchange.verdict]} ${exchange.verdict}</td><td>${code(exchange.method)}</td><td>${code(exchange.url)}</td><td>${errorCell(exchangeErrorName(document.report, exchange))}</td></tr>`);
  return `<details class="all-exchanges"${exchanges.length <= 50 ? ' open' : ''}><summary>All ${exchanges.length} exchanges</summary>
<table class="exchanges"><thead><tr><th>Id</th><th>Verdict</th><th>Method</th><th>URL</th><th>${text(errorLabel(document.report))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></details>`;
}

/** Problems shown in full (the rest get one line each); exchange sections when the whole capture is exported. */
const PROBLEMS_IN_FULL = 50;

function problemHtml(document: ExportDocument, problem: Problem): string {
  const { fix } = problem;
  const facts = [
    ['Requests', String(problem.count)],
    ['Server', problem.server],
    [problem.routes.length === 1 ? 'Route' : 'Routes', problem.routes.slice(0, 10).join(', ') + (problem.routes.length > 10 ? ` and ${problem.routes.length - 10} more` : '')],
    ['Methods', problem.methods.join(', ')],
    ...(problem.requestKinds.length > 0 ? [['Requests', problem.requestKinds.join('; ')]] : []),
    ...(problem.initiatorOrigins.length > 0 ? [['Pages', problem.initiatorOrigins.join(', ')]] : []),
    ...(problem.firefoxErrors.length > 0 && document.report.browser.id === 'firefox' ? [['Firefox', problem.firefoxErrors.join(', ')]] : []),
    ...(problem.corsErrors.length > 0 ? [['Chromium', problem.corsErrors.join(', ')]] : []),
    ['Rule', `${problem.rule} (${problem.reason})`],
  ];
  let fixPart: string;
  if (fix === null) fixPart = `<p class="note">${NO_HEADER_FIX}: ${text(problem.noServerFix ?? '')}</p>`;
  else if (fix.target === 'client') fixPart = `<p class="note">${NO_HEADER_FIX}: ${text(clientFixText(fix.summary))}</p>`;
  else {
    const { stack } = document.export;
    const snippets = stack === null ? [] : fix.snippets.filter((snippet) => snippet.stack === stack);
    fixPart = `<p><strong>Fix</strong> (${text(fix.target)}): ${text(fix.summary)}</p>${fix.status === undefined ? '' : `<p>Answer with status ${fix.status}.</p>`}${fix.headers.length === 0 ? '' : `<pre class="patch">${block(fix.headers.map(patchLine).join('\n'))}</pre>`}<p class="muted">${text(fix.note)}</p>${snippets.map((snippet) => `<p><strong>${text(snippet.stack)}</strong> <span class="muted">(${text(verificationText(snippet))})</span></p>\n<pre class="snippet">${block(snippet.code)}</pre>`).join('\n')}`;
  }
  const examples = problemExamples(document, problem.exchanges);
  const exampleList = examples.length === 0 ? '' : `<p>Example requests (${examples.length} of ${problem.count}):</p><ul>${examples.map((exchange) => `<li>${text(exchange.id)}: ${code(exchange.method)} ${code(exchange.url)}</li>`).join('')}</ul>`;
  return `<section class="problem severity-${text(problem.severity)}" id="${text(problem.id)}">
<h3>${SEVERITY_MARK[problem.severity]} ${text(problem.title)}</h3>
<dl class="meta">${facts.map(([name, value]) => `<dt>${text(name ?? '')}</dt><dd>${text(value ?? '')}</dd>`).join('')}</dl>
<p>${text(problem.example)}</p>
${fixPart}
${exampleList}
</section>`;
}

/** Each server's one configuration (report.servers): the header lines that fix all its blocking problems at once. */
function serverListHtml(document: ExportDocument): string {
  const { servers } = document.report;
  if (servers.length === 0) return '';
  const { stack } = document.export;
  const snippetsOf = (fix: (typeof servers)[number]) => (stack === null ? [] : fix.snippets.filter((snippet) => snippet.stack === stack))
    .map((snippet) => `<p><strong>${text(snippet.stack)}</strong> <span class="muted">(${text(verificationText(snippet))})</span></p>\n<pre class="snippet">${block(snippet.code)}</pre>`).join('\n');
  const sections = servers.map((fix) => `<section class="server-fix"><h3>${code(fix.server)} — ${fix.problems.length} ${fix.problems.length === 1 ? 'problem' : 'problems'}, ${fix.exchanges} ${fix.exchanges === 1 ? 'request' : 'requests'}</h3>
${fix.preflightStatus === null ? '' : `<p>Answer OPTIONS with ${fix.preflightStatus}, before authentication${fix.routes.length > 0 ? `, on ${fix.routes.slice(0, 10).map(code).join(', ')}${fix.routes.length > 10 ? ` and ${fix.routes.length - 10} more` : ''}` : ''}.</p>`}${fix.headers.length === 0 ? '' : `<pre class="patch">${block(fix.headers.map((patch) => serverFixLine(fix, patch)).join('\n'))}</pre>`}${fix.notes.map((note) => `<p class="note">${text(note)}</p>`).join('')}${snippetsOf(fix)}</section>`);
  return `<h2>One configuration per server</h2>
<p>Configure each server once, on every response (errors and redirects included); this fixes all of its blocking problems below at once.</p>
${sections.join('\n')}
`;
}

function problemListHtml(document: ExportDocument): string {
  const { problems } = document.report;
  if (problems.length === 0) return '<h2>Problems</h2>\n<p>None: every exchange passed its checks and the audit found nothing to report.</p>';
  const rest = problems.slice(PROBLEMS_IN_FULL);
  return `<h2>Problems</h2>
<p>${problems.length} ${problems.length === 1 ? 'cause' : 'causes'}, one change each, most severe and most frequent first.</p>
${problems.slice(0, PROBLEMS_IN_FULL).map((problem) => problemHtml(document, problem)).join('\n')}${rest.length === 0 ? '' : `\n<h3>${rest.length} more</h3><ul>${rest.map((problem) => `<li>${SEVERITY_MARK[problem.severity]} ${problem.count} × ${text(problem.title)}</li>`).join('')}</ul>`}`;
}

function errorCell(name: string | null): string {
  return name === null ? '—' : code(name);
}

function errorArrow(name: string | null): string {
  return name === null ? '' : ` → ${code(name)}`;
}

function findingHtml(report: Report, finding: Finding): string {
  const meta = (RULES as Readonly<Record<string, { meta: { specUrl: string; mdnUrl: string } } | undefined>>)[finding.rule]?.meta;
  const links = meta === undefined ? [] : [link('Fetch standard', meta.specUrl), link('MDN', meta.mdnUrl)].filter((item) => item !== '');
  const evidence = finding.header === null ? '' : `<dl class="meta"><dt>Header</dt><dd>${code(finding.header)}</dd><dt>Observed</dt><dd>${finding.observed === null ? '(absent)' : code(finding.observed)}</dd><dt>Needed</dt><dd>${finding.expected === null ? '(absent)' : code(finding.expected)}</dd></dl>`;
  return `<li class="severity-${text(finding.severity)}" data-rule="${text(finding.rule)}"><p><span class="badge">${text(finding.severity)}</span> ${code(finding.rule)} on the ${text(finding.response)}${errorArrow(findingErrorText(report, finding))}</p>
<p>${text(finding.message)}</p>${evidence}${finding.fix === null && finding.noServerFix !== null ? `<p class="note">No server fix: ${text(finding.noServerFix)}</p>` : ''}${links.length > 0 ? `<p class="muted">Reference: ${links.join(' · ')}</p>` : ''}</li>`;
}

function fixHtml(fix: Fix): string {
  return `<p><strong>Fix</strong> (${text(fix.target)}): ${text(fix.summary)}</p>${fix.status === undefined ? '' : `<p>Answer with status ${fix.status}.</p>`}${fix.headers.length === 0 ? '' : `<pre class="patch">${block(fix.headers.map(patchLine).join('\n'))}</pre>`}`;
}

function exchangeHtml(document: ExportDocument, exchange: ReportExchange): string {
  const section = exchangeSections(document, exchange);
  const parts: string[] = [];
  parts.push(`<section class="exchange" id="${text(exchange.id)}">
<h2><span class="verdict-${exchange.verdict}">${VERDICT_MARK[exchange.verdict]} ${exchange.verdict}</span> ${text(exchange.id)}: ${code(exchange.method)} ${code(exchange.url)}</h2>
<dl class="meta">
${exchangeErrorFacts(document.report, exchange).map(([label, name]) => `<dt>${text(label)}</dt><dd>${name === null ? 'none' : code(name)}</dd>`).join('\n')}
<dt>Kind</dt><dd>${text(exchange.kind)}; preflight ${text(exchange.preflight.status)}${exchange.preflight.reasons.length > 0 ? ` (${exchange.preflight.reasons.map((reason) => code(preflightReasonText(reason))).join(', ')})` : ''}</dd>
<dt>Page origin</dt><dd>${exchange.initiatorOrigin === null ? 'unknown' : code(exchange.initiatorOrigin)}</dd>
<dt>Credentials</dt><dd>${text(exchange.credentials.mode)} (${text(exchange.credentials.basis)})</dd>
<dt>HAR entries</dt><dd>${exchange.entries.join(', ')}</dd>
</dl>
<h3>Findings</h3>`);
  parts.push(exchange.findings.length === 0 ? '<p class="note">No problems found.</p>' : `<ol class="findings">\n${exchange.findings.map((finding) => findingHtml(document.report, finding)).join('\n')}\n</ol>`);
  if (exchange.assumptions.length > 0) parts.push(`<h3>Assumptions</h3>\n<ul>${exchange.assumptions.map((assumption) => `<li>${text(assumption)}</li>`).join('')}</ul>`);
  if (section.fixes.length > 0) {
    parts.push('<h3>Header fix</h3>', ...section.fixes.map(fixHtml));
    const stack = document.export.stack;
    const snippets = stack === null ? [] : section.fixes.flatMap((fix) => snippetsFor(fix, stack));
    const stacks = stacksOf(section.fixes);
    if (stack === null && stacks.length > 0) {
      parts.push(`<p class="note">Server snippets exist for ${stacks.map(code).join(', ')}: export with a server stack chosen to include one.</p>`);
    } else if (snippets.length > 0) {
      parts.push('<h3>Server snippet</h3>');
      for (const snippet of snippets) {
        parts.push(`<p><strong>${text(snippet.stack)}</strong> <span class="muted">(${text(verificationText(snippet))})</span></p>\n<pre class="snippet">${block(snippet.code)}</pre>`);
      }
    } else if (stack !== null) {
      parts.push(`<h3>Server snippet</h3>\n<p class="note">No ${code(stack)} snippet for this fix.</p>`);
    }
  }
  const commands = section.requests.flatMap((index) => {
    const request = harRequestAt(document, index);
    return request === null ? [] : [`<pre class="curl">${block(curlCommand(request, exchange.initiatorOrigin))}</pre>`];
  });
  if (commands.length > 0) {
    parts.push('<h3>Reproduce with curl</h3>', ...commands);
    if (document.export.redacted) parts.push('<p class="note">Values shown as <code>[REDACTED]</code> or <code>REDACTED</code> were removed from the capture; put real ones back to replay a credentialed request.</p>');
  }
  parts.push('</section>');
  return parts.join('\n');
}

function redactionsHtml(document: ExportDocument): string {
  const { redactions, redacted } = document.export;
  if (!redacted || redactions.length === 0) return '';
  const rows = redactions.map((item) => `<tr><td>${text(item.where)}</td><td>${code(item.name)}</td><td class="num">${item.count}</td></tr>`).join('\n');
  return `<h2>Redactions</h2>
<p class="note">Bodies, cookie lists, comments and initiator stacks are never exported. These values were replaced:</p>
<table class="redactions"><thead><tr><th>Where</th><th>Name</th><th class="num">Count</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

function problemsHtml(document: ExportDocument): string {
  const problems = document.report.inputErrors;
  if (problems.length === 0) return '';
  return `<h2>Problems reading the capture</h2>\n<ul>${problems.map((problem) => `<li>${code(problem.path)}: ${text(problem.message)}${problem.skipped ? ' (entry skipped)' : ''}</li>`).join('')}</ul>`;
}

export function reportToHtml(document: ExportDocument): string {
  const detailed = detailedExchanges(document);
  const exchanges = 'shown' in detailed
    ? detailed.shown.map((exchange) => exchangeHtml(document, exchange))
    : [`<p class="note">${detailed.withheld} exchanges have findings: the problems above group them. Export chosen exchanges (or JSON) for each one's details.</p>`];
  const title = document.report.source.name === null ? 'CORS Lens report' : `CORS Lens report — ${visibleEscapes(document.report.source.name)}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${text(document.report.tool.name)} ${text(document.report.tool.version)}">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${headerHtml(document)}
${summaryHtml(document)}
${serverListHtml(document)}${problemListHtml(document)}
${exchangeTableHtml(document)}
${exchanges.join('\n')}
${problemsHtml(document)}
${redactionsHtml(document)}
</main>
</body>
</html>
`;
}
