// A user's clone is all there is: no test, script, bench or CI step may read a path outside the repository
// (the team's ../shared folder, a developer's /work checkout). scripts/clean-clone-test.sh proves it by running
// the unit tests in a lone clone; this catches the mistake before that, in every unit run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const FOLDERS = ['test', 'scripts', 'bench', '.ci', 'src'];
/** CI's entry point and the lone-clone run, which say in comments what is beside a clone and what is not. */
const EXPLAINS_CLONE: ReadonlySet<string> = new Set(['.ci/run', 'scripts/clean-clone-test.sh']);
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
      // Not even a comment may send a reader there (a user's clone has nothing beside it: a fact used here is kept
      // in the repository); only the files that explain what a lone clone lacks may name it, in comments.
      .filter(([file, , line]) => OUTSIDE.test(line) && !(EXPLAINS_CLONE.has(relative(REPO, file)) && /^\s*(\/\/|\*|\/\*|#)/.test(line)))
      .map(([file, line, text]) => `${relative(REPO, file)}:${line}: ${text.trim()}`);
    expect(offenders).toEqual([]);
  });
});
