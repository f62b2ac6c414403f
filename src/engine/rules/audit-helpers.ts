/**
 * Shared guards and readers for the audit (security, performance) and classification rules. Not a rule:
 * the registry test lists this file among the non-rule files.
 */
import type { NormalizedEntry } from '../har/types.js';
import type { RuleExchange, Step } from '../model/exchange.js';
import { combinedHeader, headerValues, parseCacheControl, splitNameList } from '../model/headers.js';
import { urlParts } from '../model/origin.js';
import { isDelivered } from '../derive/capture.js';
import { netErrorName } from '../spec/audit.js';
import type { ConfidenceStatement, Confidence, RuleContext, RuleMemo } from './types.js';

export function confidence(level: Confidence, basis: string): ConfidenceStatement {
  return { level, basis };
}

export function responseHeader(entry: NormalizedEntry, lowerName: string): string | null {
  return entry.response === null ? null : combinedHeader(entry.response.headers, lowerName);
}

export function responseHeaderLines(entry: NormalizedEntry, lowerName: string): string[] {
  return entry.response === null ? [] : headerValues(entry.response.headers, lowerName);
}

export function requestHeader(entry: NormalizedEntry, lowerName: string): string | null {
  return combinedHeader(entry.request.headers, lowerName);
}

export function statusOf(entry: NormalizedEntry): number {
  return entry.response?.status ?? 0;
}

// An API sends the same Vary, Expose-Headers and Cache-Control values on every response: each value is parsed
// once (lists by splitNameList, the same parse as Access-Control-Request-Headers), and shared, so read-only.
const NO_TOKENS: readonly string[] = Object.freeze([]);

/** Comma-separated tokens, trimmed and lower-cased (Vary, Cache-Control directive names, Expose-Headers). */
export function lowerTokens(value: string | null, memo: RuleMemo): readonly string[] {
  return value === null ? NO_TOKENS : splitNameList(value, memo.headerLists);
}

/** Cache-Control directive names, and the delta-seconds of max-age / s-maxage when present. */
export function cacheDirectives(value: string | null, memo: RuleMemo): ReadonlyMap<string, string | null> {
  return parseCacheControl(value, memo.headerLists);
}


/**
 * An exchange in CORS mode whose response the page's script received. A recorded success counts even when the
 * replay disagrees (Chromium lets `Access-Control-Allow-Headers: *` cover Authorization): what happened is audited.
 */
export function isDeliveredCors(context: RuleContext): boolean {
  const { exchange, step, blockedBy } = context;
  if (step !== null || exchange.hops.length === 0) return false;
  if (exchange.kind !== 'simple' && exchange.kind !== 'preflighted') return false;
  return exchange.outcome.kind === 'succeeded' || (blockedBy === null && isDelivered(exchange));
}

/** The last CORS-checked final response (not a redirect, not a preflight) with a recorded status. */
export function finalActualStep(exchange: RuleExchange): Step | null {
  for (let i = exchange.steps.length - 1; i >= 0; i--) {
    const step = exchange.steps[i];
    if (step !== undefined && step.kind === 'actual' && step.corsFlag && statusOf(step.entry) > 0) return step;
  }
  return null;
}

export function firstPreflightStep(exchange: RuleExchange): Step | null {
  return exchange.steps.find((step) => step.kind === 'preflight' && statusOf(step.entry) > 0) ?? null;
}

/** The net error the exchange failed with, or null. */
export function netErrorOf(exchange: RuleExchange): string | null {
  return exchange.outcome.kind === 'failed' ? exchange.outcome.error : null;
}

/** The net error's name without Chromium's ".Detail" suffix, or null. */
export function netErrorNameOf(exchange: RuleExchange): string | null {
  const error = netErrorOf(exchange);
  return error === null ? null : netErrorName(error);
}

export function lastEntry(exchange: RuleExchange): NormalizedEntry | null {
  return exchange.hops[exchange.hops.length - 1]?.entry ?? exchange.orphanPreflight;
}

export function hostnameOf(urlOrOrigin: string, memo: RuleMemo): string | null {
  return urlParts(urlOrOrigin, memo.origins)?.hostname ?? null;
}

export function schemeOf(urlOrOrigin: string, memo: RuleMemo): string | null {
  return urlParts(urlOrOrigin, memo.origins)?.protocol ?? null;
}


export function apiOriginOf(step: Step): string {
  return step.entry.request.origin ?? step.entry.request.url;
}

/**
 * A rough "site" (registrable domain) for telling related origins from unrelated ones: the host for IP
 * literals and single-label hosts, else its last two labels. Good enough to grade confidence, never to allow.
 */
export function roughSiteOf(origin: string, memo: RuleMemo): string {
  const host = hostnameOf(origin, memo);
  if (host === null) return origin;
  if (/^[\d.]+$/.test(host) || host.includes(':') || !host.includes('.')) return host;
  return host.split('.').slice(-2).join('.');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
