import { describe, expect, it } from 'vitest';
import { buildExchange } from '../../src/engine/derive/classify.js';
import { pairEntries } from '../../src/engine/derive/pair.js';
import { whatIf } from '../../src/engine/fixes/what-if.js';
import { normalizeHar } from '../../src/engine/har/normalize.js';
import type { Exchange } from '../../src/engine/model/exchange.js';
import { entryWithResponse, exchangeWith, stepWith } from '../../src/engine/model/variants.js';
import { exchange } from '../fixtures/builders.js';

// The copies in model/variants.ts list every field by hand so that V8 gives them the originals' hidden class.
// A field added to an engine type but not to its copy would silently vanish from every hypothesis and what-if
// re-check: these tests hold the copies to the builders' keys and key order.

function preflightedExchange(): Exchange {
  const har = exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json' } })
    .preflight({ acao: 'https://app.example', acam: 'PUT', acah: 'content-type' })
    .actual({ acao: 'https://app.example', headers: { 'X-Request-Id': 'r1' } })
    .har();
  const normalized = normalizeHar(har);
  if (!normalized.ok) throw new Error(normalized.error.message);
  const [group] = pairEntries(normalized.log.entries);
  if (group === undefined) throw new Error('no exchange');
  return buildExchange(group);
}

describe('copies of engine objects', () => {
  const original = preflightedExchange();
  const step = original.steps[1];
  if (step === undefined) throw new Error('expected a preflight step and an actual step');

  it('an exchange copy has every field of buildExchange, in its order, with the new values', () => {
    const facts = { mode: 'include', basis: 'observed-outcome' } as const;
    const copy = exchangeWith(original, facts, original.steps);
    expect(Object.keys(copy)).toEqual(Object.keys(original));
    expect(copy).toEqual({ ...original, credentials: facts });
  });

  it('a step copy and an entry copy keep every field of the originals', () => {
    const response = step.entry.response;
    if (response === null) throw new Error('expected a response');
    const entry = entryWithResponse(step.entry, { ...response, status: 204 });
    expect(Object.keys(entry)).toEqual(Object.keys(step.entry));
    expect(entry).toEqual({ ...step.entry, response: { ...response, status: 204 } });
    const copy = stepWith(step, entry, 'https://elsewhere.example/');
    expect(Object.keys(copy)).toEqual(Object.keys(step));
    expect(copy).toEqual({ ...step, entry, redirectTarget: 'https://elsewhere.example/' });
  });

  it('the what-if re-check patches responses into objects of the same keys', () => {
    const check = whatIf(original, [{ step, proposal: { target: 'actual', headers: [{ action: 'set', name: 'Access-Control-Expose-Headers', value: 'X-Request-Id' }], summary: 'expose' } }]);
    const patched = check.patchedSteps[1];
    expect(patched && Object.keys(patched)).toEqual(Object.keys(step));
    expect(patched && Object.keys(patched.entry)).toEqual(Object.keys(step.entry));
    expect(patched?.entry.response && Object.keys(patched.entry.response)).toEqual(step.entry.response && Object.keys(step.entry.response));
    expect(patched?.entry.response?.headers.some((field) => field.lowerName === 'access-control-expose-headers')).toBe(true);
  });
});
