import { applyHeaderPatches } from './patch.js';
import type { NormalizedResponse } from '../har/types.js';
import type { Exchange } from '../model/exchange.js';
import type { RuleId } from '../rules/registry.js';
import { ReplayMemo, type RuleFinding } from '../rules/run.js';
import type { Fix, FixProposal, FixSnippet } from '../rules/types.js';
import type { CorsNeeds } from './needs.js';
import { corsNeedsOf } from './needs.js';
import { RUN_VERIFIED_STACKS, serverVerifiedAgainst, verifiedAgainst } from './verified.js';
import { STACKS } from './stacks.js';
import type { StackInfo } from './stacks.js';
import { NOT_RECHECKED, whatIf } from './what-if.js';
import type { ProposedFix } from './what-if.js';

export type { CorsNeeds } from './needs.js';
export { RUN_VERIFIED, RUN_VERIFIED_STACKS, SERVER_RUN_VERIFIED, SERVER_VERIFIED_RULES, VERIFIED_IN, serverVerifiedAgainst, verifiedAgainst } from './verified.js';
export type { RunVerification } from './verified.js';
export { STACKS, STACK_IDS } from './stacks.js';
export type { StackInfo } from './stacks.js';

/** The stacks for a picker: id, label, language, and whether their snippets are run-verified (for some rules). */
export function stackInfos(): StackInfo[] {
  return STACKS.map((stack) => ({ id: stack.id, label: stack.label, language: stack.language, verified: RUN_VERIFIED_STACKS.includes(stack.id) }));
}

/** Each stack's "verified against" text for this rule, or null (a table lookup per stack; no cache kept in the module). */
function verifiedFor(rule: RuleId): ReadonlyArray<string | null> {
  return STACKS.map((stack) => verifiedAgainst(stack.id, rule));
}

/**
 * Every stack's snippet for one fix. The code is rendered on first read: a big capture has thousands of fixes
 * times 19 stacks, and the panel shows one stack of the selected finding, so rendering them all up front was
 * most of the report builder's time and memory. `code` is a getter on the object literal itself, so it is an
 * own enumerable property: JSON.stringify, spreading, structured clone and deep equality see a plain string
 * (a getter on a prototype would be skipped). Renderers are pure functions of (needs, rule), and the needs
 * object is never changed after corsNeedsOf builds it, so rendering later gives the same text.
 */
export function snippetsFor(rule: RuleId, needs: CorsNeeds): FixSnippet[] {
  const verified = verifiedFor(rule);
  return STACKS.map((stack, position) => {
    let code: string | null = null;
    const against = verified[position] ?? null;
    return {
      stack: stack.id,
      get code(): string {
        code ??= stack.render(needs, rule);
        return code;
      },
      verified: against !== null,
      verifiedAgainst: against,
    };
  });
}

/**
 * Every stack's snippet for a server's one configuration (problems/servers.ts): the needs carry the server's
 * origin list, and are computed on first read too (`needsOf` runs once, when the first snippet's code is read).
 * `rule` picks the stack's traps (the needs' `rules` add the others'); run-verified per serverVerifiedAgainst.
 */
export function serverSnippetsFor(rule: RuleId, rules: readonly RuleId[], needsOf: () => CorsNeeds): FixSnippet[] {
  let needs: CorsNeeds | null = null;
  return STACKS.map((stack) => {
    let code: string | null = null;
    const against = serverVerifiedAgainst(stack.id, rules);
    return {
      stack: stack.id,
      get code(): string {
        needs ??= needsOf();
        code ??= stack.render(needs, rule);
        return code;
      },
      verified: against !== null,
      verifiedAgainst: against,
    };
  });
}

const NO_SNIPPETS: readonly FixSnippet[] = Object.freeze([]);

/**
 * The report's fix: the proposal's fields in the proposal's order (the JSON report is byte-stable), then the
 * snippets and the re-check. Built field by field where it can be: spreading proposals of many shapes is slow in V8.
 */
function fixFrom(proposal: FixProposal, snippets: readonly FixSnippet[], verifies: boolean, whatIf: string): Fix {
  // The few proposals with a status (preflight fixes) keep their own field order.
  if (proposal.status !== undefined) return { ...proposal, snippets, verifies, whatIf };
  return { target: proposal.target, headers: proposal.headers, summary: proposal.summary, snippets, verifies, whatIf };
}

const NO_FIXES: ReadonlyArray<Fix | null> = Object.freeze([]);

/** How every output introduces a fix that is no response header change (a "client" fix, or none at all). */
export const NO_HEADER_FIX = 'No response header change fixes this';

/** A client fix's summary as the outputs show it after NO_HEADER_FIX (the summary may already begin with it). */
export function clientFixText(summary: string): string {
  return summary.startsWith(`${NO_HEADER_FIX}: `) ? summary.slice(NO_HEADER_FIX.length + 2) : summary;
}

const CLIENT_NOT_RECHECKED = `${NOT_RECHECKED}the change is in the page's code or the browser, not in a response header.`;

/** The recorded response an exchange-level fix patches: the first preflight's for a preflight fix, else the final one. */
function targetedResponse(exchange: Exchange, proposal: FixProposal): NormalizedResponse | null {
  if (proposal.target === 'client') return null;
  if (proposal.target === 'preflight') return exchange.steps.find((step) => step.kind === 'preflight')?.entry.response ?? null;
  return exchange.hops[exchange.hops.length - 1]?.entry.response ?? null;
}

/**
 * The report's fix for each finding, in the same order: the rule's proposal, the snippets for every stack
 * (filled from the capture), and the what-if re-check of the whole exchange with all its server fixes applied.
 * A finding without a server fix gets a "client" fix that says why no server change helps.
 */
export function completeFixes(
  exchange: Exchange, findings: readonly RuleFinding[], memo: ReplayMemo = new ReplayMemo(), stillFails?: (rule: RuleId, patched: Exchange) => boolean,
): ReadonlyArray<Fix | null> {
  if (findings.length === 0) return NO_FIXES;
  const proposed: ProposedFix[] = findings.flatMap((finding) =>
    finding.step !== null && finding.result.fix !== null ? [{ step: finding.step, proposal: finding.result.fix }] : []);
  const hasServerFix = proposed.some((fix) => fix.proposal.target !== 'client');
  const check = hasServerFix ? whatIf(exchange, proposed, memo) : null;
  let needs: CorsNeeds | null = null;
  const needsOf = (): CorsNeeds => {
    if (needs === null) {
      const location = proposed.flatMap((fix) => fix.proposal.headers).find((patch) => patch.name.toLowerCase() === 'location')?.value ?? null;
      needs = corsNeedsOf(exchange, check?.patchedSteps ?? exchange.steps, location, findings.map((finding) => finding.rule));
    }
    return needs;
  };
  return findings.map((finding): Fix | null => {
    const { fix: proposal, noServerFix } = finding.result;
    if (proposal !== null && proposal.target === 'client') return fixFrom(proposal, NO_SNIPPETS, false, CLIENT_NOT_RECHECKED);
    if (proposal !== null && check !== null && finding.step !== null) {
      return fixFrom(proposal, snippetsFor(finding.rule, needsOf()), check.verifies, check.note);
    }
    if (proposal !== null && finding.step === null) {
      const { recheckFix, fixNotRecheckable } = finding.result;
      if (fixNotRecheckable !== null) return fixFrom(proposal, NO_SNIPPETS, false, `${NOT_RECHECKED}${fixNotRecheckable}`);
      const targeted = targetedResponse(exchange, proposal);
      if (recheckFix !== null && targeted !== null) {
        const verifies = recheckFix(applyHeaderPatches(targeted.headers, proposal.headers));
        const whatIf = verifies
          ? `Re-checked: with ${proposal.headers.map((patch) => `${patch.name}: ${patch.value ?? ''}`).join(', ')} on the recorded ${proposal.target === 'preflight' ? 'preflight ' : ''}response, this finding is no longer raised.`
          : `Re-checked: the recorded ${proposal.target === 'preflight' ? 'preflight ' : ''}response, patched, would still raise this finding.`;
        return fixFrom(proposal, NO_SNIPPETS, verifies, whatIf);
      }
      // Made on the exchange's last checked response's hop, with the exchange's response-level server fixes.
      const lastStep = exchange.steps[exchange.steps.length - 1];
      if (stillFails !== undefined && lastStep !== undefined) {
        const own = whatIf(exchange, [...proposed, { step: lastStep, proposal }], memo, (patched) => stillFails(finding.rule, patched));
        return fixFrom(proposal, NO_SNIPPETS, own.verifies, own.note);
      }
      return fixFrom(proposal, NO_SNIPPETS, false, `${NOT_RECHECKED}this finding is about the exchange as a whole, not one recorded response (the replay re-checks the fixes of response-level findings); check the response after deploying.`);
    }
    if (proposal !== null) return fixFrom(proposal, NO_SNIPPETS, false, `${NOT_RECHECKED}the capture has no response to apply it to.`);
    if (noServerFix !== null) {
      return { target: 'client', headers: [], summary: `${NO_HEADER_FIX}: ${noServerFix}`, snippets: [], verifies: false, whatIf: CLIENT_NOT_RECHECKED };
    }
    return null;
  });
}
