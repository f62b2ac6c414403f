import { actualRequestNotInCapture } from './actual-request-not-in-capture.js';
import { allowOriginMismatch } from './allow-origin-mismatch.js';
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
} as const satisfies Record<string, RegisteredRule>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

/** Old id → new id, for reports and users that stored an id before a rename. Empty so far. */
export const RULE_RENAMES: Readonly<Record<string, RuleId>> = {};
