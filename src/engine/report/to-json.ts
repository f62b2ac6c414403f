import type { Fix } from '../rules/types.js';
import type { ExportDocument } from './document.js';
import type { Finding, Report, ReportExchange } from './types.js';

/**
 * The report as cors-lens/report@2 JSON (docs/report.schema.json). What repeats is stored once and referenced:
 * a finding's `fix` is the id of an entry in the top-level `fixes` table (the same fix of many exchanges is one
 * entry), and the server snippets sit only on the problems' fixes — the one fix to apply per problem. Everything
 * else keeps report@1's meaning. JSON.stringify escapes every hostile character.
 */
export function reportToJson(report: Report): string {
  return `${JSON.stringify(reportJsonValue(report), null, 2)}\n`;
}

type JsonFix = Omit<Fix, 'snippets'>;

/** The JSON value of a report (what reportToJson writes). */
export function reportJsonValue(report: Report): object {
  const fixes: Record<string, JsonFix> = {};
  const idByKey = new Map<string, string>();
  const fixId = (fix: Fix): string => {
    const { snippets: _snippets, ...shared } = fix;
    const key = JSON.stringify(shared);
    let id = idByKey.get(key);
    if (id === undefined) {
      id = `f-${idByKey.size}`;
      idByKey.set(key, id);
      fixes[id] = shared;
    }
    return id;
  };
  const finding = (item: Finding) => ({ ...item, fix: item.fix === null ? null : fixId(item.fix) });
  const exchange = (item: ReportExchange) => ({ ...item, problems: [...new Set(item.findings.map((found) => found.problem))], findings: item.findings.map(finding) });
  const exchanges = report.exchanges.map(exchange);
  return {
    schema: report.schema,
    tool: report.tool,
    source: report.source,
    browser: report.browser,
    summary: report.summary,
    problems: report.problems,
    servers: report.servers,
    fixes,
    exchanges,
    inputErrors: report.inputErrors,
  };
}

/**
 * An exported report: cors-lens/report@2 plus `export` {generatedAt, scope, stack, redacted, redactions, har}.
 * `reopenReport()` diagnoses `export.har` again. Bidi and line-separator characters are written as \u
 * escapes so that a viewer showing the raw file cannot be tricked either.
 */
export function reportToExportJson(document: ExportDocument): string {
  return [...exportJsonParts(document)].join('');
}

/**
 * reportToExportJson in parts, for writers that stream (the CLI): one part per exchange and per HAR entry, so
 * the whole text — 1.5 times the HAR for a big capture — is never held. `entriesJson`, when given, is the
 * embedded HAR's entries already written as compact JSON, separated by commas, in pieces of any size (the CLI
 * writes them so from its streamed read); a piece given as bytes is passed on as it is (see ExportPart).
 */
export function* exportJsonParts(document: ExportDocument, entriesJson?: Iterable<ExportPart>): Generator<ExportPart> {
  const report = reportJsonValue(document.report) as { readonly exchanges: readonly object[] };
  // The report is indented for people, but each exchange is one compact line (grep and diff find an exchange
  // on its line; indenting them made a 10k capture's export 1.50× the HAR, against 1.35× so), and the embedded
  // HAR, most of the bytes, is written compact (indenting it doubled a big export's size).
  const har = entriesJson === undefined ? [JSON.stringify(document.export.har)] : compactHarParts(document.export.har, entriesJson);
  const root = {
    ...report, // the members keep their order: overriding one keeps its place
    exchanges: new Written((depth) => lineArray(report.exchanges, depth)),
    export: new Written((depth) => indentedObject({ ...document.export, har: new Written(() => har) }, depth)),
  };
  for (const part of indentedObject(root, 0)) yield typeof part === 'string' ? escapeForViewers(part) : part;
  yield '\n';
}

/**
 * A piece of a streamed export: text, or text already encoded as UTF-8 — and, in a JSON export, already passed
 * through escapeForViewers — that a writer passes on without decoding it (the CLI's spooled entries: a 100k
 * capture's 190 MB would otherwise be decoded into strings only to be encoded again).
 */
export type ExportPart = string | Uint8Array;

/** Line and paragraph separators and bidirectional controls as \u escapes, so no viewer shows the JSON misleadingly (idempotent). */
export function escapeForViewers(text: string): string {
  return text.replace(/[\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A member whose JSON text is written by `parts` (given its nesting depth) instead of JSON.stringify. */
class Written {
  constructor(readonly parts: (depth: number) => Iterable<ExportPart>) {}
}

/**
 * JSON.stringify(value, null, 2) for a value at nesting depth `depth` (its lines indented to match): the value
 * written inside `depth` arrays, which indent it so, and cut out of them (one pass instead of a second one
 * re-indenting every line).
 */
function indentedValue(value: unknown, depth: number): string {
  if (depth === 0) return JSON.stringify(value, null, 2);
  let nested: unknown = value;
  for (let level = 0; level < depth; level++) nested = [nested];
  const text = JSON.stringify(nested, null, 2);
  // Before the value: "[\n", "  [\n", … and its own indentation (depth² + 3·depth characters); after it:
  // "\n]", "\n  ]", … (depth² + depth).
  return text.slice(depth * depth + 3 * depth, text.length - (depth * depth + depth));
}

/** JSON.stringify(object, null, 2) at nesting depth `depth`, in parts; `Written` members write themselves. */
function* indentedObject(object: Readonly<Record<string, unknown>>, depth: number): Generator<ExportPart> {
  const inner = '  '.repeat(depth + 1);
  let first = true;
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue; // as JSON.stringify leaves it out
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    if (value instanceof Written) yield* value.parts(depth + 1);
    else yield indentedValue(value, depth + 1);
  }
  yield first ? '{}' : `\n${'  '.repeat(depth)}}`;
}

/** An array at nesting depth `depth` with each item compact on a line of its own, one part per item. */
function* lineArray(items: readonly unknown[], depth: number): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  const inner = '  '.repeat(depth + 1);
  for (let index = 0; index < items.length; index++) yield `${index === 0 ? '[' : ','}\n${inner}${JSON.stringify(items[index] ?? null)}`;
  yield `\n${'  '.repeat(depth)}]`;
}

/** JSON.stringify(har) with the entries given as their comma-separated JSON text, in pieces (entries is the log's last member). */
function* compactHarParts(har: ExportDocument['export']['har'], entriesJson: Iterable<ExportPart>): Generator<ExportPart> {
  const { entries: _entries, ...head } = har.log;
  yield `${JSON.stringify({ log: { ...head, entries: [] } }).slice(0, -'[]}}'.length)}[`;
  yield* entriesJson;
  yield ']}}';
}
