import type { ExportDocument } from './document.js';
import type { Report } from './types.js';

/** The report as JSON (schema cors-lens/report@1). JSON.stringify escapes every hostile character. */
export function reportToJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * An exported report: cors-lens/report@1 plus `export` {generatedAt, scope, stack, redacted, redactions, har}.
 * `reopenReport()` diagnoses `export.har` again. Bidi and line-separator characters are written as \u
 * escapes so that a viewer showing the raw file cannot be tricked either.
 */
export function reportToExportJson(document: ExportDocument): string {
  const text = JSON.stringify({ ...document.report, export: document.export }, null, 2);
  return `${text.replace(/[\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
