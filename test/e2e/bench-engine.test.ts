import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineInChromium } from '../../bench/chromium-engine.js';
import { buildEngineBundle } from '../../bench/engine-bundle.js';
import { syntheticHar } from '../../bench/synthetic-har.js';

// Keeps the bench's "engine in Chromium's V8" figure working (npm run bench -- --chromium is not part of npm test).
const folder = mkdtempSync(join(tmpdir(), 'cors-lens-bench-e2e-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the bench in Chromium', () => {
  it('times JSON.parse and the bundled engine in a fresh renderer', async () => {
    const engine = await buildEngineBundle(folder);
    const file = join(folder, 'capture.har');
    writeFileSync(file, JSON.stringify(syntheticHar(500, 6)));
    const [runs] = await engineInChromium(engine, [file], 2);
    expect(runs).toHaveLength(2);
    for (const run of runs ?? []) {
      expect(run.parseMs).toBeGreaterThan(0);
      expect(run.engineMs).toBeGreaterThan(0);
      expect(run.warmEngineMs).toBeGreaterThan(0);
    }
  });
});
