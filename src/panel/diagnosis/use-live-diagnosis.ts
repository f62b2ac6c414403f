import { useMemo, useRef } from 'preact/hooks';
import { DiagnosisSession, type DiagnoseOptions, type DiagnoseResult } from '../../engine/index';

/** Beyond this share of changed entries, starting over is cheaper than replacing them one by one. */
const REBUILD_SHARE = 0.25;

/**
 * The live capture grows one finished request at a time. A DiagnosisSession re-diagnoses only the requests a
 * change touches: new entries are appended, entries whose late headers arrived are replaced, and anything
 * else (Clear, a navigation) starts a new session.
 */
export function useLiveDiagnosis(entries: readonly unknown[], options: DiagnoseOptions): DiagnoseResult {
  const state = useRef<{ session: DiagnosisSession; entries: readonly unknown[]; key: string } | null>(null);
  const optionsKey = `${options.sourceKind ?? ''}\u0000${options.sourceName ?? ''}`;
  return useMemo(() => {
    const previous = state.current;
    const session = previous !== null && previous.key === optionsKey && update(previous.session, previous.entries, entries)
      ? previous.session
      : fresh(entries, options);
    state.current = { session, entries, key: optionsKey };
    return { ok: true, report: session.report() };
  }, [entries, optionsKey]);
}

function fresh(entries: readonly unknown[], options: DiagnoseOptions): DiagnosisSession {
  const session = new DiagnosisSession(options);
  session.add(entries);
  return session;
}

/** Brings `session` from `before` to `after` when `after` only appends to or patches `before`. */
function update(session: DiagnosisSession, before: readonly unknown[], after: readonly unknown[]): boolean {
  if (after.length < before.length) return false;
  const changed: number[] = [];
  for (let index = 0; index < before.length; index++) if (before[index] !== after[index]) changed.push(index);
  if (changed.length > Math.max(8, before.length * REBUILD_SHARE)) return false;
  for (const index of changed) if (!session.replace(index, after[index])) return false;
  session.add(after.slice(before.length));
  return true;
}
