/** The engine's public API: the panel, the CLI and tests import only from here. */
export { diagnose } from './diagnose.js';
export type { DiagnoseOptions, DiagnoseResult } from './diagnose.js';
export type { InputError } from './har/types.js';
export { parseHarText } from './har/parse-text.js';
export type { ParseResult } from './har/parse-text.js';
export { originOf, isCrossOrigin } from './model/origin.js';
export { reportToJson } from './report/to-json.js';
export { reportToText } from './report/to-text.js';
export { REPORT_SCHEMA } from './report/types.js';
export type {
  Finding, Report, ReportCredentials, ReportExchange, ReportInputError, ReportPreflight, ReportSummary, Verdict,
} from './report/types.js';
export type { ExchangeKind, PreflightReason } from './model/exchange.js';
export type { Fix, FixTarget, HeaderPatch, RuleMeta, Severity } from './rules/types.js';
export type { CorsError } from './spec/cors-errors.js';
export { CORS_ERRORS } from './spec/cors-errors.js';
export { RULE_IDS, RULE_RENAMES } from './rules/registry.js';
export type { RuleId } from './rules/registry.js';
export { TOOL_NAME, TOOL_VERSION } from './version.js';
