import { FETCH_SPEC, MDN } from '../spec/references.js';
import { ACAO, allowOriginDecision, allowOriginLines, evidence, originFixTarget, originForFix, responseName, setHeader, withResponse } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure =
  | { reason: 'repeated-header-lines'; data: { lines: string[]; combined: string; origin: string } }
  | { reason: 'list-in-one-value'; data: { value: string; origin: string } };

export const multipleAllowOriginValues: Rule<Failure> = {
  meta: {
    id: 'multiple-allow-origin-values',
    title: 'Access-Control-Allow-Origin holds exactly one origin',
    failureTitle: 'Access-Control-Allow-Origin holds more than one value',
    description:
      'The header takes a single origin (or "*"). A list — often from two layers (app and proxy) each adding the header — is never a match, so the browser blocks the response.',
    specUrl: FETCH_SPEC.allowOrigin,
    mdnUrl: MDN.multipleAllowOrigin,
    severity: 'error',
  },
  evaluate: (context) =>
    withResponse<Failure>(context, (step, response) => {
      const { origin, value, branch } = allowOriginDecision(context, step, response);
      if (value === null || branch === 'missing') return INAPPLICABLE;
      if (branch !== 'multiple-values') return PASS;
      const lines = allowOriginLines(response);
      const failure: Failure = lines.length > 1
        ? { reason: 'repeated-header-lines', data: { lines, combined: value, origin } }
        : { reason: 'list-in-one-value', data: { value, origin } };
      return { status: 'fail', failure, evidence: evidence(ACAO, value, origin) };
    }),
  messages: {
    'repeated-header-lines': ({ data }, { step }) =>
      `${step === null ? 'The response' : capitalize(responseName(step))} carried ${data.lines.length} Access-Control-Allow-Origin header lines, which the browser joins into "${data.combined}"; it needed exactly one value, "${data.origin}". Two layers (e.g. the application and a proxy) are probably each adding the header.`,
    'list-in-one-value': ({ data }, { step }) =>
      `${step === null ? 'The response' : capitalize(responseName(step))} sent Access-Control-Allow-Origin: "${data.value}", a list; the browser needed exactly one origin, "${data.origin}". Pick the requesting origin from an allow-list on the server and echo only that one.`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }, context) => {
      const origin = context.step === null ? data.origin : originForFix(context.step, context);
      return {
        target: context.step === null ? 'all-responses' : originFixTarget(context.step, context),
        headers: [setHeader('Access-Control-Allow-Origin', origin), setHeader('Vary', 'Origin')],
        summary: `Send a single Access-Control-Allow-Origin: ${origin} (set it in one layer only).`,
      };
    },
  },
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
