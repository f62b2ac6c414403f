import type { HarProducer } from '../spec/browsers.js';
import type { HeaderList } from '../model/headers.js';

/** A problem in the input, named by its JSON path (e.g. `log.entries[3].response.headers`). */
export interface InputProblem {
  /** Index into log.entries, or null for a problem outside any entry. */
  readonly entry: number | null;
  readonly path: string;
  readonly message: string;
  /** True when the entry could not be read at all and is not part of any exchange. */
  readonly skipped: boolean;
}

/** Whole-input failure: the one-line reason and where it was found. */
export interface InputError {
  readonly message: string;
  readonly path: string;
}

export interface NormalizedRequest {
  readonly method: string;
  readonly url: string;
  /** The URL's origin (model/origin.ts originOf), derived once here because every stage asks for it. */
  readonly origin: string | null;
  readonly headers: HeaderList;
}

export interface NormalizedResponse {
  /** Null when the producer gave no usable number. 0 and -1 mean "no response" in most producers. */
  readonly status: number | null;
  readonly headers: HeaderList;
  /** `response.redirectURL`, absolute, or null when empty or absent. */
  readonly redirectUrl: string | null;
  /** Chromium's `response._error` (e.g. "net::ERR_FAILED"); null when absent or null. */
  readonly error: string | null;
  /** True when the producer writes `_error` at all (Chromium does, with null on success). */
  readonly errorRecorded: boolean;
}

export interface NormalizedInitiator {
  readonly type: string | null;
  readonly url: string | null;
  readonly requestId: string | null;
  /** The script of the top call frame of `_initiator.stack` (or its first parent with frames), without its
   *  query or fragment, when recorded. */
  readonly scriptUrl: string | null;
}

/** One HAR entry with only the fields the engine uses, all type-checked. */
export interface NormalizedEntry {
  readonly index: number;
  readonly startedDateTime: string | null;
  /** Epoch milliseconds, or null when the timestamp is missing or invalid ("NaN-NaN-…"). */
  readonly startedMs: number | null;
  /** HAR `time`: the entry's total elapsed milliseconds, or null when absent or negative. */
  readonly timeMs: number | null;
  readonly request: NormalizedRequest;
  /** Null when the entry has no response object (e.g. request-only HARs). */
  readonly response: NormalizedResponse | null;
  /** Chromium's `_resourceType` ("xhr", "fetch", "preflight", "document"…). */
  readonly resourceType: string | null;
  readonly initiator: NormalizedInitiator | null;
  /** The URL of the page this entry belongs to, when `pages[].title` holds one (Chromium writes the URL there). */
  readonly pageUrl: string | null;
  /**
   * Chromium wrote only the provisional request headers (no Host, no :authority): the request as sent was never
   * recorded on this target. Measured: a request stopped by its preflight or a refused connection, and every
   * request from a dedicated or module worker, even a successful one. False for producers without `_resourceType`
   * and for responses from the cache or a service worker (which have no raw headers for their own reason).
   */
  readonly requestHeadersProvisional: boolean;
  /** How many messages Chromium's `_eventSourceMessages` lists for an EventSource entry; null when absent. */
  readonly eventSourceMessages: number | null;
}

export interface SourceInfo {
  readonly kind: 'file' | 'live' | 'memory';
  readonly name: string | null;
  readonly creator: string | null;
}

export interface NormalizedLog {
  readonly creator: string | null;
  /** What log.creator and log.browser say, to tell which browser recorded the capture. */
  readonly producer: HarProducer;
  /** Total number of items in log.entries, read or not: every index below it must be accounted for. */
  readonly entryCount: number;
  readonly entries: readonly NormalizedEntry[];
  readonly problems: readonly InputProblem[];
}
