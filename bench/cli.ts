// The command line as the user waits for it: whole `cors-lens` processes, started the way an installed package
// starts them (node bin/cors-lens.mjs → dist-cli/), timed from spawn to exit. Medians of fresh processes.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
const STARTS = 15;
const DIAGNOSES = 5;

export interface CliLine {
  text: string;
  /** null: reported, not judged. */
  ok: boolean | null;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Wall time of one process, in ms; throws when it exits with a code other than `expectedCodes`. */
function timed(args: readonly string[], expectedCodes: readonly number[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - started;
  if (!expectedCodes.includes(result.status ?? -1)) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/** Builds the CLI as `npm run build` does, into `folder` laid out like the package, and times it. */
export async function cliFigures(folder: string, capture: string, startBudgetMs: number): Promise<CliLine[]> {
  const packageRoot = join(folder, 'cli-package');
  mkdirSync(join(packageRoot, 'bin'), { recursive: true });
  cpSync(join(root, 'bin/cors-lens.mjs'), join(packageRoot, 'bin/cors-lens.mjs'));
  await build({ configFile: join(root, 'vite.cli.config.ts'), root, logLevel: 'silent', build: { outDir: join(packageRoot, 'dist-cli') } });
  const bin = join(packageRoot, 'bin/cors-lens.mjs');
  const lines: CliLine[] = [{ text: `\nThe command line as installed (node bin/cors-lens.mjs → dist-cli/cors-lens.mjs; whole processes, spawn to exit)`, ok: null }];
  const bare = median(Array.from({ length: STARTS }, () => timed(['-e', '0'], [0])));
  lines.push({ text: `  node alone (node -e 0): ${bare.toFixed(0)} ms (reported: the floor of any Node command)`, ok: null });
  for (const flag of ['--version', '--help']) {
    const runs = Array.from({ length: STARTS }, () => timed([bin, flag], [0]));
    const ms = median(runs);
    lines.push({ text: `  cors-lens ${flag}: ${ms.toFixed(0)} ms (median of ${STARTS}; ${Math.min(...runs).toFixed(0)}–${Math.max(...runs).toFixed(0)} ms): ≤ ${startBudgetMs} ms`, ok: ms <= startBudgetMs });
  }
  for (const format of ['text', 'json', 'md', 'html']) {
    const ms = median(Array.from({ length: DIAGNOSES }, () => timed([bin, 'diagnose', capture, '--format', format], [0, 1])));
    lines.push({ text: `  cors-lens diagnose (10k entries) --format ${format}: ${ms.toFixed(0)} ms (median of ${DIAGNOSES}; reported)`, ok: null });
  }
  return lines;
}
