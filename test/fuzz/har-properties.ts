// Property-based checks of the engine on random and mutated HARs. Shared by the short run inside `npm test`
// (test/fuzz/fuzz.test.ts) and the long run of `npm run fuzz` (scripts/fuzz.ts).
import fc from 'fast-check';
import { diagnose, diagnoseHarBytes, reportToJson, reportToText, type DiagnoseResult } from '../../src/engine/index';

const origins = ['http://app.test', 'http://api.test', 'https://api.test:8443', 'http://localhost:3000', 'null'];
const methods = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'patch', 'HEAD', ''];
const hostileText = fc.oneof(
  fc.string(),
  fc.constantFrom('<script>alert(1)</script>', '\u0000\u0007\r\n', '\u202Eevil', '*', 'null', ' , ', 'true', ''),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.integer({ min: 100_000, max: 120_000 }).map((length) => 'x'.repeat(length)),
);
const headerName = fc.constantFrom(
  'Origin', 'access-control-allow-origin', 'Access-Control-Allow-Credentials', 'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers', 'Access-Control-Request-Method', 'Access-Control-Request-Headers', 'Cookie',
  'Sec-Fetch-Mode', 'Content-Type', 'Location', 'Vary', 'X-Custom', 'Authorization',
);
const headerValue = fc.oneof(
  fc.constantFrom(...origins, 'cors', 'no-cors', 'navigate', 'GET, PUT', 'x-custom', 'application/json', 'a=1'),
  hostileText,
);
const headers = fc.array(fc.record({ name: headerName, value: headerValue }), { maxLength: 8 });
const url = fc.oneof(
  fc.tuple(fc.constantFrom(...origins.slice(0, 4)), fc.constantFrom('/a', '/b', '/a?x=1', '/')).map(([origin, path]) => origin + path),
  hostileText,
);

/** An entry shaped like Chromium's, with every field drawn from a small, collision-prone pool. */
const entry = fc.record({
  startedDateTime: fc.oneof(fc.constantFrom('2026-11-21T10:00:00.000Z', '2026-11-21T10:00:00.001Z', 'NaN-NaN'), fc.string()),
  time: fc.oneof(fc.double(), fc.constant(-1)),
  request: fc.record({ method: fc.constantFrom(...methods), url, httpVersion: fc.constant('HTTP/1.1'), headers, cookies: fc.constant([]), queryString: fc.constant([]), headersSize: fc.constant(-1), bodySize: fc.constant(0) }),
  response: fc.record({
    status: fc.oneof(fc.constantFrom(0, -1, 200, 204, 301, 302, 307, 401, 404, 500), fc.integer()),
    statusText: fc.string(),
    httpVersion: fc.constant('HTTP/1.1'),
    headers,
    cookies: fc.constant([]),
    content: fc.record({ size: fc.integer(), mimeType: fc.string() }),
    redirectURL: fc.oneof(fc.constant(''), url),
    headersSize: fc.constant(-1),
    bodySize: fc.constant(-1),
    _error: fc.constantFrom(null, 'net::ERR_FAILED', 'net::ERR_ABORTED', 'net::ERR_BLOCKED_BY_CLIENT', 'net::ERR_INVALID_REDIRECT'),
  }),
  cache: fc.constant({}),
  timings: fc.constant({ send: 0, wait: 1, receive: 1 }),
  _resourceType: fc.constantFrom('fetch', 'xhr', 'preflight', 'document', 'script', undefined),
});

/** Replaces, deletes or corrupts one value somewhere in a JSON tree. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[(path[0] ?? 0) % keys.length] as string;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
  if (path.length === 1 && replacement === DELETE) delete copy[key];
  else copy[key] = mutate(copy[key], path.slice(1), replacement);
  return copy;
}
const DELETE = Symbol('delete');
const replacementValue = fc.oneof(
  fc.constant(DELETE), fc.constant(null), fc.integer(), fc.string(), fc.constant([]), fc.constant({}),
  fc.constant(true), hostileText, fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 200 }).map((depth) => { let deep: unknown = {}; for (let i = 0; i < depth; i++) deep = { a: deep }; return deep; }),
);

export const mutatedHar = fc
  .tuple(
    fc.array(entry, { maxLength: 12 }),
    fc.array(fc.tuple(fc.array(fc.nat(30), { minLength: 1, maxLength: 6 }), replacementValue), { maxLength: 4 }),
    fc.constantFrom('wrapped', 'log', 'entries'),
  )
  .map(([entries, mutations, shape]) => {
    let har: unknown = { log: { version: '1.2', creator: { name: 'fuzz', version: '1' }, pages: [], entries } };
    for (const [path, replacement] of mutations) har = mutate(har, [0, 3, ...path], replacement);
    if (shape === 'log') return (har as { log?: unknown }).log;
    if (shape === 'entries') return (har as { log?: { entries?: unknown } }).log?.entries;
    return har;
  });

/** Text that may be cut anywhere, or carry a byte-order mark or a JSONP wrapper. */
export const harText = fc
  .tuple(mutatedHar, fc.nat(), fc.constantFrom('plain', 'truncated', 'bom', 'jsonp'))
  .map(([har, cut, form]) => {
    const text = JSON.stringify(har) ?? 'undefined';
    if (form === 'truncated') return text.slice(0, cut % (text.length + 1));
    if (form === 'bom') return `\uFEFF${text}`;
    if (form === 'jsonp') return `onInputData(${text})`;
    return text;
  });

/** The contract every input must meet. Throws (failing the property) when it does not. */
export function checkDiagnosis(input: unknown): void {
  let result: DiagnoseResult;
  try {
    result = diagnose(input);
  } catch (error) {
    throw new Error(`diagnose threw: ${String(error)}`);
  }
  if (!result.ok) {
    if (typeof result.error.message !== 'string' || result.error.message === '') throw new Error('input error without a message');
    if (result.error.message.includes('Internal error')) throw new Error(`engine bug surfaced as input error: ${result.error.message}`);
    if (typeof result.error.path !== 'string') throw new Error('input error without a path');
    return;
  }
  const { report } = result;
  const entryCount = countEntries(input);
  const seen = new Map<number, number>();
  for (const exchange of report.exchanges) for (const index of exchange.entries) seen.set(index, (seen.get(index) ?? 0) + 1);
  for (const problem of report.inputErrors) {
    if (problem.skipped && problem.entry !== null) seen.set(problem.entry, (seen.get(problem.entry) ?? 0) + 1);
  }
  if (entryCount !== null) {
    for (let index = 0; index < entryCount; index++) {
      if (seen.get(index) !== 1) throw new Error(`entry ${index} accounted for ${seen.get(index) ?? 0} times`);
    }
    if (seen.size !== entryCount) throw new Error(`report names ${seen.size} entries, input has ${entryCount}`);
  }
  const { summary } = report;
  if (summary.blocked + summary.allowed + summary.unknown !== summary.exchanges) throw new Error('summary does not add up');
  if (summary.exchanges !== report.exchanges.length) throw new Error('summary.exchanges differs from exchanges');
  JSON.parse(reportToJson(report));
  if (typeof reportToText(report) !== 'string') throw new Error('text report is not a string');
}

/** How many entries the input holds, when it is a readable HAR shape; null when it is not. */
function countEntries(input: unknown): number | null {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value.replace(/^\uFEFF/, '').replace(/^onInputData\(([\s\S]*)\)$/, '$1'));
    } catch {
      return null;
    }
  }
  if (Array.isArray(value)) return value.length;
  const record = value as { log?: { entries?: unknown }; entries?: unknown } | null;
  const entries = record?.log?.entries ?? record?.entries;
  return Array.isArray(entries) ? entries.length : null;
}

/** A HAR's text as UTF-8 bytes in chunks of `size` (the CLI reads 1 MiB at a time; tests cut anywhere). */
function* chunksOf(text: string, size: number): Generator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

/**
 * The CLI's streamed reading (har/stream.ts: entries cut at the separator between them, or read byte by byte)
 * gives exactly the report of the text, or null to read the text instead; never a report the text would not give.
 */
export function checkStreamedAsText([text, size]: readonly [string, number]): void {
  const options = { sourceKind: 'file', sourceName: 'fuzz.har' } as const;
  let streamed: DiagnoseResult | null;
  try {
    streamed = diagnoseHarBytes(chunksOf(text, size), options);
  } catch (error) {
    throw new Error(`diagnoseHarBytes threw: ${String(error)}`);
  }
  if (streamed === null) return;
  const whole = diagnose(text, options);
  if (!whole.ok) throw new Error(`streamed a text the text path rejects (${whole.error.message})`);
  if (!streamed.ok) throw new Error(`streamed reading failed: ${streamed.error.message}`);
  if (reportToJson(streamed.report) !== reportToJson(whole.report)) throw new Error('the streamed report differs from the text\'s');
}

/** HAR texts as producers write them (compact, indented by spaces or tabs), in chunks of any size. */
const harBytes = fc
  .tuple(harText, fc.constantFrom(0, 2, '\t'), fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 1 << 16 }), fc.constant(1 << 20)))
  .map(([text, indent, size]): readonly [string, number] => {
    if (indent === 0) return [text, size];
    try {
      return [JSON.stringify(JSON.parse(text), null, indent), size];
    } catch {
      return [text, size]; // truncated or wrapped: as it is
    }
  });

export const properties = {
  'any JSON value: never throws, accounts for every entry': fc.property(fc.jsonValue({ maxDepth: 6 }), checkDiagnosis),
  'mutated HAR objects: never throws, accounts for every entry': fc.property(mutatedHar, checkDiagnosis),
  'HAR text (truncated, BOM, JSONP): never throws, accounts for every entry': fc.property(harText, checkDiagnosis),
  'HAR bytes streamed in chunks: the text\'s report, or none (read as text)': fc.property(harBytes, checkStreamedAsText),
};
