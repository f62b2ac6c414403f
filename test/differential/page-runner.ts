// In-page code of the differential suite, as plain JavaScript source (no transpiler helper may leak into the
// page). RUN_REQUEST makes one scenario's request the way its RequestApi says and reports what the page
// observed, the natural way for that kind; WORKER_SCRIPT is served as /worker.js and /worker-module.js and
// reports back from inside the worker.

/**
 * One outcome per request: { rejected, error?, status?, type?, unobservable? }. `unobservable` marks a kind
 * whose result the page cannot see (sendBeacon): Chromium's CDP verdict decides for it.
 */
export const RUN_REQUEST = `async (spec) => {
  const TIMEOUT = 8000;
  const withTimeout = (promise, what) => Promise.race([
    promise,
    new Promise((done) => setTimeout(() => done({ rejected: true, error: what + ': no load or error event in time' }), TIMEOUT)),
  ]);
  const viaEvents = (element, okEvent, attach) => withTimeout(new Promise((done) => {
    element.addEventListener(okEvent, () => done({ rejected: false, type: element.localName }), { once: true });
    element.addEventListener('error', () => done({ rejected: true, error: element.localName + ' error event' }), { once: true });
    attach(element);
  }), element.localName);
  const crossorigin = (element) => { if (spec.crossorigin !== undefined) element.setAttribute('crossorigin', spec.crossorigin); };

  const once = async () => {
    switch (spec.api) {
      case 'fetch': {
        try {
          const init = { ...spec.init, signal: AbortSignal.timeout(spec.abortAfterMs || 10000) };
          if (spec.keepalive) init.keepalive = true;
          const response = await fetch(spec.url, init);
          try { await response.arrayBuffer(); } catch {}
          return { rejected: false, status: response.status, type: response.type };
        } catch (error) {
          return { rejected: true, error: String(error) };
        }
      }
      case 'xhr':
        return new Promise((done) => {
          const xhr = new XMLHttpRequest();
          xhr.open(spec.init.method ?? 'GET', spec.url);
          for (const [name, value] of Object.entries(spec.init.headers ?? {})) xhr.setRequestHeader(name, value);
          xhr.withCredentials = spec.init.credentials === 'include';
          xhr.timeout = 10000;
          if (spec.uploadListener) xhr.upload.addEventListener('progress', () => {});
          xhr.onload = () => done({ rejected: false, status: xhr.status, type: 'xhr' });
          xhr.onerror = () => done({ rejected: true, error: 'XMLHttpRequest error event' });
          xhr.ontimeout = () => done({ rejected: true, error: 'XMLHttpRequest timeout' });
          xhr.send(spec.init.body ?? null);
        });
      case 'xhr-sync': {
        const xhr = new XMLHttpRequest();
        xhr.open(spec.init.method ?? 'GET', spec.url, false);
        for (const [name, value] of Object.entries(spec.init.headers ?? {})) xhr.setRequestHeader(name, value);
        xhr.withCredentials = spec.init.credentials === 'include';
        try {
          xhr.send(spec.init.body ?? null);
          return { rejected: false, status: xhr.status, type: 'xhr-sync' };
        } catch (error) {
          return { rejected: true, error: String(error) };
        }
      }
      case 'beacon': {
        const type = (spec.init.headers ?? {})['Content-Type'];
        const data = type === undefined ? (spec.init.body ?? null) : new Blob([spec.init.body ?? ''], { type });
        const queued = navigator.sendBeacon(spec.url, data);
        // The page learns only whether the beacon was queued; give it time to reach the network.
        await new Promise((done) => setTimeout(done, 300));
        return queued ? { rejected: false, unobservable: true, type: 'beacon' } : { rejected: true, error: 'sendBeacon returned false' };
      }
      case 'eventsource':
        return withTimeout(new Promise((done) => {
          const source = new EventSource(spec.url, { withCredentials: spec.init.credentials === 'include' });
          let messages = 0;
          source.onmessage = () => {
            messages++;
            if (spec.eventSource === 'close-live') { source.close(); done({ rejected: false, type: 'eventsource' }); }
            if (spec.eventSource === 'reconnect' && messages === 2) { source.close(); done({ rejected: false, type: 'eventsource (reconnected)' }); }
          };
          source.onerror = () => {
            // CLOSED: the connection failed and will not be retried (a CORS or network failure).
            if (source.readyState === EventSource.CLOSED) { done({ rejected: true, error: 'EventSource error, readyState CLOSED after ' + messages + ' message(s)' }); return; }
            // CONNECTING after the stream ended: the browser will reconnect.
            if (spec.eventSource !== 'reconnect' && messages > 0) { source.close(); done({ rejected: false, type: 'eventsource' }); }
          };
        }), 'EventSource');
      case 'img': {
        const image = new Image();
        return viaEvents(image, 'load', (element) => { crossorigin(element); element.src = spec.url; });
      }
      case 'audio': case 'video': {
        const media = document.createElement(spec.api);
        media.preload = 'auto';
        return viaEvents(media, 'loadedmetadata', (element) => { crossorigin(element); element.src = spec.url; document.body.append(element); });
      }
      case 'script': case 'module-script': {
        const script = document.createElement('script');
        if (spec.api === 'module-script') script.type = 'module';
        return viaEvents(script, 'load', (element) => { crossorigin(element); element.src = spec.url; document.head.append(element); });
      }
      case 'stylesheet': case 'modulepreload': case 'preload': {
        const link = document.createElement('link');
        link.rel = spec.api;
        if (spec.api === 'preload') link.as = spec.preloadAs;
        return viaEvents(link, 'load', (element) => { crossorigin(element); element.href = spec.url; document.head.append(element); });
      }
      case 'dynamic-import':
        try {
          await import(spec.url);
          return { rejected: false, type: 'module' };
        } catch (error) {
          return { rejected: true, error: String(error) };
        }
      case 'font-face': case 'font-api': {
        const family = 'lens-' + spec.id;
        let face;
        if (spec.api === 'font-api') {
          face = new FontFace(family, 'url(' + JSON.stringify(spec.url) + ')');
          document.fonts.add(face);
        } else {
          const style = document.createElement('style');
          style.textContent = '@font-face { font-family: "' + family + '"; src: url(' + JSON.stringify(spec.url) + '); }';
          document.head.append(style);
          await new Promise((done) => setTimeout(done, 0));
          face = [...document.fonts].find((candidate) => candidate.family === family || candidate.family === '"' + family + '"');
          if (face === undefined) return { rejected: true, error: 'the @font-face rule produced no FontFace' };
        }
        try {
          await withTimeout(face.load(), 'FontFace.load()');
          return face.status === 'loaded' ? { rejected: false, type: 'font' } : { rejected: true, error: 'FontFace status ' + face.status };
        } catch (error) {
          return { rejected: true, error: String(error) };
        }
      }
      default: {
        // Worker kinds: the page's classic or module worker makes the request and reports.
        const module = spec.api.startsWith('module-worker-');
        const op = spec.api.replace(/^(module-)?worker-/, '');
        return withTimeout(window.__lensWorkers.ask(module ? 'module' : 'classic', { op, url: spec.url, init: spec.init }), 'worker');
      }
    }
  };

  const outcomes = [];
  for (let i = 0; i < spec.repeat; i++) outcomes.push(await once());
  return outcomes;
}`;

/** Starts the page's two workers (classic and module) and a request/answer channel to them. */
export const START_WORKERS = `async (urls) => {
  const workers = { classic: new Worker(urls.classic), module: new Worker(urls.module, { type: 'module' }) };
  let next = 0;
  const pending = new Map();
  for (const worker of Object.values(workers)) {
    worker.onmessage = (event) => { pending.get(event.data.id)?.(event.data.outcome); pending.delete(event.data.id); };
  }
  window.__lensWorkers = {
    ask: (kind, message) => new Promise((done) => {
      const id = ++next;
      pending.set(id, done);
      workers[kind].postMessage({ ...message, id });
    }),
  };
  // Both answer a ping once their script ran.
  await Promise.all(['classic', 'module'].map((kind) => window.__lensWorkers.ask(kind, { op: 'ping' })));
}`;

/** The worker's side: makes the request it is asked for and posts what it observed. */
export const WORKER_SCRIPT = `self.onmessage = async (event) => {
  const { id, op, url, init } = event.data;
  let outcome;
  try {
    if (op === 'ping') {
      outcome = { rejected: false, type: 'ping' };
    } else if (op === 'fetch') {
      const response = await fetch(url, init);
      try { await response.arrayBuffer(); } catch {}
      outcome = { rejected: false, status: response.status, type: response.type };
    } else if (op === 'import-scripts') {
      importScripts(url);
      outcome = { rejected: false, type: 'importScripts' };
    } else if (op === 'dynamic-import') {
      await import(url);
      outcome = { rejected: false, type: 'module' };
    } else {
      outcome = { rejected: true, error: 'unknown worker op ' + op };
    }
  } catch (error) {
    outcome = { rejected: true, error: String(error) };
  }
  self.postMessage({ id, outcome });
};
`;
