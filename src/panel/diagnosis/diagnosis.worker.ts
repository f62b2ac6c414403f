// Runs the engine off the panel's UI thread, so a 100,000-entry import keeps the panel responsive.
import { diagnose, type DiagnoseOptions } from '../../engine/index';

interface DiagnoseRequest {
  id: number;
  input: unknown;
  options: DiagnoseOptions;
}

self.addEventListener('message', (event: MessageEvent<DiagnoseRequest>) => {
  const { id, input, options } = event.data;
  self.postMessage({ id, result: diagnose(input, options) });
});
