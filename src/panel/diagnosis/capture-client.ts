// The panel's side of its one diagnosis worker. Live changes go to it as they come and rows come back as deltas;
// an imported File is handed over whole (a cheap clone) and its rows come back in slices. The client asks for
// the next slice only after taking the previous one, so every task on the panel's thread stays short.
import type { DiagnoseOptions } from '../../engine/index';
import type { HostBrowser } from '../../platform/host-browser';
import type { CaptureChange } from '../capture-changes';
import type { ExchangeRow } from '../model/rows';
import type { ResponseEdit } from '../model/what-if';
import type { ClientMessage, Detail, ExportOutcome, Progress, ViewHead, WorkerExportOptions, WorkerMessage } from './capture-protocol';
import { SnippetUnpacker } from './live-snippets';

/** The worker as the client sees it; `workerPort` adapts a real Worker, the tests connect a CaptureHost. */
export interface WorkerPort {
  post(message: ClientMessage): void;
  listen(onMessage: (message: WorkerMessage) => void, onFailure: (reason: string) => void): void;
  terminate(): void;
}

export function workerPort(worker: Worker): WorkerPort {
  return {
    post: (message) => worker.postMessage(message),
    listen: (onMessage, onFailure) => {
      worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => onMessage(event.data));
      worker.addEventListener('messageerror', () => onFailure('a message from the diagnosis worker could not be read'));
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        onFailure(event.message || 'the diagnosis worker stopped (out of memory?)');
      });
    },
    terminate: () => worker.terminate(),
  };
}

/** A diagnosis as the panel shows it: its head and its grid rows, built by the worker. */
export interface LoadedDiagnosis {
  head: ViewHead;
  rows: ExchangeRow[];
}

export type LiveRows = Extract<WorkerMessage, { kind: 'live-rows' }>;

/** The live capture in the worker: changes go in, row deltas come out (through `onRows`). */
export interface LiveChannel {
  send(changes: CaptureChange[]): void;
}

export type StreamOutcome =
  | { ok: true; capture: number | null; entries: number; loaded: LoadedDiagnosis }
  /** `message` continues "<file name>: " (the same words as an import on the panel's thread). */
  | { ok: false; message: string };

export interface Running<T> {
  done: Promise<T>;
  /** Stops waiting: `done` never settles, and the worker stops or skips the work. */
  cancel(): void;
}

/** Slices asked for ahead: the worker builds the next while the panel takes the current one in. */
const SLICES_AHEAD = 2;

interface Handler {
  message(message: WorkerMessage): void;
  fail(reason: string): void;
}

/** Lets the panel paint and run timers between two pieces of work. */
export const nextTask = () => new Promise<void>((done) => setTimeout(done, 0));

export class CaptureClient {
  private port: WorkerPort | null = null;
  private nextRequest = 0;
  private readonly handlers = new Map<number, Handler>();

  constructor(private readonly spawn: () => WorkerPort) {}

  /**
   * Starts the live capture in the worker (a restart forgets the previous one). `onFailure`: the worker
   * stopped, and the live capture it held is gone.
   */
  live(options: DiagnoseOptions, browser: HostBrowser, onRows: (rows: LiveRows) => void, onFailure: (reason: string) => void): LiveChannel {
    const snippets = new SnippetUnpacker();
    const request = this.send((id) => ({ kind: 'live', request: id, options, browser }), {
      message: (message) => {
        if (message.kind === 'live-rows') {
          let head: ViewHead;
          try {
            head = snippets.unpack(message.head, message.snippets);
          } catch (error) {
            onFailure(error instanceof Error ? error.message : String(error));
            return;
          }
          onRows({ ...message, head });
        }
        if (message.kind === 'failed') onFailure(message.message);
      },
      fail: onFailure,
    });
    return { send: (changes) => this.port?.post({ kind: 'live-changes', request, changes }) };
  }

  /** One exchange of a kept capture with its raw entries; null when the capture or the exchange is gone. */
  detail(capture: number, id: string, whatIf: boolean): Promise<Detail | null> {
    return new Promise((resolve) => {
      const request = this.send((next) => ({ kind: 'detail', request: next, capture, id, whatIf }), {
        message: (message) => {
          if (message.kind !== 'detail' && message.kind !== 'failed') return;
          this.handlers.delete(request);
          resolve(message.kind === 'detail' ? message.detail : null);
        },
        fail: () => resolve(null),
      });
    });
  }

  /** Reads, parses and diagnoses `file` in the worker, which keeps it as a capture. */
  importFile(file: Blob, options: DiagnoseOptions, onProgress: (progress: Progress) => void): Running<StreamOutcome> {
    return this.stream((request) => ({ kind: 'import', request, file, options }), onProgress);
  }

  /** The diagnosis of a kept capture with these response edits. */
  whatIf(capture: number, edits: ReadonlyMap<number, ResponseEdit>, onProgress: (progress: Progress) => void): Running<StreamOutcome> {
    return this.stream((request) => ({ kind: 'what-if', request, capture, edits: [...edits] }), onProgress);
  }

  /** Raw entries of a kept capture, in the order of `indices`. */
  entries(capture: number, indices: readonly number[]): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const request = this.send((id) => ({ kind: 'entries', request: id, capture, indices: [...indices] }), {
        message: (message) => {
          if (message.kind !== 'entries' && message.kind !== 'failed') return;
          this.handlers.delete(request);
          if (message.kind === 'failed') reject(new Error(message.message));
          else if (message.entries === null) reject(new Error('This capture is no longer loaded.'));
          else resolve(message.entries);
        },
        fail: (reason) => reject(new Error(reason)),
      });
    });
  }

  /** Exports a kept capture in the worker; the file comes back as a Blob, ready to download. */
  exportCapture(capture: number, options: WorkerExportOptions, onProgress: (done: number, total: number) => void): Promise<ExportOutcome> {
    return new Promise((resolve) => {
      const request = this.send((id) => ({ kind: 'export', request: id, capture, options }), {
        message: (message) => {
          if (message.kind === 'progress') onProgress(message.progress.done, message.progress.total);
          if (message.kind !== 'exported' && message.kind !== 'failed') return;
          this.handlers.delete(request);
          resolve(message.kind === 'exported' ? message.outcome : { ok: false, error: { message: `The export ${message.message}`, path: '' } });
        },
        fail: (reason) => resolve({ ok: false, error: { message: reason, path: '' } }),
      });
    });
  }

  /** The worker forgets a capture the panel no longer shows. */
  drop(capture: number): void {
    this.port?.post({ kind: 'drop', capture });
  }

  dispose(): void {
    this.port?.terminate();
    this.port = null;
    this.handlers.clear();
  }

  private open(): WorkerPort {
    if (this.port) return this.port;
    const port = this.spawn();
    port.listen(
      (message) => this.handlers.get(message.request)?.message(message),
      (reason) => {
        // A worker that failed (out of memory, most likely) is replaced on the next request; what it held is lost.
        if (this.port === port) this.port = null;
        port.terminate();
        const waiting = [...this.handlers.values()];
        this.handlers.clear();
        for (const handler of waiting) handler.fail(`The diagnosis stopped: ${reason}.`);
      },
    );
    this.port = port;
    return port;
  }

  private send(build: (request: number) => ClientMessage, handler: Handler): number {
    const port = this.open();
    const request = ++this.nextRequest;
    this.handlers.set(request, handler);
    port.post(build(request));
    return request;
  }

  private stream(build: (request: number) => ClientMessage, onProgress: (progress: Progress) => void): Running<StreamOutcome> {
    let request = 0;
    let settled = false;
    const done = new Promise<StreamOutcome>((resolve) => {
      const rows: ExchangeRow[] = [];
      let total = 0;
      let start: Extract<WorkerMessage, { kind: 'start' }> | null = null;
      const finish = (outcome: StreamOutcome) => {
        settled = true;
        this.handlers.delete(request);
        resolve(outcome);
      };
      const complete = async (head: Extract<WorkerMessage, { kind: 'start' }>) => {
        // The last slice arrived in this task: whatever the panel does with the rows starts in a fresh one.
        await nextTask();
        if (!this.handlers.has(request)) return;
        finish({ ok: true, capture: head.capture, entries: head.entries, loaded: { head: head.head, rows } });
      };
      request = this.send(build, {
        message: (message) => {
          switch (message.kind) {
            case 'progress':
              onProgress(message.progress);
              return;
            case 'failed':
              finish({ ok: false, message: message.message });
              return;
            case 'start':
              start = message;
              total = message.exchanges;
              if (total === 0) {
                void complete(message);
                return;
              }
              onProgress({ phase: 'loading', done: 0, total });
              for (let ahead = 0; ahead < SLICES_AHEAD; ahead++) this.port?.post({ kind: 'next', request });
              return;
            case 'slice':
              if (start === null) return;
              for (const row of message.rows) rows.push(row);
              onProgress({ phase: 'loading', done: rows.length, total });
              if (rows.length >= total) void complete(start);
              else this.port?.post({ kind: 'next', request });
              return;
            default:
              return;
          }
        },
        fail: (reason) => finish({ ok: false, message: reason }),
      });
    });
    return {
      done,
      cancel: () => {
        if (settled || !this.handlers.has(request)) return;
        this.handlers.delete(request);
        this.port?.post({ kind: 'cancel', request });
      },
    };
  }
}
