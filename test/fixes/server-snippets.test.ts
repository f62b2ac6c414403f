// The server configurations' snippets (report.servers[].snippets) for every stack, checked the way golden.test.ts
// checks the per-problem ones: golden files (test/fixes/golden/server/<stack>.txt; update with
// `npx vitest run --project unit test/fixes/server-snippets.test.ts -u` and review the diff), and what installs
// here for the stacks that cannot run: TypeScript parses the JavaScript, Python parses its code, javac compiles
// the Spring Boot class, bash and jq read the AWS commands, gofmt formats the Go handlers, nginx -t accepts the
// map and the location. Three configurations: several page origins with credentials (from a diagnosed capture),
// "*" for any page, and one origin with expose headers and max-age (both rendered from CorsNeeds directly).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { diagnose, stackInfos, STACK_IDS, type StackId } from '../../src/engine/index';
import type { CorsNeeds } from '../../src/engine/fixes/needs';
import { stackPack } from '../../src/engine/fixes/stacks';
import { exchange, har, PAGE } from '../fixtures/builders';
import { compileSpringSnippets } from './java-check';
import { NGINX, nginxConfig } from './stack-servers';

const API = 'https://api.example.net';
const OTHER = 'https://admin.example.org';

function listed(): Record<StackId, string> {
  const result = diagnose(har([
    ...exchange({ url: `${API}/v1/items/1` }).actual({ status: 500, error: 'net::ERR_FAILED' }).entries(),
    ...exchange({ at: 10, origin: OTHER, method: 'PATCH', url: `${API}/v1/items/2`, headers: { 'X-Request-Id': '1', 'Content-Type': 'application/json' } })
      .preflight({ acao: OTHER, acam: 'GET', acah: 'x-request-id, content-type' }).actual({ notSent: true }).entries(),
    ...exchange({ at: 20, origin: OTHER, url: `${API}/v1/me`, cookie: 'sid=1' }).actual({ acao: '*', error: 'net::ERR_FAILED' }).entries(),
  ]));
  if (!result.ok) throw new Error(result.error.message);
  const [server] = result.report.servers;
  if (server === undefined) throw new Error('no server configuration');
  return Object.fromEntries(server.snippets.map((snippet) => [snippet.stack, snippet.code])) as Record<StackId, string>;
}

const BASE: CorsNeeds = {
  origin: PAGE, originIsPlaceholder: false, credentials: false, methods: ['PUT'], allowHeaders: ['content-type'], preflight: true,
  preflightStatus: null, errorStatus: null, redirectStatus: null, method: 'GET', path: '/', apiOrigin: API, cleanLocation: null,
  rules: ['missing-allow-origin'], serverNote: `One configuration for ${API}.`,
};
const rendered = (needs: CorsNeeds) => Object.fromEntries(STACK_IDS.map((stack) => [stack, stackPack(stack).render(needs, 'missing-allow-origin')])) as Record<StackId, string>;

const CONFIGS: ReadonlyArray<readonly [string, Record<StackId, string>]> = [
  ['two origins, credentials, a 500', listed()],
  ['any origin ("*")', rendered({ ...BASE, origin: '*', origins: [] })],
  ['one origin, expose headers and max-age', rendered({ ...BASE, origins: [PAGE], credentials: true, exposeHeaders: ['x-total-count'], maxAge: 600 })],
];
const codes = (stack: StackId) => CONFIGS.map(([name, config]) => ({ name: `${stack} / ${name}`, code: config[stack] }));

describe('server configuration snippets', () => {
  it.each(STACK_IDS)('%s matches its golden file', async (stack) => {
    await expect(CONFIGS.map(([name, config]) => `### ${name}\n${config[stack]}`).join('\n')).toMatchFileSnapshot(`golden/server/${stack}.txt`);
  });

  it('list every origin of the capture, and "*" only for the configuration without credentials', () => {
    const [, two] = CONFIGS[0] as readonly [string, Record<StackId, string>];
    const [, any] = CONFIGS[1] as readonly [string, Record<StackId, string>];
    for (const stack of STACK_IDS) {
      expect(two[stack], stack).toContain(PAGE);
      expect(two[stack], stack).toContain(OTHER);
      expect(any[stack], stack).not.toContain(PAGE);
    }
    expect(any.express).toContain("origin: '*'");
    expect(any.django).toContain('CORS_ALLOW_ALL_ORIGINS = True');
    expect(any.nginx).toContain('add_header Access-Control-Allow-Origin "*" always;');
    expect(two.fastapi).toContain('async def errors_inside_cors');
  });

  it('JavaScript and TypeScript parse', () => {
    const languages = new Map(stackInfos().map((info) => [info.id, info.language]));
    for (const stack of STACK_IDS.filter((id) => languages.get(id) === 'javascript' || languages.get(id) === 'typescript')) {
      for (const { name, code } of codes(stack)) {
        const file = ts.createSourceFile(`${stack}.ts`, code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
        const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
        expect(diagnostics.map((item) => ts.flattenDiagnosticMessageText(item.messageText, '\n')), name).toEqual([]);
      }
    }
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('Python parses (Django, Flask, FastAPI)', () => {
    const sources = (['django', 'flask', 'fastapi'] as const).flatMap(codes);
    const check = 'import ast, json, sys\nfor item in json.load(sys.stdin):\n    try:\n        ast.parse(item["code"])\n    except SyntaxError as error:\n        print(item["name"], error)\n';
    const result = spawnSync('python3', ['-c', check], { input: JSON.stringify(sources), encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 30_000);

  it('the Spring Boot class compiles with javac against Spring Framework (Debian libspring-web-java)', () => {
    const result = compileSpringSnippets(codes('spring-boot').map(({ code }) => code));
    expect(result.error, 'javac not found: apt-get install default-jdk-headless libspring-web-java (see .ci/run)').toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);

  it('the AWS commands are valid shell, and jq parses their JSON', () => {
    const all = (['aws-api-gateway', 'aws-s3'] as const).flatMap(codes).map(({ code }) => code);
    const shell = spawnSync('bash', ['-n'], { input: all.join('\n'), encoding: 'utf8' });
    expect(shell.stderr).toBe('');
    expect(shell.status).toBe(0);
    const json = all.map((code) => /--cors-configuration '([^']+)'/.exec(code)?.[1] ?? '');
    const jq = spawnSync('jq', ['-e', '-s', 'map(type == "object") | all and length == $count', '--argjson', 'count', String(json.length)], { input: json.join('\n'), encoding: 'utf8' });
    expect(jq.error, 'jq not found: apt-get install jq (see .ci/run)').toBeUndefined();
    expect(jq.status).toBe(0);
  }, 30_000);

  it('the Go handlers parse and are gofmt-formatted', () => {
    for (const { name, code } of codes('go')) {
      const source = `package main\n\nimport (\n\t"net/http"\n\n\t"github.com/rs/cors"\n)\n\n${code}`;
      const result = spawnSync('gofmt', ['-l', '-e'], { input: source, encoding: 'utf8' });
      expect(result.error, 'gofmt not found: apt-get install golang-go (see .ci/run)').toBeUndefined();
      expect(result.stderr, name).toBe('');
      expect(result.stdout, `${name} is not gofmt-formatted`).toBe('');
    }
  }, 30_000);

  it.skipIf(!existsSync(NGINX))('nginx -t accepts each configuration: the map in http { }, the rest in the location', () => {
    const prefix = mkdtempSync(join(tmpdir(), 'cors-lens-nginx-t-'));
    try {
      codes('nginx').forEach(({ name, code }, index) => {
        const at = code.search(/^# 2\. /m);
        const [http, location] = at < 0 ? ['', code] : [code.slice(0, at), code.slice(at)];
        writeFileSync(join(prefix, 'nginx.conf'), nginxConfig(prefix, 9, [{ port: 20000 + index, cors: location }], http));
        expect(() => execFileSync(NGINX, ['-t', '-q', '-p', prefix, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf')], { stdio: 'pipe' }), name).not.toThrow();
      });
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
