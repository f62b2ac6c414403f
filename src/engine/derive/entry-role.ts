import { normalizeHar, type NormalizeMemo } from '../har/normalize.js';
import type { NormalizedEntry } from '../har/types.js';
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
}

/**
 * One raw entry (as onRequestFinished or a file gives it), read by the engine's own normalizer, so the panel
 * never reads HAR fields itself. An entry that cannot be read at all is a request with no method or URL.
 */
export function summarizeEntry(raw: unknown, index: number, memo?: NormalizeMemo): EntrySummary {
  const normalized = normalizeHar(typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}, memo);
  const entry = normalized.ok ? normalized.log.entries[0] : undefined;
  if (entry === undefined) return { index, role: 'request', method: '', url: '', status: 0, error: null, startedMs: null, timeMs: null };
  return {
    index,
    role: entryRoleOf(entry),
    method: entry.request.method,
    url: entry.request.url,
    status: entry.response?.status ?? 0,
    error: entry.response?.error ?? null,
    startedMs: entry.startedMs,
    timeMs: entry.timeMs,
  };
}
