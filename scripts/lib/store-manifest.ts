// What a store (and `npm run package`) demands of the built extension's manifest, as one list of problems:
// Manifest V3, a version Chrome accepts, no permissions or host access, icons that are PNGs of their size, and
// every file the manifest names — and every script or style those pages load — present in the package.
// For addons.mozilla.org (target 'firefox') also: the gecko id, a minimum Firefox version that understands the
// data collection declaration, that declaration (no data collected), no Chrome-only keys, and a background (if
// any) as background.scripts; the Chrome package must carry none of the Firefox keys.
import { CHROME_ONLY_KEYS, FIREFOX_MIN_VERSION, GECKO_ID } from './firefox-manifest';

/** A package's files by path (forward slashes, no leading slash). */
export type PackageFiles = ReadonlyMap<string, Uint8Array>;

const ICON_SIZES = ['16', '32', '48', '128'] as const;
/** Chrome's version format: one to four dot-separated integers of 0–65535, without leading zeros. */
const CHROME_VERSION = /^(0|[1-9]\d{0,4})(\.(0|[1-9]\d{0,4})){0,3}$/;
const DESCRIPTION_MAX = 132;

interface Manifest {
  manifest_version?: unknown;
  name?: unknown;
  version?: unknown;
  description?: unknown;
  permissions?: unknown;
  optional_permissions?: unknown;
  host_permissions?: unknown;
  optional_host_permissions?: unknown;
  content_scripts?: unknown;
  devtools_page?: unknown;
  icons?: Record<string, unknown>;
  background?: { service_worker?: unknown; scripts?: unknown };
  browser_specific_settings?: { gecko?: { id?: unknown; strict_min_version?: unknown; data_collection_permissions?: { required?: unknown } } };
}

/** Which store the package is for. */
export type StoreTarget = 'chrome' | 'firefox';

export function storeManifestProblems(files: PackageFiles, expectedVersion: string, target: StoreTarget = 'chrome'): string[] {
  const problems: string[] = [];
  const bytes = files.get('manifest.json');
  if (bytes === undefined) return ['manifest.json is not at the root of the package'];
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
  } catch (error) {
    return [`manifest.json is not JSON: ${(error as Error).message}`];
  }
  if (manifest.manifest_version !== 3) problems.push(`manifest_version is ${String(manifest.manifest_version)}, not 3`);
  if (typeof manifest.name !== 'string' || manifest.name === '') problems.push('no name');
  if (typeof manifest.version !== 'string' || !CHROME_VERSION.test(manifest.version)) problems.push(`version ${JSON.stringify(manifest.version)} is not a Chrome version`);
  else if (manifest.version !== expectedVersion) problems.push(`version ${manifest.version} is not package.json's ${expectedVersion}`);
  if (typeof manifest.description !== 'string' || manifest.description.length > DESCRIPTION_MAX) problems.push(`description missing or over ${DESCRIPTION_MAX} characters`);
  for (const key of ['permissions', 'optional_permissions'] as const) {
    if (manifest[key] !== undefined && !(Array.isArray(manifest[key]) && manifest[key].length === 0)) problems.push(`${key} is not empty: ${JSON.stringify(manifest[key])}`);
  }
  for (const key of ['host_permissions', 'optional_host_permissions', 'content_scripts'] as const) {
    if (manifest[key] !== undefined) problems.push(`${key} is present: the extension reads only what DevTools recorded`);
  }
  for (const size of ICON_SIZES) {
    const path = manifest.icons?.[size];
    if (typeof path !== 'string') problems.push(`no ${size}px icon`);
    else problems.push(...iconProblems(files, path, Number(size)));
  }
  problems.push(...(target === 'firefox' ? firefoxProblems(manifest) : chromeProblems(manifest)));
  const backgroundScripts = Array.isArray(manifest.background?.scripts) ? (manifest.background.scripts as unknown[]) : [];
  const pages = [manifest.devtools_page, manifest.background?.service_worker, ...backgroundScripts].filter((path): path is string => typeof path === 'string');
  if (typeof manifest.devtools_page !== 'string') problems.push('no devtools_page');
  for (const page of pages) problems.push(...missingFile(files, page, 'manifest.json'));
  for (const page of [...files.keys()].filter((path) => path.endsWith('.html'))) {
    for (const reference of pageReferences(new TextDecoder().decode(files.get(page)))) problems.push(...missingFile(files, resolveReference(page, reference), page));
  }
  return problems;
}

function chromeProblems(manifest: Manifest): string[] {
  return manifest.browser_specific_settings === undefined ? [] : ['browser_specific_settings is present: it belongs to the Firefox package only'];
}

function firefoxProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  const gecko = manifest.browser_specific_settings?.gecko;
  if (gecko?.id !== GECKO_ID) problems.push(`browser_specific_settings.gecko.id is ${JSON.stringify(gecko?.id)}, not ${GECKO_ID}`);
  const minimum = typeof gecko?.strict_min_version === 'string' ? Number.parseInt(gecko.strict_min_version, 10) : Number.NaN;
  if (!(minimum >= Number.parseInt(FIREFOX_MIN_VERSION, 10))) {
    problems.push(`browser_specific_settings.gecko.strict_min_version ${JSON.stringify(gecko?.strict_min_version)} is not ${FIREFOX_MIN_VERSION} or later (data_collection_permissions needs it)`);
  }
  const required = gecko?.data_collection_permissions?.required;
  if (!(Array.isArray(required) && required.length === 1 && required[0] === 'none')) {
    problems.push(`browser_specific_settings.gecko.data_collection_permissions.required is ${JSON.stringify(required)}, not ["none"]`);
  }
  for (const key of CHROME_ONLY_KEYS) if (key in manifest) problems.push(`${key} is present: a Chrome-only key`);
  if (manifest.background?.service_worker !== undefined) problems.push('background.service_worker is present: Firefox needs background.scripts');
  return problems;
}

function iconProblems(files: PackageFiles, path: string, size: number): string[] {
  const png = files.get(normalized(path));
  if (png === undefined) return [`icon ${path} is not in the package`];
  const isPng = png.length > 24 && png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (!isPng) return [`icon ${path} is not a PNG`];
  if (view.getUint32(16) !== size || view.getUint32(20) !== size) return [`icon ${path} is not ${size}×${size}`];
  return [];
}

function missingFile(files: PackageFiles, path: string, namedBy: string): string[] {
  return files.has(normalized(path)) ? [] : [`${path} (named by ${namedBy}) is not in the package`];
}

/** Local scripts and styles an extension page loads (remote ones are forbidden by the CSP anyway). */
function pageReferences(html: string): string[] {
  const references: string[] = [];
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)) {
    const reference = match[1] ?? '';
    if (!/^[a-z][a-z0-9+.-]*:/i.test(reference)) references.push(reference);
  }
  return references;
}

function resolveReference(page: string, reference: string): string {
  return new URL(reference, `chrome-extension://package/${page}`).pathname.slice(1);
}

const normalized = (path: string) => path.replace(/^\.?\//, '');
