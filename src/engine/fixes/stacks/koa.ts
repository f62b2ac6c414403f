import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, q, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'without `origin`, @koa/cors answers "*" (or reflects the request origin with `credentials: true`, which trusts every site); name the origin.',
];

export const koa: StackPack = {
  id: 'koa',
  label: 'Koa (@koa/cors)',
  language: 'javascript',
  traps: {
    'preflight-invalid-status': ['an auth middleware app.use()d before cors() answers the preflight 401; cors() must be the first app.use().'],
    'missing-allow-origin': ['keep `keepHeadersOnError` (default true) so thrown errors (4xx/5xx) keep the CORS headers; a custom error middleware that resets ctx.headers drops them.'],
    'multiple-allow-origin-values': ['a proxy in front of Koa adding Access-Control-Allow-Origin doubles the header; set it in one place only.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const origins = allowedOrigins(needs);
    const expose = exposeHeadersOf(needs);
    const maxAge = maxAgeOf(needs);
    const options = [
      origins.length === 0
        ? "  origin: '*', // any page: no request to this server carries credentials"
        : origins.length > 1
          ? "  origin: (ctx) => (ALLOWED_ORIGINS.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''), // echo a listed origin; others get no CORS headers"
          : `  origin: ${q(needs.origin)}, // exactly the page origin (a function for several)`,
      ...(needs.credentials ? ['  credentials: true,'] : []),
      ...(needs.methods.length > 0 ? [`  allowMethods: [${qList(needs.methods)}],`] : []),
      ...(needs.allowHeaders.length > 0 ? [`  allowHeaders: [${qList(needs.allowHeaders)}],`] : []),
      ...(expose.length > 0 ? [`  exposeHeaders: [${qList(expose)}],`] : []),
      ...(maxAge !== null ? [`  maxAge: ${maxAge},`] : []),
    ];
    return joinLines([
      ...comment('//', 'Koa — npm i @koa/cors. Right after `const app = new Koa()`, as the FIRST app.use(), before auth, body parsing and routers.'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      "import cors from '@koa/cors';",
      '',
      ...(origins.length > 1 ? [`const ALLOWED_ORIGINS = [${originsList(needs)}];`] : []),
      'app.use(cors({',
      ...options,
      '}));',
      ...trapLines('//', koa, rule, ALWAYS, needs),
    ]);
  },
};
