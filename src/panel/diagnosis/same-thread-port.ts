// Where no Web Worker exists (tests in happy-dom, an unusual host), the diagnosis runs on the panel's thread
// behind the same protocol: every message is delivered in a later task, as postMessage delivers it.
import { CaptureHost } from './capture-host';
import type { WorkerPort } from './capture-client';
import type { WorkerMessage } from './capture-protocol';

export function sameThreadPort(): WorkerPort {
  let deliver: ((message: WorkerMessage) => void) | null = null;
  let stopped = false;
  const host = new CaptureHost((message) => {
    setTimeout(() => {
      if (!stopped) deliver?.(message);
    }, 0);
  });
  return {
    post: (message) => {
      setTimeout(() => {
        if (!stopped) void host.handle(message);
      }, 0);
    },
    listen: (onMessage) => {
      deliver = onMessage;
    },
    terminate: () => {
      stopped = true;
    },
  };
}
