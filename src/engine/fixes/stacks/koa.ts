import type { CorsNeeds } from '../needs.js';
import { comment, filledWith, joinLines, q, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

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
    const options = [
      `  origin: ${q(needs.origin)}, // exactly the page origin (a function for several)`,
      ...(needs.credentials ? ['  credentials: true,'] : []),
      ...(needs.methods.length > 0 ? [`  allowMethods: [${qList(needs.methods)}],`] : []),
      ...(needs.allowHeaders.length > 0 ? [`  allowHeaders: [${qList(needs.allowHeaders)}],`] : []),
    ];
    return joinLines([
      ...comment('//', 'Koa — npm i @koa/cors. Right after `const app = new Koa()`, as the FIRST app.use(), before auth, body parsing and routers.'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      "import cors from '@koa/cors';",
      '',
      'app.use(cors({',
      ...options,
      '}));',
      ...trapLines('//', koa, rule, ALWAYS, needs),
    ]);
  },
};
