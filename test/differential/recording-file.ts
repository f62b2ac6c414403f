// Where a differential suite keeps what the browser did (recorded/<browser>-<major>.json), for the unit tests'
// replay. Shared by the Chromium and Firefox suites: one rule for when a recording is written.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withoutEngineExpectations, type Scenario } from './scenarios';

export const RECORDED_DIR = resolve(import.meta.dirname, 'recorded');

/**
 * The table's hash as the browser runs its rows (withoutEngineExpectations): what the engine should report, or
 * marking a row for one browser, does not by itself force a new recording.
 */
export function tableHashOf(scenarios: readonly Scenario[]): string {
  return createHash('sha256').update(JSON.stringify(scenarios.map(withoutEngineExpectations))).digest('hex').slice(0, 16);
}

/**
 * Writes the recording when the file is missing, its table or browser version changed, or CORS_LENS_RECORD=1;
 * returns its path. An unchanged run leaves the committed file alone (the same verdicts, new timestamps).
 */
export function saveRecording(name: 'chromium' | 'firefox', recording: { readonly browser: string; readonly tableHash: string }): string {
  const major = /\/(\d+)\./.exec(recording.browser)?.[1] ?? 'unknown';
  const file = resolve(RECORDED_DIR, `${name}-${major}.json`);
  let stale = true;
  if (existsSync(file) && process.env.CORS_LENS_RECORD !== '1') {
    try {
      const previous = JSON.parse(readFileSync(file, 'utf8')) as { browser?: unknown; tableHash?: unknown };
      stale = previous.tableHash !== recording.tableHash || previous.browser !== recording.browser;
    } catch {
      stale = true;
    }
  }
  if (stale) {
    mkdirSync(RECORDED_DIR, { recursive: true });
    writeFileSync(file, `${JSON.stringify(recording, null, 1)}\n`);
  }
  return file;
}
