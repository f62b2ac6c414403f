import { FETCH_SPEC, MDN } from '../spec/references.js';
import { captureKeyOf } from '../derive/capture.js';
import { confidence, isDeliveredCors, plural, responseHeader, roughSiteOf } from './audit-helpers.js';
import { ACAO, evidence, setHeader } from './helpers.js';
import type { Confidence, Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = {
  reason: 'several-origins-reflected';
  data: { url: string; origin: string; reflected: string[]; sites: number; strength: Confidence };
};

/**
 * A server that copies any Origin into Access-Control-Allow-Origin together with Allow-Credentials: true lets
 * every web site read its users' data. One echoed origin looks exactly like a correct allow-list, so this rule
 * only speaks when the capture shows the same URL echoing several different origins with credentials (grouped
 * by URL so the live panel, which diagnoses URL clusters independently, reports the same as a file import).
 */
export const reflectedOriginWithCredentials: Rule<Failure> = {
  meta: {
    id: 'reflected-origin-with-credentials',
    title: 'Credentialed CORS answers only an allow-list of origins',
    failureTitle: 'The server echoes the request Origin with Access-Control-Allow-Credentials: true',
    description:
      'Echoing whatever Origin arrives, together with Access-Control-Allow-Credentials: true, lets any web site the user visits send requests with the user\'s cookies and read the answers. It works, so nothing in the browser complains.',
    specUrl: FETCH_SPEC.corsProtocolAndCredentials,
    mdnUrl: MDN.corsWithCredentials,
    severity: 'warning',
    category: 'security',
  },
  evaluate: (context) => {
    if (!isDeliveredCors(context)) return INAPPLICABLE;
    const step = context.exchange.steps.find((candidate) => {
      const origin = candidate.requestOrigin;
      return origin !== null && origin !== 'null' && candidate.corsFlag && responseHeader(candidate.entry, ACAO) === origin
        && responseHeader(candidate.entry, 'access-control-allow-credentials') === 'true';
    });
    if (step === undefined || step.requestOrigin === null) return PASS;
    const url = captureKeyOf(step.entry.request.url);
    const reflected = [...(context.capture?.credentialedReflections.get(url) ?? [])].sort();
    if (reflected.length < 2) return PASS;
    const sites = new Set(reflected.map((origin) => roughSiteOf(origin, context.memo))).size;
    const strength: Confidence = reflected.length >= 3 ? 'high' : sites > 1 ? 'medium' : 'low';
    return {
      status: 'fail',
      failure: { reason: 'several-origins-reflected', data: { url, origin: step.requestOrigin, reflected, sites, strength } },
      evidence: evidence(ACAO, `${step.requestOrigin} (echoed, with Access-Control-Allow-Credentials: true; ${reflected.length} origins echoed by this URL in the capture: ${reflected.join(', ')})`, 'only origins on an explicit allow-list'),
    };
  },
  severityOf: ({ data }) => (data.strength === 'low' ? 'info' : 'warning'),
  confidenceOf: ({ data }) => confidence(data.strength, data.strength === 'high'
    ? `${plural(data.reflected.length, 'different origin')} (${data.reflected.join(', ')}) each got itself back in Access-Control-Allow-Origin with credentials allowed; allow-lists that long are rare, echoing is the simpler explanation.`
    : data.strength === 'medium'
      ? `Two unrelated sites (${data.reflected.join(', ')}) were each echoed with credentials allowed; an allow-list naming both is possible but unusual.`
      : `Two related origins (${data.reflected.join(', ')}) were each echoed; an allow-list naming both would look the same, so this is only a hint.`),
  messages: {
    'several-origins-reflected': ({ data }) =>
      `${data.url} answered "${data.origin}" with Access-Control-Allow-Origin: ${data.origin} and Access-Control-Allow-Credentials: true, and in this capture it echoed ${plural(data.reflected.length, 'different origin')} the same way (${data.reflected.join(', ')}). If the server copies any Origin it receives, every web site can read this API's responses with the user's cookies.`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }, { exchange }) => ({
      target: exchange.kind === 'preflighted' ? 'all-responses' : 'actual',
      headers: [setHeader('Access-Control-Allow-Origin', exchange.initiatorOrigin ?? data.origin), setHeader('Vary', 'Origin')],
      summary: `Compare Origin with an explicit allow-list before echoing it (e.g. ${exchange.initiatorOrigin ?? data.origin}); answer unknown origins and "null" without Access-Control-Allow-Origin, and keep Vary: Origin.`,
    }),
  },
  fixNotRecheckable: 'the fix is an allow-list, and the response to an allowed origin reads the same before and after it. After deploying, send the request with an Origin the server must refuse (curl -H "Origin: https://not-allowed.example"): its response must carry no Access-Control-Allow-Origin.',
};
