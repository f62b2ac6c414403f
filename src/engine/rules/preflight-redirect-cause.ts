import { parseUrl } from '../model/origin.js';
import { LOGIN_PATH_PATTERN } from '../spec/audit.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { confidence, responseHeader, statusOf } from './audit-helpers.js';
import { evidence, isRedirectedPreflight } from './helpers.js';
import type { Rule } from './types.js';
import { INAPPLICABLE } from './types.js';

type Data = { from: string; to: string; status: number };
type Failure =
  | { reason: 'trailing-slash'; data: Data }
  | { reason: 'https-upgrade'; data: Data }
  | { reason: 'canonical-host'; data: Data }
  | { reason: 'login-page'; data: Data };

interface UrlParts { readonly protocol: string; readonly host: string; readonly pathname: string; readonly search: string }

function parts(url: string, base?: string): UrlParts | null {
  return parseUrl(url, base) as unknown as UrlParts | null;
}

function causeOf(from: UrlParts, to: UrlParts): Failure['reason'] | null {
  const samePath = from.pathname === to.pathname && from.search === to.search;
  const slashOnly = from.pathname.replace(/\/$/, '') === to.pathname.replace(/\/$/, '') && from.pathname !== to.pathname;
  if (from.host === to.host && from.protocol === to.protocol && slashOnly) return 'trailing-slash';
  if (from.protocol === 'http:' && to.protocol === 'https:' && (samePath || slashOnly)) return 'https-upgrade';
  if (LOGIN_PATH_PATTERN.test(to.pathname) || /^(login|signin|sso|auth|accounts?|id)\./i.test(to.host)) return 'login-page';
  if (from.host !== to.host && samePath) return 'canonical-host';
  return null;
}

/**
 * Names what a redirected preflight was: a trailing-slash or http→https canonicalisation, a www/apex host
 * switch, or a login redirect that also catches OPTIONS. Only speaks when the cause is recognisable; the
 * CORS finding (preflight-redirected) covers the rest.
 */
export const preflightRedirectCause: Rule<Failure> = {
  meta: {
    id: 'preflight-redirect-cause',
    title: 'The preflight URL is the final URL',
    failureTitle: 'The preflight was redirected to a canonical URL or a login page',
    description:
      'Browsers never follow a redirected preflight. Most such redirects are not about CORS at all: a trailing-slash rule, an http→https upgrade, a www/apex switch, or authentication that redirects every unauthenticated request — including OPTIONS — to a login page.',
    specUrl: FETCH_SPEC.corsPreflightFetch,
    mdnUrl: MDN.redirections,
    severity: 'warning',
    category: 'classification',
  },
  evaluate: ({ exchange, step }) => {
    if (step !== null) return INAPPLICABLE;
    const preflight = exchange.steps.find((candidate) => {
      return candidate.kind === 'preflight' && isRedirectedPreflight(candidate.entry);
    });
    if (preflight === undefined) return INAPPLICABLE;
    const fromUrl = preflight.entry.request.url;
    const location = preflight.entry.response?.redirectUrl ?? responseHeader(preflight.entry, 'location');
    if (location === null) return INAPPLICABLE;
    const from = parts(fromUrl);
    const to = parts(location, fromUrl);
    if (from === null || to === null) return INAPPLICABLE;
    const reason = causeOf(from, to);
    if (reason === null) return INAPPLICABLE;
    const data = { from: fromUrl, to: (parseUrl(location, fromUrl)?.href ?? location), status: statusOf(preflight.entry) };
    return { status: 'fail', failure: { reason, data }, evidence: evidence('Location', data.to, fromUrl) };
  },
  confidenceOf: (failure) => failure.reason === 'login-page'
    ? confidence('medium', `Recognised from the Location's path or host (${failure.data.to}); a page named like a login page is almost always one.`)
    : confidence('high', `The request URL (${failure.data.from}) and the Location (${failure.data.to}) differ exactly by ${failure.reason === 'trailing-slash' ? 'a trailing slash' : failure.reason === 'https-upgrade' ? 'the scheme' : 'the host'}.`),
  messages: {
    'trailing-slash': ({ data }) =>
      `The preflight was redirected only to add or remove a trailing slash (${data.from} → ${data.to}). The server canonicalises URLs; call the canonical URL from the page.`,
    'https-upgrade': ({ data }) =>
      `The preflight was redirected from http to https (${data.from} → ${data.to}). Call the https URL from the page: browsers do not follow redirects on preflights.`,
    'canonical-host': ({ data }) =>
      `The preflight was redirected to another host name for the same path (${data.from} → ${data.to}), a www/apex canonicalisation. Call the canonical host from the page.`,
    'login-page': ({ data }) =>
      `The preflight was redirected to a login page (${data.to}): authentication redirects unauthenticated requests, and preflights never carry credentials. Let OPTIONS through before the authentication redirect.`,
  },
  fix: {
    kind: 'fix',
    build: (failure) => failure.reason === 'login-page'
      ? { target: 'preflight', status: 204, headers: [], summary: 'Exempt OPTIONS requests from the login redirect (run CORS before authentication) and answer them with 204 and the CORS headers.' }
      : { target: 'preflight', status: 204, headers: [], summary: `Answer OPTIONS at ${failure.data.from} with 204 and the CORS headers instead of redirecting it — or call ${failure.data.to} directly from the page.` },
  },
};
