import { FETCH_SPEC, MDN } from '../spec/references.js';
import { evidence } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'preflight-only'; data: { method: string; url: string } };

export const actualRequestNotInCapture: Rule<Failure> = {
  meta: {
    id: 'actual-request-not-in-capture',
    title: 'Every preflight has its actual request in the capture',
    failureTitle: 'The capture has a preflight but not the request it was for',
    description:
      'The preflight is checked on its own; whether the actual request was then sent and allowed cannot be told from this capture.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.cors,
    severity: 'info',
  },
  evaluate: ({ exchange, step }) => {
    if (step !== null) return INAPPLICABLE;
    if (exchange.orphanPreflight === null) return PASS;
    return {
      status: 'fail',
      failure: { reason: 'preflight-only', data: { method: exchange.method, url: exchange.url } },
      evidence: evidence(null, null, `a ${exchange.method} entry for ${exchange.url}`),
    };
  },
  messages: {
    'preflight-only': ({ data }) =>
      `The capture holds the preflight for ${data.method} ${data.url} but not the ${data.method} request itself (filtered out, or still pending when the HAR was saved).`,
  },
  fix: { kind: 'no-server-fix', because: 'Nothing is wrong on the server; the capture is incomplete.' },
};
