import type { Exchange, Step } from '../model/exchange.js';
import type { CorsError } from '../spec/cors-errors.js';

export type Severity = 'error' | 'warning' | 'info';

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
}

export interface RuleContext {
  readonly exchange: Exchange;
  /** The checked response, or null for rules about the exchange as a whole. */
  readonly step: Step | null;
  /** For exchange rules: the Chromium error the step checks produced, if any. */
  readonly blockedBy: CorsError | null;
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

export type FixTarget = 'preflight' | 'actual' | 'redirect' | 'all-responses' | 'client';

export interface HeaderPatch {
  readonly action: 'set' | 'add' | 'remove';
  readonly name: string;
  /** Null for "remove". */
  readonly value: string | null;
}

export interface Fix {
  readonly target: FixTarget;
  readonly headers: readonly HeaderPatch[];
  readonly status?: number;
  readonly summary: string;
}

/** One message per failure reason: a missing or misspelt reason fails to compile. */
export type MessagesFor<F extends FailureShape> = {
  readonly [R in F['reason']]: (failure: Extract<F, { reason: R }>, context: RuleContext) => string;
};

/** A rule either proposes a header-level fix or says plainly why there is no server fix. */
export type FixFor<F extends FailureShape> =
  | { readonly kind: 'fix'; readonly build: (failure: F, context: RuleContext) => Fix }
  | { readonly kind: 'no-server-fix'; readonly because: string };

export interface Rule<F extends FailureShape> {
  readonly meta: RuleMeta;
  readonly evaluate: (context: RuleContext) => Outcome<F>;
  readonly messages: MessagesFor<F>;
  readonly fix: FixFor<F>;
  /** Overrides meta.severity for particular failures (e.g. a warning-level variant). */
  readonly severityOf?: (failure: F) => Severity;
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
      readonly message: string;
      readonly severity: Severity;
      readonly fix: Fix | null;
      readonly noServerFix: string | null;
    };

export function register<F extends FailureShape>(rule: Rule<F>): RegisteredRule {
  return {
    meta: rule.meta,
    hasServerFix: rule.fix.kind === 'fix',
    run(context) {
      const outcome = rule.evaluate(context);
      if (outcome.status !== 'fail') return outcome;
      const { failure } = outcome;
      const message = (rule.messages[failure.reason as F['reason']] as (f: F, c: RuleContext) => string)(failure, context);
      return {
        status: 'fail',
        reason: failure.reason,
        data: failure.data,
        evidence: outcome.evidence,
        message,
        severity: rule.severityOf?.(failure) ?? rule.meta.severity,
        fix: rule.fix.kind === 'fix' ? rule.fix.build(failure, context) : null,
        noServerFix: rule.fix.kind === 'no-server-fix' ? rule.fix.because : null,
      };
    },
  };
}
