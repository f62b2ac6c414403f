/**
 * One passing and one failing fixture per rule, with the failure reason the failing one must produce.
 * The registry test requires an entry here for every registered rule.
 */
import type { Entry } from 'har-format';
import type { RuleId } from '../../src/engine/rules/registry.js';
import { API, PAGE, exchange } from '../fixtures/builders.js';

export interface RuleFixture {
  readonly pass: Entry[];
  readonly fail: Entry[];
  readonly reason: string;
}

const PUT_JSON = { method: 'PUT', headers: { 'Content-Type': 'application/json' } } as const;
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
  'redirect-contains-credentials': {
    pass: exchange().redirect({ to: 'https://cdn.example.org/items', acao: PAGE }).actual({ acao: 'null' }).entries(),
    fail: exchange().redirect({ to: 'https://user:secret@cdn.example.org/items', acao: PAGE }).actual({ notSent: true }).entries(),
    reason: 'userinfo-in-location',
  },
  'request-failed-before-response': {
    pass: exchange().actual({ acao: PAGE }).entries(),
    fail: exchange().actual({ notSent: true, error: 'net::ERR_BLOCKED_BY_CLIENT' }).entries().map(withError('net::ERR_BLOCKED_BY_CLIENT')),
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
};

/** Replaces the recorded error of non-preflight entries. */
export function withError(error: string): (entry: Entry) => Entry {
  return (entry) => (entry.request.method === 'OPTIONS' ? entry : { ...entry, response: { ...entry.response, _error: error } as Entry['response'] });
}
