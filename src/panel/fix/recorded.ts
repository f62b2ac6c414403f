import type { Finding, FixTarget, HeaderPatch, ReportExchange } from '../../engine/index';
import { entryFacts } from '../entry-facts';

/** The slice of a HAR entry the fix components read. A Chromium HAR entry fits as is. */
export interface RecordedHeader {
  readonly name: string;
  readonly value: string;
}

export interface RecordedEntry {
  readonly request: { readonly method: string; readonly url: string; readonly headers: readonly RecordedHeader[] };
  readonly response?: { readonly status: number; readonly headers: readonly RecordedHeader[] } | null;
}

/** `log.entries` of the diagnosed capture, indexed like the report's entry numbers. */
export type RecordedEntries = ReadonlyArray<RecordedEntry | undefined>;

/** Whether the entry is a preflight, as the engine decides it (entry-facts.ts reads it with the engine's normalizer). */
export function isPreflightEntry(entry: RecordedEntry): boolean {
  return entryFacts(entry, 0).role === 'preflight';
}

/** The URL of the request a preflight was for, or the entry's own URL. */
export function hopUrlOf(entry: RecordedEntry): string {
  return entryFacts(entry, 0).hopUrl;
}

export interface TargetedResponse {
  readonly index: number;
  readonly role: 'preflight' | 'request';
  readonly entry: RecordedEntry;
}

/**
 * The recorded responses a fix applies to: the entries of the finding's hop (same URL) that its target names —
 * "preflight" the OPTIONS entry, "actual"/"redirect" the request entry, "all-responses" both.
 */
export function targetedResponses(finding: Finding, exchange: ReportExchange, recorded: RecordedEntries): TargetedResponse[] {
  const fix = finding.fix;
  if (fix === null || fix.target === 'client' || finding.entry === null) return [];
  const at = recorded[finding.entry];
  if (at === undefined) return [];
  const hop = hopUrlOf(at);
  return exchange.entries.flatMap((index): TargetedResponse[] => {
    const entry = recorded[index];
    if (entry === undefined || hopUrlOf(entry) !== hop) return [];
    const role = isPreflightEntry(entry) ? 'preflight' : 'request';
    return appliesToRole(fix.target, role) ? [{ index, role, entry }] : [];
  });
}

function appliesToRole(target: FixTarget, role: 'preflight' | 'request'): boolean {
  switch (target) {
    case 'all-responses':
      return true;
    case 'preflight':
      return role === 'preflight';
    case 'actual':
    case 'redirect':
      return role === 'request';
    case 'client':
      return false;
  }
}

export type DiffLine =
  | { readonly kind: 'status'; readonly before: number; readonly after: number }
  | { readonly kind: 'keep'; readonly name: string; readonly value: string }
  | { readonly kind: 'remove'; readonly name: string; readonly value: string }
  | { readonly kind: 'add'; readonly name: string; readonly value: string };

const CONTEXT: ReadonlySet<string> = new Set(['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age', 'vary', 'location']);

/**
 * The patch as a diff against the recorded header lines: "set" removes every recorded line of that name and
 * adds one, "add" adds a line, "remove" removes the lines. Unchanged CORS-related lines are kept as context;
 * a preflight status change comes first. A never-sent request (status 0) diffs against no headers.
 */
export function headerDiff(headers: readonly RecordedHeader[], patches: readonly HeaderPatch[], status: { before: number; after?: number | undefined }): DiffLine[] {
  const lines: DiffLine[] = [];
  if (status.after !== undefined && status.after !== status.before) lines.push({ kind: 'status', before: status.before, after: status.after });
  const touched = new Set(patches.map((patch) => patch.name.toLowerCase()));
  for (const header of headers) {
    const lower = header.name.toLowerCase();
    const patch = patches.find((candidate) => candidate.name.toLowerCase() === lower);
    if (patch !== undefined && (patch.action === 'set' || patch.action === 'remove')) {
      const unchanged = patch.action === 'set' && patch.value === header.value && headers.filter((other) => other.name.toLowerCase() === lower).length === 1;
      lines.push(unchanged ? { kind: 'keep', name: header.name, value: header.value } : { kind: 'remove', name: header.name, value: header.value });
    } else if (CONTEXT.has(lower) && !touched.has(lower)) {
      lines.push({ kind: 'keep', name: header.name, value: header.value });
    }
  }
  for (const patch of patches) {
    if (patch.action === 'remove') continue;
    const lower = patch.name.toLowerCase();
    const same = patch.action === 'set' && headers.filter((header) => header.name.toLowerCase() === lower).length === 1
      && headers.some((header) => header.name.toLowerCase() === lower && header.value === patch.value);
    if (!same) lines.push({ kind: 'add', name: patch.name, value: patch.value ?? '' });
  }
  return lines;
}

export function diffText(lines: readonly DiffLine[]): string {
  return lines.map((line) => {
    switch (line.kind) {
      case 'status':
        return `- HTTP ${line.before}\n+ HTTP ${line.after}`;
      case 'keep':
        return `  ${line.name}: ${line.value}`;
      case 'remove':
        return `- ${line.name}: ${line.value}`;
      case 'add':
        return `+ ${line.name}: ${line.value}`;
    }
  }).join('\n');
}

/**
 * The fix as what-if edits (log.entries index → status and header lines), for the panel's what-if editor:
 * applying them re-runs the diagnosis on the patched capture.
 */
export function fixAsEdits(finding: Finding, exchange: ReportExchange, recorded: RecordedEntries): Map<number, { status: number; headers: RecordedHeader[] }> {
  const edits = new Map<number, { status: number; headers: RecordedHeader[] }>();
  const fix = finding.fix;
  if (fix === null) return edits;
  for (const { index, role, entry } of targetedResponses(finding, exchange, recorded)) {
    let headers: RecordedHeader[] = [...(entry.response?.headers ?? [])];
    for (const patch of fix.headers) {
      const lower = patch.name.toLowerCase();
      if (patch.action !== 'add') headers = headers.filter((header) => header.name.toLowerCase() !== lower);
      if (patch.action !== 'remove') headers.push({ name: patch.name, value: patch.value ?? '' });
    }
    const recordedStatus = entry.response?.status ?? 0;
    const status = role === 'preflight' && fix.status !== undefined ? fix.status : recordedStatus > 0 ? recordedStatus : 200;
    edits.set(index, { status, headers });
  }
  return edits;
}
