// The engine in Chromium's V8, the runtime the panel and its worker use: the same bundle and files as the Node
// figures, timed in a fresh renderer per run (a new browser context), without the extension or DevTools.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium } from '../scripts/lib/chromium';

export interface EngineRun {
  parseMs: number;
  engineMs: number;
  warmEngineMs: number;
}

/** Times JSON.parse and diagnose (first run, then again) on each file, `rounds` fresh renderers per file. */
export async function engineInChromium(engine: string, files: readonly string[], rounds: number): Promise<EngineRun[][]> {
  const served = new Map<string, string>([['/engine.mjs', engine], ...files.map((file, index): [string, string] => [`/capture-${index}.har`, file])]);
  const server = createServer((request, response) => {
    const file = served.get(request.url ?? '');
    if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>engine</title>');
    } else if (file === undefined) {
      response.writeHead(404).end();
    } else {
      response.writeHead(200, { 'content-type': file.endsWith('.mjs') ? 'text/javascript' : 'application/json', 'content-length': statSync(file).size });
      createReadStream(file).pipe(response);
    }
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const session = await launchChromium({ withExtension: false });
  try {
    const results: EngineRun[][] = [];
    for (let index = 0; index < files.length; index++) {
      const runs: EngineRun[] = [];
      for (let round = 0; round < rounds; round++) {
        const context = await session.browser.createBrowserContext();
        try {
          const page = await context.newPage();
          page.setDefaultTimeout(600_000);
          await page.goto(`${origin}/`);
          // A string, not a function: a bundler or test runner must not rewrite the page-side import().
          runs.push((await page.evaluate(`(async () => {
            const text = await (await fetch('/capture-${index}.har')).text();
            const engineModule = await import('/engine.mjs');
            let started = performance.now();
            const parsed = JSON.parse(text);
            const parseMs = performance.now() - started;
            started = performance.now();
            if (!engineModule.diagnose(parsed, { sourceKind: 'file' }).ok) throw new Error('not diagnosed');
            const engineMs = performance.now() - started;
            started = performance.now();
            engineModule.diagnose(parsed, { sourceKind: 'file' });
            return { parseMs, engineMs, warmEngineMs: performance.now() - started };
          })()`)) as EngineRun);
        } finally {
          await context.close();
        }
      }
      results.push(runs);
    }
    return results;
  } finally {
    await session.close();
    server.close();
  }
}
