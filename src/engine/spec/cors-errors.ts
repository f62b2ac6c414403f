/**
 * Chromium's names for CORS failures: the DevTools protocol's Network.CorsError enum
 * (https://chromedevtools.github.io/devtools-protocol/tot/Network/#type-CorsError).
 * Only the names this engine can emit from a HAR are listed; extending the list is safe.
 */
export const CORS_ERRORS = [
  'DisallowedByMode',
  'InvalidResponse',
  'WildcardOriginNotAllowed',
  'MissingAllowOriginHeader',
  'MultipleAllowOriginValues',
  'InvalidAllowOriginValue',
  'AllowOriginMismatch',
  'InvalidAllowCredentials',
  'CorsDisabledScheme',
  'PreflightInvalidStatus',
  'PreflightDisallowedRedirect',
  'PreflightWildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues',
  'PreflightInvalidAllowOriginValue',
  'PreflightAllowOriginMismatch',
  'PreflightInvalidAllowCredentials',
  'InvalidAllowMethodsPreflightResponse',
  'InvalidAllowHeadersPreflightResponse',
  'MethodDisallowedByPreflightResponse',
  'HeaderDisallowedByPreflightResponse',
  'RedirectContainsCredentials',
  // Not a header check: Chromium names it when the Local Network Access permission is missing (Chromium 142+).
  'LocalNetworkAccessPermissionDenied',
] as const;

export type CorsError = (typeof CORS_ERRORS)[number];

/**
 * The only net error Chromium reports for a CORS failure. Any other `_error` (ERR_BLOCKED_BY_CLIENT,
 * ERR_ABORTED, ERR_INSECURE_RESPONSE, ERR_NAME_NOT_RESOLVED…) has a non-CORS cause.
 */
export const CORS_NET_ERROR = 'net::ERR_FAILED';

/** Cancellation: AbortController, navigation away, or a redirect the page did not follow. */
export const ABORTED_NET_ERROR = 'net::ERR_ABORTED';

/** What Chromium records on a preflight entry that was answered with a redirect. */
export const PREFLIGHT_REDIRECT_NET_ERROR = 'net::ERR_INVALID_REDIRECT';
