import { NET_ERRORS } from '../spec/audit.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, lastEntry, netErrorNameOf, netErrorOf, statusOf } from './audit-helpers.js';
import { evidence } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE } from './types.js';

type Failure =
  | { reason: 'cancelled-before-response'; data: { error: string } }
  | { reason: 'redirect-not-followed'; data: { error: string; status: number } }
  | { reason: 'cancelled-after-response'; data: { error: string; status: number } };

/** net::ERR_ABORTED: the page, a navigation or the fetch options cancelled the request; CORS never ran. */
export const requestCancelled: Rule<Failure> = {
  meta: {
    id: 'request-cancelled',
    title: 'The request was not cancelled',
    failureTitle: 'The request was cancelled (net::ERR_ABORTED), which is not a CORS failure',
    description:
      'A request cancelled by the page (AbortController, a timeout, a component unmounting), by a navigation, or by fetch\'s own redirect rules shows as failed, often next to a CORS-looking console message. Nothing on the server or in the CORS headers caused it.',
    specUrl: FETCH_SPEC.abort,
    mdnUrl: MDN.abortController,
    severity: 'warning',
    category: 'classification',
  },
  evaluate: ({ exchange, step }) => {
    if (step !== null || exchange.hops.length === 0) return INAPPLICABLE;
    const error = netErrorOf(exchange);
    if (error === null || netErrorNameOf(exchange) !== NET_ERRORS.aborted) return INAPPLICABLE;
    const entry = lastEntry(exchange);
    if (entry === null) return INAPPLICABLE;
    const status = statusOf(entry);
    const failure: Failure = status <= 0
      ? { reason: 'cancelled-before-response', data: { error } }
      : status >= 300 && status < 400
        ? { reason: 'redirect-not-followed', data: { error, status } }
        : { reason: 'cancelled-after-response', data: { error, status } };
    return { status: 'fail', failure, evidence: evidence(null, status <= 0 ? error : `${error} after status ${status}`, 'a completed request') };
  },
  confidenceOf: (failure) => failure.reason === 'cancelled-before-response'
    ? confidence('high', `Chromium recorded ${failure.data.error} with no response: the request was cancelled while in flight.`)
    : confidence('medium', `Chromium recorded ${failure.data.error} after a ${failure.data.status} response; the capture does not say which fetch option or navigation cancelled it.`),
  messages: {
    'cancelled-before-response': ({ data }) =>
      `Not CORS: the request was cancelled before a response arrived (${data.error}) — by the page (AbortController or a timeout), a navigation, or a superseded request. No CORS check ran.`,
    'redirect-not-followed': ({ data }) =>
      `Not CORS: the ${data.status} redirect was not followed and the request was cancelled (${data.error}). fetch() does this when its options forbid the redirect (mode: 'same-origin' to another origin, redirect: 'error').`,
    'cancelled-after-response': ({ data }) =>
      `Not CORS: the ${data.status} response arrived but the request was cancelled while its body loaded (${data.error}) — a navigation, AbortController or a timeout.`,
  },
  fix: {
    kind: 'fix',
    build: (failure) => ({
      target: 'client',
      headers: [],
      summary: failure.reason === 'redirect-not-followed'
        ? 'Call the final URL, or relax the fetch options (mode, redirect) that forbid this redirect.'
        : 'Find what cancels the request in the page (AbortController, timeouts, unmounting components, navigation); no server header is involved.',
    }),
  },
};
