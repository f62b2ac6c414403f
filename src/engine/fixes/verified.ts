import type { RuleId } from '../rules/registry.js';
import type { StackId } from './kit.js';

/**
 * Which fix-pack snippets are run-verified, and against what: the one definition behind `snippets[].verified`
 * and `snippets[].verifiedAgainst` in reports, the panel's mark and the README's count.
 *
 * test/e2e/fix-packs.test.ts replays each failing scenario of test/fixes/fix-cases.ts in Chromium, pastes the
 * blocking finding's snippet verbatim into a real server of each stack, and checks that the request then
 * passes. It fails unless this table equals what it ran: the same stacks, the same rules, and the versions it
 * read from what is installed (Debian packages, node_modules). Update the table from the test's message.
 */
export interface RunVerification {
  /** The stack's server and CORS library versions the snippets ran against. */
  readonly against: string;
  /** The rules (blocking findings) whose snippets were replayed and passed. */
  readonly rules: readonly RuleId[];
}

/** The browser the suite replays in. */
export const VERIFIED_IN = 'Chromium 156';

/**
 * The blocking rules of the suite's nine scenarios (test/fixes/fix-cases.ts). Several scenarios share a rule:
 * missing-allow-origin covers the simple GET, the missing OPTIONS route, the 500 without headers and the
 * preflight answered 401 without headers. The stacks that diagnose their own broken server see the auth
 * scenario as missing-allow-origin; nginx's proxy (and so the stacks that take its capture) as
 * preflight-invalid-status.
 */
const OWN_CAPTURE: readonly RuleId[] = [
  'allow-origin-mismatch', 'disallowed-request-header', 'disallowed-request-method', 'missing-allow-origin',
  'multiple-allow-origin-values', 'wildcard-origin-with-credentials',
];
const WITH_PREFLIGHT_STATUS: readonly RuleId[] = [...OWN_CAPTURE, 'preflight-invalid-status'];

export const RUN_VERIFIED: Readonly<Partial<Record<StackId, RunVerification>>> = {
  express: { against: 'Express 5.3.0, cors 2.8.6', rules: OWN_CAPTURE },
  fastify: { against: 'Fastify 5.12.8, @fastify/cors 11.4.3', rules: OWN_CAPTURE },
  koa: { against: 'Koa 3.3.0, @koa/cors 5.0.0', rules: OWN_CAPTURE },
  // hono/cors omits the header for another origin instead of sending it: the wrong-origin scenario is missing-allow-origin there.
  hono: { against: 'Hono 4.13.19, @hono/node-server 1.19.19', rules: OWN_CAPTURE.filter((rule) => rule !== 'allow-origin-mismatch') },
  nestjs: { against: 'NestJS 12.6.3 (platform-express)', rules: WITH_PREFLIGHT_STATUS },
  nextjs: { against: 'Next.js 16.5.0 (next build, next start)', rules: WITH_PREFLIGHT_STATUS },
  'cloudflare-workers': { against: 'workerd 20261123.1', rules: WITH_PREFLIGHT_STATUS },
  nginx: { against: 'nginx 1.22.1', rules: WITH_PREFLIGHT_STATUS },
  apache: { against: 'Apache httpd 2.4.71', rules: WITH_PREFLIGHT_STATUS },
  caddy: { against: 'Caddy 2.6.2', rules: WITH_PREFLIGHT_STATUS },
  django: { against: 'Django 3.2.25, django-cors-headers 3.14.0', rules: WITH_PREFLIGHT_STATUS },
  flask: { against: 'Flask 2.2.2, flask-cors 3.0.10', rules: WITH_PREFLIGHT_STATUS },
  fastapi: { against: 'FastAPI 0.92.0, Starlette 0.26.1, uvicorn 0.17.6', rules: WITH_PREFLIGHT_STATUS },
  go: { against: 'Go 1.19.8, rs/cors 1.7.0 and net/http alone', rules: WITH_PREFLIGHT_STATUS },
  rails: { against: 'Rails 6.1.7.10, rack-cors 1.1.1', rules: WITH_PREFLIGHT_STATUS },
};

/**
 * The stacks whose server configuration (problems/servers.ts: one snippet allowing every page origin of a server,
 * rendered from the origin list) test/e2e/server-snippets.test.ts pasted verbatim into a real server, with
 * Chromium letting every captured request from each listed origin through and blocking an origin not listed. A
 * server snippet counts as run-verified when its stack is here and each of its problems' rules is one that
 * test's capture holds (SERVER_VERIFIED_RULES) or one verified for the stack in RUN_VERIFIED.
 */
export const SERVER_RUN_VERIFIED: readonly StackId[] = [
  'express', 'fastify', 'koa', 'hono', 'nestjs', 'nextjs', 'cloudflare-workers', 'nginx', 'apache', 'caddy',
  'django', 'flask', 'fastapi', 'go', 'rails',
];

/** The blocking rules of the server-snippets test's capture (two page origins, one server). */
export const SERVER_VERIFIED_RULES: readonly RuleId[] = [
  'disallowed-request-method', 'missing-allow-origin', 'preflight-invalid-status', 'wildcard-origin-with-credentials',
];

/** "Express 5.3.0, cors 2.8.6, in Chromium 156" when this stack's server configuration for these rules was run, else null. */
export function serverVerifiedAgainst(stack: StackId, rules: readonly RuleId[]): string | null {
  if (!SERVER_RUN_VERIFIED.includes(stack)) return null;
  for (const rule of rules) if (!SERVER_VERIFIED_RULES.includes(rule) && verifiedAgainst(stack, rule) === null) return null;
  return VERIFIED_TEXT[stack] ?? null;
}

/** The stacks with at least one run-verified rule. */
export const RUN_VERIFIED_STACKS: readonly StackId[] = Object.keys(RUN_VERIFIED) as StackId[];

/** "Flask 2.2.2, flask-cors 3.0.10, in Chromium 156" when this stack's snippet for this rule was run, else null. */
export function verifiedAgainst(stack: StackId, rule: RuleId): string | null {
  const entry = RUN_VERIFIED[stack];
  return entry !== undefined && entry.rules.includes(rule) ? (VERIFIED_TEXT[stack] ?? null) : null;
}

/** The words of each verified stack, built once (immutable). */
const VERIFIED_TEXT: Readonly<Partial<Record<StackId, string>>> = Object.freeze(Object.fromEntries(
  Object.entries(RUN_VERIFIED).map(([stack, entry]) => [stack, `${entry.against}, in ${VERIFIED_IN}`]),
));
