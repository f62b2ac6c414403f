// The command line as the user waits for it: whole `cors-lens` processes, started the way an installed package
// starts them (node bin/cors-lens.mjs → dist-cli/), timed from spawn to exit. Medians of fresh processes.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
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

/**
 * Wall time (ms), peak memory (bytes) and CPU time (user + system, all threads, ms) of one process; throws when it
 * exits with a code other than `expectedCodes`. Memory and CPU are known when the process reports them (cli-child.mjs).
 */
function measured(args: readonly string[], expectedCodes: readonly number[]): { ms: number; maxRssBytes: number; cpuMs: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - started;
  if (!expectedCodes.includes(result.status ?? -1)) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const last = result.stderr.trimEnd().split('\n').pop() ?? '';
  const usage = last.startsWith('{"maxRssBytes"') ? (JSON.parse(last) as { maxRssBytes: number; cpuMs: number }) : { maxRssBytes: Number.NaN, cpuMs: Number.NaN };
  return { ms, ...usage };
}

/** Appended to a `node -e` script: reports its usage at exit as cli-child.mjs does. */
const REPORT_USAGE = `process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\n' + JSON.stringify({ maxRssBytes: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }) + '\\n'); });`;

const timed = (args: readonly string[], expectedCodes: readonly number[]): number => measured(args, expectedCodes).ms;

/** Builds the CLI as `npm run build` does, into `folder` laid out like the package, and times its start. */
export async function cliFigures(folder: string, startBudgetMs: number): Promise<CliLine[]> {
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
  return lines;
}

/**
 * Each format of `cors-lens diagnose` on each capture, against a bare Node process that only reads and parses
 * the same file (the floor of any tool that reads it): ≤ 1.5× its time and ≤ 3× the file's size in peak memory.
 * Each run is paired with a bare run just before it and judged by the median of the pairs' ratios: on a shared
 * machine the load drifts within seconds, and a bare figure taken once before every format made ratios of 0.4×
 * and 28× in one bench.
 */
export function cliFormatFigures(folder: string, captures: readonly string[], budget: { ratio: number; memoryFactor: number }): CliLine[] {
  const packageRoot = join(folder, 'cli-package');
  const bin = join(packageRoot, 'bin/cors-lens.mjs');
  const child = join(root, 'bench/cli-child.mjs');
  const lines: CliLine[] = [{ text: `\nThe command line per format (whole processes; ${DIAGNOSES} runs each, each paired with a bare \`node -e "JSON.parse(fs.readFileSync(f, 'utf8'))"\` on the same file just before it; medians of the pairs' ratios)`, ok: null }];
  for (const capture of captures) {
    const fileSize = statSync(capture).size;
    const bareRun = () => measured(['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(capture)}, 'utf8')); ${REPORT_USAGE}`], [0]);
    /** `run` DIAGNOSES times, each after a bare run: the medians of its figures and of its ratios to the bare run's. */
    const paired = (run: () => ReturnType<typeof measured>) => {
      const pairs = Array.from({ length: DIAGNOSES }, () => ({ bare: bareRun(), run: run() }));
      return {
        ms: median(pairs.map((pair) => pair.run.ms)),
        timeRatio: median(pairs.map((pair) => pair.run.ms / pair.bare.ms)),
        cpuMs: median(pairs.map((pair) => pair.run.cpuMs)),
        cpuRatio: median(pairs.map((pair) => pair.run.cpuMs / pair.bare.cpuMs)),
        maxRssBytes: median(pairs.map((pair) => pair.run.maxRssBytes)),
        bare: pairs.map((pair) => pair.bare),
      };
    };
    const bareRuns = Array.from({ length: DIAGNOSES }, bareRun);
    const bare = median(bareRuns.map((run) => run.ms));
    const bareCpu = median(bareRuns.map((run) => run.cpuMs));
    lines.push({ text: `  ${basename(capture)} (${(fileSize / 1024 / 1024).toFixed(0)} MB): bare read + parse ${bare.toFixed(0)} ms (CPU ${bareCpu.toFixed(0)} ms), peak memory ${(median(bareRuns.map((run) => run.maxRssBytes)) / fileSize).toFixed(2)}× the file`, ok: null });
    // What a report that embeds the capture costs at the least, whatever it diagnoses: the JSON report carries the
    // redacted HAR, so it reads, parses and writes the whole capture again. Reported beside the JSON's figure.
    const roundTripScript = `require('fs').writeFileSync(${JSON.stringify(join(folder, 'round-trip.json'))}, JSON.stringify(JSON.parse(require('fs').readFileSync(${JSON.stringify(capture)}, 'utf8')))); ${REPORT_USAGE}`;
    const roundTrip = paired(() => measured(['-e', roundTripScript], [0]));
    lines.push({ text: `    read + parse + write the capture back as JSON (no diagnosis): ${roundTrip.ms.toFixed(0)} ms = ${roundTrip.timeRatio.toFixed(2)}× (reported: the least a report embedding the capture costs)`, ok: null });
    for (const format of ['text', 'json', 'md', 'html']) {
      const runs = paired(() => measured([child, bin, 'diagnose', capture, '--format', format, '--out', join(folder, `out.${format}`)], [0, 1]));
      const rss = runs.maxRssBytes;
      const size = statSync(join(folder, `out.${format}`)).size;
      const pairedBare = median(runs.bare.map((run) => run.ms));
      // CPU time (user + system) is reported beside the wall time: on a shared, loaded machine it varies far less.
      lines.push({ text: `    --format ${format.padEnd(4)} ${runs.ms.toFixed(0)} ms (its bare runs ${pairedBare.toFixed(0)} ms) = ${runs.timeRatio.toFixed(2)}× (≤ ${budget.ratio}×); CPU ${runs.cpuMs.toFixed(0)} ms = ${runs.cpuRatio.toFixed(2)}×`, ok: runs.timeRatio <= budget.ratio });
      lines.push({ text: `                  peak memory ${(rss / 1024 / 1024).toFixed(0)} MB = ${(rss / fileSize).toFixed(2)}× the file (≤ ${budget.memoryFactor}×); output ${(size / 1024).toFixed(0)} KB = ${(size / fileSize).toFixed(3)}× the file`, ok: rss <= budget.memoryFactor * fileSize });
    }
  }
  return lines;
}
