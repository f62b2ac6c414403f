// `npm run package`: the built extension (dist/, from `npm run build`) as the zip a store takes —
// cors-lens-<version>-chrome.zip at the repository root, manifest at the zip's root, nothing but dist/'s files.
// Refuses to write a zip whose manifest a store would reject (scripts/lib/store-manifest.ts).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { storeManifestProblems } from './lib/store-manifest';

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

function main(): void {
  const version = packageVersion();
  const files = filesUnder(join(root, 'dist'));
  const problems = storeManifestProblems(files, version);
  if (problems.length > 0) {
    console.error(`Not packaged: dist/ is not store-ready:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    process.exit(1);
  }
  // A fixed date makes the same build give the same bytes.
  const entries: Zippable = {};
  for (const [path, bytes] of files) entries[path] = [bytes, { mtime: new Date('2026-01-01T00:00:00Z'), level: 9 }];
  const zip = zipSync(entries);
  const out = chromeZipPath(version);
  writeFileSync(out, zip);
  console.log(`${relative(root, out)}: ${files.size} files, ${(zip.length / 1024).toFixed(0)} KB`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
