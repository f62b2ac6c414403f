import type { CorsNeeds } from '../needs.js';
import { hasOriginList, preflightOnlyHeaderLines, responseHeaderLines } from '../needs.js';
import { comment, filledWith, joinLines, q, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'without `always`, add_header applies only to 2xx/3xx responses, so 4xx/5xx errors reach the page without CORS headers.',
  'an add_header inside `if` or a nested location replaces every add_header inherited from outside it, which is why the lines are repeated in the OPTIONS block.',
];

export const nginx: StackPack = {
  id: 'nginx',
  label: 'nginx',
  language: 'nginx',
  traps: {
    'preflight-invalid-status': ['the OPTIONS block answers in the rewrite phase, before auth_basic / auth_request (access phase) and before proxy_pass; do not move it below them into a separate location.'],
    'preflight-redirected': ['a `return 301` for http→https or a trailing slash must not catch OPTIONS; keep the OPTIONS block in the location the page calls.'],
    'multiple-allow-origin-values': ['proxy_hide_header drops the backend\'s own Access-Control-* lines so only nginx sets them.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const list = hasOriginList(needs);
    // Several origins: a map (http { } level) echoes the request's Origin when it is listed, else "" — and
    // add_header sends no line for an empty value, so other origins get no Allow-Origin.
    const common = responseHeaderLines(needs, list ? '$cors_allow_origin' : needs.origin);
    const preflight = [...common, ...preflightOnlyHeaderLines(needs)];
    const value = (text: string) => (text.startsWith('$') ? text : q(text));
    const addHeader = (indent: string) => ([name, text]: readonly [string, string]) => `${indent}add_header ${name} ${value(text)} always;`;
    return joinLines([
      ...(list
        ? [
            ...comment('#', `nginx — two parts. Reload with nginx -s reload. ${ruleNote(rule, needs)}`),
            ...comment('#', filledWith(needs)),
            '# 1. In the http { } block, once (next to your server { } blocks):',
            'map $http_origin $cors_allow_origin {',
            '    default "";',
            ...(needs.origins ?? []).map((origin) => `    ${q(origin)} $http_origin;`),
            '}',
            ...comment('#', `2. Inside the location { } that serves ${needs.path} (server { listen …; location … { HERE } }), in place of any other add_header Access-Control-* lines:`),
          ]
        : [
            ...comment('#', `nginx — inside the location { } that serves ${needs.path} (server { listen …; location … { HERE } }), in place of any other add_header Access-Control-* lines. Reload with nginx -s reload.`),
            ...comment('#', ruleNote(rule, needs)),
            ...comment('#', filledWith(needs)),
          ]),
      ...(needs.preflight
        ? [
            'if ($request_method = OPTIONS) {',
            ...preflight.map(addHeader('    ')),
            '    return 204;',
            '}',
          ]
        : []),
      ...common.map(addHeader('')),
      'proxy_hide_header Access-Control-Allow-Origin;',
      'proxy_hide_header Access-Control-Allow-Credentials;',
      ...trapLines('#', nginx, rule, ALWAYS, needs),
    ]);
  },
};
