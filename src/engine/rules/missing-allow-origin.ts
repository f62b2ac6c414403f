import { FETCH_SPEC, MDN } from '../spec/references.js';
import { ACAO, allowOriginBranch, evidence, originFixTarget, originForFix, responseName, setHeader, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { PASS } from './types.js';

type Failure = { reason: 'header-absent'; data: { origin: string; status: number } };

export const missingAllowOrigin: Rule<Failure> = {
  meta: {
    id: 'missing-allow-origin',
    title: 'The response names the page origin in Access-Control-Allow-Origin',
    failureTitle: 'The response has no Access-Control-Allow-Origin header',
    description:
      'Without Access-Control-Allow-Origin the browser assumes the server does not share this response with other origins, and hands the script a network error instead of the response.',
    specUrl: FETCH_SPEC.corsCheck,
    mdnUrl: MDN.missingAllowOrigin,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      const value = context.allowOrigin(response);
      const origin = step.requestOrigin ?? 'null';
      if (allowOriginBranch(value, origin, false) !== 'missing') return PASS;
      return {
        status: 'fail',
        failure: { reason: 'header-absent', data: { origin, status: response.status ?? 0 } },
        evidence: evidence(ACAO, null, origin),
      };
    }),
  messages: {
    'header-absent': ({ data }, { step }) =>
      `The browser found no Access-Control-Allow-Origin header on ${step === null ? 'the response' : responseName(step)}${step?.kind === 'redirect' ? '' : ` (status ${data.status})`}; it needed "${data.origin}" (or "*" for a request without credentials).`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }, context) => {
      const step = context.step;
      const origin = step === null ? data.origin : originForFix(step, context);
      // A credentialed request is checked for Allow-Credentials next: the fix sends both, or it only moves the block.
      const credentialed = origin !== '*' && context.isCredentialed();
      return {
        target: step === null ? 'all-responses' : originFixTarget(step, context),
        headers: [
          setHeader('Access-Control-Allow-Origin', origin),
          ...(credentialed ? [setHeader('Access-Control-Allow-Credentials', 'true')] : []),
          setHeader('Vary', 'Origin'),
        ],
        summary: `Send Access-Control-Allow-Origin: ${origin}${credentialed ? ' with Access-Control-Allow-Credentials: true' : ''} (and Vary: Origin).`,
      };
    },
  },
};
