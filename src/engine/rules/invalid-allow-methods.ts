import { parseTokenList } from '../model/headers.js';
import { combinedHeader } from '../model/headers.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { ACAM, evidence, setHeader, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'not-a-token-list'; data: { value: string; invalidItem: string; method: string } };

export const invalidAllowMethods: Rule<Failure> = {
  meta: {
    id: 'invalid-allow-methods',
    title: 'Access-Control-Allow-Methods is a comma-separated list of methods',
    failureTitle: 'Access-Control-Allow-Methods cannot be parsed',
    description:
      'The browser parses the header as comma-separated method tokens. One malformed item (a stray character, a quoted value, a semicolon list) makes the whole preflight fail.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.invalidAllowMethods,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      if (step.kind !== 'preflight') return INAPPLICABLE;
      const value = combinedHeader(response.headers, ACAM);
      if (value === null) return INAPPLICABLE;
      const parsed = parseTokenList(value, context.memo.headerLists);
      if (parsed.ok) return PASS;
      const method = step.requestedMethod;
      return {
        status: 'fail',
        failure: { reason: 'not-a-token-list', data: { value, invalidItem: parsed.invalidItem, method } },
        evidence: evidence(ACAM, value, method),
      };
    }),
  messages: {
    'not-a-token-list': ({ data }) =>
      `The preflight response sent Access-Control-Allow-Methods: "${data.value}", which the browser cannot parse ("${data.invalidItem}" is not a method name); it needed a comma-separated list such as "${data.method}".`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => ({
      target: 'preflight',
      headers: [setHeader('Access-Control-Allow-Methods', data.method)],
      summary: `Send Access-Control-Allow-Methods: ${data.method} (comma-separated method names only).`,
    }),
  },
};
