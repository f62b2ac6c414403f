// The engine as it ships: the panel and its diagnosis worker run src/engine bundled and minified by Vite, not
// TypeScript transpiled file by file (tsx adds a module boundary per file and a __name call per function).
// The bench measures that artifact, built here with the project's Vite.
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');

/** Bundles src/engine/index.ts into `folder` and returns the path of the module. */
export async function buildEngineBundle(folder: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: {
      outDir: folder,
      emptyOutDir: false,
      minify: true,
      sourcemap: false,
      lib: { entry: join(root, 'src/engine/index.ts'), formats: ['es'], fileName: () => 'cors-lens-engine.mjs' },
    },
  });
  return join(folder, 'cors-lens-engine.mjs');
}
