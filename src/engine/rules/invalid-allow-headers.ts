import { combinedHeader, parseTokenList } from '../model/headers.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { ACAH, evidence, setHeader, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'not-a-token-list'; data: { value: string; invalidItem: string; requestedHeaders: string[] } };

export const invalidAllowHeaders: Rule<Failure> = {
  meta: {
    id: 'invalid-allow-headers',
    title: 'Access-Control-Allow-Headers is a comma-separated list of header names',
    failureTitle: 'Access-Control-Allow-Headers cannot be parsed',
    description:
      'The browser parses the header as comma-separated header-name tokens. One malformed item makes the whole preflight fail, even for headers that are listed correctly.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.invalidAllowHeaders,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      if (step.kind !== 'preflight') return INAPPLICABLE;
      const value = combinedHeader(response.headers, ACAH);
      if (value === null) return INAPPLICABLE;
      const parsed = parseTokenList(value, context.memo.headerLists);
      if (parsed.ok) return PASS;
      const requestedHeaders = [...step.requestedHeaders];
      return {
        status: 'fail',
        failure: { reason: 'not-a-token-list', data: { value, invalidItem: parsed.invalidItem, requestedHeaders } },
        evidence: evidence(ACAH, value, requestedHeaders.join(', ')),
      };
    }),
  messages: {
    'not-a-token-list': ({ data }) =>
      `The preflight response sent Access-Control-Allow-Headers: "${data.value}", which the browser cannot parse ("${data.invalidItem}" is not a header name); it needed a comma-separated list${data.requestedHeaders.length > 0 ? ` such as "${data.requestedHeaders.join(', ')}"` : ''}.`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => ({
      target: 'preflight',
      headers: [setHeader('Access-Control-Allow-Headers', data.requestedHeaders.join(', '))],
      summary: `Send Access-Control-Allow-Headers: ${data.requestedHeaders.join(', ') || '<the header names the client sends>'} (comma-separated names only).`,
    }),
  },
};
