// One measurement in a fresh process, so peak memory and compilation belong to this HAR alone.
//   engine-child.ts FILE ENGINE          read FILE, JSON.parse it, diagnose it (first run: the engine's code is
//                                        compiled on the way, as in a panel or CLI that just started), then again
//   engine-child.ts FILE ENGINE --live   the panel's live path: the entries arrive one at a time, each followed by
//                                        an updated report (DiagnosisSession), from a cold start too
//   engine-child.ts FILE ENGINE --cli    `cors-lens diagnose FILE` (text report, streamed read): time and peak memory
// ENGINE is the engine module built by bench/engine-bundle.ts. Prints the figures as JSON.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type * as Engine from '../src/engine/index';

const [file, enginePath] = process.argv.slice(2) as [string, string];
const engine = (await import(pathToFileURL(enginePath).href)) as typeof Engine;

if (process.argv.includes('--cli')) {
  const { run } = await import('../src/cli/run');
  const rssBefore = process.memoryUsage().rss;
  let output = '';
  const started = performance.now();
  const code = run(['diagnose', file], (text) => { output += text; }, (text) => { throw new Error(text); });
  const cliMs = performance.now() - started;
  if (code === 2 || !output.includes('exchanges')) throw new Error(`the CLI did not diagnose ${file} (exit ${code})`);
  console.log(JSON.stringify({ cliMs, peakMemory: process.resourceUsage().maxRSS * 1024 - rssBefore }));
} else if (process.argv.includes('--live')) {
  const entries = (JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: unknown[] } }).log.entries;
  const session = new engine.DiagnosisSession({ sourceKind: 'live' });
  const started = performance.now();
  for (const entry of entries) {
    session.add([entry]);
    session.report();
  }
  const liveMicros = ((performance.now() - started) * 1000) / entries.length;
  // The live result must be the full diagnosis, or the figure measures the wrong thing.
  const full = engine.diagnose(entries, { sourceKind: 'live' });
  if (!full.ok || engine.reportToJson(full.report) !== engine.reportToJson(session.report())) throw new Error('live path disagrees with the full diagnosis');
  console.log(JSON.stringify({ liveMicros, entries: entries.length }));
} else {
  const rssBefore = process.memoryUsage().rss;
  const text = readFileSync(file, 'utf8');
  let started = performance.now();
  const parsed: unknown = JSON.parse(text);
  const parseMs = performance.now() - started;
  started = performance.now();
  const result = engine.diagnose(parsed, { sourceKind: 'file' });
  const engineMs = performance.now() - started;
  if (!result.ok) throw new Error(result.error.message);
  const peakMemory = process.resourceUsage().maxRSS * 1024 - rssBefore;
  started = performance.now();
  engine.diagnose(parsed, { sourceKind: 'file' });
  const warmEngineMs = performance.now() - started;
  console.log(JSON.stringify({ parseMs, engineMs, warmEngineMs, peakMemory, exchanges: result.report.exchanges.length }));
}
