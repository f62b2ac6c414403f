// Global setup of the unit project: the CLI tests run the command as it installs (dist-cli/, built from the
// sources under test), so `npm run test:unit` and a fresh clone test the current code, not a stale build.
import { resolve } from 'node:path';
import { build } from 'vite';

export default async function buildCli(): Promise<void> {
  const root = resolve(import.meta.dirname, '../..');
  await build({ configFile: resolve(root, 'vite.cli.config.ts'), root, logLevel: 'warn' });
}
