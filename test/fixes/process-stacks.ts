/**
 * Real servers of the stacks that do not run inside this Node process: Flask, Django, FastAPI, Rails
 * (rack-cors), Go (rs/cors and net/http alone), Apache httpd, Caddy and Cloudflare's workerd. Each is the same
 * small application as the Node stacks' (GET/PUT/DELETE /data, GET /private behind an Authorization check that
 * answers 401, GET /error failing through the framework's error path, no OPTIONS route), written in the stack's
 * own language, with a generated snippet pasted verbatim where the snippet says it goes — or nothing there (the
 * "bare" server, which must be blocked, so that the snippet is what makes the request pass).
 *
 * Proxies (Apache, Caddy) forward to the plain Node backend of stack-servers.ts, like nginx. Everything runs
 * under a temp directory; the runtimes are Debian's packages and workerd from npm (see .ci/run).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { StackId } from '../../src/engine/index';
import { freePort } from './stack-servers';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
export const PYTHON = '/usr/bin/python3';
export const GO = '/usr/bin/go';
export const GOPATH = '/usr/share/gocode';
export const APACHE = '/usr/sbin/apache2';
export const APACHE_MODULES = '/usr/lib/apache2/modules';
export const CADDY = '/usr/bin/caddy';
export const RUBY = '/usr/bin/ruby';
export const WORKERD = join(ROOT, 'node_modules/.bin/workerd');
export const NEXT = join(ROOT, 'node_modules/next/dist/bin/next');
/** Next.js resolves `next` from the application's folder upwards, and compiles nothing under node_modules: its sites are built in .cache/ (git-ignored). */
const NEXT_SITES = join(ROOT, '.cache/next-sites');

/** One way a stack's snippet is run: Go's snippet holds two handlers (rs/cors, net/http alone), run separately. */
export type ProcessTarget = 'flask' | 'django' | 'fastapi' | 'rails' | 'go-rs-cors' | 'go-net-http' | 'apache' | 'caddy' | 'cloudflare-workers' | 'nextjs';

/** The fix-pack stack id (src/engine/fixes/stacks/) each target verifies. */
export const TARGET_STACK: Record<ProcessTarget, StackId> = {
  flask: 'flask',
  django: 'django',
  fastapi: 'fastapi',
  rails: 'rails',
  'go-rs-cors': 'go',
  'go-net-http': 'go',
  apache: 'apache',
  caddy: 'caddy',
  'cloudflare-workers': 'cloudflare-workers',
  nextjs: 'nextjs',
};

export const PROCESS_TARGETS = Object.keys(TARGET_STACK) as ProcessTarget[];

/** The targets that are proxies in front of the Node backend (its `?layer=app` answers carry their own header). */
export const PROXY_TARGETS: readonly ProcessTarget[] = ['apache', 'caddy'];

export interface Site {
  /** The generated snippet, or null for the bare application. */
  readonly code: string | null;
}

export interface Started {
  /** One origin per site, in order. */
  readonly origins: string[];
  close(): Promise<void>;
}

// ── processes ──

interface Child {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function launch(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  let output = '';
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, output: () => output, stop };
}

/** Waits for the "LISTENING <port>" line the harness programs print once bound to an ephemeral port. */
async function listeningPort(child: Child, what: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /LISTENING (\d+)/.exec(child.output());
    if (match) return Number(match[1]);
    if (child.child.exitCode !== null) throw new Error(`${what} exited (${child.child.exitCode}):\n${child.output()}`);
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`${what} did not start:\n${child.output()}`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Waits until every port answers HTTP. */
async function answering(ports: readonly number[], child: Child, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    for (;;) {
      if (child.child.exitCode !== null) throw new Error(`${what} exited (${child.child.exitCode}):\n${child.output()}`);
      const ok = await fetch(`http://127.0.0.1:${port}/data`).then(() => true, () => false);
      if (ok) break;
      if (Date.now() > deadline) {
        await child.stop();
        throw new Error(`${what} did not answer on ${port}:\n${child.output()}`);
      }
      await new Promise((done) => setTimeout(done, 50));
    }
  }
}

/** Runs at most `limit` of the jobs at once (2 cores shared: process start-up is the cost). */
async function pooled<T>(jobs: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await (jobs[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

function tempDir(stack: string): { dir: string; remove(): void } {
  if (stack === 'nextjs') mkdirSync(NEXT_SITES, { recursive: true });
  const dir = mkdtempSync(stack === 'nextjs' ? join(NEXT_SITES, 'run-') : join(tmpdir(), `cors-lens-${stack}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }) };
}

/** One process per site (the framework's app object is a module-level singleton). */
async function perSite(stack: string, sites: readonly Site[], start: (site: Site, dir: string) => Promise<{ port: number; stop(): Promise<void> }>, limit = 3): Promise<Started> {
  const temp = tempDir(stack);
  const stops: Array<() => Promise<void>> = [];
  const close = async () => {
    await Promise.all(stops.map((stop) => stop()));
    temp.remove();
  };
  try {
    const ports = await pooled(sites.map((site, index) => async () => {
      const dir = join(temp.dir, String(index));
      await run('mkdir', ['-p', dir]);
      const started = await start(site, dir);
      stops.push(started.stop);
      return started.port;
    }), limit);
    return { origins: ports.map((port) => `http://127.0.0.1:${port}`), close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

async function startProgram(what: string, command: string, args: readonly string[], dir: string, env: NodeJS.ProcessEnv = {}): Promise<{ port: number; stop(): Promise<void> }> {
  const child = launch(command, args, { cwd: dir, env });
  try {
    const port = await listeningPort(child, what);
    await answering([port], child, what);
    return { port, stop: child.stop };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

// ── Python ──

const PY_SERVE_WSGI = [
  'if __name__ == "__main__":',
  '    import socketserver, sys',
  '    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server',
  '    class Quiet(WSGIRequestHandler):',
  '        def log_message(self, *args):',
  '            pass',
  '    class Threaded(socketserver.ThreadingMixIn, WSGIServer):',
  '        daemon_threads = True',
  '    server = make_server("127.0.0.1", 0, APPLICATION, server_class=Threaded, handler_class=Quiet)',
  '    print("LISTENING", server.server_port, flush=True)',
  '    server.serve_forever()',
];

export function flaskSource(code: string | null): string {
  return [
    'from flask import Flask, jsonify, request',
    '',
    'app = Flask(__name__)',
    '# ── CORS ──',
    code ?? '',
    '# ── application ──',
    '@app.before_request',
    'def authenticate():',
    '    if request.path == "/private" and "Authorization" not in request.headers:',
    '        return jsonify(error="unauthorized"), 401',
    '',
    '@app.route("/data", methods=["GET", "PUT", "DELETE"])',
    'def data():',
    '    return jsonify(ok=True)',
    '',
    '@app.route("/private")',
    'def private():',
    '    return jsonify(ok=True)',
    '',
    '@app.route("/error")',
    'def error():',
    '    raise RuntimeError("boom")',
    '',
    'APPLICATION = app',
    ...PY_SERVE_WSGI,
    '',
  ].join('\n');
}

/** Django: settings.py is the snippet followed by the application's own settings (merged into its lists). */
export function djangoSources(code: string | null): Record<string, string> {
  return {
    'settings.py': [
      '# ── CORS ──',
      code ?? '',
      '# ── application ──',
      'INSTALLED_APPS = [*globals().get("INSTALLED_APPS", []), "django.contrib.contenttypes"]',
      'MIDDLEWARE = [*globals().get("MIDDLEWARE", []), "app.authenticate", "django.middleware.common.CommonMiddleware"]',
      'SECRET_KEY = "cors-lens-test"',
      'DEBUG = False',
      'ALLOWED_HOSTS = ["127.0.0.1", "localhost"]',
      'ROOT_URLCONF = "app"',
      'USE_TZ = True',
      'LOGGING_CONFIG = None',
      '',
    ].join('\n'),
    'app.py': [
      'from django.http import JsonResponse',
      'from django.urls import path',
      '',
      'def authenticate(get_response):',
      '    def middleware(request):',
      '        if request.path == "/private" and "HTTP_AUTHORIZATION" not in request.META:',
      '            return JsonResponse({"error": "unauthorized"}, status=401)',
      '        return get_response(request)',
      '    return middleware',
      '',
      'def data(request):',
      '    if request.method not in ("GET", "PUT", "DELETE"):',
      '        return JsonResponse({"error": "method not allowed"}, status=405)',
      '    return JsonResponse({"ok": True})',
      '',
      'def private(request):',
      '    return JsonResponse({"ok": True})',
      '',
      'def error(request):',
      '    raise RuntimeError("boom")',
      '',
      'urlpatterns = [path("data", data), path("private", private), path("error", error)]',
      '',
    ].join('\n'),
    'serve.py': [
      'import os',
      'os.environ["DJANGO_SETTINGS_MODULE"] = "settings"',
      'from django.core.wsgi import get_wsgi_application',
      'APPLICATION = get_wsgi_application()',
      ...PY_SERVE_WSGI,
      '',
    ].join('\n'),
  };
}

export function fastapiSource(code: string | null): string {
  return [
    'from typing import Optional',
    'from fastapi import Depends, FastAPI, Header, HTTPException',
    '',
    'app = FastAPI()',
    '# ── CORS ──',
    code ?? '',
    '# ── application ──',
    'def authenticate(authorization: Optional[str] = Header(default=None)):',
    '    if authorization is None:',
    '        raise HTTPException(status_code=401, detail="unauthorized")',
    '',
    '@app.api_route("/data", methods=["GET", "PUT", "DELETE"])',
    'def data():',
    '    return {"ok": True}',
    '',
    '@app.get("/private", dependencies=[Depends(authenticate)])',
    'def private():',
    '    return {"ok": True}',
    '',
    '@app.get("/error")',
    'def error():',
    '    raise RuntimeError("boom")',
    '',
    'if __name__ == "__main__":',
    '    import socket',
    '    import uvicorn',
    '    sock = socket.socket()',
    '    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
    '    sock.bind(("127.0.0.1", 0))',
    '    print("LISTENING", sock.getsockname()[1], flush=True)',
    '    uvicorn.Server(uvicorn.Config(app, log_level="critical", access_log=False)).run(sockets=[sock])',
    '',
  ].join('\n');
}

// ── Ruby ──

/** Rails 6.1 in one file: the snippet is config/initializers/cors.rb, evaluated before initialize!. */
export function railsSource(code: string | null): string {
  return [
    'require "logger"',
    'require "rails"',
    'require "action_controller/railtie"',
    'require "rack/cors"',
    'require "rack/handler/webrick"',
    '',
    'class CorsLensApp < Rails::Application',
    '  config.root = __dir__',
    '  config.eager_load = false',
    '  config.logger = Logger.new(nil)',
    '  config.secret_key_base = "cors-lens-test"',
    '  config.hosts.clear',
    '  config.consider_all_requests_local = false',
    'end',
    '',
    '# ── CORS ──',
    code ?? '',
    '# ── application ──',
    'class DataController < ActionController::API',
    '  before_action :authenticate, only: :secret',
    '  def show = render(json: { ok: true })',
    '  def secret = render(json: { ok: true })',
    '  def boom = raise("boom")',
    '',
    '  private',
    '',
    '  def authenticate',
    '    render(json: { error: "unauthorized" }, status: 401) unless request.headers["Authorization"]',
    '  end',
    'end',
    '',
    'CorsLensApp.initialize!',
    'CorsLensApp.routes.draw do',
    '  match "/data", to: "data#show", via: %i[get put delete]',
    '  get "/private", to: "data#secret"',
    '  get "/error", to: "data#boom"',
    'end',
    '',
    'server = WEBrick::HTTPServer.new(BindAddress: "127.0.0.1", Port: 0, Logger: WEBrick::Log.new(File::NULL), AccessLog: [])',
    'server.mount "/", Rack::Handler::WEBrick, CorsLensApp',
    'puts "LISTENING #{server.config[:Port]}"',
    '$stdout.flush',
    'trap("TERM") { server.shutdown }',
    'server.start',
    '',
  ].join('\n');
}

// ── Go ──

/**
 * Go: the snippet declares rsCORS (rs/cors) and withCORS (net/http alone) at the top level of the file that
 * starts the server; the program wraps the application with the one its first argument names.
 */
export function goSource(code: string | null): string {
  return [
    'package main',
    '',
    'import (',
    '\t"fmt"',
    '\t"net"',
    '\t"net/http"',
    '\t"os"',
    '',
    '\t"github.com/rs/cors"',
    ')',
    '',
    'var _ = cors.New // the bare program does not use it',
    '',
    '// ── CORS ──',
    code ?? '',
    '// ── application ──',
    'func authMiddleware(next http.Handler) http.Handler {',
    '\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {',
    '\t\tif r.URL.Path == "/private" && r.Header.Get("Authorization") == "" {',
    '\t\t\thttp.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)',
    '\t\t\treturn',
    '\t\t}',
    '\t\tnext.ServeHTTP(w, r)',
    '\t})',
    '}',
    '',
    'func main() {',
    '\tmux := http.NewServeMux()',
    '\tmux.HandleFunc("/data", func(w http.ResponseWriter, r *http.Request) {',
    '\t\tswitch r.Method {',
    '\t\tcase http.MethodGet, http.MethodPut, http.MethodDelete:',
    '\t\t\tw.Header().Set("Content-Type", "application/json")',
    '\t\t\tfmt.Fprint(w, `{"ok":true}`)',
    '\t\tdefault:',
    '\t\t\thttp.Error(w, "method not allowed", http.StatusMethodNotAllowed)',
    '\t\t}',
    '\t})',
    '\tmux.HandleFunc("/private", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"ok":true}`) })',
    '\tmux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) {',
    '\t\thttp.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)',
    '\t})',
    '\tvar handler http.Handler = authMiddleware(mux)',
    ...(code === null
      ? []
      : [
          '\tif os.Args[1] == "rs-cors" {',
          '\t\thandler = rsCORS(handler)',
          '\t} else {',
          '\t\thandler = withCORS(handler)',
          '\t}',
        ]),
    '\t_ = os.Args',
    '\tlistener, err := net.Listen("tcp", "127.0.0.1:0")',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tfmt.Println("LISTENING", listener.Addr().(*net.TCPAddr).Port)',
    '\tpanic(http.Serve(listener, handler))',
    '}',
    '',
  ].join('\n');
}

const GO_ENV: NodeJS.ProcessEnv = { GO111MODULE: 'off', GOPATH, GOFLAGS: '', CGO_ENABLED: '0' };

async function buildGo(dir: string, code: string | null): Promise<string> {
  writeFileSync(join(dir, 'main.go'), goSource(code));
  const binary = join(dir, 'server');
  try {
    await run(GO, ['build', '-o', binary, 'main.go'], { cwd: dir, env: { ...process.env, ...GO_ENV } });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`go build failed:\n${stderr ?? String(error)}\n${goSource(code)}`);
  }
  return binary;
}

// ── Apache httpd and Caddy (proxies in front of the Node backend) ──

export function apacheConfig(prefix: string, backendPort: number, sites: ReadonlyArray<{ port: number; code: string | null }>): string {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return [
    'ServerName 127.0.0.1',
    `ServerRoot ${prefix}`,
    `PidFile ${prefix}/httpd.pid`,
    `DefaultRuntimeDir ${prefix}`,
    `ErrorLog ${prefix}/error.log`,
    'LogLevel warn',
    ...(root ? ['User www-data', 'Group www-data'] : []),
    ...['mpm_event', 'authz_core', 'headers', 'rewrite', 'setenvif', 'proxy', 'proxy_http'].map((name) => `LoadModule ${name}_module ${APACHE_MODULES}/mod_${name}.so`),
    'StartServers 1',
    'ServerLimit 1',
    'ThreadsPerChild 16',
    'MaxRequestWorkers 16',
    ...sites.flatMap((site) => [
      `Listen 127.0.0.1:${site.port}`,
      `<VirtualHost 127.0.0.1:${site.port}>`,
      ...(site.code ?? '').split('\n').map((line) => `    ${line}`),
      `    ProxyPass "/" "http://127.0.0.1:${backendPort}/"`,
      '</VirtualHost>',
    ]),
    '',
  ].join('\n');
}

export function caddyfile(backendPort: number, sites: ReadonlyArray<{ port: number; code: string | null }>): string {
  return [
    '{',
    '    admin off',
    '    auto_https off',
    '}',
    ...sites.flatMap((site) => [
      `http://127.0.0.1:${site.port} {`,
      ...(site.code ?? '').split('\n').map((line) => `    ${line}`),
      `    reverse_proxy 127.0.0.1:${backendPort}`,
      '}',
    ]),
    '',
  ].join('\n');
}

// ── Next.js (app router, production build) ──

/**
 * A Next.js 16 application: route handlers under app/ (the /error handler throws), the auth check in the
 * /private handler, and the snippet as middleware.ts at the project root, where it says it goes.
 */
export function nextSources(code: string | null): Record<string, string> {
  return {
    'package.json': '{ "private": true, "type": "module" }\n',
    'next.config.mjs': 'export default { typescript: { ignoreBuildErrors: true }, poweredByHeader: false };\n',
    // Without JSX: the repository's tsconfig compiles JSX for Preact, and Next.js would pick that up.
    'app/layout.js': "import { createElement } from 'react';\nexport default function RootLayout({ children }) {\n  return createElement('html', null, createElement('body', null, children));\n}\n",
    'tsconfig.json': `${JSON.stringify({ compilerOptions: { target: 'ES2022', lib: ['dom', 'esnext'], module: 'esnext', moduleResolution: 'bundler', jsx: 'react-jsx', jsxImportSource: 'react', strict: true, noEmit: true, isolatedModules: true, skipLibCheck: true, allowJs: true, plugins: [{ name: 'next' }] }, include: ['**/*.ts', '**/*.tsx', '**/*.js'], exclude: ['node_modules', '.next'] }, null, 2)}\n`,
    'app/data/route.ts': [
      'export async function GET() { return Response.json({ ok: true }); }',
      'export async function PUT() { return Response.json({ ok: true }); }',
      'export async function DELETE() { return Response.json({ ok: true }); }',
      '',
    ].join('\n'),
    'app/private/route.ts': [
      'export async function GET(request: Request) {',
      "  if (!request.headers.get('authorization')) return Response.json({ error: 'unauthorized' }, { status: 401 });",
      '  return Response.json({ ok: true });',
      '}',
      '',
    ].join('\n'),
    'app/error/route.ts': [
      "export const dynamic = 'force-dynamic';",
      "export async function GET(): Promise<Response> { throw new Error('boom'); }",
      '',
    ].join('\n'),
    ...(code === null ? {} : { 'middleware.ts': code }),
  };
}

const NEXT_ENV: NodeJS.ProcessEnv = { NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };

/** Builds the site in `dir` (a production build: `next build`), then serves it with `next start`. */
async function startNext(site: Site, dir: string): Promise<{ port: number; stop(): Promise<void> }> {
  for (const [name, text] of Object.entries(nextSources(site.code))) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  try {
    await run(process.execPath, [NEXT, 'build', dir], { cwd: dir, env: { ...process.env, ...NEXT_ENV }, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`next build failed:\n${stdout ?? ''}${stderr ?? String(error)}`);
  }
  const port = await freePort();
  const child = launch(process.execPath, [NEXT, 'start', dir, '-p', String(port), '-H', '127.0.0.1'], { cwd: dir, env: NEXT_ENV });
  try {
    await answering([port], child, 'next start');
    return { port, stop: child.stop };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

// ── Cloudflare Workers (workerd, the runtime wrangler dev runs) ──

export const WORKER_HANDLE = [
  '// ── application ──',
  'async function handle(request, env, ctx) {',
  '  const url = new URL(request.url);',
  "  if (url.pathname === '/private' && !request.headers.get('Authorization')) return Response.json({ error: 'unauthorized' }, { status: 401 });",
  "  if (url.pathname === '/data' && ['GET', 'PUT', 'DELETE'].includes(request.method)) return Response.json({ ok: true });",
  "  if (url.pathname === '/private' && request.method === 'GET') return Response.json({ ok: true });",
  "  if (url.pathname === '/error') throw new Error('boom');",
  "  return Response.json({ error: 'not found' }, { status: 404 });",
  '}',
].join('\n');

export function workerSource(code: string | null): string {
  return [
    '// ── CORS ──',
    code ?? 'export default { fetch: (request, env, ctx) => handle(request, env, ctx) };',
    WORKER_HANDLE,
    '',
  ].join('\n');
}

export function workerdConfig(sites: ReadonlyArray<{ port: number; file: string }>): string {
  return [
    'using Workerd = import "/workerd/workerd.capnp";',
    'const config :Workerd.Config = (',
    `  services = [${sites.map((_, index) => `(name = "site${index}", worker = .site${index})`).join(', ')}],`,
    `  sockets = [${sites.map((site, index) => `(name = "http${index}", address = "127.0.0.1:${site.port}", http = (), service = "site${index}")`).join(', ')}],`,
    ');',
    ...sites.map((site, index) => `const site${index} :Workerd.Worker = (modules = [(name = "worker.js", esModule = embed "${site.file}")], compatibilityDate = "2024-09-23");`),
    '',
  ].join('\n');
}

/** One process, many sites (one port each): Apache, Caddy and workerd. */
async function multiSite(stack: string, sites: readonly Site[], start: (dir: string, ports: number[]) => Child): Promise<Started> {
  const temp = tempDir(stack);
  const ports = await Promise.all(sites.map(() => freePort()));
  const child = start(temp.dir, ports);
  const close = async () => {
    await child.stop();
    temp.remove();
  };
  try {
    await answering(ports, child, stack);
  } catch (error) {
    const log = existsSync(join(temp.dir, 'error.log')) ? readFileSync(join(temp.dir, 'error.log'), 'utf8') : '';
    await close();
    throw new Error(`${String(error)}\n${log}`);
  }
  return { origins: ports.map((port) => `http://127.0.0.1:${port}`), close };
}

/**
 * Starts the sites of one target: for each, the application with the site's snippet (or none). `backendPort`
 * is the plain Node application the proxies forward to.
 */
export async function startTarget(target: ProcessTarget, sites: readonly Site[], backendPort: number): Promise<Started> {
  switch (target) {
    case 'flask':
      return perSite(target, sites, (site, dir) => {
        writeFileSync(join(dir, 'app.py'), flaskSource(site.code));
        return startProgram('flask', PYTHON, ['app.py'], dir);
      });
    case 'django':
      return perSite(target, sites, (site, dir) => {
        for (const [name, text] of Object.entries(djangoSources(site.code))) writeFileSync(join(dir, name), text);
        return startProgram('django', PYTHON, ['serve.py'], dir);
      });
    case 'fastapi':
      return perSite(target, sites, (site, dir) => {
        writeFileSync(join(dir, 'main.py'), fastapiSource(site.code));
        return startProgram('fastapi', PYTHON, ['main.py'], dir);
      });
    case 'rails':
      return perSite(target, sites, (site, dir) => {
        writeFileSync(join(dir, 'app.rb'), railsSource(site.code));
        return startProgram('rails', RUBY, ['app.rb'], dir);
      });
    case 'go-rs-cors':
    case 'go-net-http':
      return perSite(target, sites, async (site, dir) => {
        const binary = await buildGo(dir, site.code);
        return startProgram(target, binary, [target === 'go-rs-cors' ? 'rs-cors' : 'net-http'], dir);
      });
    case 'nextjs':
      // Two builds at a time: a production build is the slowest start of all the stacks.
      return perSite(target, sites, startNext, 2);
    case 'apache':
      return multiSite(target, sites, (dir, ports) => {
        writeFileSync(join(dir, 'httpd.conf'), apacheConfig(dir, backendPort, sites.map((site, index) => ({ port: ports[index] as number, code: site.code }))));
        return launch(APACHE, ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], { cwd: dir });
      });
    case 'caddy':
      return multiSite(target, sites, (dir, ports) => {
        writeFileSync(join(dir, 'Caddyfile'), caddyfile(backendPort, sites.map((site, index) => ({ port: ports[index] as number, code: site.code }))));
        return launch(CADDY, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], { cwd: dir, env: { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
      });
    case 'cloudflare-workers':
      return multiSite(target, sites, (dir, ports) => {
        const files = sites.map((site, index) => {
          const file = `site${index}.js`;
          writeFileSync(join(dir, file), workerSource(site.code));
          return { port: ports[index] as number, file };
        });
        writeFileSync(join(dir, 'config.capnp'), workerdConfig(files));
        return launch(WORKERD, ['serve', join(dir, 'config.capnp')], { cwd: dir });
      });
  }
}

/** The source a site ran, for failure messages. */
export function targetSource(target: ProcessTarget, code: string | null): string {
  switch (target) {
    case 'flask': return flaskSource(code);
    case 'django': return Object.entries(djangoSources(code)).map(([name, text]) => `# ${name}\n${text}`).join('\n');
    case 'fastapi': return fastapiSource(code);
    case 'rails': return railsSource(code);
    case 'go-rs-cors':
    case 'go-net-http': return goSource(code);
    case 'apache': return apacheConfig('/tmp/prefix', 0, [{ port: 0, code }]);
    case 'caddy': return caddyfile(0, [{ port: 0, code }]);
    case 'cloudflare-workers': return workerSource(code);
    case 'nextjs': return Object.entries(nextSources(code)).map(([name, text]) => `// ${name}\n${text}`).join('\n');
  }
}

// ── versions, read from what is installed ──

async function output(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout, stderr } = await run(command, args, { env: { ...process.env, ...env } });
  return `${stdout}${stderr}`.trim();
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Prints "Flask 2.2.2, Flask-Cors 3.0.10" for the arguments "Flask=flask Flask-Cors=flask-cors" (label=distribution). */
const PY_VERSION = 'import sys; from importlib.metadata import version; print(", ".join(label + " " + version(dist) for label, dist in (arg.split("=") for arg in sys.argv[1:])))';

/** What each target ran against, as the verified-versions table (src/engine/fixes/verified.ts) words it (Go's two join with "and"). */
export async function targetVersion(target: ProcessTarget): Promise<string> {
  switch (target) {
    case 'flask': return output(PYTHON, ['-c', PY_VERSION, 'Flask=flask', 'flask-cors=flask-cors']);
    case 'django': return output(PYTHON, ['-c', PY_VERSION, 'Django=django', 'django-cors-headers=django-cors-headers']);
    case 'fastapi': return output(PYTHON, ['-c', PY_VERSION, 'FastAPI=fastapi', 'Starlette=starlette', 'uvicorn=uvicorn']);
    case 'rails':
      return output(RUBY, ['-e', 'require "rails"; require "rack/cors"; puts "Rails #{Rails.version}, rack-cors #{Gem.loaded_specs["rack-cors"]&.version || Gem::Specification.find_by_name("rack-cors").version}"']);
    case 'go-rs-cors':
    case 'go-net-http': {
      const go = /go(\d+\.\d+(\.\d+)?)/.exec(await output(GO, ['version']))?.[1] ?? '?';
      if (target === 'go-net-http') return 'net/http alone';
      const rsCors = (await output('dpkg-query', ['-W', '-f=${Version}', 'golang-github-rs-cors-dev'])).replace(/-[^-]*$/, '');
      return `Go ${go}, rs/cors ${rsCors}`;
    }
    case 'apache': return `Apache httpd ${/Apache\/([\d.]+)/.exec(await output(APACHE, ['-v']))?.[1] ?? '?'}`;
    case 'caddy': return `Caddy ${/v?([\d.]+)/.exec(await output(CADDY, ['version']))?.[1] ?? '?'}`;
    case 'cloudflare-workers': return `workerd ${packageVersion('workerd').replace(/^1\./, '')}`;
    case 'nextjs': return `Next.js ${packageVersion('next')} (next build, next start)`;
  }
}

export function nodePackageVersion(name: string): string {
  return packageVersion(name);
}
