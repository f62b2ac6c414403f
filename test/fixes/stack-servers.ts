/**
 * Real servers for the run-verified fix packs. A Node stack's server is a generated ES module — imports,
 * `const app = …`, the CORS part (a generated snippet verbatim, or a broken setup), the application's auth
 * check and routes — written under node_modules/.cache so its bare imports resolve, then imported. nginx runs
 * as one process per variant with one `server {}` per case, proxying to a plain Node backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrokenSetup, NodeStack } from './fix-cases';

/** Stacks whose server runs in this process: the Node stacks with broken setups, and NestJS (snippet or bare). */
export type InProcessStack = NodeStack | 'nestjs';

const CACHE = resolve(import.meta.dirname, '../../node_modules/.cache/cors-lens-fix-packs');

export interface Running {
  readonly origin: string;
  close(): Promise<void>;
}

interface Harness {
  imports: string;
  create: string;
  /** Imports the broken setups use (`corsLib`). */
  brokenImports: string;
  auth: string;
  routes: string;
  start(app: unknown): Promise<Running>;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((done) => server.close(() => done()));
}

function listening(server: Server): Promise<Running> {
  return new Promise((done, fail) => {
    const ready = () => {
      const { port } = server.address() as AddressInfo;
      done({ origin: `http://127.0.0.1:${port}`, close: () => closeServer(server) });
    };
    if (server.listening) ready();
    else {
      server.once('listening', ready);
      server.once('error', fail);
    }
  });
}

const NEST_APP = [
  "import 'reflect-metadata';",
  "import { NestFactory } from '@nestjs/core';",
  "import { Controller, Delete, Get, Module, Put } from '@nestjs/common';",
  '// The application\'s controller, decorated by hand (plain JavaScript has no decorator syntax in Node 20).',
  'class DataController {',
  '  read() { return { ok: true }; }',
  '  replace() { return { ok: true }; }',
  '  remove() { return { ok: true }; }',
  '  secret() { return { ok: true }; }',
  "  boom() { throw new Error('boom'); }",
  '}',
  "for (const [method, decorator] of [['read', Get('data')], ['replace', Put('data')], ['remove', Delete('data')], ['secret', Get('private')], ['boom', Get('error')]]) {",
  '  decorator(DataController.prototype, method, Object.getOwnPropertyDescriptor(DataController.prototype, method));',
  '}',
  'Controller()(DataController);',
  'class AppModule {}',
  'Module({ controllers: [DataController] })(AppModule);',
].join('\n');

const HARNESS: Record<InProcessStack, Harness> = {
  nestjs: {
    imports: NEST_APP,
    create: 'const app = await NestFactory.create(AppModule, { logger: false });',
    brokenImports: '',
    auth: "app.use((req, res, next) => { if (req.path === '/private' && !req.get('authorization')) { res.status(401).json({ error: 'unauthorized' }); return; } next(); });",
    routes: '',
    start: async (app) => {
      const instance = app as { listen(port: number, host: string): Promise<unknown>; getHttpServer(): Server; close(): Promise<void> };
      await instance.listen(0, '127.0.0.1');
      const { port } = instance.getHttpServer().address() as AddressInfo;
      return { origin: `http://127.0.0.1:${port}`, close: () => instance.close() };
    },
  },
  express: {
    imports: "import express from 'express';",
    create: 'const app = express();',
    brokenImports: "import corsLib from 'cors';",
    auth: "app.use((req, res, next) => { if (req.path === '/private' && !req.get('authorization')) { res.status(401).json({ error: 'unauthorized' }); return; } next(); });",
    routes: [
      "app.get('/data', (req, res) => { res.json({ ok: true }); });",
      "app.put('/data', (req, res) => { res.json({ ok: true }); });",
      "app.delete('/data', (req, res) => { res.json({ ok: true }); });",
      "app.get('/private', (req, res) => { res.json({ ok: true }); });",
      "app.get('/error', () => { throw new Error('boom'); });",
      "app.use((error, req, res, next) => { res.status(500).json({ error: 'internal' }); });",
    ].join('\n'),
    start: async (app) => listening((app as { listen(port: number, host: string): Server }).listen(0, '127.0.0.1')),
  },
  fastify: {
    imports: "import Fastify from 'fastify';",
    create: 'const app = Fastify();',
    brokenImports: "import corsLib from '@fastify/cors';",
    auth: "app.addHook('onRequest', async (request, reply) => { if (request.url.startsWith('/private') && !request.headers.authorization) { return reply.code(401).send({ error: 'unauthorized' }); } });",
    routes: [
      "app.get('/data', async () => ({ ok: true }));",
      "app.put('/data', async () => ({ ok: true }));",
      "app.delete('/data', async () => ({ ok: true }));",
      "app.get('/private', async () => ({ ok: true }));",
      "app.get('/error', async () => { throw new Error('boom'); });",
    ].join('\n'),
    start: async (app) => {
      const instance = app as { listen(options: object): Promise<string>; close(): Promise<void>; server: Server };
      await instance.listen({ port: 0, host: '127.0.0.1' });
      const { port } = instance.server.address() as AddressInfo;
      return { origin: `http://127.0.0.1:${port}`, close: () => instance.close() };
    },
  },
  koa: {
    imports: "import Koa from 'koa';",
    create: 'const app = new Koa();\napp.silent = true;',
    brokenImports: "import corsLib from '@koa/cors';",
    auth: "app.use(async (ctx, next) => { if (ctx.path === '/private' && !ctx.get('authorization')) { ctx.status = 401; ctx.body = { error: 'unauthorized' }; return; } await next(); });",
    routes: [
      'app.use(async (ctx, next) => {',
      "  if (ctx.path === '/data' && ['GET', 'PUT', 'DELETE'].includes(ctx.method)) { ctx.body = { ok: true }; return; }",
      "  if (ctx.path === '/private' && ctx.method === 'GET') { ctx.body = { ok: true }; return; }",
      "  if (ctx.path === '/error') throw new Error('boom');",
      '  await next();',
      '});',
    ].join('\n'),
    start: async (app) => listening((app as { listen(port: number, host: string): Server }).listen(0, '127.0.0.1')),
  },
  hono: {
    imports: "import { Hono } from 'hono';",
    create: 'const app = new Hono();\napp.onError((error, c) => c.json({ error: \'internal\' }, 500));',
    brokenImports: "import { cors as corsLib } from 'hono/cors';",
    auth: "app.use('/private', async (c, next) => { if (!c.req.header('authorization')) return c.json({ error: 'unauthorized' }, 401); await next(); });",
    routes: [
      "app.get('/data', (c) => c.json({ ok: true }));",
      "app.put('/data', (c) => c.json({ ok: true }));",
      "app.delete('/data', (c) => c.json({ ok: true }));",
      "app.get('/private', (c) => c.json({ ok: true }));",
      "app.get('/error', () => { throw new Error('boom'); });",
    ].join('\n'),
    start: async (app) => {
      const { serve } = await import('@hono/node-server');
      const server = serve({ fetch: (app as { fetch: (request: Request) => Response | Promise<Response> }).fetch, port: 0, hostname: '127.0.0.1' }) as Server;
      return listening(server);
    },
  },
};

export type CorsPart = { kind: 'snippet'; code: string } | { kind: 'bare' } | { kind: 'broken'; setup: BrokenSetup; pageOrigin: string };

/** The server module's source text: what the test imports. Exposed so a failure can print it. */
export function serverSource(stack: InProcessStack, cors: CorsPart): string {
  const harness = HARNESS[stack];
  const fill = (text: string | undefined) => (text ?? '').replaceAll('$PAGE', cors.kind === 'broken' ? cors.pageOrigin : '');
  return [
    harness.imports,
    ...(cors.kind === 'broken' ? [harness.brokenImports] : []),
    harness.create,
    '// ── CORS ──',
    cors.kind === 'snippet' ? cors.code : cors.kind === 'bare' ? '' : fill(cors.setup.before),
    '// ── application ──',
    harness.auth,
    cors.kind === 'broken' ? fill(cors.setup.afterAuth) : '',
    harness.routes,
    'export default app;',
    '',
  ].join('\n');
}

let counter = 0;

export async function startNodeStack(stack: InProcessStack, cors: CorsPart, name: string): Promise<Running & { source: string }> {
  mkdirSync(CACHE, { recursive: true });
  const source = serverSource(stack, cors);
  const file = join(CACHE, `${name}-${process.pid}-${counter++}.mjs`);
  writeFileSync(file, source);
  try {
    const module = (await import(pathToFileURL(file).href)) as { default: unknown };
    const running = await HARNESS[stack].start(module.default);
    return { ...running, source };
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * The application nginx, Apache and Caddy proxy to: the same routes and auth check, no OPTIONS route, and no CORS
 * except for `?layer=app`, where it reflects the Origin itself (the application's layer of the duplicated-header
 * scenario).
 */
export async function startBackend(): Promise<Running & { port: number }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const [path, query] = (request.url ?? '/').split('?');
    const origin = request.headers.origin;
    const appLayer = query === 'layer=app' && origin !== undefined ? { 'Access-Control-Allow-Origin': origin } : {};
    const json = (status: number, body: object) => {
      response.writeHead(status, { 'Content-Type': 'application/json', ...appLayer });
      response.end(JSON.stringify(body));
    };
    request.resume();
    request.on('end', () => {
      if (path === '/private' && request.headers.authorization === undefined) return json(401, { error: 'unauthorized' });
      if (path === '/data' && ['GET', 'PUT', 'DELETE'].includes(request.method ?? '')) return json(200, { ok: true });
      if (path === '/private' && request.method === 'GET') return json(200, { ok: true });
      if (path === '/error') return json(500, { error: 'internal' });
      return json(404, { error: 'not found' });
    });
  });
  server.listen(0, '127.0.0.1');
  const running = await listening(server);
  return { ...running, port: Number(new URL(running.origin).port) };
}

export interface NginxSite {
  /** The lines inside `location / { … }` before proxy_pass: a snippet or a broken setup. */
  cors: string;
}

/** A free loopback port (bound and released; nginx binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
    server.once('error', fail);
  });
}

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

/** `httpLevel`: lines for the http { } block itself (a server configuration's `map`), indented like the servers. */
export function nginxConfig(prefix: string, backendPort: number, sites: ReadonlyArray<{ port: number; cors: string }>, httpLevel = ''): string {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return [
    ...(root ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${prefix}/nginx.pid;`,
    `error_log ${prefix}/error.log warn;`,
    'events { worker_connections 64; }',
    'http {',
    '    access_log off;',
    `    client_body_temp_path ${prefix}/client_body;`,
    `    proxy_temp_path ${prefix}/proxy;`,
    `    fastcgi_temp_path ${prefix}/fastcgi;`,
    `    uwsgi_temp_path ${prefix}/uwsgi;`,
    `    scgi_temp_path ${prefix}/scgi;`,
    ...(httpLevel === '' ? [] : httpLevel.split('\n').map((line) => `    ${line}`)),
    ...sites.flatMap((site) => [
      '    server {',
      `        listen 127.0.0.1:${site.port};`,
      '        location / {',
      ...site.cors.split('\n').map((line) => `            ${line}`),
      `            proxy_pass http://127.0.0.1:${backendPort};`,
      '        }',
      '    }',
    ]),
    '}',
    '',
  ].join('\n');
}

/** Starts nginx in the foreground with a temp prefix; resolves once every site answers. */
export async function startNginx(backendPort: number, sites: ReadonlyArray<{ port: number; cors: string }>, httpLevel = ''): Promise<{ close(): Promise<void>; config: string }> {
  if (!existsSync(NGINX)) throw new Error(`nginx not found at ${NGINX} (apt-get install nginx, or set NGINX_PATH)`);
  const prefix = mkdtempSync(join(tmpdir(), 'cors-lens-nginx-'));
  const config = nginxConfig(prefix, backendPort, sites, httpLevel);
  writeFileSync(join(prefix, 'nginx.conf'), config);
  let stderr = '';
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(prefix, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (const site of sites) {
    for (;;) {
      if (child.exitCode !== null) {
        const log = existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '';
        await close();
        throw new Error(`nginx exited (${child.exitCode}): ${stderr}${log}\n${config}`);
      }
      const ok = await fetch(`http://127.0.0.1:${site.port}/data`).then(() => true, () => false);
      if (ok) break;
      if (Date.now() > deadline) {
        await close();
        throw new Error(`nginx did not answer on ${site.port}: ${stderr}`);
      }
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  return { close, config };
}
