import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, responseHeader } from './audit-helpers.js';
import { ACAO, allowOriginBranch, evidence } from './helpers.js';
import type { Rule, RuleContext } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Data = { value: string; pageOrigin: string; allowedBy: 'page-origin' | 'null' };
type Failure = { reason: 'chromium-blocks'; data: Data } | { reason: 'firefox-blocks'; data: Data };

/**
 * The one verdict the two browsers reach differently on the same server (measured: the differential suites'
 * redir-preflighted-307-null-mismatch). After a cross-origin redirect a preflighted request's Origin is "null"
 * in both, but the redirected hop's preflight carries "null" in Chromium 156 and the page's origin in Firefox 153.
 * So a preflight that allows exactly one of the two passes in one browser and fails in the other: whichever
 * browser made the capture, the finding says what the other one does. Compatibility, not a block: the verdict
 * itself is the judged browser's, from the Origin the preflight carried. Only a value that is not an echo of that
 * Origin tells what the server answers the other browser, so an echoed value is not judged.
 */
export const redirectedPreflightOrigin: Rule<Failure> = {
  meta: {
    id: 'redirected-preflight-origin',
    title: 'A redirected request\'s preflight is allowed alike by Chromium and Firefox',
    failureTitle: 'Chromium and Firefox disagree on this redirected request\'s preflight',
    description:
      'After a redirect to another origin, Chromium sends the next preflight with "Origin: null" and Firefox with the page\'s origin. A preflight response that allows only one of the two lets the request through in one browser and blocks it in the other. Requesting the final URL directly (no cross-origin redirect) makes both browsers send the page\'s origin.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.allowOriginMismatch,
    severity: 'warning',
    category: 'compatibility',
  },
  evaluate: (context) => {
    const pageOrigin = context.exchange.initiatorOrigin;
    if (pageOrigin === null || pageOrigin === 'null') return INAPPLICABLE;
    let checked = false;
    for (const step of context.exchange.steps) {
      if (step.kind !== 'preflight' || context.exchange.hops[step.hopIndex]?.requestOrigin !== 'null') continue;
      const value = responseHeader(step.entry, ACAO)?.trim() ?? null;
      // An echo of the Origin the preflight carried says nothing about what the server answers the other one.
      if (value === null || value === step.requestOrigin) continue;
      checked = true;
      const allowsPage = allows(value, pageOrigin, context);
      if (allowsPage === allows(value, 'null', context)) continue;
      const data: Data = { value, pageOrigin, allowedBy: allowsPage ? 'page-origin' : 'null' };
      return {
        status: 'fail',
        failure: allowsPage ? { reason: 'chromium-blocks', data } : { reason: 'firefox-blocks', data },
        evidence: evidence('Access-Control-Allow-Origin', value, allowsPage ? 'null (Chromium)' : `${pageOrigin} (Firefox)`),
      };
    }
    return checked ? PASS : INAPPLICABLE;
  },
  confidenceOf: () => confidence('high', 'Both browsers were measured on this redirect (test/differential/recorded): the preflight\'s Allow-Origin allows the page\'s origin or "null", not both.'),
  messages: {
    'chromium-blocks': ({ data }, context) =>
      `${otherBrowser(context, 'chromium')}After the cross-origin redirect, Firefox sends this preflight with the page's origin (${data.pageOrigin}), which "${data.value}" allows, so Firefox lets the request through; Chromium sends it with Origin: null and blocks it (PreflightAllowOriginMismatch). Request the final URL directly so both browsers send ${data.pageOrigin}.`,
    'firefox-blocks': ({ data }, context) =>
      `${otherBrowser(context, 'firefox')}After the cross-origin redirect, Chromium sends this preflight with Origin: null, which "${data.value}" allows, so Chromium lets the request through; Firefox sends it with the page's origin (${data.pageOrigin}) and blocks it (CORSAllowOriginNotMatchingOrigin). Request the final URL directly so both browsers send ${data.pageOrigin}.`,
  },
  fix: {
    kind: 'fix',
    build: () => ({ target: 'client', headers: [], summary: 'Request the final URL directly, so no cross-origin redirect makes the browsers send different origins on its preflight.' }),
  },
};

/** The access check's Allow-Origin decision for `origin` (helpers.ts), read as passed or not. */
function allows(value: string, origin: string, context: RuleContext): boolean {
  // Only "*" depends on the credentials mode, so only then is it read (the credentials inference counts the reads).
  const branch = allowOriginBranch(value, origin, value === '*' && context.isCredentialed());
  return branch === 'match' || branch === 'wildcard';
}

/** What the browser the capture is not judged for would do: "Firefox would allow this request. " */
function otherBrowser(context: RuleContext, blocking: 'chromium' | 'firefox'): string {
  if (context.browser === blocking) return `${blocking === 'chromium' ? 'Firefox' : 'Chromium'} would allow this request. `;
  return `${blocking === 'chromium' ? 'Chromium' : 'Firefox'} would block this request. `;
}
