// Where a streamed `cors-lens diagnose` spends its time, phase by phase, in one process (each phase run once to
// warm up, then twice): the bare read + JSON.parse the budget is measured against, the byte reader's scan and
// per-entry parse, normalizing, the redacted copy, the diagnosis, and each format's whole export.
//   npx tsx bench/cli-phases.ts capture.har [phase-name-prefix]
import { openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { HarByteReader } from '../src/engine/har/stream';
import { StreamRedaction } from '../src/engine/redact/har';
import { diagnoseHarStream } from '../src/engine/diagnose';
import { exportFromBytes } from '../src/engine/report/export';
const file = process.argv[2] ?? '';
if (file === '') throw new Error('usage: npx tsx bench/cli-phases.ts capture.har [phase]');
function* chunksOf(): Generator<Uint8Array> {
  const d = openSync(file, 'r'); const c = new Uint8Array(1 << 20);
  for (;;) { const n = readSync(d, c); if (n === 0) break; yield c.subarray(0, n); } closeSync(d);
}
const cpu = (f: () => unknown) => { const s = process.cpuUsage(); const t = performance.now(); f(); const u = process.cpuUsage(s); return `${(performance.now() - t).toFixed(0)} ms wall, ${((u.user + u.system) / 1000).toFixed(0)} cpu`; };
const phases: Record<string, () => unknown> = {
  'bare read+parse': () => JSON.parse(readFileSync(file, 'utf8')),
  'read chunks only': () => { for (const _ of chunksOf()); },
  'scan+parse (entries mapped to null)': () => { const r = new HarByteReader({ mapEntry: () => null }); for (const c of chunksOf()) r.push(c); },
  'scan+parse+normalize': () => { const r = new HarByteReader({}); for (const c of chunksOf()) r.push(c); return r.finish(); },
  'scan+parse+redact (no normalize)': () => { const red = new StreamRedaction(true); const r = new HarByteReader({ mapEntry: (e) => { red.entry(e); return null; } }); for (const c of chunksOf()) r.push(c); },
  'diagnoseHarStream redacted (=text minus render)': () => { const red = new StreamRedaction(true); return diagnoseHarStream(chunksOf(), {}, { mapEntry: (e) => red.entry(e), mapPages: (p) => red.pages(p) }); },
};
const which = process.argv[3];
for (const [name, f] of Object.entries(phases)) {
  if (which && !name.startsWith(which)) continue;
  f(); // warm
  console.log(name.padEnd(50), cpu(f), cpu(f));
}
for (const format of ['text', 'json', 'md', 'html'] as const) {
  if (which) continue;
  const bytes = readFileSync(file);
  const reread = (s: number, e: number) => bytes.subarray(s, e);
  const f = () => { const r = exportFromBytes(chunksOf(), { format, sourceName: 'x', sourceKind: 'file', reread }); let n = 0; for (const p of r!.parts) n += p.length; return n; };
  f();
  console.log(`export ${format}`.padEnd(50), cpu(f), cpu(f));
}
