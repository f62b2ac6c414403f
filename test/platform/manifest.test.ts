import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync('manifest.json', 'utf8'));

describe('manifest.json', () => {
  it('is Manifest V3 with a devtools page and icons that exist', () => {
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.devtools_page).toBe('src/devtools/devtools.html');
    for (const size of ['16', '32', '48', '128']) {
      const png = readFileSync(manifest.icons[size]);
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(Number(size));
    }
  });

  it('leaves the version to package.json, the one place it is written (vite.config.ts adds it at build time)', () => {
    expect(manifest.version).toBeUndefined();
  });

  it('asks for no permissions at all: no host access, no debugger', () => {
    expect(manifest.permissions ?? []).toEqual([]);
    expect(manifest.host_permissions).toBeUndefined();
    expect(manifest.optional_permissions).toBeUndefined();
    expect(manifest.content_scripts).toBeUndefined();
  });

  it('has a content security policy that allows no remote or inline code', () => {
    const csp: string = manifest.content_security_policy.extension_pages;
    const directives = new Map(csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/https?:|unsafe-eval|unsafe-inline|\*/);
  });
});
