// Only the table module: with '../engine/index' imported here the built panel showed no rows in real Chromium
// (test/e2e/panel-interaction.test.ts timed out waiting for them); the cause was not investigated further.
import { requestKindOf, type RequestKind } from '../engine/spec/request-kinds';
import { clip } from './clip';
// What the panel shows of one raw HAR entry. Entries come from the page's traffic or from files, so every
// field is read defensively; the engine has its own normalizer and this file never feeds it.

export type EntryRole = 'preflight' | 'redirect' | 'request';

export interface EntryFacts {
  index: number;
  role: EntryRole;
  method: string;
  url: string;
  /** 0 when no response arrived. */
  status: number;
  /** Chromium's net error (net::ERR_FAILED, …), if any. */
  error: string | null;
  /** Start time in ms since the epoch; NaN when the producer wrote none or garbage. */
  startedMs: number;
  /** Total time in ms, or null when unknown (-1 in HAR). */
  timeMs: number | null;
  /** What kind of request it is (engine spec/request-kinds.ts), or null when the producer records no type. */
  kind: RequestKind | null;
}

interface LooseEntry {
  startedDateTime?: unknown;
  time?: unknown;
  request?: { method?: unknown; url?: unknown; headers?: unknown };
  response?: { status?: unknown; redirectURL?: unknown; _error?: unknown } | null;
  _resourceType?: unknown;
}

export function entryFacts(raw: unknown, index: number): EntryFacts {
  const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as LooseEntry;
  const method = typeof entry.request?.method === 'string' ? entry.request.method : '';
  const status = typeof entry.response?.status === 'number' ? entry.response.status : 0;
  const error = entry.response?._error;
  const redirectUrl = entry.response?.redirectURL;
  const isPreflight = entry._resourceType === 'preflight' || (method === 'OPTIONS' && hasRequestHeader(entry, 'access-control-request-method'));
  const isRedirect = status >= 300 && status < 400 && typeof redirectUrl === 'string' && redirectUrl !== '';
  return {
    index,
    role: isPreflight ? 'preflight' : isRedirect ? 'redirect' : 'request',
    method,
    url: typeof entry.request?.url === 'string' ? entry.request.url : '',
    status,
    error: typeof error === 'string' && error !== '' ? error : null,
    startedMs: typeof entry.startedDateTime === 'string' ? Date.parse(entry.startedDateTime) : Number.NaN,
    timeMs: typeof entry.time === 'number' && entry.time >= 0 ? entry.time : null,
    kind: requestKindOf(typeof entry._resourceType === 'string' ? entry._resourceType : null, requestHeader(entry, 'sec-fetch-mode')),
  };
}

function requestHeader(entry: LooseEntry, lowerCaseName: string): string | null {
  const headers = entry.request?.headers;
  if (!Array.isArray(headers)) return null;
  const found = headers.find((header) => String((header as { name?: unknown })?.name).toLowerCase() === lowerCaseName) as { value?: unknown } | undefined;
  return typeof found?.value === 'string' ? found.value : null;
}

function hasRequestHeader(entry: LooseEntry, lowerCaseName: string): boolean {
  const headers = entry.request?.headers;
  return Array.isArray(headers) && headers.some((header) => String((header as { name?: unknown })?.name).toLowerCase() === lowerCaseName);
}

/** The entries array of whatever a HAR import holds: {log:{entries}}, {entries}, or a bare array. */
export function entriesOf(input: unknown): unknown[] {
  if (Array.isArray(input)) return input;
  if (typeof input !== 'object' || input === null) return [];
  const record = input as { log?: { entries?: unknown }; entries?: unknown };
  const entries = record.log?.entries ?? record.entries;
  return Array.isArray(entries) ? entries : [];
}

export interface HeaderLine {
  name: string;
  value: string;
}

/** The request or response header lines of a raw entry, in recorded order, duplicates kept. */
export function headerLines(raw: unknown, side: 'request' | 'response'): HeaderLine[] {
  const part = (raw as Record<string, { headers?: unknown } | undefined> | null)?.[side];
  const headers = part?.headers;
  if (!Array.isArray(headers)) return [];
  return headers.flatMap((header) => {
    const { name, value } = (header ?? {}) as { name?: unknown; value?: unknown };
    return typeof name === 'string' ? [{ name, value: typeof value === 'string' ? value : String(value ?? '') }] : [];
  });
}

/**
 * A raw entry in the shape the fix components read, or undefined when it does not have that shape: capture
 * data is hostile, and a component must never meet an entry without a request.
 */
export function recordedEntry(raw: unknown): RecordedEntryShape | undefined {
  const entry = raw as { request?: { method?: unknown; url?: unknown }; response?: { status?: unknown } | null; _resourceType?: unknown; _initiator?: unknown } | null;
  if (typeof entry?.request?.method !== 'string' || typeof entry.request.url !== 'string') return undefined;
  const response = entry.response;
  return {
    request: { method: clip(entry.request.method), url: clip(entry.request.url), headers: clipLines(headerLines(raw, 'request')) },
    response: response ? { status: typeof response.status === 'number' ? response.status : 0, headers: clipLines(headerLines(raw, 'response')) } : null,
    _resourceType: typeof entry._resourceType === 'string' ? entry._resourceType : null,
    _initiator: typeof entry._initiator === 'object' && entry._initiator !== null
      ? { type: stringOrNull((entry._initiator as { type?: unknown }).type), url: stringOrNull((entry._initiator as { url?: unknown }).url) }
      : null,
  };
}

export interface RecordedEntryShape {
  request: { method: string; url: string; headers: HeaderLine[] };
  response: { status: number; headers: HeaderLine[] } | null;
  _resourceType: string | null;
  _initiator: { type: string | null; url: string | null } | null;
}

const clipLines = (lines: HeaderLine[]) => lines.map((line) => ({ name: clip(line.name), value: clip(line.value) }));

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
