import { NO_HEADER_FIX, clientFixText } from '../fixes/index.js';
import type { Problem } from '../problems/problems.js';
import { serverFixLine, type ServerFix } from '../problems/servers.js';
import type { Finding, Report, ReportExchange } from './types.js';
import { errorNamesText, exchangeErrorName, judgedBrowserText } from './browser-words.js';

/** Longest URL or value printed on a line; the CLI output is a summary, the JSON has the details. */
const MAX_FIELD_CHARS = 160;

/**
 * Header values and URLs are hostile input: control characters (terminal escape sequences), bidi overrides
 * and line breaks are shown as \u{…} escapes so they cannot rewrite the terminal or forge lines.
 */
export function safeText(value: string, maxChars = MAX_FIELD_CHARS): string {
  const escaped = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u{${char.charCodeAt(0).toString(16)}}`);
  return escaped.length <= maxChars ? escaped : `${escaped.slice(0, maxChars)}…`;
}

/** Problems and servers printed in full; the summary stays within 50 lines whatever the capture's size. */
const MAX_PROBLEMS = 11;
const MAX_SERVERS = 3;

/** A server's one configuration in two lines: what it fixes, then its header lines. */
function serverLines(fix: ServerFix): string[] {
  const options = fix.preflightStatus === null ? '' : ` · answer OPTIONS with ${fix.preflightStatus}${fix.routes.length > 0 ? ` on ${fix.routes.length === 1 ? fix.routes[0] : `${fix.routes.length} routes`}` : ''}, before auth`;
  return [
    `  ${safeText(fix.server, 120)} — fixes ${fix.problems.length} ${fix.problems.length === 1 ? 'problem' : 'problems'} (${fix.exchanges} ${fix.exchanges === 1 ? 'request' : 'requests'})${options}`,
    `      every response, errors included: ${safeText(fix.headers.map((patch) => serverFixLine(fix, patch)).join('; '), 400)}`,
  ];
}

function problemLines(report: Report, problem: Problem, position: number): string[] {
  const count = `${problem.count} ${problem.count === 1 ? 'request' : 'requests'}`;
  const details = [
    errorNamesText(report, problem.corsErrors, problem.firefoxErrors),
    `${problem.methods.slice(0, 4).join(', ')}${problem.methods.length > 4 ? ', …' : ''}`,
    problem.initiatorOrigins.length > 0 ? `from ${problem.initiatorOrigins.slice(0, 3).join(', ')}${problem.initiatorOrigins.length > 3 ? ` and ${problem.initiatorOrigins.length - 3} more` : ''}` : null,
    problem.routes.length > 1 ? `${problem.routes.length} routes: ${problem.routes.slice(0, 3).join(', ')}${problem.routes.length > 3 ? ', …' : ''}` : null,
  ].filter((item): item is string => item !== null);
  const fix = problem.fix === null
    ? `${NO_HEADER_FIX}: ${problem.noServerFix ?? 'see the explanation'}`
    : problem.fix.target === 'client'
      ? `${NO_HEADER_FIX}: ${clientFixText(problem.fix.summary)}`
      : `Fix (${problem.fix.target}): ${problem.fix.summary} [${recheckText(problem.fix.verified)}]`;
  return [
    `${String(position + 1).padStart(2)}. ${problem.severity.toUpperCase().padEnd(7)} ${count.padEnd(14)} ${safeText(problem.title, 200)}`,
    `      ${safeText(details.join(' · '), 220)}`,
    `      ${safeText(fix, 240)}`,
  ];
}

function recheckText({ passing, of, rechecked }: NonNullable<Problem['fix']>['verified']): string {
  if (rechecked === 0) return 'not re-checked';
  return rechecked === of ? `re-check: ${passing} of ${of} pass` : `re-check: ${passing} of ${rechecked} pass, ${of - rechecked} not re-checked`;
}

/** "1 warning", "3 warnings". */
function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "1 more problem", "3 more problems". */
function more(count: number, noun: string): string {
  return counted(count, `more ${noun}`);
}

function firstFix(exchange: ReportExchange): Finding | undefined {
  return exchange.findings.find((finding) => finding.fix !== null && finding.severity === 'error')
    ?? exchange.findings.find((finding) => finding.fix !== null);
}

function exchangeLine(report: Report, exchange: ReportExchange): string {
  if (exchange.verdict !== 'blocked') return `${exchange.verdict.toUpperCase().padEnd(8)} ${safeText(exchange.method, 16)} ${safeText(exchange.url)}`;
  const cause = exchangeErrorName(report, exchange)
    ?? exchange.findings.find((finding) => finding.severity === 'error')?.observed
    ?? 'network error (not CORS)';
  const fixFinding = firstFix(exchange);
  const fix = fixFinding?.fix === null || fixFinding?.fix === undefined
    ? 'no CORS header fix'
    : `fix (${fixFinding.fix.target}): ${fixFinding.fix.summary}`;
  return `BLOCKED  ${safeText(exchange.method, 16)} ${safeText(exchange.url)}  ${safeText(cause, 80)}  → ${safeText(fix, 240)}`;
}

export interface TextOptions {
  /** Also list every exchange, one line each (the CLI's --exchanges). */
  readonly exchanges?: boolean;
}

/** The summary: counts, then the problems (one cause and one fix each), most severe and most frequent first. */
export function reportToText(report: Report, options: TextOptions = {}): string {
  const lines: string[] = [];
  const source = report.source.name === null ? '' : ` — ${safeText(report.source.name)}`;
  const creator = report.source.creator === null ? '' : ` (${safeText(report.source.creator, 80)})`;
  lines.push(`${report.tool.name} ${report.tool.version}${source}${creator} · ${judgedBrowserText(report.browser)}`);
  const { summary, problems } = report;
  lines.push(
    `${summary.exchanges} exchanges: ${summary.crossOrigin} cross-origin, ${summary.blocked} blocked, ${summary.allowed} allowed, ${summary.unknown} unknown, ${counted(summary.warnings, 'warning')}`,
  );
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  lines.push(problems.length === 0 ? 'No problems found.' : `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} (${errors} ${errors === 1 ? 'error' : 'errors'}, ${problems.length - errors} warnings and notes), most severe first:`);
  problems.slice(0, MAX_PROBLEMS).forEach((problem, position) => lines.push(...problemLines(report, problem, position)));
  if (problems.length > MAX_PROBLEMS) lines.push(`… and ${more(problems.length - MAX_PROBLEMS, 'problem')} (--format md, html or json lists them all).`);
  if (report.servers.length > 0) {
    lines.push('Or configure each server once; this fixes every blocking problem of that server:');
    for (const fix of report.servers.slice(0, MAX_SERVERS)) lines.push(...serverLines(fix));
    if (report.servers.length > MAX_SERVERS) lines.push(`  … and ${more(report.servers.length - MAX_SERVERS, 'server')} (--format md, html or json).`);
  }
  const skipped = report.inputErrors.filter((problem) => problem.skipped).length;
  if (report.inputErrors.length > 0) lines.push(`${report.inputErrors.length} input problems (${skipped} entries skipped); see --format json`);
  if (options.exchanges === true) {
    lines.push('', 'Every exchange:');
    for (const exchange of report.exchanges) lines.push(exchangeLine(report, exchange));
  } else if (summary.exchanges > 0) {
    lines.push('Every exchange, one line each: --exchanges');
  }
  return `${lines.join('\n')}\n`;
}
