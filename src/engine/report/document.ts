/**
 * The exported document every renderer reads (Markdown, HTML, JSON): the report and what the export was of.
 * Types only, so the renderers and export.ts, which runs them, depend on this file and not on each other.
 */
import type { StackId } from '../fixes/kit.js';
import type { ExportedHar, Redaction } from '../redact/har.js';
import type { Report } from './types.js';

export type ExportFormat = 'md' | 'html' | 'json' | 'text';

/** Which exchanges: the whole capture, or these ids (as `diagnose()` of the same input names them). */
export type ExportScope = { readonly kind: 'capture' } | { readonly kind: 'exchanges'; readonly ids: readonly string[] };

/** The `export` object of an exported JSON report. */
export interface ExportInfo {
  readonly generatedAt: string;
  /** The ids in `scope` are those of the original capture; the report renumbers the exchanges it holds. */
  readonly scope: ExportScope;
  /** The server stack whose snippets the Markdown and HTML show, or null for all stacks. */
  readonly stack: StackId | null;
  readonly redacted: boolean;
  readonly redactions: readonly Redaction[];
  /** The HAR the report was diagnosed from: every field the diagnosis reads, nothing else. */
  readonly har: ExportedHar;
}

export interface ExportDocument {
  /** The diagnosis of `export.har`. */
  readonly report: Report;
  readonly export: ExportInfo;
}

