import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captureFactsOf, isDelivered } from '../../src/engine/derive/capture.js';
import { buildExchange } from '../../src/engine/derive/classify.js';
import { inferCredentials } from '../../src/engine/derive/credentials.js';
import { pairEntries } from '../../src/engine/derive/pair.js';
import { normalizeHar } from '../../src/engine/har/normalize.js';
import { parseHarText } from '../../src/engine/har/parse-text.js';
import type { Exchange } from '../../src/engine/model/exchange.js';
import { EXCHANGE_RULES } from '../../src/engine/rules/check-order.js';
import { AUDIT_RULES, RULES, RULES_FOR_UNCHECKED_DELIVERED } from '../../src/engine/rules/registry.js';
import { predictWithCredentialsUse, standaloneContext } from '../../src/engine/rules/run.js';
import { syntheticHar } from '../../bench/synthetic-har.js';
import { exchange as exchangeBuilder } from '../fixtures/builders.js';
import { HAR_SAMPLE_NAMES as corpus, readHarSample } from '../fixtures/har-samples.js';
import { mutatedHar } from '../fuzz/har-properties.js';

// replay() runs only RULES_FOR_UNCHECKED_DELIVERED on delivered exchanges without CORS checks. That is only right
// while no other exchange or audit rule can fail (or be incomplete) on such an exchange: checked here by running
// every other rule on every such exchange of random captures, the corpus and a large synthetic capture.

const skipped = [...EXCHANGE_RULES, ...AUDIT_RULES].filter((rule) => !RULES_FOR_UNCHECKED_DELIVERED.includes(rule));

/** The rules (outside the list) that fail or are incomplete on a delivered exchange without steps, as "rule: status". */
function violations(input: unknown): string[] {
  const normalized = normalizeHar(input);
  if (!normalized.ok) return [];
  const exchanges: Exchange[] = pairEntries(normalized.log.entries).map((group) => inferCredentials(buildExchange(group), predictWithCredentialsUse));
  const capture = captureFactsOf(exchanges);
  const found: string[] = [];
  for (const exchange of exchanges) {
    if (exchange.steps.length > 0 || !isDelivered(exchange)) continue;
    for (const rule of skipped) {
      const result = RULES[rule].run(standaloneContext(exchange, null, null, capture));
      if (result.status === 'fail' || result.status === 'incomplete') found.push(`${rule}: ${result.status} on ${exchange.id} (${exchange.kind})`);
    }
  }
  return found;
}


describe('rules that cannot fire on delivered exchanges without CORS checks', () => {
  it('are most of them (the list stays short)', () => {
    expect(skipped.length).toBeGreaterThan(15);
  });

  it('never fail on random, mutated captures', () => {
    fc.assert(fc.property(mutatedHar, (har) => {
      expect(violations(har)).toEqual([]);
    }), { numRuns: 400 });
  });

  it.each(corpus)('never fail on %s', (name) => {
    const parsed = parseHarText(readHarSample(name));
    expect(violations(parsed.ok ? parsed.value : null)).toEqual([]);
  });

  it('never fail on a large synthetic capture, which has thousands of such exchanges', () => {
    const har = syntheticHar(3_000, 8);
    const normalized = normalizeHar(har);
    if (!normalized.ok) throw new Error(normalized.error.message);
    const unchecked = pairEntries(normalized.log.entries).map((group) => buildExchange(group)).filter((exchange) => exchange.steps.length === 0 && isDelivered(exchange));
    expect(unchecked.length).toBeGreaterThan(1_000);
    expect(violations(har)).toEqual([]);
  });

  it('would be caught: the listed rule does fire on such an exchange (an Origin rewritten to the target)', () => {
    const har = exchangeBuilder().actual({ acao: null }).har() as { log: { entries: Array<{ request: { url: string; headers: Array<{ name: string; value: string }> } }> } };
    const request = har.log.entries[0]?.request;
    if (request === undefined) throw new Error('no entry');
    const target = new URL(request.url).origin;
    request.headers = request.headers.filter((header) => !['origin', 'referer'].includes(header.name.toLowerCase()));
    request.headers.push({ name: 'Origin', value: target }, { name: 'Referer', value: 'https://page.example/app' });
    const normalized = normalizeHar(har);
    if (!normalized.ok) throw new Error(normalized.error.message);
    const [only] = pairEntries(normalized.log.entries).map((group) => inferCredentials(buildExchange(group), predictWithCredentialsUse));
    expect(only?.steps).toHaveLength(0);
    const result = only && RULES['cors-unblocking-extension'].run(standaloneContext(only, null, null, captureFactsOf([only])));
    expect(result?.status).toBe('fail');
  });
});
