// State lives in a run, not in a module: every cache and sharing table belongs to a RunContext (one per
// diagnose() call or live session), so two runs in one process cannot see each other. This holds the engine's
// modules to it: no module-level `let`/`var`, and every module-level Map, Set or WeakMap is typed read-only (or
// frozen), which the compiler then enforces.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose, reportToJson } from '../../src/engine/index.js';
import { exchange, har } from '../fixtures/builders.js';

const ENGINE = join(import.meta.dirname, '../../src/engine');

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

const MUTABLE_BINDING = /^(?:export\s+)?(?:let|var)\s/;
const COLLECTION = /^(?:export\s+)?const\s+\w+\s*(:\s*([^=]+))?=\s*new\s+(Map|Set|WeakMap|WeakSet|Array)\b/;

function moduleStateOf(source: string): string[] {
  return source.split('\n').flatMap((line, index) => {
    if (MUTABLE_BINDING.test(line)) return [`${index + 1}: ${line.trim()}`];
    const collection = COLLECTION.exec(line);
    if (collection === null) return [];
    const type = collection[2] ?? '';
    const readOnly = /^(Readonly|readonly )/.test(type.trim()) || /Object\.freeze\(/.test(line);
    return readOnly ? [] : [`${index + 1}: ${line.trim()}`];
  });
}

describe('the engine keeps no state in its modules', () => {
  const files = sources(ENGINE);

  it('scans every engine module', () => {
    expect(files.length).toBeGreaterThan(60);
  });

  it('has no module-level mutable binding or writable collection', () => {
    const found = files.flatMap((file) => moduleStateOf(readFileSync(file, 'utf8')).map((line) => `${relative(ENGINE, file)}:${line}`));
    expect(found).toEqual([]);
  });

  it('would catch one', () => {
    expect(moduleStateOf('let cache = 0;\nconst seen = new Map<string, number>();\nexport const names = new Set();')).toHaveLength(3);
    expect(moduleStateOf('const NAMES: ReadonlySet<string> = new Set([]);\nconst NONE = Object.freeze([]);')).toEqual([]);
  });

  it('gives one run\'s tables to nothing else: runs interleaved in one process report as each does alone', () => {
    const first = har([...exchange().actual({ acao: '*' }).entries(), ...exchange({ at: 10, method: 'PUT' }).preflight({ status: 404 }).actual({ notSent: true }).entries()]);
    const second = har(exchange({ url: 'https://api.example.net/b', cookie: 'a=b' }).actual({ acao: '*' }).entries());
    const alone = [first, second].map((input) => {
      const result = diagnose(input);
      if (!result.ok) throw new Error(result.error.message);
      return reportToJson(result.report);
    });
    for (let round = 0; round < 3; round++) {
      [first, second].forEach((input, index) => {
        const result = diagnose(input);
        if (!result.ok) throw new Error(result.error.message);
        expect(reportToJson(result.report)).toBe(alone[index]);
      });
    }
  });
});
