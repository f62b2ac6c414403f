import type { HeaderPatch } from '../rules/types.js';
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

/** The combined configuration of each server with blocking problems that a response header change fixes. */
export function serverFixesOf(problems: readonly Problem[]): ServerFix[] {
  const byServer = new Map<string, Problem[]>();
  for (const problem of problems) {
    const fix = problem.fix;
    if (problem.severity !== 'error' || fix === null || fix.target === 'client') continue;
    const list = byServer.get(problem.server);
    if (list === undefined) byServer.set(problem.server, [problem]);
    else list.push(problem);
  }
  const fixes: ServerFix[] = [];
  for (const [server, members] of byServer) {
    const fix = combine(server, members);
    // A server whose problems need no header line and no status (only what the notes say) gets no configuration.
    if (fix.headers.length > 0 || fix.preflightStatus !== null) fixes.push(fix);
  }
  return fixes.sort((a, b) => b.exchanges - a.exchanges || a.server.localeCompare(b.server));
}

function combine(server: string, problems: readonly Problem[]): ServerFix {
  const origins = new Set<string>();
  const pageOrigins = new Set<string>();
  const lists = new Map<string, Map<string, string>>(LIST_HEADERS.map((name) => [name, new Map()]));
  const exchanges = new Set<string>();
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
    for (const id of problem.exchanges) exchanges.add(id);
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
  const headers: HeaderPatch[] = [];
  if (useWildcard) headers.push({ action: 'set', name: NAMES[ALLOW_ORIGIN] as string, value: '*' });
  else if (allowOrigins.length > 0) headers.push({ action: 'set', name: NAMES[ALLOW_ORIGIN] as string, value: allowOrigins[0] as string });
  if (credentials) headers.push({ action: 'set', name: NAMES['access-control-allow-credentials'] as string, value: 'true' });
  for (const name of LIST_HEADERS) {
    const values = [...(lists.get(name)?.values() ?? [])];
    if (values.length > 0) headers.push({ action: 'set', name: NAMES[name] as string, value: values.join(', ') });
  }
  if (maxAge !== null) headers.push({ action: 'set', name: NAMES['access-control-max-age'] as string, value: String(maxAge) });
  if (!useWildcard && allowOrigins.length > 0) headers.push({ action: 'set', name: 'Vary', value: 'Origin' });
  return {
    server,
    problems: problems.map((problem) => problem.id),
    exchanges: exchanges.size,
    routes: [...routes.entries()].sort((a, b) => b[1] - a[1]).map(([route]) => route),
    allowOrigins,
    credentials,
    preflightStatus,
    headers,
    notes,
  };
}

/** "Access-Control-Allow-Origin: the request's Origin when it is one of a, b" — the echo in words. */
export function serverFixLine(fix: ServerFix, patch: HeaderPatch): string {
  if (patch.name.toLowerCase() === ALLOW_ORIGIN && fix.allowOrigins.length > 1) return `${patch.name}: <the request's Origin when it is one of ${fix.allowOrigins.join(', ')}>`;
  return `${patch.name}: ${patch.value ?? ''}`;
}
