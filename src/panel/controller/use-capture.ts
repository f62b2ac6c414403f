// The capture controller as Preact sees it: one hook, one controller per source, re-rendered when what it
// shows changes; unmounting aborts it (listeners, timers and the worker go).
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { HarSource } from '../../platform/har-source';
import { workerPort, type WorkerPort } from '../diagnosis/capture-client';
import { sameThreadPort } from '../diagnosis/same-thread-port';
import { createDiagnosisWorker } from '../diagnosis/worker';
import { CaptureController, type CaptureView, type ControllerOptions } from './capture-controller';

/** The diagnosis worker, or the same protocol on this thread where there are no workers. */
export const defaultSpawn = (): WorkerPort => (typeof Worker !== 'undefined' ? workerPort(createDiagnosisWorker()) : sameThreadPort());

export function useCapture(source: HarSource, options: Partial<ControllerOptions> = {}): { view: CaptureView; controller: CaptureController } {
  const controller = useMemo(() => new CaptureController(source, { spawn: defaultSpawn, ...options }), [source]);
  const [state, setState] = useState<{ controller: CaptureController; view: CaptureView }>(() => ({ controller, view: controller.get() }));
  useEffect(() => {
    const abort = new AbortController();
    const stop = controller.subscribe(() => setState({ controller, view: controller.get() }));
    controller.start(abort.signal);
    // What the bench and the end-to-end tests read from outside: the panel's own figures, and each row's verdict
    // (the Firefox differential suite compares every row with Firefox's own verdict). It stays in the panel's page,
    // which only DevTools and the tests' privileged drivers reach.
    (globalThis as { __corsLens?: unknown }).__corsLens = {
      snapshots: () => controller.snapshots,
      rows: () => controller.get().rows.length,
      browser: () => controller.browser,
      verdicts: () => controller.get().rows.map((row) => ({ method: row.method, url: row.url, verdict: row.verdict, corsError: row.corsError, entries: row.entryCount })),
    };
    return () => {
      stop();
      abort.abort();
    };
  }, [controller]);
  return { view: state.controller === controller ? state.view : controller.get(), controller };
}
