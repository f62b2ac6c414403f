import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { crx } from '@crxjs/vite-plugin';
import manifest from './manifest.json' with { type: 'json' };

// The panel page is named only in chrome.devtools.panels.create(), which crxjs does not follow,
// so it is listed as an extra build input (object form keeps its path under dist/src/panel/).
export default defineConfig({
  plugins: [preact(), crx({ manifest })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      input: { panel: 'src/panel/panel.html' },
    },
  },
  server: { port: 5173, strictPort: true, hmr: { port: 5173 } },
});
