import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { diagnose, type DiagnoseOptions, type DiagnoseResult } from '../../engine/index';
import type { WorkerMessage } from './capture-protocol';
import { createDiagnosisWorker } from './worker';

/** Below this many entries the engine runs inline: a worker round trip would cost more than it saves. */
export const WORKER_THRESHOLD = 1_500;

export interface Diagnosis {
  result: DiagnoseResult;
  /** True while this input is being diagnosed in the background; `result` then belongs to an earlier input. */
  pending: boolean;
  /** How many entries the pending diagnosis covers, for the progress message. */
  pendingEntries: number;
}

/** The diagnosis of an empty capture: shown before the first result of a background diagnosis. */
export const EMPTY_DIAGNOSIS: DiagnoseResult = diagnose([]);

/**
 * Diagnoses `input` (an array of HAR entries, or a parsed file) and keeps the last result on screen while a
 * newer one is computed. Large inputs go to a Web Worker when the platform has one.
 */
export function useDiagnosis(input: unknown, entryCount: number, options: DiagnoseOptions): Diagnosis {
  const useWorker = entryCount >= WORKER_THRESHOLD && typeof Worker !== 'undefined';
  const inline = useMemo(() => (useWorker ? null : diagnose(input, options)), [useWorker, input, options.sourceKind, options.sourceName]);
  const [background, setBackground] = useState<{ result: DiagnoseResult; input: unknown } | null>(null);
  const worker = useRef<Worker | null>(null);
  const nextId = useRef(0);

  useEffect(() => () => worker.current?.terminate(), []);

  useEffect(() => {
    if (!useWorker) return;
    worker.current ??= createDiagnosisWorker();
    const request = ++nextId.current;
    const onMessage = (event: MessageEvent<WorkerMessage>) => {
      // Only the newest request's answer is shown; older ones finished too late to matter.
      if (event.data.request !== nextId.current) return;
      if (event.data.kind === 'diagnosed') setBackground({ result: event.data.result, input });
      if (event.data.kind === 'failed') setBackground({ result: { ok: false, error: { message: `The capture ${event.data.message}`, path: '' } }, input });
    };
    worker.current.addEventListener('message', onMessage);
    worker.current.postMessage({ kind: 'diagnose', request, input, options });
    return () => worker.current?.removeEventListener('message', onMessage);
  }, [useWorker, input, options.sourceKind, options.sourceName]);

  if (inline) return { result: inline, pending: false, pendingEntries: 0 };
  return {
    result: background?.result ?? EMPTY_DIAGNOSIS,
    pending: background?.input !== input,
    pendingEntries: entryCount,
  };
}
