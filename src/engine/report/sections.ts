/**
 * What the Markdown and HTML renderers show per exchange, decided once: which exchanges get a section,
 * which fixes (deduplicated), which snippets for the chosen stack, and which recorded requests to replay.
 */
import type { PreflightReason } from '../model/exchange.js';
import type { Fix } from '../rules/types.js';
import type { CurlRequest } from './curl.js';
import type { ExportDocument } from './export.js';
import type { ReportExchange } from './types.js';

/** A server-stack snippet of a fix pack (`Fix.snippets`, optional until every pack has them). */
export interface ExportSnippet {
  readonly stack: string;
  readonly code: string;
  readonly verified: boolean;
  /** What the snippet was run-verified against (a report from before this field has none). */
  readonly verifiedAgainst: string | null;
}

export interface ExchangeSection {
  /** Whether the exchange gets its own section (blocked, unknown, with findings, or explicitly chosen). */
  readonly detailed: boolean;
  /** Fixes of the error findings first, then the others; the same fix once. */
  readonly fixes: readonly Fix[];
  /** HAR entry indices to replay with curl: the preflight, then the request itself. */
  readonly requests: readonly number[];
}

export function exchangeSections(document: ExportDocument, exchange: ReportExchange): ExchangeSection {
  const chosen = document.export.scope.kind === 'exchanges';
  const notable = exchange.verdict !== 'allowed' || exchange.findings.some((finding) => finding.severity !== 'info');
  const ordered = [
    ...exchange.findings.filter((finding) => finding.severity === 'error'),
    ...exchange.findings.filter((finding) => finding.severity !== 'error'),
  ];
  const fixes: Fix[] = [];
  const seen = new Set<string>();
  for (const finding of ordered) {
    if (finding.fix === null) continue;
    const key = JSON.stringify([finding.fix.target, finding.fix.summary, finding.fix.headers]);
    if (seen.has(key)) continue;
    seen.add(key);
    fixes.push(finding.fix);
  }
  const preflight = exchange.preflight.entry;
  const actual = exchange.entries.find((index) => index !== preflight && !isPreflightEntry(document, index));
  const requests = [...(preflight === null ? [] : [preflight]), ...(actual === undefined ? [] : [actual])];
  return { detailed: chosen || notable, fixes, requests };
}

/** The fix's snippets for `stack` (all of them when stack is null); malformed items are skipped. */
export function snippetsFor(fix: Fix, stack: string | null): ExportSnippet[] {
  return allSnippets(fix).filter((item) => stack === null || item.stack === stack);
}

/** The stacks that have a snippet for any of these fixes, in first-seen order. */
export function stacksOf(fixes: readonly Fix[]): string[] {
  return [...new Set(fixes.flatMap((fix) => allSnippets(fix).map((item) => item.stack)))];
}

function allSnippets(fix: Fix): ExportSnippet[] {
  const snippets = (fix as { snippets?: unknown }).snippets;
  if (!Array.isArray(snippets)) return [];
  return snippets.filter((item: unknown): item is ExportSnippet => {
    if (typeof item !== 'object' || item === null) return false;
    const candidate = item as { stack?: unknown; code?: unknown; verified?: unknown };
    return typeof candidate.stack === 'string' && typeof candidate.code === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(candidate.stack);
  }).map((item) => {
    const against = (item as { verifiedAgainst?: unknown }).verifiedAgainst;
    const verified = item.verified === true;
    return { stack: item.stack, code: item.code, verified, verifiedAgainst: verified && typeof against === 'string' ? against : null };
  });
}

/** The snippet's run-verification in words, the same in every renderer. */
export function verificationText(snippet: Pick<ExportSnippet, 'verified' | 'verifiedAgainst'>): string {
  if (!snippet.verified) return 'not run-verified';
  return snippet.verifiedAgainst === null ? 'run-verified' : `run-verified against ${snippet.verifiedAgainst}`;
}

type JsonObject = { readonly [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entryAt(document: ExportDocument, index: number): JsonObject | null {
  const entry = document.export.har.log.entries[index];
  return isObject(entry) ? entry : null;
}

function isPreflightEntry(document: ExportDocument, index: number): boolean {
  const entry = entryAt(document, index);
  return entry !== null && (entry._resourceType === 'preflight' || (isObject(entry._initiator) && entry._initiator.type === 'preflight'));
}

/** The recorded request at a HAR index of the embedded (redacted) HAR, or null when it cannot be read. */
export function harRequestAt(document: ExportDocument, index: number): CurlRequest | null {
  const request = entryAt(document, index)?.request;
  if (!isObject(request) || typeof request.url !== 'string') return null;
  const headers = Array.isArray(request.headers)
    ? request.headers.flatMap((header: unknown) => (isObject(header) && typeof header.name === 'string' && typeof header.value === 'string' ? [{ name: header.name, value: header.value }] : []))
    : [];
  return { method: typeof request.method === 'string' && request.method !== '' ? request.method : 'GET', url: request.url, headers };
}

/** Why a preflight was needed, in words: "method PUT", "header x-api-key (name-not-safelisted)". Plain text. */
export function preflightReasonText(reason: PreflightReason): string {
  switch (reason.kind) {
    case 'method':
      return `method ${reason.method}`;
    case 'header':
      return `header ${reason.name} (${reason.why})`;
    case 'forced':
      return 'forced (upload listener or Private Network Access)';
  }
}
