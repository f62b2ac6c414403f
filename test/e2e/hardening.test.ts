// The panel under hostile and huge input, in real Chromium: values that carry script or HTML stay text,
// a 50 MB header value and a 200 MB HAR neither freeze nor crash it, 20,000 exchanges render only the rows in
// view, the extension sends nothing over the network and stores nothing but preferences.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticHar } from '../../bench/synthetic-har';
import { launchChromium, openCorsPanel, waitFor, type ChromiumSession, type CorsPanel } from '../../scripts/lib/chromium';

let chromium: ChromiumSession;
let panel: CorsPanel;
let folder: string;
const extensionRequests: string[] = [];
const watchers: CDPSession[] = [];

const state = () =>
  panel.evaluate<{ rows: number; source: string; busy: boolean; alert: string }>(`({
    rows: document.querySelectorAll('[data-exchange]').length,
    source: document.querySelector('[data-testid=source]')?.textContent ?? '',
    busy: document.querySelector('.banner.progress') !== null,
    alert: document.querySelector('[role=alert]')?.textContent ?? '',
  })`);

async function importAndSettle(name: string, har: unknown, timeoutMs = 120_000): Promise<{ sawProgress: boolean }> {
  const file = join(folder, name);
  writeFileSync(file, JSON.stringify(har));
  await panel.importHar(file);
  let sawProgress = false;
  await waitFor(`${name} to be diagnosed`, async () => {
    const now = await state();
    sawProgress ||= now.busy;
    return now.source === name && !now.busy && now.rows > 0 ? true : undefined;
  }, timeoutMs);
  return { sawProgress };
}

const hostile = (url: string, headers: Record<string, string>) => ({
  startedDateTime: '2026-11-21T10:00:00.000Z',
  time: 5,
  request: { method: 'GET', url, httpVersion: 'HTTP/1.1', headers: [{ name: 'Origin', value: 'http://app.test' }, { name: 'Sec-Fetch-Mode', value: 'cors' }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
  response: {
    status: 200, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], content: { size: 0, mimeType: 'text/html' }, redirectURL: '', headersSize: -1, bodySize: 0,
    headers: Object.entries(headers).map(([name, value]) => ({ name, value })), _error: 'net::ERR_FAILED',
  },
  cache: {}, timings: { send: 0, wait: 1, receive: 1 }, _resourceType: 'fetch',
});

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'cors-lens-hardening-'));
  chromium = await launchChromium();
  panel = await openCorsPanel(chromium);
  await panel.undock();
  await panel.click('Same-origin');
  // Every request an extension page makes, from here on.
  for (const target of chromium.browser.targets().filter((candidate) => candidate.url().startsWith('chrome-extension://'))) {
    const session = await target.createCDPSession();
    session.on('Network.requestWillBeSent', (event) => extensionRequests.push(event.request.url));
    await session.send('Network.enable');
    watchers.push(session);
  }
  expect(watchers.length).toBeGreaterThanOrEqual(2);
});

afterAll(async () => {
  await chromium?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('the panel under hostile input', () => {
  it('renders script, HTML, javascript: URLs, bidi overrides and control bytes as text', async () => {
    const payloads = [
      hostile('http://api.test/<img src=x onerror="window.__pwned=1">', { 'Access-Control-Allow-Origin': '<script>window.__pwned=2</script>' }),
      hostile('javascript:window.__pwned=3', { 'X-Note': '[link](javascript:window.__pwned=4) ![img](http://127.0.0.1:9/x.png)' }),
      hostile('http://api.test/\u202Egnp.exe', { 'Access-Control-Allow-Origin': 'http://app.test\u0000\u0007\r\n<b>x</b>' }),
    ];
    await importAndSettle('hostile.har', { log: { version: '1.2', creator: { name: '<script>window.__pwned=5</script>', version: '1' }, entries: payloads } });
    for (let index = 0; index < 3; index++) {
      await panel.evaluate(`document.querySelectorAll('[data-exchange]')[${index}].click()`);
      await waitFor('the detail pane', async () => ((await panel.evaluate<boolean>(`document.querySelector('[data-detail]') !== null`)) ? true : undefined));
    }
    expect(await panel.evaluate<unknown>('window.__pwned ?? null')).toBeNull();
    expect(await panel.evaluate<number>(`document.querySelectorAll('img, iframe, object, embed, b').length`)).toBe(0);
    expect(await panel.evaluate<number>(`document.querySelectorAll('script').length`)).toBe(1);
    await panel.evaluate(`document.querySelectorAll('[data-exchange]')[0].click()`);
    await waitFor('the first exchange\'s details', async () =>
      (await panel.evaluate<string>(`document.querySelector('[data-detail]')?.textContent ?? ''`)).includes('<script>window.__pwned=2</script>') ? true : undefined,
    );
  });

  it('shows a 50 MB header value cut, without freezing', async () => {
    const huge = 'x'.repeat(50 * 1024 * 1024);
    await importAndSettle('huge-header.har', { log: { version: '1.2', entries: [hostile('http://api.test/huge', { 'Access-Control-Allow-Origin': huge })] } });
    await panel.evaluate(`document.querySelector('[data-exchange]').click()`);
    const text = await waitFor('the detail pane', async () => (await panel.evaluate<string>(`document.querySelector('[data-detail]')?.textContent ?? ''`)) || undefined);
    expect(text).toContain('52,428,800 characters in all');
    // The panel laid out a cut value, not 50 MB of text.
    expect(await panel.evaluate<number>('document.body.textContent.length')).toBeLessThan(500_000);
  });

  it('imports a 200 MB HAR with progress on screen, and stays alive', async () => {
    const har = syntheticHar(104_000, 9);
    const { sawProgress } = await importAndSettle('big.har', har, 300_000);
    expect(sawProgress).toBe(true);
    const counts = await panel.evaluate<string>(`document.querySelector('[data-testid=counts]').textContent`);
    expect(Number(counts.split(' ')[0])).toBeGreaterThan(80_000);
  });

  it('renders only the rows in view of 20,000 exchanges, and reaches the last one', async () => {
    await importAndSettle('twenty-thousand.har', syntheticHar(24_000, 5));
    const total = await panel.evaluate<number>(`Number(document.querySelector('[role=grid]').getAttribute('aria-rowcount')) - 1`);
    expect(total).toBeGreaterThan(20_000);
    expect((await state()).rows).toBeLessThan(100);
    await panel.evaluate(`(() => { const body = document.querySelector('.grid-body'); body.scrollTop = body.scrollHeight; body.dispatchEvent(new Event('scroll')); })()`);
    await waitFor('the last row', async () =>
      (await panel.evaluate<boolean>(`document.querySelector('[aria-rowindex="${total + 1}"]') !== null`)) ? true : undefined,
    );
  });
});

describe('what the extension itself does', () => {
  it('sent no request over the network during this whole run', () => {
    const network = extensionRequests.filter((url) => !/^(chrome-extension|blob|data):/.test(url));
    expect(network).toEqual([]);
  });

  it('stores nothing but preferences, and has no storage permission', async () => {
    const keys = await panel.evaluate<string[]>('Object.keys(localStorage)');
    expect(keys.every((key) => key.startsWith('cors-lens.'))).toBe(true);
    expect(await panel.evaluate<boolean>('typeof chrome.storage === "undefined"')).toBe(true);
    expect(await panel.evaluate<number>('indexedDB.databases().then((list) => list.length)')).toBe(0);
  });
});
