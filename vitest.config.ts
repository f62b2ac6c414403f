import { defineConfig } from 'vitest/config';

// Two projects: "unit" runs in Node (and happy-dom per file) in seconds; "chromium" drives real browsers —
// Debian's Chromium with the built extension loaded, and Firefox ESR (test/differential/firefox*.test.ts, via
// test/support/firefox.ts) — so it runs one file at a time with generous timeouts.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          globalSetup: ['test/support/build-cli.ts'],
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/e2e/**', 'test/differential/**', 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'chromium',
          include: ['test/e2e/**/*.test.ts', 'test/differential/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
