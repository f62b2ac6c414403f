import { normalizeHar } from './har/normalize.js';
import type { InputError, NormalizedLog } from './har/types.js';
import { HarByteReader, type StreamOptions } from './har/stream.js';
import type { Exchange } from './model/exchange.js';
import { sortInPlace } from './model/order.js';
import { buildExchange } from './derive/classify.js';
import { captureFactsOf } from './derive/capture.js';
import { inferCredentials } from './derive/credentials.js';
import { pairEntries } from './derive/pair.js';
import { buildExchangeReport, buildReport } from './report/builder.js';
import type { Report } from './report/types.js';
import { predictWithCredentialsUse, replay } from './rules/run.js';
import { RunContext } from './run-context.js';
import { NO_PRODUCER, judgedBrowserOf, type BrowserId, type HarProducer, type JudgedBrowser } from './spec/browsers.js';

export interface DiagnoseOptions {
  readonly sourceName?: string;
  readonly sourceKind?: 'file' | 'live' | 'memory';
  /**
   * Whose checks to replay and whose error names to give; absent: the browser the HAR names, else Chromium
   * (spec/browsers.ts). A live capture passes the browser it runs in.
   */
  readonly browser?: BrowserId;
}

/** The browser a diagnosis judges for (see DiagnoseOptions.browser). */
export function judgedBrowserFor(options: DiagnoseOptions, producer: HarProducer = NO_PRODUCER): JudgedBrowser {
  return judgedBrowserOf(options.browser, producer, options.sourceKind === 'live');
}

export type DiagnoseResult = { readonly ok: true; readonly report: Report } | { readonly ok: false; readonly error: InputError };

/**
 * HAR in, report out. Accepts raw text, `{log}`, a log object, an array of entries or one entry.
 * Never throws: unreadable input is an `{ok: false}` result with a one-line reason and a JSON path.
 */
export function diagnose(input: unknown, options: DiagnoseOptions = {}): DiagnoseResult {
  return diagnoseInRun(input, options, new RunContext());
}

/**
 * diagnose() within a run that outlives it: a live session diagnoses its clusters of entries in one run, and
 * groups the problems of the whole capture itself (`groupProblems` false leaves report.problems empty).
 */
export function diagnoseInRun(input: unknown, options: DiagnoseOptions, run: RunContext, groupProblems = true): DiagnoseResult {
  try {
    return diagnoseOrThrow(input, options, run, groupProblems);
  } catch (error) {
    // A bug must not take the panel down; report it as an input error the user can send us.
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { message: `Internal error while diagnosing: ${detail.split('\n')[0] ?? ''}`, path: '' } };
  }
}

/** Exchanges in the order of their first entry; pairing yields them nearly in that order, so sorting is rare. */
function inEntryOrder(exchanges: Exchange[]): Exchange[] {
  return sortInPlace(exchanges, (a, b) => (a.entries[0] ?? 0) - (b.entries[0] ?? 0));
}

/**
 * diagnose() for a HAR file read in chunks of bytes: the file's text and its whole parsed tree are never held
 * (har/stream.ts), so a big capture needs far less memory. Returns null when the file is not in the usual
 * shape (invalid JSON, a JSONP wrapper, pages after the entries…): diagnose its text instead, which also gives
 * the proper error message. The report equals diagnose() of the text.
 */
export function diagnoseHarBytes(chunks: Iterable<Uint8Array>, options: DiagnoseOptions = {}): DiagnoseResult | null {
  return diagnoseHarStream(chunks, options)?.result ?? null;
}

/** diagnoseHarBytes with the entries and pages mapped first (see StreamOptions), and the file's root object read outside the entries. */
export function diagnoseHarStream(
  chunks: Iterable<Uint8Array>, options: DiagnoseOptions, stream: StreamOptions = {},
): { readonly result: DiagnoseResult; readonly skeleton: { readonly [key: string]: unknown } } | null {
  try {
    const run = new RunContext();
    const reader = new HarByteReader(stream, run);
    for (const chunk of chunks) reader.push(chunk);
    const read = reader.finishWithSkeleton();
    return read === null ? null : { result: diagnoseLog(read.log, options, run), skeleton: read.skeleton };
  } catch {
    // A bug here must not lose the file: the caller reads the text instead (and diagnose() reports the bug).
    return null;
  }
}

function diagnoseOrThrow(input: unknown, options: DiagnoseOptions, run: RunContext, groupProblems: boolean): DiagnoseResult {
  const normalized = normalizeHar(input, run);
  if (!normalized.ok) return normalized;
  return diagnoseLog(normalized.log, options, run, groupProblems);
}

function diagnoseLog(log: NormalizedLog, options: DiagnoseOptions, run: RunContext, groupProblems = true): DiagnoseResult {
  const predict = (candidate: Exchange) => predictWithCredentialsUse(candidate, run.replays);
  const exchanges = inEntryOrder(pairEntries(log.entries, run).map((group) => inferCredentials(buildExchange(group, run), predict)));
  // Capture-level facts (origins echoed across exchanges, repeated preflights…) for the audit rules.
  const capture = captureFactsOf(exchanges, run.headerLists);
  const browser = judgedBrowserFor(options, log.producer);
  const reports = exchanges.map((exchange) => buildExchangeReport(exchange, replay(exchange, capture, run.replays, browser.id), run.replays, browser.id));
  const source = { kind: options.sourceKind ?? 'memory', name: options.sourceName ?? null, creator: log.creator };
  return { ok: true, report: buildReport(source, browser, reports, log.problems, groupProblems ? undefined : []) };
}
