// The Firefox differential suite reads the HAR with the toolbox's getHARFromNetMonitor() from the privileged
// context. This test checks that this is exactly what a Firefox extension gets from devtools.network.getHAR():
// a throwaway extension (written to a temp dir, installed with BiDi webExtension.install) has a devtools_page that,
// when the test says so, calls browser.devtools.network.getHAR() and posts the log to the test's server; the test
// compares it with getHARFromNetMonitor() read at the same moment, on a page that makes an allowed, a CORS-blocked
// and a preflight-stopped request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchFirefox, type FirefoxSession } from '../support/firefox';

let server: Server | undefined;
let firefox: FirefoxSession | undefined;
let extensionDir = '';
let origin = '';
let command = 'wait';
let posted: ((body: string) => void) | undefined;
const extensionHar = new Promise<string>((resolve) => (posted = resolve));

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? '/';
    const cors = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' };
    if (url === '/page') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>har source</title>');
    } else if (url === '/command') {
      response.writeHead(200, { ...cors, 'Content-Type': 'text/plain' });
      response.end(command);
    } else if (url === '/har' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        response.writeHead(204, cors);
        response.end();
        posted?.(body);
      });
    } else if (url.startsWith('/allowed')) {
      response.writeHead(200, { ...cors, 'Content-Type': 'text/plain' });
      response.end('allowed');
    } else if (request.method === 'OPTIONS') {
      response.writeHead(204, { 'Access-Control-Allow-Origin': '*' }); // no Allow-Methods: PUT is refused
      response.end();
    } else {
      response.writeHead(200, { 'Content-Type': 'text/plain' }); // no ACAO
      response.end('blocked');
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  extensionDir = mkdtempSync(join(tmpdir(), 'cors-lens-har-probe-'));
  writeFileSync(join(extensionDir, 'manifest.json'), JSON.stringify({
    manifest_version: 3,
    name: 'CORS Lens HAR probe (test)',
    version: '1.0',
    devtools_page: 'devtools.html',
    browser_specific_settings: { gecko: { id: 'har-probe@cors-lens.test', strict_min_version: '142.0' } },
  }));
  writeFileSync(join(extensionDir, 'devtools.html'), '<!doctype html><meta charset="utf-8"><script src="devtools.js"></script>\n');
  writeFileSync(join(extensionDir, 'devtools.js'), `const server = ${JSON.stringify(origin)};
const poll = async () => {
  try {
    const command = await (await fetch(server + '/command')).text();
    if (command === 'har') {
      const log = await browser.devtools.network.getHAR();
      await fetch(server + '/har', { method: 'POST', body: JSON.stringify(log) });
      return;
    }
  } catch (error) {
    // the server may not be up yet
  }
  setTimeout(poll, 100);
};
poll();
`);
  firefox = await launchFirefox();
  await firefox.installExtension(extensionDir);
}, 60_000);

afterAll(async () => {
  await firefox?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (extensionDir) rmSync(extensionDir, { recursive: true, force: true });
});

type Entry = { request: { method: string; url: string }; response: { status: number; headers: unknown[] }; pageref?: string };

describe("Firefox's devtools.network.getHAR() is the toolbox's getHARFromNetMonitor()", () => {
  it('an extension gets the same HAR log as the suite reads', async () => {
    await firefox!.openToolbox();
    await firefox!.navigate(`${origin}/page`);
    await firefox!.waitForNetworkRecording([`${origin}/probe`, `${origin.replace('127.0.0.1', 'localhost')}/probe`]);
    const other = origin.replace('127.0.0.1', 'localhost');
    const outcomes = await firefox!.evaluate<string[]>(`Promise.all([
      fetch(${JSON.stringify(`${other}/allowed`)}).then(() => 'allowed', () => 'blocked'),
      fetch(${JSON.stringify(`${other}/no-acao`)}).then(() => 'allowed', () => 'blocked'),
      fetch(${JSON.stringify(`${other}/put`)}, { method: 'PUT', body: 'x' }).then(() => 'allowed', () => 'blocked'),
    ])`);
    expect(outcomes).toEqual(['allowed', 'blocked', 'blocked']);
    // Wait until the network monitor has all four requests (and the preflight), then read both at once.
    const wanted = [`GET ${other}/allowed`, `GET ${other}/no-acao`, `PUT ${other}/put`, `OPTIONS ${other}/put`];
    for (let i = 0; i < 50; i++) {
      const have = new Set((await firefox!.getHAR()).entries.map((entry) => `${(entry as Entry).request.method} ${(entry as Entry).request.url}`));
      if (wanted.every((request) => have.has(request))) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    command = 'har';
    const fromExtension = JSON.parse(await extensionHar) as { entries: Entry[] };
    const fromToolbox = await firefox!.getHAR() as unknown as { entries: Entry[] };
    // The browser's own favicon request may land at any moment, and the recording probes are not the page's:
    // left out of both. Each getHAR() call numbers its pages afresh (page_3, page_4…): pageref is left out too.
    const own = (log: { entries: Entry[] }) => log.entries
      .filter((entry) => !entry.request.url.endsWith('/favicon.ico') && !entry.request.url.includes('lens-probe='))
      .map(({ pageref: _pageref, ...entry }) => entry);
    const shape = (log: { entries: Entry[] }) => own(log).map((entry) => `${entry.request.method} ${entry.request.url} ${entry.response.status} ${entry.response.headers.length}`);
    // page, allowed, blocked (200 with headers), PUT stopped by its preflight (status 0), OPTIONS after it.
    expect(shape(fromToolbox)).toEqual([
      `GET ${origin}/page 200 ${fromToolbox.entries[0]?.response.headers.length}`,
      expect.stringMatching(/^GET http:\/\/localhost:\d+\/allowed 200 [1-9]/),
      expect.stringMatching(/^GET http:\/\/localhost:\d+\/no-acao 200 [1-9]/),
      expect.stringMatching(/^PUT http:\/\/localhost:\d+\/put 0 0$/),
      expect.stringMatching(/^OPTIONS http:\/\/localhost:\d+\/put 204 [1-9]/),
    ]);
    // The extension's log is the same data, entry by entry (request and response headers, bodies, timings…).
    expect(own(fromExtension)).toEqual(own(fromToolbox));
  });
});
