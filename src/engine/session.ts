import { diagnoseInRun, judgedBrowserFor, type DiagnoseOptions } from './diagnose.js';
import { RunContext } from './run-context.js';
import { urlKey } from './model/origin.js';
import { entryLinksOf } from './har/normalize.js';
import { buildReport } from './report/builder.js';
import { ProblemIndex } from './problems/problems.js';
import { serverFixesOf } from './problems/servers.js';
import type { Finding, Report, ReportExchange, ReportInputError, ReportSummary } from './report/types.js';

interface ClusterResult {
  readonly exchanges: readonly ReportExchange[];
  readonly problems: readonly ReportInputError[];
  readonly summary: ReportSummary;
}

const SUMMARY_FIELDS = ['exchanges', 'crossOrigin', 'blocked', 'allowed', 'unknown', 'warnings'] as const;

/**
 * The live path: entries arrive one by one while the page runs, and re-diagnosing the whole capture for each
 * would make a long session quadratic. Pairing only ever links entries whose URLs are equal or joined by a
 * redirect, so the capture splits into independent clusters of URLs; a new entry re-diagnoses only its
 * cluster. The assembled report equals `diagnose()` of the whole capture (a test holds it to that).
 */
export class DiagnosisSession {
  private readonly entries: unknown[] = [];
  /** Union-find over URL keys: every URL of a cluster points (eventually) to the cluster's root key. */
  private readonly parent = new Map<string, string>();
  private readonly members = new Map<string, number[]>();
  private readonly results = new Map<string, ClusterResult>();
  private readonly dirty = new Set<string>();
  /** The last update (see view()) and the last report(), until entries change. */
  private cachedView: Report | null = null;
  private cached: Report | null = null;
  /** Exchanges taken out of and put into the report since the last takeChanges() (see there). */
  private removedSince: ReportExchange[] = [];
  private addedSince: ReportExchange[] = [];
  private shell: Report | null = null;
  /** Every cluster's exchanges, ordered by first entry index; kept sorted as clusters are replaced. */
  private readonly ordered: ReportExchange[] = [];
  private readonly problems: ReportInputError[] = [];
  private readonly totals: Record<(typeof SUMMARY_FIELDS)[number], number> = {
    exchanges: 0, crossOrigin: 0, blocked: 0, allowed: 0, unknown: 0, warnings: 0,
  };

  /** The problems of every cluster's exchanges, regrouped as clusters are replaced (only what changed). */
  private readonly problemIndex = new ProblemIndex();
  /** One run for the whole session: its tables serve every cluster's diagnosis. */
  private readonly run = new RunContext();

  constructor(private readonly options: DiagnoseOptions = {}) {}

  get size(): number {
    return this.entries.length;
  }

  /**
   * Replaces the entry at `index` with a newer recording of the same request (its headers arrived late).
   * Returns false, changing nothing, when the new recording links other URLs: the caller then starts over.
   */
  replace(index: number, entry: unknown): boolean {
    const previous = this.entries[index];
    if (previous === undefined) return false;
    const keys = clusterKeysOf(entry, index);
    const previousKeys = clusterKeysOf(previous, index);
    if (keys.length !== previousKeys.length || keys.some((key, position) => key !== previousKeys[position])) return false;
    this.entries[index] = entry;
    this.dirty.add(this.find(keys[0] as string));
    this.cachedView = null;
    this.cached = null;
    return true;
  }

  /** Appends entries (in capture order). */
  add(entries: readonly unknown[]): void {
    for (const entry of entries) {
      const index = this.entries.length;
      this.entries.push(entry);
      const keys = clusterKeysOf(entry, index);
      let root = this.find(keys[0] as string);
      for (const key of keys.slice(1)) root = this.union(root, this.find(key));
      const list = this.members.get(root);
      if (list === undefined) this.members.set(root, [index]);
      else list.push(index);
      this.dirty.add(root);
    }
    if (entries.length > 0) {
      this.cachedView = null;
      this.cached = null;
    }
  }

  /** The report of every entry so far (its own object: later updates leave it as it is). */
  report(): Report {
    if (this.cached !== null) return this.cached;
    const view = this.view();
    this.cached = { ...view, exchanges: [...view.exchanges] };
    return this.cached;
  }

  /**
   * The report as report() gives it, except that `exchanges` is the session's own list, which the next update
   * changes in place: for a caller that reads it before adding entries again, or keeps it only until then (the
   * panel's worker). A copy of every exchange at each update was a quarter of a live update's CPU at 100k
   * requests, and the figure grew with the capture (bench/live-session.ts).
   */
  view(): Report {
    if (this.cachedView !== null) return this.cachedView;
    let problemsChanged = false;
    for (const root of this.dirty) {
      const indices = this.members.get(root);
      if (indices === undefined) continue;
      this.forget(root);
      const result = diagnoseCluster(indices, this.entries, this.source(), this.options, this.run);
      this.results.set(root, result);
      for (const exchange of result.exchanges) {
        this.ordered.splice(this.positionOf(firstEntry(exchange)), 0, exchange);
        this.problemIndex.set(exchange, firstEntry(exchange));
        this.addedSince.push(exchange);
      }
      if (result.problems.length > 0) {
        this.problems.push(...result.problems);
        problemsChanged = true;
      }
      for (const field of SUMMARY_FIELDS) this.totals[field] += result.summary[field];
    }
    this.dirty.clear();
    if (problemsChanged) this.problems.sort((a, b) => (a.entry ?? -1) - (b.entry ?? -1));
    // One empty build gives the report's fixed fields (built once: they never change); exchanges and totals
    // are kept incrementally.
    this.shell ??= buildReport(this.source(), judgedBrowserFor({ ...this.options, sourceKind: this.options.sourceKind ?? 'live' }), [], []);
    const shell = this.shell;
    const problems = this.problemIndex.problems();
    this.cachedView = { ...shell, summary: { ...this.totals }, problems, servers: serverFixesOf(problems, this.ordered, (server) => this.problemIndex.combinedExchanges(server)), exchanges: this.ordered, inputErrors: [...this.problems] };
    return this.cachedView;
  }

  /**
   * The exchanges report() took out and put in since the last call (the live panel updates its rows from these
   * instead of comparing every exchange). An exchange re-diagnosed is in both lists (a new object in `added`).
   */
  takeChanges(): { removed: ReportExchange[]; added: ReportExchange[] } {
    this.view();
    const changes = { removed: this.removedSince, added: this.addedSince };
    this.removedSince = [];
    this.addedSince = [];
    return changes;
  }

  private source() {
    return { kind: this.options.sourceKind ?? 'live', name: this.options.sourceName ?? null, creator: null };
  }

  /** Takes a cluster's previous exchanges, problems and counts out of the running report. */
  private forget(root: string): void {
    const previous = this.results.get(root);
    if (previous === undefined) return;
    this.results.delete(root);
    for (const exchange of previous.exchanges) this.removedSince.push(exchange);
    for (const exchange of previous.exchanges) {
      const position = this.positionOf(firstEntry(exchange));
      if (this.ordered[position] === exchange) this.ordered.splice(position, 1);
      this.problemIndex.delete(exchange.id);
    }
    if (previous.problems.length > 0) {
      const stale = new Set(previous.problems);
      const kept = this.problems.filter((problem) => !stale.has(problem));
      this.problems.splice(0, this.problems.length, ...kept);
    }
    for (const field of SUMMARY_FIELDS) this.totals[field] -= previous.summary[field];
  }

  /** Binary search: where an exchange starting at `entry` sits (or belongs) in `ordered`. */
  private positionOf(entry: number): number {
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (firstEntry(this.ordered[middle] as ReportExchange) < entry) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private find(key: string): string {
    let root = key;
    for (let next = this.parent.get(root); next !== undefined && next !== root; next = this.parent.get(root)) root = next;
    if (!this.parent.has(key)) this.parent.set(key, key);
    // Path compression keeps later look-ups flat.
    for (let node = key; node !== root; ) {
      const next = this.parent.get(node) as string;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  private union(a: string, b: string): string {
    if (a === b) return a;
    const [keep, merge] = (this.members.get(a)?.length ?? 0) >= (this.members.get(b)?.length ?? 0) ? [a, b] : [b, a];
    this.parent.set(merge, keep);
    const moved = this.members.get(merge) ?? [];
    const kept = this.members.get(keep) ?? [];
    this.members.set(keep, mergeSorted(kept, moved));
    this.members.delete(merge);
    this.forget(merge);
    this.dirty.delete(merge);
    this.dirty.add(keep);
    return keep;
  }
}

/** The URL keys an entry ties together: its own URL, its redirect target, a preflight's initiating URL. */
function clusterKeysOf(entry: unknown, index: number): string[] {
  const links = entryLinksOf(entry);
  if (links === null) return [`\u0000entry ${index}`];
  const keys = [urlKey(links.url)];
  for (const linked of links.linked) keys.push(urlKey(linked));
  return keys;
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] as number) < (b[j] as number))) merged.push(a[i++] as number);
    else merged.push(b[j++] as number);
  }
  return merged;
}

const firstEntry = (exchange: ReportExchange): number => exchange.entries[0] ?? -1;

/** Diagnoses one cluster on its own and maps its entry indices back to the whole capture's. */
function diagnoseCluster(
  indices: readonly number[], entries: readonly unknown[], source: Parameters<typeof buildReport>[0], options: DiagnoseOptions, run: RunContext,
): ClusterResult {
  const result = diagnoseInRun(indices.map((index) => entries[index]), options.browser === undefined ? {} : { browser: options.browser }, run, false);
  if (!result.ok) {
    const problems = indices.map((index) => ({ entry: index, path: `log.entries[${index}]`, message: result.error.message, skipped: true }));
    return { exchanges: [], problems, summary: buildReport(source, judgedBrowserFor(options), [], problems).summary };
  }
  const global = (local: number) => indices[local] ?? local;
  const globalPath = (path: string) => path.replace(/^((?:log\.)?entries)\[(\d+)\]/, (_, prefix: string, local: string) => `${prefix}[${global(Number(local))}]`);
  const exchanges = result.report.exchanges.map((exchange): ReportExchange => ({
    ...exchange,
    id: exchange.id.replace(/^ex-(\d+)$/, (_, local: string) => `ex-${global(Number(local))}`),
    entries: exchange.entries.map(global),
    requestEntry: exchange.requestEntry === null ? null : global(exchange.requestEntry),
    preflight: { ...exchange.preflight, entry: exchange.preflight.entry === null ? null : global(exchange.preflight.entry) },
    findings: exchange.findings.map((finding): Finding => ({ ...finding, entry: finding.entry === null ? null : global(finding.entry) })),
  }));
  const problems = result.report.inputErrors.map((problem) => ({
    ...problem,
    entry: problem.entry === null ? null : global(problem.entry),
    path: globalPath(problem.path),
  }));
  return { exchanges, problems, summary: result.report.summary };
}
