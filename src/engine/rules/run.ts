import type { NormalizedResponse } from '../har/types.js';
import type { CredentialsBasis, CredentialsFacts, Exchange, RuleExchange, Step } from '../model/exchange.js';
import { HeaderListMemo } from '../model/headers.js';
import { OriginMemo } from '../model/origin.js';
import type { CorsError } from '../spec/cors-errors.js';
import type { FirefoxCorsError } from '../spec/firefox-errors.js';
import type { BrowserId } from '../spec/browsers.js';
import { CHECK_ORDER, EXCHANGE_RULES, FIREFOX_PREFLIGHT_ORDER, FIREFOX_WARNINGS, checkSetOf, type Check } from './check-order.js';
import { AUDIT_RULES, RULES, RULES_FOR_UNCHECKED_DELIVERED, SUPERSEDED_BY } from './registry.js';
import { EMPTY_CAPTURE, isDelivered } from '../derive/capture.js';
import type { CaptureFacts } from '../derive/capture.js';
import type { RuleId } from './registry.js';
import { allowOriginOfResponse } from './helpers.js';
import { unnamedFailureOf } from '../derive/unnamed-failure.js';
import { INAPPLICABLE, PASS, type RuleContext, type RuleMemo, type RuleResult } from './types.js';

export type FailedResult = Extract<RuleResult, { status: 'fail' }>;

export interface RuleFinding {
  readonly rule: RuleId;
  readonly step: Step | null;
  readonly result: FailedResult;
  /** The Chromium error this failure produces at this step; null for exchange-level rules. */
  readonly corsError: CorsError | null;
  /** Firefox's reason key for it (check-order.ts); null for exchange-level rules. */
  readonly firefoxError: FirefoxCorsError | null;
}

export interface IncompleteCheck {
  readonly rule: RuleId;
  readonly step: Step | null;
  readonly reason: string;
}

export interface Blocking {
  readonly corsError: CorsError;
  readonly firefoxError: FirefoxCorsError;
  readonly rule: RuleId;
  readonly step: Step;
}

export interface ReplayResult {
  readonly findings: readonly RuleFinding[];
  readonly blocking: Blocking | null;
  readonly incomplete: readonly IncompleteCheck[];
  /** What the exchange and audit rules were judged with (ruleStillFails re-judges a patched exchange alike). */
  readonly capture: CaptureFacts;
  readonly browser: BrowserId;
}

interface StepReplay {
  readonly findings: RuleFinding[];
  readonly incomplete: IncompleteCheck[];
  readonly blocking: Blocking | null;
  /** The checks whose decision read the credentials mode, in the order they ran. */
  readonly credentialChecks: readonly CredentialCheck[];
  /** Whether any check read the credentials' basis (RuleContext.credentialsBasis), e.g. to quote it in a finding. */
  readonly readBasis: boolean;
}

interface CredentialCheck {
  readonly step: Step;
  readonly rule: RuleId;
}

/**
 * What replaying shares across one run (run-context.ts): the rules' parsed origins and header lists, and the step
 * replays the credentials inference ran, by the exchange's list of steps. The inference replays one hypothesis
 * and then keeps that exchange or a copy of it with other credentials facts (the copy shares the list of steps,
 * and only a copy does). replay() reuses the result for the kept exchange when the checks could not tell the two
 * apart: the same mode, and the same basis unless no check read it (measured: 15% of a 10k run's CPU).
 */
export class ReplayMemo implements RuleMemo {
  readonly stepReplays = new WeakMap<readonly Step[], { readonly credentials: CredentialsFacts; readonly replay: StepReplay }>();

  constructor(
    readonly origins: OriginMemo = new OriginMemo(),
    readonly headerLists: HeaderListMemo = new HeaderListMemo(),
  ) {}
}

/**
 * The context of one step's checks (or of the exchange rules). It counts the rules' reads of the credentials
 * mode and basis: a check that read neither decides alike in every mode. Rules see it as a RuleContext, whose
 * exchange has no credentials field, so reading them any other way does not compile.
 */
class CheckContext implements RuleContext {
  readonly exchange: RuleExchange;
  credentialsReads = 0;
  basisReads = 0;
  private lastResponse: NormalizedResponse | null = null;
  private lastAllowOrigin: string | null = null;

  constructor(
    private readonly credentials: CredentialsFacts,
    exchange: Exchange,
    readonly step: Step | null,
    readonly blockedBy: CorsError | null,
    readonly capture: CaptureFacts | undefined,
    readonly memo: RuleMemo,
    readonly browser: BrowserId | null = null,
  ) {
    this.exchange = exchange;
  }

  isCredentialed(): boolean {
    this.credentialsReads++;
    return this.credentials.mode === 'include';
  }

  credentialsBasis(): CredentialsBasis {
    this.basisReads++;
    return this.credentials.basis;
  }

  /** The checks of a step ask for its response's Allow-Origin one after another (about 20 times per exchange). */
  allowOrigin(response: NormalizedResponse): string | null {
    if (this.lastResponse !== response) {
      this.lastAllowOrigin = allowOriginOfResponse(response);
      this.lastResponse = response;
    }
    return this.lastAllowOrigin;
  }
}

/** A context for running one rule outside a replay (tests, tools): nothing is shared with any run. */
export function standaloneContext(exchange: Exchange, step: Step | null, blockedBy: CorsError | null, capture: CaptureFacts | undefined, browser: BrowserId = 'chromium'): RuleContext {
  return new CheckContext(exchange.credentials, exchange, step, blockedBy, capture, new ReplayMemo(), step === null ? browser : null);
}

// Shared empty results: most exchanges have no steps, and most steps no findings.
const NO_FINDINGS = Object.freeze([]) as unknown as RuleFinding[];
const NO_INCOMPLETE = Object.freeze([]) as unknown as IncompleteCheck[];
const NO_STEPS: StepReplay = Object.freeze({ findings: NO_FINDINGS, incomplete: NO_INCOMPLETE, blocking: null, credentialChecks: [], readBasis: false });

/**
 * Replays the browser's checks over the exchange's steps in order. The first failing check of the first
 * failing step is Chromium's error; that step's other failing checks are still reported; later steps were
 * never reached, so they are not checked.
 */
function replaySteps(exchange: Exchange, memo: ReplayMemo): StepReplay {
  // Same-origin and other exchanges that are not CORS-checked have nothing to replay.
  if (exchange.steps.length === 0) return NO_STEPS;
  let findings: RuleFinding[] | null = null;
  let incomplete: IncompleteCheck[] | null = null;
  let credentialChecks: CredentialCheck[] | null = null;
  let blocking: Blocking | null = null;
  let readBasis = false;
  // Indexed loops here and in replay(): they run for every exchange, mostly before V8 has optimized them,
  // and for…of there allocates an iterator result per item.
  const { steps } = exchange;
  for (let stepIndex = 0; stepIndex < steps.length; stepIndex++) {
    const step = steps[stepIndex] as Step;
    // One context for all checks of a step: fewer allocations on big captures.
    const context = new CheckContext(exchange.credentials, exchange, step, null, undefined, memo);
    const checks = CHECK_ORDER[checkSetOf(step)];
    for (let checkIndex = 0; checkIndex < checks.length; checkIndex++) {
      const check = checks[checkIndex] as Check;
      const readsBefore = context.credentialsReads;
      const result = RULES[check.rule].run(context);
      if (context.credentialsReads !== readsBefore) (credentialChecks ??= []).push({ step, rule: check.rule });
      if (result === PASS || result === INAPPLICABLE) continue;
      if (result.status === 'incomplete') (incomplete ??= []).push({ rule: check.rule, step, reason: result.reason });
      if (result.status !== 'fail') continue;
      const firefoxError = check.firefoxErrorOf?.[result.reason] ?? check.firefoxError;
      (findings ??= []).push({ rule: check.rule, step, result, corsError: check.corsError, firefoxError });
      blocking ??= { corsError: check.corsError, firefoxError, rule: check.rule, step };
    }
    readBasis ||= context.basisReads > 0;
    if (blocking !== null) {
      if (step.kind === 'preflight' && findings !== null) blocking = { ...blocking, firefoxError: firefoxFirst(findings, step) ?? blocking.firefoxError };
      break;
    }
  }
  return {
    findings: findings ?? NO_FINDINGS,
    incomplete: incomplete ?? NO_INCOMPLETE,
    blocking,
    credentialChecks: credentialChecks ?? [],
    readBasis,
  };
}

/** Firefox's reason for a failing preflight: its first failing check in Firefox's order (check-order.ts). */
function firefoxFirst(findings: readonly RuleFinding[], step: Step): FirefoxCorsError | null {
  let first: RuleFinding | null = null;
  let firstRank = Infinity;
  for (const found of findings) {
    if (found.step !== step) continue;
    const rank = FIREFOX_PREFLIGHT_ORDER.indexOf(found.rule);
    if (rank >= 0 && rank < firstRank) {
      first = found;
      firstRank = rank;
    }
  }
  return first?.firefoxError ?? null;
}

function rememberedStepReplay(exchange: Exchange, memo: ReplayMemo): StepReplay | undefined {
  const remembered = memo.stepReplays.get(exchange.steps);
  if (remembered === undefined) return undefined;
  const { mode, basis } = exchange.credentials;
  const same = remembered.credentials.mode === mode && (!remembered.replay.readBasis || remembered.credentials.basis === basis);
  return same ? remembered.replay : undefined;
}

/** Chromium's error for the exchange as captured, or null (the what-if re-check asks this of patched exchanges). */
export function predictCorsError(exchange: Exchange, memo: ReplayMemo = new ReplayMemo()): CorsError | null {
  return replaySteps(exchange, memo).blocking?.corsError ?? null;
}

export interface Prediction {
  readonly corsError: CorsError | null;
  /** False when no check read the credentials mode: the other mode would replay identically. */
  readonly readCredentials: boolean;
  /** Whether `variant` — this exchange in the other credentials mode — is blocked. */
  readonly blocksVariant: (variant: Exchange) => boolean;
}

/** predictCorsError, and whether the outcome could depend on the credentials mode (for credentials inference). */
export function predictWithCredentialsUse(exchange: Exchange, memo: ReplayMemo = new ReplayMemo()): Prediction {
  const steps = replaySteps(exchange, memo);
  // An exchange without steps replays to the shared empty result at no cost (and all of them share one list).
  if (exchange.steps.length > 0) memo.stepReplays.set(exchange.steps, { credentials: exchange.credentials, replay: steps });
  return {
    corsError: steps.blocking?.corsError ?? null,
    readCredentials: steps.credentialChecks.length > 0,
    blocksVariant: (variant) => (steps.blocking === null ? failsAnyCheck(variant, steps.credentialChecks, memo) : replaySteps(variant, memo).blocking !== null),
  };
}

/**
 * For an exchange whose replay passed every check: whether the same exchange in the other credentials mode is
 * blocked. A check that did not read the mode takes the same path in either mode and passes again, so only the
 * checks that read it need to run again, and any failure among them blocks (every other check passes).
 */
function failsAnyCheck(variant: Exchange, checks: readonly CredentialCheck[], memo: ReplayMemo): boolean {
  for (const { step, rule } of checks) {
    if (RULES[rule].run(new CheckContext(variant.credentials, variant, step, null, undefined, memo)).status === 'fail') return true;
  }
  return false;
}

/**
 * The step checks, then the exchange rules, then the audit and classification rules (with the capture's facts,
 * when the caller derived them). Audit rules never block and their "incomplete" never reaches the verdict.
 */
export function replay(exchange: Exchange, capture: CaptureFacts = EMPTY_CAPTURE, memo: ReplayMemo = new ReplayMemo(), browser: BrowserId = 'chromium'): ReplayResult {
  const steps = rememberedStepReplay(exchange, memo) ?? replaySteps(exchange, memo);
  // The step replay's lists are shared (the credentials inference's cache, frozen empties): they are copied
  // only when a rule adds to them, which most exchanges never do.
  let findings: RuleFinding[] | null = null;
  let incomplete: IncompleteCheck[] | null = null;
  const blockedBy = steps.blocking?.corsError ?? null;
  const context = new CheckContext(exchange.credentials, exchange, null, blockedBy, capture, memo, browser);
  // A Firefox HAR records some failures as deliveries (derive/unnamed-failure.ts): those get every rule.
  const unchecked = exchange.steps.length === 0 && isDelivered(exchange) && !(browser === 'firefox' && unnamedFailureOf(exchange) !== null);
  const exchangeRules = unchecked ? UNCHECKED_EXCHANGE_RULES : EXCHANGE_RULES;
  for (let i = 0; i < exchangeRules.length; i++) {
    const rule = exchangeRules[i] as RuleId;
    const result = RULES[rule].run(context);
    if (result === PASS || result === INAPPLICABLE) continue;
    if (result.status === 'incomplete') (incomplete ??= steps.incomplete.slice()).push({ rule, step: null, reason: result.reason });
    if (result.status === 'fail') (findings ??= steps.findings.slice()).push({ rule, step: null, result, corsError: null, firefoxError: null });
  }
  const auditRules = unchecked ? UNCHECKED_AUDIT_RULES : AUDIT_RULES;
  for (let i = 0; i < auditRules.length; i++) {
    const rule = auditRules[i] as RuleId;
    const result = RULES[rule].run(context);
    if (result !== PASS && result !== INAPPLICABLE && result.status === 'fail') {
      (findings ??= steps.findings.slice()).push({ rule, step: null, result, corsError: null, firefoxError: FIREFOX_WARNINGS[rule] ?? null });
    }
  }
  return { findings: withoutSuperseded(findings ?? steps.findings), blocking: steps.blocking, incomplete: incomplete ?? steps.incomplete, capture, browser };
}

/**
 * The what-if re-check of an exchange-level finding (an audit's warning, most often): whether `rule` still fails
 * on `patched` — the exchange with the proposed headers applied, which passed every CORS check (the re-check
 * asks only then) — judged with the capture facts and browser of the replay that found it.
 */
export function ruleStillFails(rule: RuleId, patched: Exchange, replayed: ReplayResult, memo: ReplayMemo): boolean {
  const context = new CheckContext(patched.credentials, patched, null, null, replayed.capture, memo, replayed.browser);
  return RULES[rule].run(context).status === 'fail';
}

// The rules that can fail on a delivered exchange without CORS checks, in their usual order (see registry.ts).
const UNCHECKED_EXCHANGE_RULES = EXCHANGE_RULES.filter((rule) => RULES_FOR_UNCHECKED_DELIVERED.includes(rule));
const UNCHECKED_AUDIT_RULES = AUDIT_RULES.filter((rule) => RULES_FOR_UNCHECKED_DELIVERED.includes(rule));

/** Drops a generic finding when a more specific rule explained the same exchange (registry's SUPERSEDED_BY). */
function withoutSuperseded(findings: RuleFinding[]): RuleFinding[] {
  if (findings.length < 2) return findings;
  const failed = new Set<RuleId>(findings.map((found) => found.rule));
  return findings.filter((found) => !(SUPERSEDED_BY[found.rule] ?? []).some((specific) => failed.has(specific)));
}
