import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, q, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'wrap the outermost handler: CORS outside your auth middleware, not inside it, or the preflight gets 401.',
  'Go 1.22 method patterns ("GET /items") make the mux answer OPTIONS with 405; the CORS handler must answer it first.',
  'rs/cors with AllowOriginFunc returning true (or AllowedOrigins "*" with AllowCredentials) trusts every site with your users\' data; list the origin.',
];

/** Struct literal fields aligned the way gofmt aligns them (values start one column after the longest key). */
function gofmtFields(fields: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...fields.map(([key]) => key.length));
  return fields.map(([key, value]) => `\t\t${`${key}:`.padEnd(width + 2)}${value},`);
}

export const go: StackPack = {
  id: 'go',
  label: 'Go (rs/cors or net/http)',
  language: 'go',
  traps: {
    'disallowed-request-method': ['rs/cors allows only GET, POST and HEAD unless AllowedMethods lists more.'],
    'wildcard-origin-with-credentials': ['AllowedOrigins: []string{"*"} with AllowCredentials is refused by browsers; list the origin.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const methods = needs.methods.length > 0 ? ['GET', 'HEAD', 'POST', ...needs.methods.filter((m) => !['GET', 'HEAD', 'POST'].includes(m))] : [];
    const origins = allowedOrigins(needs);
    const expose = exposeHeadersOf(needs);
    const maxAge = maxAgeOf(needs);
    const options: Array<readonly [string, string]> = [
      ['AllowedOrigins', `[]string{${origins.length === 0 ? q('*') : originsList(needs)}}`],
      ...(needs.credentials ? [['AllowCredentials', 'true'] as const] : []),
      ...(methods.length > 0 ? [['AllowedMethods', `[]string{${qList(methods)}}`] as const] : []),
      ...(needs.allowHeaders.length > 0 ? [['AllowedHeaders', `[]string{${qList(needs.allowHeaders)}}`] as const] : []),
      ...(expose.length > 0 ? [['ExposedHeaders', `[]string{${qList(expose)}}`] as const] : []),
      ...(maxAge !== null ? [['MaxAge', String(maxAge)] as const] : []),
    ];
    // net/http alone: one origin is compared, several are each compared and the request's Origin echoed, "*" is sent to any.
    const originCheck = origins.length > 1
      ? [
          `\t\tif origin := r.Header.Get("Origin"); ${origins.map((origin) => `origin == ${q(origin)}`).join(' || ')} {`,
          '\t\t\th.Set("Access-Control-Allow-Origin", origin)',
        ]
      : origins.length === 0
        ? ['\t\tif r.Header.Get("Origin") != "" {', '\t\t\th.Set("Access-Control-Allow-Origin", "*")']
        : [`\t\tif r.Header.Get("Origin") == ${q(needs.origin)} {`, `\t\t\th.Set("Access-Control-Allow-Origin", ${q(needs.origin)})`];
    return joinLines([
      ...comment('//', 'Go — in the file that starts the server (imports "net/http", and "github.com/rs/cors" for rsCORS). Keep one of the two handlers: rsCORS uses github.com/rs/cors, withCORS net/http alone. Wrap the outermost handler: http.ListenAndServe(addr, rsCORS(authMiddleware(mux))).'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      'func rsCORS(next http.Handler) http.Handler {',
      '\treturn cors.New(cors.Options{',
      ...gofmtFields(options),
      '\t}).Handler(next)',
      '}',
      '',
      'func withCORS(next http.Handler) http.Handler {',
      '\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {',
      '\t\th := w.Header()',
      '\t\th.Add("Vary", "Origin")',
      ...originCheck,
      ...(needs.credentials ? ['\t\t\th.Set("Access-Control-Allow-Credentials", "true")'] : []),
      ...(expose.length > 0 ? [`\t\t\th.Set("Access-Control-Expose-Headers", ${q(expose.join(', '))})`] : []),
      '\t\t\tif r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {',
      ...(needs.methods.length > 0 ? [`\t\t\t\th.Set("Access-Control-Allow-Methods", ${q(needs.methods.join(', '))})`] : []),
      ...(needs.allowHeaders.length > 0 ? [`\t\t\t\th.Set("Access-Control-Allow-Headers", ${q(needs.allowHeaders.join(', '))})`] : []),
      ...(maxAge !== null ? [`\t\t\t\th.Set("Access-Control-Max-Age", ${q(String(maxAge))})`] : []),
      '\t\t\t\tw.WriteHeader(http.StatusNoContent)',
      '\t\t\t\treturn',
      '\t\t\t}',
      '\t\t}',
      '\t\tnext.ServeHTTP(w, r)',
      '\t})',
      '}',
      '',
      ...trapLines('//', go, rule, ALWAYS, needs),
    ]);
  },
};
