import { originOf, sameOrigin, urlHasCredentials } from '../model/origin.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { evidence } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Failure = { reason: 'userinfo-in-location'; data: { location: string } };

/** Redacts the password so reports do not spread it further. */
function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

export const redirectContainsCredentials: Rule<Failure> = {
  meta: {
    id: 'redirect-contains-credentials',
    title: 'Cross-origin redirects carry no user name or password',
    failureTitle: 'A cross-origin redirect points to a URL with credentials',
    description:
      'A CORS request may not be redirected to a URL containing user:password@; the browser refuses to follow it so that credentials embedded by a server are not sent to another origin.',
    specUrl: FETCH_SPEC.httpRedirectFetch,
    mdnUrl: MDN.externalRedirectNotAllowed,
    severity: 'error',
  },
  evaluate: ({ step, memo }) => {
    if (step === null || step.kind !== 'redirect' || step.redirectTarget === null) return INAPPLICABLE;
    if (!urlHasCredentials(step.redirectTarget)) return PASS;
    // Chromium CheckRedirectLocation: with the CORS flag any userinfo fails; without it, only a cross-origin target.
    if (!step.corsFlag && sameOrigin(step.requestOrigin, originOf(step.redirectTarget, memo.origins))) return PASS;
    const location = redact(step.redirectTarget);
    return {
      status: 'fail',
      failure: { reason: 'userinfo-in-location', data: { location } },
      evidence: evidence('Location', location, 'a URL without user:password@'),
    };
  },
  messages: {
    'userinfo-in-location': ({ data }, { step }) =>
      `The ${step?.label ?? 'redirect'} response pointed to ${data.location}, which contains a user name or password; the browser refuses to follow such a redirect for a cross-origin request.`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => ({
      target: 'redirect',
      headers: [{ action: 'set', name: 'Location', value: data.location.replace(/\/\/[^@/]*@/, '//') }],
      summary: 'Redirect to a URL without user:password@ (send credentials in a header instead).',
    }),
  },
};
