#!/usr/bin/env node
// The `cors-lens` command: runs the CLI as `npm run build` emits it (dist-cli/, plain JavaScript for Node alone).
// From a clone that has not been built yet, it says how to build instead of failing with a module error.
const cli = new URL('../dist-cli/cors-lens.mjs', import.meta.url);
try {
  await import(cli.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist-cli')) throw error;
  process.stderr.write('cors-lens: the command is not built yet; run "npm run build" in the repository first.\n');
  process.exitCode = 2;
}
