import type { Exchange, Step } from '../model/exchange.js';
import { parseTokenList } from '../model/headers.js';
import { parseUrl } from '../model/origin.js';
import { isCorsSafelistedMethod } from '../spec/methods.js';
import type { RuleId } from '../rules/registry.js';
import { patchedHeader } from './what-if.js';

/**
 * What a server configuration must do for this exchange to pass, filled from the capture. Every string here
 * is safe to paste into any stack's code: the origin is a serialized http(s) origin and names are tokens
 * (anything else from the capture is replaced by a placeholder), so no snippet needs escaping beyond quotes.
 */
export interface CorsNeeds {
  /** The exact origin to allow, e.g. "https://app.example". */
  readonly origin: string;
  /** True when the capture's origin could not be used and `origin` is a placeholder. */
  readonly originIsPlaceholder: boolean;
  /** The request is sent with cookies or HTTP auth: Allow-Credentials: true, and never "*". */
  readonly credentials: boolean;
  /** Methods to list in Access-Control-Allow-Methods (as sent: case matters). Empty when only GET/HEAD/POST. */
  readonly methods: readonly string[];
  /** Header names to list in Access-Control-Allow-Headers, lower case. */
  readonly allowHeaders: readonly string[];
  /** The request is preflighted: OPTIONS must be answered 2xx with the headers, before auth and routing. */
  readonly preflight: boolean;
  /** The preflight status the server gave, when it was not 2xx (401, 404, 405, 500, 3xx…). */
  readonly preflightStatus: number | null;
  /** The status of the checked actual response when it is an error (4xx/5xx): those need the headers too. */
  readonly errorStatus: number | null;
  /** The status of a redirect the browser checked (it needs the headers too). */
  readonly redirectStatus: number | null;
  /** The actual request's method and URL path (for route-scoped snippets). */
  readonly method: string;
  readonly path: string;
  /** The request URL's origin (the API), for comments. */
  readonly apiOrigin: string;
  /** For redirect-contains-credentials: the Location to send instead. */
  readonly cleanLocation: string | null;
  /** Every rule that failed on this exchange (a snippet names the traps of each). */
  readonly rules: readonly RuleId[];
  /**
   * A server's one configuration (problems/servers.ts) instead of one exchange's: every page origin to allow,
   * an allow-list whose first entry is `origin` — empty when "*" is right (no credentials). Absent for one
   * exchange's fix, which allows `origin` alone (the snippets render exactly as before).
   */
  readonly origins?: readonly string[];
  /** Header names to list in Access-Control-Expose-Headers (server configurations only; absent or empty: none). */
  readonly exposeHeaders?: readonly string[];
  /** Access-Control-Max-Age in seconds (server configurations only; absent or null: the stack's default). */
  readonly maxAge?: number | null;
  /** For a server configuration: the sentence that replaces the rule's note (which problems it fixes). */
  readonly serverNote?: string;
}

/** The origins a snippet allows: the server's allow-list, else the exchange's one origin. Empty: "*". */
export function allowedOrigins(needs: CorsNeeds): readonly string[] {
  return needs.origins ?? [needs.origin];
}

/** True when the snippet must allow several origins (echo the request's Origin when it is listed). */
export function hasOriginList(needs: CorsNeeds): boolean {
  return allowedOrigins(needs).length > 1;
}

/** True when Allow-Origin is "*" (a server configuration without credentials and without named origins). */
export function allowsAnyOrigin(needs: CorsNeeds): boolean {
  return allowedOrigins(needs).length === 0;
}

/** Expose-Headers names (empty unless a server configuration needs them). */
export function exposeHeadersOf(needs: CorsNeeds): readonly string[] {
  return needs.exposeHeaders ?? [];
}

/** Max-Age seconds, or null (only server configurations carry one). */
export function maxAgeOf(needs: CorsNeeds): number | null {
  return needs.maxAge ?? null;
}

/** Header and method names that are safe inside any quoted string of any stack (no quotes, $, backslash). */
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

export function isSafeName(value: string): boolean {
  return SAFE_NAME.test(value);
}

export const ORIGIN_PLACEHOLDER = 'https://your-page.example';

const SERIALIZED_ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

export function safeOrigin(value: string | null): string | null {
  return value !== null && SERIALIZED_ORIGIN.test(value) ? value : null;
}

function tokens(value: string | null): string[] {
  if (value === null) return [];
  const parsed = parseTokenList(value);
  return parsed.ok ? parsed.tokens.filter((token) => token !== '*') : [];
}

function unique(values: readonly string[], caseInsensitive: boolean): string[] {
  const seen = new Map<string, string>();
  for (const value of values) {
    const key = caseInsensitive ? value.toLowerCase() : value;
    if (!seen.has(key)) seen.set(key, caseInsensitive ? value.toLowerCase() : value);
  }
  return [...seen.values()];
}

function safePath(url: string): string {
  const parsed = parseUrl(url) as { pathname?: string } | null;
  const path = parsed?.pathname ?? '/';
  return /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(path) ? path.replace(/'/g, '%27') : '/';
}

/**
 * Derives the needs from the exchange and its responses after the patch (see what-if.ts), so that a snippet
 * configures exactly the end state the re-check verified.
 */
export function corsNeedsOf(exchange: Exchange, patchedSteps: readonly Step[], cleanLocation: string | null, rules: readonly RuleId[] = []): CorsNeeds {
  const firstChecked = exchange.steps[0];
  const capturedOrigin = firstChecked?.requestOrigin ?? exchange.initiatorOrigin;
  const origin = safeOrigin(capturedOrigin);
  const preflights = patchedSteps.filter((step) => step.kind === 'preflight');
  const requestedMethods = preflights.map((step) => step.requestedMethod).filter((method) => !isCorsSafelistedMethod(method));
  const methods = preflights.length === 0
    ? []
    : unique([...preflights.flatMap((step) => tokens(patchedHeader(step, 'access-control-allow-methods'))), ...requestedMethods], false)
        .filter((method) => isSafeName(method) && !isCorsSafelistedMethod(method));
  const allowHeaders = unique([
    ...preflights.flatMap((step) => tokens(patchedHeader(step, 'access-control-allow-headers'))),
    ...preflights.flatMap((step) => step.requestedHeaders),
  ], true).filter(isSafeName);
  const preflightStatus = preflights
    .map((step) => exchange.steps.find((original) => original.entry.index === step.entry.index)?.entry.response?.status ?? null)
    .find((status) => status !== null && status > 0 && (status < 200 || status > 299)) ?? null;
  const actual = exchange.steps.find((step) => step.kind === 'actual');
  const actualStatus = actual?.entry.response?.status ?? null;
  const redirect = exchange.steps.find((step) => step.kind === 'redirect' && step.corsFlag);
  const apiUrl = parseUrl(exchange.url);
  return {
    origin: origin ?? ORIGIN_PLACEHOLDER,
    originIsPlaceholder: origin === null,
    credentials: exchange.credentials.mode === 'include',
    methods,
    allowHeaders,
    preflight: preflights.length > 0 || exchange.kind === 'preflighted',
    preflightStatus,
    errorStatus: actualStatus !== null && actualStatus >= 400 ? actualStatus : null,
    redirectStatus: redirect?.entry.response?.status ?? null,
    method: isSafeName(exchange.method) ? exchange.method : 'GET',
    path: safePath(exchange.url),
    apiOrigin: safeOrigin(apiUrl === null ? null : `${apiUrl.protocol}//${apiUrl.host}`) ?? 'https://api.example',
    cleanLocation,
    rules: [...new Set(rules)],
  };
}

/** The header lines every CORS response needs, and the extra lines of the preflight response. */
export function responseHeaderLines(needs: CorsNeeds, originValue: string = needs.origin): Array<readonly [string, string]> {
  if (allowsAnyOrigin(needs)) return [['Access-Control-Allow-Origin', '*'], ...exposeLines(needs)];
  return [
    ['Access-Control-Allow-Origin', originValue],
    ...(needs.credentials ? [['Access-Control-Allow-Credentials', 'true'] as const] : []),
    ...exposeLines(needs),
    ['Vary', 'Origin'],
  ];
}

function exposeLines(needs: CorsNeeds): Array<readonly [string, string]> {
  const expose = exposeHeadersOf(needs);
  return expose.length > 0 ? [['Access-Control-Expose-Headers', expose.join(', ')]] : [];
}

export function preflightOnlyHeaderLines(needs: CorsNeeds): Array<readonly [string, string]> {
  const maxAge = maxAgeOf(needs);
  return [
    ...(needs.methods.length > 0 ? [['Access-Control-Allow-Methods', needs.methods.join(', ')] as const] : []),
    ...(needs.allowHeaders.length > 0 ? [['Access-Control-Allow-Headers', needs.allowHeaders.join(', ')] as const] : []),
    ...(maxAge !== null ? [['Access-Control-Max-Age', String(maxAge)] as const] : []),
  ];
}
