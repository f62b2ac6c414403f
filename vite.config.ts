import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import manifestSource from './manifest.json' with { type: 'json' };
import packageJson from './package.json' with { type: 'json' };
import { firefoxManifest } from './scripts/lib/firefox-manifest.ts';

// package.json is the one place the version is written; manifest.json leaves it out.
const manifest = { ...manifestSource, version: packageJson.version };

const DEV_SERVER_PORT = 5173;

/**
 * `npm run dev` serves extension pages through crxjs's service worker, which fetches them from the Vite dev
 * server and lets the Vite client inject styles: only that build loosens the policy, for localhost only.
 * The shipped build keeps manifest.json's policy untouched.
 */
function devManifest(): ManifestV3Export {
  const devServer = `http://localhost:${DEV_SERVER_PORT} ws://localhost:${DEV_SERVER_PORT}`;
  return {
    ...manifest,
    content_security_policy: {
      extension_pages: manifest.content_security_policy.extension_pages
        .replace("connect-src 'self'", `connect-src 'self' ${devServer}`)
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
    },
  } as ManifestV3Export;
}

/**
 * The Firefox edition: once dist/ is written, the same files in dist-firefox/ with the manifest overlaid
 * (scripts/lib/firefox-manifest.ts). dist/ itself, the Chrome package, is left exactly as built.
 */
function firefoxEdition(): Plugin {
  let outDir = '';
  return {
    name: 'cors-lens:firefox-edition',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        const firefoxDir = `${outDir}-firefox`;
        rmSync(firefoxDir, { recursive: true, force: true });
        cpSync(outDir, firefoxDir, { recursive: true });
        const built = JSON.parse(readFileSync(resolve(outDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
        writeFileSync(resolve(firefoxDir, 'manifest.json'), `${JSON.stringify(firefoxManifest(built), null, 2)}\n`);
      },
    },
  };
}

// The panel page is named only in chrome.devtools.panels.create(), which crxjs does not follow,
// so it is listed as an extra build input (object form keeps its path under dist/src/panel/).
export default defineConfig(({ command }) => ({
  plugins: [preact(), crx({ manifest: command === 'serve' ? devManifest() : (manifest as ManifestV3Export) }), firefoxEdition()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      input: { panel: 'src/panel/panel.html' },
    },
  },
  server: { port: DEV_SERVER_PORT, strictPort: true, hmr: { port: DEV_SERVER_PORT } },
}));
