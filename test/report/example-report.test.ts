import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_REPORT_PATH, exampleReport } from '../../scripts/example-report.js';

describe('docs/example-report.md', () => {
  it('is what scripts/example-report.ts produces today (run `npx tsx scripts/example-report.ts` to refresh it)', () => {
    expect(readFileSync(EXAMPLE_REPORT_PATH, 'utf8')).toBe(exampleReport());
  });

  it('shows blocked exchanges, fixes, an express snippet, curl and the redactions', () => {
    const markdown = exampleReport();
    expect(markdown).toContain('`WildcardOriginNotAllowed`');
    expect(markdown).toContain('### Header fix');
    expect(markdown).toContain('**express**');
    expect(markdown).toContain('### Reproduce with curl');
    expect(markdown).toContain('## Redactions');
    expect(markdown).not.toContain('4f9c2a7e1b3d5f60718293a4b5c6d7e8');
  });
});
