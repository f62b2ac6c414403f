import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/index.js';
import { buildEngineBundle } from '../../bench/engine-bundle.js';
import { syntheticHar } from '../../bench/synthetic-har.js';

// `npm run bench` is not part of npm test (it takes minutes); this keeps its measuring parts working: the engine
// bundle builds, and each mode of the measuring child process runs on a small capture and reports what it measured.

const root = resolve(import.meta.dirname, '../..');
let folder = '';
let engine = '';
let har = '';

function child(...args: string[]): Record<string, number> {
  const output = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench/engine-child.ts'), har, engine, ...args], { cwd: root, encoding: 'utf8' });
  return JSON.parse(output) as Record<string, number>;
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'cors-lens-bench-test-'));
  engine = await buildEngineBundle(folder);
  har = join(folder, 'capture.har');
  writeFileSync(har, JSON.stringify(syntheticHar(300, 3)));
}, 120_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the bench', () => {
  it('builds the engine as it ships: one minified module', () => {
    expect(statSync(engine).size).toBeGreaterThan(50_000);
  });

  it('times parse and engine on the file, and the engine finds every exchange diagnose() finds', () => {
    const figures = child();
    const expected = diagnose(syntheticHar(300, 3));
    expect(expected.ok).toBe(true);
    expect(figures.exchanges).toBe(expected.ok ? expected.report.exchanges.length : -1);
    for (const name of ['parseMs', 'engineMs', 'warmEngineMs', 'peakMemory']) expect(figures[name], name).toBeGreaterThan(0);
  }, 60_000);

  it('measures the live path, which must equal the full diagnosis (the child checks it)', () => {
    const figures = child('--live');
    expect(figures.entries).toBe(300);
    expect(figures.liveMicros).toBeGreaterThan(0);
  }, 60_000);

  it('measures `cors-lens diagnose` on the file', () => {
    const figures = child('--cli');
    expect(figures.cliMs).toBeGreaterThan(0);
    expect(figures.peakMemory).toBeGreaterThan(0);
  }, 60_000);
});
