import { MemoTable } from './memo.js';

/**
 * Header lists as HAR gives them: ordered, names in whatever case the server sent, duplicate lines kept
 * as separate fields. Lookups are case-insensitive; combining follows Chromium (lines joined by ", ").
 */
export interface HeaderField {
  readonly name: string;
  /** Lower-cased once at normalization so lookups never re-case. */
  readonly lowerName: string;
  readonly value: string;
}

export type HeaderList = readonly HeaderField[];

// These three run several times per header list and entry, so they use plain indexed loops: no iterator,
// no callback, and no array when a header appears at most once (the usual case).

export function headerValues(headers: HeaderList, lowerName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i] as HeaderField;
    if (field.lowerName === lowerName) values.push(field.value);
  }
  return values;
}

/** The combined value Chromium's HttpResponseHeaders::GetNormalizedHeader gives the CORS checks, or null. */
export function combinedHeader(headers: HeaderList, lowerName: string): string | null {
  let combined: string | null = null;
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i] as HeaderField;
    if (field.lowerName === lowerName) combined = combined === null ? field.value : `${combined}, ${field.value}`;
  }
  return combined;
}

export function hasHeader(headers: HeaderList, lowerName: string): boolean {
  for (let i = 0; i < headers.length; i++) if ((headers[i] as HeaderField).lowerName === lowerName) return true;
  return false;
}

/** RFC 9110 tchar. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

export type TokenListParse =
  | { readonly ok: true; readonly tokens: readonly string[] }
  | { readonly ok: false; readonly invalidItem: string };

/**
 * Parses a comma-separated list of tokens the way Chromium's ParseAccessControlAllowList does
 * (net::HttpUtil::ValuesIterator: trims spaces and tabs, skips empty items, every item must be a token).
 */
export function parseTokenList(value: string, memo: HeaderListMemo | null = null): TokenListParse {
  return memo === null ? tokenListOf(value) : memo.tokenLists.get(value);
}

function tokenListOf(value: string): TokenListParse {
  const tokens: string[] = [];
  for (const rawItem of value.split(',')) {
    const item = rawItem.replace(/^[ \t]+|[ \t]+$/g, '');
    if (item === '') continue;
    if (!isToken(item)) return { ok: false, invalidItem: item };
    tokens.push(item);
  }
  return { ok: true, tokens };
}

/**
 * Comma-separated names, lower-cased, empties dropped (for Access-Control-Request-Headers). The list is shared
 * by every caller with the same value (a capture repeats a few), so it is read-only.
 */
export function splitNameList(value: string, memo: HeaderListMemo | null = null): readonly string[] {
  return memo === null ? nameListOf(value) : memo.nameLists.get(value);
}

function nameListOf(value: string): readonly string[] {
  return value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
}

/**
 * A run's parsed header lists (run-context.ts): a capture repeats the same few Allow-Methods / Allow-Headers /
 * Access-Control-Request-Headers values on every exchange of an API, so each is parsed once and shared (read-only).
 */
export class HeaderListMemo {
  readonly tokenLists = new MemoTable(1_024, tokenListOf);
  readonly nameLists = new MemoTable(1_024, nameListOf);
  readonly cacheDirectives = new MemoTable(1_024, (value) => cacheDirectivesOf(value, this));
}

/** Cache-Control directive names, and the delta-seconds of max-age / s-maxage when present. */
export function parseCacheControl(value: string | null, memo: HeaderListMemo | null = null): ReadonlyMap<string, string | null> {
  return memo === null ? cacheDirectivesOf(value ?? '', null) : memo.cacheDirectives.get(value ?? '');
}

function cacheDirectivesOf(value: string, memo: HeaderListMemo | null): ReadonlyMap<string, string | null> {
  const directives = new Map<string, string | null>();
  for (const item of splitNameList(value, memo)) {
    const [name = '', argument] = item.split('=', 2);
    directives.set(name.trim(), argument === undefined ? null : argument.trim().replace(/^"|"$/g, ''));
  }
  return directives;
}
