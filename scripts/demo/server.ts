// The demo: a page on one loopback origin calling two API origins, so the CORS panel has real traffic
// with real failures. Used by `npm start` and the end-to-end tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_ENDPOINTS, type DemoEndpoint } from './endpoints';

export interface DemoServers {
  /** The page's origin, e.g. http://127.0.0.1:41000 */
  siteOrigin: string;
  /** Same host, another port: cross-origin but same-site. */
  primaryApiOrigin: string;
  /** Another host name: cross-origin. */
  secondaryApiOrigin: string;
  pageUrl: string;
  /** Requests the API servers received, newest last: proof that blocked requests still reached the server. */
  received(): { method: string; path: string }[];
  close(): Promise<void>;
}

export async function startDemo(): Promise<DemoServers> {
  const received: { method: string; path: string }[] = [];
  const api = (which: DemoEndpoint['api']) =>
    createServer((request, response) => {
      received.push({ method: request.method ?? '', path: request.url ?? '' });
      answerApi(which, request, response);
    });
  const servers: Server[] = [];
  try {
    const primary = await listen(api('primary'), '127.0.0.1', servers);
    const secondary = await listen(api('secondary'), '127.0.0.1', servers);
    const primaryApiOrigin = `http://127.0.0.1:${primary}`;
    const secondaryApiOrigin = `http://localhost:${secondary}`;
    const site = await listen(createServer((request, response) => serveSite(request, response, primaryApiOrigin, secondaryApiOrigin)), '127.0.0.1', servers);
    const siteOrigin = `http://127.0.0.1:${site}`;
    return {
      siteOrigin,
      primaryApiOrigin,
      secondaryApiOrigin,
      pageUrl: `${siteOrigin}/`,
      received: () => [...received],
      close: () => closeAll(servers),
    };
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
}

function answerApi(which: DemoEndpoint['api'], request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0];
  const endpoint = DEMO_ENDPOINTS.find((candidate) => candidate.api === which && candidate.path === path);
  const origin = request.headers.origin ?? '*';
  if (!endpoint) return send(response, 404, { 'Content-Type': 'text/plain' }, 'Not found');
  if (request.method === 'OPTIONS') {
    if (!endpoint.preflight) return send(response, 404, { 'Content-Type': 'text/plain' }, 'Cannot OPTIONS ' + path);
    return send(response, endpoint.preflight.status, endpoint.preflight.headers(origin), '');
  }
  // Setting a cookie lets credentialed demo requests really carry one the next time.
  const headers = { ...endpoint.response.headers(origin), 'Set-Cookie': 'demo_session=abc123; Path=/; HttpOnly' };
  const body = endpoint.response.status === 204 ? '' : JSON.stringify({ endpoint: endpoint.path, ok: true });
  send(response, endpoint.response.status, headers, body);
}

function serveSite(request: IncomingMessage, response: ServerResponse, primary: string, secondary: string): void {
  const path = (request.url ?? '/').split('?')[0];
  if (path === '/api/same-origin') {
    return send(response, 200, { 'Content-Type': 'application/json' }, '{"sameOrigin":true}');
  }
  if (path === '/demo.js') {
    const calls = DEMO_ENDPOINTS.map((endpoint) => ({
      url: (endpoint.api === 'primary' ? primary : secondary) + endpoint.path,
      init: {
        method: endpoint.method,
        headers: endpoint.requestHeaders ?? {},
        credentials: endpoint.credentials ?? 'same-origin',
        ...(endpoint.body ? { body: endpoint.body } : {}),
      },
      description: endpoint.description,
    }));
    calls.push({ url: '/api/same-origin', init: { method: 'GET', headers: {}, credentials: 'same-origin' }, description: 'same-origin GET' });
    return send(response, 200, { 'Content-Type': 'text/javascript' }, demoScript(calls));
  }
  if (path === '/' || path === '/index.html') {
    return send(response, 200, { 'Content-Type': 'text/html; charset=utf-8' }, DEMO_PAGE);
  }
  send(response, 404, { 'Content-Type': 'text/plain' }, 'Not found');
}

const DEMO_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CORS Lens demo</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:50em}li{margin:.3em 0}.blocked{color:#c5221f}.allowed{color:#188038}</style>
</head><body>
<h1>CORS Lens demo</h1>
<p>This page calls two API origins. Some calls pass CORS, some fail the way real servers do.
Open DevTools, pick the <strong>CORS</strong> tab, and press the button (or reload) to see why.</p>
<button id="run" type="button">Run the requests again</button>
<ul id="results"></ul>
<script src="/demo.js"></script>
</body></html>`;

function demoScript(calls: { url: string; init: object; description: string }[]): string {
  return `const calls = ${JSON.stringify(calls)};
async function runAll() {
  const list = document.getElementById('results');
  list.replaceChildren();
  await Promise.all(calls.map(async (call) => {
    const item = document.createElement('li');
    list.append(item);
    try {
      const response = await fetch(call.url, call.init);
      item.className = 'allowed';
      item.textContent = call.init.method + ' ' + call.url + ' → ' + response.status + ' (' + call.description + ')';
    } catch (error) {
      item.className = 'blocked';
      item.textContent = call.init.method + ' ' + call.url + ' → TypeError: Failed to fetch (' + call.description + ')';
    }
  }));
  document.body.dataset.done = String(Number(document.body.dataset.done || 0) + 1);
}
document.getElementById('run').addEventListener('click', runAll);
runAll();
`;
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, headers);
  response.end(body);
}

function listen(server: Server, host: string, started: Server[]): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      started.push(server);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

function closeAll(servers: Server[]): Promise<void> {
  return Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    ),
  ).then(() => undefined);
}
