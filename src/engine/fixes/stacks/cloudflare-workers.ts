import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, preflightOnlyHeaderLines, responseHeaderLines } from '../needs.js';
import { comment, filledWith, joinLines, originsList, q, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'responses from fetch() have immutable headers: copy them into a new Response before setting headers, as below.',
  'a thrown exception becomes Cloudflare\'s 500 without your headers; the try/catch keeps them on errors.',
];

export const cloudflareWorkers: StackPack = {
  id: 'cloudflare-workers',
  label: 'Cloudflare Workers',
  language: 'javascript',
  traps: {
    'preflight-invalid-status': ['answer OPTIONS before any auth check in the Worker (preflights carry no Authorization or cookies).'],
  },
  render: (needs: CorsNeeds, rule) => {
    const entries = (lines: ReadonlyArray<readonly [string, string]>) => lines.map(([name, value]) => `  ${q(name)}: ${q(value)},`);
    const origins = allowedOrigins(needs);
    // Several origins: a Set of them, and Allow-Origin echoes the request's Origin when it is in it.
    const list = origins.length > 1;
    const common = responseHeaderLines(needs).filter(([name]) => !list || name !== 'Access-Control-Allow-Origin');
    return joinLines([
      ...comment('//', 'Cloudflare Workers — src/index.js: rename your current fetch handler to `handle(request, env, ctx)` and export this one instead.'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      ...(list ? [`const ALLOWED_ORIGINS = new Set([${originsList(needs)}]);`] : origins.length === 0 ? [] : [`const ALLOWED_ORIGIN = ${q(needs.origin)};`]),
      'const CORS_HEADERS = {',
      ...entries(common),
      '};',
      'const PREFLIGHT_HEADERS = {',
      '  ...CORS_HEADERS,',
      ...entries(preflightOnlyHeaderLines(needs)),
      '};',
      '',
      'export default {',
      '  async fetch(request, env, ctx) {',
      ...(list
        ? [
            "    const origin = request.headers.get('Origin');",
            '    const allowed = ALLOWED_ORIGINS.has(origin);',
            "    if (allowed && request.method === 'OPTIONS') return new Response(null, { status: 204, headers: { ...PREFLIGHT_HEADERS, 'Access-Control-Allow-Origin': origin } });",
          ]
        : [
            origins.length === 0 ? '    const allowed = true; // "*": every page' : "    const allowed = request.headers.get('Origin') === ALLOWED_ORIGIN;",
            "    if (allowed && request.method === 'OPTIONS') return new Response(null, { status: 204, headers: PREFLIGHT_HEADERS });",
          ]),
      '    let response;',
      '    try {',
      '      response = await handle(request, env, ctx);',
      '    } catch (error) {',
      "      response = new Response('Internal Server Error', { status: 500 });",
      '    }',
      '    if (!allowed) return response;',
      '    const withCors = new Response(response.body, response);',
      '    for (const [name, value] of Object.entries(CORS_HEADERS)) withCors.headers.set(name, value);',
      ...(list ? ["    withCors.headers.set('Access-Control-Allow-Origin', origin);"] : []),
      '    return withCors;',
      '  },',
      '};',
      ...trapLines('//', cloudflareWorkers, rule, ALWAYS, needs),
    ]);
  },
};
