import type { Step } from '../model/exchange.js';
import type { CorsError } from '../spec/cors-errors.js';
import type { FirefoxCorsError } from '../spec/firefox-errors.js';
import type { RuleId } from './registry.js';

/**
 * THE place that says in which order Chromium checks a response and which Network.CorsError it names
 * when a check fails. The first failing check of the first failing step is Chromium's error; later
 * checks of that step still run so every problem is reported. Correct this table from the differential
 * test against real Chromium, not from the spec text.
 *
 * Model: services/network/public/cpp/cors/cors.cc CheckAccess, services/network/cors/preflight_controller.cc
 * (CheckPreflightAccess, then PreflightResult::Create parsing, then EnsureAllowedCrossOriginMethod/-Headers),
 * and cors_url_loader.cc OnReceiveRedirect (access check, then CheckRedirectLocation).
 */
export interface Check {
  readonly rule: RuleId;
  readonly corsError: CorsError;
  /**
   * Firefox's reason key for the same failure (nsCORSListenerProxy runs the access check, then the preflight's
   * status, methods and headers, in this order too). Firefox has no preflight-specific names, and names every
   * Allow-Origin value it cannot match, two values included, CORSAllowOriginNotMatchingOrigin (measured:
   * test/differential/recorded/firefox-*.json).
   */
  readonly firefoxError: FirefoxCorsError;
  /** Where Firefox names a failure reason of the rule differently (reason → key). */
  readonly firefoxErrorOf?: Readonly<Record<string, FirefoxCorsError>>;
}

/** Which list of checks a step gets. */
export type CheckSet = 'preflight' | 'redirect' | 'redirect-without-cors-flag' | 'actual';

export function checkSetOf(step: Step): CheckSet {
  return step.kind === 'redirect' && !step.corsFlag ? 'redirect-without-cors-flag' : step.kind;
}

/**
 * Firefox refuses two Access-Control-Allow-Origin header lines before comparing the value (its own reason); one
 * line listing two origins fails the comparison (measured: test/differential/recorded/firefox-153.json).
 */
const TWO_ALLOW_ORIGIN_LINES: Readonly<Record<string, FirefoxCorsError>> = { 'repeated-header-lines': 'CORSMultipleAllowOriginNotAllowed' };

/** CheckAccess (cors.cc) on an actual response or a redirect: Allow-Origin first, then Allow-Credentials. */
const ACCESS_CHECK: readonly Check[] = [
  { rule: 'missing-allow-origin', corsError: 'MissingAllowOriginHeader', firefoxError: 'CORSMissingAllowOrigin' },
  { rule: 'wildcard-origin-with-credentials', corsError: 'WildcardOriginNotAllowed', firefoxError: 'CORSNotSupportingCredentials' },
  { rule: 'multiple-allow-origin-values', corsError: 'MultipleAllowOriginValues', firefoxError: 'CORSAllowOriginNotMatchingOrigin', firefoxErrorOf: TWO_ALLOW_ORIGIN_LINES },
  { rule: 'invalid-allow-origin-value', corsError: 'InvalidAllowOriginValue', firefoxError: 'CORSAllowOriginNotMatchingOrigin' },
  { rule: 'allow-origin-mismatch', corsError: 'AllowOriginMismatch', firefoxError: 'CORSAllowOriginNotMatchingOrigin' },
  { rule: 'invalid-allow-credentials', corsError: 'InvalidAllowCredentials', firefoxError: 'CORSMissingAllowCredentials' },
];

export const CHECK_ORDER: { readonly [K in CheckSet]: readonly Check[] } = {
  preflight: [
    { rule: 'preflight-redirected', corsError: 'PreflightDisallowedRedirect', firefoxError: 'CORSExternalRedirectNotAllowed' },
    // The access check runs first and its errors get the Preflight* names…
    { rule: 'missing-allow-origin', corsError: 'PreflightMissingAllowOriginHeader', firefoxError: 'CORSMissingAllowOrigin' },
    { rule: 'wildcard-origin-with-credentials', corsError: 'PreflightWildcardOriginNotAllowed', firefoxError: 'CORSNotSupportingCredentials' },
    { rule: 'multiple-allow-origin-values', corsError: 'PreflightMultipleAllowOriginValues', firefoxError: 'CORSAllowOriginNotMatchingOrigin', firefoxErrorOf: TWO_ALLOW_ORIGIN_LINES },
    { rule: 'invalid-allow-origin-value', corsError: 'PreflightInvalidAllowOriginValue', firefoxError: 'CORSAllowOriginNotMatchingOrigin' },
    { rule: 'allow-origin-mismatch', corsError: 'PreflightAllowOriginMismatch', firefoxError: 'CORSAllowOriginNotMatchingOrigin' },
    { rule: 'invalid-allow-credentials', corsError: 'PreflightInvalidAllowCredentials', firefoxError: 'CORSMissingAllowCredentials' },
    // …only then is a non-2xx status reported.
    { rule: 'preflight-invalid-status', corsError: 'PreflightInvalidStatus', firefoxError: 'CORSPreflightDidNotSucceed' },
    { rule: 'invalid-allow-methods', corsError: 'InvalidAllowMethodsPreflightResponse', firefoxError: 'CORSInvalidAllowMethod' },
    { rule: 'invalid-allow-headers', corsError: 'InvalidAllowHeadersPreflightResponse', firefoxError: 'CORSInvalidAllowHeader' },
    { rule: 'disallowed-request-method', corsError: 'MethodDisallowedByPreflightResponse', firefoxError: 'CORSMethodNotFound' },
    { rule: 'disallowed-request-header', corsError: 'HeaderDisallowedByPreflightResponse', firefoxError: 'CORSMissingAllowHeaderFromPreflight' },
  ],
  // A redirect response gets the same access check, then its Location is checked.
  redirect: [...ACCESS_CHECK, { rule: 'redirect-contains-credentials', corsError: 'RedirectContainsCredentials', firefoxError: 'CORSDidNotSucceed' }],
  // A same-origin hop of a CORS-mode request: no access check, but the Location is still checked.
  'redirect-without-cors-flag': [
    { rule: 'redirect-contains-credentials', corsError: 'RedirectContainsCredentials', firefoxError: 'CORSDidNotSucceed' },
  ],
  actual: ACCESS_CHECK,
};

/** Rules about the exchange as a whole; they run after the step checks and never name a CorsError. */
export const EXCHANGE_RULES: readonly RuleId[] = [
  'request-failed-before-response',
  'unexplained-network-error',
  'preflight-not-in-capture',
  'actual-request-not-in-capture',
];

/**
 * Failures that are no header check, yet Chromium names them with a CorsError: the exchange rule and reason that
 * recognise one, and the name. Measured in the differential suite (lna-*): a request the Local Network Access
 * permission refused fails with corsError LocalNetworkAccessPermissionDenied.
 */
export const NAMED_NON_HEADER_FAILURES: readonly { readonly rule: RuleId; readonly reason: string; readonly corsError: CorsError }[] = [
  { rule: 'local-network-access-denied', reason: 'permission-denied', corsError: 'LocalNetworkAccessPermissionDenied' },
];

/** Audit findings Firefox logs under a reason key of its own (a console warning, not a block). */
export const FIREFOX_WARNINGS: Readonly<Partial<Record<RuleId, FirefoxCorsError>>> = {
  'authorization-covered-by-wildcard': 'CORSAllowHeaderFromPreflightDeprecation',
};

/**
 * Firefox checks a redirected preflight's Allow-Origin and Allow-Credentials before refusing the redirect
 * (CORSMissingAllowOrigin for a redirect without them; measured: pf-redirect-308-no-cors, cls-pf-redirect-login),
 * where Chromium names the redirect first. Otherwise the two browsers check in the same order: the first failing
 * check of the failing step in this order gives Firefox's reason.
 */
export const FIREFOX_PREFLIGHT_ORDER: readonly RuleId[] = [
  ...CHECK_ORDER.preflight.slice(1, 7).map((check) => check.rule),
  'preflight-redirected',
  ...CHECK_ORDER.preflight.slice(7).map((check) => check.rule),
];
