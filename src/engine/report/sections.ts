/**
 * What the Markdown and HTML renderers show per exchange, decided once: which exchanges get a section,
 * which fixes (deduplicated), which snippets for the chosen stack, and which recorded requests to replay.
 */
import type { PreflightReason } from '../model/exchange.js';
import type { StackId } from '../fixes/kit.js';
import { isJsonObject, type JsonObject } from '../model/json.js';
import type { Fix, FixSnippet, HeaderPatch, Severity } from '../rules/types.js';
import type { CurlRequest } from './curl.js';
import type { ExportDocument } from './document.js';
import type { ReportExchange } from './types.js';

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
  const actual = exchange.requestEntry;
  const requests = [...(preflight === null ? [] : [preflight]), ...(actual === null ? [] : [actual])];
  return { detailed: chosen || notable, fixes, requests };
}

/** The fix's snippets for `stack` (all of them when stack is null). */
export function snippetsFor(fix: Fix, stack: StackId | null): readonly FixSnippet[] {
  return stack === null ? fix.snippets : fix.snippets.filter((item) => item.stack === stack);
}

/** The stacks that have a snippet for any of these fixes, in first-seen order. */
export function stacksOf(fixes: readonly Fix[]): StackId[] {
  return [...new Set(fixes.flatMap((fix) => fix.snippets.map((item) => item.stack)))];
}

/**
 * The snippet's run-verification in words, the same in every renderer and the panel. A report saved before
 * `verifiedAgainst` existed has none: it says only "run-verified".
 */
export function verificationText(snippet: Pick<FixSnippet, 'verified' | 'verifiedAgainst'>): string {
  if (!snippet.verified) return 'not run-verified';
  return typeof snippet.verifiedAgainst === 'string' ? `run-verified against ${snippet.verifiedAgainst}` : 'run-verified';
}

/** One line of a header patch, as the Markdown and HTML renderers show it: "- Name", "+ Name: value", "Name: value". */
export function patchLine(patch: HeaderPatch): string {
  if (patch.action === 'remove') return `- ${patch.name}`;
  return `${patch.action === 'add' ? '+ ' : ''}${patch.name}: ${patch.value ?? ''}`;
}

function entryAt(document: ExportDocument, index: number): JsonObject | null {
  const entry = document.export.har.log.entries[index];
  return isJsonObject(entry) ? entry : null;
}

/** The recorded request at a HAR index of the embedded (redacted) HAR, or null when it cannot be read. */
export function harRequestAt(document: ExportDocument, index: number): CurlRequest | null {
  const request = entryAt(document, index)?.request;
  if (!isJsonObject(request) || typeof request.url !== 'string') return null;
  const headers = Array.isArray(request.headers)
    ? request.headers.flatMap((header: unknown) => (isJsonObject(header) && typeof header.name === 'string' && typeof header.value === 'string' ? [{ name: header.name, value: header.value }] : []))
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

/** How a severity is marked in the Markdown and HTML exports. */
export const SEVERITY_MARK: Readonly<Record<Severity, string>> = { error: '⛔', warning: '⚠️', info: 'ℹ️' };

/** Example requests listed under each problem. */
export const EXAMPLES_PER_PROBLEM = 3;

/** Exchanges with their own section when the whole capture is exported; chosen exchanges always get theirs. */
const DETAILED_EXCHANGES_MAX = 25;

/**
 * The exchanges that get their own section, or the count of those that would when there are too many (the
 * problems group them; a ticket lists them all only when the user chose them).
 */
export function detailedExchanges(document: ExportDocument): { readonly shown: readonly ReportExchange[] } | { readonly withheld: number } {
  const detailed = document.report.exchanges.filter((exchange) => exchangeSections(document, exchange).detailed);
  return document.export.scope.kind === 'exchanges' || detailed.length <= DETAILED_EXCHANGES_MAX ? { shown: detailed } : { withheld: detailed.length };
}

/** The first `EXAMPLES_PER_PROBLEM` exchanges of a problem. */
export function problemExamples(document: ExportDocument, exchangeIds: readonly string[]): ReportExchange[] {
  const wanted = exchangeIds.slice(0, EXAMPLES_PER_PROBLEM);
  return document.report.exchanges.filter((exchange) => wanted.includes(exchange.id));
}
