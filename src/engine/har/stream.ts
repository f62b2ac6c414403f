import type { NormalizedLog } from './types.js';
import { EntryNormalizer, pageUrls, type NormalizeMemo } from './normalize.js';
import { isJsonObject } from '../model/json.js';

/** What the reader does to each entry and to the pages before normalizing them. */
export interface StreamOptions {
  /** Applied to each parsed entry before it is normalized (e.g. redaction: the export diagnoses the redacted copy). */
  readonly mapEntry?: (item: unknown) => unknown;
  /** Applied to log.pages before their page URLs are read. */
  readonly mapPages?: (pages: unknown) => unknown;
  /** Told where each element of `log.entries` is in the input, as byte offsets [start, end) (to read it again later). */
  readonly onEntryBytes?: (start: number, end: number) => void;
}

/**
 * Reads a HAR file from its bytes, chunk by chunk, without ever holding the whole text or the whole parsed
 * tree: each element of `log.entries` is cut out of the byte stream (where the separator between elements next
 * appears, see ElementSeparator, or else by reading its bytes one by one), parsed on its own and normalized at once,
 * so only the normalized entries stay (about a quarter of the parsed tree's size, and no text). Everything outside the
 * entries array (version, creator, pages…) is kept as a small "skeleton" text and parsed at the end.
 *
 * Only the usual shape is streamed: one JSON object with `log.entries`, the pages (if any) before the entries.
 * Anything else — invalid JSON, a JSONP wrapper, an array of entries, pages after entries, a repeated key —
 * answers `null` from finish(), and the caller reads the text as before (parseHarText + normalizeHar), which
 * also produces the usual error messages. The streamed result equals normalizeHar(JSON.parse(text)).
 */
export class HarByteReader {
  constructor(
    private readonly options: StreamOptions = {},
    /** The diagnosis run the entries are normalized in (header fields and origins shared across them). */
    private readonly memo?: NormalizeMemo,
  ) {}

  private depth = 0;
  private inString = false;
  /** Backslashes just before the current position inside a string (an odd run escapes the next quote). */
  private backslashes = 0;
  private sawRoot = false;
  /** UTF-8 byte order mark bytes seen at the very start; -1 once past it. */
  private markBytes = 0;
  private notStreamable = false;

  /** Everything but the entries' elements, as bytes. */
  private skeleton: Uint8Array = new Uint8Array(1 << 16);
  private skeletonLength = 0;
  /** Skeleton offsets of the last string read at depth 1 or 2 (a key, if a colon follows). */
  private stringStart = -1;
  private stringEnd = -1;
  private rootKey: string | null = null;
  private logKey: string | null = null;
  private inLog = false;
  private sawLog = false;

  private inEntries = false;
  private sawEntries = false;
  /**
   * The bytes of the element being read, copied (callers may reuse their chunk buffers) into one buffer that is
   * reused for every element: a buffer per element would be a hundred thousand allocations for a big capture.
   */
  private element: Uint8Array = new Uint8Array(1 << 16);
  private elementBytes = 0;
  private inElement = false;
  /** Bytes of the input before the current chunk, and the offset of the current element's first byte. */
  private offset = 0;
  private elementStart = 0;
  private normalizer: EntryNormalizer | null = null;
  private pagesAtStart: ReadonlyMap<string, string> = new Map();
  private readonly decoder = new Utf8Decoder();
  /** The element parsed by cutAtSeparator, waiting for its comma or "]"; NOT_PARSED while the element is read byte by byte. */
  private parsedElement: unknown = NOT_PARSED;
  private readonly separator = new ElementSeparator();

  push(chunk: Uint8Array): void {
    if (this.notStreamable) return;
    let position = 0;
    if (!this.sawRoot) position = this.skipPrologue(chunk);
    // [segmentStart, i) is the run of bytes not yet copied to the skeleton or to the current element.
    let segmentStart = position;
    const flush = (end: number): void => {
      if (end > segmentStart) this.copy(chunk, segmentStart, end);
      segmentStart = end;
    };
    let i = position;
    const length = chunk.length;
    while (i < length && !this.notStreamable) {
      if (this.inString) {
        const quote = chunk.indexOf(QUOTE, i);
        if (quote === -1) {
          this.backslashes = trailingBackslashes(chunk, i, length, this.backslashes);
          i = length;
          break;
        }
        const run = trailingBackslashes(chunk, i, quote, this.backslashes);
        this.backslashes = 0;
        i = quote + 1;
        if (run % 2 === 1) continue;
        this.inString = false;
        if (this.tracksKeys()) {
          flush(i);
          this.stringEnd = this.skeletonLength;
        }
        continue;
      }
      if (this.inElement && this.depth > ENTRIES_DEPTH) {
        // Inside an entry's element (most of the bytes): only strings and nesting matter until it closes.
        i = this.skipInElement(chunk, i, length);
        continue;
      }
      const byte = chunk[i] as number;
      if (this.inEntries && this.depth === ENTRIES_DEPTH) {
        // Between and at the ends of the entries' elements.
        if (byte === COMMA || byte === CLOSE_ARRAY) {
          flush(i);
          this.endElement(this.offset + i);
          if (byte === CLOSE_ARRAY) {
            this.inEntries = false;
            this.depth--;
            segmentStart = i; // the "]" goes to the skeleton
          } else {
            segmentStart = i + 1; // commas between elements are dropped
          }
          i++;
          continue;
        }
        if (isWhitespace(byte)) {
          if (!this.inElement) segmentStart = i + 1;
          i++;
          continue;
        }
        if (!this.inElement) {
          this.inElement = true;
          this.elementStart = this.offset + i;
          segmentStart = i;
          const end = byte === OPEN_OBJECT ? this.cutAtSeparator(chunk, i) : -1;
          if (end !== -1) {
            // Parsed whole, and its bytes need no copy: go on after it, at the entries' depth.
            i = end;
            segmentStart = end;
            continue;
          }
        }
      }
      switch (byte) {
        case QUOTE:
          this.inString = true;
          this.backslashes = 0;
          if (this.tracksKeys()) {
            flush(i);
            this.stringStart = this.skeletonLength;
          }
          break;
        case COLON:
          if (this.tracksKeys()) {
            flush(i);
            this.readKey();
          }
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (this.depth === 0 && byte !== OPEN_OBJECT) this.notStreamable = true;
          if (this.depth === 1 && byte === OPEN_OBJECT && this.rootKey === 'log') {
            if (this.sawLog) this.notStreamable = true;
            this.sawLog = true;
            this.inLog = true;
            this.logKey = null;
          }
          if (this.depth === 2 && this.inLog && byte === OPEN_ARRAY && this.logKey === 'entries') {
            flush(i + 1);
            this.startEntries();
            this.depth++;
            i++;
            segmentStart = i;
            continue;
          }
          this.depth++;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          this.depth--;
          if (this.depth === 1 && this.inLog) this.inLog = false;
          if (this.depth < 0) this.notStreamable = true;
          break;
        default:
          break;
      }
      i++;
    }
    flush(length);
    this.offset += length;
  }

  /**
   * From `start` inside an element nested deeper than the entries array: skips strings and counts brackets
   * until the element closes (returns the position after its last byte, at the entries' depth) or the chunk
   * ends (inside a string: the string's state is carried to the next chunk). The bytes are copied later,
   * by push's flush, as for every other byte.
   */
  private skipInElement(chunk: Uint8Array, start: number, length: number): number {
    let depth = this.depth;
    let i = start;
    while (i < length) {
      const byte = chunk[i] as number;
      if (byte === QUOTE) {
        // The string's closing quote: the next quote not escaped by an odd run of backslashes.
        let from = i + 1;
        for (;;) {
          const quote = chunk.indexOf(QUOTE, from);
          if (quote === -1) {
            this.depth = depth;
            this.inString = true;
            this.backslashes = trailingBackslashes(chunk, from, length, 0);
            return length;
          }
          if (trailingBackslashes(chunk, from, quote, 0) % 2 === 0) {
            i = quote + 1;
            break;
          }
          from = quote + 1;
        }
        continue;
      }
      if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        depth++;
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth--;
        if (depth === ENTRIES_DEPTH) {
          this.depth = depth;
          return i + 1;
        }
      }
      i++;
    }
    this.depth = depth;
    return length;
  }

  /**
   * The fast way through an element that opens at `open`: cut it where the separator between elements next
   * appears in this chunk and parse that. Returns the position after the element, or -1 to read it byte by byte
   * (no separator learned or found in this chunk, or the cut does not parse: then nothing has changed).
   */
  private cutAtSeparator(chunk: Uint8Array, open: number): number {
    if (!this.separator.learn(chunk, open)) return -1;
    const close = this.separator.nextClose(chunk, open + 1);
    if (close === -1) return this.separator.missed();
    let item: unknown;
    try {
      item = JSON.parse(this.decoder.decode(chunk.subarray(open, close + 1)));
    } catch {
      return this.separator.missed();
    }
    this.separator.cut();
    this.parsedElement = item;
    return close + 1;
  }

  /** Elements cut at the learned separator rather than read byte by byte (for tests and benchmarks). */
  get elementsCut(): number {
    return this.separator.hits;
  }

  /** True once the separator kept missing and the reader went back to reading every element byte by byte. */
  get separatorGivenUp(): boolean {
    return this.separator.givenUp;
  }

  /** The normalized log, or null when the input is not in the streamable shape (read the text instead). */
  finish(): NormalizedLog | null {
    return this.finishWithSkeleton()?.log ?? null;
  }

  /** finish(), with the file read outside the entries: the root object, whose log.entries is empty. */
  finishWithSkeleton(): { log: NormalizedLog; skeleton: { readonly [key: string]: unknown } } | null {
    if (this.notStreamable || !this.sawEntries || this.inString || this.depth !== 0 || this.normalizer === null) return null;
    let skeleton: unknown;
    try {
      skeleton = JSON.parse(this.decoder.decode(this.skeleton.subarray(0, this.skeletonLength)));
    } catch {
      return null;
    }
    if (!isJsonObject(skeleton) || !isJsonObject(skeleton.log)) return null;
    const log = skeleton.log;
    if (!Array.isArray(log.entries) || log.entries.length !== 0) return null;
    // Pages written after the entries would have changed the entries' page URLs: read the text instead.
    if (!sameMap(pageUrls(this.mappedPages(log.pages)), this.pagesAtStart)) return null;
    return { log: this.normalizer.finish(log.creator, log.browser), skeleton };
  }

  /** Skips a UTF-8 byte order mark and leading whitespace; anything but "{" is not streamed. */
  private skipPrologue(chunk: Uint8Array): number {
    let i = 0;
    // The mark's three bytes may arrive in different chunks.
    while (this.markBytes >= 0 && this.markBytes < BYTE_ORDER_MARK.length && i < chunk.length) {
      if (chunk[i] !== BYTE_ORDER_MARK[this.markBytes]) {
        if (this.markBytes > 0) this.notStreamable = true; // a partial mark: leave it to the text path
        this.markBytes = -1;
        break;
      }
      this.markBytes++;
      i++;
    }
    if (this.markBytes === BYTE_ORDER_MARK.length) this.markBytes = -1;
    while (i < chunk.length && isWhitespace(chunk[i] as number)) i++;
    if (i === chunk.length) return i;
    if (chunk[i] !== OPEN_OBJECT) this.notStreamable = true;
    this.sawRoot = true;
    return i;
  }

  /** Keys matter at depth 1 (the root object: "log") and 2 (the log: "entries", "pages"). */
  private tracksKeys(): boolean {
    return !this.inEntries && (this.depth === 1 || (this.depth === 2 && this.inLog));
  }

  private readKey(): void {
    if (this.stringStart < 0 || this.stringEnd - this.stringStart > 64) {
      this.setKey(null);
      return;
    }
    try {
      this.setKey(JSON.parse(this.decoder.decode(this.skeleton.subarray(this.stringStart, this.stringEnd))) as string);
    } catch {
      this.setKey(null);
    }
  }

  private setKey(key: string | null): void {
    if (this.depth === 1) {
      if (key === 'log' && this.sawLog) this.notStreamable = true;
      this.rootKey = key;
    } else {
      if (key === 'entries' && this.sawEntries) this.notStreamable = true;
      this.logKey = key;
    }
  }

  private startEntries(): void {
    this.inEntries = true;
    this.sawEntries = true;
    // The pages usually come first: read them from the skeleton so far, closed off.
    let pages: unknown = undefined;
    try {
      const head = this.decoder.decode(this.skeleton.subarray(0, this.skeletonLength));
      const log = (JSON.parse(`${head}]}}`) as { log?: { pages?: unknown } }).log;
      pages = log?.pages;
    } catch {
      // Keys after "log" in the root, or other shapes: the skeleton check in finish() decides.
    }
    this.pagesAtStart = pageUrls(this.mappedPages(pages));
    this.normalizer = new EntryNormalizer(this.pagesAtStart, this.memo);
  }

  private endElement(end: number): void {
    if (!this.inElement) return;
    this.inElement = false;
    this.options.onEntryBytes?.(this.elementStart, end);
    let item = this.parsedElement;
    this.parsedElement = NOT_PARSED;
    const bytes = this.element.subarray(0, this.elementBytes);
    this.elementBytes = 0;
    if (item === NOT_PARSED) {
      try {
        item = JSON.parse(this.decoder.decode(bytes));
      } catch {
        this.notStreamable = true;
        return;
      }
    }
    this.normalizer?.add(this.options.mapEntry === undefined ? item : this.options.mapEntry(item));
  }

  private mappedPages(pages: unknown): unknown {
    return this.options.mapPages === undefined ? pages : this.options.mapPages(pages);
  }

  private copy(chunk: Uint8Array, start: number, end: number): void {
    if (this.inElement) {
      const needed = this.elementBytes + (end - start);
      if (needed > this.element.length) this.element = grown(this.element, this.elementBytes, needed);
      this.element.set(chunk.subarray(start, end), this.elementBytes);
      this.elementBytes = needed;
      return;
    }
    if (this.inEntries) return;
    const needed = this.skeletonLength + (end - start);
    if (needed > this.skeleton.length) this.skeleton = grown(this.skeleton, this.skeletonLength, needed);
    this.skeleton.set(chunk.subarray(start, end), this.skeletonLength);
    this.skeletonLength = needed;
  }
}

const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** Root object = 1, log object = 2, entries array = 3. */
const ENTRIES_DEPTH = 3;

const NOT_PARSED = Symbol('not parsed');

/**
 * Where an element of the entries array ends, found without reading its bytes one by one (which took most of
 * the reader's time): the bytes between two elements, from the "}" closing one to the end of the first key of
 * the next (`},{"startedDateTime"`, or `},\n    {\n      "_initiator"` pretty-printed), are the same all through
 * a file written by one producer. They cannot occur inside a string, where every quote is escaped, but they can
 * inside an element (an array of objects with that key), and an element may differ: so a cut is only taken when
 * it parses as JSON, which happens only when it is the whole element (it starts at the element's "{" and ends at
 * a "}" outside strings: any other "}" leaves it unclosed, or followed by more text). Learned from the first gap
 * between objects; given up when it keeps missing (see missed()).
 */
class ElementSeparator {
  private bytes: Uint8Array | null = null;
  givenUp = false;
  hits = 0;
  private misses = 0;
  private missesInARow = 0;

  /** True when a separator is known, learning it from the gap before the element at `open` if need be. */
  learn(chunk: Uint8Array, open: number): boolean {
    if (this.givenUp) return false;
    this.bytes ??= separatorBefore(chunk, open);
    return this.bytes !== null;
  }

  /** The position of the next "}" that the separator starts with, from `from` in this chunk, or -1. */
  nextClose(chunk: Uint8Array, from: number): number {
    const separator = this.bytes as Uint8Array;
    const last = separator.length - 1;
    for (let at = chunk.indexOf(CLOSE_OBJECT, from); at !== -1 && at + last < chunk.length; at = chunk.indexOf(CLOSE_OBJECT, at + 1)) {
      // From the end: the bytes after a "}" that is not the element's differ soonest there.
      let k = last;
      while (k > 0 && chunk[at + k] === separator[k]) k--;
      if (k === 0) return at;
    }
    return -1;
  }

  cut(): void {
    this.hits++;
    this.missesInARow = 0;
  }

  /**
   * A cut not found or not parsed (an element across chunks, the last one, or another shape): always -1. A miss
   * can cost a search to the chunk's end and a failed parse, so the separator is given up when misses come in a
   * row (the file changed its shape) or outnumber a quarter of the cuts (elements alternate shapes).
   */
  missed(): -1 {
    this.misses++;
    this.missesInARow++;
    if (this.missesInARow > 16 || (this.misses > 16 && this.misses > this.hits / 4)) this.givenUp = true;
    return -1;
  }
}

/**
 * The separator ending at the first key of the object that opens at `open` and starting at the "}" that closes the
 * element before it (only whitespace and one comma between), or null when the bytes there are not that shape or
 * run out of the chunk.
 */
function separatorBefore(chunk: Uint8Array, open: number): Uint8Array | null {
  let start = open - 1;
  while (start >= 0 && isWhitespace(chunk[start] as number)) start--;
  if (start < 0 || chunk[start] !== COMMA) return null;
  start--;
  while (start >= 0 && isWhitespace(chunk[start] as number)) start--;
  if (start < 0 || chunk[start] !== CLOSE_OBJECT) return null;
  let keyStart = open + 1;
  while (keyStart < chunk.length && isWhitespace(chunk[keyStart] as number)) keyStart++;
  if (chunk[keyStart] !== QUOTE) return null;
  const keyEnd = chunk.indexOf(QUOTE, keyStart + 1);
  if (keyEnd === -1 || keyEnd - keyStart > 64 || chunk.subarray(keyStart, keyEnd).includes(BACKSLASH)) return null;
  return chunk.slice(start, keyEnd + 1);
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The run of backslashes ending just before `end` (continuing `carried` if the run reaches `start`). */
function trailingBackslashes(chunk: Uint8Array, start: number, end: number, carried: number): number {
  let run = 0;
  let k = end - 1;
  while (k >= start && chunk[k] === BACKSLASH) {
    run++;
    k--;
  }
  return k < start ? run + carried : run;
}

/** A buffer of at least `needed` bytes holding the first `used` bytes of `buffer` (doubling, to keep copies rare). */
function grown(buffer: Uint8Array, used: number, needed: number): Uint8Array {
  const larger = new Uint8Array(Math.max(needed, buffer.length * 2));
  larger.set(buffer.subarray(0, used));
  return larger;
}


function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

interface TextDecoderLike {
  decode(input?: Uint8Array): string;
}

/** UTF-8 bytes to text, with the platform's TextDecoder (Node and browsers; the engine compiles without their types). */
export class Utf8Decoder {
  private readonly decoder = new (globalThis as unknown as { TextDecoder: new (label: string) => TextDecoderLike }).TextDecoder('utf-8');

  decode(bytes: Uint8Array): string {
    return this.decoder.decode(bytes);
  }
}
