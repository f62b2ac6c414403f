import type { HeaderList, HeaderListMemo } from '../model/headers.js';
import type { CredentialsBasis, RuleExchange, Step } from '../model/exchange.js';
import type { NormalizedResponse } from '../har/types.js';
import type { OriginMemo } from '../model/origin.js';
import type { StackId } from '../fixes/kit.js';
import type { CorsError } from '../spec/cors-errors.js';
import type { CaptureFacts } from '../derive/capture.js';
import type { BrowserId } from '../spec/browsers.js';

export type Severity = 'error' | 'warning' | 'info';

/**
 * What a finding is about: a CORS check, a risk in a response that worked, a cost, what a failure really is, or a
 * configuration browsers accept today against the standard (one that a browser update will break).
 */
export type FindingCategory = 'cors' | 'security' | 'performance' | 'classification' | 'compatibility';

export type Confidence = 'high' | 'medium' | 'low';

/** How sure an audit or classification finding is, and on which evidence in the capture. */
export interface ConfidenceStatement {
  readonly level: Confidence;
  readonly basis: string;
}

export interface RuleMeta {
  /** Public API: kebab-case noun for the failing condition; equals the file name. */
  readonly id: string;
  readonly title: string;
  readonly failureTitle: string;
  /** Why it matters, for a developer who has never heard of CORS. */
  readonly description: string;
  readonly specUrl: string;
  readonly mdnUrl: string;
  readonly severity: Severity;
  /** Absent means 'cors' (the CORS checks themselves). */
  readonly category?: FindingCategory;
}

/** What rules parse once per run and share (run-context.ts): origins and header lists. */
export interface RuleMemo {
  readonly origins: OriginMemo;
  readonly headerLists: HeaderListMemo;
}

/** What a rule reads (rules/run.ts makes one per step, and one for the exchange rules). */
export interface RuleContext {
  readonly exchange: RuleExchange;
  /** The checked response, or null for rules about the exchange as a whole. */
  readonly step: Step | null;
  /** For exchange rules: the Chromium error the step checks produced, if any. */
  readonly blockedBy: CorsError | null;
  /** Facts about the whole capture (derive/capture.ts), for audit rules; undefined when one exchange is replayed alone. */
  readonly capture: CaptureFacts | undefined;
  /**
   * The browser the report judges for, for exchange and audit rules (what its HAR records differs); null for the
   * step checks, which both browsers run alike (check-order.ts names each browser's error for them).
   */
  readonly browser: BrowserId | null;
  readonly memo: RuleMemo;
  /** Whether the request was sent with credentials. The read is recorded: a check that never asks decides alike in both modes. */
  isCredentialed(): boolean;
  /** The evidence behind the credentials mode (Cookie header, outcome, default); recorded like isCredentialed. */
  credentialsBasis(): CredentialsBasis;
  /** The response's Access-Control-Allow-Origin, combined: the checks of one step ask for it one after another. */
  allowOrigin(response: NormalizedResponse): string | null;
}

/** What a finding points at: the header, what the capture shows, and what the browser needed. */
export interface Evidence {
  readonly header: string | null;
  readonly observed: string | null;
  readonly expected: string | null;
}

export interface FailureShape {
  readonly reason: string;
  readonly data: object;
}

export type Outcome<F extends FailureShape> =
  | { readonly status: 'pass' }
  | { readonly status: 'fail'; readonly failure: F; readonly evidence: Evidence }
  | { readonly status: 'incomplete'; readonly reason: string }
  | { readonly status: 'inapplicable' };

/**
 * The two results most runs end in, shared: every rule runs for every exchange of a capture (35 rules × 100k
 * exchanges), so a fresh object per "pass" or "inapplicable" was a large part of the engine's garbage.
 */
export const PASS: { readonly status: 'pass' } = Object.freeze({ status: 'pass' });
export const INAPPLICABLE: { readonly status: 'inapplicable' } = Object.freeze({ status: 'inapplicable' });

export type FixTarget = 'preflight' | 'actual' | 'redirect' | 'all-responses' | 'client';

export interface HeaderPatch {
  readonly action: 'set' | 'add' | 'remove';
  readonly name: string;
  /** Null for "remove". */
  readonly value: string | null;
}

/** What a rule proposes: the header lines (and the preflight status) one response needs. */
export interface FixProposal {
  readonly target: FixTarget;
  readonly headers: readonly HeaderPatch[];
  /** The status the preflight (OPTIONS) response needs; CORS never asks to change an actual response's status. */
  readonly status?: number;
  readonly summary: string;
}

/** One server stack's paste-ready code for a fix, filled with the diagnosed origin, methods and header names. */
export interface FixSnippet {
  readonly stack: StackId;
  readonly code: string;
  /**
   * True when this stack's snippet for this rule is run-verified: test/e2e/fix-packs.test.ts pasted it into a
   * real server of the stack and Chromium let the blocked request through (src/engine/fixes/verified.ts).
   */
  readonly verified: boolean;
  /** What it was run-verified against, e.g. "Flask 2.2.2, flask-cors 3.0.10, in Chromium 156"; null when not. */
  readonly verifiedAgainst: string | null;
}

/**
 * The fix of a finding in the report (`findings[].fix`, cors-lens/report@1): the rule's proposal plus the
 * server snippets and the what-if re-check. Fields are only ever added.
 */
export interface Fix extends FixProposal {
  /** Empty for target "client". */
  readonly snippets: readonly FixSnippet[];
  /**
   * True when replaying the exchange with every fix of its findings applied to the recorded responses
   * (headers set/added/removed, preflight status changed) passes every CORS check.
   */
  readonly verifies: boolean;
  /** One sentence on what the what-if re-check did, assumed, or why it could not run. */
  readonly whatIf: string;
}

/** One message per failure reason: a missing or misspelt reason fails to compile. */
export type MessagesFor<F extends FailureShape> = {
  readonly [R in F['reason']]: (failure: Extract<F, { reason: R }>, context: RuleContext) => string;
};

/** A rule either proposes a header-level fix or says plainly why there is no server fix. */
export type FixFor<F extends FailureShape> =
  | { readonly kind: 'fix'; readonly build: (failure: F, context: RuleContext) => FixProposal }
  | { readonly kind: 'no-server-fix'; readonly because: string };

export interface Rule<F extends FailureShape> {
  readonly meta: RuleMeta;
  readonly evaluate: (context: RuleContext) => Outcome<F>;
  readonly messages: MessagesFor<F>;
  readonly fix: FixFor<F>;
  /** Overrides meta.severity for particular failures (e.g. a warning-level variant). */
  readonly severityOf?: (failure: F) => Severity;
  /** Audit and classification rules state how sure each failure is, and on which evidence. */
  readonly confidenceOf?: (failure: F, context: RuleContext) => ConfidenceStatement;
  /**
   * For exchange-level failures: whether the response the fix targets (the first preflight's for a preflight
   * fix, else the final response), patched, would no longer cause the failure. For checks the CORS replay does
   * not model (CORP), and for fixes meant to refuse the request (an untrusted origin taken off the allow-list).
   * Without it, the exchange is patched and re-judged: it must pass every CORS check and no longer fail the rule.
   */
  readonly recheckFix?: (failure: F, patchedHeaders: HeaderList) => boolean;
  /** Why the fix cannot be re-checked on the exchange it was found on (reported instead of a re-check). */
  readonly fixNotRecheckable?: string;
}

/** A rule with its failure type erased, so different rules can share one ordered list. */
export interface RegisteredRule {
  readonly meta: RuleMeta;
  readonly hasServerFix: boolean;
  readonly run: (context: RuleContext) => RuleResult;
}

export type RuleResult =
  | { readonly status: 'pass' }
  | { readonly status: 'inapplicable' }
  | { readonly status: 'incomplete'; readonly reason: string }
  | {
      readonly status: 'fail';
      readonly reason: string;
      readonly data: object;
      readonly evidence: Evidence;
      /** See Rule.recheckFix; null when the rule cannot re-check its own fix. */
      readonly recheckFix: ((patchedHeaders: HeaderList) => boolean) | null;
      /** Rule.fixNotRecheckable, or null. */
      readonly fixNotRecheckable: string | null;
      readonly message: string;
      readonly severity: Severity;
      readonly fix: FixProposal | null;
      readonly noServerFix: string | null;
      readonly category: FindingCategory;
      readonly confidence: ConfidenceStatement | null;
    };

export function register<F extends FailureShape>(rule: Rule<F>): RegisteredRule {
  // Read once here: every rule object has its own shape, so reading them from `rule` on each of a capture's
  // hundred thousand runs was a megamorphic lookup each time.
  const { meta, evaluate, messages, fix, severityOf, confidenceOf, recheckFix } = rule;
  const fixNotRecheckable = rule.fixNotRecheckable ?? null;
  return {
    meta,
    hasServerFix: fix.kind === 'fix',
    run(context) {
      const outcome = evaluate(context);
      // Most runs end in one of the two shared results: compared by identity, before reading a field.
      if (outcome === PASS || outcome === INAPPLICABLE || outcome.status !== 'fail') return outcome;
      const { failure } = outcome;
      const message = (messages[failure.reason as F['reason']] as (f: F, c: RuleContext) => string)(failure, context);
      return {
        status: 'fail',
        reason: failure.reason,
        data: failure.data,
        evidence: outcome.evidence,
        message,
        severity: severityOf?.(failure) ?? meta.severity,
        fix: fix.kind === 'fix' ? fix.build(failure, context) : null,
        noServerFix: fix.kind === 'no-server-fix' ? fix.because : null,
        category: meta.category ?? 'cors',
        confidence: confidenceOf?.(failure, context) ?? null,
        recheckFix: recheckFix ? (patched: HeaderList) => recheckFix(failure, patched) === true : null,
        fixNotRecheckable,
      };
    },
  };
}
