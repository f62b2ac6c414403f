// Golden tests for every fix pack: the snippet each stack generates for a fixed set of diagnosed failures,
// compared with test/fixes/golden/<stack>.txt (update with `npx vitest run --project unit test/fixes -u` and
// review the diff). Stacks that cannot run here are only checked this way and say "verified": false; the
// checks below add what can be done without their runtimes: Python and TypeScript parse the code, JSON in
// the AWS commands parses, `nginx -t` accepts the nginx snippets, and the Cloudflare Workers snippet is run
// in Node against Request/Response (which is not workerd, so it stays "not run-verified").
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Entry } from 'har-format';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { diagnose, RUN_VERIFIED, RUN_VERIFIED_STACKS, stackInfos, STACK_IDS, verifiedAgainst } from '../../src/engine/index';
import type { Fix } from '../../src/engine/index';
import { PAGE, exchange, har } from '../fixtures/builders';
import { compileSpringSnippets } from './java-check';
import { NGINX, nginxConfig } from './stack-servers';

const FAIL = 'net::ERR_FAILED';

const SCENARIOS: ReadonlyArray<readonly [string, Entry[]]> = [
  ['missing-acao-simple-get', exchange().actual({ error: FAIL }).entries()],
  ['credentials-with-wildcard', exchange({ cookie: 'sid=1' }).actual({ acao: '*', acac: 'true', error: FAIL }).entries()],
  ['preflight-401-authorization', exchange({ headers: { Authorization: 'Bearer t' } }).preflight({ status: 401 }).actual({ notSent: true }).entries()],
  ['delete-not-allowed', exchange({ method: 'DELETE' }).preflight({ acao: PAGE, acam: 'GET, POST' }).actual({ notSent: true }).entries()],
  ['json-put-header-not-allowed', exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-Custom': '1' } }).preflight({ acao: PAGE, acam: 'PUT' }).actual({ notSent: true }).entries()],
  ['error-500-without-acao', exchange().actual({ status: 500, error: FAIL }).entries()],
  ['credentialed-put-preflight-acac-missing', exchange({ method: 'PUT', cookie: 'sid=1' }).preflight({ acao: PAGE, acam: 'PUT' }).actual({ notSent: true }).entries()],
  ['multiple-acao-lines', exchange().actual({ acao: [PAGE, PAGE], error: FAIL }).entries()],
];

function blockingFix(entries: Entry[]): { rule: string; fix: Fix } {
  const result = diagnose(har(entries));
  if (!result.ok) throw new Error(result.error.message);
  const finding = result.report.exchanges[0]?.findings.find((candidate) => candidate.fix !== null && candidate.fix.target !== 'client');
  if (!finding?.fix) throw new Error('no server fix');
  return { rule: finding.rule, fix: finding.fix };
}

const fixes = SCENARIOS.map(([id, entries]) => ({ id, ...blockingFix(entries) }));
const snippet = (stack: string, fix: Fix) => fix.snippets.find((candidate) => candidate.stack === stack)?.code ?? '';

describe('fix packs', () => {
  it('cover at least 18 stacks, each snippet marked verified (and against what) exactly when its stack ran its rule', () => {
    expect(STACK_IDS.length).toBeGreaterThanOrEqual(18);
    for (const { rule, fix } of fixes) {
      expect(fix.verifies, fix.whatIf).toBe(true);
      expect(fix.snippets.map((candidate) => candidate.stack)).toEqual([...STACK_IDS]);
      for (const candidate of fix.snippets) {
        const entry = RUN_VERIFIED[candidate.stack];
        const ran = entry !== undefined && (entry.rules as readonly string[]).includes(rule);
        expect(candidate.verified, `${candidate.stack} / ${rule}`).toBe(ran);
        expect(candidate.verifiedAgainst).toBe(ran ? `${entry?.against ?? ''}, in Chromium 156` : null);
        expect(candidate.verifiedAgainst).toBe(verifiedAgainst(candidate.stack, rule as Parameters<typeof verifiedAgainst>[1]));
      }
    }
    // The stacks that cannot run on this machine say so.
    for (const stack of ['spring-boot', 'aspnet-core', 'aws-api-gateway', 'aws-s3']) expect(RUN_VERIFIED_STACKS).not.toContain(stack);
    expect(stackInfos().filter((info) => info.verified).map((info) => info.id).sort()).toEqual([...RUN_VERIFIED_STACKS].sort());
  });

  it.each(STACK_IDS)('%s snippets match the golden file and are filled with the diagnosed values', async (stack) => {
    const text = fixes.map(({ id, rule, fix }) => `### ${id} (${rule})\n${snippet(stack, fix)}`).join('\n');
    await expect(text).toMatchFileSnapshot(`golden/${stack}.txt`);
    for (const { fix } of fixes) {
      const code = snippet(stack, fix);
      expect(code).toContain(PAGE);
      expect(code).not.toMatch(/your-page\.example/);
    }
  });

  it('JavaScript and TypeScript snippets parse', () => {
    const languages = new Map(stackInfos().map((info) => [info.id, info.language]));
    for (const stack of STACK_IDS.filter((id) => languages.get(id) === 'javascript' || languages.get(id) === 'typescript')) {
      for (const { id, fix } of fixes) {
        const file = ts.createSourceFile(`${stack}.ts`, snippet(stack, fix), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
        const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
        expect(diagnostics.map((item) => ts.flattenDiagnosticMessageText(item.messageText, '\n')), `${stack} / ${id}`).toEqual([]);
      }
    }
  });

  it('the JSON in the AWS commands parses', () => {
    for (const stack of ['aws-api-gateway', 'aws-s3']) {
      for (const { fix } of fixes) {
        const json = /--cors-configuration '([^']+)'/.exec(snippet(stack, fix))?.[1];
        expect(() => JSON.parse(json ?? '')).not.toThrow();
      }
    }
  });

  // The stacks that cannot run here (no Spring Boot application server, no .NET, no AWS) are checked with what
  // installs: javac compiles the Spring Boot class against Debian's Spring Framework jars, bash parses the AWS
  // CLI commands and jq parses their JSON; gofmt parses and formats the Go handlers. .ci/run installs them.
  it('the Spring Boot snippet compiles with javac against Spring Framework (Debian libspring-web-java)', () => {
    const result = compileSpringSnippets(fixes.map(({ fix }) => snippet('spring-boot', fix)));
    expect(result.error, 'javac not found: apt-get install default-jdk-headless libspring-web-java (see .ci/run)').toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);

  it('the AWS snippets are valid shell, and jq parses their JSON', () => {
    const codes = ['aws-api-gateway', 'aws-s3'].flatMap((stack) => fixes.map(({ fix }) => snippet(stack, fix)));
    // One bash and one jq for all of them (process start-up is the cost on a busy machine).
    const shell = spawnSync('bash', ['-n'], { input: codes.join('\n'), encoding: 'utf8' });
    expect(shell.stderr).toBe('');
    expect(shell.status).toBe(0);
    const json = codes.map((code) => /--cors-configuration '([^']+)'/.exec(code)?.[1] ?? '');
    const jq = spawnSync('jq', ['-e', '-s', 'map(type == "object") | all and length == $count', '--argjson', 'count', String(json.length)], { input: json.join('\n'), encoding: 'utf8' });
    expect(jq.error, 'jq not found: apt-get install jq (see .ci/run)').toBeUndefined();
    expect(jq.stderr).toBe('');
    expect(jq.status).toBe(0);
  }, 30_000);

  it('the Go snippet parses and is gofmt-formatted', () => {
    for (const { id, fix } of fixes) {
      const source = `package main\n\nimport (\n\t"net/http"\n\n\t"github.com/rs/cors"\n)\n\n${snippet('go', fix)}`;
      const result = spawnSync('gofmt', ['-l', '-e'], { input: source, encoding: 'utf8' });
      expect(result.error, 'gofmt not found: apt-get install golang-go (see .ci/run)').toBeUndefined();
      expect(result.stderr, `go / ${id}`).toBe('');
      expect(result.stdout, `go / ${id} is not gofmt-formatted`).toBe('');
    }
  }, 30_000);

  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('Python snippets parse (Django, Flask, FastAPI)', () => {
    const sources = ['django', 'flask', 'fastapi'].flatMap((stack) => fixes.map(({ id, fix }) => ({ name: `${stack} / ${id}`, code: snippet(stack, fix) })));
    const check = 'import ast, json, sys\nfor item in json.load(sys.stdin):\n    try:\n        ast.parse(item["code"])\n    except SyntaxError as error:\n        print(item["name"], error)\n';
    const result = spawnSync('python3', ['-c', check], { input: JSON.stringify(sources), encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 30_000);

  it.skipIf(!existsSync(NGINX))('nginx -t accepts every nginx snippet inside a location block', () => {
    const prefix = mkdtempSync(join(tmpdir(), 'cors-lens-nginx-t-'));
    try {
      const config = nginxConfig(prefix, 9, fixes.map(({ fix }, index) => ({ port: 20000 + index, cors: snippet('nginx', fix) })));
      writeFileSync(join(prefix, 'nginx.conf'), config);
      expect(() => execFileSync(NGINX, ['-t', '-q', '-p', prefix, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf')], { stdio: 'pipe' })).not.toThrow();
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it('the Cloudflare Workers snippet answers the preflight and keeps the headers on errors (in Node, not workerd)', async () => {
    const cache = resolve(import.meta.dirname, '../../node_modules/.cache/cors-lens-fix-packs');
    mkdirSync(cache, { recursive: true });
    const { fix } = fixes.find(({ id }) => id === 'credentialed-put-preflight-acac-missing')!;
    const file = join(cache, `worker-${process.pid}.mjs`);
    writeFileSync(file, `${snippet('cloudflare-workers', fix)}\nasync function handle(request) {\n  if (new URL(request.url).pathname === '/error') throw new Error('boom');\n  return Response.json({ ok: true });\n}\n`);
    try {
      const worker = (await import(pathToFileURL(file).href)) as { default: { fetch(request: Request): Promise<Response> } };
      const preflight = await worker.default.fetch(new Request('https://api.example.net/items', { method: 'OPTIONS', headers: { Origin: PAGE, 'Access-Control-Request-Method': 'PUT' } }));
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(PAGE);
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
      const failed = await worker.default.fetch(new Request('https://api.example.net/error', { method: 'PUT', headers: { Origin: PAGE } }));
      expect(failed.status).toBe(500);
      expect(failed.headers.get('access-control-allow-origin')).toBe(PAGE);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
