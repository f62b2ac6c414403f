// Compiles Spring Boot snippets with javac against Debian's Spring Framework jars (libspring-web-java,
// libspring-context-java; .ci/run installs them): the check for the one JVM stack that cannot run here.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SPRING_CLASSPATH = ['spring3-web', 'spring3-context', 'spring3-core', 'spring3-beans'].map((name) => `/usr/share/java/${name}.jar`).join(':');

/**
 * Each code is pasted verbatim below a package line of its own (standing for the user's file) as CorsConfig.java,
 * and all are compiled in one javac run (process start-up is the cost on a busy machine).
 */
export function compileSpringSnippets(codes: readonly string[]): SpawnSyncReturns<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cors-lens-javac-'));
  try {
    const files = codes.map((code, index) => {
      const file = join(dir, `p${index}`, 'CorsConfig.java');
      mkdirSync(join(dir, `p${index}`));
      writeFileSync(file, `package p${index};\n${code}`);
      return file;
    });
    return spawnSync('javac', ['-proc:none', '-Xlint:none', '-cp', SPRING_CLASSPATH, '-d', join(dir, 'classes'), ...files], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
