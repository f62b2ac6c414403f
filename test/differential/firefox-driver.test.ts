// Smoke test of test/support/firefox.ts: Debian's Firefox ESR starts headless, BiDi scripts the page and the
// privileged window, the toolbox records the tab's traffic into getHARFromNetMonitor(), Firefox's CORS reason
// key reaches Services.console, and close() leaves no process and no profile behind.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchFirefox, type FirefoxSession } from '../support/firefox';

let server: Server | undefined;
let origin = '';
let firefox: FirefoxSession | undefined;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/page') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>driver smoke</title><p>hello</p>');
    } else {
      // No Access-Control-Allow-Origin: a cross-origin fetch of this is blocked.
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('no cors');
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  firefox = await launchFirefox();
}, 60_000);

afterAll(async () => {
  await firefox?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('Firefox driver (test/support/firefox.ts)', () => {
  it('launches Firefox ESR and evaluates in the page and in the privileged window', async () => {
    expect(firefox!.version).toMatch(/^Firefox\/\d+\.\d+/);
    expect(await firefox!.evaluateChrome<string>('Services.appinfo.name')).toBe('Firefox');
    expect(await firefox!.evaluateChrome<string>('typeof gDevTools.showToolboxForTab')).toBe('function');
    expect(await firefox!.evaluateChrome<boolean>('Services.prefs.getBoolPref("network.lna.enabled")')).toBe(false);
  });

  it('records the tab in the toolbox HAR and reads the CORS reason key from the console', async () => {
    await firefox!.openToolbox();
    await firefox!.navigate(`${origin}/page`);
    expect(await firefox!.evaluate<string>('document.title')).toBe('driver smoke');
    await firefox!.waitForNetworkRecording([`${origin}/probe`, `${origin.replace('127.0.0.1', 'localhost')}/probe`]);
    // localhost:<port> is another origin than 127.0.0.1:<port>.
    const url = `${origin.replace('127.0.0.1', 'localhost')}/blocked-${Date.now()}`;
    const outcome = await firefox!.evaluate<string>(`fetch(${JSON.stringify(url)}).then(() => 'allowed', (error) => 'blocked: ' + error.name)`);
    expect(outcome).toBe('blocked: TypeError');
    let messages = await firefox!.corsConsoleMessages();
    for (let i = 0; i < 20 && !messages.some((message) => message.message.includes(url)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      messages = await firefox!.corsConsoleMessages();
    }
    expect(messages.filter((message) => message.message.includes(url)).map((message) => message.category.replace(/\d+$/, ''))).toEqual(['CORSMissingAllowOrigin']);
    // The network monitor adds an entry once the request's events arrived: read until the fetch is in.
    let urls: string[] = [];
    for (let i = 0; i < 100 && !urls.includes(url); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      urls = (await firefox!.getHAR()).entries.map((entry) => (entry as { request: { url: string } }).request.url);
    }
    expect(urls).toContain(`${origin}/page`);
    expect(urls, JSON.stringify(urls)).toContain(url);
  });

  it('close() stops the process group and removes the profile', async () => {
    const { pid, profileDir } = firefox!;
    await firefox!.close();
    expect(existsSync(profileDir)).toBe(false);
    expect(() => process.kill(-pid, 0)).toThrow();
  });
});
