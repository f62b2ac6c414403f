// The short fuzz run inside `npm test`; `npm run fuzz` runs the same properties 100,000 times and more.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { properties } from './har-properties';

const runs = Number(process.env.CORS_LENS_FUZZ_RUNS ?? 300);

describe('the engine on random and mutated HARs', () => {
  for (const [name, property] of Object.entries(properties)) {
    it(name, () => {
      fc.assert(property, { numRuns: runs });
    }, 120_000);
  }
});
