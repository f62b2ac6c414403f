import { CORS_NET_ERROR, PREFLIGHT_REDIRECT_NET_ERROR } from '../spec/cors-errors.js';
import { redirectTargetOf } from '../derive/pair.js';
import type { NormalizedEntry } from '../har/types.js';
import type { NormalizedResponse } from '../har/types.js';
import type { Step } from '../model/exchange.js';
import { combinedHeader, headerValues } from '../model/headers.js';
import { parseUrl } from '../model/origin.js';
import type { Evidence, FixTarget, HeaderPatch, Outcome, FailureShape, RuleContext } from './types.js';
import { INAPPLICABLE } from './types.js';

export const ACAO = 'access-control-allow-origin';
export const ACAC = 'access-control-allow-credentials';
export const ACAM = 'access-control-allow-methods';
export const ACAH = 'access-control-allow-headers';

/** Longest header value copied into a finding; the rest is summarised so reports stay small. */
const OBSERVED_MAX_CHARS = 512;

export function clip(value: string | null): string | null {
  if (value === null || value.length <= OBSERVED_MAX_CHARS) return value;
  return `${value.slice(0, OBSERVED_MAX_CHARS)}… (${value.length} characters)`;
}

export function evidence(header: string | null, observed: string | null, expected: string | null): Evidence {
  return { header, observed: clip(observed), expected: clip(expected) };
}

/** The recorded response of a step, or null when the capture has no usable response for it. */
export function recordedResponse(step: Step): NormalizedResponse | null {
  const response = step.entry.response;
  if (response === null || response.status === null || response.status <= 0) return null;
  // A request that failed for another reason than CORS, with a status but not one header line, was cut off
  // before its headers were recorded (measured: an ORB-blocked no-cors fetch, status 200 + net::ERR_ABORTED):
  // "no header recorded" is not "header absent", so nothing can be concluded from it.
  if (response.error !== null && response.error !== CORS_NET_ERROR && response.headers.length === 0) return null;
  return response;
}

export const NO_RESPONSE = 'The capture has no response headers for this request (status 0, missing, or cut off), so they cannot be checked.';

/** Shared guard: step rules need a step with a recorded response. */
export function withResponse<F extends FailureShape>(
  context: RuleContext,
  check: (step: Step, response: NormalizedResponse) => Outcome<F>,
): Outcome<F> {
  const { step } = context;
  if (step === null) return INAPPLICABLE;
  const response = recordedResponse(step);
  if (response === null) return { status: 'incomplete', reason: NO_RESPONSE };
  return check(step, response);
}

/**
 * Chromium's CheckAccess decision on Access-Control-Allow-Origin (services/network/public/cpp/cors/cors.cc),
 * as one cascade so the branches stay mutually exclusive. Each access-check rule owns one branch.
 */
export type AllowOriginBranch =
  | 'missing'
  | 'wildcard'
  | 'wildcard-with-credentials'
  | 'match'
  | 'multiple-values'
  | 'null-mismatch'
  | 'invalid-value'
  | 'mismatch';

export function allowOriginBranch(value: string | null, requestOrigin: string, credentialed: boolean): AllowOriginBranch {
  if (value === '*') return credentialed ? 'wildcard-with-credentials' : 'wildcard';
  if (value === null) return 'missing';
  if (value === requestOrigin) return 'match';
  if (value.includes(' ') || value.includes(',')) return 'multiple-values';
  // GURL treats "null" as invalid, so Chromium checks it first and calls it a mismatch.
  if (value === 'null') return 'null-mismatch';
  if (parseUrl(value) === null) return 'invalid-value';
  return 'mismatch';
}

/** The combined Access-Control-Allow-Origin of a response (RuleContext.allowOrigin keeps the last one's). */
export function allowOriginOfResponse(response: NormalizedResponse): string | null {
  return combinedHeader(response.headers, ACAO);
}

export function allowOriginLines(response: NormalizedResponse): string[] {
  return headerValues(response.headers, ACAO);
}

/** The origin to echo in a fix: the real one from the capture. */
export function originForFix(step: Step, context: RuleContext): string {
  return step.requestOrigin ?? context.exchange.initiatorOrigin ?? 'https://your-page.example';
}

export function fixTargetOf(step: Step): FixTarget {
  switch (step.kind) {
    case 'preflight':
      return 'preflight';
    case 'redirect':
      return 'redirect';
    case 'actual':
      return 'actual';
  }
}

/** Allow-Origin and -Credentials must be right on the preflight and on the actual response alike. */
export function originFixTarget(step: Step, context: RuleContext): FixTarget {
  return context.exchange.kind === 'preflighted' && step.kind !== 'redirect' ? 'all-responses' : fixTargetOf(step);
}

export function setHeader(name: string, value: string): HeaderPatch {
  return { action: 'set', name, value };
}

export function removeHeader(name: string): HeaderPatch {
  return { action: 'remove', name, value: null };
}

/** "the preflight (OPTIONS) response" / "the actual GET response" / "the redirect hop 1 response". */
export function responseName(step: Step): string {
  switch (step.kind) {
    case 'preflight':
      return `the ${step.label} (OPTIONS) response`;
    case 'redirect':
      return `the ${step.label} response (${step.entry.response?.status ?? '?'})`;
    case 'actual':
      return `the ${step.entry.request.method} response`;
  }
}

/** Where every Allow-Origin check starts: the origin compared, the header's combined value, and the branch. */
export function allowOriginDecision(context: RuleContext, step: Step, response: NormalizedResponse): { origin: string; value: string | null; branch: AllowOriginBranch } {
  const origin = step.requestOrigin ?? 'null';
  const value = context.allowOrigin(response);
  // Only "*" depends on the credentials mode, so only then is it read (credentials inference counts the reads).
  return { origin, value, branch: allowOriginBranch(value, origin, value === '*' && context.isCredentialed()) };
}

/**
 * Chromium treats a preflight answer as a redirect only when net calls it one: a redirect status (301, 302,
 * 303, 307, 308) with a Location, or the recorded net::ERR_INVALID_REDIRECT. Any other 3xx (304, 300 without
 * a Location) is just a response with a non-2xx status: PreflightInvalidStatus, not PreflightDisallowedRedirect.
 */
export function isRedirectedPreflight(entry: NormalizedEntry): boolean {
  return entry.response?.error === PREFLIGHT_REDIRECT_NET_ERROR || redirectTargetOf(entry) !== null;
}
