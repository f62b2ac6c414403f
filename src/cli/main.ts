/**
 * `cors-lens diagnose FILE.har [--format text|json]` — the only place that touches the file system and
 * the process. Exit codes: 0 nothing blocked, 1 something blocked, 2 unreadable input or bad usage.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TOOL_NAME, TOOL_VERSION, diagnose, reportToJson, reportToText } from '../engine/index.js';

export const EXIT_OK = 0;
export const EXIT_BLOCKED = 1;
export const EXIT_UNREADABLE = 2;

const USAGE = `Usage: ${TOOL_NAME} diagnose FILE.har [--format text|json]

Explains why Chromium blocked cross-origin requests recorded in a HAR file.

Options:
  --format text|json  output format (default: text)
  -h, --help          show this help
  -v, --version       show the version

Exit codes: 0 nothing blocked, 1 at least one request blocked, 2 unreadable input or bad usage.
`;

type Format = 'text' | 'json';

type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'diagnose'; readonly file: string; readonly format: Format }
  | { readonly kind: 'usage-error'; readonly message: string };

export function parseArguments(argv: readonly string[]): Command {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) return { kind: 'help' };
  if (argv.includes('--version') || argv.includes('-v')) return { kind: 'version' };
  const [command, ...rest] = argv;
  if (command !== 'diagnose') return { kind: 'usage-error', message: `Unknown command "${command ?? ''}"; expected "diagnose".` };
  let format: Format = 'text';
  let file: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const argument = rest[i] ?? '';
    const inlineFormat = argument.startsWith('--format=') ? argument.slice('--format='.length) : null;
    if (argument === '--format' || inlineFormat !== null) {
      const value = inlineFormat ?? rest[++i];
      if (value !== 'text' && value !== 'json') return { kind: 'usage-error', message: `--format must be "text" or "json", got "${value ?? ''}".` };
      format = value;
    } else if (argument.startsWith('-') && argument !== '-') {
      return { kind: 'usage-error', message: `Unknown option "${argument}".` };
    } else if (file === null) {
      file = argument;
    } else {
      return { kind: 'usage-error', message: `Only one file can be diagnosed at a time (got "${file}" and "${argument}").` };
    }
  }
  if (file === null) return { kind: 'usage-error', message: 'Missing FILE.har.' };
  return { kind: 'diagnose', file, format };
}

function readInput(file: string): { ok: true; text: string } | { ok: false; reason: string } {
  try {
    return { ok: true, text: readFileSync(file === '-' ? 0 : file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    return { ok: false, reason };
  }
}

/** Runs one command and returns the exit code; output goes through the given writers. */
export function run(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  const command = parseArguments(argv);
  switch (command.kind) {
    case 'help':
      out(USAGE);
      return EXIT_OK;
    case 'version':
      out(`${TOOL_VERSION}\n`);
      return EXIT_OK;
    case 'usage-error':
      err(`${TOOL_NAME}: ${command.message} Run "${TOOL_NAME} --help" for usage.\n`);
      return EXIT_UNREADABLE;
    case 'diagnose': {
      const input = readInput(command.file);
      if (!input.ok) {
        err(`${TOOL_NAME}: cannot read ${command.file}: ${input.reason}\n`);
        return EXIT_UNREADABLE;
      }
      const result = diagnose(input.text, { sourceName: command.file === '-' ? 'stdin' : basename(command.file), sourceKind: 'file' });
      if (!result.ok) {
        const where = result.error.path === '' ? '' : ` at ${result.error.path}`;
        err(`${TOOL_NAME}: ${command.file} is not a readable HAR${where}: ${result.error.message}\n`);
        return EXIT_UNREADABLE;
      }
      out(command.format === 'json' ? reportToJson(result.report) : reportToText(result.report));
      return result.report.summary.blocked > 0 ? EXIT_BLOCKED : EXIT_OK;
    }
  }
}

process.exitCode = run(
  process.argv.slice(2),
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
);
