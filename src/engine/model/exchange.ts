import type { NormalizedEntry } from '../har/types.js';
import type { UnsafeHeaderWhy } from '../spec/headers.js';

/** Derived facts about one exchange, computed once before any rule runs. Rules never read raw HAR. */

export type RequestMode = 'cors' | 'no-cors' | 'same-origin' | 'navigate' | 'unknown';
export type ExchangeKind = 'same-origin' | 'no-cors' | 'simple' | 'preflighted' | 'navigation' | 'other';

export type PreflightReason =
  | { readonly kind: 'method'; readonly method: string }
  | { readonly kind: 'header'; readonly name: string; readonly why: UnsafeHeaderWhy | 'listed-in-preflight'; readonly value: string | null }
  /** A preflight was sent although method and headers are safelisted (XHR upload listeners, Private Network Access). */
  | { readonly kind: 'forced' };

export type CredentialsMode = 'include' | 'not-include';
export type CredentialsBasis = 'cookie-header' | 'storage-access-header' | 'request-kind' | 'observed-outcome' | 'assumed-default' | 'not-applicable';

export interface CredentialsFacts {
  readonly mode: CredentialsMode;
  readonly basis: CredentialsBasis;
}

/** What the capture says happened to the final request, before any replay. */
export type RecordedOutcome =
  /** Delivered; includes an event stream the page closed after its 2xx response (see classify.ts). */
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'failed'; readonly error: string }
  /** The producer does not record failures (no `_error` field): only the replay can tell. */
  | { readonly kind: 'not-recorded' }
  /** No response or no status at all (status 0/-1 without an error, or no response object). */
  | { readonly kind: 'no-response' };

/**
 * Why the engine believes a request came from a dedicated or module worker. Chromium records a worker's
 * requests on the worker's target and hands the HAR only their provisional request headers — and, when CORS
 * blocked one, no response at all (status 0, net::ERR_FAILED) although the page target keeps blocked responses.
 *   this-request     a hop of this exchange got a response yet has only provisional request headers
 *   no-client-hints  no response, and its provisional headers lack the client hints (sec-ch-ua) a page's
 *                    request to a potentially trustworthy URL carries
 */
export interface WorkerFacts {
  readonly basis: 'this-request' | 'no-client-hints';
  /** The script whose call started the request (the worker's script or a module it imported). */
  readonly script: string;
}

export interface Hop {
  /** 0 for the first request, 1 for the request that followed the first redirect… */
  readonly index: number;
  readonly entry: NormalizedEntry;
  /** The preflight matched to this hop, if any. */
  readonly preflight: NormalizedEntry | null;
  /** Further preflights paired with this hop (rare: retries). */
  readonly extraPreflights: readonly NormalizedEntry[];
  /** The origin the browser compared Access-Control-Allow-Origin with: "null" after a tainting redirect. */
  readonly requestOrigin: string | null;
  /** Chromium's "CORS flag": the response to this hop is CORS-checked. */
  readonly corsChecked: boolean;
  /** Why this hop needed a preflight; empty when it did not. */
  readonly preflightReasons: readonly PreflightReason[];
  /** Where this hop's redirect response points, or null when it is not a redirect. */
  readonly redirectTarget: string | null;
}

export type StepKind = 'preflight' | 'redirect' | 'actual';

/** One response the browser ran CORS checks on, in the order it saw them. */
export interface Step {
  readonly kind: StepKind;
  readonly hopIndex: number;
  /** The entry whose response is checked. */
  readonly entry: NormalizedEntry;
  /** "preflight", "actual", "redirect hop 1", "preflight of hop 2". */
  readonly label: string;
  readonly requestOrigin: string | null;
  /** Chromium's "CORS flag" for this hop: its response gets the access check. A same-origin hop's redirect
   * still gets the redirect-location checks in CORS mode. */
  readonly corsFlag: boolean;
  /** For preflight steps: the method and header names the preflight asked about. */
  readonly requestedMethod: string;
  readonly requestedHeaders: readonly string[];
  /** For redirect steps: the Location target. */
  readonly redirectTarget: string | null;
}

export interface Exchange {
  readonly id: string;
  /** The request hops, first request first. Empty only when the capture has just a preflight. */
  readonly hops: readonly Hop[];
  /** A preflight whose actual request is not in the capture. */
  readonly orphanPreflight: NormalizedEntry | null;
  readonly url: string;
  readonly method: string;
  readonly startedDateTime: string | null;
  /** Every log.entries index in this exchange, ascending. */
  readonly entries: readonly number[];
  readonly initiatorOrigin: string | null;
  readonly mode: RequestMode;
  readonly kind: ExchangeKind;
  readonly credentials: CredentialsFacts;
  readonly outcome: RecordedOutcome;
  /** The CORS-checked responses, in the order Chromium checks them. */
  readonly steps: readonly Step[];
  readonly preflightStatus: 'sent' | 'not-in-capture' | 'not-needed';
  readonly preflightReasons: readonly PreflightReason[];
  /** Set when the capture shows the request came from a worker; null when it does not say (usually the page). */
  readonly worker: WorkerFacts | null;
}

/**
 * An exchange as a rule reads it: every fact but the credentials, which a rule reads only through its
 * RuleContext (rules/types.ts). The context records each read, so the credentials inference and replay() know
 * when a check's decision could not depend on the mode; a rule cannot read them another way and compile.
 */
export type RuleExchange = Omit<Exchange, 'credentials'>;
