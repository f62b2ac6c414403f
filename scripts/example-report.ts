// Writes docs/example-report.md: the Markdown export of a capture shaped like the demo's (`npm start`), made by
// the real exporter. test/report/example-report.test.ts fails when the committed file is stale; refresh it with
//   npx tsx scripts/example-report.ts
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportReport } from '../src/engine/index.js';
import { exchange, har } from '../test/fixtures/builders.js';

export const EXAMPLE_REPORT_PATH = resolve(import.meta.dirname, '../docs/example-report.md');

const PAGE = 'https://app.example';
const API = 'https://api.example.net';
const json = { 'Content-Type': 'application/json' };
const token = { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJlMTIzNDU2Nzg5' };

/** The demo's endpoints, as Chromium records them (see scripts/demo/endpoints.ts). */
export function exampleCapture() {
  return har([
    ...exchange({ at: 0, url: `${API}/api/public` }).actual({ acao: PAGE, headers: { Vary: 'Origin' } }).entries(),
    ...exchange({ at: 100, url: `${API}/api/no-allow-origin?session=4f9c2a7e1b3d5f60718293a4b5c6d7e8` }).actual({ error: 'net::ERR_FAILED' }).entries(),
    ...exchange({ at: 200, url: `${API}/api/wildcard-with-credentials`, cookie: 'session=4f9c2a7e1b3d5f60718293a4b5c6d7e8' })
      .actual({ acao: '*', error: 'net::ERR_FAILED' }).entries(),
    ...exchange({ at: 300, url: `${API}/api/items/42`, method: 'DELETE', headers: token }).preflight({ status: 404 }).actual({ notSent: true }).entries(),
    ...exchange({ at: 400, url: `${API}/api/items/7`, method: 'PATCH', headers: json })
      .preflight({ acao: PAGE, acam: 'GET, POST', acah: 'Content-Type' }).actual({ notSent: true }).entries(),
    ...exchange({ at: 500, url: `${API}/api/report`, method: 'POST', headers: { ...json, 'X-Request-Id': 'demo-123' } })
      .preflight({ acao: PAGE, acam: 'POST', acah: 'Content-Type' }).actual({ notSent: true }).entries(),
    ...exchange({ at: 600, url: `${API}/api/orders`, method: 'PUT', headers: json })
      .preflight({ acao: PAGE, acam: 'PUT', acah: 'Content-Type' }).actual({ acao: PAGE }).entries(),
  ]);
}

export function exampleReport(): string {
  const result = exportReport(exampleCapture(), {
    format: 'md',
    stack: 'express',
    generatedAt: '2026-01-15T09:30:00.000Z',
    sourceName: 'demo-capture.har',
    sourceKind: 'file',
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.content;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  writeFileSync(EXAMPLE_REPORT_PATH, exampleReport());
  console.log(`Wrote ${EXAMPLE_REPORT_PATH}`);
}
