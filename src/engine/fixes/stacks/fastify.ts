import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, q, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  '`origin: \'*\'` (or `origin: true`, which reflects any origin) with `credentials: true` either fails in the browser or exposes your users\' data to every site; list the origin.',
];

export const fastify: StackPack = {
  id: 'fastify',
  label: 'Fastify (@fastify/cors)',
  language: 'javascript',
  traps: {
    'preflight-invalid-status': ['an onRequest/preHandler auth hook added before @fastify/cors runs first and answers the preflight 401; register cors before your auth hooks (its default hook is onRequest).'],
    'disallowed-request-method': ['@fastify/cors allows only GET, HEAD and POST unless `methods` says otherwise.'],
    'missing-allow-origin': ['registering cors inside an encapsulated plugin covers only that plugin\'s routes; register it on the root instance.'],
    'multiple-allow-origin-values': ['a proxy in front of Fastify adding Access-Control-Allow-Origin doubles the header; set it in one place only.'],
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
      ...(needs.methods.length > 0 ? [`  methods: [${qList(needs.methods)}],`] : []),
      ...(needs.allowHeaders.length > 0 ? [`  allowedHeaders: [${qList(needs.allowHeaders)}],`] : []),
      ...(expose.length > 0 ? [`  exposedHeaders: [${qList(expose)}],`] : []),
      ...(maxAge !== null ? [`  maxAge: ${maxAge},`] : []),
    ];
    return joinLines([
      ...comment('//', 'Fastify — npm i @fastify/cors. Right after `const app = Fastify()`, before your auth hooks and routes (ES module: top-level await).'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      "import cors from '@fastify/cors';",
      '',
      'await app.register(cors, {',
      ...options,
      '});',
      ...trapLines('//', fastify, rule, ALWAYS, needs),
    ]);
  },
};
