// A busy single-page app for the soak benchmark and the live-session tests: a page on one loopback origin making
// the issue's mix of requests to an API on another, at a steady rate or in bursts. The mix, per 10 requests:
// 6 simple GETs that pass, 1 preflighted PUT that passes, 1 preflighted PUT blocked at its preflight (OPTIONS
// answers 404), 1 GET blocked (no Access-Control-Allow-Origin), 1 same-origin GET. Small JSON bodies,
// /api/<resource>/<id> URLs.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SoakTraffic {
  pageUrl: string;
  apiOrigin: string;
  close(): Promise<void>;
}

/** Which kinds the page makes, in this order, one per request (repeating). */
export type Kind = 'pass' | 'put-pass' | 'put-blocked' | 'get-blocked' | 'same-origin';
export const ISSUE_MIX: readonly Kind[] = ['pass', 'pass', 'put-pass', 'pass', 'get-blocked', 'pass', 'put-blocked', 'pass', 'same-origin', 'pass'];

const body = (id: string) => JSON.stringify({ id, name: `item ${id}`, tags: ['a', 'b'], price: 12.5 });

export async function startSoakTraffic(): Promise<SoakTraffic> {
  const servers: Server[] = [];
  const listen = (server: Server) =>
    new Promise<number>((done, fail) => {
      servers.push(server);
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port));
    });
  let pageOrigin = '';
  const apiPort = await listen(createServer((request, response) => answerApi(request, response, pageOrigin)));
  const apiOrigin = `http://localhost:${apiPort}`;
  const pagePort = await listen(createServer((request, response) => servePage(request, response, apiOrigin)));
  pageOrigin = `http://127.0.0.1:${pagePort}`;
  for (const server of servers) server.keepAliveTimeout = 60_000;
  return {
    pageUrl: `${pageOrigin}/`,
    apiOrigin,
    close: () => Promise.all(servers.map((server) => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }))).then(() => undefined),
  };
}

function answerApi(request: IncomingMessage, response: ServerResponse, pageOrigin: string): void {
  const [, , resource = '', id = ''] = (request.url ?? '/').split('?')[0]!.split('/');
  const cors = { 'Access-Control-Allow-Origin': pageOrigin, Vary: 'Origin' };
  if (request.method === 'OPTIONS') {
    if (resource === 'locked') return send(response, 404, { 'Content-Type': 'text/plain' }, 'no OPTIONS route');
    return send(response, 204, { ...cors, 'Access-Control-Allow-Methods': 'GET, PUT', 'Access-Control-Allow-Headers': 'content-type' }, '');
  }
  request.resume();
  if (resource === 'private') return send(response, 200, { 'Content-Type': 'application/json' }, body(id));
  return send(response, 200, { ...cors, 'Content-Type': 'application/json' }, body(id));
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, text: string): void {
  response.writeHead(status, headers);
  response.end(text);
}

function servePage(request: IncomingMessage, response: ServerResponse, apiOrigin: string): void {
  const path = (request.url ?? '/').split('?')[0]!;
  if (path.startsWith('/api/')) return send(response, 200, { 'Content-Type': 'application/json' }, body(path.split('/')[3] ?? ''));
  send(response, 200, { 'Content-Type': 'text/html; charset=utf-8' }, page(apiOrigin));
}

function page(apiOrigin: string): string {
  return `<!doctype html><meta charset="utf-8"><title>Soak</title><body><script>
const API = ${JSON.stringify(apiOrigin)};
const MIX = ${JSON.stringify(ISSUE_MIX)};
let sequence = 0;
window.__stats = { issued: 0, settled: 0, lastSettledAt: 0, kinds: {} };
function one(kinds) {
  const id = sequence++;
  const kind = kinds[id % kinds.length];
  const json = { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"quantity":1}' };
  const request =
    kind === 'pass' ? fetch(API + '/api/items/' + id)
    : kind === 'put-pass' ? fetch(API + '/api/orders/' + id, json)
    : kind === 'put-blocked' ? fetch(API + '/api/locked/' + id, json)
    : kind === 'get-blocked' ? fetch(API + '/api/private/' + id)
    : fetch('/api/local/' + id);
  __stats.issued++;
  __stats.kinds[kind] = (__stats.kinds[kind] || 0) + 1;
  request.then((response) => response.text()).catch(() => undefined).finally(() => {
    __stats.settled++;
    __stats.lastSettledAt = Date.now();
  });
}
/** Makes count requests: steady (rate per second) or in bursts of burst with pauseMs between; resolves once all settled. */
window.__run = ({ count, mode, rate = 150, burst = 300, pauseMs = 1000, kinds = MIX }) => new Promise((done) => {
  let left = count;
  const settled = () => (__stats.settled >= __stats.issued ? done(__stats.lastSettledAt) : setTimeout(settled, 10));
  if (mode === 'steady') {
    const started = performance.now();
    let made = 0;
    const tick = () => {
      const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate));
      while (made < due) { one(kinds); made++; }
      if (made < count) setTimeout(tick, 10); else settled();
    };
    tick();
  } else {
    const next = () => {
      const n = Math.min(burst, left);
      for (let i = 0; i < n; i++) one(kinds);
      left -= n;
      if (left > 0) setTimeout(next, pauseMs); else settled();
    };
    next();
  }
});
</script>`;
}
