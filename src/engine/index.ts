/** The engine's public API: the panel, the CLI and tests import only from here. */
export { diagnose, diagnoseHarBytes } from './diagnose.js';
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
export type { Confidence, FindingCategory, Fix, FixProposal, FixSnippet, FixTarget, HeaderPatch, RuleMeta, Severity } from './rules/types.js';
export { RUN_VERIFIED, RUN_VERIFIED_STACKS, STACK_IDS, stackInfos, VERIFIED_IN, verifiedAgainst } from './fixes/index.js';
export type { RunVerification, StackInfo } from './fixes/index.js';
export { describeRule } from './fixes/explain.js';
export type { CorsError } from './spec/cors-errors.js';
export { CORS_ERRORS } from './spec/cors-errors.js';
export { RULE_IDS, RULE_RENAMES } from './rules/registry.js';
export type { RuleId } from './rules/registry.js';
export { TOOL_NAME, TOOL_VERSION } from './version.js';
export { buildExportDocument, exportFilename, exportReport, exportTextFromBytes, renderExport, EXPORT_FORMATS } from './report/export.js';
export type { ExportDocument, ExportDocumentResult, ExportFormat, ExportInfo, ExportOptions, ExportResult, ExportScope } from './report/export.js';
export { isReport, openInput, reopenReport } from './report/reopen.js';
export type { ReopenResult } from './report/reopen.js';
export { reportToMarkdown, mdCode, mdText, mdFence } from './report/to-markdown.js';
export { reportToHtml, escapeHtml, HTML_CSP } from './report/to-html.js';
export { reportToExportJson } from './report/to-json.js';
export { visibleEscapes } from './report/escape.js';
export { curlCommand, shellQuote } from './report/curl.js';
export { verificationText } from './report/sections.js';
export { redactHar, redactUrl, redactHeaderValue, REDACTED, REDACTED_IN_URL } from './redact/index.js';
export type { ExportedHar, Redaction, RedactOptions, RedactResult } from './redact/index.js';
export { DiagnosisSession } from './session.js';
