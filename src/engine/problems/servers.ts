import { serverSnippetsFor } from '../fixes/index.js';
import { isSafeName, ORIGIN_PLACEHOLDER, safeOrigin, type CorsNeeds } from '../fixes/needs.js';
import { originOf } from '../model/origin.js';
import type { RuleId } from '../rules/registry.js';
import type { FixSnippet, FixTarget, HeaderPatch, Severity } from '../rules/types.js';
import type { ReportExchange } from '../report/types.js';
import { isCorsSafelistedMethod } from '../spec/methods.js';
import type { Problem } from './problems.js';

/**
 * One CORS configuration per server: the header lines of every blocking problem's fix on that server merged into
 * one set, which fixes them all at once — every page origin the capture shows (echoed, never "*" when a request
 * carries credentials, never "null"), every method and request header the page sends, credentials where used,
 * the OPTIONS answer, on every response including errors and redirects — and nothing the capture does not need.
 */
export interface ServerFix {
  /** The server's origin. */
  readonly server: string;
  /** The blocking problems this configuration fixes, most requests first. */
  readonly problems: readonly string[];
  /** How many exchanges those problems block or affect (each counted once). */
  readonly exchanges: number;
  /** Route templates whose OPTIONS must be answered (preflighted routes), most requests first. */
  readonly routes: readonly string[];
  /** Allow-Origin echoes the request's Origin when it is one of these; empty when the value is "*" for all. */
  readonly allowOrigins: readonly string[];
  /** Access-Control-Allow-Credentials: true is needed. */
  readonly credentials: boolean;
  /** The status OPTIONS must answer with (a missing route, auth before CORS); null when no problem is its status. */
  readonly preflightStatus: number | null;
  /** The header lines for every response of this server (Allow-Origin shows the first allowed origin). */
  readonly headers: readonly HeaderPatch[];
  /** What the merge left out, and why (an Allow-Origin of "null", a header sent twice). */
  readonly notes: readonly string[];
  /**
   * The same configuration as code, one snippet per stack, to use in place of the server's other CORS settings:
   * an allow-list of every page origin the capture shows calling this server (its requests that pass today
   * included, so replacing the old settings locks none of them out), or "*" when none carries credentials and
   * "*" is what the fixes ask for; credentials, methods, request headers, exposed headers and max-age; the
   * OPTIONS answer. Rendered on first read (see fixes/index.ts snippetsFor).
   */
  readonly snippets: readonly FixSnippet[];
}

const ALLOW_ORIGIN = 'access-control-allow-origin';
const LIST_HEADERS = ['access-control-allow-methods', 'access-control-allow-headers', 'access-control-expose-headers'] as const;
/** Header names as the combined configuration writes them. */
const NAMES: Readonly<Record<string, string>> = {
  'access-control-allow-origin': 'Access-Control-Allow-Origin',
  'access-control-allow-credentials': 'Access-Control-Allow-Credentials',
  'access-control-allow-methods': 'Access-Control-Allow-Methods',
  'access-control-allow-headers': 'Access-Control-Allow-Headers',
  'access-control-expose-headers': 'Access-Control-Expose-Headers',
  'access-control-max-age': 'Access-Control-Max-Age',
};

function items(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/**
 * Whether a server's configuration combines this problem: a blocking one that a response header change fixes.
 * Every finding of a problem answers alike (its id hashes the severity and the fix's target), so a finding can ask.
 */
export function combinedInServerFix(problem: { readonly severity: Severity; readonly fix: { readonly target: FixTarget } | null }): boolean {
  return problem.severity === 'error' && problem.fix !== null && problem.fix.target !== 'client';
}

/** How many exchanges a server's combined problems name, each once. */
function distinctExchanges(_server: string, problems: readonly Problem[]): number {
  const exchanges = new Set<string>();
  for (const problem of problems) for (const id of problem.exchanges) exchanges.add(id);
  return exchanges.size;
}

/** Cross-origin requests that ran the CORS protocol (their server must keep allowing them). */
const CORS_KINDS: ReadonlySet<string> = new Set(['simple', 'preflighted']);

/**
 * The combined configuration of each server with blocking problems that a response header change fixes.
 * `exchanges` (the report's) fill the snippets: every page origin, method and request header sent to the server.
 * `exchangesOn` counts a server's exchanges; a live session passes its running count (ProblemIndex), which saves
 * collecting every blocked exchange's id at each update.
 */
export function serverFixesOf(
  problems: readonly Problem[],
  exchanges: readonly ReportExchange[] = [],
  exchangesOn: (server: string, problems: readonly Problem[]) => number = distinctExchanges,
): ServerFix[] {
  // Built on the first snippet read, once for every server.
  let byOrigin: Map<string, ReportExchange[]> | null = null;
  let byId: Map<string, ReportExchange> | null = null;
  const related = (server: string, members: readonly Problem[]): ReportExchange[] => {
    if (byOrigin === null) {
      byOrigin = new Map();
      for (let i = 0; i < exchanges.length; i++) {
        const exchange = exchanges[i] as ReportExchange;
        if (!CORS_KINDS.has(exchange.kind)) continue;
        const origin = originOf(exchange.url) ?? exchange.url;
        const list = byOrigin.get(origin);
        if (list === undefined) byOrigin.set(origin, [exchange]);
        else list.push(exchange);
      }
    }
    const own = byOrigin.get(server) ?? [];
    // A redirected request's problem can be on another server than its first URL's: add the problem's own exchanges.
    byId ??= new Map(exchanges.map((exchange) => [exchange.id, exchange]));
    const extra: ReportExchange[] = [];
    const ids = new Set(members.flatMap((problem) => problem.exchanges));
    for (const id of ids) {
      const exchange = byId.get(id);
      if (exchange !== undefined && (originOf(exchange.url) ?? exchange.url) !== server) extra.push(exchange);
    }
    return [...own, ...extra];
  };
  const byServer = new Map<string, Problem[]>();
  for (const problem of problems) {
    if (!combinedInServerFix(problem)) continue;
    const list = byServer.get(problem.server);
    if (list === undefined) byServer.set(problem.server, [problem]);
    else list.push(problem);
  }
  const fixes: ServerFix[] = [];
  for (const [server, members] of byServer) {
    const fix = combine(server, members, exchangesOn(server, members), related);
    // A server whose problems need no header line and no status (only what the notes say) gets no configuration.
    if (fix.headers.length > 0 || fix.preflightStatus !== null) fixes.push(fix);
  }
  return fixes.sort((a, b) => b.exchanges - a.exchanges || a.server.localeCompare(b.server));
}

function combine(server: string, problems: readonly Problem[], exchanges: number, related: (server: string, members: readonly Problem[]) => ReportExchange[]): ServerFix {
  const origins = new Set<string>();
  const pageOrigins = new Set<string>();
  const lists = new Map<string, Map<string, string>>(LIST_HEADERS.map((name) => [name, new Map()]));
  const routes = new Map<string, number>();
  const notes: string[] = [];
  let credentials = false;
  let wildcard = false;
  let nullOrigin = false;
  let removedDuplicates = false;
  let preflightStatus: number | null = null;
  let maxAge: number | null = null;
  for (const problem of problems) {
    const fix = problem.fix;
    if (fix === null) continue;
    // Whatever Allow-Origin the configuration ends up with must still let every page that hit this server in.
    for (const origin of problem.initiatorOrigins) if (origin !== 'null') pageOrigins.add(origin);
    if (problem.response === 'preflight') for (const route of problem.routes) routes.set(route, (routes.get(route) ?? 0) + problem.count);
    if (fix.status !== undefined) preflightStatus = fix.status;
    for (const origin of fix.allowOrigins) origins.add(origin);
    for (const patch of fix.headers) {
      const name = patch.name.toLowerCase();
      if (patch.action === 'remove' || patch.value === null) {
        removedDuplicates ||= name.startsWith('access-control-');
        continue;
      }
      if (name === ALLOW_ORIGIN) {
        if (patch.value === '*') wildcard = true;
        else if (patch.value === 'null') nullOrigin = true;
        else if (fix.allowOrigins.length === 0) origins.add(patch.value);
      } else if (name === 'access-control-allow-credentials') {
        credentials ||= patch.value.trim() === 'true';
      } else if (name === 'access-control-max-age') {
        const seconds = Number(patch.value);
        if (Number.isFinite(seconds)) maxAge = Math.max(maxAge ?? 0, seconds);
      } else {
        const list = lists.get(name);
        // Methods compare case-sensitively (Chromium 156, Firefox 153); header names do not.
        if (list !== undefined) for (const item of items(patch.value)) list.set(name === 'access-control-allow-methods' ? item : item.toLowerCase(), item);
      }
    }
  }
  // "*" only where every fix asks for it and no request carries credentials; otherwise the origins, echoed.
  const useWildcard = wildcard && origins.size === 0 && !credentials;
  const allowOrigins = useWildcard ? [] : [...new Set([...origins, ...pageOrigins])].sort();
  if (nullOrigin) notes.push('Allow-Origin "null" is left out: a request sends Origin: null after a cross-origin redirect (or from a sandboxed page), and allowing "null" lets any sandboxed page in; request the final URL instead of redirecting.');
  if (removedDuplicates) notes.push('Send each Access-Control-* header once: where a proxy and the application both add one, configure it in one place.');
  if (wildcard && !useWildcard) notes.push(`"*" is not used: ${credentials ? 'some requests carry credentials' : 'other problems need named origins'}, so Allow-Origin echoes the allowed origins.`);
  const listItems = (name: string): string[] => [...(lists.get(name)?.values() ?? [])];
  const rules = [...new Set(problems.map((problem) => problem.rule))];
  const needsOf = (): CorsNeeds => serverNeeds({
    server, problems, exchanges: related(server, problems), wildcard: useWildcard, allowOrigins, credentials, preflightStatus, maxAge, routes: routes.size,
    methods: listItems('access-control-allow-methods'), allowHeaders: listItems('access-control-allow-headers'), exposeHeaders: listItems('access-control-expose-headers'), rules,
  });
  const headers: HeaderPatch[] = [];
  if (useWildcard) headers.push({ action: 'set', name: NAMES[ALLOW_ORIGIN] as string, value: '*' });
  else if (allowOrigins.length > 0) headers.push({ action: 'set', name: NAMES[ALLOW_ORIGIN] as string, value: allowOrigins[0] as string });
  if (credentials) headers.push({ action: 'set', name: NAMES['access-control-allow-credentials'] as string, value: 'true' });
  for (const name of LIST_HEADERS) {
    const values = listItems(name);
    if (values.length > 0) headers.push({ action: 'set', name: NAMES[name] as string, value: values.join(', ') });
  }
  if (maxAge !== null) headers.push({ action: 'set', name: NAMES['access-control-max-age'] as string, value: String(maxAge) });
  if (!useWildcard && allowOrigins.length > 0) headers.push({ action: 'set', name: 'Vary', value: 'Origin' });
  return {
    server,
    problems: problems.map((problem) => problem.id),
    exchanges,
    routes: [...routes.entries()].sort((a, b) => b[1] - a[1]).map(([route]) => route),
    allowOrigins,
    credentials,
    preflightStatus,
    headers,
    notes,
    snippets: serverSnippetsFor(problems[0]?.rule ?? 'missing-allow-origin', rules, needsOf),
  };
}

interface ServerFacts {
  readonly server: string;
  readonly problems: readonly Problem[];
  /** Every cross-origin request to the server in the capture (and its problems' requests). */
  readonly exchanges: readonly ReportExchange[];
  /** The merged lines say "*" for every page. */
  readonly wildcard: boolean;
  readonly allowOrigins: readonly string[];
  readonly credentials: boolean;
  readonly preflightStatus: number | null;
  readonly maxAge: number | null;
  readonly routes: number;
  readonly methods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly rules: readonly RuleId[];
}

/**
 * What the server's one configuration must allow, as fix packs read it: the merged lines, plus everything the
 * capture shows the pages send this server — since the snippet replaces the server's CORS settings, what
 * passes today (another page's origin, a method the old settings allowed, credentials) must stay allowed.
 */
function serverNeeds(facts: ServerFacts): CorsNeeds {
  const { exchanges } = facts;
  const credentials = facts.credentials || exchanges.some((exchange) => exchange.credentials.mode === 'include');
  const origins = new Set<string>();
  for (const origin of facts.allowOrigins) if (safeOrigin(origin) !== null) origins.add(origin);
  for (const exchange of exchanges) {
    const origin = safeOrigin(exchange.initiatorOrigin);
    if (origin !== null) origins.add(origin);
  }
  const methods = new Set<string>(facts.methods);
  const allowHeaders = new Set<string>(facts.allowHeaders.map((name) => name.toLowerCase()));
  let preflighted = facts.preflightStatus !== null || facts.routes > 0;
  for (const exchange of exchanges) {
    if (exchange.kind === 'preflighted') {
      preflighted = true;
      methods.add(exchange.method);
    }
    for (const reason of exchange.preflight.reasons) {
      if (reason.kind === 'method') methods.add(reason.method);
      else if (reason.kind === 'header') allowHeaders.add(reason.name.toLowerCase());
    }
  }
  // An error response without CORS headers (its own finding says which status): stacks whose error path skips
  // the CORS layer (FastAPI) add what keeps the headers on it.
  let errorStatus: number | null = null;
  for (const exchange of exchanges) {
    for (const finding of exchange.findings) {
      const status = finding.rule === 'error-response-without-cors' ? /^status (\d{3})/.exec(finding.observed ?? '')?.[1] : undefined;
      if (status !== undefined && errorStatus === null) errorStatus = Number(status);
    }
  }
  const methodList = [...methods].filter((method) => isSafeName(method) && !isCorsSafelistedMethod(method));
  const headerList = [...allowHeaders].filter(isSafeName).sort();
  const exposeList = facts.exposeHeaders.filter(isSafeName);
  // "*" only where the merged lines say so and nothing the capture shows carries credentials.
  const anyOrigin = facts.wildcard && !credentials;
  const list = anyOrigin ? [] : [...origins].sort();
  const placeholder = !anyOrigin && list.length === 0;
  const apiOrigin = safeOrigin(facts.server) ?? 'https://api.example';
  const count = facts.problems.length;
  return {
    origin: placeholder ? ORIGIN_PLACEHOLDER : (list[0] ?? '*'),
    originIsPlaceholder: placeholder,
    origins: placeholder ? [ORIGIN_PLACEHOLDER] : list,
    credentials,
    methods: methodList,
    allowHeaders: headerList,
    exposeHeaders: exposeList,
    maxAge: facts.maxAge,
    preflight: preflighted || methodList.length > 0 || headerList.length > 0,
    preflightStatus: facts.preflightStatus,
    errorStatus,
    redirectStatus: null,
    method: 'GET',
    path: '/',
    apiOrigin,
    cleanLocation: null,
    rules: facts.rules,
    serverNote: `One configuration for ${apiOrigin}, in place of its other CORS settings: it fixes its ${count} blocking ${count === 1 ? 'problem' : 'problems'} (${facts.rules.join(', ')}) and keeps every request the capture shows passing, on every response (errors included)${preflighted ? ', and answers OPTIONS with 204 before authentication and routing' : ''}.`,
  };
}

/** "Access-Control-Allow-Origin: the request's Origin when it is one of a, b" — the echo in words. */
export function serverFixLine(fix: ServerFix, patch: HeaderPatch): string {
  if (patch.name.toLowerCase() === ALLOW_ORIGIN && fix.allowOrigins.length > 1) return `${patch.name}: <the request's Origin when it is one of ${fix.allowOrigins.join(', ')}>`;
  return `${patch.name}: ${patch.value ?? ''}`;
}
