// A differential scenario served again with the fixes a report proposes for it (the problems' consolidated fixes,
// applied to the responses they target), for the proofs that each fix works in a real browser: Chromium's
// (problem-fixes.test.ts) and Firefox's (firefox-problem-fixes.test.ts).
import { originOf, type Finding, type HeaderPatch, type ReportExchange, type ServerFix } from '../../src/engine/index';
import type { ResponseSpec, Scenario } from './scenarios';

/**
 * A recording's concrete origins back to the table's tokens, so a fix serves on this run's ports; the page's
 * own origin when it is none of them (a frame on another port) is echoed from the request ($ORIGIN).
 */
export function tokens(value: string, pageOrigin: string | null, origins: Readonly<Record<string, string>>): string {
  const known = ['page', 'api', 'alt', 'audit'].map((key) => origins[key]);
  if (pageOrigin !== null && value === pageOrigin && !known.includes(pageOrigin)) return '$ORIGIN';
  let out = value;
  for (const [key, token] of [['page', '$PAGE'], ['api', '$API'], ['alt', '$ALT'], ['audit', '$AUDIT']] as const) {
    const origin = origins[key];
    if (origin !== undefined) out = out.replaceAll(origin, token);
  }
  return out;
}

function patched(headers: ResponseSpec['headers'], patches: readonly HeaderPatch[], pageOrigin: string | null, origins: Readonly<Record<string, string>>): Array<readonly [string, string]> {
  let lines = [...(headers ?? [])];
  for (const patch of patches) {
    const same = (name: string) => name.toLowerCase() === patch.name.toLowerCase();
    if (patch.action !== 'add') lines = lines.filter(([name]) => !same(name));
    if (patch.action !== 'remove' && patch.value !== null) lines.push([patch.name, tokens(patch.value, pageOrigin, origins)]);
  }
  return lines;
}

/** The hop a finding's response belongs to: the scenario server numbers hops in the URL (/s/<id>/<hop>). */
function hopOf(finding: Finding): number {
  return Number(/\/(\d+)(?:[?#]|$)/.exec(finding.url)?.[1] ?? 0);
}

/**
 * The scenario with the exchange's problem fixes applied, or the reason it cannot be served so. A fix that moves a
 * redirect (a Location header) is not served: the table describes redirects by target, not by header.
 */
export function fixedScenario(
  scenario: Scenario, exchange: ReportExchange, origins: Readonly<Record<string, string>>, applied = onRecordedResponse, prefix = 'fixed-',
): Scenario | string {
  let preflight = scenario.preflight;
  let reconnect = scenario.reconnect;
  const actual = [...(scenario.actual ?? [{}])];
  for (const finding of exchange.findings) {
    const fix = finding.fix;
    if (fix === null || fix.target === 'client' || !applied(finding)) continue;
    if (fix.headers.some((patch) => patch.name.toLowerCase() === 'location')) return 'its fix moves a redirect';
    const onPreflight = finding.response.startsWith('preflight');
    if (fix.target === 'preflight' || fix.target === 'all-responses' || onPreflight) {
      if (fix.target !== 'actual' && fix.target !== 'redirect') {
        const base: ResponseSpec = preflight ?? { status: 405 };
        const { redirect: _redirect, ...rest } = base;
        preflight = { ...(fix.status === undefined ? base : { ...rest, status: fix.status }), headers: patched(base.headers, fix.headers, exchange.initiatorOrigin, origins) };
      }
    }
    if (fix.target !== 'preflight') {
      const hop = hopOf(finding);
      const response = actual[hop] ?? {};
      actual[hop] = { ...response, headers: patched(response.headers, fix.headers, exchange.initiatorOrigin, origins) };
      // An EventSource's reconnection is answered by its own response: it needs the same fix.
      if (hop === 0 && reconnect !== undefined) reconnect = { ...reconnect, headers: patched(reconnect.headers, fix.headers, exchange.initiatorOrigin, origins) };
    }
  }
  return { ...scenario, id: `${prefix}${scenario.id}`, preflight, actual, ...(reconnect === undefined ? {} : { reconnect }), expect: 'ok', expectFindings: [] };
}

/** A finding about one recorded response (the CORS checks), whose fix the blocked cases serve. */
export function onRecordedResponse(finding: Finding): boolean {
  return finding.entry !== null;
}

/** An exchange-level finding (a warning, most often) whose fix passed the what-if re-check: the warning cases serve it. */
export function rechecked(finding: Finding): boolean {
  return finding.entry === null && finding.fix !== null && finding.fix.target !== 'client' && finding.fix.verifies;
}

/**
 * The scenario served by a server configured with its combined fix (report.servers): the same header lines on
 * every response, OPTIONS answered with the fix's status; Allow-Origin echoes the request's Origin when the page
 * is one of the allowed origins.
 */
export function serverFixedScenario(scenario: Scenario, exchange: ReportExchange, fix: ServerFix, origins: Readonly<Record<string, string>>): Scenario {
  const lines = (base: ResponseSpec['headers']): Array<readonly [string, string]> => {
    const names = new Set(fix.headers.map((patch) => patch.name.toLowerCase()));
    const kept = (base ?? []).filter(([name]) => !names.has(name.toLowerCase()));
    return [...kept, ...fix.headers.map((patch): readonly [string, string] => {
      const echo = patch.name.toLowerCase() === 'access-control-allow-origin' && exchange.initiatorOrigin !== null && fix.allowOrigins.includes(exchange.initiatorOrigin);
      return [patch.name, echo ? '$ORIGIN' : tokens(patch.value ?? '', exchange.initiatorOrigin, origins)];
    })];
  };
  const base: ResponseSpec = scenario.preflight ?? { status: 405 };
  const { redirect: _redirect, ...withoutRedirect } = base;
  const preflight = fix.preflightStatus === null ? { ...base, headers: lines(base.headers) } : { ...withoutRedirect, status: fix.preflightStatus, headers: lines(base.headers) };
  const actual = (scenario.actual ?? [{}]).map((response) => ({ ...response, headers: lines(response.headers) }));
  const reconnect = scenario.reconnect === undefined ? undefined : { ...scenario.reconnect, headers: lines(scenario.reconnect.headers) };
  return { ...scenario, id: `server-fixed-${scenario.id}`, preflight, actual, ...(reconnect === undefined ? {} : { reconnect }), expect: 'ok', expectFindings: [] };
}

/**
 * The server configuration (report.servers) that covers every blocking problem of the exchange, when they are all
 * on one server and it covers them all; else undefined.
 */
export function configurationCovering(exchange: ReportExchange, servers: readonly ServerFix[]): ServerFix | undefined {
  const blocking = exchange.findings.filter((finding) => finding.fix !== null && finding.fix.target !== 'client' && finding.severity === 'error');
  const owners = new Set(blocking.map((finding) => originOf(finding.url)));
  const configuration = owners.size === 1 ? servers.find((fix) => fix.server === [...owners][0]) : undefined;
  return configuration !== undefined && blocking.every((finding) => configuration.problems.includes(finding.problem)) ? configuration : undefined;
}
