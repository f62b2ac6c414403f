/**
 * `curl` commands that replay a captured request with the headers the browser sent (Origin first), from the
 * export's embedded — and by default redacted — HAR. Hostile values cannot break out of the shell quoting:
 * anything with control, bidi or non-ASCII characters is written as ANSI-C `$'…'` with escapes.
 */
import { hasInvisible } from './escape.js';

/** Headers curl sets itself, or that cannot be replayed as written (HTTP/2 pseudo-headers). */
const SKIPPED: ReadonlySet<string> = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'keep-alive', 'transfer-encoding']);

export interface CurlRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
}

export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  if (hasInvisible(value) || /[^\u0020-\u007e]/.test(value)) {
    let quoted = '';
    for (const char of value) {
      const code = char.codePointAt(0) ?? 0;
      if (char === '\\' || char === "'") quoted += `\\${char}`;
      else if (code >= 0x20 && code < 0x7f) quoted += char;
      else if (code < 0x80) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
      else if (code <= 0xffff) quoted += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
      else quoted += `\\U${code.toString(16).toUpperCase().padStart(8, '0')}`;
    }
    return `$'${quoted}'`;
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One command, one option per line. `origin` is added when the recorded headers have none. */
export function curlCommand(request: CurlRequest, origin: string | null): string {
  const method = request.method.toUpperCase();
  const verb = method === 'HEAD' ? 'curl -I' : method === 'GET' ? 'curl -i' : `curl -i -X ${shellQuote(request.method)}`;
  const parts: string[] = [`${verb} ${shellQuote(request.url)}`];
  const headers = request.headers.filter((header) => !header.name.startsWith(':') && !SKIPPED.has(header.name.toLowerCase()));
  const hasOrigin = headers.some((header) => header.name.toLowerCase() === 'origin');
  if (!hasOrigin && origin !== null) parts.push(`-H ${shellQuote(`Origin: ${origin}`)}`);
  // Origin first: it is the header the CORS checks are about.
  const ordered = [...headers.filter((header) => header.name.toLowerCase() === 'origin'), ...headers.filter((header) => header.name.toLowerCase() !== 'origin')];
  for (const header of ordered) parts.push(`-H ${shellQuote(`${header.name}: ${header.value}`)}`);
  return parts.join(' \\\n  ');
}
