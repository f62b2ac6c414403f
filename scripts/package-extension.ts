// `npm run package`: the built extension as the zips the stores take, at the repository root, manifest at each
// zip's root, nothing but the built files — cors-lens-<version>-chrome.zip from dist/ (Chrome Web Store) and
// cors-lens-<version>-firefox.zip from dist-firefox/ (addons.mozilla.org), both from `npm run build`.
// Refuses to write a zip whose manifest its store would reject (scripts/lib/store-manifest.ts).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { storeManifestProblems, type StoreTarget } from './lib/store-manifest';

const root = resolve(import.meta.dirname, '..');

/** Every file under `folder`, keyed by its forward-slash path relative to it. */
export function filesUnder(folder: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (directory: string) => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(folder, path).split(sep).join('/'), readFileSync(path));
    }
  };
  walk(folder);
  return files;
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

export function chromeZipPath(version = packageVersion()): string {
  return join(root, `cors-lens-${version}-chrome.zip`);
}

export function firefoxZipPath(version = packageVersion()): string {
  return join(root, `cors-lens-${version}-firefox.zip`);
}

/** The built folder each store's package is made of. */
export const BUILD_DIR: Record<StoreTarget, string> = { chrome: join(root, 'dist'), firefox: join(root, 'dist-firefox') };

function main(): void {
  const version = packageVersion();
  const built = (['chrome', 'firefox'] as const).map((target) => ({ target, files: filesUnder(BUILD_DIR[target]) }));
  // Both or neither: a release ships the same version to both stores.
  let refused = false;
  for (const { target, files } of built) {
    const problems = storeManifestProblems(files, version, target);
    if (problems.length === 0) continue;
    refused = true;
    console.error(`Not packaged: ${relative(root, BUILD_DIR[target])}/ is not store-ready:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
  if (refused) process.exit(1);
  for (const { target, files } of built) writeZip(files, target === 'chrome' ? chromeZipPath(version) : firefoxZipPath(version));
}

function writeZip(files: Map<string, Uint8Array>, out: string): void {
  // A fixed date makes the same build give the same bytes.
  const entries: Zippable = {};
  for (const [path, bytes] of files) entries[path] = [bytes, { mtime: new Date('2026-01-01T00:00:00Z'), level: 9 }];
  const zip = zipSync(entries);
  writeFileSync(out, zip);
  console.log(`${relative(root, out)}: ${files.size} files, ${(zip.length / 1024).toFixed(0)} KB`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
