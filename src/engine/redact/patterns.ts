/**
 * What counts as a secret in a capture, and how one is replaced. Pure string functions: the engine has no
 * URL type of its own here on purpose — a redacted URL must keep everything the diagnosis reads (scheme,
 * host, port, path shape, whether user info is present) and replace only values.
 */
import { BROWSER_ADDED_REQUEST_HEADERS, CORS_SAFELISTED_REQUEST_HEADER_NAMES } from '../spec/headers.js';

/** Replaces a header value, body or title. */
export const REDACTED = '[REDACTED]';
/** Replaces a value inside a URL: only unreserved characters, so URL parsers leave it alone. */
export const REDACTED_IN_URL = 'REDACTED';

/** Header values that are credentials whatever they look like. The header stays, so its presence still counts. */
const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'cookie', 'cookie2', 'set-cookie', 'set-cookie2', 'authorization', 'proxy-authorization', 'www-authenticate',
  'proxy-authenticate', 'x-api-key', 'x-auth-token', 'x-csrf-token', 'x-xsrf-token', 'x-amz-security-token',
]);

/** Headers whose value is a URL: its query and user info are redacted, its origin and path kept. */
const URL_HEADERS: ReadonlySet<string> = new Set(['referer', 'location', 'content-location', ':path', 'link']);

/**
 * Headers the CORS checks or the pairing read, kept byte for byte: redacting them would change the diagnosis.
 * Safelisted request headers count too (their values decide whether a preflight was needed).
 */
function isKeptHeader(lowerName: string): boolean {
  if (lowerName.startsWith('access-control-') || lowerName.startsWith('sec-fetch-')) return true;
  if (CORS_SAFELISTED_REQUEST_HEADER_NAMES.has(lowerName) || BROWSER_ADDED_REQUEST_HEADERS.has(lowerName)) {
    // If-None-Match carries an ETag (often a long hash): any value means the same to the diagnosis.
    return lowerName !== 'if-none-match';
  }
  return KEPT_HEADERS.has(lowerName);
}

const KEPT_HEADERS: ReadonlySet<string> = new Set([
  'origin', 'vary', 'content-type', 'host', ':authority', ':method', ':scheme', ':status', 'timing-allow-origin',
  'cross-origin-resource-policy', 'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'content-length',
  'accept-encoding', 'content-encoding', 'connection', 'date', 'server', 'cache-control', 'age', 'expires',
  'last-modified', 'keep-alive', 'transfer-encoding', 'upgrade-insecure-requests', 'dnt',
]);

/** Names of parameters and headers that hold credentials: token, key, secret, session, sid, auth, password, OAuth code and state, … */
const SECRET_NAME =
  /token|key|secret|sess(ion)?|(^|[^a-z])sid([^a-z]|$)|auth|passw|pwd|signature|(^|[^a-z])sig([^a-z]|$)|(^|[^a-z])code([^a-z]|$)|credential|csrf|xsrf|nonce|otp|jwt|ticket|saml|private|(^|[^a-z])state([^a-z]|$)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const SCHEME_CREDENTIALS = /\b(Bearer|Basic|Digest|Token|Negotiate|NTLM|AWS4-HMAC-SHA256|HOBA|Mutual)\s+[^\s,;]+/gi;
const LONG_HEX = /\b[0-9a-fA-F]{32,}\b/g;
/** A run of base64 / base64url characters at least 32 long holding digits, upper and lower case. */
const LONG_BASE64 = /[A-Za-z0-9+/_-]{32,}={0,2}/g;
/** The same inside a URL path or query, where "/" separates segments. */
const LONG_BASE64_IN_URL = /[A-Za-z0-9+_-]{32,}={0,2}/g;

function mixed(text: string): boolean {
  return /[0-9]/.test(text) && /[A-Z]/.test(text) && /[a-z]/.test(text);
}

/** True when the whole value, or a long part of it, looks like a token, key or session id. */
export function looksLikeSecret(value: string): boolean {
  return replaceSecretsIn(value, REDACTED) !== value;
}

/**
 * Whether a value holds what one of the patterns above needs to match: a space (after a scheme), a JWT's "eyJ"
 * or a run of 32 base64 characters (hex and base64url are subsets); non-ASCII text is given to the patterns.
 * Most values hold none, and one pass over them costs less than the four replacements (100k entries: every URL
 * and scanned header value). A regular expression for the same costs more: it retries the run at every start.
 */
function mayHoldSecret(value: string): boolean {
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) return true;
    if (code === 0x4a && i >= 2 && value.charCodeAt(i - 1) === 0x79 && value.charCodeAt(i - 2) === 0x65) return true;
    const base64 = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x2b || code === 0x2f || code === 0x5f || code === 0x2d;
    run = base64 ? run + 1 : 0;
    if (run >= 32) return true;
  }
  return false;
}

/** Replaces every token-like part of a free-form value (JWTs, `Bearer …`, long hex or base64 runs). */
export function replaceSecretsIn(value: string, placeholder: string, inUrl = false): string {
  return mayHoldSecret(value) ? replaceEverySecretIn(value, placeholder, inUrl) : value;
}

/** replaceSecretsIn without the first look (exported for the test that holds the two equal). */
export function replaceEverySecretIn(value: string, placeholder: string, inUrl = false): string {
  return value
    .replace(SCHEME_CREDENTIALS, (_match, scheme: string) => `${scheme} ${placeholder}`)
    .replace(JWT, placeholder)
    .replace(LONG_HEX, placeholder)
    .replace(inUrl ? LONG_BASE64_IN_URL : LONG_BASE64, (run) => (mixed(run) && !run.includes(placeholder) ? placeholder : run));
}

export type HeaderTreatment = 'kept' | 'secret' | 'url' | 'scanned';

export function headerTreatment(lowerName: string): HeaderTreatment {
  if (SECRET_HEADERS.has(lowerName)) return 'secret';
  if (URL_HEADERS.has(lowerName)) return 'url';
  if (isKeptHeader(lowerName)) return 'kept';
  if (isSecretName(lowerName)) return 'secret';
  return 'scanned';
}

/** One header value, redacted. Returns the value unchanged when nothing in it is secret. */
export function redactHeaderValue(lowerName: string, value: string): string {
  return redactHeaderValueAs(headerTreatment(lowerName), value);
}

/** redactHeaderValue for a header whose treatment is known (headerTreatment of its lower-case name). */
export function redactHeaderValueAs(treatment: HeaderTreatment, value: string): string {
  switch (treatment) {
    case 'kept':
      return value;
    case 'secret':
      return value === '' || value === REDACTED ? value : REDACTED;
    case 'url':
      return redactUrl(value);
    case 'scanned':
      return replaceSecretsIn(value, REDACTED);
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** A query parameter value: redacted when its name is secret-looking or its value looks like a token. */
export function redactParam(name: string, value: string): string {
  if (value === '' || value === REDACTED_IN_URL || value === REDACTED) return value;
  if (isSecretName(safeDecode(name))) return REDACTED_IN_URL;
  const decoded = safeDecode(value);
  return replaceSecretsIn(decoded, REDACTED_IN_URL) !== decoded ? REDACTED_IN_URL : replaceSecretsIn(value, REDACTED_IN_URL, true);
}

/** Told the name of each part of a URL that was redacted: a parameter name, "(user info)", "(path)"… */
export type FoundSecret = (name: string) => void;

/** `a=1&token=x` → `a=1&token=REDACTED`; names and order kept. */
function redactParams(query: string, found: FoundSecret, unnamed: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) {
        const redacted = replaceSecretsIn(pair, REDACTED_IN_URL, true);
        if (redacted !== pair) found(unnamed);
        return redacted;
      }
      const name = pair.slice(0, equals);
      const value = pair.slice(equals + 1);
      const redacted = redactParam(name, value);
      if (redacted !== value) found(safeDecode(name));
      return `${name}=${redacted}`;
    })
    .join('&');
}

const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s;

/**
 * Redacts a URL (absolute or relative): user info becomes REDACTED[:REDACTED]@ (its presence matters to the
 * redirect check), secret query and fragment parameters become REDACTED, token-like path segments too.
 * The scheme, host, port and path shape — everything the CORS checks read — are kept.
 */
export function redactUrl(url: string, found: FoundSecret = () => undefined): string {
  return nothingToRedactIn(url) ? url : redactEveryPartOf(url, found);
}

/** redactUrl without the first look (exported for the test that holds the two equal). */
export function redactEveryPartOf(url: string, found: FoundSecret = () => undefined): string {
  let prefix = '';
  let rest = url;
  const absolute = ABSOLUTE.exec(url);
  if (absolute !== null) {
    const [, scheme = '', authority = '', tail = ''] = absolute;
    const at = authority.lastIndexOf('@');
    let host = authority;
    if (at !== -1) {
      const userInfo = authority.slice(0, at);
      const colon = userInfo.indexOf(':');
      const user = colon === -1 ? userInfo : userInfo.slice(0, colon);
      const password = colon === -1 ? null : userInfo.slice(colon + 1);
      const redactedUser = user === '' ? '' : REDACTED_IN_URL;
      const redactedPassword = password === null ? '' : `:${password === '' ? '' : REDACTED_IN_URL}`;
      host = `${redactedUser}${redactedPassword}@${authority.slice(at + 1)}`;
      if (userInfo !== '' && userInfo !== ':') found('(user info)');
    }
    prefix = `${scheme}${host}`;
    rest = tail;
  }
  const hash = rest.indexOf('#');
  const fragment = hash === -1 ? null : rest.slice(hash + 1);
  const beforeHash = hash === -1 ? rest : rest.slice(0, hash);
  const question = beforeHash.indexOf('?');
  const path = question === -1 ? beforeHash : beforeHash.slice(0, question);
  const query = question === -1 ? null : beforeHash.slice(question + 1);
  const redactedPath = replaceSecretsIn(path, REDACTED_IN_URL, true);
  if (redactedPath !== path) found('(path)');
  const redactedQuery = query === null ? '' : `?${redactParams(query, found, '(query)')}`;
  let redactedFragment = '';
  if (fragment !== null) {
    const scanned = replaceSecretsIn(fragment, REDACTED_IN_URL, true);
    if (!fragment.includes('=') && scanned !== fragment) found('(fragment)');
    redactedFragment = `#${fragment.includes('=') ? redactParams(fragment, found, '(fragment)') : scanned}`;
  }
  const redacted = `${prefix}${redactedPath}${redactedQuery}${redactedFragment}`;
  // Unchanged, the URL itself: the diagnosis keeps it, and one string takes less memory than the parts joined.
  return redacted === url ? url : redacted;
}

/**
 * redactUrl's usual case, told without taking the URL apart: no user info, fragment or escapes (which decode to
 * other characters), nothing token-like anywhere, and so no parameter to redact but one with a secret name.
 */
function nothingToRedactIn(url: string): boolean {
  if (ASKS_FOR_THE_LONG_WAY.test(url) || mayHoldSecret(url)) return false;
  const question = url.indexOf('?');
  return question === -1 || url.slice(question + 1).split('&').every((pair) => !isSecretName(pair.split('=', 1)[0] ?? ''));
}

const ASKS_FOR_THE_LONG_WAY = /[@#%+]/;
