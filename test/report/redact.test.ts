import { describe, expect, it } from 'vitest';
import {
  diagnose, exportReport, redactHar, redactHeaderValue, redactUrl, REDACTED, type Report,
} from '../../src/engine/index.js';
import { normalizeHar } from '../../src/engine/har/normalize.js';
import { StreamRedaction } from '../../src/engine/redact/har.js';
import { redactEveryPartOf, replaceEverySecretIn, replaceSecretsIn } from '../../src/engine/redact/patterns.js';
import fc from 'fast-check';
import { mutatedHar } from '../fuzz/har-properties.js';
import { syntheticHar } from '../../bench/synthetic-har.js';
import { PAGE, exchange, har } from '../fixtures/builders.js';
import { HAR_SAMPLE_NAMES, readHarSample } from '../fixtures/har-samples.js';
import { SECRET_VALUES, SECRETS, secretsHar } from './fixtures/secrets.js';

const AT = '2024-05-01T12:00:00.000Z';

/** What redaction must never change: which entries pair up, the verdict and Chromium's error. */
function verdicts(report: Report) {
  return report.exchanges.map((item) => ({
    id: item.id, entries: item.entries, kind: item.kind, verdict: item.verdict, corsError: item.corsError,
    credentials: item.credentials, rules: item.findings.map((finding) => `${finding.rule}/${finding.reason}/${finding.severity}`),
  }));
}

function diagnosed(input: unknown): Report {
  const result = diagnose(input);
  if (!result.ok) throw new Error(result.error.message);
  return result.report;
}

function redacted(input: unknown) {
  const result = redactHar(input);
  if (!result.ok) throw new Error(result.error.message);
  return result;
}

describe('redaction', () => {
  it.each(['md', 'html', 'json', 'text'] as const)('leaves no secret in the %s export, whole capture or one exchange', (format) => {
    for (const scope of [undefined, { kind: 'exchanges' as const, ids: ['ex-0'] }, { kind: 'exchanges' as const, ids: ['ex-2', 'ex-4'] }]) {
      const result = exportReport(secretsHar(), { format, generatedAt: AT, ...(scope ? { scope } : {}) });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const leaked = SECRET_VALUES.filter((secret) => result.content.includes(secret));
      expect(leaked, `${format} ${JSON.stringify(scope)}`).toEqual([]);
    }
  });

  it('keeps the diagnosis of the secrets HAR identical', () => {
    const original = secretsHar();
    expect(verdicts(diagnosed(redacted(original).har))).toEqual(verdicts(diagnosed(original)));
    expect(diagnosed(original).summary.blocked).toBeGreaterThan(0);
  });

  it('lists what it replaced, by where and name, in a stable order', () => {
    const { redactions } = redacted(secretsHar());
    const keys = redactions.map((item) => `${item.where}:${item.name}`);
    const byWhereThenName = [...redactions].sort((a, b) => (a.where === b.where ? (a.name < b.name ? -1 : 1) : a.where < b.where ? -1 : 1));
    expect(redactions).toEqual(byWhereThenName);
    expect(keys).toEqual(expect.arrayContaining([
      'request header:cookie', 'request header:authorization', 'request header:proxy-authorization', 'request header:x-api-key',
      'request header:x-jwt', 'request header:x-trace', 'request header:referer', 'response header:set-cookie',
      'response header:x-session-id', 'response header:location', 'URL:access_token', 'URL:password', 'URL:(user info)', 'URL:(path)',
      'redirect URL:(user info)', 'request cookie:sid', 'response cookie:session', 'request body:text', 'request body:params',
      'response body:text', 'initiator URL:session', 'page title:sid', 'page title:(text)', 'comment:log', 'comment:entry', 'comment:request',
    ]));
    expect(redactions.every((item) => item.count > 0)).toBe(true);
  });

  it('keeps CORS headers, Origin, Vary, Content-Type and Sec-Fetch-* byte for byte', () => {
    const { har: copy } = redacted(secretsHar());
    const entries = copy.log.entries as { request: { headers: { name: string; value: string }[] }; response: { headers: { name: string; value: string }[] } }[];
    const kept = (name: string) => /^(origin|vary|content-type|access-control-.*|sec-fetch-.*)$/i.test(name);
    const original = secretsHar().log.entries;
    entries.forEach((entry, index) => {
      const source = original[index]!;
      expect(entry.request.headers.filter((header) => kept(header.name))).toEqual(source.request.headers.filter((header) => kept(header.name)));
      expect(entry.response.headers.filter((header) => kept(header.name))).toEqual(source.response.headers.filter((header) => kept(header.name)));
    });
  });

  it('keeps a replaced Cookie header present, so it still proves credentials', () => {
    const input = exchange({ cookie: 'sid=abc' }).actual({ acao: '*', error: 'net::ERR_FAILED' }).har();
    const copy = redacted(input).har;
    const headers = (copy.log.entries[0] as { request: { headers: { name: string; value: string }[] } }).request.headers;
    expect(headers.find((header) => header.name === 'Cookie')?.value).toBe(REDACTED);
    expect(diagnosed(copy).exchanges[0]).toMatchObject({ verdict: 'blocked', corsError: 'WildcardOriginNotAllowed', credentials: { basis: 'cookie-header' } });
  });

  it('keeps user info present in a redirect target (the redirect check depends on it)', () => {
    const input = exchange({ url: 'https://api.example.net/a' }).redirect({ to: 'https://user:pw@api.example.net/b', acao: PAGE }).actual({ acao: PAGE }).har();
    expect(verdicts(diagnosed(redacted(input).har))).toEqual(verdicts(diagnosed(input)));
  });

  it('without redaction copies values but still leaves out bodies, cookie lists and comments', () => {
    const result = redactHar(secretsHar(), { redact: false });
    if (!result.ok) throw new Error(result.error.message);
    const text = JSON.stringify(result.har);
    expect(result.redactions).toEqual([]);
    expect(text).toContain(SECRETS.cookieHeader);
    expect(text).toContain(SECRETS.bearer);
    for (const dropped of [SECRETS.postText, SECRETS.responseText, SECRETS.requestCookieArray, SECRETS.entryComment, SECRETS.customField, SECRETS.initiatorStack]) {
      expect(text).not.toContain(dropped);
    }
    expect(verdicts(diagnosed(result.har))).toEqual(verdicts(diagnosed(secretsHar())));
  });

  it('redacts URLs: user info, secret and token-like parameters, fragments, token path segments; keeps the rest', () => {
    expect(redactUrl('https://u:p@api.example/x?a=1&token=abc&code=xyz#access_token=t')).toBe('https://REDACTED:REDACTED@api.example/x?a=1&token=REDACTED&code=REDACTED#access_token=REDACTED');
    expect(redactUrl('https://u@api.example/')).toBe('https://REDACTED@api.example/');
    expect(redactUrl('/next?page=2&api_key=k')).toBe('/next?page=2&api_key=REDACTED');
    expect(redactUrl('https://api.example/reset/0123456789abcdef0123456789abcdef?x=eyJhbGciOiJI.eyJzdWIiOiIx.sig1')).toBe('https://api.example/reset/REDACTED?x=REDACTED');
    expect(redactUrl('https://api.example:8443/items/42?sort=asc')).toBe('https://api.example:8443/items/42?sort=asc');
  });

  it('redacts header values by name and by shape, never the CORS ones', () => {
    expect(redactHeaderValue('authorization', 'Basic dTpw')).toBe(REDACTED);
    expect(redactHeaderValue('x-forwarded-token', 'short')).toBe(REDACTED);
    expect(redactHeaderValue('x-debug', 'user Bearer abc.def.ghi here')).toBe(`user Bearer ${REDACTED} here`);
    expect(redactHeaderValue('x-request-id', 'req-1')).toBe('req-1');
    expect(redactHeaderValue('access-control-allow-headers', 'authorization, x-api-key')).toBe('authorization, x-api-key');
    expect(redactHeaderValue('access-control-allow-credentials', 'true')).toBe('true');
    expect(redactHeaderValue('accept', 'a'.repeat(200))).toBe('a'.repeat(200));
    expect(redactHeaderValue('referer', 'https://app.example/?sid=1')).toBe('https://app.example/?sid=REDACTED');
  });

  it('does not change the diagnosis of builder scenarios', () => {
    const scenarios = [
      exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer x.y.z' } }).preflight({ status: 404 }).actual({ notSent: true }).har(),
      exchange({ cookie: 'a=b' }).actual({ acao: PAGE }).har(),
      exchange({ cookie: 'a=b' }).actual({ acao: PAGE, acac: 'true' }).har(),
      exchange({ headers: { 'X-Api-Key': 'k' } }).preflight({ acao: PAGE, acah: 'x-api-key' }).actual({ acao: PAGE }).har(),
      exchange({ headers: { Accept: `text/plain; ${'x'.repeat(130)}` } }).preflight({ acao: PAGE }).actual({ acao: PAGE }).har(),
      exchange({ url: 'https://api.example.net/a?token=1' }).redirect({ to: 'https://other.example/b?session=2', acao: PAGE }).actual({ acao: '*' }).har(),
      har([...exchange().actual({ acao: '*' }).entries(), ...exchange({ at: 50, method: 'DELETE' }).preflight({ acao: PAGE, acam: 'GET' }).actual({ notSent: true }).entries()]),
    ];
    for (const scenario of scenarios) expect(verdicts(diagnosed(redacted(scenario).har))).toEqual(verdicts(diagnosed(scenario)));
  });

  it('embeds every field the normalizer reads: unredacted, the copy normalizes exactly like the original', () => {
    const inputs: [string, unknown][] = [['secrets', secretsHar()]];
    for (const file of HAR_SAMPLE_NAMES) inputs.push([file, readHarSample(file)]);
    for (const [name, input] of inputs) {
      const original = normalizeHar(input);
      if (!original.ok) continue;
      const copy = redactHar(input, { redact: false });
      if (!copy.ok) throw new Error(copy.error.message);
      const again = normalizeHar(copy.har);
      expect(again.ok, name).toBe(true);
      if (!again.ok) continue;
      expect(again.log.entries, name).toEqual(original.log.entries);
      expect(again.log.entryCount, name).toBe(original.log.entryCount);
      expect(again.log.problems.map((problem) => [problem.entry, problem.skipped]), name).toEqual(original.log.problems.map((problem) => [problem.entry, problem.skipped]));
    }
  });
  it('does not change the diagnosis of any HAR in the robustness corpus', () => {
    expect(HAR_SAMPLE_NAMES.length).toBeGreaterThan(20);
    for (const file of HAR_SAMPLE_NAMES) {
      const text = readHarSample(file);
      const original = diagnose(text);
      if (!original.ok) continue;
      const copy = redacted(text);
      const again = diagnose(copy.har);
      expect(again.ok, file).toBe(true);
      if (!again.ok) continue;
      expect(verdicts(again.report), file).toEqual(verdicts(original.report));
      expect(again.report.summary, file).toEqual(original.report.summary);
    }
  });
});

describe('redaction in place, for the diagnosis alone (the streamed text, Markdown and HTML)', () => {
  /** The entries of a parsed HAR in any shape normalizeHar reads, as JSON.parse gives them (the stream parses each entry). */
  const entriesOf = (input: unknown): unknown[] | null => {
    const value = JSON.parse(JSON.stringify(input) ?? 'null') as unknown;
    if (Array.isArray(value)) return value;
    const record = value as { log?: { entries?: unknown }; entries?: unknown } | null;
    const entries = record?.log?.entries ?? record?.entries;
    return Array.isArray(entries) ? entries : null;
  };

  /** Normalizing the entries redacted in place gives what normalizing their copies gives, and the same redactions are counted. */
  const expectSameAsCopies = (input: unknown, label: string) => {
    const entries = entriesOf(input);
    if (entries === null) return;
    for (const redact of [true, false]) {
      const copying = new StreamRedaction(redact);
      const copies = entries.map((entry) => copying.entry(entry));
      const inPlace = new StreamRedaction(redact);
      const redactedInPlace = (JSON.parse(JSON.stringify(entries)) as unknown[]).map((entry) => inPlace.redactForDiagnosis(entry));
      expect(normalizeHar(redactedInPlace), `${label} ${redact}`).toEqual(normalizeHar(copies));
      expect(inPlace.redactions(), `${label} ${redact}`).toEqual(copying.redactions());
    }
  };

  it('normalizes like the copy and counts alike: secrets, the corpus and a synthetic capture', () => {
    expectSameAsCopies(secretsHar(), 'secrets');
    for (const file of HAR_SAMPLE_NAMES) {
      const text = readHarSample(file);
      // A JSONP wrapper is not a shape the stream reads.
      if (!text.startsWith('onInputData')) expectSameAsCopies(JSON.parse(text.replace(/^\uFEFF/, '')), file);
    }
    expectSameAsCopies(syntheticHar(500, 3), 'synthetic');
  });

  it('normalizes like the copy and counts alike on random and mutated entries', () => {
    fc.assert(fc.property(mutatedHar, (input) => expectSameAsCopies(input, 'mutated')), { numRuns: 300 });
  }, 60_000);
});

describe('the first look for secrets', () => {
  /** Text of token characters, spaces, scheme names, JWT starts and URL punctuation, in runs long and short. */
  const tokenish = fc.array(fc.oneof(
    fc.string({ unit: fc.constantFrom(...'aZ09+/_-=.'), maxLength: 40 }),
    fc.constantFrom('Bearer ', 'basic\t', 'eyJ', 'eyJhbGciOi.eyJzdWIi.sig', ' ', '\u00a0', '\u2028', 'é', '?', '&', '=', '#', '@', '%2B', '+'),
    fc.string({ unit: 'binary', maxLength: 8 }),
  ), { maxLength: 8 }).map((parts) => parts.join(''));

  it('never skips what the patterns replace', () => {
    fc.assert(fc.property(tokenish, (value) => {
      for (const inUrl of [false, true]) expect(replaceSecretsIn(value, REDACTED, inUrl)).toBe(replaceEverySecretIn(value, REDACTED, inUrl));
    }), { numRuns: 2000 });
    for (const value of SECRET_VALUES) expect(replaceSecretsIn(value, REDACTED)).toBe(replaceEverySecretIn(value, REDACTED));
  }, 60_000);

  it('never skips a part of a URL the long way redacts, nor a count', () => {
    const parameter = fc.tuple(fc.constantFrom('v', 'id', 'token', 'session_id', 'code', 'x%20y', 'a+b', ''), tokenish).map(([name, value]) => `${name}=${value}`);
    const url = fc.tuple(
      fc.constantFrom('https://api.example/', 'http://user:pw@h.example/', '//cdn.example/', '/relative/', ''), tokenish,
      fc.array(parameter, { maxLength: 3 }), fc.option(tokenish),
    ).map(([start, path, query, fragment]) => `${start}${path}${query.length === 0 ? '' : `?${query.join('&')}`}${fragment === null ? '' : `#${fragment}`}`);
    fc.assert(fc.property(url, (value) => {
      const quick: string[] = [];
      const long: string[] = [];
      expect(redactUrl(value, (name) => quick.push(name))).toBe(redactEveryPartOf(value, (name) => long.push(name)));
      expect(quick).toEqual(long);
    }), { numRuns: 2000 });
  }, 60_000);
});
