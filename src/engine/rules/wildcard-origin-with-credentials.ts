import { FETCH_SPEC, MDN } from '../spec/references.js';
import { ACAO, allowOriginDecision, evidence, originFixTarget, originForFix, responseName, setHeader, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'credentialed-request'; data: { origin: string; credentialsBasis: string } };

export const wildcardOriginWithCredentials: Rule<Failure> = {
  meta: {
    id: 'wildcard-origin-with-credentials',
    title: 'A credentialed request gets its exact origin, not "*"',
    failureTitle: 'Access-Control-Allow-Origin is "*" on a request with credentials',
    description:
      'A request sent with cookies or HTTP authentication may only be shared with an origin the server names exactly; "*" is refused even with Access-Control-Allow-Credentials: true, so that a server cannot leak a logged-in user\'s data to every site.',
    specUrl: FETCH_SPEC.corsProtocolAndCredentials,
    mdnUrl: MDN.wildcardWithCredentials,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      const { origin, branch } = allowOriginDecision(context, step, response);
      if (branch === 'wildcard') return PASS;
      if (branch !== 'wildcard-with-credentials') return INAPPLICABLE;
      return {
        status: 'fail',
        failure: { reason: 'credentialed-request', data: { origin, credentialsBasis: context.credentialsBasis() } },
        evidence: evidence(ACAO, '*', origin),
      };
    }),
  messages: {
    'credentialed-request': ({ data }, { step }) =>
      `The request was sent with credentials (${data.credentialsBasis === 'cookie-header' ? 'it carried a Cookie header' : 'inferred from the outcome'}), and ${step === null ? 'the response' : responseName(step)} answered Access-Control-Allow-Origin: *. With credentials the browser needs the exact origin "${data.origin}" and Access-Control-Allow-Credentials: true.`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }, context) => {
      const step = context.step;
      const origin = step === null ? data.origin : originForFix(step, context);
      return {
        target: step === null ? 'all-responses' : originFixTarget(step, context),
        headers: [
          setHeader('Access-Control-Allow-Origin', origin),
          setHeader('Access-Control-Allow-Credentials', 'true'),
          setHeader('Vary', 'Origin'),
        ],
        summary: `Echo the allowed origin instead of "*": Access-Control-Allow-Origin: ${origin}, Access-Control-Allow-Credentials: true.`,
      };
    },
  },
};

