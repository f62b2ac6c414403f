import type { PreflightReason } from '../model/exchange.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { evidence } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'no-options-entry'; data: { reasons: PreflightReason[]; requestFailed: boolean } };

export const preflightNotInCapture: Rule<Failure> = {
  meta: {
    id: 'preflight-not-in-capture',
    title: 'The preflight of a non-simple request is in the capture',
    failureTitle: 'The request needed a preflight, but no OPTIONS entry is in the capture',
    description:
      'Usually the browser reused a cached preflight result (Access-Control-Max-Age) or DevTools opened after the preflight was sent. This is not an error by itself, but the preflight\'s headers cannot be checked.',
    specUrl: FETCH_SPEC.preflightCache,
    mdnUrl: MDN.preflightCache,
    severity: 'info',
  },
  evaluate: ({ exchange, step }) => {
    if (step !== null) return INAPPLICABLE;
    if (exchange.preflightStatus !== 'not-in-capture') return PASS;
    const requestFailed = exchange.outcome.kind === 'failed';
    return {
      status: 'fail',
      failure: { reason: 'no-options-entry', data: { reasons: [...exchange.preflightReasons], requestFailed } },
      evidence: evidence(null, null, 'an OPTIONS entry for this URL'),
    };
  },
  severityOf: ({ data }) => (data.requestFailed ? 'warning' : 'info'),
  messages: {
    'no-options-entry': ({ data }) =>
      `The request needed a preflight (${data.reasons.map(describeReason).join('; ')}), but the capture has no OPTIONS entry for it: the browser probably reused a cached preflight result, or DevTools opened after it was sent.${data.requestFailed ? ' The request failed, so the missing preflight may be the cause: reproduce with DevTools open and "Disable cache" ticked.' : ''}`,
  },
  fix: {
    kind: 'fix',
    build: () => ({
      target: 'client',
      headers: [],
      summary: 'To see the preflight, open DevTools before the request, tick "Disable cache" and reproduce.',
    }),
  },
};

export function describeReason(reason: PreflightReason): string {
  switch (reason.kind) {
    case 'method':
      return `method ${reason.method} is not GET, HEAD or POST`;
    case 'forced':
      return 'the browser forced a preflight (XMLHttpRequest upload listeners or Private Network Access)';
    case 'header':
      switch (reason.why) {
        case 'name-not-safelisted':
          return `header "${reason.name}" is not CORS-safelisted`;
        case 'value-too-long':
          return `header "${reason.name}" is longer than 128 bytes`;
        case 'unsafe-byte':
          return `header "${reason.name}" contains a character that is not allowed in a safelisted value`;
        case 'content-type-essence':
          return `Content-Type "${reason.value ?? ''}" is not application/x-www-form-urlencoded, multipart/form-data or text/plain`;
        case 'range-form':
          return `Range "${reason.value ?? ''}" is not a single "bytes=N-" or "bytes=N-M" range`;
        case 'invalid-value':
          return `header "${reason.name}" has a value outside its safelisted form`;
        case 'total-safelisted-size':
          return `header "${reason.name}" counts towards more than 1024 bytes of safelisted header values`;
        case 'listed-in-preflight':
          return `header "${reason.name}" was listed by the browser in Access-Control-Request-Headers`;
      }
  }
}
