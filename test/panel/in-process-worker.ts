// The diagnosis worker without a thread: a CaptureHost behind message passing that behaves like postMessage
// (every message structured-cloned, delivered in a later task), for tests in Node and happy-dom.
import { CaptureHost } from '../../src/panel/diagnosis/capture-host';
import type { WorkerPort } from '../../src/panel/diagnosis/capture-client';
import type { ClientMessage, WorkerMessage } from '../../src/panel/diagnosis/capture-protocol';

/** Blobs cross a real worker boundary as handles to the same bytes; everything else is a structured clone. */
function clone<T extends ClientMessage | WorkerMessage>(message: T): T {
  if (message.kind === 'import') return { ...structuredClone({ ...message, file: null }), file: message.file } as T;
  if (message.kind === 'exported' && message.outcome.ok) return { ...message, outcome: { ...structuredClone({ ...message.outcome, blob: null }), blob: message.outcome.blob } } as T;
  return structuredClone(message);
}

const later = (task: () => void) => setTimeout(task, 0);

export interface Traffic {
  /** Every message, in the order it was sent, with its direction. */
  log: { to: 'worker' | 'panel'; message: ClientMessage | WorkerMessage }[];
  /** The most slices that were ever on their way to the panel at once. */
  maxSlicesInFlight: number;
}

export class InProcessWorker {
  readonly host: CaptureHost;
  readonly traffic: Traffic = { log: [], maxSlicesInFlight: 0 };
  private readonly listeners = new Map<string, Set<(event: { data: unknown }) => void>>();
  private slicesInFlight = 0;
  terminated = false;

  constructor(sliceRows?: number) {
    this.host = new CaptureHost((message) => {
      const copy = clone(message);
      this.traffic.log.push({ to: 'panel', message: copy });
      if (copy.kind === 'slice') this.traffic.maxSlicesInFlight = Math.max(this.traffic.maxSlicesInFlight, ++this.slicesInFlight);
      later(() => {
        if (copy.kind === 'slice') this.slicesInFlight--;
        if (!this.terminated) for (const listener of this.listeners.get('message') ?? []) listener({ data: copy });
      });
    }, sliceRows);
  }

  postMessage(message: ClientMessage): void {
    const copy = clone(message);
    this.traffic.log.push({ to: 'worker', message: copy });
    later(() => {
      if (!this.terminated) void this.host.handle(copy);
    });
  }

  addEventListener(type: string, listener: (event: { data: unknown }) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(listener);
  }

  removeEventListener(type: string, listener: (event: { data: unknown }) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** What a real worker does when it dies (out of memory): an error event, and nothing more from it. */
  crash(message: string): void {
    for (const listener of this.listeners.get('error') ?? []) listener({ data: undefined, ...{ message, preventDefault: () => undefined } });
    this.terminated = true;
  }

  terminate(): void {
    this.terminated = true;
  }

  /** As the panel's CaptureClient sees it. */
  port(): WorkerPort {
    return {
      post: (message) => this.postMessage(message),
      listen: (onMessage, onFailure) => {
        this.addEventListener('message', (event) => onMessage(event.data as WorkerMessage));
        this.addEventListener('error', (event) => onFailure((event as unknown as { message: string }).message));
      },
      terminate: () => this.terminate(),
    };
  }
}
