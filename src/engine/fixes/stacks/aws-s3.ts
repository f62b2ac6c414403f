import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, ruleNote, trapLines, type StackPack } from '../kit.js';

const S3_METHODS: ReadonlySet<string> = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);

const ALWAYS = [
  'behind CloudFront, add Origin to the cache key (or the CORS-S3Origin origin request policy): otherwise a response cached for a request without Origin is served without CORS headers.',
  'S3 answers a preflight 403 when no rule matches the origin, method and every requested header; one wrong entry fails the whole rule.',
];

export const awsS3: StackPack = {
  id: 'aws-s3',
  label: 'AWS S3 bucket CORS',
  language: 'shell',
  traps: {
    'disallowed-request-method': ['S3 allows only GET, PUT, POST, DELETE and HEAD in AllowedMethods.'],
    'wildcard-origin-with-credentials': ['with AllowedOrigins "*" S3 answers "*"; a credentialed request needs the origin listed.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const methods = [...new Set(['GET', 'HEAD', ...needs.methods.filter((m) => S3_METHODS.has(m)), ...(S3_METHODS.has(needs.method) ? [needs.method] : [])])];
    const config = {
      CORSRules: [{
        AllowedOrigins: allowedOrigins(needs).length === 0 ? ['*'] : [...allowedOrigins(needs)],
        AllowedMethods: methods,
        ...(needs.allowHeaders.length > 0 ? { AllowedHeaders: [...needs.allowHeaders] } : {}),
        ...(exposeHeadersOf(needs).length > 0 ? { ExposeHeaders: [...exposeHeadersOf(needs)] } : {}),
        MaxAgeSeconds: maxAgeOf(needs) ?? 600,
      }],
    };
    return joinLines([
      ...comment('#', 'AWS S3 — the bucket\'s CORS configuration (console: bucket → Permissions → CORS takes the CORSRules array), replacing the existing one:'),
      ...comment('#', ruleNote(rule, needs)),
      ...comment('#', filledWith(needs)),
      `aws s3api put-bucket-cors --bucket YOUR_BUCKET --cors-configuration '${JSON.stringify(config)}'`,
      ...trapLines('#', awsS3, rule, ALWAYS, needs),
    ]);
  },
};
