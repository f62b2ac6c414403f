import type { RuleId } from '../rules/registry.js';
import type { CorsNeeds } from './needs.js';

export type SnippetLanguage = 'javascript' | 'typescript' | 'nginx' | 'apache' | 'caddy' | 'java' | 'csharp' | 'python' | 'go' | 'ruby' | 'shell';

/** Every stack with a fix pack: public ids (reports, `--stack`, the picker). fixes/stacks.ts has one pack per id. */
export type StackId =
  | 'express' | 'fastify' | 'koa' | 'hono' | 'nestjs' | 'nextjs' | 'cloudflare-workers'
  | 'nginx' | 'apache' | 'caddy'
  | 'spring-boot' | 'aspnet-core' | 'django' | 'flask' | 'fastapi' | 'go' | 'rails'
  | 'aws-api-gateway' | 'aws-s3';

/**
 * One server stack's fix pack. `render` is keyed by rule id: the configuration is the complete one the
 * exchange needs (so pasting it alone makes the exchange pass), and the comments name this rule's trap in
 * this stack. `traps` holds the stack's notes per rule id; `always` the stack's classic traps.
 */
export interface StackPack {
  readonly id: StackId;
  readonly label: string;
  readonly language: SnippetLanguage;
  readonly traps: Partial<Record<RuleId, readonly string[]>>;
  readonly render: (needs: CorsNeeds, rule: RuleId) => string;
}

/** A quoted string literal; CorsNeeds values never hold quotes, backslashes or "$". */
export function q(value: string): string {
  return `"${value}"`;
}

export function qList(values: readonly string[]): string {
  return values.map(q).join(', ');
}

const WIDTH = 112;

/** Wraps text into comment lines of at most ~112 characters. */
export function comment(prefix: '//' | '#', text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((item) => item !== '')) {
    if (line !== '' && prefix.length + 1 + line.length + 1 + word.length > WIDTH) {
      lines.push(`${prefix} ${line}`);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(`${prefix} ${line}`);
  return lines;
}

/** What this finding needs, in one sentence, independent of the stack. */
export function ruleNote(rule: RuleId, needs: CorsNeeds): string {
  if (needs.serverNote !== undefined) return needs.serverNote;
  switch (rule) {
    case 'missing-allow-origin':
      return `Fixes ${rule}: every response to ${needs.origin} must carry Access-Control-Allow-Origin${needs.errorStatus !== null ? `, error responses (${needs.errorStatus}) included` : ''}${needs.redirectStatus !== null ? `, the ${needs.redirectStatus} redirect included` : ''}.${needs.preflightStatus !== null ? ` The preflight also got ${needs.preflightStatus}: it must get 204 before authentication and routing run.` : ''}`;
    case 'wildcard-origin-with-credentials':
      return `Fixes ${rule}: a request with credentials needs the exact origin ${needs.origin} and Access-Control-Allow-Credentials: true, never "*".`;
    case 'multiple-allow-origin-values':
      return `Fixes ${rule}: exactly one Access-Control-Allow-Origin line — remove the other layer (proxy or app) that adds one too.`;
    case 'invalid-allow-origin-value':
    case 'allow-origin-mismatch':
      return `Fixes ${rule}: Access-Control-Allow-Origin must be exactly ${needs.origin} (scheme, host and port; no path, no trailing slash).`;
    case 'invalid-allow-credentials':
      return `Fixes ${rule}: a request with credentials needs Access-Control-Allow-Credentials: true (lower case, one line).`;
    case 'preflight-invalid-status':
      return `Fixes ${rule}: the OPTIONS preflight got ${needs.preflightStatus ?? 'a non-2xx status'}; it must get 204 before authentication and routing run (preflights never carry credentials).`;
    case 'preflight-redirected':
      return `Fixes ${rule}: answer OPTIONS at ${needs.path} with 204 instead of redirecting it.`;
    case 'invalid-allow-methods':
    case 'disallowed-request-method':
      return `Fixes ${rule}: the preflight must list ${needs.methods.join(', ') || needs.method} in Access-Control-Allow-Methods (case-sensitive).`;
    case 'invalid-allow-headers':
    case 'disallowed-request-header':
      return `Fixes ${rule}: the preflight must list ${needs.allowHeaders.join(', ') || 'the request headers'} in Access-Control-Allow-Headers.`;
    case 'redirect-contains-credentials':
      return `Fixes ${rule}: redirect to ${needs.cleanLocation ?? 'a URL'} without user:password@.`;
    default:
      return `Fixes ${rule}.`;
  }
}

/** The values a snippet is filled with, one comment line for the reader. */
export function filledWith(needs: CorsNeeds): string {
  const origins = needs.origins ?? [needs.origin];
  const parts = [origins.length === 1 ? `origin ${needs.origin}` : origins.length === 0 ? 'any origin ("*", no credentials)' : `origins ${origins.join(', ')}`];
  if (needs.credentials) parts.push('credentials');
  if (needs.methods.length > 0) parts.push(`methods ${needs.methods.join(', ')}`);
  if (needs.allowHeaders.length > 0) parts.push(`request headers ${needs.allowHeaders.join(', ')}`);
  if ((needs.exposeHeaders ?? []).length > 0) parts.push(`exposed headers ${(needs.exposeHeaders ?? []).join(', ')}`);
  if ((needs.maxAge ?? null) !== null) parts.push(`max-age ${needs.maxAge ?? 0}`);
  return `Filled from the capture: ${parts.join('; ')}.${needs.originIsPlaceholder ? ' The capture had no usable page origin: replace the placeholder.' : ''}`;
}

/** A quoted list of the allowed origins, for stacks that take an array. */
export function originsList(needs: CorsNeeds): string {
  return qList(needs.origins ?? [needs.origin]);
}

/** The allowed origins as one anchored regular expression (dots as [.], no backslash to escape), for httpd and Caddy matchers. */
export function originsRegex(needs: CorsNeeds): string {
  return `^(${(needs.origins ?? [needs.origin]).map((origin) => origin.replace(/[.[\]]/g, (char) => `[${char}]`)).join('|')})$`;
}

/** The stack's trap notes for this rule, as comment lines. */
export function trapLines(prefix: '//' | '#', pack: Pick<StackPack, 'traps'>, rule: RuleId, always: readonly string[], needs?: CorsNeeds): string[] {
  const related = needs?.rules.filter((other) => other !== rule) ?? [];
  const notes = [...new Set([...(pack.traps[rule] ?? []), ...related.flatMap((other) => pack.traps[other] ?? []), ...always])];
  return notes.flatMap((note) => comment(prefix, `Trap: ${note}`));
}

export function joinLines(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}
