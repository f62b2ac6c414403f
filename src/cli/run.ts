/**
 * `cors-lens diagnose FILE [--format text|json|md|html] [--out FILE] [--no-redact] [--stack ID] [--exchange ID]`
 * — the only place that touches the file system and the process. FILE is a .har file, `-` for stdin, or a
 * JSON report this tool exported (diagnosed again from the HAR it embeds).
 * Exit codes: 0 nothing blocked, 1 something blocked, 2 unreadable input or bad usage.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmdirSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { STACK_IDS, TOOL_NAME, exportFromBytes, exportReport, isReport, isStackId, type BrowserId, type EntrySpool, type ExportPart, type StackId } from '../engine/index.js';
import { EXIT_BLOCKED, EXIT_OK, EXIT_UNREADABLE, answerWithoutEngine, oneLine, parseArguments, type DiagnoseCommand } from './arguments.js';

/** Where the report goes (stdout, or a test's collector): text, and a JSON export's spooled entries as bytes. */
export type Writer = (part: ExportPart) => void;
/** Where messages go (stderr): text only. */
type MessageWriter = (text: string) => void;

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

/**
 * Bytes [start, end) of the file, read again: the exports that show entries read them back so instead of
 * keeping them. Read through a window of a chunk or more, as the JSON reads every entry in order.
 */
class Rereader {
  private descriptor: number | null = null;
  private window = new Uint8Array(0);
  private windowStart = 0;

  constructor(private readonly file: string) {}

  read(start: number, end: number): Uint8Array {
    if (start < this.windowStart || end > this.windowStart + this.window.length) {
      this.descriptor ??= openSync(this.file, 'r');
      const window = new Uint8Array(Math.max(CHUNK_BYTES, end - start));
      let read = 0;
      while (read < window.length) {
        const count = readSync(this.descriptor, window, read, window.length - read, start + read);
        if (count === 0) break;
        read += count;
      }
      this.window = window.subarray(0, read);
      this.windowStart = start;
    }
    return this.window.subarray(start - this.windowStart, end - this.windowStart);
  }

  close(): void {
    if (this.descriptor !== null) closeSync(this.descriptor);
  }
}

/**
 * The JSON export's redacted entries, written to a temporary file as they are read and read back after the
 * report (engine EntrySpool): written once, never held. The file is in a folder only this user can read, and
 * is unlinked as soon as it is open, so nothing is left behind even when the process is killed (where the
 * system refuses to unlink an open file, close() removes it).
 */
class FileSpool implements EntrySpool {
  private readonly folder: string;
  private readonly descriptor: number;
  private removed = false;
  private pending: string[] = [];
  private pendingLength = 0;
  private count = 0;

  private constructor() {
    this.folder = mkdtempSync(join(tmpdir(), 'cors-lens-'));
    const file = join(this.folder, 'entries.json');
    try {
      this.descriptor = openSync(file, 'w+', 0o600);
    } catch (error) {
      rmSync(this.folder, { recursive: true, force: true });
      throw error;
    }
    try {
      unlinkSync(file);
      rmdirSync(this.folder);
      this.removed = true;
    } catch {
      // Removed by close().
    }
  }

  /** A spool, or null when no temporary file can be made (the entries are then read again from the input). */
  static open(): FileSpool | null {
    try {
      return new FileSpool();
    } catch {
      return null;
    }
  }

  add(text: string): void {
    this.pending.push(this.count === 0 ? text : `,${text}`);
    this.pendingLength += text.length;
    this.count++;
    // Written in small pieces: the entries' texts die young instead of piling up in the old generation.
    if (this.pendingLength >= SPOOL_CHARS) this.flush();
  }

  /** The file's bytes as they are, a fresh chunk each (decoding 190 MB only to encode it again cost 0.5 s at 100k). */
  *joined(): Generator<Uint8Array> {
    this.flush();
    for (let position = 0; ;) {
      const chunk = new Uint8Array(CHUNK_BYTES);
      const read = readSync(this.descriptor, chunk, 0, chunk.length, position);
      if (read === 0) break;
      position += read;
      yield chunk.subarray(0, read);
    }
  }

  close(): void {
    closeSync(this.descriptor);
    if (!this.removed) rmSync(this.folder, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.descriptor, this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }
}

/**
 * Writes the report to stdout or to --out as its parts come, in pieces of about a megabyte: a big JSON report
 * is never one string, and a piece per part would be a system call per exchange. Parts given as bytes are
 * written as they are, after the text before them.
 */
function write(command: DiagnoseCommand, parts: Iterable<ExportPart>, out: Writer, err: MessageWriter): boolean {
  let descriptor: number | null = null;
  try {
    if (command.out !== null) descriptor = openSync(command.out, 'w');
    const target = descriptor;
    // Two calls because writeSync's overloads take a string or bytes, not either.
    const flush = target === null ? out : (part: ExportPart) => (typeof part === 'string' ? writeSync(target, part) : writeSync(target, part));
    let pending: string[] = [];
    let pendingLength = 0;
    for (const part of parts) {
      if (typeof part !== 'string') {
        if (pendingLength > 0) flush(pending.join(''));
        pending = [];
        pendingLength = 0;
        flush(part);
        continue;
      }
      pending.push(part);
      pendingLength += part.length;
      if (pendingLength >= WRITE_CHARS) {
        flush(pending.join(''));
        pending = [];
        pendingLength = 0;
      }
    }
    if (pendingLength > 0) flush(pending.join(''));
    return true;
  } catch (error) {
    err(oneLine(`${TOOL_NAME}: cannot write ${command.out ?? 'stdout'}: ${fileError(error)}`) + '\n');
    return false;
  } finally {
    if (descriptor !== null) closeSync(descriptor);
  }
}

const WRITE_CHARS = 1 << 20;
const SPOOL_CHARS = 1 << 16;

/** --browser, when given (absent: the HAR's own browser, or the one a reopened report was judged for). */
function browserOption(command: DiagnoseCommand): { readonly browser?: BrowserId } {
  return command.browser === null ? {} : { browser: command.browser };
}

function diagnoseFile(command: DiagnoseCommand, stack: StackId | null, out: Writer, err: MessageWriter): number {
  // A whole file is read as a stream: a CI job diagnosing a 200 MB capture needs about twice the file's size
  // in memory instead of five times. Chosen exchanges and stdin are read whole.
  if (command.exchanges.length === 0 && command.file !== '-') {
    const rereader = new Rereader(command.file);
    const spool = command.format === 'json' ? FileSpool.open() : null;
    try {
      const streamed = exportFromBytes(chunksOf(command.file), {
        format: command.format, redact: command.redact, stack, listExchanges: command.listExchanges, sourceName: basename(command.file), sourceKind: 'file', ...browserOption(command),
        reread: (start, end) => rereader.read(start, end),
        ...(spool === null ? {} : { spool }),
      });
      if (streamed !== null) {
        if (!write(command, streamed.parts, out, err)) return EXIT_UNREADABLE;
        return streamed.report.summary.blocked > 0 ? EXIT_BLOCKED : EXIT_OK;
      }
    } finally {
      rereader.close();
      spool?.close();
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
    listExchanges: command.listExchanges,
    stack,
    ...browserOption(command),
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
  if (!write(command, [result.content], out, err)) return EXIT_UNREADABLE;
  return result.document.report.summary.blocked > 0 ? EXIT_BLOCKED : EXIT_OK;
}

/** Runs one command and returns the exit code; output goes through the given writers. */
export function run(argv: readonly string[], out: Writer, err: MessageWriter): number {
  const command = parseArguments(argv);
  if (command.kind !== 'diagnose') return answerWithoutEngine(command, out, err);
  if (command.stack !== null && !isStackId(command.stack)) {
    return answerWithoutEngine({ kind: 'usage-error', message: `--stack must be one of ${STACK_IDS.join(', ')}; got "${command.stack}".` }, out, err);
  }
  return diagnoseFile(command, command.stack, out, err);
}
