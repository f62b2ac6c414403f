import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The credentials inference and replay() count the rules' reads of the credentials mode and basis
// (isCredentialed, credentialsBasisOf in rules/helpers.ts): a check that read neither decides the same in every
// mode, so its result is reused. A rule that read either directly would make that reuse wrong without a test
// failing on today's captures, so the rule sources are held to the helpers here.

const rulesFolder = join(import.meta.dirname, '../../src/engine/rules');
// exchange.credentials (or any other exchange's), read or destructured; `data.credentials` is a rule's own flag.
const DIRECT_READ = /(exchange|variant|candidate)\s*\.\s*credentials\b/;

describe('rules read the credentials mode and basis only through the counting helpers', () => {
  const files = readdirSync(rulesFolder).filter((name) => name.endsWith('.ts') && name !== 'helpers.ts' && name !== 'run.ts');

  it('covers every rule file', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files)('%s reads neither directly', (name) => {
    const source = readFileSync(join(rulesFolder, name), 'utf8');
    expect(source.split('\n').filter((line) => DIRECT_READ.test(line))).toEqual([]);
  });

  it('would be caught: a direct read matches', () => {
    expect(DIRECT_READ.test('if (context.exchange.credentials.basis === "cookie-header")')).toBe(true);
    expect(DIRECT_READ.test('const { mode } = exchange.credentials;')).toBe(true);
    expect(DIRECT_READ.test('failure.data.credentials ? "warning" : "info"')).toBe(false);
  });
});
