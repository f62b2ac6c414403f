import type { Fix } from '../rules/types.js';
import type { ExportDocument } from './document.js';
import type { Finding, Report, ReportExchange } from './types.js';

/**
 * The report as cors-lens/report@2 JSON (docs/report.schema.json). What repeats is stored once and referenced:
 * a finding's `fix` is the id of an entry in the top-level `fixes` table (the same fix of many exchanges is one
 * entry), and the server snippets sit only on the problems' fixes — the one fix to apply per problem. Everything
 * else keeps report@1's meaning. JSON.stringify escapes every hostile character.
 */
export function reportToJson(report: Report): string {
  return `${JSON.stringify(reportJsonValue(report), null, 2)}\n`;
}

type JsonFix = Omit<Fix, 'snippets'>;

/** The JSON value of a report (what reportToJson writes). */
export function reportJsonValue(report: Report): object {
  const fixes: Record<string, JsonFix> = {};
  const idByKey = new Map<string, string>();
  const fixId = (fix: Fix): string => {
    const { snippets: _snippets, ...shared } = fix;
    const key = JSON.stringify(shared);
    let id = idByKey.get(key);
    if (id === undefined) {
      id = `f-${idByKey.size}`;
      idByKey.set(key, id);
      fixes[id] = shared;
    }
    return id;
  };
  const finding = (item: Finding) => ({ ...item, fix: item.fix === null ? null : fixId(item.fix) });
  const exchange = (item: ReportExchange) => ({ ...item, problems: [...new Set(item.findings.map((found) => found.problem))], findings: item.findings.map(finding) });
  const exchanges = report.exchanges.map(exchange);
  return {
    schema: report.schema,
    tool: report.tool,
    source: report.source,
    browser: report.browser,
    summary: report.summary,
    problems: report.problems,
    fixes,
    exchanges,
    inputErrors: report.inputErrors,
  };
}

/**
 * An exported report: cors-lens/report@2 plus `export` {generatedAt, scope, stack, redacted, redactions, har}.
 * `reopenReport()` diagnoses `export.har` again. Bidi and line-separator characters are written as \u
 * escapes so that a viewer showing the raw file cannot be tricked either.
 */
export function reportToExportJson(document: ExportDocument): string {
  // The report is indented for people; the embedded HAR, most of the bytes, is written compact (indenting it
  // doubled a big export's size). The marker cannot occur in the report: JSON.stringify escapes U+0000.
  const marker = '\u0000har\u0000';
  const indented = JSON.stringify({ ...reportJsonValue(document.report), export: { ...document.export, har: marker } }, null, 2);
  const text = indented.replace(JSON.stringify(marker), () => JSON.stringify(document.export.har));
  return `${text.replace(/[\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
