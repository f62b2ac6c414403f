import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'CORS_ALLOW_ALL_ORIGINS = True with CORS_ALLOW_CREDENTIALS = True reflects every origin: any site can then read your users\' data. List the origin instead.',
];

export const django: StackPack = {
  id: 'django',
  label: 'Django (django-cors-headers)',
  language: 'python',
  traps: {
    'preflight-invalid-status': ['CorsMiddleware must sit above every middleware that can answer first (authentication, CommonMiddleware\'s APPEND_SLASH redirect), or the preflight gets 401/301.'],
    'allow-origin-mismatch': ['CORS_ALLOWED_ORIGINS entries are origins: scheme://host[:port], no path and no trailing slash.'],
    'multiple-allow-origin-values': ['a proxy or a view that sets Access-Control-Allow-Origin as well doubles it; let the middleware set it alone.'],
  },
  render: (needs: CorsNeeds, rule) => {
    return joinLines([
      ...comment('#', 'Django — pip install django-cors-headers. In settings.py (merge with your existing lists).'),
      ...comment('#', ruleNote(rule, needs)),
      ...comment('#', filledWith(needs)),
      'from corsheaders.defaults import default_headers, default_methods',
      '',
      'INSTALLED_APPS = [',
      '    # …',
      '    "corsheaders",',
      ']',
      '',
      'MIDDLEWARE = [',
      '    "corsheaders.middleware.CorsMiddleware",  # as high as possible: before CommonMiddleware and auth',
      '    # … your other middleware …',
      ']',
      '',
      allowedOrigins(needs).length === 0 ? 'CORS_ALLOW_ALL_ORIGINS = True  # "*": no request to this server carries credentials' : `CORS_ALLOWED_ORIGINS = [${originsList(needs)}]`,
      ...(needs.credentials ? ['CORS_ALLOW_CREDENTIALS = True'] : []),
      ...(needs.methods.length > 0 ? [`CORS_ALLOW_METHODS = (*default_methods, ${qList(needs.methods)})`] : []),
      ...(needs.allowHeaders.length > 0 ? [`CORS_ALLOW_HEADERS = (*default_headers, ${qList(needs.allowHeaders)})`] : []),
      ...(exposeHeadersOf(needs).length > 0 ? [`CORS_EXPOSE_HEADERS = [${qList(exposeHeadersOf(needs))}]`] : []),
      ...(maxAgeOf(needs) !== null ? [`CORS_PREFLIGHT_MAX_AGE = ${maxAgeOf(needs) ?? 0}`] : []),
      ...trapLines('#', django, rule, ALWAYS, needs),
    ]);
  },
};
