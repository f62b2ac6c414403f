// One measurement in a fresh process, so peak memory belongs to this HAR alone:
// read the file, JSON.parse it, diagnose it; print the figures as JSON.
import { readFileSync } from 'node:fs';
import { diagnose } from '../src/engine/index';

const file = process.argv[2] as string;
const rssBefore = process.memoryUsage().rss;
const text = readFileSync(file, 'utf8');
let started = performance.now();
const parsed: unknown = JSON.parse(text);
const parseMs = performance.now() - started;
started = performance.now();
const result = diagnose(parsed, { sourceKind: 'file' });
const engineMs = performance.now() - started;
if (!result.ok) throw new Error(result.error.message);
const peakRss = process.resourceUsage().maxRSS * 1024;
// A second run in the same process: the engine's code is now compiled, as in a panel that stays open.
started = performance.now();
diagnose(parsed, { sourceKind: 'file' });
const warmEngineMs = performance.now() - started;
console.log(JSON.stringify({ parseMs, engineMs, warmEngineMs, peakMemory: peakRss - rssBefore, exchanges: result.report.exchanges.length }));
