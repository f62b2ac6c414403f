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
import { diagnose, RUN_VERIFIED_STACKS, stackInfos, STACK_IDS } from '../../src/engine/index';
import type { Fix } from '../../src/engine/index';
import { PAGE, exchange, har } from '../fixtures/builders';
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
  it('cover at least 18 stacks, each marked verified exactly when it is run-verified', () => {
    expect(STACK_IDS.length).toBeGreaterThanOrEqual(18);
    for (const { fix } of fixes) {
      expect(fix.verifies, fix.whatIf).toBe(true);
      expect(fix.snippets.map((candidate) => candidate.stack)).toEqual([...STACK_IDS]);
      for (const candidate of fix.snippets) expect(candidate.verified).toBe(RUN_VERIFIED_STACKS.includes(candidate.stack));
    }
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
