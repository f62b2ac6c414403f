// Runs the engine off the panel's UI thread, so a 100,000-entry import keeps the panel responsive: whole
// diagnoses for the live capture and inline what-if edits, and large imports kept here (see capture-host.ts).
import { CaptureHost } from './capture-host';
import type { ClientMessage, WorkerMessage } from './capture-protocol';

const host = new CaptureHost((message: WorkerMessage) => self.postMessage(message));

self.addEventListener('message', (event: MessageEvent<ClientMessage>) => {
  void host.handle(event.data);
});
