import { originOf } from '../model/origin.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { ACAO, allowOriginDecision, evidence, originFixTarget, originForFix, responseName, setHeader, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type MismatchData = { value: string; origin: string };
type Failure =
  | { reason: 'different-origin'; data: MismatchData }
  /** Same origin once normalised: a trailing slash, a path, a default port or letter case. */
  | { reason: 'not-serialized-form'; data: MismatchData }
  | { reason: 'literal-null'; data: MismatchData }
  /** After a cross-origin redirect the browser sends Origin: null and needs "null" or "*" back. */
  | { reason: 'origin-is-null-after-redirect'; data: MismatchData };

export const allowOriginMismatch: Rule<Failure> = {
  meta: {
    id: 'allow-origin-mismatch',
    title: 'Access-Control-Allow-Origin equals the requesting origin',
    failureTitle: 'Access-Control-Allow-Origin names a different origin',
    description:
      'The browser compares the header with the page\'s origin character for character. Any other value — another site, a trailing slash, different letter case, http instead of https — means the server did not allow this page.',
    specUrl: FETCH_SPEC.corsCheck,
    mdnUrl: MDN.allowOriginMismatch,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      const { origin, value, branch } = allowOriginDecision(context, step, response);
      if (branch === 'match') return PASS;
      if (value === null || (branch !== 'mismatch' && branch !== 'null-mismatch')) return INAPPLICABLE;
      const data = { value, origin };
      const failure: Failure =
        origin === 'null' ? { reason: 'origin-is-null-after-redirect', data }
        : branch === 'null-mismatch' ? { reason: 'literal-null', data }
        : originOf(value, context.memo.origins) === origin ? { reason: 'not-serialized-form', data }
        : { reason: 'different-origin', data };
      return { status: 'fail', failure, evidence: evidence(ACAO, value, origin) };
    }),
  messages: {
    'different-origin': ({ data }, { step }) =>
      `${where(step)} allowed "${data.value}", but the request came from "${data.origin}"; the browser needed exactly "${data.origin}".`,
    'not-serialized-form': ({ data }, { step }) =>
      `${where(step)} sent "${data.value}", which is the right site written differently (path, trailing slash, port or letter case); the browser compares exactly and needed "${data.origin}".`,
    'literal-null': ({ data }, { step }) =>
      `${where(step)} sent Access-Control-Allow-Origin: null, which only matches sandboxed or redirected requests; this request came from "${data.origin}". Never allow "null" in production: any sandboxed iframe can claim it.`,
    'origin-is-null-after-redirect': ({ data }, { step }) =>
      `${where(step)} sent "${data.value}", but after a redirect to another origin the browser sends Origin: null and needed "null" (or "*" without credentials). Point the client at the final URL to avoid the cross-origin redirect.`,
  },
  fix: {
    kind: 'fix',
    build: (failure, context) => {
      const step = context.step;
      const target = step === null ? 'all-responses' : originFixTarget(step, context);
      if (failure.reason === 'origin-is-null-after-redirect') {
        return { target: 'client', headers: [], summary: `Request the final URL directly so no cross-origin redirect turns the origin into "null" (${step?.entry.request.url ?? ''}).` };
      }
      const origin = step === null ? failure.data.origin : originForFix(step, context);
      return {
        target,
        headers: [setHeader('Access-Control-Allow-Origin', origin), setHeader('Vary', 'Origin')],
        summary: `Send Access-Control-Allow-Origin: ${origin} exactly.`,
      };
    },
  },
};

function where(step: Parameters<typeof responseName>[0] | null): string {
  if (step === null) return 'The response';
  const name = responseName(step);
  return name.charAt(0).toUpperCase() + name.slice(1);
}
