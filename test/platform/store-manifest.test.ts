import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { storeManifestProblems, type PackageFiles } from '../../scripts/lib/store-manifest';

const icon = (size: number) => readFileSync(`assets/icon-${size}.png`);
const text = (value: string) => new TextEncoder().encode(value);

function pack(manifest: Record<string, unknown>, extra: Record<string, string> = {}): PackageFiles {
  const files = new Map<string, Uint8Array>([
    ['manifest.json', text(JSON.stringify(manifest))],
    ['src/devtools/devtools.html', text('<script type="module" src="/assets/devtools.js"></script>')],
    ['assets/devtools.js', text('')],
    ...[16, 32, 48, 128].map((size) => [`assets/icon-${size}.png`, icon(size)] as [string, Uint8Array]),
  ]);
  for (const [path, value] of Object.entries(extra)) files.set(path, text(value));
  return files;
}

const good = {
  manifest_version: 3,
  name: 'CORS Lens',
  version: '1.2.3',
  description: 'Explains CORS.',
  devtools_page: 'src/devtools/devtools.html',
  icons: { 16: 'assets/icon-16.png', 32: 'assets/icon-32.png', 48: 'assets/icon-48.png', 128: 'assets/icon-128.png' },
  permissions: [],
};

describe('the store checks on a packaged manifest', () => {
  it('pass a complete MV3 package', () => {
    expect(storeManifestProblems(pack(good), '1.2.3')).toEqual([]);
  });

  it('name each thing a store would reject', () => {
    const problems = (manifest: Record<string, unknown>, version = '1.2.3', extra = {}) => storeManifestProblems(pack(manifest, extra), version);
    expect(problems({ ...good, manifest_version: 2 })).toEqual(['manifest_version is 2, not 3']);
    expect(problems(good, '1.2.4')).toEqual(['version 1.2.3 is not package.json\'s 1.2.4']);
    expect(problems({ ...good, version: '1.2.3-beta' }, '1.2.3-beta')).toEqual(['version "1.2.3-beta" is not a Chrome version']);
    expect(problems({ ...good, host_permissions: ['<all_urls>'] })).toEqual([expect.stringMatching(/^host_permissions is present/)]);
    expect(problems({ ...good, permissions: ['debugger'] })).toEqual(['permissions is not empty: ["debugger"]']);
    expect(problems({ ...good, icons: { ...good.icons, 48: 'assets/icon-32.png' } })).toEqual(['icon assets/icon-32.png is not 48×48']);
    expect(problems({ ...good, icons: { ...good.icons, 128: 'assets/missing.png' } })).toEqual(['icon assets/missing.png is not in the package']);
    expect(problems({ ...good, devtools_page: 'src/other.html' })).toEqual(['src/other.html (named by manifest.json) is not in the package']);
    expect(problems(good, '1.2.3', { 'src/panel/panel.html': '<link rel="stylesheet" href="/assets/gone.css"><script src="https://cdn.example/x.js"></script>' }))
      .toEqual(['assets/gone.css (named by src/panel/panel.html) is not in the package']);
  });

  it('need the manifest at the package root', () => {
    const files = new Map(pack(good));
    files.set('dist/manifest.json', files.get('manifest.json') as Uint8Array);
    files.delete('manifest.json');
    expect(storeManifestProblems(files, '1.2.3')).toEqual(['manifest.json is not at the root of the package']);
  });
});
