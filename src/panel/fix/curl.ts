import { shellQuote, type ReportExchange } from '../../engine/index';
import { hopUrlOf, isPreflightEntry, type RecordedEntries, type RecordedEntry, type RecordedHeader } from './recorded';

/**
 * `curl` commands that reproduce the preflight and the actual request with the real Origin and request
 * headers, so the server can be checked after deploying. Secrets never leave the panel: Cookie,
 * Authorization and token-like values are replaced by a placeholder, as are secret-looking query parameters.
 */
export const REDACTED = '<redacted>';

/** Headers the browser adds or curl sets itself: not part of what the server is checked against. */
const DROPPED = /^(host|connection|content-length|accept-encoding|user-agent|referer|priority|sec-.*|:.*)$/i;
const SECRET_NAMES = /^(cookie|authorization|proxy-authorization)$|token|secret|session|api[-_]?key|password|passwd|csrf|xsrf|credential|signature|^x-auth/i;
const SECRET_VALUES = /^(bearer|basic|digest|negotiate|token)\s|^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+|^[A-Za-z0-9+/_=-]{32,}$/i;
const SECRET_PARAMS = /token|secret|session|key|password|passwd|auth|sig|signature|code|credential/i;

export function redactHeader(header: RecordedHeader): RecordedHeader {
  if (SECRET_NAMES.test(header.name) || SECRET_VALUES.test(header.value.trim())) return { name: header.name, value: REDACTED };
  return header;
}

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = '';
    parsed.password = '';
  }
  for (const name of [...new Set(parsed.searchParams.keys())]) {
    if (SECRET_PARAMS.test(name)) parsed.searchParams.set(name, 'REDACTED');
  }
  return parsed.href;
}

function command(method: string, url: string, headers: readonly RecordedHeader[], note: string | null): string {
  const verb = method === 'GET' ? 'curl -i' : method === 'HEAD' ? 'curl -I' : `curl -i -X ${shellQuote(method)}`;
  const lines = [`${verb} ${shellQuote(redactUrl(url))}`, ...headers.map((header) => `-H ${shellQuote(`${header.name}: ${header.value}`)}`)];
  return `${note === null ? '' : `# ${note}\n`}${lines.join(' \\\n  ')}`;
}

function requestHeaders(entry: RecordedEntry, origin: string | null): RecordedHeader[] {
  const kept = entry.request.headers.filter((header) => !DROPPED.test(header.name)).map(redactHeader);
  const hasOrigin = kept.some((header) => header.name.toLowerCase() === 'origin');
  const withOrigin = hasOrigin || origin === null ? kept : [{ name: 'Origin', value: origin }, ...kept];
  return [...withOrigin.filter((header) => header.name.toLowerCase() === 'origin'), ...withOrigin.filter((header) => header.name.toLowerCase() !== 'origin')];
}

export interface CurlCommands {
  readonly preflight: string | null;
  readonly actual: string | null;
}

/**
 * The commands for the exchange's first hop. The preflight comes from the recorded OPTIONS entry, or is
 * built from the actual request when the capture has none (a cached preflight).
 */
export function curlCommands(exchange: ReportExchange, recorded: RecordedEntries): CurlCommands {
  const entries = exchange.entries.map((index) => recorded[index]).filter((entry): entry is RecordedEntry => entry !== undefined);
  const actual = entries.find((entry) => !isPreflightEntry(entry) && entry.request.url === exchange.url) ?? entries.find((entry) => !isPreflightEntry(entry));
  const preflight = entries.find((entry) => isPreflightEntry(entry) && hopUrlOf(entry) === exchange.url) ?? entries.find(isPreflightEntry);
  const origin = exchange.initiatorOrigin;
  const body = actual !== undefined && !['GET', 'HEAD', 'OPTIONS'].includes(actual.request.method)
    ? 'the request body is not included: add --data-binary @body if the server needs it'
    : null;
  let preflightCommand: string | null = null;
  if (preflight !== undefined) {
    preflightCommand = command('OPTIONS', preflight.request.url, requestHeaders(preflight, origin), 'The preflight: the response needs a 2xx status and the Access-Control-Allow-* headers');
  } else if (exchange.preflight.status !== 'not-needed' && actual !== undefined) {
    const names = exchange.preflight.reasons.flatMap((reason) => (reason.kind === 'header' ? [reason.name.toLowerCase()] : []));
    const headers: RecordedHeader[] = [
      ...(origin === null ? [] : [{ name: 'Origin', value: origin }]),
      { name: 'Access-Control-Request-Method', value: exchange.method },
      ...(names.length > 0 ? [{ name: 'Access-Control-Request-Headers', value: [...new Set(names)].sort().join(',') }] : []),
    ];
    preflightCommand = command('OPTIONS', exchange.url, headers, 'The preflight the browser sends (not in the capture: probably cached)');
  }
  const actualCommand = actual === undefined
    ? null
    : command(actual.request.method, actual.request.url, requestHeaders(actual, origin), body ?? 'The request itself: the response needs Access-Control-Allow-Origin');
  return { preflight: preflightCommand, actual: actualCommand };
}
