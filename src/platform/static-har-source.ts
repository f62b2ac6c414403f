import type { HarEntry, HarSource, HarSourceListener } from './har-source';

/** A fixed list of entries: an imported .har file, or test data. Never calls back. */
export class StaticHarSource implements HarSource {
  constructor(
    readonly kind: 'file' | 'memory',
    readonly label: string,
    private readonly entries: readonly HarEntry[],
  ) {}

  snapshot(): Promise<HarEntry[]> {
    return Promise.resolve([...this.entries]);
  }

  subscribe(_listener: HarSourceListener, _signal: AbortSignal): void {}
}

/** Test double and demo helper: a live source whose traffic is pushed by the caller. */
export class MemoryHarSource implements HarSource {
  readonly kind = 'memory';
  private readonly listeners = new Set<HarSourceListener>();
  private entries: HarEntry[] = [];

  constructor(readonly label = 'In-memory capture') {}

  snapshot(): Promise<HarEntry[]> {
    return Promise.resolve([...this.entries]);
  }

  subscribe(listener: HarSourceListener, signal: AbortSignal): void {
    if (signal.aborted) return;
    this.listeners.add(listener);
    signal.addEventListener('abort', () => this.listeners.delete(listener), { once: true });
  }

  /** Records an entry and announces it, the way onRequestFinished does. */
  finish(entry: HarEntry, options: { announce?: HarEntry } = {}): void {
    this.entries.push(entry);
    for (const listener of this.listeners) listener.onEntry(options.announce ?? entry);
  }

  /** Replaces the recorded entry (late headers arriving) without announcing it. */
  replaceRecorded(index: number, entry: HarEntry): void {
    this.entries[index] = entry;
  }

  navigate(url: string, options: { keepLog?: boolean } = {}): void {
    if (!options.keepLog) this.entries = [];
    for (const listener of this.listeners) listener.onNavigated(url);
  }
}
