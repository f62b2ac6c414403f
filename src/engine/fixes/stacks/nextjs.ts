import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, preflightOnlyHeaderLines, responseHeaderLines } from '../needs.js';
import { comment, filledWith, joinLines, originsList, q, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'headers() in next.config.js adds headers but never answers OPTIONS, so a preflighted request still fails; the middleware answers it.',
];

export const nextjs: StackPack = {
  id: 'nextjs',
  label: 'Next.js (middleware)',
  language: 'typescript',
  traps: {
    'preflight-invalid-status': ['a route handler without an OPTIONS export answers the preflight 405; the middleware answers it before the route.'],
    'missing-allow-origin': ['responses thrown by a route handler (500) still pass through the headers set here on NextResponse.next().'],
  },
  render: (needs: CorsNeeds, rule) => {
    const entries = (lines: ReadonlyArray<readonly [string, string]>) => lines.map(([name, value]) => `  ${q(name)}: ${q(value)},`);
    const apiPrefix = needs.path.split('/').slice(0, 2).join('/') || '/';
    const origins = allowedOrigins(needs);
    // Several origins: a Set of them, and Allow-Origin echoes the request's Origin when it is in it.
    const list = origins.length > 1;
    const common = responseHeaderLines(needs).filter(([name]) => !list || name !== 'Access-Control-Allow-Origin');
    return joinLines([
      ...comment('//', 'Next.js — middleware.ts at the project root (next to app/ or pages/; src/middleware.ts with a src/ folder). Next.js 16 names this file proxy.ts and the function `proxy`; middleware.ts still works there, with a deprecation warning.'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      "import { NextResponse, type NextRequest } from 'next/server';",
      '',
      ...(list ? [`const ALLOWED_ORIGINS = new Set([${originsList(needs)}]);`] : origins.length === 0 ? [] : [`const ALLOWED_ORIGIN = ${q(needs.origin)};`]),
      'const CORS_HEADERS: Record<string, string> = {',
      ...entries(common),
      '};',
      'const PREFLIGHT_HEADERS: Record<string, string> = {',
      '  ...CORS_HEADERS,',
      ...entries(preflightOnlyHeaderLines(needs)),
      '};',
      '',
      'export function middleware(request: NextRequest) {',
      ...(list
        ? [
            "  const origin = request.headers.get('origin');",
            '  if (origin === null || !ALLOWED_ORIGINS.has(origin)) return NextResponse.next();',
            "  if (request.method === 'OPTIONS') return new NextResponse(null, { status: 204, headers: { ...PREFLIGHT_HEADERS, 'Access-Control-Allow-Origin': origin } });",
          ]
        : [
            ...(origins.length === 0 ? [] : ["  if (request.headers.get('origin') !== ALLOWED_ORIGIN) return NextResponse.next();"]),
            "  if (request.method === 'OPTIONS') return new NextResponse(null, { status: 204, headers: PREFLIGHT_HEADERS });",
          ]),
      '  const response = NextResponse.next();',
      '  for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);',
      ...(list ? ["  response.headers.set('Access-Control-Allow-Origin', origin);"] : []),
      '  return response;',
      '}',
      '',
      `export const config = { matcher: ${q(apiPrefix === '/' ? '/:path*' : `${apiPrefix}/:path*`)} };`,
      ...trapLines('//', nextjs, rule, ALWAYS, needs),
    ]);
  },
};
