// `npm run package` as a store (and a user loading the zip) meets it: the zip holds exactly the built extension,
// its manifest passes the store checks, and unpacked into a new folder it loads in real Chromium with its panel.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openCorsPanel, waitFor, type ChromiumSession, type CorsPanel } from '../../scripts/lib/chromium';
import { diagnose } from '../../src/engine/index';
import { storeManifestProblems } from '../../scripts/lib/store-manifest';
import { chromeZipPath, filesUnder, packageVersion } from '../../scripts/package-extension';

const root = resolve(import.meta.dirname, '../..');
let unpacked: string;
let zipped: Map<string, Uint8Array>;
let chromium: ChromiumSession | undefined;
let panel: CorsPanel | undefined;

beforeAll(() => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/package-extension.ts'], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  zipped = new Map(Object.entries(unzipSync(readFileSync(chromeZipPath()))));
  unpacked = mkdtempSync(join(tmpdir(), 'cors-lens-zip-'));
  for (const [path, bytes] of zipped) {
    mkdirSync(dirname(join(unpacked, path)), { recursive: true });
    writeFileSync(join(unpacked, path), bytes);
  }
});

afterAll(async () => {
  await chromium?.close();
  rmSync(unpacked, { recursive: true, force: true });
});

describe('npm run package (the Chrome Web Store zip)', () => {
  it('is named after package.json\'s version and holds exactly dist/, manifest at its root', () => {
    const version = packageVersion();
    expect(chromeZipPath()).toBe(join(root, `cors-lens-${version}-chrome.zip`));
    const built = filesUnder(join(root, 'dist'));
    expect([...zipped.keys()].sort()).toEqual([...built.keys()].sort());
    for (const [path, bytes] of built) expect(Buffer.compare(Buffer.from(zipped.get(path) ?? []), Buffer.from(bytes)), path).toBe(0);
    expect(zipped.has('manifest.json')).toBe(true);
  });

  it('has a manifest a store accepts: MV3, no permissions or host access, icons, every named file present', () => {
    expect(storeManifestProblems(zipped, packageVersion())).toEqual([]);
    const manifest = JSON.parse(new TextDecoder().decode(zipped.get('manifest.json'))) as { version: string };
    expect(manifest.version).toBe(packageVersion());
  });

  it('loads unpacked from the zip in Chromium, and DevTools shows its CORS panel', async () => {
    chromium = await launchChromium({ extensionDir: unpacked });
    panel = await openCorsPanel(chromium);
    expect(await panel.evaluate<string>('chrome.runtime.getManifest().version')).toBe(packageVersion());
    expect(await panel.evaluate<string>('location.href')).toMatch(/^chrome-extension:\/\/[a-p]{32}\/src\/panel\/panel\.html$/);
    expect(await panel.evaluate<boolean>('document.querySelector(".app") !== null')).toBe(true);
    // The panel knows it runs in Chromium (src/platform/host-browser.ts; the Firefox test sees 'firefox').
    expect(await panel.evaluate<string>('globalThis.__corsLens.browser()')).toBe('chromium');
  });

  it('opens an imported capture on its Problems view, one row per cause, in real Chromium', async () => {
    const opened = panel;
    if (opened === undefined) throw new Error('the previous test opens the panel');
    const sample = join(root, 'test/fixtures/har-samples/webpagetest-nytimes-failed-preflight.har');
    const expected = diagnose(readFileSync(sample, 'utf8'));
    if (!expected.ok) throw new Error(expected.error.message);
    await opened.importHar(sample, { view: 'as-opened' });
    const titles = await waitFor('the Problems view', async () => {
      const found = await opened.evaluate<string[]>('[...document.querySelectorAll(".problem-title")].map((node) => node.textContent)');
      return found.length > 0 ? found : undefined;
    });
    expect(titles).toEqual(expected.report.problems.map((problem) => problem.title));
    expect(await opened.evaluate<string | null>('document.getElementById("tab-problems")?.getAttribute("aria-selected") ?? null')).toBe('true');
    // Each server's one configuration sits above the problems.
    const servers = await opened.evaluate<string[]>('[...document.querySelectorAll(".server-fix")].map((node) => node.getAttribute("data-server"))');
    expect(servers).toEqual(expected.report.servers.map((fix) => fix.server));
  });
});
