// How the live capture changes, as the panel's capture store sees it and the diagnosis worker (which keeps the
// entries) applies it. Positions are log positions: preserved pages first, then the current page.
import type { HarEntry } from '../platform/har-source';

export type CaptureChange =
  /** New entries at the end. */
  | { kind: 'append'; entries: HarEntry[] }
  /** A newer recording of the entry at `index` (its headers arrived late). */
  | { kind: 'replace'; index: number; entry: HarEntry }
  /** Clear or a navigation: the capture becomes the entries at these positions, in this order. */
  | { kind: 'keep'; indices: number[] }
  /** Beyond the capture's limit: the oldest `count` entries go, and every position moves down by `count`. */
  | { kind: 'drop'; count: number };

/** Applies changes to a list of entries (the worker's copy; tests use it as the reference). */
export function applyChanges<T>(entries: T[], changes: readonly CaptureChange[]): T[] {
  let list = entries;
  for (const change of changes) {
    switch (change.kind) {
      case 'append':
        for (const entry of change.entries) list.push(entry as T);
        break;
      case 'replace':
        if (change.index < list.length) list[change.index] = change.entry as T;
        break;
      case 'drop':
        list.splice(0, change.count);
        break;
      case 'keep': {
        const previous = list;
        list = change.indices.map((index) => previous[index] as T);
        break;
      }
    }
  }
  return list;
}

/**
 * An entry as the diagnosis worker keeps it: the initiator's call stack goes (the engine reads only its type, URL
 * and request id, and the panel never shows it); a quarter of a Chromium entry, cloned for nothing otherwise.
 */
export function withoutStack(entry: HarEntry): HarEntry {
  const initiator = (entry as { _initiator?: { stack?: unknown } | null })._initiator;
  if (typeof initiator !== 'object' || initiator === null || !('stack' in initiator)) return entry;
  const { stack: _stack, ...kept } = initiator;
  return { ...entry, _initiator: kept } as HarEntry;
}

/** The changes with every entry as the worker keeps it. */
export function forWorker(changes: readonly CaptureChange[]): CaptureChange[] {
  return changes.map((change) => {
    switch (change.kind) {
      case 'append':
        return { kind: 'append', entries: change.entries.map(withoutStack) };
      case 'replace':
        return { kind: 'replace', index: change.index, entry: withoutStack(change.entry) };
      default:
        return change;
    }
  });
}
