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
console.log(JSON.stringify({ parseMs, engineMs, peakMemory: peakRss - rssBefore, exchanges: result.report.exchanges.length }));
