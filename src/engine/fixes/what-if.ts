import type { NormalizedEntry, NormalizedResponse } from '../har/types.js';
import type { Exchange, Hop, Step } from '../model/exchange.js';
import { headerValues } from '../model/headers.js';
import type { HeaderField } from '../model/headers.js';
import { ReplayMemo, predictCorsError } from '../rules/run.js';
import type { FixProposal, HeaderPatch } from '../rules/types.js';
import { applyHeaderPatches } from './patch.js';

/** How every what-if note of a fix that was not re-checked begins (the note goes on to say why). */
export const NOT_RECHECKED = 'Not re-checked: ';

/** Whether a fix's what-if note reports a re-check (passed or not) rather than why there was none. */
export function wasRechecked(whatIfNote: string): boolean {
  return !whatIfNote.startsWith(NOT_RECHECKED);
}

/** A rule's proposal together with the response it was diagnosed on. */
export interface ProposedFix {
  readonly step: Step;
  readonly proposal: FixProposal;
}

export interface WhatIf {
  readonly verifies: boolean;
  /** One sentence: what was re-checked and assumed, or why not. */
  readonly note: string;
  /** The exchange's checked responses after the patch, in check order (for snippets and header diffs). */
  readonly patchedSteps: readonly Step[];
  /** The exchange with those responses, in its steps and its hops (for re-judging exchange-level rules). */
  readonly patched: Exchange;
}

/** Whether a proposal made on `from` applies to the response of step `to`. */
export function appliesTo(proposal: FixProposal, from: Step, to: Step): boolean {
  if (from.hopIndex !== to.hopIndex) return false;
  switch (proposal.target) {
    case 'client':
      return false;
    case 'all-responses':
      return true;
    case 'preflight':
      return to.kind === 'preflight';
    case 'actual':
      return to.kind === 'actual';
    case 'redirect':
      return to.kind === 'redirect';
  }
}

const CARRIED_FROM_PREFLIGHT: readonly string[] = ['access-control-allow-origin', 'access-control-allow-credentials'];

function hasUsableResponse(entry: NormalizedEntry): boolean {
  const status = entry.response?.status ?? null;
  return status !== null && status > 0;
}

/**
 * The response of `step` with every applicable proposal applied. A request the browser never sent (stopped at
 * its preflight) has no recorded response: it is assumed to answer 200 with the same Allow-Origin and
 * Allow-Credentials lines as the patched preflight of its hop — what a CORS layer in front of the
 * application does.
 */
function patchedResponse(step: Step, fixes: readonly ProposedFix[], preflightOfHop: NormalizedResponse | null): { response: NormalizedResponse; assumed: boolean } {
  const patches: HeaderPatch[] = [];
  let status: number | null = null;
  for (const fix of fixes) {
    if (!appliesTo(fix.proposal, fix.step, step)) continue;
    patches.push(...fix.proposal.headers);
    if (step.kind === 'preflight' && fix.proposal.status !== undefined) status = fix.proposal.status;
  }
  const recorded = step.entry.response;
  const assumed = !hasUsableResponse(step.entry) && step.kind === 'actual';
  let base: NormalizedResponse;
  if (assumed || recorded === null) {
    const carried: HeaderField[] = preflightOfHop === null
      ? []
      : preflightOfHop.headers.filter((field) => CARRIED_FROM_PREFLIGHT.includes(field.lowerName));
    base = { status: 200, headers: carried, redirectUrl: null, error: null, errorRecorded: true };
  } else {
    base = recorded;
  }
  let headers = applyHeaderPatches(base.headers, patches);
  let redirectUrl = base.redirectUrl;
  if (status !== null) {
    // The preflight is now answered directly: no redirect any more.
    if (status < 300 || status >= 400) {
      headers = headers.filter((field) => field.lowerName !== 'location');
      redirectUrl = null;
    }
  }
  const location = patches.find((patch) => patch.name.toLowerCase() === 'location' && patch.action === 'set');
  if (location !== undefined && redirectUrl !== null) redirectUrl = location.value;
  return {
    response: { status: status ?? base.status, headers, redirectUrl, error: null, errorRecorded: base.errorRecorded },
    assumed,
  };
}

/**
 * The what-if re-check: applies every server fix of the exchange to the recorded responses and replays
 * Chromium's CORS checks. It never calls the network; it only answers "would these headers pass".
 * `stillFlagged`, for the fix of an exchange-level finding (a warning, most often, on an exchange that already
 * passes): whether that finding would still be raised on the patched exchange — asked only when it passes every
 * CORS check, and the fix verifies only if not.
 */
export function whatIf(exchange: Exchange, fixes: readonly ProposedFix[], memo: ReplayMemo = new ReplayMemo(), stillFlagged?: (patched: Exchange) => boolean): WhatIf {
  const serverFixes = fixes.filter((fix) => fix.proposal.target !== 'client');
  if (exchange.steps.length === 0) {
    return { verifies: false, note: `${NOT_RECHECKED}the capture holds no response the browser checked.`, patchedSteps: [], patched: exchange };
  }
  const steps: Step[] = [];
  const patchedEntries = new Map<NormalizedEntry, NormalizedEntry>();
  const preflights = new Map<number, NormalizedResponse>();
  let assumedMethod: string | null = null;
  let unsentAfterRedirect = false;
  for (const step of exchange.steps) {
    // The request a refused redirect pointed to was never sent (Firefox records it with no response, Chromium
    // not at all): its response is not in the capture, so it is not judged — no CORS layer answers it for us.
    if (step.kind === 'actual' && step.hopIndex > 0 && !preflights.has(step.hopIndex) && !hasUsableResponse(step.entry)) {
      unsentAfterRedirect = true;
      continue;
    }
    const { response, assumed } = patchedResponse(step, serverFixes, preflights.get(step.hopIndex) ?? null);
    if (step.kind === 'preflight') preflights.set(step.hopIndex, response);
    if (assumed) assumedMethod = step.entry.request.method;
    const redirectTarget = step.redirectTarget === null ? null : (response.redirectUrl ?? step.redirectTarget);
    const entry = { ...step.entry, response };
    patchedEntries.set(step.entry, entry);
    steps.push({ ...step, entry, redirectTarget });
  }
  const patched: Exchange = { ...exchange, steps, hops: exchange.hops.map((hop) => patchedHop(hop, patchedEntries)) };
  const corsError = predictCorsError(patched, memo);
  const passes = corsError === null && serverFixes.length > 0;
  const flagged = passes && stillFlagged !== undefined && stillFlagged(patched);
  const verifies = passes && !flagged;
  const lastHop = exchange.hops[exchange.hops.length - 1];
  const stoppedAtRedirect = unsentAfterRedirect || (lastHop !== undefined && lastHop.redirectTarget !== null);
  const notes: string[] = [];
  if (serverFixes.length === 0) {
    notes.push(`${NOT_RECHECKED}no response header change is proposed.`);
  } else if (flagged) {
    notes.push('Re-checked: with these changes applied to the recorded responses, the exchange passes every CORS check the browser runs, but this finding would still be raised.');
  } else if (verifies && stillFlagged !== undefined) {
    notes.push('Re-checked: with these changes applied to the recorded responses, the exchange passes every CORS check the browser runs and this finding is no longer raised.');
  } else if (verifies) {
    notes.push('Re-checked: with these changes applied to the recorded responses, the exchange passes every CORS check the browser runs.');
  } else {
    notes.push(`Re-checked: with these changes the exchange would still fail (${corsError ?? 'no server fix'}); fix the remaining findings too.`);
  }
  if (assumedMethod !== null && serverFixes.length > 0) {
    notes.push(`The ${assumedMethod} request itself was never sent, so its response is assumed to carry the same Access-Control-Allow-Origin (and -Credentials) as the preflight: check it after deploying.`);
  }
  if (stoppedAtRedirect && serverFixes.length > 0) {
    notes.push('The browser did not follow the redirect, so the responses after it are not in the capture: check them after deploying.');
  }
  return { verifies, note: notes.join(' '), patchedSteps: steps, patched };
}

function patchedHop(hop: Hop, patchedEntries: ReadonlyMap<NormalizedEntry, NormalizedEntry>): Hop {
  const entry = patchedEntries.get(hop.entry);
  const preflight = hop.preflight === null ? undefined : patchedEntries.get(hop.preflight);
  if (entry === undefined && preflight === undefined) return hop;
  return { ...hop, entry: entry ?? hop.entry, preflight: preflight ?? hop.preflight };
}

/** The combined value of a header on a patched response ("" lines joined by ", "), or null. */
export function patchedHeader(step: Step | undefined, lowerName: string): string | null {
  if (step === undefined || step.entry.response === null) return null;
  const values = headerValues(step.entry.response.headers, lowerName);
  return values.length === 0 ? null : values.join(', ');
}
