/**
 * Problems, not rows: a problem is one change on one server (or in the page) that fixes a set of exchanges.
 * Findings are grouped by the server origin that must change, the response that fails (preflight, actual,
 * redirect, or the exchange as a whole), the rule and its reason, and the fix with the page's origin and the
 * method and header lists abstracted — so the same mistake met by two pages, or by PUT and DELETE, is one
 * problem with one consolidated fix. Each finding carries its problem's id (stable: a hash of that key), so
 * exchanges name their problems and a live session can regroup incrementally (ProblemIndex).
 */
import { RULES, type RuleId } from '../rules/registry.js';
import type { FindingCategory, FixSnippet, FixTarget, HeaderPatch, Severity } from '../rules/types.js';
import type { CorsError } from '../spec/cors-errors.js';
import type { FirefoxCorsError } from '../spec/firefox-errors.js';
import { originOf } from '../model/origin.js';
import type { Finding, ReportExchange } from '../report/types.js';
import { MemoTable } from '../model/memo.js';
import { routeTemplate } from './route.js';
import { combinedInServerFix } from './servers.js';
import { wasRechecked } from '../fixes/what-if.js';

/** Which response a problem is about. */
export type ProblemResponse = 'preflight' | 'actual' | 'redirect' | 'exchange';

export interface ProblemFix {
  readonly target: FixTarget;
  /** The header lines every affected response needs; Allow-Origin echoes the request's Origin when it is one of `allowOrigins`. */
  readonly headers: readonly HeaderPatch[];
  /** The status the preflight (OPTIONS) response needs, when the problem is its status. */
  readonly status?: number;
  readonly summary: string;
  /** The page origins the server must allow (one Allow-Origin value per request: echo the allowed one). */
  readonly allowOrigins: readonly string[];
  /** Stack snippets of the first affected exchange (filled with its values; see `note` for more origins). */
  readonly snippets: readonly FixSnippet[];
  /**
   * The what-if re-check over the affected exchanges (`of`): how many were re-checked at all (the others' notes
   * say why not), and how many of those pass it with their fixes applied — every CORS check, and for a warning
   * the finding no longer raised.
   */
  readonly verified: { readonly passing: number; readonly of: number; readonly rechecked: number };
  /** One sentence on the re-check and on what the snippet does not show. */
  readonly note: string;
}

export interface Problem {
  /** Stable across runs and captures for the same cause: "p-" and 16 hex digits. */
  readonly id: string;
  readonly severity: Severity;
  readonly category: FindingCategory;
  readonly rule: RuleId;
  readonly reason: string;
  /** One line: what is wrong, and where. */
  readonly title: string;
  /** The origin of the server that must change. */
  readonly server: string;
  readonly response: ProblemResponse;
  /** Route templates (":id" for item segments), most requests first. */
  readonly routes: readonly string[];
  readonly methods: readonly string[];
  /** The kinds of request affected ("font (@font-face, …)", "EventSource"…), most frequent first; empty when unknown. */
  readonly requestKinds: readonly string[];
  readonly initiatorOrigins: readonly string[];
  /** The affected exchanges' ids, in capture order. */
  readonly exchanges: readonly string[];
  readonly count: number;
  /** How many of them Chromium blocked with this problem's error (the first error it met): fix these first. */
  readonly blocking: number;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly corsErrors: readonly CorsError[];
  /** Firefox's reason keys for it, when the report judges for Firefox (else empty). */
  readonly firefoxErrors: readonly FirefoxCorsError[];
  /** Null when no response header change fixes it (the finding's noServerFix says why). */
  readonly fix: ProblemFix | null;
  readonly noServerFix: string | null;
  /** One affected exchange's message, for the explanation. */
  readonly example: string;
}

const LIST_HEADERS: ReadonlySet<string> = new Set([
  'access-control-allow-methods', 'access-control-allow-headers', 'access-control-expose-headers', 'vary',
]);

function responseOf(label: string): ProblemResponse {
  if (label === 'exchange') return 'exchange';
  if (label.startsWith('preflight')) return 'preflight';
  if (label.startsWith('redirect')) return 'redirect';
  return 'actual';
}

/** The fix with what differs between the affected exchanges (the page's origin, method and header lists) abstracted. */
function fixShape(finding: Pick<Finding, 'fix' | 'noServerFix'>, initiatorOrigin: string | null): string {
  const { fix } = finding;
  if (fix === null) return `none:${finding.noServerFix ?? ''}`;
  const headers = fix.headers.map((patch) => {
    const name = patch.name.toLowerCase();
    const value = patch.value === null ? '' : LIST_HEADERS.has(name) ? '{list}' : patch.value === initiatorOrigin ? '{origin}' : patch.value;
    return `${patch.action} ${name}: ${value}`;
  });
  return `${fix.target}|${fix.status ?? ''}|${headers.join('\n')}`;
}

/** FNV-1a, twice with different seeds: 64 bits of a short key, ample for the few dozen problems of a capture. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193 + 2);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The server a finding's change belongs to: the origin of the response it is about. */
function serverOf(url: string): string {
  return originOf(url) ?? url;
}

/** The id of the problem a finding belongs to (report/builder.ts stores it on the finding). */
export function problemIdOf(finding: Omit<Finding, 'problem'>, initiatorOrigin: string | null): string {
  const key = [finding.category, finding.severity, serverOf(finding.url), responseOf(finding.response), finding.rule, finding.reason, fixShape(finding, initiatorOrigin)];
  return `p-${hash(key.join('\u0000'))}`;
}

/** One exchange's part in a problem. */
interface Member {
  readonly exchange: ReportExchange;
  readonly finding: Finding;
  /** Where the member sits in the capture (problems list their exchanges in this order). */
  readonly order: number;
  readonly route: string;
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/**
 * How often each value occurs among a problem's members, kept as members come and go. Values with the same key
 * count as one (header names and Vary tokens are case-insensitive) and show as first seen.
 */
class Tally {
  private readonly counts = new Map<string, { value: string; count: number }>();

  constructor(private readonly keyOf: (value: string) => string = (value) => value) {}

  add(value: string | null): void {
    if (value === null) return;
    const key = this.keyOf(value);
    const known = this.counts.get(key);
    if (known === undefined) this.counts.set(key, { value, count: 1 });
    else known.count++;
  }

  remove(value: string | null): void {
    if (value === null) return;
    const key = this.keyOf(value);
    const known = this.counts.get(key);
    if (known === undefined) return;
    if (--known.count === 0) this.counts.delete(key);
  }

  /** Most frequent first (ties in first-seen order). */
  byFrequency(): string[] {
    return [...this.counts.values()].sort((a, b) => b.count - a.count).map((item) => item.value);
  }

  sorted(): string[] {
    return [...this.counts.values()].map((item) => item.value).sort();
  }
}

const lowerCase = (value: string): string => value.toLowerCase();

function listItems(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** A problem's members and running tallies: a member's arrival or departure costs its own fields, not a regrouping. */
class Accumulator {
  readonly members = new Map<string, Member>();
  /**
   * The members' exchange ids in capture order, and their places (`orders`, ascending): kept sorted as members
   * come and go, so that a live session's update copies the list instead of sorting and mapping every member
   * (bench/live-session.ts: that was a third of an update's CPU at 100k requests). Members mostly arrive in
   * capture order (a push); one that does not goes after the members with the same place, as a stable sort would
   * put it.
   */
  private readonly ids: string[] = [];
  private readonly orders: number[] = [];
  readonly routes = new Tally();
  readonly methods = new Tally();
  readonly origins = new Tally();
  readonly errors = new Tally();
  readonly firefoxErrors = new Tally();
  readonly kinds = new Tally();
  /** The earliest and latest start (ISO strings order by time); recomputed only when one of them leaves. */
  private first: string | null = null;
  private last: string | null = null;
  private seenStale = false;
  /** The items of each list header (methods, headers, Vary, Expose-Headers) the members' fixes ask for. */
  readonly lists = new Map<string, Tally>();
  passing = 0;
  rechecked = 0;
  blocking = 0;

  /**
   * `server` and `combined` are the same for every member (the problem's id hashes the server, the severity and
   * the fix's target): the server whose configuration (problems/servers.ts) combines this problem, if it does.
   */
  constructor(readonly server: string, readonly combined: boolean) {}

  add(member: Member): void {
    this.members.set(member.exchange.id, member);
    const { order } = member;
    const last = this.orders.length - 1;
    if (last < 0 || order >= (this.orders[last] as number)) {
      this.ids.push(member.exchange.id);
      this.orders.push(order);
    } else {
      const position = this.placeAfter(order);
      this.ids.splice(position, 0, member.exchange.id);
      this.orders.splice(position, 0, order);
    }
    this.count(member, 1);
  }

  remove(exchangeId: string): void {
    const member = this.members.get(exchangeId);
    if (member === undefined) return;
    this.members.delete(exchangeId);
    // The member sits among those with its place: search back from the first after them.
    let position = this.placeAfter(member.order) - 1;
    while (position >= 0 && this.ids[position] !== exchangeId) position--;
    if (position >= 0) {
      this.ids.splice(position, 1);
      this.orders.splice(position, 1);
    }
    this.count(member, -1);
  }

  /** Binary search: the position after every member placed at or before `order`. */
  private placeAfter(order: number): number {
    let low = 0;
    let high = this.orders.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.orders[middle] as number) <= order) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private count(member: Member, sign: 1 | -1): void {
    const change = (tally: Tally, value: string | null) => (sign === 1 ? tally.add(value) : tally.remove(value));
    change(this.routes, member.route);
    change(this.methods, member.exchange.method);
    change(this.origins, member.exchange.initiatorOrigin);
    change(this.errors, member.finding.corsError);
    change(this.firefoxErrors, member.finding.firefoxError);
    change(this.kinds, member.exchange.requestKind?.label ?? null);
    const started = member.exchange.startedDateTime;
    if (started !== null && sign === 1) {
      if (this.first === null || started < this.first) this.first = started;
      if (this.last === null || started > this.last) this.last = started;
    } else if (started !== null && (started === this.first || started === this.last)) {
      this.seenStale = true;
    }
    if (member.finding.fix?.verifies === true) this.passing += sign;
    if (member.finding.fix !== null && wasRechecked(member.finding.fix.whatIf)) this.rechecked += sign;
    if (member.finding.corsError !== null && member.finding.corsError === member.exchange.corsError) this.blocking += sign;
    for (const patch of member.finding.fix?.headers ?? []) {
      const name = patch.name.toLowerCase();
      if (!LIST_HEADERS.has(name) || patch.value === null) continue;
      let tally = this.lists.get(name);
      // Method names are case-sensitive (Chromium 156); header names and Vary tokens are not.
      if (tally === undefined) this.lists.set(name, (tally = name === 'access-control-allow-methods' ? new Tally() : new Tally(lowerCase)));
      for (const item of listItems(patch.value)) change(tally, item);
    }
  }

  /** The first and last start among the members. */
  seen(): { readonly first: string | null; readonly last: string | null } {
    if (this.seenStale) {
      this.first = null;
      this.last = null;
      for (const { exchange } of this.members.values()) {
        const started = exchange.startedDateTime;
        if (started === null) continue;
        if (this.first === null || started < this.first) this.first = started;
        if (this.last === null || started > this.last) this.last = started;
      }
      this.seenStale = false;
    }
    return { first: this.first, last: this.last };
  }

  /** The member first in capture order (it stands for the problem: its finding, fix and message). */
  firstMember(): Member {
    return this.members.get(this.ids[0] as string) as Member;
  }

  /** The members' exchange ids in capture order (a copy: a report's problem keeps it). */
  exchangeIds(): string[] {
    return this.ids.slice();
  }
}

/**
 * The problems of a set of exchanges, kept up to date as exchanges are added, replaced or removed (the live
 * session replaces only the exchanges a new entry touched). A problem is assembled again only when its members
 * changed, from running tallies.
 */
export class ProblemIndex {
  private readonly accumulators = new Map<string, Accumulator>();
  private readonly problemsOfExchange = new Map<string, readonly string[]>();
  private readonly built = new Map<string, Problem>();
  private readonly dirty = new Set<string>();
  /** A live capture asks for the same few URLs' routes again and again. */
  private readonly routes = new MemoTable(2_048, routeTemplate);
  /**
   * Per server, each exchange of the problems its configuration combines, with how many of them name it: the
   * configuration's exchange count (ServerFix.exchanges) without collecting every id again at each update.
   */
  private readonly combined = new Map<string, Map<string, number>>();

  /** Adds the exchange, or replaces the one with its id; `order` is its place in the capture. */
  set(exchange: ReportExchange, order: number): void {
    this.delete(exchange.id);
    const ids: string[] = [];
    for (const finding of exchange.findings) {
      // One member per exchange and problem: the first finding stands for the others (same rule, reason and fix).
      if (ids.includes(finding.problem)) continue;
      let accumulator = this.accumulators.get(finding.problem);
      if (accumulator === undefined) this.accumulators.set(finding.problem, (accumulator = new Accumulator(serverOf(finding.url), combinedInServerFix(finding))));
      accumulator.add({ exchange, finding, order, route: this.routes.get(finding.url) });
      if (accumulator.combined) this.countCombined(accumulator.server, exchange.id, 1);
      ids.push(finding.problem);
      this.dirty.add(finding.problem);
    }
    if (ids.length > 0) this.problemsOfExchange.set(exchange.id, ids);
  }

  delete(exchangeId: string): void {
    const ids = this.problemsOfExchange.get(exchangeId);
    if (ids === undefined) return;
    this.problemsOfExchange.delete(exchangeId);
    for (const id of ids) {
      const accumulator = this.accumulators.get(id);
      accumulator?.remove(exchangeId);
      if (accumulator?.combined === true) this.countCombined(accumulator.server, exchangeId, -1);
      if (accumulator !== undefined && accumulator.members.size === 0) this.accumulators.delete(id);
      this.dirty.add(id);
    }
  }

  private countCombined(server: string, exchangeId: string, change: 1 | -1): void {
    let counts = this.combined.get(server);
    if (counts === undefined) this.combined.set(server, (counts = new Map()));
    const count = (counts.get(exchangeId) ?? 0) + change;
    if (count > 0) counts.set(exchangeId, count);
    else counts.delete(exchangeId);
  }

  /** How many exchanges the problems that `server`'s configuration combines name (each once): see serverFixesOf. */
  combinedExchanges(server: string): number {
    return this.combined.get(server)?.size ?? 0;
  }

  /** Every problem: most severe first, then those behind Chromium's named errors, then by how many exchanges each affects. */
  problems(): Problem[] {
    for (const id of this.dirty) {
      const accumulator = this.accumulators.get(id);
      if (accumulator === undefined) this.built.delete(id);
      else this.built.set(id, buildProblem(id, accumulator));
    }
    this.dirty.clear();
    return [...this.built.values()].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.blocking - a.blocking || b.count - a.count || a.title.localeCompare(b.title));
  }
}

/** The problems of a report's exchanges, in one go (exchanges in capture order). */
export function problemsOf(exchanges: readonly ReportExchange[]): Problem[] {
  const index = new ProblemIndex();
  for (let i = 0; i < exchanges.length; i++) index.set(exchanges[i] as ReportExchange, i);
  return index.problems();
}

function buildProblem(id: string, accumulator: Accumulator): Problem {
  const { finding } = accumulator.firstMember();
  const server = serverOf(finding.url);
  const routes = accumulator.routes.byFrequency();
  const initiatorOrigins = accumulator.origins.sorted();
  const seen = accumulator.seen();
  const meta = RULES[finding.rule].meta;
  const where = routes.length === 1 ? `${server}${routes[0]}` : `${server} (${routes.length} routes)`;
  return {
    id,
    severity: finding.severity,
    category: finding.category,
    rule: finding.rule,
    reason: finding.reason,
    title: `${meta.failureTitle} — ${where}`,
    server,
    response: responseOf(finding.response),
    routes,
    methods: accumulator.methods.byFrequency(),
    requestKinds: accumulator.kinds.byFrequency(),
    initiatorOrigins,
    exchanges: accumulator.exchangeIds(),
    count: accumulator.members.size,
    blocking: accumulator.blocking,
    firstSeen: seen.first,
    lastSeen: seen.last,
    corsErrors: accumulator.errors.byFrequency() as CorsError[],
    firefoxErrors: accumulator.firefoxErrors.byFrequency() as FirefoxCorsError[],
    fix: consolidatedFix(finding.fix, accumulator, initiatorOrigins, finding.response === 'exchange'),
    noServerFix: finding.noServerFix,
    example: finding.message,
  };
}

/**
 * The problem's re-check in one sentence: the fix of a check on one response must let the requests through; the
 * fix of an exchange-level finding (most warnings) must also clear the finding (fixes/what-if.ts).
 */
function recheckNote(first: NonNullable<Finding['fix']>, passing: number, rechecked: number, of: number, exchangeLevel: boolean): string {
  if (rechecked === 0) return first.whatIf;
  const outcome = exchangeLevel ? 'no longer raise this finding' : 'pass every CORS check';
  if (rechecked === of) return `Re-checked on each affected exchange with its fixes applied: ${passing} of ${of} ${outcome}.`;
  return `Re-checked on ${rechecked} of the ${of} affected exchanges with their fixes applied (the others' notes say why not): ${passing} ${outcome}.`;
}

/**
 * One fix for every affected exchange: the first member's header lines with list headers (methods, headers,
 * Vary, Expose-Headers) united over all members, and Allow-Origin echoing any of the page origins seen.
 */
function consolidatedFix(first: Finding['fix'], accumulator: Accumulator, initiatorOrigins: readonly string[], exchangeLevel: boolean): ProblemFix | null {
  if (first === null) return null;
  const { passing, rechecked } = accumulator;
  const of = accumulator.members.size;
  const lists = new Map([...accumulator.lists.entries()].map(([name, tally]) => [name, tally.byFrequency()] as const));
  const echoesOrigin = first.headers.some((patch) => patch.name.toLowerCase() === 'access-control-allow-origin' && patch.value !== null && initiatorOrigins.includes(patch.value));
  const allowOrigins = echoesOrigin ? initiatorOrigins : [];
  const headers = first.headers.map((patch): HeaderPatch => {
    const list = lists.get(patch.name.toLowerCase());
    return list === undefined ? patch : { ...patch, value: list.join(', ') };
  });
  // The first member's summary names its own values; a fix that now covers more says its merged lines instead.
  const merged = headers.some((patch, position) => patch.value !== first.headers[position]?.value);
  const originNote = allowOrigins.length > 1
    ? ` Allow-Origin must echo the request's Origin when it is one of ${allowOrigins.join(', ')} (one value per response, with Vary: Origin); the snippet shows ${allowOrigins[0]}, add the others to its allow-list.`
    : '';
  return {
    target: first.target,
    headers,
    ...(first.status === undefined ? {} : { status: first.status }),
    summary: merged ? `On ${first.target === 'all-responses' ? 'every' : `the ${first.target}`} response, send: ${headers.map((patch) => (patch.action === 'remove' ? `no ${patch.name}` : `${patch.name}: ${patch.value ?? ''}`)).join('; ')}.` : first.summary,
    allowOrigins,
    snippets: first.snippets,
    verified: { passing, of, rechecked },
    note: `${recheckNote(first, passing, rechecked, of, exchangeLevel)}${originNote}`,
  };
}
