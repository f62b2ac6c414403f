import { problemIdOf, problemsOf, type Problem } from '../problems/problems.js';
import { serverFixesOf } from '../problems/servers.js';
import { requestKindOf } from '../spec/request-kinds.js';
import { unnamedFailureOf, type UnnamedFailure } from '../derive/unnamed-failure.js';
import { combinedHeader } from '../model/headers.js';
import { completeFixes } from '../fixes/index.js';
import type { InputProblem, SourceInfo } from '../har/types.js';
import type { Exchange, Step } from '../model/exchange.js';
import { ReplayMemo, ruleStillFails, type ReplayResult, type RuleFinding } from '../rules/run.js';
import { NAMED_NON_HEADER_FAILURES } from '../rules/check-order.js';
import type { RuleId } from '../rules/registry.js';
import type { Fix } from '../rules/types.js';
import type { CorsError } from '../spec/cors-errors.js';
import type { FirefoxCorsError } from '../spec/firefox-errors.js';
import { BROWSER_NAMES, type BrowserId, type JudgedBrowser } from '../spec/browsers.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { REPORT_SCHEMA } from './types.js';
import type { Finding, Report, ReportCredentials, ReportExchange, ReportPreflight, Verdict } from './types.js';

const CROSS_ORIGIN_KINDS: ReadonlySet<string> = new Set(['no-cors', 'simple', 'preflighted']);

interface VerdictDecision {
  readonly verdict: Verdict;
  readonly corsError: CorsError | null;
  readonly firefoxError: FirefoxCorsError | null;
}

// The verdicts without a browser's error, shared: most of a capture's exchanges end in one of them.
const ALLOWED: VerdictDecision = Object.freeze({ verdict: 'allowed', corsError: null, firefoxError: null });
const UNKNOWN: VerdictDecision = Object.freeze({ verdict: 'unknown', corsError: null, firefoxError: null });
const BLOCKED_WITHOUT_ERROR: VerdictDecision = Object.freeze({ verdict: 'blocked', corsError: null, firefoxError: null });

/** Firefox's verdict where its HAR shows a failure without naming it (derive/unnamed-failure.ts). */
const UNNAMED_FAILURE_VERDICTS: { readonly [K in UnnamedFailure['kind']]: VerdictDecision } = {
  'redirect-to-other-scheme': Object.freeze({ verdict: 'blocked', corsError: null, firefoxError: 'CORSDidNotSucceed' }),
  'same-origin-mode-redirected': BLOCKED_WITHOUT_ERROR,
  'redirect-not-followed': UNKNOWN,
  corp: BLOCKED_WITHOUT_ERROR,
};

function blockedBy(blocking: NonNullable<ReplayResult['blocking']>, browser: BrowserId): VerdictDecision {
  return { verdict: 'blocked', corsError: blocking.corsError, firefoxError: browser === 'firefox' ? blocking.firefoxError : null };
}

/**
 * What the page's script experienced. A recorded outcome wins over the replay: if the browser let a response
 * through that the replay would block, the verdict is "allowed" (and the findings stay, as warnings).
 */
function decideVerdict(exchange: Exchange, replayed: ReplayResult, browser: BrowserId): VerdictDecision {
  const outcome = exchange.outcome;
  const blocking = replayed.blocking;
  if (exchange.orphanPreflight !== null) return blocking !== null ? blockedBy(blocking, browser) : UNKNOWN;
  if (blocking !== null && outcome.kind !== 'succeeded') return blockedBy(blocking, browser);
  switch (outcome.kind) {
    case 'failed':
      return namedNonHeaderFailure(replayed) ?? BLOCKED_WITHOUT_ERROR;
    case 'no-response':
      // Firefox records every request that failed without a response (refused, cancelled, refused by CSP,
      // stopped by its preflight) with status 0 and nothing else: its page saw a network error, whose cause
      // the HAR does not say (unexplained-network-error). A Chromium HAR says why in _error; without one
      // nothing is known.
      return browser === 'firefox' ? BLOCKED_WITHOUT_ERROR : UNKNOWN;
    case 'succeeded':
      return ALLOWED;
    case 'not-recorded': {
      const unnamed = browser === 'firefox' ? unnamedFailureOf(exchange) : null;
      if (unnamed !== null) return UNNAMED_FAILURE_VERDICTS[unnamed.kind];
      // Without an error field only the replay can tell; a check that could not run leaves it open.
      return replayed.incomplete.length > 0 && exchange.steps.length > 0 ? UNKNOWN : ALLOWED;
    }
  }
}

/** A failure no header check explains but Chromium names (rules/check-order.ts NAMED_NON_HEADER_FAILURES). */
function namedNonHeaderFailure(replayed: ReplayResult): VerdictDecision | null {
  for (const found of replayed.findings) {
    if (found.step !== null) continue;
    const named = NAMED_NON_HEADER_FAILURES.find((candidate) => candidate.rule === found.rule && candidate.reason === found.result.reason);
    if (named !== undefined) return { verdict: 'blocked', corsError: named.corsError, firefoxError: null };
  }
  return null;
}

/** Whether the request reached the server despite the block — the part developers most often get wrong. */
function serverImpact(exchange: Exchange, step: Step): string {
  switch (step.kind) {
    case 'preflight':
      return ` Only the OPTIONS preflight reached the server; the ${exchange.method} request was never sent.`;
    case 'redirect':
      return ` The request reached ${step.entry.request.url}, but the browser did not follow the redirect.`;
    case 'actual': {
      const method = step.entry.request.method;
      const sideEffects = method === 'GET' || method === 'HEAD' ? '' : ` — a blocked ${method} still ran on the server, with its side effects`;
      return ` The request reached the server and was processed (status ${step.entry.response?.status ?? '?'})${sideEffects}; only the page's script was denied the response.`;
    }
  }
}

function toFinding(exchange: Exchange, found: RuleFinding, fix: Fix | null, blocked: boolean, contradicted: boolean, browser: BrowserId): Finding {
  const { result, step } = found;
  const isCheckFailure = step !== null && result.severity === 'error';
  const impact = blocked && isCheckFailure ? serverImpact(exchange, step) : '';
  const contradiction = contradicted && isCheckFailure
    ? ` ${BROWSER_NAMES[browser]} nevertheless delivered this response, so the capture and this replay disagree (an extension, an older browser, or a different credentials mode).`
    : '';
  const finding: Omit<Finding, 'problem'> = {
    rule: found.rule,
    reason: result.reason,
    severity: contradicted && isCheckFailure ? 'warning' : result.severity,
    response: step?.label ?? 'exchange',
    url: step?.entry.request.url ?? exchange.hops[exchange.hops.length - 1]?.entry.request.url ?? exchange.url,
    entry: step?.entry.index ?? null,
    header: result.evidence.header,
    observed: result.evidence.observed,
    expected: result.evidence.expected,
    message: result.message + impact + contradiction,
    corsError: found.corsError,
    firefoxError: browser === 'firefox' ? found.firefoxError : null,
    fix,
    noServerFix: result.noServerFix,
    category: result.category,
    confidence: result.confidence?.level ?? null,
    confidenceBasis: result.confidence?.basis ?? null,
  };
  return { ...finding, problem: problemIdOf(finding, exchange.initiatorOrigin) };
}

// Shared (frozen) where most exchanges agree: a 100k-entry report would otherwise hold 100k copies of each.
const NOT_APPLICABLE: ReportCredentials = Object.freeze({ mode: 'not-applicable', basis: 'not-applicable' });
const NO_FINDINGS: readonly Finding[] = Object.freeze([]);
const NO_ASSUMPTIONS: readonly string[] = Object.freeze([]);

function credentialsOf(exchange: Exchange): ReportCredentials {
  if (exchange.credentials.basis === 'not-applicable') return NOT_APPLICABLE;
  return { mode: exchange.credentials.mode, basis: exchange.credentials.basis };
}

function assumptionsOf(exchange: Exchange): readonly string[] {
  const { mode, basis } = exchange.credentials;
  const unknownPage = exchange.initiatorOrigin === null && exchange.steps.length > 0;
  if (basis !== 'assumed-default' && basis !== 'observed-outcome' && !unknownPage) return NO_ASSUMPTIONS;
  const assumptions: string[] = [];
  if (basis === 'assumed-default' && exchange.worker !== null) {
    assumptions.push('Credentials mode assumed "same-origin" (the fetch default). This request came from a worker, whose requests Chromium records without their Cookie header, so the capture cannot tell which mode the worker used.');
  } else if (basis === 'assumed-default') {
    assumptions.push('Credentials mode assumed "same-origin" (the fetch default: no cookies sent cross-origin); the capture has no Cookie header and the outcome does not depend on it.');
  } else if (basis === 'observed-outcome') {
    assumptions.push(mode === 'include'
      ? 'Credentials mode inferred as "include": only a credentialed request explains the recorded failure.'
      : 'Credentials mode inferred as not "include": a credentialed request would have been blocked, but the response was delivered.');
  }
  if (unknownPage) assumptions.push('The page origin could not be determined from Origin, the page URL or Referer.');
  return assumptions.length === 0 ? NO_ASSUMPTIONS : assumptions;
}

/** Most exchanges (same-origin, simple) share one "no preflight" value. */
const NO_PREFLIGHT: ReportPreflight = Object.freeze({ entry: null, status: 'not-needed', reasons: Object.freeze([]) });

function preflightOf(entry: number | null, exchange: Exchange): ReportPreflight {
  if (entry === null && exchange.preflightStatus === 'not-needed' && exchange.preflightReasons.length === 0) return NO_PREFLIGHT;
  return { entry, status: exchange.preflightStatus, reasons: exchange.preflightReasons };
}

function firstHopPreflight(exchange: Exchange): Step['entry'] | null {
  for (let i = 0; i < exchange.hops.length; i++) {
    const preflight = (exchange.hops[i] as Exchange['hops'][number]).preflight;
    if (preflight !== null) return preflight;
  }
  return null;
}

function requestKindOfExchange(exchange: Exchange): ReportExchange['requestKind'] {
  const first = exchange.hops[0]?.entry;
  if (first === undefined) return null;
  const kind = requestKindOf(first.resourceType, combinedHeader(first.request.headers, 'sec-fetch-mode'));
  return kind === null ? null : { label: kind.label, basis: kind.basis };
}

export function buildExchangeReport(exchange: Exchange, replayed: ReplayResult, memo: ReplayMemo = new ReplayMemo(), browser: BrowserId = 'chromium'): ReportExchange {
  const decision = decideVerdict(exchange, replayed, browser);
  const contradicted = replayed.blocking !== null && decision.verdict === 'allowed';
  // The closure only where there are findings to fix: most exchanges of a capture have none.
  const stillFails = replayed.findings.length === 0 ? undefined : (rule: RuleId, patched: Exchange) => ruleStillFails(rule, patched, replayed, memo);
  const fixes = completeFixes(exchange, replayed.findings, memo, stillFails);
  const firstPreflight = exchange.orphanPreflight ?? firstHopPreflight(exchange);
  return {
    id: exchange.id,
    url: exchange.url,
    method: exchange.method,
    startedDateTime: exchange.startedDateTime,
    initiatorOrigin: exchange.initiatorOrigin,
    kind: exchange.kind,
    entries: exchange.entries,
    requestEntry: exchange.hops[0]?.entry.index ?? null,
    requestKind: requestKindOfExchange(exchange),
    preflight: preflightOf(firstPreflight?.index ?? null, exchange),
    verdict: decision.verdict,
    corsError: decision.corsError,
    firefoxError: decision.firefoxError,
    findings: replayed.findings.length === 0 ? NO_FINDINGS : replayed.findings.map((found, position) => toFinding(exchange, found, fixes[position] ?? null, decision.verdict === 'blocked', contradicted, browser)),
    credentials: credentialsOf(exchange),
    assumptions: assumptionsOf(exchange),
  };
}

export function buildReport(
  source: SourceInfo, browser: JudgedBrowser, exchanges: readonly ReportExchange[], inputProblems: readonly InputProblem[], problems: readonly Problem[] = problemsOf(exchanges),
): Report {
  let blocked = 0;
  let allowed = 0;
  let unknown = 0;
  let warnings = 0;
  let crossOrigin = 0;
  // Indexed loops: one pass over every exchange and finding of the capture, usually not yet optimized by V8.
  for (let i = 0; i < exchanges.length; i++) {
    const exchange = exchanges[i] as ReportExchange;
    if (exchange.verdict === 'blocked') blocked++;
    else if (exchange.verdict === 'allowed') allowed++;
    else unknown++;
    if (CROSS_ORIGIN_KINDS.has(exchange.kind)) crossOrigin++;
    for (let f = 0; f < exchange.findings.length; f++) if ((exchange.findings[f] as ReportExchange['findings'][number]).severity === 'warning') warnings++;
  }
  return {
    schema: REPORT_SCHEMA,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    source: { kind: source.kind, name: source.name, creator: source.creator },
    browser,
    summary: { exchanges: exchanges.length, crossOrigin, blocked, allowed, unknown, warnings },
    problems,
    servers: serverFixesOf(problems, exchanges),
    exchanges,
    inputErrors: inputProblems.map((problem) => ({ entry: problem.entry, path: problem.path, message: problem.message, skipped: problem.skipped })),
  };
}
