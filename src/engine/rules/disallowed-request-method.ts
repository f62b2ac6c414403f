import { combinedHeader, parseTokenList } from '../model/headers.js';
import { isCorsSafelistedMethod } from '../spec/methods.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { ACAM, evidence, setHeader, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type MethodData = { method: string; allowed: string[] };
type Failure =
  | { reason: 'header-absent'; data: MethodData }
  | { reason: 'not-listed'; data: MethodData }
  /** Listed in another letter case: the comparison is case-sensitive, and fetch() sends `patch` as written. */
  | { reason: 'letter-case'; data: MethodData & { listedAs: string } }
  | { reason: 'wildcard-with-credentials'; data: MethodData };

export const disallowedRequestMethod: Rule<Failure> = {
  meta: {
    id: 'disallowed-request-method',
    title: 'The preflight allows the request method',
    failureTitle: 'The preflight does not allow the request method',
    description:
      'For methods other than GET, HEAD and POST the server must list the method in Access-Control-Allow-Methods on the preflight response; otherwise the browser does not send the request.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.methodNotFound,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      if (step.kind !== 'preflight') return INAPPLICABLE;
      // Compared exactly as sent: Chromium 156 no longer upper-cases (measured: `patch` vs `PATCH` fails).
      const method = step.requestedMethod;
      if (isCorsSafelistedMethod(method)) return PASS;
      const value = combinedHeader(response.headers, ACAM);
      const parsed = parseTokenList(value ?? '', context.memo.headerLists);
      if (!parsed.ok) return INAPPLICABLE;
      const allowed = [...parsed.tokens];
      if (allowed.includes(method)) return PASS;
      // The mode matters only to a "*" in the list (read only then: credentials inference counts the reads).
      if (allowed.includes('*') && !context.isCredentialed()) return PASS;
      const data = { method, allowed };
      const listedAs = allowed.find((token) => token.toUpperCase() === method.toUpperCase());
      const failure: Failure =
        value === null ? { reason: 'header-absent', data }
        : listedAs !== undefined ? { reason: 'letter-case', data: { ...data, listedAs } }
        : allowed.includes('*') ? { reason: 'wildcard-with-credentials', data }
        : { reason: 'not-listed', data };
      return { status: 'fail', failure, evidence: evidence(ACAM, value, method) };
    }),
  messages: {
    'header-absent': ({ data }) =>
      `The preflight response had no Access-Control-Allow-Methods header; the browser needed it to list ${data.method}.`,
    'not-listed': ({ data }) =>
      `The preflight response allowed only "${data.allowed.join(', ')}"; the browser needed ${data.method} in Access-Control-Allow-Methods.`,
    'letter-case': ({ data }) =>
      `The preflight response listed "${data.listedAs}", but the request's method is "${data.method}" and the browser compares methods case-sensitively (fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT); it needed "${data.method}" exactly.`,
    'wildcard-with-credentials': ({ data }) =>
      `The preflight response allowed methods with "*", which does not count for a request with credentials; the browser needed ${data.method} listed by name.`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => {
      const methods = [...new Set([...data.allowed.filter((token) => token !== '*'), data.method])];
      return {
        target: 'preflight',
        headers: [setHeader('Access-Control-Allow-Methods', methods.join(', '))],
        summary: `List ${data.method} in Access-Control-Allow-Methods on the OPTIONS response${data.method !== data.method.toUpperCase() ? ` (or send "${data.method.toUpperCase()}" from the client)` : ''}.`,
      };
    },
  },
};
