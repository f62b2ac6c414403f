/**
 * The report as Markdown for a GitHub issue or a Jira ticket. Capture values (URLs, header values, methods)
 * go into code spans whose backtick fence is longer than any backtick run inside them, so neither HTML nor
 * link, image, emphasis or mention syntax in them is interpreted; prose that quotes capture values is
 * backslash-escaped and its URLs put in code spans (no autolinks). Control and bidi characters are shown
 * as `\u202E`-style escapes. Only spec and MDN links (our own data, http(s) only) are links.
 */
import { NO_HEADER_FIX, clientFixText } from '../fixes/index.js';
import { RULES } from '../rules/registry.js';
import type { Fix } from '../rules/types.js';
import { curlCommand } from './curl.js';
import { visibleEscapes, visibleEscapesInBlock } from './escape.js';
import type { ExportDocument } from './document.js';
import { SEVERITY_MARK, detailedExchanges, exchangeSections, harRequestAt, patchLine, preflightReasonText, problemExamples, snippetsFor, stacksOf, verificationText } from './sections.js';
import { stackPack } from '../fixes/stacks.js';
import type { StackId } from '../fixes/kit.js';
import type { FixSnippet } from '../rules/types.js';
import type { Problem } from '../problems/problems.js';
import { serverFixLine } from '../problems/servers.js';
import type { Finding, Report, ReportExchange, Verdict } from './types.js';
import { errorLabel, exchangeErrorFacts, exchangeErrorName, findingErrorText, judgedBrowserText } from './browser-words.js';

const VERDICT_MARK: Readonly<Record<Verdict, string>> = { blocked: '⛔', allowed: '✅', unknown: '❔' };

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/** An inline code span holding `value` literally. In a table cell, pipes are escaped as GFM requires. */
export function mdCode(value: string, inTable = false): string {
  if (value === '') return '(empty)';
  let text = visibleEscapes(value);
  if (inTable) text = text.replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const URL_IN_TEXT = /\b(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|www\.)[^\s]*[^\s.,;:!?)'"]/g;
const PUNCTUATION = /[\\`*_{}[\]<>#!|~&$@]/g;

/**
 * Prose that may quote capture values: Markdown and HTML syntax backslash-escaped, URLs as code spans
 * (GitHub would autolink them), control and bidi characters as visible escapes.
 */
export function mdText(value: string, inTable = false): string {
  const text = visibleEscapes(value);
  let result = '';
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const start = match.index;
    result += escapeProse(text.slice(last, start)) + mdCode(match[0], inTable);
    last = start + match[0].length;
  }
  result += escapeProse(text.slice(last));
  // Text that starts a line must not start a list, a heading underline or an ordered list ("1." / "1)").
  return result.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

function escapeProse(text: string): string {
  return text.replace(PUNCTUATION, (char) => `\\${char}`);
}

/** A fenced block longer than any backtick run in `code`; control and bidi characters escaped, lines kept. */
export function mdFence(code: string, language: string): string {
  const text = visibleEscapesInBlock(code).replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  const info = /^[a-z0-9-]+$/.test(language) ? language : '';
  return `${fence}${info}\n${text}\n${fence}`;
}

/** Only our own spec and MDN links, and only http(s). */
function mdLink(label: string, url: string): string {
  return /^https?:\/\/[^\s<>()[\]`]+$/.test(url) ? `[${label}](${url})` : '';
}

function countRedactions(document: ExportDocument): number {
  return document.export.redactions.reduce((sum, item) => sum + item.count, 0);
}

function headerLines(document: ExportDocument): string[] {
  const { report } = document;
  const info = document.export;
  const source = report.source.name === null ? 'a live capture' : mdCode(report.source.name, true);
  const creator = report.source.creator === null ? '' : ` (${mdText(report.source.creator, true)})`;
  const scope = info.scope.kind === 'capture'
    ? 'whole capture'
    : `${info.scope.ids.length} selected exchange(s): ${info.scope.ids.map((id) => mdCode(id, true)).join(', ')}`;
  const redactions = countRedactions(document);
  const secrets = info.redacted
    ? `redacted (${redactions} value(s)${redactions > 0 ? ', listed under Redactions' : ''})`
    : '**not redacted** — this report may contain cookies, tokens and other secrets';
  return [
    '# CORS Lens report',
    '',
    '| | |',
    '|---|---|',
    `| Source | ${source}${creator} |`,
    `| Verdicts | ${mdText(judgedBrowserText(report.browser), true)} |`,
    `| Scope | ${scope} |`,
    `| Generated | ${mdCode(info.generatedAt, true)} by ${report.tool.name} ${report.tool.version} |`,
    `| Secrets | ${secrets} |`,
    ...(info.stack === null ? [] : [`| Server stack | ${mdCode(info.stack, true)} |`]),
  ];
}

function summaryLines(document: ExportDocument): string[] {
  const { summary, exchanges } = document.report;
  const lines = [
    '## Summary',
    '',
    '| Exchanges | Cross-origin | Blocked | Allowed | Unknown | Warnings |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${summary.exchanges} | ${summary.crossOrigin} | ${summary.blocked} | ${summary.allowed} | ${summary.unknown} | ${summary.warnings} |`,
  ];
  if (exchanges.length === 0 || exchanges.length > EXCHANGE_TABLE_MAX) return lines;
  lines.push('', `| Id | Verdict | Method | URL | ${errorLabel(document.report)} |`, '|---|---|---|---|---|');
  for (const exchange of exchanges) {
    const error = exchangeErrorName(document.report, exchange);
    lines.push(
      `| ${exchange.id} | ${VERDICT_MARK[exchange.verdict]} ${exchange.verdict} | ${mdCode(exchange.method, true)} | ${mdCode(exchange.url, true)} | ${error === null ? '—' : mdCode(error, true)} |`,
    );
  }
  return lines;
}

/** Longer captures list their exchanges in the JSON and HTML exports, not in a ticket. */
const EXCHANGE_TABLE_MAX = 50;
/** Problems shown in full; the rest get one line each, so the Markdown stays a ticket whatever the capture's size. */
const PROBLEMS_IN_FULL = 30;
const LISTED_MAX = 5;

function listed(values: readonly string[]): string {
  const shown = values.slice(0, LISTED_MAX).map((value) => mdCode(value, true)).join(', ');
  return values.length > LISTED_MAX ? `${shown} and ${values.length - LISTED_MAX} more` : shown;
}

function problemSectionLines(document: ExportDocument, problem: Problem, position: number): string[] {
  const count = `${problem.count} ${problem.count === 1 ? 'request' : 'requests'}`;
  const lines = [
    `### ${position}. ${SEVERITY_MARK[problem.severity]} ${mdText(problem.title)}`,
    '',
    `- ${problem.severity} · ${count} · rule ${mdCode(problem.rule)} (${mdCode(problem.reason)})`,
    `- Server: ${mdCode(problem.server)}; ${problem.routes.length === 1 ? 'route' : 'routes'}: ${listed(problem.routes)}; ${problem.methods.length === 1 ? 'method' : 'methods'}: ${listed(problem.methods)}`,
  ];
  if (problem.requestKinds.length > 0) lines.push(`- Requests: ${problem.requestKinds.map((kind) => mdText(kind)).join('; ')}`);
  if (problem.initiatorOrigins.length > 0) lines.push(`- Pages: ${listed(problem.initiatorOrigins)}`);
  if (problem.firefoxErrors.length > 0 && document.report.browser.id === 'firefox') lines.push(`- Firefox: ${listed(problem.firefoxErrors)}`);
  if (problem.corsErrors.length > 0) lines.push(`- Chromium: ${listed(problem.corsErrors)}`);
  if (problem.firstSeen !== null) lines.push(`- Seen: ${mdCode(problem.firstSeen)}${problem.lastSeen !== problem.firstSeen && problem.lastSeen !== null ? ` to ${mdCode(problem.lastSeen)}` : ''}`);
  lines.push('', mdText(problem.example), '');
  const { fix } = problem;
  if (fix === null) {
    lines.push(`**${NO_HEADER_FIX}:** ${mdText(problem.noServerFix ?? '')}`, '');
  } else if (fix.target === 'client') {
    lines.push(`**${NO_HEADER_FIX}:** ${mdText(clientFixText(fix.summary))}`, '');
  } else {
    lines.push(`**Fix (${mdText(fix.target)}):** ${mdText(fix.summary)}`);
    if (fix.status !== undefined) lines.push('', `Answer with status ${fix.status}.`);
    if (fix.headers.length > 0) lines.push('', mdFence(fix.headers.map(patchLine).join('\n'), 'http'));
    lines.push('', mdText(fix.note), '');
    const { stack } = document.export;
    if (stack === null) {
      const stacks = [...new Set(fix.snippets.map((snippet) => snippet.stack))];
      if (stacks.length > 0) lines.push(`Server snippets exist for ${stacks.map((item) => mdCode(item)).join(', ')}: export with a server stack chosen to include one.`, '');
    } else {
      lines.push(...snippetLines(fix.snippets.filter((snippet) => snippet.stack === stack), stack));
    }
  }
  const examples = problemExamples(document, problem.exchanges);
  if (examples.length > 0) {
    lines.push(`Example requests (${examples.length} of ${problem.count}):`, '');
    for (const exchange of examples) lines.push(`- ${exchange.id}: ${mdCode(exchange.method)} ${mdCode(exchange.url)}`);
    lines.push('');
    const request = examples[0] === undefined || examples[0].requestEntry === null ? null : harRequestAt(document, examples[0].preflight.entry ?? examples[0].requestEntry);
    if (request !== null) lines.push('Reproduce the first one with curl:', '', mdFence(curlCommand(request, examples[0]?.initiatorOrigin ?? null), 'sh'), '');
  }
  return lines;
}

function problemsLines(document: ExportDocument): string[] {
  const { problems } = document.report;
  if (problems.length === 0) return ['## Problems', '', 'None: every exchange passed its checks and the audit found nothing to report.', ''];
  const lines = ['## Problems', '', `${problems.length} ${problems.length === 1 ? 'cause' : 'causes'}, one change each, most severe and most frequent first.`, ''];
  problems.slice(0, PROBLEMS_IN_FULL).forEach((problem, index) => lines.push(...problemSectionLines(document, problem, index + 1)));
  if (problems.length > PROBLEMS_IN_FULL) {
    lines.push(`### ${problems.length - PROBLEMS_IN_FULL} more`, '');
    for (const problem of problems.slice(PROBLEMS_IN_FULL)) lines.push(`- ${SEVERITY_MARK[problem.severity]} ${problem.count} × ${mdText(problem.title)}`);
    lines.push('');
  }
  return lines;
}

function findingLines(report: Report, finding: Finding, position: number): string[] {
  const meta = (RULES as Readonly<Record<string, { meta: { specUrl: string; mdnUrl: string } } | undefined>>)[finding.rule]?.meta;
  const named = findingErrorText(report, finding);
  const error = named === null ? '' : ` → ${mdCode(named)}`;
  const lines = [`${position}. **${finding.severity}** · ${mdCode(finding.rule)} on the ${mdText(finding.response)}${error}  `, `   ${mdText(finding.message)}`];
  if (finding.header !== null) {
    lines.push(
      `   - Header: ${mdCode(finding.header)}`,
      `   - Observed: ${finding.observed === null ? '(absent)' : mdCode(finding.observed)}`,
      `   - Needed: ${finding.expected === null ? '(absent)' : mdCode(finding.expected)}`,
    );
  }
  if (finding.fix === null && finding.noServerFix !== null) lines.push(`   - No server fix: ${mdText(finding.noServerFix)}`);
  const links = meta === undefined ? [] : [mdLink('Fetch standard', meta.specUrl), mdLink('MDN', meta.mdnUrl)].filter((link) => link !== '');
  if (links.length > 0) lines.push(`   - Reference: ${links.join(' · ')}`);
  return lines;
}

function fixLines(fixes: readonly Fix[]): string[] {
  const lines: string[] = [];
  for (const fix of fixes) {
    lines.push(`**Fix (${mdText(fix.target)}):** ${mdText(fix.summary)}`);
    if (fix.status !== undefined) lines.push('', `Answer with status ${fix.status}.`);
    if (fix.headers.length > 0) lines.push('', mdFence(fix.headers.map(patchLine).join('\n'), 'http'));
    lines.push('');
  }
  return lines;
}

function snippetLines(snippets: readonly FixSnippet[], stack: StackId): string[] {
  if (snippets.length === 0) return [`No ${mdCode(stack)} snippet for this fix.`, ''];
  const lines: string[] = [];
  for (const snippet of snippets) {
    lines.push(`**${mdText(snippet.stack)}** (${mdText(verificationText(snippet))}):`, '', mdFence(snippet.code, stackPack(snippet.stack).language), '');
  }
  return lines;
}

function exchangeErrorLines(report: Report, exchange: ReportExchange): string[] {
  return exchangeErrorFacts(report, exchange).map(([label, name]) => `- ${label}: ${name === null ? 'none' : mdCode(name)}`);
}

function exchangeLines(document: ExportDocument, exchange: ReportExchange): string[] {
  const lines = [
    `## ${VERDICT_MARK[exchange.verdict]} ${exchange.id} · ${exchange.verdict}: ${mdCode(exchange.method)} ${mdCode(exchange.url)}`,
    '',
    ...exchangeErrorLines(document.report, exchange),
    ...(exchange.requestKind === null ? [] : [`- Request: ${mdText(exchange.requestKind.label)} (from ${mdText(exchange.requestKind.basis)})`]),
    `- Kind: ${exchange.kind}; preflight: ${exchange.preflight.status}${exchange.preflight.reasons.length > 0 ? ` (${exchange.preflight.reasons.map((reason) => mdCode(preflightReasonText(reason))).join(', ')})` : ''}`,
    `- Page origin: ${exchange.initiatorOrigin === null ? 'unknown' : mdCode(exchange.initiatorOrigin)}`,
    `- Credentials: ${exchange.credentials.mode} (${exchange.credentials.basis})`,
    `- HAR entries: ${exchange.entries.join(', ')}`,
    '',
    '### Findings',
    '',
  ];
  if (exchange.findings.length === 0) lines.push('No problems found.', '');
  exchange.findings.forEach((finding, index) => lines.push(...findingLines(document.report, finding, index + 1)));
  if (exchange.findings.length > 0) lines.push('');
  if (exchange.assumptions.length > 0) {
    lines.push('### Assumptions', '', ...exchange.assumptions.map((assumption) => `- ${mdText(assumption)}`), '');
  }
  const section = exchangeSections(document, exchange);
  if (section.fixes.length > 0) {
    lines.push('### Header fix', '', ...fixLines(section.fixes));
    const stack = document.export.stack;
    if (stack === null) {
      const stacks = stacksOf(section.fixes);
      if (stacks.length > 0) lines.push(`Server snippets exist for ${stacks.map((item) => mdCode(item)).join(', ')}: export with a server stack chosen to include one.`, '');
    } else {
      lines.push('### Server snippet', '', ...snippetLines(section.fixes.flatMap((fix) => snippetsFor(fix, stack)), stack));
    }
  }
  if (section.requests.length > 0) {
    lines.push('### Reproduce with curl', '');
    for (const index of section.requests) {
      const request = harRequestAt(document, index);
      if (request === null) continue;
      lines.push(mdFence(curlCommand(request, exchange.initiatorOrigin), 'sh'), '');
    }
    if (document.export.redacted) lines.push('Values shown as `[REDACTED]` or `REDACTED` were removed from the capture; put real ones back to replay a credentialed request.', '');
  }
  return lines;
}

function redactionLines(document: ExportDocument): string[] {
  const { redactions, redacted } = document.export;
  if (!redacted || redactions.length === 0) return [];
  return [
    '## Redactions',
    '',
    'Bodies, cookie lists, comments and initiator stacks are never exported. These values were replaced:',
    '',
    '| Where | Name | Count |',
    '|---|---|---:|',
    ...redactions.map((item) => `| ${mdText(item.where, true)} | ${mdCode(item.name, true)} | ${item.count} |`),
    '',
  ];
}

function problemLines(document: ExportDocument): string[] {
  const problems = document.report.inputErrors;
  if (problems.length === 0) return [];
  return [
    '## Problems reading the capture',
    '',
    ...problems.map((problem) => `- ${mdCode(problem.path)}: ${mdText(problem.message)}${problem.skipped ? ' (entry skipped)' : ''}`),
    '',
  ];
}

/** Each server's one configuration (report.servers): the header lines that fix all its blocking problems at once. */
function serverLines(document: ExportDocument): string[] {
  const { servers } = document.report;
  if (servers.length === 0) return [];
  const { stack } = document.export;
  const lines = ['## One configuration per server', '', 'Configure each server once, on every response (errors and redirects included); this fixes all of its blocking problems below at once.', ''];
  if (stack === null) lines.push('Export with a server stack chosen to include each configuration as code (an allow-list of every page origin the capture shows).', '');
  for (const fix of servers) {
    lines.push(`### ${mdCode(fix.server)} — ${fix.problems.length} ${fix.problems.length === 1 ? 'problem' : 'problems'}, ${fix.exchanges} ${fix.exchanges === 1 ? 'request' : 'requests'}`, '');
    if (fix.preflightStatus !== null) lines.push(`Answer OPTIONS with ${fix.preflightStatus}, before authentication${fix.routes.length > 0 ? `, on ${listed(fix.routes)}` : ''}.`, '');
    if (fix.headers.length > 0) lines.push(mdFence(fix.headers.map((patch) => serverFixLine(fix, patch)).join('\n'), 'http'), '');
    for (const note of fix.notes) lines.push(`- ${mdText(note)}`);
    if (fix.notes.length > 0) lines.push('');
    if (stack !== null) lines.push(...snippetLines(fix.snippets.filter((snippet) => snippet.stack === stack), stack));
  }
  return lines;
}

export function reportToMarkdown(document: ExportDocument): string {
  const lines = [...headerLines(document), '', ...summaryLines(document), '', ...serverLines(document), ...problemsLines(document)];
  const detailed = detailedExchanges(document);
  if ('shown' in detailed) {
    for (const exchange of detailed.shown) lines.push(...exchangeLines(document, exchange));
  } else {
    lines.push('## Exchanges', '', `${detailed.withheld} exchanges have findings: the problems above group them. Export chosen exchanges (or JSON) for each one's details.`, '');
  }
  lines.push(...problemLines(document), ...redactionLines(document));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
