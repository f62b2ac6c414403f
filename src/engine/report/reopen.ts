/**
 * Reopening an exported JSON report: the report carries the HAR it was diagnosed from (`export.har`), so
 * opening it re-runs the diagnosis on that HAR rather than trusting the stored verdicts — a report written by
 * an older version is diagnosed with today's rules, and `matches` says whether anything changed.
 */
import { diagnose } from '../diagnose.js';
import type { DiagnoseOptions, DiagnoseResult } from '../diagnose.js';
import { parseHarText } from '../har/parse-text.js';
import type { InputError } from '../har/types.js';
import type { Report } from './types.js';
import { REPORT_SCHEMA, REPORT_SCHEMAS_READ } from './types.js';
import { reportJsonValue } from './to-json.js';
import { isJsonObject, type JsonObject } from '../model/json.js';
import { isBrowserId, type BrowserId } from '../spec/browsers.js';



type SourceKind = 'file' | 'live' | 'memory';

export type ExportedReportInput =
  | {
      readonly ok: true;
      readonly har: unknown;
      readonly sourceName: string | undefined;
      readonly sourceKind: SourceKind | undefined;
      /** The browser the report was judged for when someone chose it; otherwise the HAR names it again. */
      readonly browser: BrowserId | undefined;
      readonly stored: JsonObject;
    }
  | { readonly ok: false; readonly error: InputError };

function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const result = parseHarText(value);
  return result.ok ? result.value : value;
}

/** True for a value (or JSON text) that is a cors-lens report rather than a HAR. */
export function isReport(value: unknown): boolean {
  const object = parsed(value);
  return isJsonObject(object) && typeof object.schema === 'string' && REPORT_SCHEMAS_READ.includes(object.schema);
}

/** Null when `value` is not a cors-lens report; an error when it is one without an embedded HAR. */
export function exportedReportOf(value: unknown): ExportedReportInput | null {
  const object = parsed(value);
  if (!isReport(object) || !isJsonObject(object)) return null;
  const info = object.export;
  if (!isJsonObject(info) || !isJsonObject(info.har)) {
    return {
      ok: false,
      error: {
        message: 'This cors-lens report holds no HAR to diagnose again (it was not written by Export); open the original .har instead.',
        path: 'export.har',
      },
    };
  }
  const source = isJsonObject(object.source) ? object.source : {};
  const kind = source.kind;
  const browser = isJsonObject(object.browser) ? object.browser : {};
  const chosen = (browser.basis === 'chosen' || browser.basis === 'live-host') && isBrowserId(browser.id) ? browser.id : undefined;
  return {
    ok: true,
    har: info.har,
    sourceName: typeof source.name === 'string' ? source.name : undefined,
    sourceKind: kind === 'file' || kind === 'live' || kind === 'memory' ? kind : undefined,
    browser: chosen,
    stored: object,
  };
}

export type ReopenResult =
  | {
      readonly ok: true;
      /** The diagnosis of the embedded HAR. */
      readonly report: Report;
      /** The embedded HAR ({log}), for views that show the entries themselves. */
      readonly har: unknown;
      /** True when the stored exchanges and summary equal the new diagnosis (false: edited, or older rules). */
      readonly matches: boolean;
    }
  | { readonly ok: false; readonly error: InputError };

function sameDiagnosis(report: Report, stored: JsonObject): boolean {
  const current = reportJsonValue(report) as { readonly summary: unknown; readonly exchanges: unknown };
  return stored.schema === REPORT_SCHEMA && JSON.stringify([current.summary, current.exchanges]) === JSON.stringify([stored.summary, stored.exchanges]);
}

/** Re-diagnoses an exported JSON report (object or text). Never throws. */
export function reopenReport(value: unknown): ReopenResult {
  const exported = exportedReportOf(value);
  if (exported === null) return { ok: false, error: { message: `Not a cors-lens report (expected "schema": "${REPORT_SCHEMA}").`, path: 'schema' } };
  if (!exported.ok) return exported;
  const result = diagnose(exported.har, {
    ...(exported.sourceName === undefined ? {} : { sourceName: exported.sourceName }),
    ...(exported.sourceKind === undefined ? {} : { sourceKind: exported.sourceKind }),
    ...(exported.browser === undefined ? {} : { browser: exported.browser }),
  });
  if (!result.ok) return { ok: false, error: { message: result.error.message, path: result.error.path === '' ? 'export.har' : `export.har.${result.error.path}` } };
  return { ok: true, report: result.report, har: exported.har, matches: sameDiagnosis(result.report, exported.stored) };
}

/**
 * What the panel's import and the CLI open: a HAR (any shape `diagnose()` accepts) or an exported report,
 * which is diagnosed again from its embedded HAR.
 */
export function openInput(value: unknown, options: DiagnoseOptions = {}): DiagnoseResult {
  const object = parsed(value);
  if (!isReport(object)) return diagnose(value, options);
  const reopened = reopenReport(object);
  return reopened.ok ? { ok: true, report: reopened.report } : reopened;
}
