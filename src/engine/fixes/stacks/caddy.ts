import type { CorsNeeds } from '../needs.js';
import { hasOriginList, preflightOnlyHeaderLines, responseHeaderLines } from '../needs.js';
import { comment, filledWith, joinLines, originsRegex, q, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'Caddy orders directives itself: basic_auth and forward_auth run before `handle`, so exclude OPTIONS from them (basic_auth @not_preflight { … }).',
];

export const caddy: StackPack = {
  id: 'caddy',
  label: 'Caddy',
  language: 'caddy',
  traps: {
    'multiple-allow-origin-values': ['with reverse_proxy, the backend\'s own Access-Control-Allow-Origin plus Caddy\'s makes two; `header_down -Access-Control-Allow-Origin` in reverse_proxy removes the backend\'s.'],
    'missing-allow-origin': ['errors handled by handle_errors start a fresh response: repeat the header block there.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const list = hasOriginList(needs);
    // Several origins: the matchers also require a listed Origin, and Allow-Origin echoes it.
    const common = responseHeaderLines(needs, list ? '{http.request.header.Origin}' : needs.origin);
    const preflight = [...common, ...preflightOnlyHeaderLines(needs)];
    const line = (indent: string) => ([name, value]: readonly [string, string]) => `${indent}${name} ${q(value)}`;
    const originMatch = `    header_regexp cors_origin Origin ${originsRegex(needs)}`;
    // Both variants answer a preflight the same way; only the matcher that picks it out differs.
    const answerPreflight = ['handle @cors_preflight {', '    header {', ...preflight.map(line('        ')), '    }', '    respond 204', '}'];
    if (list) {
      return joinLines([
        ...comment('#', `Caddy v2 — in the site block (api.example.com { … }) that serves ${needs.path}. Reload with caddy reload.`),
        ...comment('#', ruleNote(rule, needs)),
        ...comment('#', filledWith(needs)),
        ...(needs.preflight
          ? [
              '@cors_preflight {',
              '    method OPTIONS',
              originMatch,
              '}',
              ...answerPreflight,
            ]
          : []),
        '@cors_response {',
        '    not method OPTIONS',
        originMatch,
        '}',
        'header @cors_response {',
        ...common.map(line('    ')),
        '    defer',
        '}',
        ...trapLines('#', caddy, rule, ALWAYS, needs),
      ]);
    }
    return joinLines([
      ...comment('#', `Caddy v2 — in the site block (api.example.com { … }) that serves ${needs.path}. Reload with caddy reload.`),
      ...comment('#', ruleNote(rule, needs)),
      ...comment('#', filledWith(needs)),
      '@not_preflight not method OPTIONS',
      ...(needs.preflight
        ? [
            '@cors_preflight method OPTIONS',
            ...answerPreflight,
          ]
        : []),
      'header @not_preflight {',
      ...common.map(line('    ')),
      '    defer',
      '}',
      ...trapLines('#', caddy, rule, ALWAYS, needs),
    ]);
  },
};
