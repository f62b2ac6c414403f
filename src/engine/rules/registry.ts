import { actualRequestNotInCapture } from './actual-request-not-in-capture.js';
import { allowOriginMismatch } from './allow-origin-mismatch.js';
import { authorizationCoveredByWildcard } from './authorization-covered-by-wildcard.js';
import { redirectedPreflightOrigin } from './redirected-preflight-origin.js';
import { disallowedRequestHeader } from './disallowed-request-header.js';
import { disallowedRequestMethod } from './disallowed-request-method.js';
import { invalidAllowCredentials } from './invalid-allow-credentials.js';
import { invalidAllowHeaders } from './invalid-allow-headers.js';
import { invalidAllowMethods } from './invalid-allow-methods.js';
import { invalidAllowOriginValue } from './invalid-allow-origin-value.js';
import { missingAllowOrigin } from './missing-allow-origin.js';
import { multipleAllowOriginValues } from './multiple-allow-origin-values.js';
import { preflightInvalidStatus } from './preflight-invalid-status.js';
import { preflightNotInCapture } from './preflight-not-in-capture.js';
import { preflightRedirected } from './preflight-redirected.js';
import { redirectContainsCredentials } from './redirect-contains-credentials.js';
import { requestFailedBeforeResponse } from './request-failed-before-response.js';
import { unexplainedNetworkError } from './unexplained-network-error.js';
import { wildcardOriginWithCredentials } from './wildcard-origin-with-credentials.js';
import { blockedByExtension } from './blocked-by-extension.js';
import { blockedByPagePolicy } from './blocked-by-page-policy.js';
import { blockedByResponsePolicy } from './blocked-by-response-policy.js';
import { corsUnblockingExtension } from './cors-unblocking-extension.js';
import { duplicateCorsHeader } from './duplicate-cors-header.js';
import { errorResponseWithoutCors } from './error-response-without-cors.js';
import { localNetworkAccessDenied } from './local-network-access-denied.js';
import { missingVaryOrigin } from './missing-vary-origin.js';
import { optionsRouteMissing } from './options-route-missing.js';
import { overlyBroadAllowList } from './overly-broad-allow-list.js';
import { preflightBlockedByAuth } from './preflight-blocked-by-auth.js';
import { preflightRedirectCause } from './preflight-redirect-cause.js';
import { reflectedOriginWithCredentials } from './reflected-origin-with-credentials.js';
import { repeatedPreflight } from './repeated-preflight.js';
import { requestCancelled } from './request-cancelled.js';
import { unexposedResponseHeader } from './unexposed-response-header.js';
import { untrustedOriginAllowed } from './untrusted-origin-allowed.js';
import { wildcardOriginOnPrivateResponse } from './wildcard-origin-on-private-response.js';
import { register } from './types.js';
import type { RegisteredRule } from './types.js';

/**
 * Every rule, in report order. Rule ids are public API: renaming one needs an entry in RULE_RENAMES.
 * The order in which Chromium runs the checks lives in check-order.ts, not here.
 */
export const RULES = {
  'preflight-redirected': register(preflightRedirected),
  'missing-allow-origin': register(missingAllowOrigin),
  'wildcard-origin-with-credentials': register(wildcardOriginWithCredentials),
  'multiple-allow-origin-values': register(multipleAllowOriginValues),
  'invalid-allow-origin-value': register(invalidAllowOriginValue),
  'allow-origin-mismatch': register(allowOriginMismatch),
  'invalid-allow-credentials': register(invalidAllowCredentials),
  'preflight-invalid-status': register(preflightInvalidStatus),
  'invalid-allow-methods': register(invalidAllowMethods),
  'invalid-allow-headers': register(invalidAllowHeaders),
  'disallowed-request-method': register(disallowedRequestMethod),
  'disallowed-request-header': register(disallowedRequestHeader),
  'redirect-contains-credentials': register(redirectContainsCredentials),
  'request-failed-before-response': register(requestFailedBeforeResponse),
  'unexplained-network-error': register(unexplainedNetworkError),
  'preflight-not-in-capture': register(preflightNotInCapture),
  'actual-request-not-in-capture': register(actualRequestNotInCapture),
  // What a failure really is ("not really CORS"): category classification.
  'blocked-by-extension': register(blockedByExtension),
  'blocked-by-page-policy': register(blockedByPagePolicy),
  'blocked-by-response-policy': register(blockedByResponsePolicy),
  'local-network-access-denied': register(localNetworkAccessDenied),
  'request-cancelled': register(requestCancelled),
  'error-response-without-cors': register(errorResponseWithoutCors),
  'options-route-missing': register(optionsRouteMissing),
  'preflight-blocked-by-auth': register(preflightBlockedByAuth),
  'preflight-redirect-cause': register(preflightRedirectCause),
  'duplicate-cors-header': register(duplicateCorsHeader),
  'authorization-covered-by-wildcard': register(authorizationCoveredByWildcard),
  'redirected-preflight-origin': register(redirectedPreflightOrigin),
  'cors-unblocking-extension': register(corsUnblockingExtension),
  // Passive audit of exchanges that worked: categories security and performance.
  'reflected-origin-with-credentials': register(reflectedOriginWithCredentials),
  'untrusted-origin-allowed': register(untrustedOriginAllowed),
  'wildcard-origin-on-private-response': register(wildcardOriginOnPrivateResponse),
  'missing-vary-origin': register(missingVaryOrigin),
  'overly-broad-allow-list': register(overlyBroadAllowList),
  'repeated-preflight': register(repeatedPreflight),
  'unexposed-response-header': register(unexposedResponseHeader),
} as const satisfies Record<string, RegisteredRule>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

/**
 * Audit and classification rules: exchange-level, run after the exchange rules with the capture's facts. They
 * never name a CorsError and never change a verdict (run.ts keeps them out of the step replay).
 */
export const AUDIT_RULES: readonly RuleId[] = [
  'blocked-by-extension',
  'blocked-by-page-policy',
  'blocked-by-response-policy',
  'local-network-access-denied',
  'request-cancelled',
  'error-response-without-cors',
  'options-route-missing',
  'preflight-blocked-by-auth',
  'preflight-redirect-cause',
  'duplicate-cors-header',
  'authorization-covered-by-wildcard',
  'redirected-preflight-origin',
  'cors-unblocking-extension',
  'reflected-origin-with-credentials',
  'untrusted-origin-allowed',
  'wildcard-origin-on-private-response',
  'missing-vary-origin',
  'overly-broad-allow-list',
  'repeated-preflight',
  'unexposed-response-header',
];

/**
 * The exchange and audit rules that can fail on an exchange the browser did not CORS-check (no steps: same-origin,
 * navigation, no-cors…) and that was delivered. Every other one is about CORS-checked responses, failures or
 * preflights. Most exchanges of a capture are of this kind, so replay() runs only these for them.
 * test/engine/rule-scope.test.ts holds the list to that, on random captures and the corpus.
 */
export const RULES_FOR_UNCHECKED_DELIVERED: readonly RuleId[] = ['cors-unblocking-extension'];

/**
 * A more specific rule replaces a generic one on the same exchange, so a failure is explained once: when any
 * rule on the right fails, the finding of the rule on the left is dropped.
 */
export const SUPERSEDED_BY: Readonly<Partial<Record<RuleId, readonly RuleId[]>>> = {
  'request-failed-before-response': ['blocked-by-extension', 'blocked-by-page-policy', 'blocked-by-response-policy', 'local-network-access-denied', 'request-cancelled'],
  'unexplained-network-error': ['local-network-access-denied', 'blocked-by-response-policy'],
};

/** Old id → new id, for reports and users that stored an id before a rename. Empty so far. */
export const RULE_RENAMES: Readonly<Record<string, RuleId>> = {};
