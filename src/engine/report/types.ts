import type { ExchangeKind, PreflightReason } from '../model/exchange.js';
import type { Confidence, Fix, FindingCategory, Severity } from '../rules/types.js';
import type { CorsError } from '../spec/cors-errors.js';
import type { FirefoxCorsError } from '../spec/firefox-errors.js';
import type { JudgedBrowser } from '../spec/browsers.js';
import type { RuleId } from '../rules/registry.js';
import type { Problem } from '../problems/problems.js';
import type { ServerFix } from '../problems/servers.js';

/**
 * The JSON contract `cors-lens/report@2` (docs/report.schema.json): report@1 plus the problems and, per finding,
 * its problem and URL. Later versions may add fields, never remove or rename them; report@1 files still reopen.
 */
export const REPORT_SCHEMA = 'cors-lens/report@2';
export const REPORT_SCHEMAS_READ: readonly string[] = ['cors-lens/report@1', REPORT_SCHEMA];

export type Verdict = 'allowed' | 'blocked' | 'unknown';

export interface Finding {
  /** Rule id (public API). */
  readonly rule: RuleId;
  /** The rule's failure reason key, e.g. "header-absent". */
  readonly reason: string;
  readonly severity: Severity;
  /** Which response: "preflight", "actual", "redirect hop 1", "preflight of hop 2", or "exchange". */
  readonly response: string;
  /** The URL of that response (the last hop's for exchange-level findings): its origin is the server to change. */
  readonly url: string;
  /** The id of the problem this finding is part of (report.problems). */
  readonly problem: string;
  /** The log.entries index of that response, or null for exchange-level findings. */
  readonly entry: number | null;
  readonly header: string | null;
  readonly observed: string | null;
  readonly expected: string | null;
  readonly message: string;
  /** The Chromium error this failure produces at this response, if it is a CORS check. */
  readonly corsError: CorsError | null;
  /** Firefox's reason key for it (its console's "Reason"), when the report judges for Firefox; else null. */
  readonly firefoxError: FirefoxCorsError | null;
  readonly fix: Fix | null;
  /** Why there is no server-side header fix, when `fix` is null. */
  readonly noServerFix: string | null;
  /** "cors" for the CORS checks; "security" / "performance" for the audit of exchanges that worked;
   * "classification" for what a failure really is ("not really CORS"). */
  readonly category: FindingCategory;
  /** How sure an audit or classification finding is; null for the CORS checks (replayed exactly). */
  readonly confidence: Confidence | null;
  /** The evidence the confidence rests on, in one sentence; null when `confidence` is null. */
  readonly confidenceBasis: string | null;
}

export interface ReportPreflight {
  readonly entry: number | null;
  readonly status: 'sent' | 'not-in-capture' | 'not-needed';
  readonly reasons: readonly PreflightReason[];
}

export interface ReportCredentials {
  readonly mode: 'include' | 'not-include' | 'not-applicable';
  readonly basis: 'cookie-header' | 'storage-access-header' | 'request-kind' | 'observed-outcome' | 'assumed-default' | 'not-applicable';
}

export interface ReportExchange {
  readonly id: string;
  readonly url: string;
  readonly method: string;
  readonly startedDateTime: string | null;
  readonly initiatorOrigin: string | null;
  readonly kind: ExchangeKind;
  readonly entries: readonly number[];
  /** The log.entries index of the request itself (its first hop), or null when the capture has only its preflight. */
  readonly requestEntry: number | null;
  /** What kind of request the page made ("font", "EventSource", "image with crossorigin (CORS)"…) and how that was
   * inferred; null when the producer records no resource type. */
  readonly requestKind: { readonly label: string; readonly basis: string } | null;
  readonly preflight: ReportPreflight;
  readonly verdict: Verdict;
  /** Chromium's error for the block (the nearest one when the report judges for Firefox). */
  readonly corsError: CorsError | null;
  /** Firefox's reason key for the block when the report judges for Firefox (CORSDidNotSucceed for a network
   * failure of a CORS request); null otherwise. */
  readonly firefoxError: FirefoxCorsError | null;
  readonly findings: readonly Finding[];
  readonly credentials: ReportCredentials;
  /** Assumptions the diagnosis rests on, in plain language (e.g. the inferred credentials mode). */
  readonly assumptions: readonly string[];
}

export interface ReportInputError {
  /** log.entries index, or null when the problem is outside any entry. */
  readonly entry: number | null;
  readonly path: string;
  readonly message: string;
  /** True when the entry could not be read and belongs to no exchange. */
  readonly skipped: boolean;
}

export interface ReportSummary {
  readonly exchanges: number;
  readonly crossOrigin: number;
  readonly blocked: number;
  readonly allowed: number;
  readonly unknown: number;
  /** Number of findings with severity "warning". */
  readonly warnings: number;
}

export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly tool: { readonly name: string; readonly version: string };
  readonly source: { readonly kind: 'file' | 'live' | 'memory'; readonly name: string | null; readonly creator: string | null };
  /** The browser whose checks the verdicts replay, and why that one. */
  readonly browser: JudgedBrowser;
  readonly summary: ReportSummary;
  /** The findings grouped by cause: one change on one server each, most severe and most frequent first. */
  readonly problems: readonly Problem[];
  /** One CORS configuration per server that fixes all of its blocking problems at once (problems/servers.ts). */
  readonly servers: readonly ServerFix[];
  readonly exchanges: readonly ReportExchange[];
  readonly inputErrors: readonly ReportInputError[];
}
