import type { Report } from './types.js';

/** The report as JSON (schema cors-lens/report@1). JSON.stringify escapes every hostile character. */
export function reportToJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
