import { normalizeHar, type NormalizeMemo } from '../har/normalize.js';
import type { NormalizedEntry } from '../har/types.js';
import { combinedHeader } from '../model/headers.js';
import { requestKindOf, type RequestKind } from '../spec/request-kinds.js';
import { isPreflightEntry, redirectTargetOf } from './pair.js';

/** What one HAR entry is in its exchange: the one definition the engine, the report and the panel use. */
export type EntryRole = 'preflight' | 'redirect' | 'request';

export function entryRoleOf(entry: NormalizedEntry): EntryRole {
  if (isPreflightEntry(entry)) return 'preflight';
  return redirectTargetOf(entry) !== null ? 'redirect' : 'request';
}

/** What a list of requests shows of one entry before (or without) a diagnosis. */
export interface EntrySummary {
  readonly index: number;
  readonly role: EntryRole;
  readonly method: string;
  readonly url: string;
  /** 0 when no response arrived. */
  readonly status: number;
  /** The browser's net error (net::ERR_FAILED, …), if any. */
  readonly error: string | null;
  /** Start time in ms since the epoch; null when the producer wrote none or garbage. */
  readonly startedMs: number | null;
  readonly timeMs: number | null;
  /** The URL of the request this entry belongs to: a preflight's is the request it was sent for, when recorded. */
  readonly hopUrl: string;
  /** What kind of request it is, or null when the producer records no resource type. */
  readonly requestKind: RequestKind | null;
}

/**
 * One raw entry (as onRequestFinished or a file gives it), read by the engine's own normalizer, so the panel
 * never reads HAR fields itself. An entry that cannot be read at all is a request with no method or URL.
 */
export function summarizeEntry(raw: unknown, index: number, memo?: NormalizeMemo): EntrySummary {
  const normalized = normalizeHar(typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}, memo);
  const entry = normalized.ok ? normalized.log.entries[0] : undefined;
  if (entry === undefined) return { index, role: 'request', method: '', url: '', status: 0, error: null, startedMs: null, timeMs: null, hopUrl: '', requestKind: null };
  const role = entryRoleOf(entry);
  return {
    index,
    role,
    method: entry.request.method,
    url: entry.request.url,
    status: entry.response?.status ?? 0,
    error: entry.response?.error ?? null,
    startedMs: entry.startedMs,
    timeMs: entry.timeMs,
    hopUrl: role === 'preflight' ? (entry.initiator?.url ?? entry.request.url) : entry.request.url,
    requestKind: requestKindOf(entry.resourceType, combinedHeader(entry.request.headers, 'sec-fetch-mode')),
  };
}
