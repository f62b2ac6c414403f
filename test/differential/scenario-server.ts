// Loopback servers for the differential suite: one node:http handler behind three origins, answering each
// scenario's URLs from the table in scenarios.ts, plus the runner page on the page origin.
//
//   page  http://127.0.0.1:<A>   runner page, same-origin scenarios, first hop of same-origin redirects
//   api   http://127.0.0.1:<B>   same-site cross-origin API (cookies for 127.0.0.1 reach it)
//   alt   http://localhost:<C>   cross-site API (listens on 127.0.0.1 and, when available, ::1)
//   audit http://127.0.0.1:<E>  the audit API: a server whose scenarios echo Origin (security audit cases)
//   closed http://127.0.0.1:<D>  a port that was free a moment ago and has no listener
//
// The runner page is served on page, api and alt (/runner) so scenarios can fetch from iframes of other
// origins, and on page with a Content-Security-Policy (/runner-csp).
import { readFileSync } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FrameKey, OriginKey, ResponseSpec, Scenario } from './scenarios';
import { WORKER_SCRIPT } from './page-runner';

/** The scenario targets, plus the two public runner origins (frames only; no scenario targets them). */
type ServerKey = OriginKey | 'public' | 'publicGranted';
export type Origins = Record<ServerKey, string>;

/** What the server saw: one line per request, for the record and for debugging a surprising verdict. */
export interface ServedRequest {
  origin: ServerKey;
  method: string;
  path: string;
  headers: Record<string, string>;
  status: number | 'destroyed';
}

export interface ScenarioServer {
  origins: Origins;
  /** The URL the page fetches for a scenario (hop 0). */
  urlOf(scenario: Scenario): string;
  runnerUrl: string;
  /** The classic and module worker scripts (page origin) the worker scenarios run in. */
  workerUrls: { classic: string; module: string };
  /** Chromium's --ip-address-space-overrides value: both public runners' ports public, the lan port private. */
  addressSpaceOverrides: string;
  /** The runner page of each iframe a scenario may fetch from (RequestSpec.from / alsoFrom). */
  frameUrls: Record<Exclude<FrameKey, 'page'>, string>;
  /** The API-origin URL whose response sets the cookie credentialed scenarios send. */
  cookieUrl: string;
  log(): ServedRequest[];
  close(): Promise<void>;
}

/** 200 bytes of safelisted characters for the "longer than 128 bytes" scenarios. */
export const LONG_VALUE = 'text/plain,' + 'a'.repeat(189);

const RUNNER_HTML = `<!doctype html>
<meta charset="utf-8">
<title>CORS Lens differential runner</title>
<p>The differential test drives fetch() from this page with page.evaluate; nothing runs on its own.</p>
`;

/** A real font (see test/fixtures/fonts/SOURCES.md): Chromium's font sanitizer rejects anything else. */
const FONT = readFileSync(resolve(import.meta.dirname, '../fixtures/fonts/RobotoSlab-Regular.woff2'));
/** A 1×1 GIF. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
/** 0.1 s of silence as 8 kHz 8-bit mono PCM WAV: enough for loadedmetadata on <audio> and <video>. */
const WAV = (() => {
  const samples = 800;
  const out = Buffer.alloc(44 + samples, 0x80);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + samples, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(8000, 24);
  out.writeUInt32LE(8000, 28);
  out.writeUInt16LE(1, 32);
  out.writeUInt16LE(8, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(samples, 40);
  return out;
})();

type Content = { type: string; body: string | Buffer };

/** What a 2xx answer carries when the table gives no body: whatever the requesting kind can load. */
function contentFor(scenario: Scenario): Content {
  const request = scenario.request;
  const kind = request.api === 'preload' ? `preload-${request.preloadAs ?? 'fetch'}` : (request.api ?? 'fetch');
  switch (kind) {
    case 'img': case 'preload-image':
      return { type: 'image/gif', body: GIF };
    case 'audio': case 'video':
      return { type: 'audio/wav', body: WAV };
    case 'script': case 'module-script': case 'dynamic-import': case 'modulepreload': case 'preload-script':
    case 'worker-import-scripts': case 'worker-dynamic-import': case 'module-worker-dynamic-import':
      return { type: 'text/javascript', body: `void 'scenario ${scenario.id}';\n` };
    case 'stylesheet': case 'preload-style':
      return { type: 'text/css', body: `/* scenario ${scenario.id} */ html { color: inherit; }\n` };
    case 'font-face': case 'font-api': case 'preload-font':
      return { type: 'font/woff2', body: FONT };
    case 'preload-track':
      return { type: 'text/vtt', body: 'WEBVTT\n\n00:00.000 --> 00:01.000\nscenario\n' };
    case 'eventsource':
      // A reconnection waits `retry` ms; the others keep the browser from reconnecting while the page reads.
      return {
        type: 'text/event-stream',
        body: `retry: ${request.eventSource === 'reconnect' ? 100 : 60000}\nid: 7\ndata: scenario ${scenario.id}\n\n`,
      };
    default:
      return { type: 'text/plain; charset=utf-8', body: '' };
  }
}

export async function startScenarioServer(scenarios: readonly Scenario[]): Promise<ScenarioServer> {
  const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario]));
  if (byId.size !== scenarios.length) throw new Error('Duplicate scenario id in the table.');
  const served: ServedRequest[] = [];
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const origins: Partial<Origins> = {};

  /** Decides the answer to one request; both the node:http handler and the raw-socket fallback use it. */
  const plan = (key: ServerKey, method: string, path: string, headers: Record<string, string>): Plan => {
    const match = /^\/s\/([a-zA-Z0-9_-]+)\/(\d+)$/.exec(path);
    if (!match) {
      if ((key === 'page' && path === '/') || ((key === 'page' || key === 'api' || key === 'alt' || key === 'public' || key === 'publicGranted') && path === '/runner')) {
        return { status: 200, headers: [['Content-Type', 'text/html; charset=utf-8'], ['Cache-Control', 'no-store']], body: RUNNER_HTML };
      }
      if (key === 'page' && (path === '/worker.js' || path === '/worker-module.js')) {
        return { status: 200, headers: [['Content-Type', 'text/javascript'], ['Cache-Control', 'no-store']], body: WORKER_SCRIPT };
      }
      if (key === 'page' && path === '/runner-csp') {
        return {
          status: 200,
          headers: [['Content-Type', 'text/html; charset=utf-8'], ['Cache-Control', 'no-store'], ['Content-Security-Policy', "connect-src 'self'"]],
          body: RUNNER_HTML,
        };
      }
      if (key === 'api' && path.startsWith('/setup/cookie')) {
        // Sets a default (SameSite=Lax) cookie for host 127.0.0.1; the page and API origins share it.
        return {
          status: 200,
          headers: [
            ['Access-Control-Allow-Origin', origins.page ?? ''],
            ['Access-Control-Allow-Credentials', 'true'],
            ['Set-Cookie', 'lens_session=differential; Path=/; HttpOnly'],
            ['Cache-Control', 'no-store'],
          ],
          body: 'cookie set',
        };
      }
      return { status: 404, headers: [['Content-Type', 'text/plain']], body: 'not found' };
    }
    const scenario = byId.get(match[1] ?? '');
    const hop = Number(match[2]);
    if (!scenario) return { status: 404, headers: [], body: 'unknown scenario' };
    const spec: ResponseSpec | undefined =
      method === 'OPTIONS' && headers['access-control-request-method'] !== undefined
        ? (scenario.preflight ?? { status: 405, body: 'OPTIONS not routed' })
        : hop === 0 && scenario.reconnect !== undefined && headers['last-event-id'] !== undefined
          ? scenario.reconnect
        : scenario.actual
          ? scenario.actual[hop]
          : hop === 0
            ? {}
            : undefined;
    if (!spec) return { status: 404, headers: [], body: 'no such hop' };
    if (spec.destroy) return 'destroy';
    const status = spec.status ?? (spec.redirect ? 302 : 200);
    const lines: Array<[string, string]> = [];
    for (const [name, value] of spec.headers ?? []) lines.push([name, substitute(value, origins as Origins, headers.origin)]);
    if (spec.redirect) {
      const self = `${(origins as Origins)[key]}${path}`;
      const location = spec.redirect.location
        ?.replaceAll('$SELF_HTTPS', self.replace(/^http:/, 'https:'))
        .replaceAll('$SELF', self);
      const target = new URL(
        location === undefined ? `${(origins as Origins)[spec.redirect.to]}/s/${scenario.id}/${hop + 1}` : substitute(location, origins as Origins, headers.origin),
      );
      if (spec.redirect.userinfo) {
        const [user, password] = spec.redirect.userinfo.split(':');
        target.username = user ?? '';
        target.password = password ?? '';
      }
      lines.push(['Location', target.href]);
    }
    const isPreflight = method === 'OPTIONS' && headers['access-control-request-method'] !== undefined;
    const content: Content = spec.body !== undefined || spec.redirect || isPreflight || status >= 300
      ? { type: 'text/plain; charset=utf-8', body: spec.body ?? `scenario ${scenario.id} hop ${hop}\n` }
      : contentFor(scenario);
    const body = status === 204 || status === 304 || method === 'HEAD' ? '' : content.body === '' ? `scenario ${scenario.id} hop ${hop}\n` : content.body;
    if (body !== '' && !lines.some(([name]) => name.toLowerCase() === 'content-type')) lines.push(['Content-Type', content.type]);
    return { status, headers: lines, body, delayMs: spec.delayMs ?? 0, keepOpen: spec.keepOpen ?? false };
  };

  const handler = (key: ServerKey) => (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    const method = request.method ?? 'GET';
    const headers = flatHeaders(request.rawHeaders);
    // Drain bodies so keep-alive sockets stay usable.
    request.resume();
    const answer = plan(key, method, path, headers);
    served.push({ origin: key, method, path, headers, status: answer === 'destroy' ? 'destroyed' : answer.status });
    if (answer === 'destroy') {
      request.socket.destroy();
      return;
    }
    const send = () => {
      if (response.destroyed) return;
      // writeHead with a flat [name, value, name, value, …] array keeps repeated names as separate lines.
      response.writeHead(answer.status, answer.headers.flat());
      if (answer.keepOpen) response.write(answer.body);
      else response.end(answer.body);
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
    else send();
  };

  /**
   * node:http rejects methods it does not know (a lower-case `patch` is sent as is by Chromium: only DELETE,
   * GET, HEAD, OPTIONS, POST and PUT are normalized). Such requests arrive here as a parse error with the raw
   * bytes; answer them from the table over the raw socket, as a lenient server would.
   */
  const rawFallback = (key: ServerKey) => (error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    const raw = error.rawPacket?.toString('latin1') ?? '';
    const [head = ''] = raw.split('\r\n\r\n');
    const [requestLine = '', ...headerLines] = head.split('\r\n');
    const [method = '', path = ''] = requestLine.split(' ');
    if (error.code !== 'HPE_INVALID_METHOD' || !/^[a-z]+$/.test(method) || !socket.writable) {
      socket.destroy();
      return;
    }
    const rawHeaders = headerLines.flatMap((line) => {
      const colon = line.indexOf(':');
      return colon > 0 ? [line.slice(0, colon).trim(), line.slice(colon + 1).trim()] : [];
    });
    const headers = flatHeaders(rawHeaders);
    const answer = plan(key, method, path, headers);
    served.push({ origin: key, method, path, headers, status: answer === 'destroy' ? 'destroyed' : answer.status });
    if (answer === 'destroy') {
      socket.destroy();
      return;
    }
    const body = Buffer.from(answer.body);
    const lines = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Status'}`];
    for (const [name, value] of answer.headers) lines.push(`${name}: ${value}`);
    lines.push(`Content-Length: ${body.length}`, 'Connection: close', '', '');
    socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
  };

  const listen = (key: ServerKey, host: string, port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer(handler(key));
      server.keepAliveTimeout = 1000;
      server.on('clientError', rawFallback(key));
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        servers.push(server);
        resolve(server);
      });
    });
  const portOf = (server: Server) => (server.address() as AddressInfo).port;

  try {
    const page = await listen('page', '127.0.0.1', 0);
    origins.page = `http://127.0.0.1:${portOf(page)}`;
    const api = await listen('api', '127.0.0.1', 0);
    origins.api = `http://127.0.0.1:${portOf(api)}`;
    const alt = await listen('alt', '127.0.0.1', 0);
    const altPort = portOf(alt);
    origins.alt = `http://localhost:${altPort}`;
    // Chromium resolves localhost itself and may try ::1 first; answer there too when the host has IPv6.
    await listen('alt', '::1', altPort).catch(() => undefined);
    const audit = await listen('audit', '127.0.0.1', 0);
    origins.audit = `http://127.0.0.1:${portOf(audit)}`;
    const lan = await listen('lan', '127.0.0.1', 0);
    origins.lan = `http://127.0.0.1:${portOf(lan)}`;
    const publicRunner = await listen('public', '127.0.0.1', 0);
    origins.public = `http://127.0.0.1:${portOf(publicRunner)}`;
    const grantedRunner = await listen('publicGranted', '127.0.0.1', 0);
    origins.publicGranted = `http://127.0.0.1:${portOf(grantedRunner)}`;
    // A port with no listener: bind, read the port, close.
    const probe = await listen('closed', '127.0.0.1', 0);
    const closedPort = portOf(probe);
    await new Promise<void>((done) => probe.close(() => done()));
    servers.splice(servers.indexOf(probe), 1);
    origins.closed = `http://127.0.0.1:${closedPort}`;
  } catch (error) {
    await closeAll(servers, sockets);
    throw error;
  }
  const complete = origins as Origins;
  return {
    origins: complete,
    urlOf: (scenario) => `${complete[scenario.request.target]}/s/${scenario.id}/0`,
    runnerUrl: `${complete.page}/runner`,
    workerUrls: { classic: `${complete.page}/worker.js`, module: `${complete.page}/worker-module.js` },
    frameUrls: {
      api: `${complete.api}/runner`, alt: `${complete.alt}/runner`, csp: `${complete.page}/runner-csp`,
      public: `${complete.public}/runner`, 'public-allowed': `${complete.publicGranted}/runner`,
    },
    addressSpaceOverrides: `${new URL(complete.public).host}=public,${new URL(complete.publicGranted).host}=public,${new URL(complete.lan).host}=private`,
    cookieUrl: `${complete.api}/setup/cookie`,
    log: () => [...served],
    close: () => closeAll(servers, sockets),
  };
}

type Plan = 'destroy' | { status: number; headers: Array<[string, string]>; body: string | Buffer; delayMs?: number; keepOpen?: boolean };

function substitute(value: string, origins: Origins, requestOrigin: string | undefined): string {
  return value
    .replaceAll('$PAGE_UPPER_SCHEME', origins.page.replace(/^http:/, 'HTTP:'))
    .replaceAll('$PAGE', origins.page)
    .replaceAll('$API', origins.api)
    .replaceAll('$ALT', origins.alt)
    .replaceAll('$AUDIT', origins.audit)
    .replaceAll('$ORIGIN', requestOrigin ?? '')
    .replaceAll('$LONG', LONG_VALUE);
}

/** Substitutes origin tokens in request header values (the page side of the table). */
export function substituteRequestValue(value: string): string {
  return value.replaceAll('$LONG', LONG_VALUE);
}

function flatHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}

async function closeAll(servers: Server[], sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
  servers.length = 0;
}

/** The fetch() options a scenario's request is made with (headers with their origin tokens substituted). */
export function fetchInit(scenario: Scenario): Record<string, unknown> {
  const { method, headers, credentials, mode, redirect, body } = scenario.request;
  const init: Record<string, unknown> = {};
  if (method !== undefined) init.method = method;
  if (headers !== undefined) {
    init.headers = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, substituteRequestValue(value)]));
  }
  if (credentials !== undefined) init.credentials = credentials;
  if (mode !== undefined) init.mode = mode;
  if (redirect !== undefined) init.redirect = redirect;
  if (body !== undefined) init.body = body;
  return init;
}

/**
 * What the runner page's RUN_REQUEST (page-runner.ts) is given to make a scenario's request at `url`: the same in
 * every browser, except the Local Network Access target Chromium alone takes.
 */
export function runnerSpec(scenario: Scenario, url: string): Record<string, unknown> {
  const { api = 'fetch', crossorigin, preloadAs, eventSource, keepalive, targetAddressSpace } = scenario.request;
  return {
    id: scenario.id,
    url,
    init: targetAddressSpace === undefined ? fetchInit(scenario) : { ...fetchInit(scenario), targetAddressSpace },
    repeat: scenario.request.repeat ?? 1,
    uploadListener: scenario.request.xhrUploadListener ?? false,
    abortAfterMs: scenario.request.abortAfterMs ?? 0,
    api, crossorigin, preloadAs, eventSource, keepalive,
  };
}
