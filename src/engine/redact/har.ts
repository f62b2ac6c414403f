/**
 * Builds the HAR an export embeds: every entry, in the same order (report ids and entry indices refer to it),
 * with only the fields the diagnosis reads plus the ones HAR 1.2 requires — never bodies, cookie arrays,
 * comments, initiator stacks (only the calling script's URL without its query) or custom fields. With redaction on (the default) credentials and token-like
 * values are replaced, and every replacement is counted by where it was and its name.
 *
 * Field shapes are copied as they are (a string where an object belongs stays a string, redacted), so the
 * normalizer reports the same input problems for the copy as for the original.
 */
import { initiatorScriptUrl, normalizeHar } from '../har/normalize.js';
import { parseHarText } from '../har/parse-text.js';
import type { InputError } from '../har/types.js';
import { headerTreatment, REDACTED, redactHeaderValueAs, redactParam, redactUrl, type HeaderTreatment } from './patterns.js';
import { isJsonObject, type JsonObject } from '../model/json.js';

export interface Redaction {
  /** "request header", "response header", "URL", "query parameter", "request cookie", "request body", … */
  readonly where: string;
  /** Header, parameter or cookie name (lower case), or a field name such as "text" or "(user info)". */
  readonly name: string;
  readonly count: number;
}

export interface ExportedHar {
  readonly log: {
    readonly version: string;
    /** Absent when the original had none (the normalizer then reports no creator, as for the original). */
    readonly creator?: { readonly name: string; readonly version: string };
    /** The browser that recorded the capture, when the original names it: reopening judges for the same one. */
    readonly browser?: { readonly name: string; readonly version: string };
    readonly pages: readonly unknown[];
    readonly entries: readonly unknown[];
  };
}

export interface RedactOptions {
  /** Replace secrets (default true). False still leaves out bodies, cookie arrays and comments. */
  readonly redact?: boolean;
  /** Called after each entry is copied. */
  readonly onEntry?: (done: number, total: number) => void;
}

export type RedactResult =
  | { readonly ok: true; readonly har: ExportedHar; readonly redactions: readonly Redaction[] }
  | { readonly ok: false; readonly error: InputError };



class Redactor {
  private readonly counts = new Map<string, number>();
  /**
   * Each header name's treatment and its scanned values redacted, and redacted URLs with the names of what
   * they lost: a capture repeats most of them, and the patterns are the costly part of a copy. Bounded
   * (MEMO_LIMIT each).
   */
  private readonly headers = new Map<string, { readonly lowerName: string; readonly treatment: HeaderTreatment; readonly values: Map<string, string> }>();
  private readonly urls = new Map<string, { readonly redacted: string; readonly names: readonly string[] }>();

  constructor(readonly enabled: boolean) {}

  found(where: string, name: string): void {
    const key = `${where}\u0000${name}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** A free-form string nobody needs to diagnose (a title, a stray string where an object belongs). */
  text(where: string, name: string, value: string): string {
    if (!this.enabled || value === '' || value === REDACTED) return value;
    this.found(where, name);
    return REDACTED;
  }

  url(where: string, value: string): string {
    if (!this.enabled) return value;
    let known = this.urls.get(value);
    if (known === undefined) {
      const names: string[] = [];
      known = { redacted: redactUrl(value, (name) => names.push(name)), names };
      if (this.urls.size < MEMO_LIMIT) this.urls.set(value, known);
    }
    for (const name of known.names) this.found(where, name);
    return known.redacted;
  }

  header(where: string, name: string, value: string): string {
    if (!this.enabled) return value;
    // Keyed by the name as written: no lower-cased copy of every header's name.
    let known = this.headers.get(name);
    if (known === undefined) {
      const lowerName = name.toLowerCase();
      known = { lowerName, treatment: headerTreatment(lowerName), values: new Map() };
      if (this.headers.size < MEMO_LIMIT) this.headers.set(name, known);
    }
    const { lowerName } = known;
    let redacted: string | undefined;
    if (known.treatment === 'kept' || known.treatment === 'secret') {
      redacted = redactHeaderValueAs(known.treatment, value);
    } else {
      // Only values the patterns scan are remembered: a kept value (a date, a length) costs nothing to copy.
      redacted = known.values.get(value);
      if (redacted === undefined) {
        redacted = redactHeaderValueAs(known.treatment, value);
        if (known.values.size < MEMO_LIMIT) known.values.set(value, redacted);
      }
    }
    if (redacted !== value) this.found(where, lowerName);
    return redacted;
  }

  param(name: string, value: string): string {
    if (!this.enabled) return value;
    const redacted = redactParam(name, value);
    if (redacted !== value) this.found('query parameter', name);
    return redacted;
  }

  /** Something left out of the copy (a body, a cookie list): counted only when redaction is on. */
  dropped(where: string, name: string, present: boolean): void {
    if (this.enabled && present) this.found(where, name);
  }

  list(): Redaction[] {
    return [...this.counts.entries()]
      .map(([key, count]) => {
        const [where = '', name = ''] = key.split('\u0000');
        return { where, name, count };
      })
      .sort((a, b) => (a.where === b.where ? compare(a.name, b.name) : compare(a.where, b.where)));
  }
}

const MEMO_LIMIT = 4096;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Copies a value whose shape is wrong for its field: strings are redacted, other primitives kept. */
function stray(value: unknown, redactor: Redactor, where: string): unknown {
  if (typeof value === 'string') return redactor.text(where, '(value)', value);
  if (Array.isArray(value)) return [];
  if (isJsonObject(value)) return {};
  return value;
}

function copyHeaders(value: unknown, redactor: Redactor, where: string): unknown {
  if (!Array.isArray(value)) return stray(value, redactor, where);
  return value.map((item: unknown) => {
    if (!isJsonObject(item) || typeof item.name !== 'string') return {};
    const raw = item.value;
    const text = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
    return { name: item.name, value: redactor.header(where, item.name, text) };
  });
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * queryString[] repeats the URL's query. Redacted, it is rebuilt from the redacted URL so it can never show
 * more than the URL does (producers sometimes put more in it than the URL holds); unredacted, it is copied.
 */
function copyQueryString(value: unknown, redactedUrl: unknown, redactor: Redactor): unknown[] {
  if (!redactor.enabled) {
    if (!Array.isArray(value)) return [];
    return value.flatMap((item: unknown) => (isJsonObject(item) && typeof item.name === 'string' ? [{ name: item.name, value: typeof item.value === 'string' ? item.value : '' }] : []));
  }
  if (typeof redactedUrl !== 'string') return [];
  const query = redactedUrl.split('#')[0]?.split('?').slice(1).join('?') ?? '';
  if (query === '') return [];
  return query.split('&').filter((pair) => pair !== '').map((pair) => {
    const equals = pair.indexOf('=');
    return equals === -1
      ? { name: decodeComponent(pair), value: '' }
      : { name: decodeComponent(pair.slice(0, equals)), value: decodeComponent(pair.slice(equals + 1)) };
  });
}

function dropCookies(value: unknown, redactor: Redactor, where: string): void {
  if (!Array.isArray(value)) return;
  for (const cookie of value) redactor.dropped(where, isJsonObject(cookie) && typeof cookie.name === 'string' ? cookie.name : '(cookie)', true);
}

function dropComment(value: JsonObject, redactor: Redactor, where: string): void {
  redactor.dropped('comment', where, typeof value.comment === 'string' && value.comment !== '');
}

function numberOr(value: unknown, fallback: number): unknown {
  return typeof value === 'number' ? value : value === undefined ? fallback : value;
}

/** Counts what a request's copy leaves out: its cookies, comment and body. */
function dropRequestExtras(value: JsonObject, redactor: Redactor): void {
  dropCookies(value.cookies, redactor, 'request cookie');
  dropComment(value, redactor, 'request');
  const postData = value.postData;
  if (isJsonObject(postData)) {
    redactor.dropped('request body', 'text', typeof postData.text === 'string' && postData.text !== '');
    redactor.dropped('request body', 'params', Array.isArray(postData.params) && postData.params.length > 0);
  }
}

/** Counts what a response's copy leaves out or only shows redacted without the diagnosis reading it: cookies, comment, body, MIME type. */
function dropResponseExtras(value: JsonObject, redactor: Redactor): JsonObject {
  dropCookies(value.cookies, redactor, 'response cookie');
  dropComment(value, redactor, 'response');
  const content = isJsonObject(value.content) ? value.content : {};
  redactor.dropped('response body', 'text', typeof content.text === 'string' && content.text !== '');
  return content;
}

function copyRequest(value: unknown, redactor: Redactor): unknown {
  if (!isJsonObject(value)) return stray(value, redactor, 'request');
  dropRequestExtras(value, redactor);
  const url = typeof value.url === 'string' ? redactor.url('URL', value.url) : stray(value.url, redactor, 'URL');
  const copy: Record<string, unknown> = {
    method: value.method,
    url,
    httpVersion: typeof value.httpVersion === 'string' ? value.httpVersion : '',
    headers: value.headers === undefined ? [] : copyHeaders(value.headers, redactor, 'request header'),
    queryString: copyQueryString(value.queryString, url, redactor),
    cookies: [],
    headersSize: numberOr(value.headersSize, -1),
    bodySize: numberOr(value.bodySize, -1),
  };
  if (typeof value.method !== 'string') copy.method = stray(value.method, redactor, 'request method');
  return copy;
}

function copyResponse(value: unknown, redactor: Redactor): unknown {
  if (!isJsonObject(value)) return stray(value, redactor, 'response');
  const content = dropResponseExtras(value, redactor);
  const copy: Record<string, unknown> = {
    status: value.status,
    statusText: typeof value.statusText === 'string' ? value.statusText : '',
    httpVersion: typeof value.httpVersion === 'string' ? value.httpVersion : '',
    headers: value.headers === undefined ? [] : copyHeaders(value.headers, redactor, 'response header'),
    cookies: [],
    content: {
      size: typeof content.size === 'number' ? content.size : 0,
      mimeType: typeof content.mimeType === 'string' ? redactor.header('response body', 'content-type', content.mimeType) : '',
    },
    redirectURL: typeof value.redirectURL === 'string' ? redactor.url('redirect URL', value.redirectURL) : stray(value.redirectURL, redactor, 'redirect URL'),
    headersSize: numberOr(value.headersSize, -1),
    bodySize: numberOr(value.bodySize, -1),
  };
  if (value.status === undefined) delete copy.status;
  // Chromium writes _error (null on success); its presence alone tells the engine the outcome was recorded.
  if ('_error' in value) copy._error = typeof value._error === 'string' ? value._error : value._error === null ? null : stray(value._error, redactor, 'response');
  return copy;
}

function copyInitiator(value: unknown, redactor: Redactor): unknown {
  if (!isJsonObject(value)) return stray(value, redactor, 'initiator');
  const copy: Record<string, unknown> = {};
  if (typeof value.type === 'string') copy.type = value.type;
  if (typeof value.url === 'string') copy.url = redactor.url('initiator URL', value.url);
  if (typeof value.requestId === 'string' || typeof value.requestId === 'number') copy.requestId = value.requestId;
  // Of the stack, only the script that made the call (it tells a worker's requests apart): one frame, its URL
  // without query or fragment (as the normalizer reads it).
  const script = initiatorScriptUrl(value);
  if (script !== null) copy.stack = { callFrames: [{ url: redactor.url('initiator URL', script) }] };
  return copy;
}

function copyEntry(item: unknown, redactor: Redactor): unknown {
  if (!isJsonObject(item)) return stray(item, redactor, 'entry');
  dropComment(item, redactor, 'entry');
  const copy: Record<string, unknown> = {};
  if (typeof item.pageref === 'string') copy.pageref = item.pageref;
  if (item.startedDateTime !== undefined) copy.startedDateTime = typeof item.startedDateTime === 'string' ? item.startedDateTime : stray(item.startedDateTime, redactor, 'entry');
  // The pairing reads `time`: copied as it is, absent stays absent.
  if (item.time !== undefined) copy.time = typeof item.time === 'number' ? item.time : stray(item.time, redactor, 'entry');
  if (item.request !== undefined) copy.request = copyRequest(item.request, redactor);
  if (item.response !== undefined) copy.response = copyResponse(item.response, redactor);
  copy.cache = {};
  copy.timings = { send: 0, wait: 0, receive: 0 };
  if (typeof item._resourceType === 'string') copy._resourceType = item._resourceType;
  if (item._initiator !== undefined) copy._initiator = copyInitiator(item._initiator, redactor);
  // Read by the engine as facts, never as content: a cache or service-worker flag, and how many messages an
  // EventSource received (the messages themselves are dropped).
  if (item._fromCache !== undefined) copy._fromCache = typeof item._fromCache === 'string' ? item._fromCache : 'disk';
  if (item._fetchedViaServiceWorker === true) copy._fetchedViaServiceWorker = true;
  if (Array.isArray(item._eventSourceMessages)) copy._eventSourceMessages = item._eventSourceMessages.map(() => ({}));
  return copy;
}

/*
 * The same redaction, made in place on an entry only the diagnosis reads (redactForDiagnosis): every value the
 * normalizer reads is set to what the copy holds, and every redaction the copy counts is counted; the fields the
 * normalizer never reads are left as they are. Each function mirrors its copy… counterpart above.
 */

/** isJsonObject for the entry redactForDiagnosis changes: parsed by its caller, and its alone. */
const isOwnObject = isJsonObject as (value: unknown) => value is Record<string, unknown>;

function redactHeadersInPlace(value: unknown, redactor: Redactor, where: string): unknown {
  if (!Array.isArray(value)) return stray(value, redactor, where);
  for (const item of value) {
    // An item without a string name is ignored by the normalizer, as is the copy's {}.
    if (!isOwnObject(item) || typeof item.name !== 'string') continue;
    const raw = item.value;
    const text = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
    const redacted = redactor.header(where, item.name, text);
    // Unchanged, a number or boolean stays as it is: the normalizer reads it as the same text.
    if (redacted !== text) item.value = redacted;
  }
  return value;
}

function redactRequestInPlace(value: unknown, redactor: Redactor): unknown {
  if (!isOwnObject(value)) return stray(value, redactor, 'request');
  dropRequestExtras(value, redactor);
  value.url = typeof value.url === 'string' ? redactor.url('URL', value.url) : stray(value.url, redactor, 'URL');
  if (value.headers !== undefined) value.headers = redactHeadersInPlace(value.headers, redactor, 'request header');
  if (typeof value.method !== 'string') value.method = stray(value.method, redactor, 'request method');
  return value;
}

function redactResponseInPlace(value: unknown, redactor: Redactor): unknown {
  if (!isOwnObject(value)) return stray(value, redactor, 'response');
  const content = dropResponseExtras(value, redactor);
  if (typeof content.mimeType === 'string') redactor.header('response body', 'content-type', content.mimeType);
  if (value.headers !== undefined) value.headers = redactHeadersInPlace(value.headers, redactor, 'response header');
  value.redirectURL = typeof value.redirectURL === 'string' ? redactor.url('redirect URL', value.redirectURL) : stray(value.redirectURL, redactor, 'redirect URL');
  if ('_error' in value && typeof value._error !== 'string' && value._error !== null) value._error = stray(value._error, redactor, 'response');
  return value;
}

function redactInitiatorInPlace(value: unknown, redactor: Redactor): unknown {
  if (!isOwnObject(value)) return stray(value, redactor, 'initiator');
  if (typeof value.url === 'string') value.url = redactor.url('initiator URL', value.url);
  const script = initiatorScriptUrl(value);
  if (script === null) delete value.stack;
  else value.stack = { callFrames: [{ url: redactor.url('initiator URL', script) }] };
  return value;
}

function redactEntryInPlace(item: unknown, redactor: Redactor): unknown {
  if (!isOwnObject(item)) return stray(item, redactor, 'entry');
  dropComment(item, redactor, 'entry');
  if (item.startedDateTime !== undefined && typeof item.startedDateTime !== 'string') item.startedDateTime = stray(item.startedDateTime, redactor, 'entry');
  if (item.time !== undefined && typeof item.time !== 'number') item.time = stray(item.time, redactor, 'entry');
  if (item.request !== undefined) item.request = redactRequestInPlace(item.request, redactor);
  if (item.response !== undefined) item.response = redactResponseInPlace(item.response, redactor);
  if (item._initiator !== undefined) item._initiator = redactInitiatorInPlace(item._initiator, redactor);
  return item;
}

function copyPages(value: unknown, redactor: Redactor): unknown[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isJsonObject).map((page) => {
    dropComment(page, redactor, 'page');
    const title = typeof page.title === 'string' ? page.title : '';
    return {
      startedDateTime: typeof page.startedDateTime === 'string' ? page.startedDateTime : '',
      id: typeof page.id === 'string' ? page.id : '',
      // Chromium writes the page URL as the title; any other title is not needed to diagnose.
      title: /^https?:\/\//i.test(title) ? redactor.url('page title', title) : redactor.text('page title', '(text)', title),
      pageTimings: {},
    };
  });
}

export interface RawLog {
  readonly creator: unknown;
  readonly browser: unknown;
  readonly pages: unknown;
  readonly entries: readonly unknown[];
  readonly comment: unknown;
}

/** The same shapes normalizeHar accepts: text, {log}, a log, an entry list or one entry. */
export function rawLogOf(input: unknown): RawLog | null {
  if (typeof input === 'string') {
    const parsed = parseHarText(input);
    return parsed.ok ? rawLogOf(parsed.value) : null;
  }
  if (Array.isArray(input)) return { creator: null, browser: null, pages: [], entries: input, comment: null };
  if (!isJsonObject(input)) return null;
  const log = isJsonObject(input.log) ? input.log : 'entries' in input ? input : null;
  if (log !== null && Array.isArray(log.entries)) return { creator: log.creator, browser: log.browser, pages: log.pages, entries: log.entries, comment: log.comment };
  if ('request' in input) return { creator: null, browser: null, pages: [], entries: [input], comment: null };
  return null;
}

/**
 * redactHar one entry at a time, for a HAR read as a stream (har/stream.ts): entry() copies each entry as
 * redactHar would, pages() the pages (without counting: the log's own pass counts them), and finish() counts
 * what redactHar counts outside the entries. redactions() then equals redactHar's list for the same file.
 */
export class StreamRedaction {
  private readonly redactor: Redactor;

  constructor(private readonly enabled: boolean) {
    this.redactor = new Redactor(enabled);
  }

  entry(item: unknown): unknown {
    return copyEntry(item, this.redactor);
  }

  /**
   * entry() for an entry only the diagnosis reads, which the caller just parsed and holds alone (the text
   * report; Markdown and HTML read the few entries they show again): the entry itself, redacted in place
   * where the normalizer reads it, counted as entry() counts. Normalizing it gives what normalizing entry()'s
   * copy gives (test/report/redact.test.ts), without building a copy of every header of every entry.
   */
  redactForDiagnosis(item: unknown): unknown {
    return redactEntryInPlace(item, this.redactor);
  }

  /** The pages as the diagnosis of the redacted copy sees them. */
  pages(value: unknown): unknown[] {
    return copyPages(value, new Redactor(this.enabled));
  }

  /** `log` is the log object without its entries; returns the exported log without its entries, as redactHar writes it. */
  finish(log: { readonly comment?: unknown; readonly creator?: unknown; readonly browser?: unknown; readonly pages?: unknown }): Omit<ExportedHar['log'], 'entries'> {
    return exportedLogHead({ creator: log.creator, browser: log.browser, pages: log.pages, comment: log.comment }, this.redactor);
  }

  redactions(): Redaction[] {
    return this.redactor.list();
  }
}

/** The embeddable (and, by default, redacted) copy of a HAR. Never throws. */
export function redactHar(input: unknown, options: RedactOptions = {}): RedactResult {
  const checked = normalizeHar(input);
  if (!checked.ok) return checked;
  const raw = rawLogOf(input);
  if (raw === null) return { ok: false, error: { message: 'Not a HAR.', path: '' } };
  const redactor = new Redactor(options.redact !== false);
  const entries: unknown[] = [];
  for (let index = 0; index < raw.entries.length; index++) {
    entries.push(copyEntry(raw.entries[index], redactor));
    options.onEntry?.(index + 1, raw.entries.length);
  }
  const har: ExportedHar = { log: { ...exportedLogHead(raw, redactor), entries } };
  return { ok: true, har, redactions: redactor.list() };
}

/** The exported log without its entries (version, creator, browser, pages), counting the log's comment and the pages' redactions. */
function exportedLogHead(raw: Pick<RawLog, 'creator' | 'browser' | 'pages' | 'comment'>, redactor: Redactor): Omit<ExportedHar['log'], 'entries'> {
  if (typeof raw.comment === 'string' && raw.comment !== '') redactor.dropped('comment', 'log', true);
  const creator = isJsonObject(raw.creator) ? raw.creator : null;
  const browser = isJsonObject(raw.browser) ? raw.browser : null;
  return {
    version: '1.2',
    ...(creator !== null && typeof creator.name === 'string'
      ? { creator: { name: creator.name, version: typeof creator.version === 'string' ? creator.version : '' } }
      : {}),
    ...(browser !== null && typeof browser.name === 'string'
      ? { browser: { name: browser.name, version: typeof browser.version === 'string' ? browser.version : '' } }
      : {}),
    pages: copyPages(raw.pages, redactor),
  };
}
