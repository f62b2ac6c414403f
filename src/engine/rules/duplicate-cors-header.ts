import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, responseHeader, responseHeaderLines, statusOf } from './audit-helpers.js';
import { ACAC, ACAO, evidence, fixTargetOf, removeHeader, setHeader } from './helpers.js';
import type { Step } from '../model/exchange.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure =
  | { reason: 'repeated-lines'; data: { header: string; lines: string[]; identical: boolean; response: string } }
  | { reason: 'repeated-value'; data: { header: string; value: string; response: string } };

/** Single-valued CORS headers: a second copy can only come from a second layer. */
const SINGLE_VALUED: readonly { readonly lower: string; readonly header: string }[] = [
  { lower: ACAO, header: 'Access-Control-Allow-Origin' },
  { lower: ACAC, header: 'Access-Control-Allow-Credentials' },
];

/**
 * Two layers (a reverse proxy or gateway and the application, or two middlewares) each adding
 * Access-Control-Allow-Origin / -Credentials: the header arrives on two lines, or merged into one line with
 * the same value twice. The CORS check fails although each layer is configured "correctly".
 */
export const duplicateCorsHeader: Rule<Failure> = {
  meta: {
    id: 'duplicate-cors-header',
    title: 'Each CORS header is set by one layer',
    failureTitle: 'Two layers (proxy and application) both add the CORS headers',
    description:
      'Access-Control-Allow-Origin and -Credentials take a single value. When a proxy (nginx, a gateway, a CDN rule) and the application both add them, the response carries two copies and the browser rejects it — each layer looks correct on its own.',
    specUrl: FETCH_SPEC.allowOrigin,
    mdnUrl: MDN.multipleAllowOrigin,
    severity: 'warning',
    category: 'classification',
  },
  evaluate: ({ exchange, step }) => {
    if (step !== null) return INAPPLICABLE;
    // Indexed loops: this runs for every cross-origin exchange, mostly before V8 has optimized it.
    for (let stepIndex = 0; stepIndex < exchange.steps.length; stepIndex++) {
      const candidate = exchange.steps[stepIndex] as Step;
      if (statusOf(candidate.entry) <= 0) continue;
      for (let headerIndex = 0; headerIndex < SINGLE_VALUED.length; headerIndex++) {
        const { lower, header } = SINGLE_VALUED[headerIndex] as (typeof SINGLE_VALUED)[number];
        const single = responseHeader(candidate.entry, lower);
        // The usual case, decided without building lists: absent, or one line without a comma (lines are
        // combined with ", ", so repeated lines always show a comma).
        if (single === null || !single.includes(',')) continue;
        const lines = responseHeaderLines(candidate.entry, lower);
        if (lines.length >= 2) {
          const identical = lines.every((line) => line.trim() === lines[0]?.trim());
          return { status: 'fail', failure: { reason: 'repeated-lines', data: { header, lines, identical, response: candidate.label } }, evidence: evidence(header, lines.join(' | '), 'one line') };
        }
        const [only] = lines;
        const items = only === undefined ? [] : only.split(',').map((item) => item.trim());
        if (only !== undefined && items.length >= 2 && items.every((item) => item !== '' && item === items[0])) {
          return { status: 'fail', failure: { reason: 'repeated-value', data: { header, value: only, response: candidate.label } }, evidence: evidence(header, only, items[0] ?? null) };
        }
      }
    }
    return PASS;
  },
  confidenceOf: (failure) => {
    if (failure.reason === 'repeated-value') return confidence('high', `One ${failure.data.header} line holds the same value twice ("${failure.data.value}"): a layer merged its copy into another's.`);
    return failure.data.identical
      ? confidence('high', `${failure.data.lines.length} identical ${failure.data.header} lines on one response: two layers each add the same header.`)
      : confidence('medium', `${failure.data.lines.length} different ${failure.data.header} lines; two layers are likely, though one layer emitting a list would look the same.`);
  },
  messages: {
    'repeated-lines': ({ data }) =>
      `Underneath the CORS error: ${data.response} carried ${data.header} ${data.lines.length} times (${data.lines.map((line) => `"${line}"`).join(', ')}). ${data.identical ? 'Identical copies come from two layers — typically a reverse proxy and the application — each adding the header.' : 'Probably two layers (proxy and application) each add their own value.'}`,
    'repeated-value': ({ data }) =>
      `Underneath the CORS error: ${data.response} carried ${data.header}: "${data.value}", the same value twice in one line — a proxy or gateway merged its copy with the application's.`,
  },
  fix: {
    kind: 'fix',
    build: (failure, { exchange }) => {
      const step = exchange.steps.find((candidate) => candidate.label === failure.data.response);
      const single = failure.reason === 'repeated-lines' ? (failure.data.lines[0]?.trim() ?? '') : (failure.data.value.split(',')[0]?.trim() ?? '');
      return {
        target: step === undefined ? 'all-responses' : fixTargetOf(step),
        headers: [removeHeader(failure.data.header), setHeader(failure.data.header, single)],
        summary: `Set ${failure.data.header} in one layer only: remove it from the proxy configuration (or from the application) so the response carries a single "${single}".`,
      };
    },
  },
};
