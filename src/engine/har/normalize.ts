import { hasHeader, type HeaderField } from '../model/headers.js';
import { MemoTable } from '../model/memo.js';
import { OriginMemo, originOf, parseUrl } from '../model/origin.js';
import { parseHarText } from './parse-text.js';
import type {
  InputError, InputProblem, NormalizedEntry, NormalizedInitiator, NormalizedLog, NormalizedResponse,
} from './types.js';
import { isJsonObject, type JsonObject } from '../model/json.js';
import { NO_PRODUCER, type HarProducer } from '../spec/browsers.js';

/**
 * The only code that knows HAR field names and producer quirks. Accepts the shapes a HAR arrives in:
 * raw file text, `{log: …}` (a saved file), a log object `{entries: …}` (getHAR()), an array of entries,
 * or one entry (onRequestFinished). Optional fields may be missing and wrong types never throw: an entry
 * that cannot be read is reported as a skipped problem with its index.
 */
export type NormalizeResult = { readonly ok: true; readonly log: NormalizedLog } | { readonly ok: false; readonly error: InputError };



function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function fail(message: string, path: string): NormalizeResult {
  return { ok: false, error: { message, path } };
}

/** What normalizing shares across the entries of one run (run-context.ts): header fields and origins. */
export interface NormalizeMemo {
  readonly headerFields: HeaderFieldMemo;
  readonly origins: OriginMemo;
}

/** A run of its own, for callers that normalize outside a diagnosis (redaction, tests). */
const ownMemo = (): NormalizeMemo => ({ headerFields: new HeaderFieldMemo(), origins: new OriginMemo() });

export function normalizeHar(input: unknown, memo: NormalizeMemo = ownMemo()): NormalizeResult {
  if (typeof input === 'string') {
    const parsed = parseHarText(input);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    return normalizeHar(parsed.value, memo);
  }
  if (Array.isArray(input)) return normalizeEntries(input, (index) => `[${index}]`, NO_LOG_PRODUCER, new Map(), memo);
  if (!isJsonObject(input)) return fail(`Expected a HAR object, got ${describe(input)}.`, '');
  if ('log' in input) {
    if (!isJsonObject(input.log)) return fail(`Expected "log" to be an object, got ${describe(input.log)}.`, 'log');
    return normalizeLog(input.log, 'log.', memo);
  }
  if ('entries' in input) return normalizeLog(input, '', memo);
  if ('request' in input) return normalizeEntries([input], () => '', NO_LOG_PRODUCER, new Map(), memo);
  return fail('Not a HAR: expected an object with a "log" property (or a log with "entries").', '');
}

function normalizeLog(log: JsonObject, prefix: string, memo: NormalizeMemo): NormalizeResult {
  const entries = log.entries;
  if (entries === undefined) return fail('The HAR has no "entries" list.', `${prefix}entries`);
  if (!Array.isArray(entries)) return fail(`Expected "entries" to be an array, got ${describe(entries)}.`, `${prefix}entries`);
  return normalizeEntries(entries, prefix === 'log.' ? logEntryPath : (index) => `${prefix}entries[${index}]`, producerOf(log.creator, log.browser), pageUrls(log.pages), memo);
}

/** log.creator and log.browser: the program that wrote the HAR and the browser it recorded (spec/browsers.ts). */
function producerOf(creator: unknown, browser: unknown): LogProducer {
  const browserObject = isJsonObject(browser) ? browser : null;
  return {
    creator: isJsonObject(creator) ? creatorLabel(creator) : null,
    producer: {
      creatorName: isJsonObject(creator) ? stringOrNull(creator.name) : null,
      browserName: browserObject === null ? null : stringOrNull(browserObject.name),
      browserVersion: browserObject === null ? null : stringOrNull(browserObject.version),
    },
  };
}

interface LogProducer {
  readonly creator: string | null;
  readonly producer: HarProducer;
}

const NO_LOG_PRODUCER: LogProducer = { creator: null, producer: NO_PRODUCER };

function creatorLabel(creator: JsonObject): string | null {
  const name = stringOrNull(creator.name);
  if (name === null) return null;
  const version = stringOrNull(creator.version);
  return version !== null && version !== '' ? `${name} ${version}` : name;
}

/** Chromium (and several other producers) put the page URL in pages[].title. */
export function pageUrls(pages: unknown): Map<string, string> {
  const urls = new Map<string, string>();
  if (!Array.isArray(pages)) return urls;
  for (const page of pages) {
    if (!isJsonObject(page)) continue;
    const id = stringOrNull(page.id);
    const title = stringOrNull(page.title);
    if (id === null || title === null || !/^https?:\/\//i.test(title)) continue;
    urls.set(id, title);
  }
  return urls;
}

/**
 * Normalizes a log's entries one at a time, for the streamed reader (har/stream.ts): the result equals what
 * normalizeHar gives for `{log}` holding the same entries, creator and pages.
 */
export class EntryNormalizer {
  private readonly entries: NormalizedEntry[] = [];
  private readonly problems: InputProblem[] = [];
  private count = 0;

  constructor(
    private readonly pages: ReadonlyMap<string, string>,
    private readonly memo: NormalizeMemo = ownMemo(),
  ) {}

  add(item: unknown): void {
    const entry = normalizeEntry(item, new Problems(this.count, logEntryPath, this.problems), this.pages, this.memo);
    this.count++;
    if (entry !== null) this.entries.push(entry);
  }

  finish(creator: unknown, browser: unknown): NormalizedLog {
    return { ...producerOf(creator, browser), entryCount: this.count, entries: this.entries, problems: this.problems };
  }
}

const logEntryPath = (index: number): string => `log.entries[${index}]`;

function normalizeEntries(
  items: readonly unknown[], entryPath: (index: number) => string, { creator, producer }: LogProducer,
  pages: ReadonlyMap<string, string>, memo: NormalizeMemo,
): NormalizeResult {
  const entries: NormalizedEntry[] = [];
  const problems: InputProblem[] = [];
  for (let index = 0; index < items.length; index++) {
    const entry = normalizeEntry(items[index], new Problems(index, entryPath, problems), pages, memo);
    if (entry !== null) entries.push(entry);
  }
  return { ok: true, log: { creator, producer, entryCount: items.length, entries, problems } };
}

/**
 * Records one entry's problems. JSON paths are built only when a problem is recorded: a large capture has
 * hundreds of thousands of entries and almost none of them need a path.
 */
class Problems {
  constructor(
    readonly index: number,
    private readonly entryPath: (index: number) => string,
    private readonly problems: InputProblem[],
  ) {}

  /** The JSON path of `suffix` inside this entry ("" for the entry itself). */
  at(suffix: string): string {
    const path = this.entryPath(this.index);
    if (suffix === '') return path === '' ? '(entry)' : path;
    return path === '' ? suffix : `${path}.${suffix}`;
  }

  skip(suffix: string, message: string): null {
    this.problems.push({ entry: this.index, path: this.at(suffix), message, skipped: true });
    return null;
  }

  note(suffix: string, message: string): void {
    this.problems.push({ entry: this.index, path: this.at(suffix), message, skipped: false });
  }
}

function normalizeEntry(item: unknown, problems: Problems, pages: ReadonlyMap<string, string>, memo: NormalizeMemo): NormalizedEntry | null {
  if (!isJsonObject(item)) return problems.skip('', `Entry is ${describe(item)}, not an object.`);
  const request = item.request;
  if (!isJsonObject(request)) return problems.skip('request', request === undefined ? 'Entry has no request.' : `Expected request to be an object, got ${describe(request)}.`);
  const url = stringOrNull(request.url);
  if (url === null || url === '') return problems.skip('request.url', 'Request has no URL.');
  const method = stringOrNull(request.method);
  if (method === null) problems.note('request.method', 'Request has no method; GET assumed.');

  const startedDateTime = stringOrNull(item.startedDateTime);
  // Date.parse, not a hand-written parser: the builtin is as fast on 100k entries and several times faster
  // before V8 has optimized anything (measured: 2 ms against 5–17 ms for 10k timestamps in a fresh process).
  const parsedMs = startedDateTime === null ? Number.NaN : Date.parse(startedDateTime);
  const pageRef = stringOrNull(item.pageref);
  const requestHeaders = normalizeHeaders(request.headers, 'request.headers', problems, memo.headerFields, memo.headerFields.requestFieldAt);
  const resourceType = stringOrNull(item._resourceType);

  return {
    index: problems.index,
    startedDateTime,
    startedMs: Number.isFinite(parsedMs) ? parsedMs : null,
    timeMs: typeof item.time === 'number' && Number.isFinite(item.time) && item.time >= 0 ? item.time : null,
    request: {
      // Case is kept: fetch() upper-cases only the six standard methods, and Chromium compares the rest exactly.
      method: method === null || method === '' ? 'GET' : method,
      url,
      origin: originOf(url, memo.origins),
      headers: requestHeaders,
    },
    response: normalizeResponse(item.response, url, problems, memo.headerFields),
    resourceType,
    initiator: normalizeInitiator(item._initiator, memo.headerFields),
    pageUrl: pageRef === null ? null : (pages.get(pageRef) ?? null),
    requestHeadersProvisional: resourceType !== null && hasOnlyProvisionalHeaders(item, (name) => hasHeader(requestHeaders, name)),
    eventSourceMessages: Array.isArray(item._eventSourceMessages) ? item._eventSourceMessages.length : null,
  };
}

function normalizeResponse(value: unknown, requestUrl: string, problems: Problems, fields: HeaderFieldMemo): NormalizedResponse | null {
  if (value === undefined || value === null) return null;
  if (!isJsonObject(value)) {
    problems.note('response', `Expected response to be an object, got ${describe(value)}.`);
    return null;
  }
  const status = typeof value.status === 'number' && Number.isFinite(value.status) ? value.status : null;
  if (status === null && value.status !== undefined) problems.note('response.status', `Expected status to be a number, got ${describe(value.status)}.`);
  const redirectText = stringOrNull(value.redirectURL);
  const redirectUrl = redirectText === null || redirectText === '' ? null : (parseUrl(redirectText, requestUrl)?.href ?? null);
  return {
    status,
    headers: normalizeHeaders(value.headers, 'response.headers', problems, fields, fields.responseFieldAt),
    redirectUrl,
    error: typeof value._error === 'string' && value._error !== '' ? value._error : null,
    errorRecorded: '_error' in value,
  };
}

function normalizeInitiator(value: unknown, fields: HeaderFieldMemo): NormalizedInitiator | null {
  if (!isJsonObject(value)) return null;
  const requestId = value.requestId;
  const type = stringOrNull(value.type);
  const url = stringOrNull(value.url);
  const id = typeof requestId === 'string' || typeof requestId === 'number' ? String(requestId) : null;
  const scriptUrl = stackScriptUrl(value.stack);
  if (url === null && id === null && scriptUrl === null && type !== null) return fields.bareInitiators.get(type);
  return { type, url, requestId: id, scriptUrl };
}

/**
 * Chromium's raw request headers always name the host (Host on HTTP/1.1, :authority on HTTP/2); without them
 * the entry holds only the provisional headers. A response from the memory or disk cache or from a service
 * worker has no raw headers either, for its own reason, so it does not count.
 */
function hasOnlyProvisionalHeaders(item: Record<string, unknown>, has: (lowerName: string) => boolean): boolean {
  return !has('host') && !has(':authority') && item._fromCache === undefined && item._fetchedViaServiceWorker !== true;
}

/** The script of a raw `_initiator`'s stack (its top call frame), or null. */
export function initiatorScriptUrl(initiator: unknown): string | null {
  return isJsonObject(initiator) ? stackScriptUrl(initiator.stack) : null;
}

/** The URL of the top call frame of a DevTools stack trace, following `parent` when a level has no frames. */
function stackScriptUrl(stack: unknown): string | null {
  for (let level = stack, depth = 0; isJsonObject(level) && depth < 8; level = level.parent, depth++) {
    const frames = level.callFrames;
    if (!Array.isArray(frames) || frames.length === 0) continue;
    const top = frames[0] as { readonly url?: unknown } | null;
    const url = typeof top === 'object' && top !== null ? stringOrNull(top.url) : null;
    // Which script, not which call: the query and fragment are dropped (they may carry tokens; exports omit them).
    const script = url === null ? '' : (url.split(/[?#]/)[0] ?? '');
    return script === '' ? null : script;
  }
  return null;
}

/**
 * What normalizing a run's entries shares (run-context.ts). Header fields and initiators are immutable, and a
 * capture repeats most of them verbatim on every entry (Accept, User-Agent, Server, Access-Control-Allow-Origin…):
 * one shared object per distinct (name, value) keeps a 100k-entry capture from holding millions of copies, and
 * one lower-cased string per name saves an allocation per header (measured: 17% of a 10k run's CPU without).
 */
export class HeaderFieldMemo {
  /**
   * The field last read at each position of a request's (response's) header list. A producer writes every entry's
   * headers in one layout, so the field at a position is usually the one the previous entry had there: two string
   * comparisons instead of two map lookups (sharedField).
   */
  readonly requestFieldAt: Array<HeaderField | undefined> = [];
  readonly responseFieldAt: Array<HeaderField | undefined> = [];
  readonly sharedNames = new Map<string, SharedName>();
  readonly lowerNames = new MemoTable(LOWER_NAME_CACHE_LIMIT, (name) => name.toLowerCase());
  // Most initiators are a bare type ("script", "other"): one shared value per type.
  readonly bareInitiators = new MemoTable(256, (type): NormalizedInitiator => Object.freeze({ type, url: null, requestId: null, scriptUrl: null }));
}

const POSITIONS_REMEMBERED = 64;

/** `suffix` is the headers' path inside the entry ("request.headers" or "response.headers"). */
function normalizeHeaders(value: unknown, suffix: string, problems: Problems, memo: HeaderFieldMemo, fieldAt: Array<HeaderField | undefined>): HeaderField[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.note(suffix, `Expected headers to be an array, got ${describe(value)}.`);
    return [];
  }
  const fields: HeaderField[] = new Array<HeaderField>(value.length);
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const item = value[i] as { readonly name?: unknown; readonly value?: unknown } | null;
    // No isJsonObject(): a JSON array has no "name" property, so the string test alone rejects it.
    if (typeof item !== 'object' || item === null || typeof item.name !== 'string') {
      problems.note(`${suffix}[${i}]`, 'Header item has no string name; ignored.');
      continue;
    }
    const raw = item.value;
    const headerValue = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
    const previous = i < POSITIONS_REMEMBERED ? fieldAt[i] : undefined;
    const field = previous !== undefined && previous.value === headerValue && previous.name === item.name ? previous : sharedField(memo, item.name, headerValue);
    if (i < POSITIONS_REMEMBERED) fieldAt[i] = field;
    fields[count++] = field;
  }
  if (count < fields.length) fields.length = count;
  return fields;
}

/** Long values (cookies, tokens) are rarely repeated and not shared. */
const SHARED_VALUE_MAX_LENGTH = 256;
const SHARED_VALUES_PER_NAME = 512;

/** The shared fields of one header name; `last` answers the usual case, the value the previous entry had. */
interface SharedName {
  readonly lowerName: string;
  readonly byValue: Map<string, HeaderField>;
  last: HeaderField | null;
}

function sharedField(memo: HeaderFieldMemo, name: string, value: string): HeaderField {
  if (value.length > SHARED_VALUE_MAX_LENGTH) return { name, lowerName: memo.lowerNames.get(name), value };
  const { sharedNames } = memo;
  let shared = sharedNames.get(name);
  if (shared === undefined) {
    if (sharedNames.size >= LOWER_NAME_CACHE_LIMIT) sharedNames.clear();
    shared = { lowerName: memo.lowerNames.get(name), byValue: new Map(), last: null };
    sharedNames.set(name, shared);
  }
  // Comparing with the previous value costs no hashing, and most headers repeat the previous entry's value.
  const last = shared.last;
  if (last !== null && last.value === value) return last;
  let field = shared.byValue.get(value);
  if (field === undefined) {
    field = { name, lowerName: shared.lowerName, value };
    if (shared.byValue.size >= SHARED_VALUES_PER_NAME) shared.byValue.clear();
    shared.byValue.set(value, field);
  }
  shared.last = field;
  return field;
}

/** Bounded, for hostile inputs with unique names. */
const LOWER_NAME_CACHE_LIMIT = 4_096;

/**
 * The URLs a raw entry ties to others, read without normalizing it (the live session groups entries by them
 * before diagnosing): its own URL, where it redirects (redirectURL or a Location header, resolved against it),
 * and the URL that initiated it (Chromium names a preflight's request there). Null when it has no URL.
 */
export function entryLinksOf(entry: unknown): { readonly url: string; readonly linked: readonly string[] } | null {
  if (!isJsonObject(entry) || !isJsonObject(entry.request) || typeof entry.request.url !== 'string') return null;
  const url = entry.request.url;
  const linked: string[] = [];
  const response = isJsonObject(entry.response) ? entry.response : null;
  const redirect = response?.redirectURL;
  if (typeof redirect === 'string' && redirect !== '') linked.push(parseUrl(redirect, url)?.href ?? redirect);
  const headers = Array.isArray(response?.headers) ? (response.headers as readonly { readonly name?: unknown; readonly value?: unknown }[]) : [];
  for (const header of headers) {
    // The length test first: lower-casing every header name of every entry is most of this function's cost.
    if (typeof header?.name === 'string' && header.name.length === 8 && header.name.toLowerCase() === 'location' && typeof header.value === 'string') {
      linked.push(parseUrl(header.value, url)?.href ?? header.value);
    }
  }
  const initiatorUrl = isJsonObject(entry._initiator) ? entry._initiator.url : undefined;
  if (typeof initiatorUrl === 'string' && initiatorUrl !== '') linked.push(initiatorUrl);
  return { url, linked };
}
