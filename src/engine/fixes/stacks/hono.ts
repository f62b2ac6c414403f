import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, q, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'cors() with no `origin` answers "*", which a request with credentials never accepts.',
];

export const hono: StackPack = {
  id: 'hono',
  label: 'Hono (hono/cors)',
  language: 'javascript',
  traps: {
    'preflight-invalid-status': ['middleware runs in registration order: an auth middleware (bearerAuth, jwt) app.use()d before cors() answers the preflight 401.'],
    'missing-allow-origin': ['cors() mounted on a narrower path than the route (app.use(\'/api/*\') for /v1/…) leaves responses without headers; match every path the page calls.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const origins = allowedOrigins(needs);
    const expose = exposeHeadersOf(needs);
    const maxAge = maxAgeOf(needs);
    const options = [
      origins.length === 0
        ? "  origin: '*', // any page: no request to this server carries credentials"
        : origins.length > 1
          ? `  origin: [${originsList(needs)}], // exactly these page origins: echoed when the request's Origin is listed`
          : `  origin: ${q(needs.origin)}, // exactly the page origin (an array or a function for several)`,
      ...(needs.credentials ? ['  credentials: true,'] : []),
      ...(needs.methods.length > 0 ? [`  allowMethods: [${qList(needs.methods)}],`] : []),
      ...(needs.allowHeaders.length > 0 ? [`  allowHeaders: [${qList(needs.allowHeaders)}],`] : []),
      ...(expose.length > 0 ? [`  exposeHeaders: [${qList(expose)}],`] : []),
      ...(maxAge !== null ? [`  maxAge: ${maxAge},`] : []),
    ];
    return joinLines([
      ...comment('//', 'Hono — built in. Right after `const app = new Hono()`, before auth middleware and routes.'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      "import { cors } from 'hono/cors';",
      '',
      "app.use('*', cors({",
      ...options,
      '}));',
      ...trapLines('//', hono, rule, ALWAYS, needs),
    ]);
  },
};
