// What-if edits: the user changes a recorded response (status, header lines) and the engine re-runs on the
// edited capture. Edits never touch the recording itself; "Reset" drops them.
import type { HeaderLine } from '../entry-facts';

export interface ResponseEdit {
  status: number;
  headers: HeaderLine[];
}

/** Edits keyed by log.entries index. */
export type WhatIfEdits = ReadonlyMap<number, ResponseEdit>;

const CORS_FAILURE = 'net::ERR_FAILED';

/**
 * The capture as it would read with the edits. `exchangeOf` names, for an entry index, every entry index of
 * its exchange: the recorded CORS failure (net::ERR_FAILED) of an edited exchange belonged to the recorded
 * headers, so it is dropped and the replay decides again. Other net errors (an ad blocker, TLS) stay.
 */
export function applyEdits(
  entries: readonly unknown[],
  edits: WhatIfEdits,
  exchangeOf: (index: number) => readonly number[],
): readonly unknown[] {
  if (edits.size === 0) return entries;
  const reopened = new Set([...edits.keys()].flatMap((index) => exchangeOf(index)));
  return entries.map((entry, index) => {
    const edit = edits.get(index);
    if ((!edit && !reopened.has(index)) || typeof entry !== 'object' || entry === null) return entry;
    const record = entry as { response?: Record<string, unknown> | null };
    const response: Record<string, unknown> = { ...(record.response ?? {}) };
    if (edit) {
      response.status = edit.status;
      response.headers = edit.headers.map((line) => ({ ...line }));
    }
    if (response._error === CORS_FAILURE) delete response._error;
    return { ...record, response };
  });
}

export function withEdit(edits: WhatIfEdits, index: number, edit: ResponseEdit | null): WhatIfEdits {
  const next = new Map(edits);
  if (edit === null) next.delete(index);
  else next.set(index, edit);
  return next;
}
