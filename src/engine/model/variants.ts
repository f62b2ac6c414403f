import type { NormalizedEntry, NormalizedResponse } from '../har/types.js';
import type { CredentialsFacts, Exchange, Step } from './exchange.js';

/**
 * Copies of engine objects with some fields changed: the credentials inference's hypotheses and the what-if
 * re-check's patched responses. Each is an object literal listing every field in the order the original's
 * builder writes them (har/normalize.ts, derive/classify.ts), not a spread: V8 gives a spread copy another
 * hidden class, so the rules' code, compiled for the originals, was thrown away (deoptimized) the first time it
 * met a copy and compiled again — on a 10k-entry capture, a large part of a first run's time.
 */

export function exchangeWith(exchange: Exchange, credentials: CredentialsFacts, steps: readonly Step[]): Exchange {
  return {
    id: exchange.id,
    hops: exchange.hops,
    orphanPreflight: exchange.orphanPreflight,
    url: exchange.url,
    method: exchange.method,
    startedDateTime: exchange.startedDateTime,
    entries: exchange.entries,
    initiatorOrigin: exchange.initiatorOrigin,
    mode: exchange.mode,
    kind: exchange.kind,
    credentials,
    outcome: exchange.outcome,
    steps,
    preflightStatus: exchange.preflightStatus,
    preflightReasons: exchange.preflightReasons,
    worker: exchange.worker,
  };
}

/** The step checking `entry` (the same request with another response) and following `redirectTarget`. */
export function stepWith(step: Step, entry: NormalizedEntry, redirectTarget: string | null): Step {
  return {
    kind: step.kind,
    hopIndex: step.hopIndex,
    entry,
    label: step.label,
    requestOrigin: step.requestOrigin,
    corsFlag: step.corsFlag,
    requestedMethod: step.requestedMethod,
    requestedHeaders: step.requestedHeaders,
    redirectTarget,
  };
}

export function entryWithResponse(entry: NormalizedEntry, response: NormalizedResponse | null): NormalizedEntry {
  return {
    index: entry.index,
    startedDateTime: entry.startedDateTime,
    startedMs: entry.startedMs,
    timeMs: entry.timeMs,
    request: entry.request,
    response,
    resourceType: entry.resourceType,
    initiator: entry.initiator,
    pageUrl: entry.pageUrl,
    requestHeadersProvisional: entry.requestHeadersProvisional,
    eventSourceMessages: entry.eventSourceMessages,
  };
}
