import { RULES, RULE_RENAMES } from '../rules/registry.js';
import type { RuleId } from '../rules/registry.js';
import type { RuleMeta } from '../rules/types.js';

/** A rule's meta (title, why it exists, Fetch standard and MDN links) by id, old ids included; null if unknown. */
export function describeRule(id: string): RuleMeta | null {
  const current = (id in RULES ? id : RULE_RENAMES[id]) as RuleId | undefined;
  return current === undefined ? null : RULES[current].meta;
}
