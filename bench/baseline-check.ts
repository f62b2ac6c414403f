// Safety net for performance work: diagnoses a fixed set of inputs and prints (or checks) a SHA-256 of
// each report's JSON. Outputs must stay byte-identical across optimizations.
//   npx tsx bench/baseline-check.ts --write bench/baseline-hashes.json   (record, before any change)
//   npx tsx bench/baseline-check.ts --check bench/baseline-hashes.json   (compare; exits 1 on a difference)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diagnose, DiagnosisSession, parseHarText, reportToJson } from '../src/engine/index';
import type { Report } from '../src/engine/index';
import { HAR_SAMPLE_NAMES, readHarSample } from '../test/fixtures/har-samples';
import { syntheticHar } from './synthetic-har';

const root = resolve(import.meta.dirname, '..');
const sha = (report: Report) => createHash('sha256').update(reportToJson(report)).digest('hex');

function hashOf(input: unknown, kind: 'file' | 'live' | 'memory' = 'file'): string {
  const result = diagnose(input, { sourceKind: kind, sourceName: 'baseline' });
  return result.ok ? sha(result.report) : `error:${createHash('sha256').update(JSON.stringify(result.error)).digest('hex')}`;
}

/** The live path: one entry at a time, a report after each; hashes the final report and a mid-way one. */
function sessionHash(entries: readonly unknown[]): string {
  const session = new DiagnosisSession({ sourceKind: 'live' });
  const hash = createHash('sha256');
  entries.forEach((entry, index) => {
    session.add([entry]);
    const report = session.report();
    if (index % 97 === 0) hash.update(reportToJson(report));
  });
  hash.update(reportToJson(session.report()));
  return hash.digest('hex');
}

const hashes: Record<string, string> = {};
for (const seed of [1, 2, 3]) hashes[`synthetic-5000-seed${seed}`] = hashOf(syntheticHar(5000, seed));
const sampleEntries: unknown[] = [];
for (const file of HAR_SAMPLE_NAMES) {
  const parsed = parseHarText(readHarSample(file));
  hashes[`sample:${file}`] = parsed.ok ? hashOf(parsed.value) : `parse-error:${JSON.stringify(parsed.error)}`;
  if (parsed.ok) {
    const entries = (parsed.value as { log?: { entries?: unknown[] } })?.log?.entries;
    if (Array.isArray(entries)) sampleEntries.push(...entries);
  }
}
const recorded = JSON.parse(readFileSync(join(root, 'test/differential/recorded/chromium-156.json'), 'utf8')) as { har: unknown };
hashes['chromium-156'] = hashOf(recorded.har);
hashes['all-samples-concatenated'] = hashOf(sampleEntries, 'memory');
hashes['session:synthetic-1500-seed2'] = sessionHash(syntheticHar(1500, 2).log.entries);
hashes['session:samples'] = sessionHash(sampleEntries);
const chromiumEntries = (recorded.har as { entries: unknown[] }).entries;
hashes['session:chromium-156'] = sessionHash(chromiumEntries);

const mode = process.argv[2];
const file = process.argv[3];
if (mode === '--write' && file) {
  writeFileSync(file, `${JSON.stringify(hashes, null, 2)}\n`);
  console.log(`wrote ${Object.keys(hashes).length} hashes to ${file}`);
} else if (mode === '--check' && file) {
  const expected = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const names = new Set([...Object.keys(expected), ...Object.keys(hashes)]);
  const differing = [...names].filter((name) => expected[name] !== hashes[name]);
  for (const name of differing) console.log(`DIFFERS: ${name}`);
  console.log(differing.length === 0 ? `all ${names.size} hashes identical` : `${differing.length} of ${names.size} differ`);
  process.exitCode = differing.length === 0 ? 0 : 1;
} else {
  console.log(JSON.stringify(hashes, null, 2));
}
