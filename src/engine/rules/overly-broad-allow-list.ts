import { parseTokenList } from '../model/headers.js';
import { UNUSED_HEADERS_THRESHOLD, UNUSED_METHODS_THRESHOLD } from '../spec/audit.js';
import { CORS_SAFELISTED_REQUEST_HEADER_NAMES } from '../spec/headers.js';
import { FETCH_SPEC, MDN } from '../spec/references.js';
import { captureKeyOf } from '../derive/capture.js';
import { confidence, firstPreflightStep, isDeliveredCors, responseHeader } from './audit-helpers.js';
import { ACAH, ACAM, evidence, setHeader } from './helpers.js';
import type { Rule, RuleMemo } from './types.js';
import { INAPPLICABLE, PASS } from './types.js';

type Lists = { methods: string[]; headers: string[]; usedMethods: string[]; usedHeaders: string[] };
type Failure =
  | { reason: 'wildcard'; data: Lists & { wildcardMethods: boolean; wildcardHeaders: boolean } }
  | { reason: 'unused-entries'; data: Lists };

/** Methods every CORS request may use without being listed (plus OPTIONS, which preflights use). */
const ALWAYS_ALLOWED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'OPTIONS']);

function tokens(value: string | null, memo: RuleMemo): string[] {
  if (value === null) return [];
  const parsed = parseTokenList(value, memo.headerLists);
  return parsed.ok ? [...parsed.tokens] : [];
}

/**
 * Allow-Methods / Allow-Headers far broader than what the page uses: "*" (without credentials, where it is a
 * real wildcard) or long lists of methods and headers the capture never requested. Not a hole by itself — the
 * server still decides — but it widens what any allowed origin can do and hides which calls are meant.
 */
export const overlyBroadAllowList: Rule<Failure> = {
  meta: {
    id: 'overly-broad-allow-list',
    title: 'Allowed methods and headers match what the page uses',
    failureTitle: 'Access-Control-Allow-Methods / -Headers allow far more than the page uses',
    description:
      'A preflight answer of "*" or a long list of methods and headers lets every allowed origin send requests the application never makes (DELETE, arbitrary headers). Listing what the page uses keeps the CORS surface as small as the application.',
    specUrl: FETCH_SPEC.allowMethods,
    mdnUrl: MDN.allowMethods,
    severity: 'info',
    category: 'security',
  },
  evaluate: (context) => {
    if (!isDeliveredCors(context)) return INAPPLICABLE;
    const step = firstPreflightStep(context.exchange);
    if (step === null) return INAPPLICABLE;
    const credentials = responseHeader(step.entry, 'access-control-allow-credentials') === 'true';
    const methods = tokens(responseHeader(step.entry, ACAM), context.memo);
    const headers = tokens(responseHeader(step.entry, ACAH), context.memo).map((name) => name.toLowerCase());
    // Under credentials "*" is a literal name, not a wildcard (Chromium and the spec agree).
    const wildcardMethods = !credentials && methods.includes('*');
    const wildcardHeaders = !credentials && headers.includes('*');
    // Only these can be unused: when they are fewer than the thresholds, what the page used does not matter.
    const listedMethods = methods.filter((method) => method !== '*' && !ALWAYS_ALLOWED_METHODS.has(method.toUpperCase()));
    const listedHeaders = headers.filter((name) => name !== '*' && !CORS_SAFELISTED_REQUEST_HEADER_NAMES.has(name));
    if (!wildcardMethods && !wildcardHeaders && listedMethods.length < UNUSED_METHODS_THRESHOLD && listedHeaders.length < UNUSED_HEADERS_THRESHOLD) return PASS;
    const used = context.capture?.requestedByUrl.get(captureKeyOf(step.entry.request.url));
    const usedMethods = [...(used?.methods ?? new Set([step.requestedMethod]))].sort();
    const usedHeaders = [...(used?.headers ?? new Set(step.requestedHeaders))].sort();
    const lists = { methods, headers, usedMethods, usedHeaders };
    const found = (failure: Failure) => ({
      status: 'fail' as const,
      failure,
      evidence: evidence(wildcardMethods || !wildcardHeaders ? 'Access-Control-Allow-Methods' : 'Access-Control-Allow-Headers',
        wildcardMethods || !wildcardHeaders ? methods.join(', ') : headers.join(', '),
        `what the page uses: ${[...usedMethods, ...usedHeaders].join(', ')}`),
    });
    if (wildcardMethods || wildcardHeaders) return found({ reason: 'wildcard', data: { ...lists, wildcardMethods, wildcardHeaders } });
    const unusedMethods = listedMethods.filter((method) => !usedMethods.includes(method));
    const unusedHeaders = listedHeaders.filter((name) => !usedHeaders.includes(name));
    if (unusedMethods.length >= UNUSED_METHODS_THRESHOLD || unusedHeaders.length >= UNUSED_HEADERS_THRESHOLD) {
      return found({ reason: 'unused-entries', data: lists });
    }
    return PASS;
  },
  confidenceOf: (failure) => failure.reason === 'wildcard'
    ? confidence('medium', 'The preflight answered "*" without Access-Control-Allow-Credentials, which is a real wildcard; whether other callers need it is not in the capture.')
    : confidence('low', 'Compared with the methods and headers this capture requested from this URL; other pages or features may use the rest.'),
  messages: {
    wildcard: ({ data }) =>
      `The preflight allows ${data.wildcardMethods ? 'every method (Access-Control-Allow-Methods: *)' : ''}${data.wildcardMethods && data.wildcardHeaders ? ' and ' : ''}${data.wildcardHeaders ? 'every request header (Access-Control-Allow-Headers: *; Chromium 156 even lets it cover Authorization)' : ''}, while the page used ${[...data.usedMethods, ...data.usedHeaders].join(', ') || 'only simple requests'}.`,
    'unused-entries': ({ data }) =>
      `The preflight allows ${data.methods.join(', ')}${data.headers.length > 0 ? ` and headers ${data.headers.join(', ')}` : ''}, far more than the capture used (${[...data.usedMethods, ...data.usedHeaders].join(', ')}).`,
  },
  fix: {
    kind: 'fix',
    build: ({ data }) => {
      const methods = data.usedMethods.filter((method) => method !== '*');
      const headers = data.usedHeaders.filter((name) => name !== '*');
      return {
        target: 'preflight',
        headers: [
          ...(methods.length > 0 ? [setHeader('Access-Control-Allow-Methods', methods.join(', '))] : []),
          ...(headers.length > 0 ? [setHeader('Access-Control-Allow-Headers', headers.join(', '))] : []),
        ],
        summary: `List only what the page uses: methods ${methods.join(', ') || 'GET, POST'}${headers.length > 0 ? `; headers ${headers.join(', ')}` : ''}.`,
      };
    },
  },
};
