import { combinedHeader } from '../model/headers.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { ACAC, allowOriginBranch, evidence, originFixTarget, responseName, setHeader, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure =
  | { reason: 'header-absent'; data: { origin: string } }
  | { reason: 'not-exactly-true'; data: { origin: string; value: string } };

export const invalidAllowCredentials: Rule<Failure> = {
  meta: {
    id: 'invalid-allow-credentials',
    title: 'A credentialed request gets Access-Control-Allow-Credentials: true',
    failureTitle: 'Access-Control-Allow-Credentials is not "true" on a request with credentials',
    description:
      'When a request carries cookies or HTTP authentication, the server must opt in with the exact, lower-case value "true"; otherwise the browser withholds the response so that one site cannot read another site\'s logged-in data.',
    specUrl: FETCH_SPEC.allowCredentials,
    mdnUrl: MDN.missingAllowCredentials,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      const origin = step.requestOrigin ?? 'null';
      // Chromium only reaches this check when Allow-Origin matched exactly.
      if (allowOriginBranch(context.allowOrigin(response), origin, true) !== 'match') return INAPPLICABLE;
      const value = combinedHeader(response.headers, ACAC);
      // "true" satisfies a credentialed request and is ignored otherwise; the mode is read only when it decides.
      if (value === 'true') return PASS;
      if (!context.isCredentialed()) return INAPPLICABLE;
      return value === null
        ? { status: 'fail', failure: { reason: 'header-absent', data: { origin } }, evidence: evidence(ACAC, null, 'true') }
        : { status: 'fail', failure: { reason: 'not-exactly-true', data: { origin, value } }, evidence: evidence(ACAC, value, 'true') };
    }),
  messages: {
    'header-absent': (_failure, { step }) =>
      `The request was sent with credentials, and ${step === null ? 'the response' : responseName(step)} had no Access-Control-Allow-Credentials header; the browser needed Access-Control-Allow-Credentials: true.`,
    'not-exactly-true': ({ data }, { step }) =>
      `The request was sent with credentials, and ${step === null ? 'the response' : responseName(step)} sent Access-Control-Allow-Credentials: "${data.value}"; the browser needed exactly "true" (lower case, one value).`,
  },
  fix: {
    kind: 'fix',
    build: (_failure, context) => ({
      target: context.step === null ? 'all-responses' : originFixTarget(context.step, context),
      headers: [setHeader('Access-Control-Allow-Credentials', 'true')],
      summary: 'Send Access-Control-Allow-Credentials: true (or make the request without credentials).',
    }),
  },
};
