/**
 * The failing scenarios the run-verified test (test/e2e/fix-packs.test.ts) breaks and then fixes in every
 * run-verified stack. Each stack server is the same small application (routes + an auth check on /private)
 * with a broken CORS setup; the fixed server is that application with the generated snippet and nothing else
 * about CORS. `$PAGE` in broken configs is replaced by the page origin at run time.
 */
export type NodeStack = 'express' | 'fastify' | 'koa' | 'hono';
export type Stack = NodeStack | 'nginx';

export interface FetchSpec {
  path: string;
  method: string;
  headers?: Record<string, string>;
  credentials?: 'include';
  body?: string;
}

/** Where a broken CORS setup sits in the application: before the auth check, or (the classic trap) after it. */
export interface BrokenSetup {
  before?: string;
  afterAuth?: string;
}

export interface FixCase {
  id: string;
  /** The scenario family of issue 20 this case stands for. */
  family: string;
  description: string;
  request: FetchSpec;
  /** The status the page must see once fixed (the /error route stays a 500: only CORS changes). */
  fixedStatus: number;
  broken: Record<Stack, BrokenSetup>;
  /**
   * Whose capture the stacks without broken setups (NestJS, Flask, Django, …) take their snippet from: Express's
   * unless named here (nginx's capture of the auth case fails on the preflight's status, Express's on its
   * missing Access-Control-Allow-Origin, so the two give two different blocking rules).
   */
  diagnosedFrom?: Stack;
  /** The backend behind the proxies answers this request with its own Access-Control-Allow-Origin (the app layer). */
  appLayer?: boolean;
}

const NO_CORS: Record<Stack, BrokenSetup> = { express: {}, fastify: {}, koa: {}, hono: {}, nginx: {} };

/** A hand-rolled "Access-Control-Allow-Origin: *" layer (the libraries reflect the origin instead). */
const WILDCARD: Record<Stack, BrokenSetup> = {
  express: { before: "app.use((req, res, next) => { res.set('Access-Control-Allow-Origin', '*'); next(); });" },
  fastify: { before: "app.addHook('onRequest', async (request, reply) => { reply.header('Access-Control-Allow-Origin', '*'); });" },
  koa: { before: "app.use(async (ctx, next) => { ctx.set('Access-Control-Allow-Origin', '*'); await next(); });" },
  hono: { before: "app.use('*', async (c, next) => { await next(); c.header('Access-Control-Allow-Origin', '*'); });" },
  nginx: { before: 'add_header Access-Control-Allow-Origin * always;\nadd_header Access-Control-Allow-Credentials true always;' },
};

function libraryCors(options: { methods?: string[]; headers?: string[] }, where: keyof BrokenSetup): Record<Stack, BrokenSetup> {
  const m = JSON.stringify(options.methods ?? ['GET', 'POST']);
  const h = JSON.stringify(options.headers ?? ['content-type']);
  return {
    express: { [where]: `app.use(corsLib({ origin: '$PAGE', methods: ${m}, allowedHeaders: ${h} }));` },
    fastify: { [where]: `await app.register(corsLib, { origin: '$PAGE', methods: ${m}, allowedHeaders: ${h} });` },
    koa: { [where]: `app.use(corsLib({ origin: '$PAGE', allowMethods: ${m}, allowHeaders: ${h} }));` },
    hono: { [where]: `app.use('*', corsLib({ origin: '$PAGE', allowMethods: ${m}, allowHeaders: ${h} }));` },
    nginx: {
      before: [
        'if ($request_method = OPTIONS) {',
        "    add_header Access-Control-Allow-Origin '$PAGE' always;",
        `    add_header Access-Control-Allow-Methods '${(options.methods ?? ['GET', 'POST']).join(', ')}' always;`,
        `    add_header Access-Control-Allow-Headers '${(options.headers ?? ['content-type']).join(', ')}' always;`,
        ...(where === 'afterAuth' ? [] : ['    return 204;']),
        '}',
        "add_header Access-Control-Allow-Origin '$PAGE' always;",
      ].join('\n'),
    },
  };
}

export const FIX_CASES: readonly FixCase[] = [
  {
    id: 'missing-acao-simple-get',
    family: 'missing origin',
    description: 'simple GET, the API sends no Access-Control-Allow-Origin',
    request: { path: '/data', method: 'GET' },
    fixedStatus: 200,
    broken: NO_CORS,
  },
  {
    id: 'credentials-with-wildcard',
    family: 'credentials',
    description: "credentials:'include' GET answered Access-Control-Allow-Origin: *",
    request: { path: '/data', method: 'GET', credentials: 'include' },
    fixedStatus: 200,
    broken: WILDCARD,
  },
  {
    id: 'preflight-no-options-route',
    family: 'missing OPTIONS route',
    description: 'PUT needs a preflight; the API has no OPTIONS route (404/405/bare 200)',
    request: { path: '/data', method: 'PUT', body: 'x' },
    fixedStatus: 200,
    broken: NO_CORS,
  },
  {
    id: 'method-not-allowed',
    family: 'preflight method',
    description: 'DELETE, the preflight allows only GET, POST',
    request: { path: '/data', method: 'DELETE' },
    fixedStatus: 200,
    broken: libraryCors({ methods: ['GET', 'POST'] }, 'before'),
  },
  {
    id: 'header-not-allowed',
    family: 'preflight header',
    description: 'GET with X-Custom, the preflight allows only content-type',
    request: { path: '/data', method: 'GET', headers: { 'X-Custom': '1' } },
    fixedStatus: 200,
    broken: libraryCors({ headers: ['content-type'] }, 'before'),
  },
  {
    id: 'error-status-without-cors',
    family: 'error response without headers',
    description: 'GET answered 500 by the framework\'s error path, without CORS headers',
    request: { path: '/error', method: 'GET' },
    fixedStatus: 500,
    broken: {
      ...NO_CORS,
      // nginx's classic trap: add_header without `always` skips 4xx/5xx.
      nginx: { before: "add_header Access-Control-Allow-Origin '$PAGE';" },
    },
  },
  {
    id: 'preflight-behind-auth-401',
    family: 'preflight behind auth',
    description: 'GET with Authorization: the auth layer runs before CORS and answers the preflight 401',
    request: { path: '/private', method: 'GET', headers: { Authorization: 'Bearer secret-token' } },
    fixedStatus: 200,
    diagnosedFrom: 'nginx',
    broken: {
      ...libraryCors({ methods: ['GET'], headers: ['authorization'] }, 'afterAuth'),
      // nginx proxies the preflight to the application, whose auth answers 401.
      nginx: { before: "add_header Access-Control-Allow-Origin '$PAGE' always;\nadd_header Access-Control-Allow-Headers 'authorization' always;" },
    },
  },
  {
    id: 'wrong-origin',
    family: 'wrong origin',
    description: 'simple GET answered with another origin in Access-Control-Allow-Origin (a stale allow-list entry)',
    request: { path: '/data', method: 'GET' },
    fixedStatus: 200,
    broken: {
      express: { before: "app.use(corsLib({ origin: 'http://localhost:3000' }));" },
      fastify: { before: "await app.register(corsLib, { origin: 'http://localhost:3000' });" },
      koa: { before: "app.use(async (ctx, next) => { ctx.set('Access-Control-Allow-Origin', 'http://localhost:3000'); await next(); });" },
      hono: { before: "app.use('*', corsLib({ origin: 'http://localhost:3000' }));" },
      nginx: { before: "add_header Access-Control-Allow-Origin 'http://localhost:3000' always;" },
    },
  },
  {
    id: 'duplicate-allow-origin',
    family: 'duplicated header from two layers',
    description: 'simple GET whose Access-Control-Allow-Origin is set by two layers (the CORS middleware and a hand-written one; behind a proxy, the application and the proxy)',
    // `?layer=app`: the Node backend behind the proxies (nginx, Apache, Caddy) then sends its own
    // Access-Control-Allow-Origin, so a proxy's snippet must replace it, not add a second line.
    request: { path: '/data?layer=app', method: 'GET' },
    appLayer: true,
    fixedStatus: 200,
    broken: {
      express: { before: "app.use(corsLib({ origin: '$PAGE' }));\napp.use((req, res, next) => { res.append('Access-Control-Allow-Origin', '$PAGE'); next(); });" },
      fastify: { before: "app.addHook('onSend', async (request, reply) => { reply.header('Access-Control-Allow-Origin', ['$PAGE', '$PAGE']); });" },
      koa: { before: "app.use(async (ctx, next) => { await next(); ctx.set('Access-Control-Allow-Origin', ['$PAGE', '$PAGE']); });" },
      hono: { before: "app.use('*', async (c, next) => { await next(); c.header('Access-Control-Allow-Origin', '$PAGE'); c.header('Access-Control-Allow-Origin', '$PAGE', { append: true }); });" },
      nginx: { before: "add_header Access-Control-Allow-Origin '$PAGE' always;" },
    },
  },
];
