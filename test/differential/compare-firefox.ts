// Pure comparison of Firefox's recorded verdicts with the engine's Firefox-mode report. Shared by the live Firefox
// differential test (test/differential/firefox.test.ts) and its browser-free replay
// (test/engine/differential-replay-firefox.test.ts).
//
// Firefox's verdict on a scenario = the page's own observation (as in the Chromium suite) + the reason keys
// Firefox logged for the scenario's URLs: each CORS failure is an nsIScriptError whose category is the reason key
// of security.properties (`CORSMissingAllowOrigin2`). The raw categories are kept; comparisons use the base name
// without trailing digits (`CORSMissingAllowOrigin`), MDN's error page names, which the engine reports.
import type { FirefoxConsoleMessage } from '../support/firefox';
import {
  engineVerdicts,
  harEntriesByScenario,
  scenarioIdOf,
  unrecordedFinalResponses,
  type EngineExchangeLike,
  type EngineVerdict,
  type FetchOutcome,
} from './compare';
import type { Origins, ServedRequest } from './scenario-server';
import type { Scenario } from './scenarios';

/** nsIScriptError flags: bit 0 = warning (errors have none of the low bits). */
const WARNING_FLAG = 1;

/** `CORSMissingAllowOrigin2` → `CORSMissingAllowOrigin`. */
export function reasonBase(category: string): string {
  return category.replace(/\d+$/, '');
}

/** One CORS console message matched to a scenario. */
export interface FirefoxReason {
  /** The raw category, e.g. `CORSMissingAllowOrigin2`. */
  category: string;
  /** The base name, e.g. `CORSMissingAllowOrigin`. */
  base: string;
  /** A warning (the request went on), not an error. */
  warning: boolean;
  /** The logged text (English), for the record. */
  message: string;
  /** The `CORSDidNotSucceed` Firefox logs after every preflight-stage failure: kept in the record, never compared. */
  followUp: boolean;
}

/** Firefox's verdict on one scenario: the oracle. */
export interface FirefoxVerdict {
  id: string;
  url: string;
  /**
   * Firefox blocked it: the (last) request failed in the page, or Firefox logged a CORS error for it. The second
   * matters for `<link rel=preload>` and `modulepreload`: Firefox 153 fires their `load` event even when the CORS
   * check failed (the error is logged and the preloaded response is unusable).
   */
  blocked: boolean;
  /** What the page alone observed: the (last) request failed. */
  pageBlocked: boolean;
  /** Raw categories of the error messages, in logging order, follow-ups filtered, duplicates (repeats) removed. */
  reasons: string[];
  /** Raw categories of the warning messages (e.g. `CORSAllowHeaderFromPreflightDeprecation`). */
  warnings: string[];
  /** The base name of the first error reason: what the engine's `firefoxError` must be. Null: none logged. */
  firefoxError: string | null;
  fetches: FetchOutcome[];
  /** Every CORS console message naming the scenario's URLs, follow-ups included. */
  console: FirefoxReason[];
}

/** test/differential/recorded/firefox-<major>.json */
export interface FirefoxRecording {
  browser: string;
  /** Services.appinfo.version, e.g. 153.8.0esr. */
  fullVersion: string;
  recordedAt: string;
  tableHash: string;
  /** Non-default prefs the suite set (besides automation defaults), e.g. network.lna.enabled=false. */
  prefs: Record<string, string | number | boolean>;
  /** Where the HAR came from. */
  harSource: string;
  origins: Origins;
  verdicts: FirefoxVerdict[];
  /** Every CORS console message of the run, raw, in logging order (the verdicts' reasons are derived from it). */
  console: FirefoxConsoleMessage[];
  served: ServedRequest[];
  /** The HAR log as getHARFromNetMonitor() (= devtools.network.getHAR()) returned it. */
  har: { entries: unknown[]; [key: string]: unknown };
}

/** Which scenario a console message is about: the first scenario URL its text names. */
export function scenarioOfMessage(message: string): string | null {
  const match = /https?:\/\/[^\s'"‘’“”]+?\/s\/([A-Za-z0-9_-]+)\/\d+/.exec(message);
  return match ? scenarioIdOf(match[0]) : null;
}

/** Firefox's verdicts from what the page observed and the raw console messages (live run and replay alike). */
export function firefoxVerdicts(
  table: readonly { id: string; url: string; fetches: FetchOutcome[] }[],
  messages: readonly FirefoxConsoleMessage[],
): FirefoxVerdict[] {
  const reasons = reasonsByScenario(messages);
  return table.map(({ id, url, fetches }) => firefoxVerdict(id, url, fetches, reasons.get(id) ?? []));
}

/** Groups CORS console messages by scenario and marks the follow-up `CORSDidNotSucceed`s. */
export function reasonsByScenario(messages: readonly FirefoxConsoleMessage[]): Map<string, FirefoxReason[]> {
  const out = new Map<string, FirefoxReason[]>();
  for (const message of messages) {
    const id = scenarioOfMessage(message.message);
    if (id === null) continue;
    const list = out.get(id) ?? [];
    const base = reasonBase(message.category);
    const warning = (message.flags & WARNING_FLAG) !== 0;
    // Firefox follows every preflight-stage failure with a CORSDidNotSucceed ("Status code: (null)"), and a
    // redirected preflight with two: any CORSDidNotSucceed after another error of the scenario is a follow-up. Alone
    // (a refused connection: one per request, the preflight's and the actual's) it is the reason.
    const followUp = base === 'CORSDidNotSucceed' && list.some((reason) => !reason.warning && reason.base !== 'CORSDidNotSucceed');
    list.push({ category: message.category, base, warning, message: message.message, followUp });
    out.set(id, list);
  }
  return out;
}

export function firefoxVerdict(id: string, url: string, fetches: FetchOutcome[], reasons: readonly FirefoxReason[]): FirefoxVerdict {
  const unique = (values: string[]) => [...new Set(values)];
  const errors = unique(reasons.filter((reason) => !reason.warning && !reason.followUp).map((reason) => reason.category));
  const warnings = unique(reasons.filter((reason) => reason.warning).map((reason) => reason.category));
  return {
    id,
    url,
    blocked: fetches.at(-1)?.rejected === true || errors.length > 0,
    pageBlocked: fetches.at(-1)?.rejected === true,
    reasons: errors,
    warnings,
    firefoxError: errors[0] === undefined ? null : reasonBase(errors[0]),
    fetches,
    console: [...reasons],
  };
}

/** The engine's side: the Chromium-suite fold plus the Firefox fields (read defensively until the engine has them). */
export interface FirefoxEngineVerdict extends EngineVerdict {
  firefoxError: string | null;
  /** Every firefoxError the scenario's exchanges and findings name (errors and warnings). */
  firefoxReasons: string[];
  /** The engine says the page did not follow a redirect, so the HAR cannot tell the outcome (verdict unknown). */
  redirectNotFollowed: boolean;
}

/** The fields the engine's Firefox mode adds (absent before it lands). */
interface FirefoxFields {
  firefoxError?: string | null;
  findings?: ReadonlyArray<{ firefoxError?: string | null; rule?: string; reason?: string }>;
}

export function firefoxEngineVerdicts(exchanges: readonly EngineExchangeLike[]): Map<string, FirefoxEngineVerdict> {
  const base = engineVerdicts(exchanges);
  const out = new Map<string, FirefoxEngineVerdict>();
  for (const [id, verdict] of base) {
    const group = exchanges.filter((exchange) => scenarioIdOf(exchange.url) === id);
    const blocked = group.filter((exchange) => exchange.verdict === 'blocked');
    const errorOf = (exchange: EngineExchangeLike) => (exchange as FirefoxFields).firefoxError ?? null;
    const chosen = blocked.find((exchange) => errorOf(exchange) !== null) ?? blocked[0];
    const firefoxError = chosen === undefined ? null : errorOf(chosen);
    const firefoxReasons = new Set<string>();
    for (const exchange of group) {
      const own = errorOf(exchange);
      if (own !== null) firefoxReasons.add(own);
      for (const finding of (exchange as FirefoxFields).findings ?? []) if (finding.firefoxError) firefoxReasons.add(finding.firefoxError);
    }
    const redirectNotFollowed = group.some((exchange) => ((exchange as FirefoxFields).findings ?? []).some((finding) => finding.rule === 'request-failed-before-response' && finding.reason === 'redirect-not-followed'));
    out.set(id, { ...verdict, firefoxError, firefoxReasons: [...firefoxReasons], redirectNotFollowed });
  }
  return out;
}

export interface FirefoxComparison {
  id: string;
  firefox: FirefoxVerdict;
  harEntries: number;
  engine: FirefoxEngineVerdict;
  agree: boolean;
  /** Verdict agrees; the reason could not be compared because the HAR provably holds no data to name it from. */
  errorNotInHar: boolean;
  /**
   * The engine says "unknown" because the HAR ends in a redirect nobody followed, and the HAR provably holds
   * nothing else: Firefox records redirect "manual" (allowed) and redirect "error" (blocked) alike.
   */
  outcomeNotInHar?: boolean;
  problem: string | null;
}

const NO_EXCHANGE: FirefoxEngineVerdict = { exchanges: 0, verdict: 'no-exchange', corsError: null, errorNotRecorded: false, firefoxError: null, firefoxReasons: [], redirectNotFollowed: false };

/**
 * Scenarios whose HAR entries hold no response at all: the final request unanswered (status 0, no headers) and
 * no OPTIONS entry with a response either. Only there may the engine say the reason is not in the capture.
 */
export function scenariosWithoutAnyResponse(har: { entries: unknown[] }): Set<string> {
  const unrecorded = unrecordedFinalResponses(har);
  for (const entry of har.entries) {
    const item = entry as { request?: { url?: unknown; method?: unknown }; response?: { status?: unknown; headers?: unknown } };
    const url = item.request?.url;
    if (typeof url !== 'string' || item.request?.method !== 'OPTIONS') continue;
    const id = scenarioIdOf(url);
    const status = typeof item.response?.status === 'number' ? item.response.status : 0;
    const headers = Array.isArray(item.response?.headers) ? item.response.headers.length : 0;
    if (id !== null && (status > 0 || headers > 0)) unrecorded.delete(id);
  }
  return unrecorded;
}

export function compareFirefox(
  verdict: FirefoxVerdict, engine: FirefoxEngineVerdict | undefined, harEntries: number, noResponseInHar = false, endsInUnfollowedRedirect = false,
): FirefoxComparison {
  const engineVerdict = engine ?? NO_EXCHANGE;
  const base = { id: verdict.id, firefox: verdict, harEntries, engine: engineVerdict, errorNotInHar: false };
  if (harEntries === 0) {
    return engineVerdict.verdict === 'no-exchange'
      ? { ...base, agree: true, problem: null }
      : { ...base, agree: false, problem: 'engine reports an exchange the HAR does not hold' };
  }
  if (engineVerdict.verdict === 'no-exchange') return { ...base, agree: false, problem: 'no exchange in the report' };
  if (engineVerdict.verdict === 'unknown') {
    // Checked against the HAR itself, not taken on trust.
    if (engineVerdict.redirectNotFollowed && endsInUnfollowedRedirect) return { ...base, agree: true, outcomeNotInHar: true, problem: null };
    return { ...base, agree: false, problem: `engine says unknown; Firefox ${verdict.blocked ? 'blocked' : 'allowed'} it` };
  }
  if ((engineVerdict.verdict === 'blocked') !== verdict.blocked) {
    return { ...base, agree: false, problem: `verdict: Firefox ${verdict.blocked ? 'blocked' : 'allowed'}, engine ${engineVerdict.verdict}` };
  }
  if (engineVerdict.firefoxError === null && verdict.firefoxError !== null && engineVerdict.errorNotRecorded) {
    // Checked against the HAR itself, not taken on trust.
    return noResponseInHar
      ? { ...base, agree: true, errorNotInHar: true, problem: null }
      : { ...base, agree: false, problem: 'engine says the reason is not in the HAR, but the HAR holds a response' };
  }
  const expected = verdict.blocked ? verdict.firefoxError : null;
  if (engineVerdict.firefoxError !== expected) {
    return { ...base, agree: false, problem: `Firefox reason ${expected ?? 'none'}, engine firefoxError ${engineVerdict.firefoxError ?? 'null'}` };
  }
  // Every warning Firefox logged must be named in the engine's findings. Firefox logs one error per failing
  // response (the first failing check; the engine also reports the later ones, each with Firefox's name) and,
  // after a refused preflight redirect, a second message about the same failure: the first one is the reason.
  const named = engineVerdict.firefoxReasons;
  const missing = verdict.warnings.map(reasonBase).filter((reason) => !named.includes(reason));
  if (missing.length > 0) return { ...base, agree: false, problem: `warning(s) Firefox logged that no finding names: ${[...new Set(missing)].join(', ')}` };
  const unexplained = named.filter((reason) => reason === 'CORSAllowHeaderFromPreflightDeprecation' && !verdict.warnings.map(reasonBase).includes(reason));
  if (unexplained.length > 0) return { ...base, agree: false, problem: `engine names a warning Firefox did not log: ${unexplained.join(', ')}` };
  return { ...base, agree: true, problem: null };
}

/** Scenarios whose HAR holds a redirect response whose Location no entry requested: a redirect nobody followed. */
export function scenariosEndingInUnfollowedRedirect(har: { entries: unknown[] }): Set<string> {
  const requested = new Set<string>();
  const redirects: { id: string; location: string }[] = [];
  for (const entry of har.entries) {
    const item = entry as { request?: { url?: unknown }; response?: { status?: unknown; redirectURL?: unknown } };
    const url = item.request?.url;
    if (typeof url !== 'string') continue;
    requested.add(url);
    const status = typeof item.response?.status === 'number' ? item.response.status : 0;
    const location = item.response?.redirectURL;
    const id = scenarioIdOf(url);
    if (id !== null && status >= 300 && status < 400 && typeof location === 'string' && location !== '') redirects.push({ id, location });
  }
  return new Set(redirects.filter((redirect) => !requested.has(redirect.location)).map((redirect) => redirect.id));
}

export function compareAllFirefox(
  verdicts: readonly FirefoxVerdict[],
  exchanges: readonly EngineExchangeLike[],
  har: { entries: unknown[] },
): Map<string, FirefoxComparison> {
  const engine = firefoxEngineVerdicts(exchanges);
  const entries = harEntriesByScenario(har);
  const unrecorded = scenariosWithoutAnyResponse(har);
  const unfollowed = scenariosEndingInUnfollowedRedirect(har);
  return new Map(verdicts.map((verdict) => [verdict.id, compareFirefox(verdict, engine.get(verdict.id), entries.get(verdict.id) ?? 0, unrecorded.has(verdict.id), unfollowed.has(verdict.id))]));
}

export function describeFirefox(verdict: FirefoxVerdict): string {
  const warnings = verdict.warnings.length > 0 ? ` (warning ${verdict.warnings.join(', ')})` : '';
  if (!verdict.blocked) return `allowed${warnings}`;
  const pageSaw = verdict.pageBlocked ? '' : ' (the page saw a load event)';
  return `blocked: ${verdict.reasons.length > 0 ? verdict.reasons.join(' + ') : (verdict.fetches.at(-1)?.error ?? 'no CORS reason')}${warnings}${pageSaw}`;
}

export function describeFirefoxEngine(engine: FirefoxEngineVerdict): string {
  if (engine.verdict === 'no-exchange') return 'no exchange';
  const others = engine.firefoxReasons.filter((reason) => reason !== engine.firefoxError);
  const extra = others.length > 0 ? ` (findings: ${others.join(', ')})` : '';
  const count = engine.exchanges > 1 ? ` [${engine.exchanges} exchanges]` : '';
  if (engine.verdict !== 'blocked') return `${engine.verdict}${extra}${count}`;
  const error = engine.firefoxError ?? (engine.errorNotRecorded ? 'reason not in the HAR' : 'firefoxError null');
  return `blocked: ${error}${extra}${count}`;
}

function table(header: readonly string[], cells: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]?.length ?? 0)));
  const line = (cell: readonly string[]) => `| ${cell.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...cells.map(line)];
}

/** Every scenario: id, Firefox's verdict and reasons, the engine's verdict and firefoxError, agreement. */
export function firefoxComparisonTable(comparisons: Iterable<FirefoxComparison>): string {
  const rows = [...comparisons];
  return table(
    ['scenario', 'Firefox', 'engine', 'agree'],
    rows.map((row) => [row.id, describeFirefox(row.firefox), describeFirefoxEngine(row.engine), row.agree ? (row.errorNotInHar ? 'verdict only' : row.outcomeNotInHar === true ? 'not in the HAR' : 'yes') : `NO: ${row.problem ?? ''}`]),
  ).join('\n');
}

/** The disagreements only (Markdown), for assertion messages and test-results/firefox-disagreements.md. */
export function firefoxDisagreementTable(comparisons: Iterable<FirefoxComparison>): string {
  const rows = [...comparisons].filter((comparison) => !comparison.agree);
  if (rows.length === 0) return 'The engine agrees with Firefox on every scenario.';
  return [
    `${rows.length} disagreement(s) between the engine and Firefox:`,
    '',
    ...table(['scenario', 'Firefox', 'engine', 'problem'], rows.map((row) => [row.id, describeFirefox(row.firefox), describeFirefoxEngine(row.engine), row.problem ?? ''])),
  ].join('\n');
}

/** A row whose request never gets a response: a closed port, a socket closed unanswered, or the page's abort. */
export function isNetworkFailureRow(scenario: Scenario | undefined): boolean {
  if (scenario === undefined) return false;
  const responses = [scenario.preflight, ...(scenario.actual ?? [])];
  return scenario.request.target === 'closed'
    || scenario.request.abortAfterMs !== undefined
    || responses.some((response) => response?.destroy === true || response?.redirect?.to === 'closed');
}


/**
 * Scenario requests the server answered (or cut off) that the HAR does not hold: method + URL (without the query).
 * Firefox's network monitor sometimes misses requests made in its first seconds (see test/support/firefox.ts), so
 * the live test re-runs until this is empty, and the replay checks the recording is complete.
 */
export function servedNotInHar(served: readonly ServedRequest[], har: { entries: unknown[] }, origins: Origins): string[] {
  const recorded = new Set<string>();
  for (const entry of har.entries) {
    const request = (entry as { request?: { method?: unknown; url?: unknown } }).request;
    if (typeof request?.url !== 'string' || typeof request.method !== 'string') continue;
    const url = new URL(request.url);
    recorded.add(`${request.method} ${url.origin}${url.pathname}`);
  }
  return served
    .filter((request) => scenarioIdOf(request.path) !== null)
    .map((request) => `${request.method} ${origins[request.origin]}${request.path.split('?')[0]}`)
    .filter((key) => !recorded.has(key));
}
