// The Firefox edition is the same build as dist/ with its manifest overlaid (crxjs's own `browser: 'firefox'`
// option only rewrites a background and `use_dynamic_url`, neither of which the extension has). One function
// makes the overlay, for the build (vite.config.ts writes dist-firefox/) and for the checks and tests.

/** The add-on id addons.mozilla.org and Firefox know the extension by (an email-like id: never change it). */
export const GECKO_ID = 'cors-lens@cors-lens';

/**
 * The oldest Firefox the manifest declares. `data_collection_permissions` is understood from 140 on desktop and
 * 142 on Android; `web-ext lint` warns on anything older.
 */
export const FIREFOX_MIN_VERSION = '142.0';

/** Keys Firefox does not know (it warns on them) and that mean nothing there. */
export const CHROME_ONLY_KEYS = ['minimum_chrome_version', 'key', 'update_url', 'minimum_edge_version'] as const;

type JsonObject = Record<string, unknown>;

/**
 * The Firefox manifest of a built Chromium manifest: the gecko id, the minimum version and the data collection
 * declaration (none) added; Chrome-only keys removed; a service-worker background, if one is ever added, turned
 * into `background.scripts` (Firefox runs MV3 backgrounds as event pages). Everything else, the version included,
 * is the built manifest's.
 */
export function firefoxManifest(built: JsonObject): JsonObject {
  const manifest: JsonObject = { ...built };
  for (const key of CHROME_ONLY_KEYS) delete manifest[key];
  const background = manifest.background as JsonObject | undefined;
  if (background !== undefined && typeof background.service_worker === 'string') {
    const { service_worker: worker, ...rest } = background;
    manifest.background = { ...rest, scripts: [worker] };
  }
  const specific = (manifest.browser_specific_settings as JsonObject | undefined) ?? {};
  manifest.browser_specific_settings = {
    ...specific,
    gecko: {
      ...((specific.gecko as JsonObject | undefined) ?? {}),
      id: GECKO_ID,
      strict_min_version: FIREFOX_MIN_VERSION,
      data_collection_permissions: { required: ['none'] },
    },
  };
  return manifest;
}
