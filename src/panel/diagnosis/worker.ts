/** The one diagnosis worker script; Vite bundles it as its own chunk (diagnosis.worker-*.js), loaded on first use. */
export const createDiagnosisWorker = (): Worker => new Worker(new URL('./diagnosis.worker.ts', import.meta.url), { type: 'module' });
