import { NET_ERRORS } from '../spec/audit.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, netErrorNameOf, netErrorOf } from './audit-helpers.js';
import { evidence } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE } from './types.js';

type Failure = { reason: 'blocked-by-client'; data: { error: string; url: string } };

/** Chromium names a request cancelled by an extension (ad or privacy blocker), DevTools request blocking or policy. */
export const blockedByExtension: Rule<Failure> = {
  meta: {
    id: 'blocked-by-extension',
    title: 'No browser extension blocks the request',
    failureTitle: 'A browser extension (or DevTools request blocking) blocked the request',
    description:
      'net::ERR_BLOCKED_BY_CLIENT means something inside the browser — usually an ad or privacy blocker, sometimes DevTools request blocking or an enterprise policy — cancelled the request before it left. The console may still mention CORS; no server header changes this.',
    specUrl: FETCH_SPEC.networkError,
    mdnUrl: MDN.browserExtensions,
    severity: 'error',
    category: 'classification',
  },
  evaluate: ({ exchange, step }) => {
    if (step !== null || exchange.hops.length === 0) return INAPPLICABLE;
    const error = netErrorOf(exchange);
    if (error === null || netErrorNameOf(exchange) !== NET_ERRORS.blockedByClient) return INAPPLICABLE;
    return { status: 'fail', failure: { reason: 'blocked-by-client', data: { error, url: exchange.url } }, evidence: evidence(null, error, 'a response') };
  },
  confidenceOf: ({ data }) => confidence('high', `Chromium recorded ${data.error}, which only the browser's own blockers produce (extensions, DevTools request blocking, policy) — never a server or a CORS check.`),
  messages: {
    'blocked-by-client': ({ data }) =>
      `Not CORS: the request to ${data.url} never left the browser — ${data.error} means an extension (usually an ad or privacy blocker), DevTools request blocking or a policy cancelled it. Paths with words such as "ads", "track" or "analytics" often match filter lists.`,
  },
  fix: {
    kind: 'fix',
    build: () => ({
      target: 'client',
      headers: [],
      summary: 'Disable the blocking extension for this site (or the DevTools request-blocking pattern) and retry; if users hit it, rename the endpoint so it does not match common filter lists.',
    }),
  },
};
