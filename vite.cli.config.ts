import { defineConfig } from 'vite';

// The command-line tool as it installs: src/cli and the engine it imports, bundled into one plain-JavaScript
// module that Node runs alone (no TypeScript, no dependencies at run time). bin/cors-lens.mjs loads it.
export default defineConfig({
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: false,
    // Readable on purpose: a user's stack trace points at real names.
    minify: false,
    // main.ts loads the engine (run.mjs) only to diagnose, so --help and --version start fast.
    rollupOptions: { output: { entryFileNames: 'cors-lens.mjs', chunkFileNames: '[name].mjs', format: 'es' } },
  },
});
