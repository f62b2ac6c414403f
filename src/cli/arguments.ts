/**
 * The command line's words: usage, options and exit codes. It imports nothing of the engine, so `--help` and
 * `--version` answer without loading it (src/cli/main.ts loads run.ts only to diagnose).
 */
import type { ExportFormat } from '../engine/index.js';
import { TOOL_NAME, TOOL_VERSION } from '../engine/version.js';
import { BROWSER_IDS, isBrowserId, type BrowserId } from '../engine/spec/browsers.js';

export const EXIT_OK = 0;
export const EXIT_BLOCKED = 1;
export const EXIT_UNREADABLE = 2;

const USAGE = `Usage: ${TOOL_NAME} diagnose FILE.har [--format text|json|md|html] [--out FILE] [--no-redact] [--stack ID] [--exchange ID] [--exchanges]
       [--browser chromium|firefox]

Explains why the browser blocked cross-origin requests recorded in a HAR file (or in a JSON report
exported by CORS Lens, which is diagnosed again from the HAR it holds). FILE "-" reads stdin.

Options:
  --format FORMAT   text (default: the problems, one cause and one fix each, in at most 50 lines),
                    json (cors-lens/report@2 with the redacted HAR, reopens),
                    md (Markdown for an issue or ticket, problem first), html (one self-contained file)
  --out FILE        write the report to FILE instead of stdout
  --no-redact       keep cookies, Authorization, tokens and secret-looking values (redacted by default)
  --stack ID        show the server snippets of one stack only (express, nginx, …)
  --exchange ID     report only this exchange (repeat for several; ids as in --format json)
  --exchanges       text: also list every exchange, one line each
  --browser NAME    replay chromium's or firefox's checks and name its errors (default: the browser
                    the HAR says recorded it, else chromium)
  -h, --help        show this help
  -v, --version     show the version

Exit codes: 0 nothing blocked, 1 at least one request blocked, 2 unreadable input or bad usage.
`;

const FORMATS: readonly ExportFormat[] = ['text', 'json', 'md', 'html'];

export interface DiagnoseCommand {
  readonly kind: 'diagnose';
  readonly file: string;
  readonly format: ExportFormat;
  readonly out: string | null;
  readonly redact: boolean;
  readonly stack: string | null;
  readonly exchanges: readonly string[];
  /** --exchanges: the text summary lists every exchange too. */
  readonly listExchanges: boolean;
  /** --browser: whose checks to replay; null: the browser the HAR names. */
  readonly browser: BrowserId | null;
}

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | DiagnoseCommand
  | { readonly kind: 'usage-error'; readonly message: string };

/** Options that take a value, as `--name VALUE` or `--name=VALUE`. */
const VALUE_OPTIONS = ['--format', '--out', '--stack', '--exchange', '--browser'] as const;
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
  let listExchanges = false;
  let stack: string | null = null;
  let browser: BrowserId | null = null;
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
    } else if (argument === '--exchanges') {
      listExchanges = true;
    } else if (argument.startsWith('-') && argument !== '-') {
      return { kind: 'usage-error', message: `Unknown option "${argument}".` };
    } else if (file === null) {
      file = argument;
    } else {
      return { kind: 'usage-error', message: `Only one file can be diagnosed at a time (got "${file}" and "${argument}").` };
    }
  }
  if (file === null) return { kind: 'usage-error', message: 'Missing FILE.har.' };
  return { kind: 'diagnose', file, format, out, redact, stack, exchanges, listExchanges, browser };

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
      case '--browser':
        if (!isBrowserId(value)) return `--browser must be one of ${BROWSER_IDS.join(', ')}, got "${value}".`;
        browser = value;
        return null;
    }
  }
}


/** Answers help, version and usage errors, which need no engine; returns the exit code. */
export function answerWithoutEngine(command: Exclude<Command, DiagnoseCommand>, out: (text: string) => void, err: (text: string) => void): number {
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
  }
}

/** One line, whatever the input held. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}
