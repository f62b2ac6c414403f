// `npm run fuzz`: the fuzz properties of test/fuzz, run long. Default: 100,000 cases in all.
// `npm run fuzz -- 500000` runs more; `--seed N` replays a failure that fast-check reported.
import fc from 'fast-check';
import { properties } from '../test/fuzz/har-properties';

const args = process.argv.slice(2);
const seedIndex = args.indexOf('--seed');
const seed = seedIndex >= 0 ? Number(args[seedIndex + 1]) : Date.now() % 2 ** 31;
const total = Number(args.find((arg, index) => /^\d+$/.test(arg) && args[index - 1] !== '--seed') ?? 100_000);
const names = Object.keys(properties) as (keyof typeof properties)[];
const perProperty = Math.ceil(total / names.length);

let failed = 0;
let ran = 0;
console.log(`Fuzzing the engine: ${perProperty * names.length} cases, seed ${seed}`);
for (const name of names) {
  const started = performance.now();
  const details = fc.check(properties[name], { numRuns: perProperty, seed });
  ran += details.numRuns;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (details.failed) {
    failed += 1;
    console.log(`FAIL ${name} after ${details.numRuns} cases (${seconds} s)`);
    console.log(fc.defaultReportMessage(details) ?? '');
  } else {
    console.log(`ok   ${name}: ${details.numRuns} cases in ${seconds} s`);
  }
}
console.log(`${ran - (failed ? 1 : 0)} cases passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
