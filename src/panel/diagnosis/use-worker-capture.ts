// Hooks for a large import the diagnosis worker keeps: what-if edits are diagnosed there, and the detail pane
// fetches the raw entries of the exchange it shows.
import { useEffect, useState } from 'preact/hooks';
import type { WhatIfEdits } from '../model/what-if';
import type { CaptureClient, LoadedDiagnosis } from './capture-client';

export interface WorkerWhatIf {
  /** The diagnosis with the newest edits that came back; null before the first. */
  loaded: LoadedDiagnosis | null;
  /** True while the worker is diagnosing edits newer than `loaded`'s. */
  pending: boolean;
}

/** Re-diagnoses a kept capture whenever `edits` change; a newer edit abandons the run of an older one. */
export function useWorkerWhatIf(client: CaptureClient | null, capture: number | null, edits: WhatIfEdits): WorkerWhatIf {
  const [answer, setAnswer] = useState<{ capture: number; edits: WhatIfEdits; loaded: LoadedDiagnosis } | null>(null);
  useEffect(() => {
    if (client === null || capture === null || edits.size === 0) return;
    const run = client.whatIf(capture, edits, () => undefined);
    void run.done.then((outcome) => {
      const loaded: LoadedDiagnosis = outcome.ok ? outcome.loaded : { result: { ok: false, error: { message: outcome.message, path: '' } }, rows: [] };
      setAnswer({ capture, edits, loaded });
    });
    return () => run.cancel();
  }, [client, capture, edits]);
  if (capture === null || edits.size === 0) return { loaded: null, pending: false };
  const latest = answer !== null && answer.capture === capture ? answer : null;
  return { loaded: latest?.loaded ?? null, pending: latest?.edits !== edits };
}

/**
 * The raw entries at `indices`, as a lookup the detail pane can read synchronously: straight from `local` when
 * this thread holds the capture (capture null), else fetched from the worker; null until they have arrived.
 * Only the entries of the exchange on screen are kept here.
 */
export function useRawEntries(
  client: CaptureClient | null,
  capture: number | null,
  local: readonly unknown[],
  indices: readonly number[] | null,
): ((index: number) => unknown) | null {
  const [fetched, setFetched] = useState<{ capture: number; entries: ReadonlyMap<number, unknown> } | null>(null);
  const known = fetched !== null && fetched.capture === capture ? fetched.entries : null;
  const missing = capture !== null && indices !== null ? indices.filter((index) => !known?.has(index)) : [];
  const missingKey = missing.join(',');
  useEffect(() => {
    // Back to a capture this thread holds: the entries fetched for the last one (a header can be 50 MB) go.
    if (capture === null) setFetched(null);
    if (client === null || capture === null || indices === null || missing.length === 0) return;
    let wanted = true;
    client.entries(capture, missing).then(
      (list) => {
        if (!wanted) return;
        setFetched((previous) => {
          const next = new Map<number, unknown>();
          if (previous !== null && previous.capture === capture) for (const index of indices) if (previous.entries.has(index)) next.set(index, previous.entries.get(index));
          missing.forEach((index, position) => next.set(index, list[position]));
          return { capture, entries: next };
        });
      },
      // The worker lost the capture (it failed); the detail pane stays closed rather than show half an exchange.
      () => undefined,
    );
    return () => {
      wanted = false;
    };
  }, [client, capture, missingKey]);
  if (capture === null) return (index) => local[index];
  if (indices === null || missing.length > 0) return null;
  return (index) => known?.get(index);
}
