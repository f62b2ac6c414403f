// The CLI as a user installs it: `npm pack`, then `npm install --omit=dev` of the tarball into an empty folder,
// offline, and `npx cors-lens` there — Node alone, no devDependency, nothing of the repository beside it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE, exchange, har } from '../fixtures/builders.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string; dependencies?: object };
const work = mkdtempSync(path.join(tmpdir(), 'cors-lens-install-'));
const project = path.join(work, 'project');
let packed: { filename: string; files: { path: string }[] };

function run(command: string, args: readonly string[], cwd: string) {
  // PATH keeps node and npm; nothing else of this environment (NODE_PATH, npm_config_*) leaks in.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, npm_config_cache: process.env.npm_config_cache ?? path.join(process.env.HOME ?? work, '.npm') };
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  // The unit project's global setup has just built dist-cli/; --ignore-scripts keeps prepack from rebuilding it
  // under the other CLI tests' feet (prepack runs the same build for a real `npm pack`).
  const pack = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], REPO);
  expect(pack.code, pack.stderr).toBe(0);
  packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0] as typeof packed;
  run('mkdir', [project], work);
  const install = run('npm', ['install', '--omit=dev', '--offline', '--no-audit', '--no-fund', path.join(work, packed.filename)], project);
  expect(install.code, install.stderr).toBe(0);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the installable CLI package', { timeout: 60_000 }, () => {
  it('ships the CLI, README and license, and nothing of the tests, fixtures, sources or extension build', () => {
    const files = packed.files.map((file) => file.path).sort();
    expect(files.filter((file) => !/^dist-cli\/[\w-]+\.mjs$/.test(file))).toEqual(['LICENSE', 'README.md', 'bin/cors-lens.mjs', 'package.json']);
    expect(files).toContain('dist-cli/cors-lens.mjs');
    expect(files).toContain('dist-cli/run.mjs');
    expect(packed.filename).toBe(`cors-lens-${pkg.version}.tgz`);
  });

  it('installs with no dependency at all: node_modules holds cors-lens alone', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(readdirSync(path.join(project, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['cors-lens']);
  });

  it('runs `npx cors-lens` there: version, help, and a diagnosis with its exit code', () => {
    expect(run('npx', ['--offline', 'cors-lens', '--version'], project).stdout.trim()).toBe(pkg.version);
    expect(run('npx', ['--offline', 'cors-lens', '--help'], project).stdout).toMatch(/^Usage: cors-lens diagnose FILE\.har/);
    const capture = path.join(project, 'x.har');
    writeFileSync(capture, JSON.stringify(har([
      ...exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json' } }).preflight({ status: 404 }).actual({ notSent: true }).entries(),
      ...exchange({ at: 100, url: 'https://api.example.net/ok' }).actual({ acao: PAGE }).entries(),
    ])));
    const text = run('npx', ['--offline', 'cors-lens', 'diagnose', 'x.har'], project);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/2 exchanges: 2 cross-origin, 1 blocked, 1 allowed/);
    const json = run('npx', ['--offline', 'cors-lens', 'diagnose', 'x.har', '--format', 'json'], project);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ schema: 'cors-lens/report@2', tool: { version: pkg.version } });
  });
});
