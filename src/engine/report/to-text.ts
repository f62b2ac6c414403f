import type { Finding, Report, ReportExchange } from './types.js';

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

function firstFix(exchange: ReportExchange): Finding | undefined {
  return exchange.findings.find((finding) => finding.fix !== null && finding.severity === 'error')
    ?? exchange.findings.find((finding) => finding.fix !== null);
}

function blockedLine(exchange: ReportExchange): string {
  const cause = exchange.corsError
    ?? exchange.findings.find((finding) => finding.severity === 'error')?.observed
    ?? 'network error (not CORS)';
  const fixFinding = firstFix(exchange);
  const fix = fixFinding?.fix === null || fixFinding?.fix === undefined
    ? 'no CORS header fix'
    : `fix (${fixFinding.fix.target}): ${fixFinding.fix.summary}`;
  return `BLOCKED  ${safeText(exchange.method, 16)} ${safeText(exchange.url)}  ${safeText(cause, 80)}  → ${safeText(fix, 240)}`;
}

export function reportToText(report: Report): string {
  const lines: string[] = [];
  const source = report.source.name === null ? '' : ` — ${safeText(report.source.name)}`;
  const creator = report.source.creator === null ? '' : ` (${safeText(report.source.creator, 80)})`;
  lines.push(`${report.tool.name} ${report.tool.version}${source}${creator}`);
  for (const exchange of report.exchanges) if (exchange.verdict === 'blocked') lines.push(blockedLine(exchange));
  const { summary } = report;
  lines.push(
    `${summary.exchanges} exchanges: ${summary.crossOrigin} cross-origin, ${summary.blocked} blocked, ${summary.allowed} allowed, ${summary.unknown} unknown, ${summary.warnings} warnings`,
  );
  const skipped = report.inputErrors.filter((problem) => problem.skipped).length;
  if (report.inputErrors.length > 0) lines.push(`${report.inputErrors.length} input problems (${skipped} entries skipped); see --format json`);
  return `${lines.join('\n')}\n`;
}
