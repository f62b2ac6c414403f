import { parseTokenList } from '../model/headers.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, firstPreflightStep, responseHeader } from './audit-helpers.js';
import { ACAH, evidence, setHeader } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'wildcard-only'; data: { allowed: string[]; requested: string[] } };

const AUTHORIZATION = 'authorization';

/**
 * A request sends Authorization and the preflight allows it only through `Access-Control-Allow-Headers: *`.
 * Chromium 156 and Firefox 153 let it through (measured), but the Fetch standard says "*" never covers
 * Authorization; Firefox already logs CORSAllowHeaderFromPreflightDeprecation and has a switch to block it.
 * Not a security hole: a compatibility warning with a one-word fix.
 */
export const authorizationCoveredByWildcard: Rule<Failure> = {
  meta: {
    id: 'authorization-covered-by-wildcard',
    title: 'Authorization is allowed by name in Access-Control-Allow-Headers',
    failureTitle: 'Only "Access-Control-Allow-Headers: *" allows the Authorization header',
    description:
      'The Fetch standard says the "*" wildcard in Access-Control-Allow-Headers never covers Authorization. Chromium and Firefox still accept it today, but Firefox warns that it will stop; the same request is then blocked at its preflight. Naming authorization next to "*" keeps it working.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.allowHeaders,
    severity: 'warning',
    category: 'compatibility',
  },
  evaluate: (context) => {
    const step = firstPreflightStep(context.exchange);
    if (step === null || !step.requestedHeaders.includes(AUTHORIZATION)) return INAPPLICABLE;
    const value = responseHeader(step.entry, ACAH);
    const parsed = parseTokenList(value ?? '', context.memo.headerLists);
    if (!parsed.ok) return INAPPLICABLE;
    const allowed = parsed.tokens.map((token) => token.toLowerCase());
    if (!allowed.includes('*') || allowed.includes(AUTHORIZATION)) return PASS;
    // With credentials "*" is a literal name and the preflight check itself fails (disallowed-request-header).
    if (context.isCredentialed()) return INAPPLICABLE;
    return {
      status: 'fail',
      failure: { reason: 'wildcard-only', data: { allowed, requested: [...step.requestedHeaders] } },
      evidence: evidence('Access-Control-Allow-Headers', value, `${allowed.join(', ')}, authorization`),
    };
  },
  confidenceOf: () => confidence('high', 'The preflight response lists only "*" in Access-Control-Allow-Headers and the request sends Authorization.'),
  messages: {
    'wildcard-only': () =>
      'The request sends Authorization, and the preflight allows it only with "Access-Control-Allow-Headers: *". Browsers accept that today, but the Fetch standard says "*" does not cover Authorization and Firefox warns it will stop (CORSAllowHeaderFromPreflightDeprecation); list "authorization" by name.',
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => ({
      target: 'preflight',
      headers: [setHeader('Access-Control-Allow-Headers', [...new Set([...data.allowed, AUTHORIZATION])].join(', '))],
      summary: 'Name Authorization in Access-Control-Allow-Headers on the OPTIONS response, next to "*".',
    }),
  },
};
