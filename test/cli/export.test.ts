import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAGE, exchange, har } from '../fixtures/builders.js';
import { SECRET_VALUES, SECRETS, secretsHar } from '../report/fixtures/secrets.js';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'bin/cors-lens.mjs');
const work = mkdtempSync(path.join(tmpdir(), 'cors-lens-cli-export-'));

function fixture(name: string, content: string): string {
  const file = path.join(work, name);
  writeFileSync(file, content);
  return file;
}

function cli(args: readonly string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const blockedFile = fixture('blocked.har', JSON.stringify(har([
  ...exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json' } }).preflight({ status: 404 }).actual({ notSent: true }).entries(),
  ...exchange({ at: 100, url: 'https://api.example.net/ok' }).actual({ acao: PAGE }).entries(),
])));
const secretsFile = fixture('secrets.har', JSON.stringify(secretsHar()));

// Each test spawns several CLI processes (the built CLI, plain JavaScript): generous on a shared 2-core machine.
describe('cors-lens diagnose --format md|html|json, --out, --no-redact, --stack, --exchange', { timeout: 60_000 }, () => {
  it('writes Markdown and HTML to stdout with the same exit codes', () => {
    const md = cli(['diagnose', blockedFile, '--format', 'md']);
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^# CORS Lens report\n/);
    expect(md.stdout).toContain('| Source | `blocked.har` (WebInspector 537.36) |');
    const html = cli(['diagnose', blockedFile, '--format=html']);
    expect(html.code).toBe(1);
    expect(html.stdout).toMatch(/^<!DOCTYPE html>/);
    expect(html.stdout).not.toContain('<script');
    expect(cli(['diagnose', blockedFile, '--format', 'md', '--exchange', 'ex-2']).code).toBe(0);
  });

  it('redacts by default in every format and keeps secrets with --no-redact', () => {
    for (const format of ['text', 'json', 'md', 'html']) {
      const { stdout, code } = cli(['diagnose', secretsFile, '--format', format]);
      expect(code, format).toBe(1);
      expect(SECRET_VALUES.filter((secret) => stdout.includes(secret)), format).toEqual([]);
    }
    const raw = cli(['diagnose', secretsFile, '--format', 'json', '--no-redact']);
    expect(raw.stdout).toContain(SECRETS.cookieHeader);
    expect((JSON.parse(raw.stdout) as { export: { redacted: boolean } }).export.redacted).toBe(false);
  });

  it('writes --out FILE, and the exported JSON reopens as input with the same verdicts', () => {
    const out = path.join(work, 'report.json');
    const written = cli(['diagnose', secretsFile, '--format', 'json', '--out', out]);
    expect(written).toMatchObject({ code: 1, stdout: '' });
    const exported = JSON.parse(readFileSync(out, 'utf8')) as { exchanges: unknown; export: { har: unknown } };
    const reopened = cli(['diagnose', out, '--format', 'json']);
    expect(reopened.code).toBe(1);
    const again = JSON.parse(reopened.stdout) as { exchanges: unknown; source: unknown };
    expect(again.exchanges).toEqual(exported.exchanges);
    expect(again.source).toEqual({ kind: 'file', name: 'secrets.har', creator: 'WebInspector 537.36' });
    expect(cli(['diagnose', out, '--exchanges']).stdout).toMatch(/BLOCKED  PUT /);
  });

  it('shows the chosen stack and one exchange', () => {
    const { stdout, code } = cli(['diagnose', blockedFile, '--format', 'md', '--stack', 'express', '--exchange', 'ex-0']);
    expect(code).toBe(1);
    expect(stdout).toContain('| Server stack | `express` |');
    expect(stdout).toContain('1 selected exchange(s): `ex-0`');
    expect(stdout).toContain('### Server snippet');
  });

  it('exits 2 with one line on stderr for bad input, reports without a HAR, unknown exchanges and bad options', () => {
    const plainReport = fixture('plain-report.json', cli(['diagnose', blockedFile, '--format', 'json']).stdout.replace(/,\s*"export": \{[\s\S]*\}\s*\}\s*$/, '\n}\n'));
    expect(JSON.parse(readFileSync(plainReport, 'utf8'))).not.toHaveProperty('export');
    for (const args of [
      ['diagnose', plainReport],
      ['diagnose', blockedFile, '--exchange', 'ex-99'],
      ['diagnose', blockedFile, '--format', 'pdf'],
      ['diagnose', blockedFile, '--stack', 'Bad Stack'],
      ['diagnose', blockedFile, '--out'],
      ['diagnose', blockedFile, '--out', path.join(work, 'missing-dir', 'x.md')],
      ['diagnose', blockedFile, '--redact=no'],
    ]) {
      const { code, stderr, stdout } = cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout, args.join(' ')).toBe('');
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(cli(['diagnose', plainReport]).stderr).toMatch(/holds no HAR to diagnose again/);
  });

  it('documents the new options in --help', () => {
    const { stdout } = cli(['--help']);
    for (const option of ['--format FORMAT', '--out FILE', '--no-redact', '--stack ID', '--exchange ID']) expect(stdout).toContain(option);
  });
});
