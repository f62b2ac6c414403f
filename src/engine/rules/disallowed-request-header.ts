import { combinedHeader, parseTokenList } from '../model/headers.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { ACAH, evidence, setHeader, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type HeaderData = {
  /** The first rejected name: Chromium's failedParameter. */
  header: string;
  /** Every requested name the preflight did not allow, in the order the preflight asked. */
  rejected: string[];
  allowed: string[];
  requested: string[];
};
type Failure =
  | { reason: 'header-absent'; data: HeaderData }
  | { reason: 'not-listed'; data: HeaderData }
  | { reason: 'wildcard-with-credentials'; data: HeaderData };

export const disallowedRequestHeader: Rule<Failure> = {
  meta: {
    id: 'disallowed-request-header',
    title: 'The preflight allows every non-safelisted request header',
    failureTitle: 'The preflight does not allow a request header',
    description:
      'Each request header outside the CORS safelist (custom X- headers, Authorization, a JSON Content-Type…) must be listed in Access-Control-Allow-Headers on the preflight response; otherwise the browser does not send the request.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.missingAllowHeader,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      if (step.kind !== 'preflight') return INAPPLICABLE;
      const requested = [...step.requestedHeaders];
      if (requested.length === 0) return PASS;
      const value = combinedHeader(response.headers, ACAH);
      const parsed = parseTokenList(value ?? '', context.memo.headerLists);
      if (!parsed.ok) return INAPPLICABLE;
      const allowed = parsed.tokens.map((token) => token.toLowerCase());
      // The mode matters only to a "*" in the list (read only then: credentials inference counts the reads).
      const credentialed = allowed.includes('*') && context.isCredentialed();
      // The Fetch standard says "*" never covers Authorization, but Chromium 156 and Firefox 153 (its default
      // network.cors_preflight.authorization_covered_by_wildcard) let it: measured in both differential suites.
      // authorization-covered-by-wildcard warns that it will stop.
      const wildcard = !credentialed && allowed.includes('*');
      const rejected = wildcard ? [] : requested.filter((name) => !allowed.includes(name));
      const [header] = rejected;
      if (header === undefined) return PASS;
      const data = { header, rejected, allowed, requested };
      const failure: Failure =
        value === null ? { reason: 'header-absent', data }
        : allowed.includes('*') && credentialed ? { reason: 'wildcard-with-credentials', data }
        : { reason: 'not-listed', data };
      return { status: 'fail', failure, evidence: evidence(ACAH, value, rejected.join(', ')) };
    }),
  messages: {
    'header-absent': ({ data }) =>
      `The request sends ${list(data.rejected)}, and the preflight response had no Access-Control-Allow-Headers header; the browser needed ${list(data.rejected)} listed there.`,
    'not-listed': ({ data }) =>
      `The preflight response allowed "${data.allowed.join(', ')}", but the request sends ${list(data.rejected)}; the browser needed ${data.rejected.length > 1 ? 'them' : 'it'} in Access-Control-Allow-Headers.`,
    'wildcard-with-credentials': ({ data }) =>
      `The preflight response allowed headers with "*", which does not count for a request with credentials; the browser needed ${list(data.rejected)} listed by name.`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => {
      const names = [...new Set([...data.allowed.filter((name) => name !== '*'), ...data.requested])];
      return {
        target: 'preflight',
        headers: [setHeader('Access-Control-Allow-Headers', names.join(', '))],
        summary: `List ${data.rejected.join(', ')} in Access-Control-Allow-Headers on the OPTIONS response.`,
      };
    },
  },
};

function list(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
