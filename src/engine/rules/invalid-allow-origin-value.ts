import { FETCH_SPEC, MDN } from '../spec/references.js';
import { ACAO, allowOriginDecision, evidence, originFixTarget, originForFix, responseName, setHeader, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'not-an-origin'; data: { value: string; origin: string } };

export const invalidAllowOriginValue: Rule<Failure> = {
  meta: {
    id: 'invalid-allow-origin-value',
    title: 'Access-Control-Allow-Origin is a valid origin',
    failureTitle: 'Access-Control-Allow-Origin is not a valid origin',
    description:
      'The value must be a serialized origin such as https://app.example.com (scheme, host, optional port). Patterns like *.example.com or bare host names are not understood by any browser.',
    specUrl: FETCH_SPEC.allowOrigin,
    mdnUrl: MDN.allowOriginMismatch,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      const { origin, value, branch } = allowOriginDecision(context, step, response);
      if (value === null || branch === 'missing' || branch === 'multiple-values') return INAPPLICABLE;
      if (branch !== 'invalid-value') return PASS;
      return { status: 'fail', failure: { reason: 'not-an-origin', data: { value, origin } }, evidence: evidence(ACAO, value, origin) };
    }),
  messages: {
    'not-an-origin': ({ data }, { step }) =>
      `${step === null ? 'The response' : responseName(step)} sent Access-Control-Allow-Origin: "${data.value}", which is not a valid origin (wildcard patterns and bare host names are not supported); the browser needed "${data.origin}".`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }, context) => {
      const origin = context.step === null ? data.origin : originForFix(context.step, context);
      return {
        target: context.step === null ? 'all-responses' : originFixTarget(context.step, context),
        headers: [setHeader('Access-Control-Allow-Origin', origin), setHeader('Vary', 'Origin')],
        summary: `Match the request's Origin against your allow-list on the server and echo it: Access-Control-Allow-Origin: ${origin}.`,
      };
    },
  },
};
