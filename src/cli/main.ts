// The `cors-lens` command: runs the CLI (src/cli/run.ts) on this process's arguments and streams.
import { run } from './run.js';

process.exitCode = run(
  process.argv.slice(2),
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
);
