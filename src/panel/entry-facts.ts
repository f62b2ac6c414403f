// What the panel shows of one raw HAR entry, read by the engine's own normalizer (derive/entry-role.ts), so the
// panel never reads HAR fields itself and an entry's role is decided where pairing decides it. Imported from the
// module, not the engine's index: the panel's live path needs only this.
import { summarizeEntry, type EntryRole } from '../engine/derive/entry-role';
import { HeaderFieldMemo } from '../engine/har/normalize';
import { OriginMemo } from '../engine/model/origin';
import type { RequestKind } from '../engine/spec/request-kinds';
import { clip } from './clip';

export type { EntryRole };

export interface EntryFacts {
  index: number;
  role: EntryRole;
  method: string;
  url: string;
  /** The URL of the request the entry belongs to (a preflight: the request it was sent for). */
  hopUrl: string;
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

/**
 * The normalizer's shared header fields and origins for the panel's entries: bounded tables of pure results
 * (the engine keeps them per run; the panel's rows come from one capture at a time, and sharing them across
 * captures only saves work).
 */
const memo = { headerFields: new HeaderFieldMemo(), origins: new OriginMemo() };

export function entryFacts(raw: unknown, index: number): EntryFacts {
  const summary = summarizeEntry(raw, index, memo);
  return {
    index,
    role: summary.role,
    method: summary.method,
    url: summary.url,
    hopUrl: summary.hopUrl,
    status: summary.status,
    error: summary.error,
    startedMs: summary.startedMs ?? Number.NaN,
    timeMs: summary.timeMs,
    kind: summary.requestKind,
  };
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
