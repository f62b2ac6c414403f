import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, q, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  '`cors()` without options answers "Access-Control-Allow-Origin: *", which a request with credentials never accepts; `origin: true` reflects any origin, which lets every site read your users\' data.',
];

export const express: StackPack = {
  id: 'express',
  label: 'Express (cors)',
  language: 'javascript',
  traps: {
    'preflight-invalid-status': ['an auth middleware (passport, express-jwt, a session check) registered before cors() answers the OPTIONS preflight with 401; app.use(cors(...)) must come first.'],
    'missing-allow-origin': ['cors() passed to one route (app.get(path, cors(), …)) covers neither the OPTIONS preflight nor responses from middleware that ran earlier; use app.use(cors(...)) before everything.'],
    'multiple-allow-origin-values': ['a proxy (nginx, a CDN) in front of Express adding its own Access-Control-Allow-Origin doubles the header; set it in one place only.'],
    'disallowed-request-method': ['the `methods` option is what the preflight allows; cors() lists GET,HEAD,PUT,PATCH,POST,DELETE only when the option is absent.'],
    'disallowed-request-header': ['with `allowedHeaders` set, only those names are allowed; keep the list in step with what the client sends.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const origins = allowedOrigins(needs);
    const expose = exposeHeadersOf(needs);
    const maxAge = maxAgeOf(needs);
    const options = [
      origins.length === 0
        ? "  origin: '*', // any page: no request to this server carries credentials"
        : origins.length > 1
          ? `  origin: [${originsList(needs)}], // exactly these page origins: cors echoes the request's Origin when it is listed — never '*' with credentials`
          : `  origin: ${q(needs.origin)}, // exactly the page origin (an array or a function for several) — never '*' with credentials`,
      ...(needs.credentials ? ['  credentials: true,'] : []),
      ...(needs.methods.length > 0 ? [`  methods: [${qList(needs.methods)}],`] : []),
      ...(needs.allowHeaders.length > 0 ? [`  allowedHeaders: [${qList(needs.allowHeaders)}],`] : []),
      ...(expose.length > 0 ? [`  exposedHeaders: [${qList(expose)}],`] : []),
      ...(maxAge !== null ? [`  maxAge: ${maxAge},`] : []),
      '  optionsSuccessStatus: 204,',
    ];
    return joinLines([
      ...comment('//', 'Express — npm i cors. In the file that creates `app`, right after `const app = express()` and BEFORE any auth middleware, routers and error handlers, so the preflight and error responses get the headers too.'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      "import cors from 'cors';",
      '',
      'app.use(cors({',
      ...options,
      '}));',
      ...trapLines('//', express, rule, ALWAYS, needs),
    ]);
  },
};
