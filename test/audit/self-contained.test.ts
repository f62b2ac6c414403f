// A user's clone is all there is: no test, script, bench or CI step may read a path outside the repository
// (the team's ../shared folder, a developer's /work checkout). scripts/clean-clone-test.sh proves it by running
// the unit tests in a lone clone; this catches the mistake before that, in every unit run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const FOLDERS = ['test', 'scripts', 'bench', '.ci', 'src'];
const OUTSIDE = /(?:\.\.\/){1,}shared\b|\/work\/(?:shared|main)\b|['"`]\.\.\/\.\.\/\.\.\//;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'har-samples' || name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx|mjs|js|sh|json)$/.test(name) || name === 'run' ? [path] : [];
  });
}

describe('the repository is self-contained', () => {
  it('reads nothing outside itself from tests, scripts, benches, CI or sources', () => {
    const files = FOLDERS.flatMap((folder) => sourceFiles(join(REPO, folder)));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files
      .filter((file) => file !== import.meta.filename)
      .flatMap((file) => readFileSync(file, 'utf8').split('\n').map((line, index) => [file, index + 1, line] as const))
      // Comments may name where a fact came from; code may not read it.
      .filter(([, , line]) => OUTSIDE.test(line) && !/^\s*(\/\/|\*|\/\*|#)/.test(line))
      .map(([file, line, text]) => `${relative(REPO, file)}:${line}: ${text.trim()}`);
    expect(offenders).toEqual([]);
  });
});
