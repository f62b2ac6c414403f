// `npm start`: build the extension, start the demo site and APIs, and open Chromium with the extension
// loaded and DevTools showing the CORS panel on the demo page. `npm start -- --headless` prints the
// panel's rows and exits (for machines without a display, and as a smoke test).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startDemo, type DemoServers } from './demo/server';
import { delay, inspectedPage, launchChromium, openCorsPanel, waitFor, type ChromiumSession, type CorsPanel, type PanelRow } from './lib/chromium';

const args = new Set(process.argv.slice(2));
const headless = args.has('--headless') || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
const root = resolve(import.meta.dirname, '..');

async function main(): Promise<number> {
  if (!args.has('--no-build')) build();
  const demo = await startDemo();
  let chromium: ChromiumSession | undefined;
  const stop = async () => {
    await chromium?.close();
    await demo.close();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    if (!args.has('--headless') && headless) console.log('No display found: running headless.');
    chromium = await launchChromium({ headless });
    const panel = await openCorsPanel(chromium);
    // The panel is registered before the page loads, so it sees every request from the first one.
    const page = await inspectedPage(chromium);
    await page.goto(demo.pageUrl);
    console.log(`Demo page: ${demo.pageUrl} (APIs: ${demo.primaryApiOrigin}, ${demo.secondaryApiOrigin})`);
    if (!headless) {
      console.log('Chromium is open with DevTools on the CORS tab. Press Ctrl-C to stop everything.');
      await new Promise<void>((done) => chromium?.browser.once('disconnected', () => done()));
      return 0;
    }
    await page.waitForFunction(() => document.body.dataset.done === '1', { timeout: 30_000 });
    await delay(1_000);
    const rows = await panel.waitForRows((current) => current.length > 0);
    printRows(rows, demo);
    await printWhy(panel, rows);
    return 0;
  } finally {
    await stop();
  }
}

function build(): void {
  console.log('Building the extension (vite build)…');
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('vite build failed');
}

function printRows(rows: PanelRow[], demo: DemoServers): void {
  console.log(`\nThe CORS panel lists ${rows.length} exchanges:`);
  for (const row of rows) {
    const status = row.status === 0 ? '(failed)' : String(row.status);
    const error = row.corsError ? `  ${row.corsError}` : '';
    console.log(`  ${row.verdict.padEnd(8)} ${row.method.padEnd(7)} ${status.padEnd(8)} ${row.kind.padEnd(12)} ${row.url}${error}`);
  }
  const blocked = rows.filter((row) => row.verdict === 'blocked').length;
  console.log(`\n${blocked} blocked. The API servers received ${demo.received().length} requests, blocked ones included: CORS is enforced by the browser, not the server.`);
}

/** For each blocked exchange, the panel's own one-sentence summary: what a user reads first. */
async function printWhy(panel: CorsPanel, rows: PanelRow[]): Promise<void> {
  const blocked = rows.filter((row) => row.verdict === 'blocked');
  if (blocked.length === 0) return;
  console.log('\nWhy, in the panel\'s words:');
  for (const row of blocked) {
    await panel.evaluate(`document.querySelector('[data-exchange=${JSON.stringify(row.id)}]').click()`);
    const summary = await waitFor('the summary', async () => {
      const text = await panel.evaluate<string>(`document.querySelector('[data-detail=${JSON.stringify(row.id)}] [data-summary]')?.textContent ?? ''`);
      return text || undefined;
    });
    console.log(`  ${row.method} ${new URL(row.url).pathname}: ${summary}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
