// Pure comparison of Chromium's recorded verdicts with the engine's report. Shared by the live differential
// test (test/differential/differential.test.ts) and the Chromium-free replay (test/engine/differential-replay.test.ts).
import type { ServedRequest, Origins } from './scenario-server';

/** One fetch() call in the page, as the page saw it. */
export interface FetchOutcome {
  rejected: boolean;
  /** `TypeError: Failed to fetch` and the like, when rejected. */
  error?: string;
  status?: number;
  /** Response.type: basic, cors, opaque, opaqueredirect; or the kind (img, eventsource, beacon…). */
  type?: string;
  /** The page cannot see the result (sendBeacon): the verdict is Chromium's CDP one. */
  unobservable?: boolean;
}

/** What the DevTools Protocol said about one request (the actual request or a preflight). */
export interface CdpRequestRecord {
  requestId: string;
  /** Every URL of the request, redirect hops in order. */
  urls: string[];
  method: string;
  /** Network.ResourceType: Fetch, Preflight, Other… */
  type: string | null;
  finished: boolean;
  failed: null | {
    errorText: string;
    corsError: string | null;
    failedParameter: string | null;
    blockedReason: string | null;
    canceled: boolean;
  };
}

/** Chromium's verdict on one scenario: the oracle. */
export interface ChromiumVerdict {
  id: string;
  url: string;
  /** The (last) fetch() rejected in the page. CDP's failure, if any, is in corsError/errorText. */
  blocked: boolean;
  corsError: string | null;
  failedParameter: string | null;
  errorText: string | null;
  fetches: FetchOutcome[];
  /** The actual request(s) as CDP reported them; more than one when the scenario repeats. */
  requests: CdpRequestRecord[];
  preflights: CdpRequestRecord[];
}

/** The file under test/differential/recorded/: everything the replay needs, nothing from the engine. */
export interface Recording {
  browser: string;
  recordedAt: string;
  /** Hash of the scenario table the recording was made from: a changed table forces a new recording. */
  tableHash: string;
  origins: Origins;
  verdicts: ChromiumVerdict[];
  served: ServedRequest[];
  /** The HAR log exactly as chrome.devtools.network.getHAR() returned it inside the panel. */
  har: { entries: unknown[]; [key: string]: unknown };
}

/** The slice of the engine's report this suite reads (src/engine's Report has more). */
export interface EngineExchangeLike {
  id: string;
  url: string;
  method: string;
  entries: readonly number[];
  verdict: 'allowed' | 'blocked' | 'unknown';
  corsError: string | null;
  findings?: readonly EngineFindingLike[];
}

/** The slice of a report finding the audit expectations read. */
export interface EngineFindingLike {
  rule: string;
  /** The rule's failure reason key. */
  reason?: string;
  /** "cors", "security", "performance" or "classification" (absent in reports older than the audit rules). */
  category?: string;
}

export interface EngineVerdict {
  /** How many exchanges of the report belong to the scenario (by the scenario id in their URL). */
  exchanges: number;
  verdict: 'allowed' | 'blocked' | 'unknown' | 'no-exchange';
  corsError: string | null;
  /** The engine says the capture cannot tell which CORS check failed (a worker's blocked response is not recorded). */
  errorNotRecorded: boolean;
}

/** The engine's findings for "blocked, but the HAR kept no response to name the CORS error from". */
export const ERROR_NOT_RECORDED = { rule: 'unexplained-network-error', reasons: ['worker-response-not-recorded', 'no-response-headers', 'firefox-no-response'] } as const;

export interface Comparison {
  id: string;
  chromium: ChromiumVerdict;
  /** HAR entries whose URL (or preflight initiator URL) names the scenario. */
  harEntries: number;
  engine: EngineVerdict;
  agree: boolean;
  /**
   * Agreement on the verdict only: Chromium named a CORS error, the engine said the HAR cannot tell which, and
   * the HAR indeed holds no response for the scenario's final request (status 0, no headers). Counted apart.
   */
  errorNotInHar: boolean;
  /** Why not, in one phrase. */
  problem: string | null;
}

const SCENARIO_PATH = /\/s\/([A-Za-z0-9_-]+)\/\d+(?:$|[?#])/;

export function scenarioIdOf(url: string): string | null {
  return SCENARIO_PATH.exec(url)?.[1] ?? null;
}

/** Groups the engine's exchanges by scenario and folds each group into one verdict. */
export function engineVerdicts(exchanges: readonly EngineExchangeLike[]): Map<string, EngineVerdict> {
  const groups = new Map<string, EngineExchangeLike[]>();
  for (const exchange of exchanges) {
    const id = scenarioIdOf(exchange.url);
    if (id === null) continue;
    groups.set(id, [...(groups.get(id) ?? []), exchange]);
  }
  const out = new Map<string, EngineVerdict>();
  for (const [id, group] of groups) {
    // A scenario that repeats its fetch has one exchange per fetch; Chromium's verdict is the last fetch's,
    // and every fetch of a scenario gets the same answer, so the group folds as: any blocked → blocked.
    const blocked = group.filter((exchange) => exchange.verdict === 'blocked');
    const verdict = blocked.length > 0 ? 'blocked' : group.some((e) => e.verdict === 'unknown') ? 'unknown' : 'allowed';
    out.set(id, {
      exchanges: group.length,
      verdict,
      corsError: (blocked.find((exchange) => exchange.corsError !== null) ?? blocked[0])?.corsError ?? null,
      errorNotRecorded: blocked.some((exchange) => (exchange.findings ?? []).some((finding) => finding.rule === ERROR_NOT_RECORDED.rule && (ERROR_NOT_RECORDED.reasons as readonly string[]).includes(finding.reason ?? ''))),
    });
  }
  return out;
}

/**
 * Scenarios whose final request (the non-OPTIONS entry of the highest hop; the last such entry when a request
 * repeats) the HAR holds without any response: status 0 or less and no response headers.
 */
export function unrecordedFinalResponses(har: { entries: unknown[] }): Set<string> {
  const finals = new Map<string, { hop: number; recorded: boolean }>();
  for (const entry of har.entries) {
    const item = entry as { request?: { url?: unknown; method?: unknown }; response?: { status?: unknown; headers?: unknown } };
    const url = item.request?.url;
    if (typeof url !== 'string' || item.request?.method === 'OPTIONS') continue;
    const id = scenarioIdOf(url);
    const hop = Number(/\/(\d+)(?:$|[?#])/.exec(url)?.[1] ?? 0);
    if (id === null || hop < (finals.get(id)?.hop ?? -1)) continue;
    const status = typeof item.response?.status === 'number' ? item.response.status : 0;
    const headers = Array.isArray(item.response?.headers) ? item.response.headers.length : 0;
    finals.set(id, { hop, recorded: status > 0 || headers > 0 });
  }
  return new Set([...finals].filter(([, final]) => !final.recorded).map(([id]) => id));
}

/** How many HAR entries belong to each scenario (the actual URL, or a preflight's initiator URL). */
export function harEntriesByScenario(har: { entries: unknown[] }): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of har.entries) {
    const url = (entry as { request?: { url?: unknown } }).request?.url;
    const id = typeof url === 'string' ? scenarioIdOf(url) : null;
    if (id !== null) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export function compare(verdict: ChromiumVerdict, engine: EngineVerdict | undefined, harEntries: number, finalUnrecorded = false): Comparison {
  const engineVerdict: EngineVerdict = engine ?? { exchanges: 0, verdict: 'no-exchange', corsError: null, errorNotRecorded: false };
  const base = { id: verdict.id, chromium: verdict, harEntries, engine: engineVerdict, errorNotInHar: false };
  if (harEntries === 0) {
    // DevTools recorded nothing for this request: the engine cannot see it, and must not invent it.
    return engineVerdict.verdict === 'no-exchange'
      ? { ...base, agree: true, problem: null }
      : { ...base, agree: false, problem: 'engine reports an exchange the HAR does not hold' };
  }
  if (engineVerdict.verdict === 'no-exchange') return { ...base, agree: false, problem: 'no exchange in the report' };
  const engineBlocked = engineVerdict.verdict === 'blocked';
  if (engineVerdict.verdict === 'unknown') {
    return { ...base, agree: false, problem: `engine says unknown; Chromium ${verdict.blocked ? 'blocked' : 'allowed'} it` };
  }
  if (engineBlocked !== verdict.blocked) {
    return { ...base, agree: false, problem: `verdict: Chromium ${verdict.blocked ? 'blocked' : 'allowed'}, engine ${engineVerdict.verdict}` };
  }
  if (engineVerdict.corsError === null && verdict.corsError !== null && engineVerdict.errorNotRecorded) {
    // The engine's claim is checked against the HAR itself, not taken on trust.
    return finalUnrecorded
      ? { ...base, agree: true, errorNotInHar: true, problem: null }
      : { ...base, agree: false, problem: 'engine says the CORS error is not in the HAR, but the final response is recorded' };
  }
  if (engineVerdict.corsError !== verdict.corsError) return { ...base, agree: false, problem: 'different CORS error' };
  return { ...base, agree: true, problem: null };
}

export function compareAll(
  verdicts: readonly ChromiumVerdict[],
  exchanges: readonly EngineExchangeLike[],
  har: { entries: unknown[] },
): Map<string, Comparison> {
  const engine = engineVerdicts(exchanges);
  const entries = harEntriesByScenario(har);
  const unrecorded = unrecordedFinalResponses(har);
  return new Map(verdicts.map((verdict) => [verdict.id, compare(verdict, engine.get(verdict.id), entries.get(verdict.id) ?? 0, unrecorded.has(verdict.id))]));
}

/** Chromium's side of a row: the CORS error with its failed parameter, else the net error, else "allowed". */
export function describeChromium(verdict: ChromiumVerdict): string {
  if (!verdict.blocked) return `allowed${verdict.fetches.at(-1)?.type ? ` (${verdict.fetches.at(-1)?.type})` : ''}`;
  if (verdict.corsError) {
    return `${verdict.corsError}${verdict.failedParameter ? ` [${verdict.failedParameter}]` : ''}`;
  }
  return verdict.errorText ?? verdict.fetches.at(-1)?.error ?? 'blocked (no error text)';
}

export function describeEngine(engine: EngineVerdict): string {
  if (engine.verdict === 'no-exchange') return 'no exchange';
  if (engine.verdict !== 'blocked') return engine.verdict + (engine.exchanges > 1 ? ` (${engine.exchanges} exchanges)` : '');
  const error = engine.corsError ?? (engine.errorNotRecorded ? 'CORS error not in the HAR' : 'null');
  return `blocked: ${error}` + (engine.exchanges > 1 ? ` (${engine.exchanges} exchanges)` : '');
}

/** The scenarios where only the verdict could be compared (the HAR holds no response to name the error from). */
export function errorNotInHarList(comparisons: Iterable<Comparison>): string[] {
  return [...comparisons].filter((comparison) => comparison.errorNotInHar).map((comparison) => `${comparison.id} (Chromium: ${describeChromium(comparison.chromium)})`);
}

/** One table with every disagreement: what the assertion message shows. */
export function disagreementTable(comparisons: Iterable<Comparison>): string {
  const rows = [...comparisons].filter((comparison) => !comparison.agree);
  if (rows.length === 0) return 'Engine and Chromium agree on every scenario.';
  const cells = rows.map((row) => [row.id, describeChromium(row.chromium), describeEngine(row.engine), row.problem ?? '']);
  const header = ['scenario', 'Chromium', 'engine', 'problem'];
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]?.length ?? 0)));
  const line = (cell: readonly string[]) => cell.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ');
  return [
    `${rows.length} disagreement(s) between the engine and Chromium:`,
    line(header),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...cells.map(line),
  ].join('\n');
}

/** Categories of the audit and classification rules (everything but the CORS checks). */
export const AUDIT_CATEGORIES: ReadonlySet<string> = new Set(['security', 'performance', 'classification', 'compatibility']);

/** Scenario id → the audit/classification rule ids the engine reported on the scenario's exchanges. */
export function auditFindingsByScenario(exchanges: readonly EngineExchangeLike[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const exchange of exchanges) {
    const id = scenarioIdOf(exchange.url);
    if (id === null) continue;
    const rules = out.get(id) ?? new Set<string>();
    for (const finding of exchange.findings ?? []) if (AUDIT_CATEGORIES.has(finding.category ?? 'cors')) rules.add(finding.rule);
    out.set(id, rules);
  }
  return out;
}

export interface FindingCheck {
  id: string;
  expected: string[];
  actual: string[];
  ok: boolean;
}

/** Each scenario must get exactly its `expectFindings` (none when absent) among the audit and classification findings. */
export function checkExpectedFindings(
  table: readonly { id: string; expectFindings?: readonly string[] }[],
  exchanges: readonly EngineExchangeLike[],
): Map<string, FindingCheck> {
  const found = auditFindingsByScenario(exchanges);
  return new Map(table.map((scenario) => {
    const expected = [...(scenario.expectFindings ?? [])].sort();
    const actual = [...(found.get(scenario.id) ?? [])].sort();
    return [scenario.id, { id: scenario.id, expected, actual, ok: expected.join(',') === actual.join(',') }];
  }));
}

export function findingMismatchTable(checks: Iterable<FindingCheck>): string {
  const rows = [...checks].filter((check) => !check.ok);
  if (rows.length === 0) return 'Every scenario has exactly its expected audit findings.';
  return [
    `${rows.length} scenario(s) with unexpected audit findings:`,
    ...rows.map((row) => `${row.id}: expected [${row.expected.join(', ')}], engine [${row.actual.join(', ')}]`),
  ].join('\n');
}
