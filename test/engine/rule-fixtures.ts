/**
 * One passing and one failing fixture per rule, with the failure reason the failing one must produce.
 * The registry test requires an entry here for every registered rule.
 */
import type { Entry } from 'har-format';
import type { RuleId } from '../../src/engine/rules/registry.js';
import { API, PAGE, exchange, sameOriginGet } from '../fixtures/builders.js';

export interface RuleFixture {
  readonly pass: Entry[];
  readonly fail: Entry[];
  readonly reason: string;
}

/** A second page origin, for capture-level rules that compare origins. */
export const OTHER = 'https://admin.other-site.example';

/** The page's own same-origin API call, with the given Access-Control-Allow-Origin (or none). */
export function sameOrigin(acao: string | null): Entry[] {
  return sameOriginGet().map((item) => (acao === null ? item : {
    ...item,
    response: { ...item.response, headers: [...item.response.headers, { name: 'access-control-allow-origin', value: acao }] },
  }));
}

const PUT_JSON = { method: 'PUT', headers: { 'Content-Type': 'application/json' } } as const;
const GET_AUTHORIZATION = { headers: { Authorization: 'Bearer t' } } as const;
const goodPreflight = { acao: PAGE, acam: 'PUT', acah: 'content-type' } as const;

export const RULE_FIXTURES: Record<RuleId, RuleFixture> = {
  'preflight-redirected': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight({ redirectTo: `${API}/` }).actual({ notSent: true }).entries(),
    reason: 'redirect-response',
  },
  'missing-allow-origin': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    fail: exchange().actual({ error: 'net::ERR_FAILED' }).entries(),
    reason: 'header-absent',
  },
  'wildcard-origin-with-credentials': {
    pass: exchange().actual({ acao: '*' }).entries(),
    fail: exchange({ cookie: 'sid=1' }).actual({ acao: '*', acac: 'true', error: 'net::ERR_FAILED' }).entries(),
    reason: 'credentialed-request',
  },
  'multiple-allow-origin-values': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    fail: exchange().actual({ acao: [PAGE, PAGE], error: 'net::ERR_FAILED' }).entries(),
    reason: 'repeated-header-lines',
  },
  'invalid-allow-origin-value': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    fail: exchange().actual({ acao: '*.example', error: 'net::ERR_FAILED' }).entries(),
    reason: 'not-an-origin',
  },
  'allow-origin-mismatch': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    fail: exchange().actual({ acao: 'https://other.example', error: 'net::ERR_FAILED' }).entries(),
    reason: 'different-origin',
  },
  'invalid-allow-credentials': {
    pass: exchange({ cookie: 'sid=1' }).actual({ acao: PAGE, acac: 'true' }).entries(),
    fail: exchange({ cookie: 'sid=1' }).actual({ acao: PAGE, error: 'net::ERR_FAILED' }).entries(),
    reason: 'header-absent',
  },
  'preflight-invalid-status': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight({ ...goodPreflight, status: 404 }).actual({ notSent: true }).entries(),
    reason: 'not-ok-status',
  },
  'invalid-allow-methods': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight({ ...goodPreflight, acam: 'PUT; GET' }).actual({ notSent: true }).entries(),
    reason: 'not-a-token-list',
  },
  'invalid-allow-headers': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight({ ...goodPreflight, acah: '"content-type"' }).actual({ notSent: true }).entries(),
    reason: 'not-a-token-list',
  },
  'disallowed-request-method': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight({ ...goodPreflight, acam: 'GET, POST' }).actual({ notSent: true }).entries(),
    reason: 'not-listed',
  },
  'disallowed-request-header': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight({ ...goodPreflight, acah: 'x-other' }).actual({ notSent: true }).entries(),
    reason: 'not-listed',
  },
  'authorization-covered-by-wildcard': {
    pass: exchange(GET_AUTHORIZATION).preflight({ acao: PAGE, acah: '*, authorization' }).actual({ acao: PAGE }).entries(),
    fail: exchange(GET_AUTHORIZATION).preflight({ acao: PAGE, acah: '*' }).actual({ acao: PAGE }).entries(),
    reason: 'wildcard-only',
  },
  'redirected-preflight-origin': {
    // PUT 307 → another origin: the second hop's preflight carries Origin: null (Chromium's HAR).
    pass: exchange(PUT_JSON).preflight(goodPreflight).redirect({ status: 307, to: 'https://cdn.example.org/items', acao: PAGE })
      .preflight({ ...goodPreflight, acao: '*' }).actual({ acao: '*' }).entries(),
    fail: exchange(PUT_JSON).preflight(goodPreflight).redirect({ status: 307, to: 'https://cdn.example.org/items', acao: PAGE })
      .preflight(goodPreflight).actual({ notSent: true }).entries(),
    reason: 'chromium-blocks',
  },
  'redirect-contains-credentials': {
    pass: exchange().redirect({ to: 'https://cdn.example.org/items', acao: PAGE }).actual({ acao: 'null' }).entries(),
    fail: exchange().redirect({ to: 'https://user:secret@cdn.example.org/items', acao: PAGE }).actual({ notSent: true }).entries(),
    reason: 'userinfo-in-location',
  },
  'request-failed-before-response': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    // A blocker's ERR_BLOCKED_BY_CLIENT is now named by blocked-by-extension, which supersedes this rule.
    fail: exchange().actual({ notSent: true, error: 'net::ERR_NAME_NOT_RESOLVED' }).entries().map(withError('net::ERR_NAME_NOT_RESOLVED')),
    reason: 'non-cors-network-error',
  },
  'unexplained-network-error': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    fail: exchange().actual({ acao: PAGE, acac: 'true', error: 'net::ERR_FAILED' }).entries(),
    reason: 'headers-pass-every-check',
  },
  'preflight-not-in-capture': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).actual({ acao: PAGE }).entries(),
    reason: 'no-options-entry',
  },
  'actual-request-not-in-capture': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries().filter((entry) => entry.request.method === 'OPTIONS'),
    reason: 'preflight-only',
  },

  // ── Classification: what a failure really is ─────────────────────────────────────────────────────────────
  'blocked-by-extension': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    fail: exchange().actual({ notSent: true }).entries().map(withError('net::ERR_BLOCKED_BY_CLIENT')),
    reason: 'blocked-by-client',
  },
  'blocked-by-page-policy': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    fail: exchange().actual({ notSent: true }).entries().map(withError('net::ERR_BLOCKED_BY_CSP')),
    reason: 'csp',
  },
  'blocked-by-response-policy': {
    pass: exchange().actual({ acao: PAGE, headers: { 'cross-origin-resource-policy': 'cross-origin' } }).entries(),
    fail: exchange().actual({ acao: PAGE, headers: { 'cross-origin-resource-policy': 'same-origin' }, error: 'net::ERR_BLOCKED_BY_RESPONSE' }).entries(),
    reason: 'corp',
  },
  'local-network-access-denied': {
    pass: exchange({ url: 'http://192.168.1.10/api' }).actual({ acao: PAGE }).entries(),
    fail: exchange({ url: 'http://192.168.1.10/api' }).actual({ notSent: true }).entries(),
    reason: 'permission-denied',
  },
  'request-cancelled': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    fail: exchange().actual({ notSent: true }).entries().map(withError('net::ERR_ABORTED')),
    reason: 'cancelled-before-response',
  },
  'error-response-without-cors': {
    pass: exchange().actual({ status: 500, acao: PAGE }).entries(),
    fail: exchange().actual({ status: 500, error: 'net::ERR_FAILED' }).entries(),
    reason: 'actual-error-status',
  },
  'options-route-missing': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight({ status: 405, headers: { allow: 'GET, POST' } }).actual({ notSent: true }).entries(),
    reason: 'no-options-handler',
  },
  'preflight-blocked-by-auth': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight({ status: 401, headers: { 'www-authenticate': 'Bearer realm="api"' } }).actual({ notSent: true }).entries(),
    reason: 'auth-before-cors',
  },
  'preflight-redirect-cause': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight({ redirectTo: `${API}/` }).actual({ notSent: true }).entries(),
    reason: 'trailing-slash',
  },
  'duplicate-cors-header': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    fail: exchange().actual({ acao: [PAGE, PAGE], error: 'net::ERR_FAILED' }).entries(),
    reason: 'repeated-lines',
  },
  'cors-unblocking-extension': {
    pass: exchange().actual({ acao: '*' }).entries(),
    fail: exchange().actual({ acao: '*' }).entries().map(withRequestHeader('Origin', 'https://api.example.net')),
    reason: 'rewritten-origin',
  },

  // ── Security audit of exchanges that worked ──────────────────────────────────────────────────────────────
  'reflected-origin-with-credentials': {
    pass: exchange().actual({ acao: PAGE, acac: 'true' }).entries(),
    fail: [
      ...exchange().actual({ acao: PAGE, acac: 'true' }).entries(),
      ...exchange({ origin: OTHER, at: 100 }).actual({ acao: OTHER, acac: 'true' }).entries(),
    ],
    reason: 'several-origins-reflected',
  },
  'untrusted-origin-allowed': {
    pass: exchange().actual({ acao: PAGE, acac: 'true' }).entries(),
    fail: exchange({ origin: 'http://localhost:3000' }).actual({ acao: 'http://localhost:3000', acac: 'true' }).entries(),
    reason: 'local-origin',
  },
  'wildcard-origin-on-private-response': {
    pass: exchange().actual({ acao: '*' }).entries(),
    fail: exchange().actual({ acao: '*', headers: { 'set-cookie': 'sid=1; Secure; HttpOnly' } }).entries(),
    reason: 'sets-cookie',
  },
  'missing-vary-origin': {
    pass: [
      ...exchange().actual({ acao: PAGE, headers: { vary: 'Accept-Encoding, Origin' } }).entries(),
      ...exchange({ origin: OTHER, at: 100 }).actual({ acao: OTHER, headers: { vary: 'Accept-Encoding, Origin' } }).entries(),
    ],
    fail: [
      ...exchange().actual({ acao: PAGE }).entries(),
      ...exchange({ origin: OTHER, at: 100 }).actual({ acao: OTHER }).entries(),
    ],
    reason: 'values-differ-by-origin',
  },
  'overly-broad-allow-list': {
    pass: exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    fail: exchange(PUT_JSON).preflight({ ...goodPreflight, acam: '*' }).actual({ acao: PAGE }).entries(),
    reason: 'wildcard',
  },

  // ── Cost ─────────────────────────────────────────────────────────────────────────────────────────────────
  'repeated-preflight': {
    pass: [
      ...exchange(PUT_JSON).preflight({ ...goodPreflight, maxAge: '7200' }).actual({ acao: PAGE }).entries(),
      ...exchange({ ...PUT_JSON, at: 30_000 }).actual({ acao: PAGE }).entries(),
    ],
    fail: [
      ...exchange(PUT_JSON).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
      ...exchange({ ...PUT_JSON, at: 30_000 }).preflight(goodPreflight).actual({ acao: PAGE }).entries(),
    ],
    reason: 'max-age-missing',
  },
  'unexposed-response-header': {
    pass: exchange().actual({ acao: PAGE, headers: { 'x-total-count': '42', 'access-control-expose-headers': 'X-Total-Count' } }).entries(),
    fail: exchange().actual({ acao: PAGE, headers: { 'x-total-count': '42' } }).entries(),
    reason: 'not-exposed',
  },
};


/** Sets a request header (every line of that name) on every entry, as an extension rewriting requests does. */
export function withRequestHeader(name: string, value: string): (entry: Entry) => Entry {
  const lower = name.toLowerCase();
  return (entry) => ({ ...entry, request: { ...entry.request, headers: entry.request.headers.map((header) => (header.name.toLowerCase() === lower ? { ...header, value } : header)) } });
}

/** Replaces the recorded error of non-preflight entries. */
export function withError(error: string): (entry: Entry) => Entry {
  return (entry) => (entry.request.method === 'OPTIONS' ? entry : { ...entry, response: { ...entry.response, _error: error } as Entry['response'] });
}
