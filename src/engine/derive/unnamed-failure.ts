import { combinedHeader } from '../model/headers.js';
import type { RuleExchange } from '../model/exchange.js';
import { isHttpUrl, originOf, sameOrigin } from '../model/origin.js';

/**
 * What a HAR without error names still shows about a delivered-looking exchange. Firefox records no `_error`
 * (a response CORS blocked is recorded as an ordinary one), so where Chromium's HAR names the failure, a Firefox
 * HAR shows only its traces; each case below was measured in Firefox 153 (test/differential/recorded/firefox-153.json).
 */
export type UnnamedFailure =
  /** A redirect to a data:, blob: or other non-HTTP URL: both browsers refuse to follow it; Firefox logs CORSDidNotSucceed. */
  | { readonly kind: 'redirect-to-other-scheme'; readonly target: string }
  /** A request in mode "same-origin" (Sec-Fetch-Mode) redirected to another origin: a network error in the page. */
  | { readonly kind: 'same-origin-mode-redirected'; readonly target: string }
  /** A redirect that passes the checks but was not followed: redirect "manual" (the page got an opaque
   * redirect), redirect "error" (a network error), or a capture that ended first. The HAR cannot tell which. */
  | { readonly kind: 'redirect-not-followed'; readonly target: string }
  /** A no-cors response whose Cross-Origin-Resource-Policy forbids this page's origin: the browser withholds it. */
  | { readonly kind: 'corp'; readonly policy: string; readonly url: string };

/** For an exchange whose HAR records no error name, and that no CORS check blocked; null when nothing shows. */
export function unnamedFailureOf(exchange: RuleExchange): UnnamedFailure | null {
  if (exchange.outcome.kind !== 'not-recorded') return null;
  const last = exchange.hops[exchange.hops.length - 1];
  if (last === undefined) return null;
  const target = last.redirectTarget;
  if (target !== null) {
    if (!isHttpUrl(target)) return { kind: 'redirect-to-other-scheme', target };
    const mode = combinedHeader(last.entry.request.headers, 'sec-fetch-mode')?.trim().toLowerCase();
    if (mode === 'same-origin' && !sameOrigin(originOf(target), exchange.initiatorOrigin)) return { kind: 'same-origin-mode-redirected', target };
    return { kind: 'redirect-not-followed', target };
  }
  if (exchange.mode !== 'no-cors' || exchange.initiatorOrigin === null) return null;
  const policy = combinedHeader(last.entry.response?.headers ?? [], 'cross-origin-resource-policy')?.trim().toLowerCase() ?? null;
  const url = last.entry.request.url;
  if (policy === 'same-origin' && !sameOrigin(originOf(url), exchange.initiatorOrigin)) return { kind: 'corp', policy, url };
  if (policy === 'same-site' && siteOf(originOf(url)) !== siteOf(exchange.initiatorOrigin)) return { kind: 'corp', policy, url };
  return null;
}

/** Scheme and the last two host labels: enough to tell sites apart on the captures this reads (no public suffix list). */
function siteOf(origin: string | null): string | null {
  if (origin === null) return null;
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/:]+)/i.exec(origin);
  if (match === null) return origin;
  const host = (match[2] ?? '').toLowerCase();
  const site = /^[\d.]+$|^\[/.test(host) ? host : host.split('.').slice(-2).join('.');
  return `${(match[1] ?? '').toLowerCase()}://${site}`;
}
