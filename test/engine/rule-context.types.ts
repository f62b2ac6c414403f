// Checked by `npm run typecheck`, not run: a rule reads the credentials mode and basis only through its context,
// which records the read (the credentials inference and replay() rely on it). Each @ts-expect-error below fails
// the typecheck the day a rule could read them another way.
import type { RuleContext } from '../../src/engine/rules/types.js';

export function readsOnlyThroughTheContext(context: RuleContext): void {
  // @ts-expect-error: the rule's exchange has no credentials field
  void context.exchange.credentials;
  // @ts-expect-error: nor can it be destructured out of it
  const { credentials } = context.exchange;
  void credentials;
  // The recorded readers are the way in.
  void context.isCredentialed();
  void context.credentialsBasis();
}
