import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAGE, exchange, har } from '../fixtures/builders.js';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'bin/cors-lens.mjs');
const work = mkdtempSync(path.join(tmpdir(), 'cors-lens-cli-'));

function fixture(name: string, content: string): string {
  const file = path.join(work, name);
  writeFileSync(file, content);
  return file;
}

const allowedFile = fixture('allowed.har', JSON.stringify(exchange().actual({ acao: PAGE }).har()));
const blocked = JSON.stringify(har([
  ...exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json' } }).preflight({ status: 404 }).actual({ notSent: true }).entries(),
  ...exchange({ at: 100, url: 'https://api.example.net/ok' }).actual({ acao: '*' }).entries(),
]));
const blockedFile = fixture('blocked.har', blocked);
const garbageFile = fixture('garbage.har', '<html>');

function cli(args: readonly string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cors-lens CLI (bin/cors-lens.mjs)', { timeout: 60_000 }, () => {
  it('exits 0 with a text summary when nothing is blocked', () => {
    const { code, stdout } = cli(['diagnose', allowedFile]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/1 exchanges: 1 cross-origin, 0 blocked, 1 allowed/);
  });

  it('exits 1 and prints the problems, each with its Chromium error and fix; --exchanges adds a line per exchange', () => {
    const { code, stdout } = cli(['diagnose', blockedFile]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ 1\. ERROR   1 request +The response has no Access-Control-Allow-Origin header — https:\/\/api\.example\.net\/items$/m);
    expect(stdout).toMatch(/^ +Chromium: PreflightMissingAllowOriginHeader · PUT · from https:\/\/app\.example$/m);
    expect(stdout).toMatch(/^ +Fix \(all-responses\): Send Access-Control-Allow-Origin: https:\/\/app\.example .*\[re-check: 1 of 1 pass\]$/m);
    expect(stdout.split('\n').filter((line) => line.startsWith('BLOCKED'))).toEqual([]);
    const listed = cli(['diagnose', blockedFile, '--exchanges']);
    expect(listed.code).toBe(1);
    const blockedLines = listed.stdout.split('\n').filter((line) => line.startsWith('BLOCKED'));
    expect(blockedLines).toHaveLength(1);
    expect(blockedLines[0]).toMatch(/PUT https:\/\/api\.example\.net\/items\s+PreflightMissingAllowOriginHeader\s+→ fix \(all-responses\): Send Access-Control-Allow-Origin: https:\/\/app\.example/);
  });

  it('spools a JSON export\'s entries through a temporary file that it leaves nowhere: the same JSON as reading the file whole', () => {
    const temporary = mkdtempSync(path.join(tmpdir(), 'cors-lens-spool-'));
    const env = { ...process.env, TMPDIR: temporary, TMP: temporary, TEMP: temporary };
    const spooled = spawnSync(process.execPath, [BIN, 'diagnose', blockedFile, '--format', 'json', '--no-redact'], { cwd: REPO, encoding: 'utf8', timeout: 30_000, env });
    // stdin is read whole (exportReport): the reference.
    const whole = spawnSync(process.execPath, [BIN, 'diagnose', '-', '--format', 'json', '--no-redact'], { cwd: REPO, encoding: 'utf8', timeout: 30_000, env, input: blocked });
    expect(spooled.status).toBe(1);
    const withoutDate = (text: string) => text.replace(/"generatedAt": "[^"]*"/, '').replace('"name": "stdin"', '"name": "blocked.har"');
    expect(withoutDate(spooled.stdout)).toBe(withoutDate(whole.stdout));
    expect(readdirSync(temporary)).toEqual([]);
  });

  it('emits the cors-lens/report@2 JSON contract: problems first, fixes stored once and referenced', () => {
    const { code, stdout } = cli(['diagnose', blockedFile, '--format', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Record<string, unknown> & { exchanges: Record<string, unknown>[]; summary: Record<string, number> };
    expect(report.schema).toBe('cors-lens/report@2');
    expect(report.tool).toEqual({ name: 'cors-lens', version: '0.1.0' });
    expect(report.source).toEqual({ kind: 'file', name: 'blocked.har', creator: 'WebInspector 537.36' });
    // Warnings depend on the audit rules of the day; the counts that decide the exit code are pinned.
    expect(report.summary).toMatchObject({ exchanges: 2, crossOrigin: 2, blocked: 1, allowed: 1, unknown: 0 });
    const [blocked] = report.exchanges;
    expect(Object.keys(blocked ?? {})).toEqual(expect.arrayContaining([
      'id', 'url', 'method', 'startedDateTime', 'initiatorOrigin', 'kind', 'entries', 'preflight', 'verdict', 'corsError', 'findings',
    ]));
    expect(blocked).toMatchObject({ kind: 'preflighted', entries: [0, 1], verdict: 'blocked', corsError: 'PreflightMissingAllowOriginHeader', preflight: { entry: 1, status: 'sent' } });
    const findings = blocked?.findings as Record<string, unknown>[];
    expect(Object.keys(findings[0] ?? {})).toEqual(expect.arrayContaining(['rule', 'severity', 'response', 'url', 'problem', 'header', 'observed', 'expected', 'message', 'fix']));
    // A finding's fix is a reference into the fixes table; the problem it belongs to lists the exchange.
    const fixes = report.fixes as Record<string, { target: string; headers: unknown[] }>;
    const problems = report.problems as { id: string; exchanges: string[]; fix: { snippets: unknown[] } | null }[];
    const fixId = findings.find((finding) => finding.fix !== null)?.fix as string;
    expect(fixes[fixId]).toMatchObject({ target: expect.any(String), headers: expect.any(Array) });
    expect(fixes[fixId]).not.toHaveProperty('snippets');
    expect(blocked?.problems).toEqual([...new Set(findings.map((finding) => finding.problem))]);
    for (const id of blocked?.problems as string[]) expect(problems.find((problem) => problem.id === id)?.exchanges).toContain(blocked?.id);
    expect(problems.some((problem) => (problem.fix?.snippets.length ?? 0) > 0)).toBe(true);
  });

  it('judges for the browser --browser names, in every format, and otherwise for the one the HAR names', () => {
    const { code, stdout } = cli(['diagnose', blockedFile, '--browser', 'firefox']);
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toMatch(/· Firefox's checks \(chosen\)$/);
    expect(stdout).toMatch(/^ +Firefox: CORSMissingAllowOrigin \(Chromium: PreflightMissingAllowOriginHeader\) · PUT/m);
    const json = JSON.parse(cli(['diagnose', blockedFile, '--browser=firefox', '--format', 'json']).stdout) as { browser: { id: string }; exchanges: { firefoxError: string | null }[] };
    expect(json.browser.id).toBe('firefox');
    expect(json.exchanges.map((exchange) => exchange.firefoxError)).toEqual(['CORSMissingAllowOrigin', null]);
    expect(cli(['diagnose', blockedFile]).stdout.split('\n')[0]).toMatch(/· Chromium's checks \(/);
    const firefoxHar = fixture('firefox.har', JSON.stringify({ log: { ...har(exchange().actual({}).entries()).log, browser: { name: 'Firefox', version: '153.0' } } }));
    expect(cli(['diagnose', firefoxHar]).stdout.split('\n')[0]).toMatch(/Firefox's checks \(the HAR's browser, Firefox 153\.0\)$/);
  });

  it('exits 2 with a one-line reason on unreadable input', () => {
    for (const args of [['diagnose', garbageFile], ['diagnose', path.join(work, 'missing.har')], ['diagnose'], ['frobnicate', allowedFile], ['diagnose', allowedFile, '--format', 'xml'], ['diagnose', allowedFile, '--browser', 'safari']]) {
      const { code, stderr, stdout } = cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('prints help and version', () => {
    expect(cli(['--help']).stdout).toMatch(/Usage: cors-lens diagnose FILE\.har/);
    expect(cli(['--version']).stdout.trim()).toBe('0.1.0');
  });

  it('runs through the npm script as documented', () => {
    const result = spawnSync('npm', ['run', '--silent', 'cors-lens', '--', 'diagnose', allowedFile, '--format', 'json'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { schema: string }).schema).toBe('cors-lens/report@2');
  });
});
