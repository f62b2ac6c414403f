import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, q, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  '`enableCors()` / `cors: true` without options answers "*", which a request with credentials never accepts.',
];

export const nestjs: StackPack = {
  id: 'nestjs',
  label: 'NestJS',
  language: 'typescript',
  traps: {
    'preflight-invalid-status': ['call enableCors() before app.use() of any auth middleware (passport, express-session checks); guards do not see the preflight, middleware added earlier does.'],
    'missing-allow-origin': ['exception filters that write the response themselves keep the CORS headers only if enableCors ran first, as here.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const origins = allowedOrigins(needs);
    const expose = exposeHeadersOf(needs);
    const maxAge = maxAgeOf(needs);
    const options = [
      origins.length === 0 ? "  origin: '*'," : origins.length > 1 ? `  origin: [${originsList(needs)}], // echoed when the request's Origin is listed` : `  origin: ${q(needs.origin)},`,
      ...(needs.credentials ? ['  credentials: true,'] : []),
      ...(needs.methods.length > 0 ? [`  methods: [${qList(needs.methods)}],`] : []),
      ...(needs.allowHeaders.length > 0 ? [`  allowedHeaders: [${qList(needs.allowHeaders)}],`] : []),
      ...(expose.length > 0 ? [`  exposedHeaders: [${qList(expose)}],`] : []),
      ...(maxAge !== null ? [`  maxAge: ${maxAge},`] : []),
      '  optionsSuccessStatus: 204,',
    ];
    return joinLines([
      ...comment('//', 'NestJS — src/main.ts, in bootstrap() right after NestFactory.create() and before app.use()/app.listen().'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      'app.enableCors({',
      ...options,
      '});',
      ...trapLines('//', nestjs, rule, ALWAYS, needs),
    ]);
  },
};
