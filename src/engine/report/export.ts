/**
 * Exporting a diagnosis: the whole capture, a chosen set of exchanges, or one exchange, as Markdown (tickets),
 * one self-contained HTML file, JSON that reopens (cors-lens/report@2 plus an `export` object holding the
 * HAR it was diagnosed from), or the CLI's text summary.
 *
 * Secrets are redacted by default, and redaction happens *before* the diagnosis: every format is rendered
 * from the diagnosis of the embedded (redacted) HAR, so no renderer can leak what redaction removed, and
 * reopening the JSON re-diagnoses exactly what the report shows. Pure: same input and options, same bytes.
 */
import { diagnose, diagnoseHarStream, type DiagnoseOptions } from '../diagnose.js';
import { Utf8Decoder } from '../har/stream.js';
import type { InputError } from '../har/types.js';
import { rawLogOf, redactHar, StreamRedaction } from '../redact/har.js';
import { escapeForViewers, exportJsonParts, reportToExportJson, type ExportPart } from './to-json.js';
import { reportToHtml } from './to-html.js';
import { reportToMarkdown } from './to-markdown.js';
import { reportToText } from './to-text.js';
import type { Report } from './types.js';
import { exportedReportOf, isReport } from './reopen.js';
import type { ExportDocument, ExportFormat, ExportInfo, ExportScope } from './document.js';
import type { StackId } from '../fixes/kit.js';
import { isJsonObject } from '../model/json.js';
import type { BrowserId } from '../spec/browsers.js';

export type { ExportDocument, ExportFormat, ExportInfo, ExportScope } from './document.js';
export type { ExportPart } from './to-json.js';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['md', 'html', 'json', 'text'];

export interface ExportOptions {
  readonly format: ExportFormat;
  /** Default: the whole capture. */
  readonly scope?: ExportScope;
  /** Replace cookies, credentials, tokens and bodies (default true). */
  readonly redact?: boolean;
  /** Show only this stack's snippets ("express", "nginx", …). Default: every stack's. */
  readonly stack?: StackId | null;
  /** Text format: also list every exchange, one line each (default false: the problems only). */
  readonly listExchanges?: boolean;
  /** ISO timestamp written into the report; the only time in it. Default: now. */
  readonly generatedAt?: string;
  readonly sourceName?: string;
  readonly sourceKind?: 'file' | 'live' | 'memory';
  /** Whose checks to replay; absent: the browser the HAR (or the exported report) names (DiagnoseOptions.browser). */
  readonly browser?: BrowserId;
  /** Called as the work advances; `done` reaches `total` when the export is finished. */
  readonly onProgress?: (done: number, total: number) => void;
}

export type ExportDocumentResult = { readonly ok: true; readonly document: ExportDocument } | { readonly ok: false; readonly error: InputError };

export type ExportResult =
  | {
      readonly ok: true;
      readonly content: string;
      readonly mimeType: string;
      /** A suggested file name, e.g. "cors-lens-report-2024-01-01.md". */
      readonly filename: string;
      readonly document: ExportDocument;
    }
  | { readonly ok: false; readonly error: InputError };

const MIME_TYPES: Readonly<Record<ExportFormat, string>> = {
  md: 'text/markdown;charset=utf-8',
  html: 'text/html;charset=utf-8',
  json: 'application/json;charset=utf-8',
  text: 'text/plain;charset=utf-8',
};

const EXTENSIONS: Readonly<Record<ExportFormat, string>> = { md: 'md', html: 'html', json: 'json', text: 'txt' };

interface ResolvedInput {
  readonly har: unknown;
  readonly sourceName: string | undefined;
  readonly sourceKind: 'file' | 'live' | 'memory' | undefined;
  readonly browser: BrowserId | undefined;
}

/** An exported report re-exports from its embedded HAR, under its original source name. */
function resolveInput(input: unknown, options: ExportOptions): { ok: true; value: ResolvedInput } | { ok: false; error: InputError } {
  const exported = exportedReportOf(input);
  if (exported === null) return { ok: true, value: { har: input, sourceName: options.sourceName, sourceKind: options.sourceKind, browser: options.browser } };
  if (!exported.ok) return exported;
  return {
    ok: true,
    value: {
      har: exported.har,
      sourceName: options.sourceName ?? exported.sourceName,
      sourceKind: options.sourceKind ?? exported.sourceKind,
      browser: options.browser ?? exported.browser,
    },
  };
}

/** DiagnoseOptions without absent keys (exactOptionalPropertyTypes). */
function diagnoseOptionsOf(sourceName: string | undefined, sourceKind: ResolvedInput['sourceKind'], browser: BrowserId | undefined): DiagnoseOptions {
  return {
    ...(sourceName === undefined ? {} : { sourceName }),
    ...(sourceKind === undefined ? {} : { sourceKind }),
    ...(browser === undefined ? {} : { browser }),
  };
}

/** Redacts, scopes and diagnoses: the data every format renders. */
export function buildExportDocument(input: unknown, options: Omit<ExportOptions, 'format'> = {}): ExportDocumentResult {
  const resolved = resolveInput(input, { format: 'json', ...options });
  if (!resolved.ok) return resolved;
  const { har, sourceName, sourceKind, browser } = resolved.value;
  const scope: ExportScope = options.scope ?? { kind: 'capture' };
  const diagnoseOptions = diagnoseOptionsOf(sourceName, sourceKind, browser);

  let chosen: unknown = har;
  if (scope.kind === 'exchanges') {
    const whole = diagnose(har, diagnoseOptions);
    if (!whole.ok) return whole;
    const raw = rawLogOf(har);
    if (raw === null) return { ok: false, error: { message: 'Not a HAR.', path: '' } };
    const indices = new Set<number>();
    for (const id of scope.ids) {
      const exchange = whole.report.exchanges.find((candidate) => candidate.id === id);
      if (exchange === undefined) return { ok: false, error: { message: `No exchange "${id}" in the capture.`, path: '' } };
      for (const index of exchange.entries) indices.add(index);
    }
    const entries = [...indices].sort((a, b) => a - b).map((index) => raw.entries[index]);
    chosen = { log: { version: '1.2', creator: raw.creator, browser: raw.browser, pages: raw.pages, entries } };
  }

  const entryCount = rawLogOf(chosen)?.entries.length ?? 0;
  const total = entryCount + 2;
  const redacted = redactHar(chosen, {
    redact: options.redact !== false,
    onEntry: (done) => options.onProgress?.(done, total),
  });
  if (!redacted.ok) return redacted;
  const diagnosed = diagnose(redacted.har, diagnoseOptions);
  if (!diagnosed.ok) return diagnosed;
  options.onProgress?.(entryCount + 1, total);
  return {
    ok: true,
    document: {
      report: diagnosed.report,
      export: {
        generatedAt: options.generatedAt ?? new Date().toISOString(),
        scope: scope.kind === 'capture' ? { kind: 'capture' } : { kind: 'exchanges', ids: [...scope.ids] },
        stack: options.stack ?? null,
        redacted: options.redact !== false,
        redactions: redacted.redactions,
        har: redacted.har,
      },
    },
  };
}

export function renderExport(document: ExportDocument, format: ExportFormat, listExchanges = false): string {
  switch (format) {
    case 'md':
      return reportToMarkdown(document);
    case 'html':
      return reportToHtml(document);
    case 'json':
      return reportToExportJson(document);
    case 'text':
      return reportToText(document.report, { exchanges: listExchanges }) + redactionLine(document.export);
  }
}

function redactionLine(info: Pick<ExportInfo, 'redacted' | 'redactions'>): string {
  if (!info.redacted) return 'Secrets not redacted.\n';
  const count = info.redactions.reduce((sum, item) => sum + item.count, 0);
  return count === 0 ? '' : `${count} secret value(s) redacted; the JSON format lists them.\n`;
}

export function exportFilename(document: ExportDocument, format: ExportFormat): string {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(document.export.generatedAt)?.[0];
  const { scope } = document.export;
  const what = scope.kind === 'exchanges' && scope.ids.length === 1 ? (scope.ids[0] ?? 'report').replace(/[^A-Za-z0-9-]/g, '') : 'report';
  return `cors-lens-${what}${date === undefined ? '' : `-${date}`}.${EXTENSIONS[format]}`;
}

/**
 * renderExport in parts, for writers that stream (the CLI): the JSON one part per exchange and per HAR entry;
 * the other formats are one part. `entriesJson`: the embedded HAR's entries as compact JSON separated by commas,
 * in pieces (see exportFromBytes).
 */
export function renderExportParts(document: ExportDocument, format: ExportFormat, listExchanges = false, entriesJson?: Iterable<ExportPart>): Iterable<ExportPart> {
  return format === 'json' ? exportJsonParts(document, entriesJson) : [renderExport(document, format, listExchanges)];
}

/**
 * The export of a whole HAR file read as a stream of bytes (the CLI): the same content as
 * exportReport(text, options), without ever holding the file's text or its parsed tree, so a CI job
 * diagnoses a 200 MB capture in a fraction of the memory. Each entry is redacted as it is read. The formats
 * that show entries (the JSON embeds them all, Markdown and HTML replay a few with curl) read them again from
 * the file when `reread` gives its bytes back (the CLI, from a file), or else keep each redacted entry as
 * compact JSON text (a parsed copy of every entry would take several times its text's size). The JSON hands
 * each redacted entry's text to `spool` when given (the CLI writes them to a temporary file and reads them
 * back after the report): no second parse and redaction of every entry, and no text kept in memory.
 * Null when the file is not in the streamable shape (see har/stream.ts) or is an exported report: use
 * exportReport on its text, which also words any error.
 */
export function exportFromBytes(
  chunks: Iterable<Uint8Array>,
  options: Pick<ExportOptions, 'format' | 'redact' | 'stack' | 'listExchanges' | 'generatedAt' | 'sourceName' | 'sourceKind' | 'browser'> & {
    /** The input's bytes [start, end) again. */
    readonly reread?: (start: number, end: number) => Uint8Array;
    /** Keeps the JSON's entry texts outside memory (used by the JSON format only). */
    readonly spool?: EntrySpool;
  },
): { readonly parts: Iterable<ExportPart>; readonly report: Report } | null {
  const redacted = options.redact !== false;
  const redaction = new StreamRedaction(redacted);
  const kept = keptEntriesFor(options.format, redacted, options.reread, options.spool);
  const diagnoseOptions = diagnoseOptionsOf(options.sourceName, options.sourceKind, options.browser);
  const streamed = diagnoseHarStream(chunks, diagnoseOptions, {
    // Only kept texts need a copy of each entry; otherwise the parsed entry, which nothing else holds, is
    // redacted where the diagnosis reads it (100k entries: no copy of 2.3 million headers).
    mapEntry: kept?.keepsCopies === true
      ? (item) => {
        const copy = redaction.entry(item);
        kept.addEntry(copy);
        return copy;
      }
      : (item) => redaction.redactForDiagnosis(item),
    mapPages: (pages) => redaction.pages(pages),
    ...(kept === null ? {} : { onEntryBytes: (start: number, end: number) => kept.addRange(start, end) }),
  });
  if (streamed === null || !streamed.result.ok || isReport(streamed.skeleton)) return null;
  const head = redaction.finish(streamed.skeleton.log as { readonly comment?: unknown; readonly creator?: unknown; readonly browser?: unknown; readonly pages?: unknown });
  const { report } = streamed.result;
  const document: ExportDocument = {
    report,
    export: {
      generatedAt: options.generatedAt ?? new Date().toISOString(),
      scope: { kind: 'capture' },
      stack: options.stack ?? null,
      redacted,
      redactions: redaction.redactions(),
      har: { log: { ...head, entries: kept === null ? [] : entriesOf(kept) } },
    },
  };
  return { parts: renderExportParts(document, options.format, options.listExchanges === true, kept?.jsonTexts()), report };
}

/**
 * Where a streamed JSON export keeps its redacted entries' texts until the report before them is written:
 * `add` gets each entry's compact JSON in order (already escaped for viewers); `joined` gives them back
 * separated by commas, in pieces of any size: text cut between characters, or UTF-8 bytes cut anywhere (a
 * writer passes bytes on as they are; see ExportPart).
 */
export interface EntrySpool {
  add(text: string): void;
  joined(): Iterable<ExportPart>;
}

/** The redacted entries of a streamed export, given back by index or, for the JSON, as comma-separated compact JSON. */
interface KeptEntries {
  /** addEntry wants each entry's redacted copy (false: it is never called). */
  readonly keepsCopies: boolean;
  addEntry(copy: unknown): void;
  addRange(start: number, end: number): void;
  readonly length: number;
  at(index: number): unknown;
  jsonTexts(): Iterable<ExportPart>;
}

function keptEntriesFor(
  format: ExportFormat, redacted: boolean, reread: ((start: number, end: number) => Uint8Array) | undefined, spool: EntrySpool | undefined,
): KeptEntries | null {
  if (format === 'text') return null;
  if (format === 'json' && spool !== undefined) return new KeptInSpool(spool);
  return reread === undefined ? new KeptTexts(format) : new KeptRanges(reread, redacted);
}

/** The JSON's entries written once, as they are read, to a spool: the JSON renderer reads them only as text (jsonTexts). */
class KeptInSpool implements KeptEntries {
  readonly keepsCopies = true;
  private count = 0;

  constructor(private readonly spool: EntrySpool) {}

  addEntry(copy: unknown): void {
    // Escaped here, as the JSON renderer escapes every text part: the spool may give the entries back as bytes.
    this.spool.add(escapeForViewers(JSON.stringify(copy) ?? 'null'));
    this.count++;
  }

  addRange(): void {}

  get length(): number {
    return this.count;
  }

  at(): unknown {
    return undefined;
  }

  jsonTexts(): Iterable<ExportPart> {
    return this.spool.joined();
  }
}

/**
 * Each redacted entry as compact JSON text, or only what the format shows of it: Markdown and HTML replay
 * only requests (sections.ts harRequestAt), about half of an entry.
 */
class KeptTexts implements KeptEntries {
  readonly keepsCopies = true;
  private readonly texts: string[] = [];

  constructor(private readonly format: Exclude<ExportFormat, 'text'>) {}

  addEntry(copy: unknown): void {
    const part = this.format === 'json' || !isJsonObject(copy) ? copy : { request: copy.request };
    this.texts.push(JSON.stringify(part) ?? 'null');
  }

  addRange(): void {}

  get length(): number {
    return this.texts.length;
  }

  at(index: number): unknown {
    const text = this.texts[index];
    return text === undefined ? undefined : JSON.parse(text) as unknown;
  }

  *jsonTexts(): Iterable<string> {
    for (let index = 0; index < this.texts.length; index++) yield index === 0 ? this.texts[index] as string : `,${this.texts[index] as string}`;
  }
}

/**
 * Where each entry is in the input, read, parsed and redacted again when a renderer shows it: two numbers per
 * entry instead of its text (100k entries: 1.6 MB instead of the redacted HAR's 190 MB).
 */
class KeptRanges implements KeptEntries {
  readonly keepsCopies = false;
  private ranges = new Float64Array(1 << 12);
  private count = 0;
  private readonly decoder = new Utf8Decoder();

  constructor(private readonly reread: (start: number, end: number) => Uint8Array, private readonly redact: boolean) {}

  addEntry(): void {}

  addRange(start: number, end: number): void {
    if (2 * this.count + 2 > this.ranges.length) {
      const larger = new Float64Array(this.ranges.length * 2);
      larger.set(this.ranges);
      this.ranges = larger;
    }
    this.ranges[2 * this.count] = start;
    this.ranges[2 * this.count + 1] = end;
    this.count++;
  }

  get length(): number {
    return this.count;
  }

  at(index: number): unknown {
    if (index < 0 || index >= this.count) return undefined;
    const text = this.decoder.decode(this.reread(this.ranges[2 * index] as number, this.ranges[2 * index + 1] as number));
    // The same copy as the first read's: redaction depends only on the entry (this pass's counts are not kept).
    return new StreamRedaction(this.redact).entry(JSON.parse(text) as unknown);
  }

  *jsonTexts(): Iterable<string> {
    for (let index = 0; index < this.count; index++) yield `${index === 0 ? '' : ','}${JSON.stringify(this.at(index)) ?? 'null'}`;
  }
}

/** The kept entries as the array the renderers index (sections.ts harRequestAt reads a few of them). */
function entriesOf(kept: KeptEntries): readonly unknown[] {
  return new Proxy([], {
    get(target, key, receiver) {
      if (key === 'length') return kept.length;
      if (typeof key === 'string' && /^\d+$/.test(key)) return kept.at(Number(key));
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/** Redact, scope, diagnose and render in one call (the panel's Export menu and the CLI use this). */
export function exportReport(input: unknown, options: ExportOptions): ExportResult {
  const built = buildExportDocument(input, options);
  if (!built.ok) return built;
  const content = renderExport(built.document, options.format, options.listExchanges === true);
  const entryCount = built.document.export.har.log.entries.length;
  options.onProgress?.(entryCount + 2, entryCount + 2);
  return {
    ok: true,
    content,
    mimeType: MIME_TYPES[options.format],
    filename: exportFilename(built.document, options.format),
    document: built.document,
  };
}
