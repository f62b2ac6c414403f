// DiagnosisSession.takeChanges(): what the live panel updates its rows from. Applying the changes to the rows of
// the previous report must give the rows of the new one, however entries arrive.
import { describe, expect, it } from 'vitest';
import { syntheticHar } from '../../bench/synthetic-har';
import { DiagnosisSession, type ReportExchange } from '../../src/engine/index';

describe('DiagnosisSession.takeChanges', () => {
  it('names exactly the exchanges that left and joined the report since the last call', () => {
    const entries = syntheticHar(600, 7).log.entries;
    const session = new DiagnosisSession();
    let shown = new Set<ReportExchange>();
    let changed = 0;
    for (let start = 0; start < entries.length; start += 37) {
      session.add(entries.slice(start, start + 37));
      const { removed, added } = session.takeChanges();
      for (const exchange of removed) {
        expect(shown.has(exchange)).toBe(true);
        shown.delete(exchange);
      }
      for (const exchange of added) shown.add(exchange);
      changed += removed.length + added.length;
      expect(new Set(session.report().exchanges)).toEqual(shown);
    }
    // Each batch changed only what it touched, not every exchange again.
    expect(changed).toBeLessThan(session.report().exchanges.length * 3);
    expect(session.takeChanges()).toEqual({ removed: [], added: [] });
  });
});
