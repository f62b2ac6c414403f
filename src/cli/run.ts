/**
 * `cors-lens diagnose FILE [--format text|json|md|html] [--out FILE] [--no-redact] [--stack ID] [--exchange ID]`
 * — the only place that touches the file system and the process. FILE is a .har file, `-` for stdin, or a
 * JSON report this tool exported (diagnosed again from the HAR it embeds).
 * Exit codes: 0 nothing blocked, 1 something blocked, 2 unreadable input or bad usage.
 */
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TOOL_NAME, TOOL_VERSION, exportReport, exportTextFromBytes, isReport } from '../engine/index.js';
import type { ExportFormat } from '../engine/index.js';

export const EXIT_OK = 0;
export const EXIT_BLOCKED = 1;
export const EXIT_UNREADABLE = 2;

const USAGE = `Usage: ${TOOL_NAME} diagnose FILE.har [--format text|json|md|html] [--out FILE] [--no-redact] [--stack ID] [--exchange ID]

Explains why Chromium blocked cross-origin requests recorded in a HAR file (or in a JSON report
exported by CORS Lens, which is diagnosed again from the HAR it holds). FILE "-" reads stdin.

Options:
  --format FORMAT   text (default, a summary), json (cors-lens/report@1 with the redacted HAR, reopens),
                    md (Markdown for an issue or ticket), html (one self-contained file)
  --out FILE        write the report to FILE instead of stdout
  --no-redact       keep cookies, Authorization, tokens and secret-looking values (redacted by default)
  --stack ID        show the server snippets of one stack only (express, nginx, …)
  --exchange ID     report only this exchange (repeat for several; ids as in --format json)
  -h, --help        show this help
  -v, --version     show the version

Exit codes: 0 nothing blocked, 1 at least one request blocked, 2 unreadable input or bad usage.
`;

const FORMATS: readonly ExportFormat[] = ['text', 'json', 'md', 'html'];

interface DiagnoseCommand {
  readonly kind: 'diagnose';
  readonly file: string;
  readonly format: ExportFormat;
  readonly out: string | null;
  readonly redact: boolean;
  readonly stack: string | null;
  readonly exchanges: readonly string[];
}

type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | DiagnoseCommand
  | { readonly kind: 'usage-error'; readonly message: string };

/** Options that take a value, as `--name VALUE` or `--name=VALUE`. */
const VALUE_OPTIONS = ['--format', '--out', '--stack', '--exchange'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

export function parseArguments(argv: readonly string[]): Command {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) return { kind: 'help' };
  if (argv.includes('--version') || argv.includes('-v')) return { kind: 'version' };
  const [command, ...rest] = argv;
  if (command !== 'diagnose') return { kind: 'usage-error', message: `Unknown command "${command ?? ''}"; expected "diagnose".` };
  let format: ExportFormat = 'text';
  let file: string | null = null;
  let out: string | null = null;
  let redact = true;
  let stack: string | null = null;
  const exchanges: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const argument = rest[i] ?? '';
    const option = VALUE_OPTIONS.find((name) => argument === name || argument.startsWith(`${name}=`));
    if (option !== undefined) {
      const value = argument === option ? rest[++i] : argument.slice(option.length + 1);
      if (value === undefined || value === '') return { kind: 'usage-error', message: `${option} needs a value.` };
      const error = applyOption(option, value);
      if (error !== null) return { kind: 'usage-error', message: error };
    } else if (argument === '--no-redact') {
      redact = false;
    } else if (argument.startsWith('-') && argument !== '-') {
      return { kind: 'usage-error', message: `Unknown option "${argument}".` };
    } else if (file === null) {
      file = argument;
    } else {
      return { kind: 'usage-error', message: `Only one file can be diagnosed at a time (got "${file}" and "${argument}").` };
    }
  }
  if (file === null) return { kind: 'usage-error', message: 'Missing FILE.har.' };
  return { kind: 'diagnose', file, format, out, redact, stack, exchanges };

  function applyOption(option: ValueOption, value: string): string | null {
    switch (option) {
      case '--format':
        if (!(FORMATS as readonly string[]).includes(value)) return `--format must be one of ${FORMATS.join(', ')}, got "${value}".`;
        format = value as ExportFormat;
        return null;
      case '--out':
        out = value;
        return null;
      case '--stack':
        if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) return `--stack must be a stack id such as "express" or "nginx", got "${value}".`;
        stack = value;
        return null;
      case '--exchange':
        exchanges.push(value);
        return null;
    }
  }
}

function readInput(file: string): { ok: true; text: string } | { ok: false; reason: string } {
  try {
    return { ok: true, text: readFileSync(file === '-' ? 0 : file, 'utf8') };
  } catch (error) {
    return { ok: false, reason: fileError(error) };
  }
}

function fileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return ((error as Error).message ?? String(error)).split('\n')[0] ?? '';
}

/** One line, whatever the input held. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/** The file in chunks of bytes, read as they are consumed, into one buffer (the reader copies what it keeps). */
function* chunksOf(file: string): Generator<Uint8Array> {
  const descriptor = openSync(file, 'r');
  const chunk = new Uint8Array(CHUNK_BYTES);
  try {
    for (;;) {
      const read = readSync(descriptor, chunk);
      if (read === 0) return;
      yield chunk.subarray(0, read);
    }
  } finally {
    closeSync(descriptor);
  }
}

const CHUNK_BYTES = 1 << 20;

function write(command: DiagnoseCommand, content: string, out: (text: string) => void, err: (text: string) => void): boolean {
  if (command.out === null) {
    out(content);
    return true;
  }
  try {
    writeFileSync(command.out, content);
    return true;
  } catch (error) {
    err(oneLine(`${TOOL_NAME}: cannot write ${command.out}: ${fileError(error)}`) + '\n');
    return false;
  }
}

function diagnoseFile(command: DiagnoseCommand, out: (text: string) => void, err: (text: string) => void): number {
  // The default text report of a whole file is read as a stream: a CI job diagnosing a 200 MB capture needs
  // about twice the file's size in memory instead of five times. Other formats embed the HAR, so they read it whole.
  if (command.format === 'text' && command.exchanges.length === 0 && command.file !== '-') {
    const streamed = exportTextFromBytes(chunksOf(command.file), { redact: command.redact, sourceName: basename(command.file), sourceKind: 'file' });
    if (streamed !== null) {
      if (!write(command, streamed.content, out, err)) return EXIT_UNREADABLE;
      return streamed.report.summary.blocked > 0 ? EXIT_BLOCKED : EXIT_OK;
    }
  }
  const input = readInput(command.file);
  if (!input.ok) {
    err(`${TOOL_NAME}: cannot read ${command.file}: ${input.reason}\n`);
    return EXIT_UNREADABLE;
  }
  const sourceName = command.file === '-' ? 'stdin' : basename(command.file);
  const reopening = isReport(input.text);
  const result = exportReport(input.text, {
    format: command.format,
    redact: command.redact,
    stack: command.stack,
    // A reopened report keeps the source it was exported from.
    ...(reopening ? {} : { sourceName, sourceKind: 'file' as const }),
    ...(command.exchanges.length > 0 ? { scope: { kind: 'exchanges' as const, ids: command.exchanges } } : {}),
  });
  if (!result.ok) {
    const where = result.error.path === '' ? '' : ` at ${result.error.path}`;
    const what = reopening ? 'a report that can be diagnosed again' : 'a readable HAR';
    err(oneLine(`${TOOL_NAME}: ${command.file} is not ${what}${where}: ${result.error.message}`) + '\n');
    return EXIT_UNREADABLE;
  }
  if (!write(command, result.content, out, err)) return EXIT_UNREADABLE;
  return result.document.report.summary.blocked > 0 ? EXIT_BLOCKED : EXIT_OK;
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
      err(oneLine(`${TOOL_NAME}: ${command.message} Run "${TOOL_NAME} --help" for usage.`) + '\n');
      return EXIT_UNREADABLE;
    case 'diagnose':
      return diagnoseFile(command, out, err);
  }
}
