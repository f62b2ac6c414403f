import { MDN_CORS_ERRORS } from './references.js';

/**
 * Firefox's names for CORS failures: the reason keys of its console messages ("Cross-Origin Request Blocked: …
 * (Reason: …)"), as in Firefox's security.properties and MDN's error pages
 * (https://developer.mozilla.org/docs/Web/HTTP/Guides/CORS/Errors). Firefox appends a revision digit to some
 * keys when the message text changed (`CORSMissingAllowOrigin2`); these are the base names, which MDN uses.
 * The console message's `nsIScriptError.category` is the key with its digit (test/differential reads it).
 */
export const FIREFOX_CORS_ERRORS = [
  'CORSDisabled',
  'CORSDidNotSucceed',
  'CORSOriginHeaderNotAdded',
  'CORSExternalRedirectNotAllowed',
  'CORSRequestNotHttp',
  'CORSMissingAllowOrigin',
  'CORSMultipleAllowOriginNotAllowed',
  'CORSAllowOriginNotMatchingOrigin',
  'CORSNotSupportingCredentials',
  'CORSMethodNotFound',
  'CORSMissingAllowCredentials',
  'CORSPreflightDidNotSucceed',
  'CORSInvalidAllowMethod',
  'CORSInvalidAllowHeader',
  'CORSMissingAllowHeaderFromPreflight',
  // A warning, not a block: "*" in Access-Control-Allow-Headers covers Authorization today, but will not.
  'CORSAllowHeaderFromPreflightDeprecation',
] as const;

export type FirefoxCorsError = (typeof FIREFOX_CORS_ERRORS)[number];

/** A console category (`CORSMissingAllowOrigin2`) as its base name, or null when it is no CORS reason key. */
export function firefoxErrorOfCategory(category: string): FirefoxCorsError | null {
  const base = category.replace(/\d+$/, '');
  return (FIREFOX_CORS_ERRORS as readonly string[]).includes(base) ? (base as FirefoxCorsError) : null;
}

/** MDN's page for a Firefox reason key. */
export function firefoxErrorUrl(error: FirefoxCorsError): string {
  return `${MDN_CORS_ERRORS}/${error}`;
}
