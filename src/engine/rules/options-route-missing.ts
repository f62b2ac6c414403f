import { NO_ROUTE_STATUSES } from '../spec/audit.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, firstPreflightStep, responseHeader, statusOf } from './audit-helpers.js';
import { evidence, setHeader } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'no-options-handler'; data: { status: number; allow: string | null; method: string; headers: string[]; origin: string } };

/**
 * A preflight answered 404, 405 or 501 reached a router that has no OPTIONS route: the CORS layer is not in
 * front of the routes (or not installed for this path), so the application answered instead.
 */
export const optionsRouteMissing: Rule<Failure> = {
  meta: {
    id: 'options-route-missing',
    title: 'OPTIONS preflights are answered by the CORS layer',
    failureTitle: 'No route answers the OPTIONS preflight (404/405/501)',
    description:
      'Preflights are OPTIONS requests. A router without an OPTIONS route answers 404 or 405 (with Allow: GET, POST…), which means the CORS middleware is missing for this path or sits after the router.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.preflight,
    severity: 'warning',
    category: 'classification',
  },
  evaluate: ({ exchange, step, blockedBy }) => {
    if (step !== null || blockedBy === null) return INAPPLICABLE;
    const preflight = firstPreflightStep(exchange);
    if (preflight === null) return INAPPLICABLE;
    const status = statusOf(preflight.entry);
    if (!NO_ROUTE_STATUSES.has(status)) return PASS;
    const allow = responseHeader(preflight.entry, 'allow');
    return {
      status: 'fail',
      failure: { reason: 'no-options-handler', data: { status, allow, method: preflight.requestedMethod, headers: [...preflight.requestedHeaders], origin: preflight.requestOrigin ?? exchange.initiatorOrigin ?? '*' } },
      evidence: evidence(allow === null ? null : 'Allow', `OPTIONS → ${status}${allow === null ? '' : ` (Allow: ${allow})`}`, '204 from the CORS layer'),
    };
  },
  confidenceOf: ({ data }) => data.status === 404
    ? confidence('medium', 'The OPTIONS request got 404; a wrong URL would look the same, and the actual request was never sent to tell them apart.')
    : confidence('high', `The OPTIONS request got ${data.status}${data.allow === null ? '' : ` with Allow: ${data.allow}`}: the path exists but nothing handles OPTIONS.`),
  messages: {
    'no-options-handler': ({ data }) =>
      `Not a header problem underneath: the OPTIONS preflight got ${data.status}${data.allow === null ? '' : ` (Allow: ${data.allow})`}, so no CORS layer answered it — the router did, and it has no OPTIONS route for this path. ${data.status === 404 ? 'Check the URL too: a 404 may also mean the path is wrong.' : ''}`.trim(),
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => ({
      target: 'preflight',
      status: 204,
      headers: [
        setHeader('Access-Control-Allow-Origin', data.origin),
        setHeader('Access-Control-Allow-Methods', data.method),
        ...(data.headers.length > 0 ? [setHeader('Access-Control-Allow-Headers', data.headers.join(', '))] : []),
      ],
      summary: 'Install the CORS middleware before the router (or add an OPTIONS handler for this path) so preflights get 204 with the CORS headers.',
    }),
  },
};
