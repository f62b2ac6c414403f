// `npm run package`'s Firefox zip as addons.mozilla.org meets it: the same files as the Chrome package but the
// manifest (the overlay of scripts/lib/firefox-manifest.ts), store checks passed, and Mozilla's own linter
// (`web-ext lint`, the addons-linter AMO runs on upload) finding no error. The one warning it has is Preact's:
// its renderer assigns innerHTML for `dangerouslySetInnerHTML`, which nothing here uses; the test pins it, so any
// other warning (or a second innerHTML) fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firefoxManifest } from '../../scripts/lib/firefox-manifest';
import { storeManifestProblems } from '../../scripts/lib/store-manifest';
import { BUILD_DIR, chromeZipPath, filesUnder, firefoxZipPath, packageVersion } from '../../scripts/package-extension';

const root = resolve(import.meta.dirname, '../..');
let zipped: Map<string, Uint8Array>;
let unpacked: string;

interface LintMessage {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}
interface LintReport {
  summary: { errors: number; notices: number; warnings: number };
  errors: LintMessage[];
  warnings: LintMessage[];
  notices: LintMessage[];
}

beforeAll(() => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/package-extension.ts'], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toMatch(/cors-lens-[\d.]+-chrome\.zip: \d+ files/);
  expect(result.stdout).toMatch(/cors-lens-[\d.]+-firefox\.zip: \d+ files/);
  zipped = new Map(Object.entries(unzipSync(readFileSync(firefoxZipPath()))));
  unpacked = mkdtempSync(join(tmpdir(), 'cors-lens-firefox-zip-'));
  for (const [path, bytes] of zipped) {
    mkdirSync(dirname(join(unpacked, path)), { recursive: true });
    writeFileSync(join(unpacked, path), bytes);
  }
});

afterAll(() => {
  rmSync(unpacked, { recursive: true, force: true });
});

const json = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;

describe('npm run package (the addons.mozilla.org zip)', () => {
  it('is named after package.json\'s version and holds exactly dist-firefox/, which is dist/ but the manifest', () => {
    expect(firefoxZipPath()).toBe(join(root, `cors-lens-${packageVersion()}-firefox.zip`));
    const firefox = filesUnder(BUILD_DIR.firefox);
    const chrome = filesUnder(BUILD_DIR.chrome);
    expect([...zipped.keys()].sort()).toEqual([...firefox.keys()].sort());
    expect([...firefox.keys()].sort()).toEqual([...chrome.keys()].sort());
    for (const [path, bytes] of firefox) {
      expect(Buffer.compare(Buffer.from(zipped.get(path) ?? []), Buffer.from(bytes)), path).toBe(0);
      if (path !== 'manifest.json') expect(Buffer.compare(Buffer.from(chrome.get(path) ?? []), Buffer.from(bytes)), path).toBe(0);
    }
    expect(json(zipped.get('manifest.json'))).toEqual(firefoxManifest(json(chrome.get('manifest.json'))));
  });

  it('has a manifest addons.mozilla.org accepts, and the Chrome zip keeps none of its keys', () => {
    expect(storeManifestProblems(zipped, packageVersion(), 'firefox')).toEqual([]);
    const manifest = json(zipped.get('manifest.json'));
    expect(manifest.version).toBe(packageVersion());
    expect(manifest).not.toHaveProperty('minimum_chrome_version');
    const chromeZip = new Map(Object.entries(unzipSync(readFileSync(chromeZipPath()))));
    expect(storeManifestProblems(chromeZip, packageVersion(), 'chrome')).toEqual([]);
    expect(storeManifestProblems(chromeZip, packageVersion(), 'firefox').length).toBeGreaterThan(0);
  });

  it('passes web-ext lint with no error; the one warning is Preact\'s innerHTML for dangerouslySetInnerHTML', () => {
    const webExt = join(root, 'node_modules/web-ext/bin/web-ext.js');
    const result = spawnSync(process.execPath, [webExt, 'lint', '--source-dir', unpacked, '--output', 'json', '--no-config-discovery'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_UPDATE_NOTIFIER: '1' },
    });
    const report = JSON.parse(result.stdout) as LintReport;
    expect(report.errors).toEqual([]);
    expect(report.notices).toEqual([]);
    expect(report.summary).toEqual({ errors: 0, notices: 0, warnings: 1 });
    expect(report.warnings.map(({ code, message, file }) => ({ code, message, file }))).toEqual([
      { code: 'UNSAFE_VAR_ASSIGNMENT', message: 'Unsafe assignment to innerHTML', file: expect.stringMatching(/^assets\/panel-[\w-]+\.js$/) },
    ]);
    // Where it points: Preact's diff (`dangerouslySetInnerHTML` → `dom.innerHTML = value.__html`).
    const [warning] = report.warnings;
    const bundle = readFileSync(join(unpacked, warning?.file ?? ''), 'utf8').split('\n')[(warning?.line ?? 1) - 1] ?? '';
    const around = bundle.slice(Math.max(0, (warning?.column ?? 0) - 400), (warning?.column ?? 0) + 100);
    expect(around).toContain('dangerouslySetInnerHTML');
    expect(around).toMatch(/\.innerHTML=\w+\.__html/);
    // And no source of ours uses it.
    const grep = spawnSync('grep', ['-rlE', 'dangerouslySetInnerHTML|(inner|outer)HTML\\s*\\+?=|insertAdjacentHTML', 'src'], { cwd: root, encoding: 'utf8' });
    expect(grep.status).toBe(1);
    expect(grep.stdout).toBe('');
  });
});
