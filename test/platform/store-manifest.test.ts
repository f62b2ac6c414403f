import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIREFOX_MIN_VERSION, GECKO_ID, firefoxManifest } from '../../scripts/lib/firefox-manifest';
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

describe('the Firefox edition\'s manifest (dist-firefox/, the addons.mozilla.org zip)', () => {
  const built = { ...good, minimum_chrome_version: '116', content_security_policy: { extension_pages: "script-src 'self'" } };
  const firefox = firefoxManifest(built);
  const problems = (manifest: Record<string, unknown>, extra = {}) => storeManifestProblems(pack(manifest, extra), '1.2.3', 'firefox');

  it('is the built manifest with the gecko id, minimum version and no-data declaration, without Chrome-only keys', () => {
    const { minimum_chrome_version: _chromeOnly, ...rest } = built;
    expect(firefox).toEqual({
      ...rest,
      browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: FIREFOX_MIN_VERSION, data_collection_permissions: { required: ['none'] } } },
    });
    // The overlay does not touch what it is given (dist/ stays the Chrome package).
    expect(built.minimum_chrome_version).toBe('116');
    expect(problems(firefox)).toEqual([]);
  });

  it('turns a service-worker background, should one be added, into background.scripts', () => {
    const withWorker = firefoxManifest({ ...built, background: { service_worker: 'assets/bg.js', type: 'module' } });
    expect(withWorker.background).toEqual({ scripts: ['assets/bg.js'], type: 'module' });
    expect(problems(withWorker, { 'assets/bg.js': '' })).toEqual([]);
    expect(problems(withWorker)).toEqual(['assets/bg.js (named by manifest.json) is not in the package']);
  });

  it('names each thing addons.mozilla.org or Firefox would reject or warn on', () => {
    const gecko = (change: Record<string, unknown>) => ({ ...firefox, browser_specific_settings: { gecko: { ...(firefox.browser_specific_settings as { gecko: object }).gecko, ...change } } });
    expect(problems(good)).toEqual([
      `browser_specific_settings.gecko.id is undefined, not ${GECKO_ID}`,
      `browser_specific_settings.gecko.strict_min_version undefined is not ${FIREFOX_MIN_VERSION} or later (data_collection_permissions needs it)`,
      'browser_specific_settings.gecko.data_collection_permissions.required is undefined, not ["none"]',
    ]);
    expect(problems(gecko({ strict_min_version: '128.0' }))).toEqual([expect.stringMatching(/^browser_specific_settings\.gecko\.strict_min_version "128\.0" is not/)]);
    expect(problems(gecko({ strict_min_version: '153.0' }))).toEqual([]);
    expect(problems(gecko({ data_collection_permissions: { required: ['browsingActivity'] } }))).toEqual([expect.stringMatching(/required is \["browsingActivity"\]/)]);
    expect(problems({ ...firefox, minimum_chrome_version: '116' })).toEqual(['minimum_chrome_version is present: a Chrome-only key']);
    expect(problems({ ...firefox, background: { service_worker: 'assets/devtools.js' } })).toEqual(['background.service_worker is present: Firefox needs background.scripts']);
  });

  it('keeps the Firefox keys out of the Chrome package', () => {
    expect(storeManifestProblems(pack(firefox), '1.2.3', 'chrome')).toEqual(['browser_specific_settings is present: it belongs to the Firefox package only']);
  });
});
