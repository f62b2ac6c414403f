// The HTML export opened in real Chromium: hostile URLs, header values and bodies from the capture must stay
// text. No script may run (payloads try to set window.__pwned and document.title, and to fetch a loopback
// beacon), and the page may load nothing but itself (CDP Network.requestWillBeSent, and the beacon's log).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportReport } from '../../src/engine/index';
import { launchChromium, type ChromiumSession } from '../../scripts/lib/chromium';
import { hostileHar } from '../report/fixtures/hostile';

let chromium: ChromiumSession;
let beacon: Server;
let beaconUrl: string;
const beaconHits: string[] = [];
const reports = new Map<string, string>();
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'cors-lens-report-html-'));
  beacon = createServer((request, response) => {
    const url = request.url ?? '';
    const report = reports.get(url);
    if (report !== undefined) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(report);
      return;
    }
    beaconHits.push(`${request.method ?? ''} ${url}`);
    response.writeHead(204, { 'Access-Control-Allow-Origin': '*' });
    response.end();
  });
  await new Promise<void>((done) => beacon.listen(0, '127.0.0.1', done));
  beaconUrl = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}/beacon`;
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await new Promise<void>((done) => (beacon ? beacon.close(() => done()) : done()));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function htmlReport(redact: boolean): string {
  const result = exportReport(hostileHar(beaconUrl), { format: 'html', redact, generatedAt: '2024-05-01T12:00:00.000Z', sourceName: 'hostile.har' });
  if (!result.ok) throw new Error(result.error.message);
  return result.content;
}

interface PageFacts {
  pwned: unknown;
  title: string;
  forbidden: number;
  styles: number;
  anchors: string[];
  text: string;
  hasBidi: boolean;
  exchanges: number;
  background: string;
}

async function open(url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ facts: PageFacts; requests: string[] }> {
  const page = await chromium.browser.newPage();
  try {
    const session = await page.createCDPSession();
    const requests: string[] = [];
    session.on('Network.requestWillBeSent', (event) => requests.push(event.request.url));
    await session.send('Network.enable');
    await page.goto(url, { waitUntil: 'load' });
    // Long enough for a meta refresh, a lazy image or a delayed fetch to show up.
    await new Promise((done) => setTimeout(done, 1500));
    // After the load: the DevTools window that opens for every tab resets media emulation when it attaches.
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: colorScheme }]);
    const facts = await page.evaluate((): PageFacts => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      title: document.title,
      forbidden: document.querySelectorAll('script, img, iframe, svg, object, embed, link, meta[http-equiv="refresh"], form, input, base').length,
      styles: document.querySelectorAll('style').length,
      anchors: [...document.querySelectorAll('a')].map((anchor) => anchor.getAttribute('href') ?? ''),
      text: document.body.innerText,
      hasBidi: /[\u202a-\u202e\u2066-\u2069]/.test(document.body.innerText),
      exchanges: document.querySelectorAll('tr[data-exchange]').length,
      background: `${getComputedStyle(document.body).backgroundColor} dark=${String(matchMedia('(prefers-color-scheme: dark)').matches)}`,
    }));
    await session.detach().catch(() => undefined);
    return { facts, requests };
  } finally {
    await page.close();
  }
}

describe('HTML report in Chromium', () => {
  for (const redact of [false, true]) {
    it(`keeps hostile capture content inert over file:// (${redact ? 'redacted' : 'not redacted'})`, async () => {
      const file = join(workDir, `report-${String(redact)}.html`);
      writeFileSync(file, htmlReport(redact));
      const url = pathToFileURL(file).href;
      const { facts, requests } = await open(url);
      expect(facts.pwned).toBeUndefined();
      expect(facts.title).toBe('CORS Lens report — hostile.har');
      expect(facts.forbidden).toBe(0);
      expect(facts.styles).toBe(1);
      expect(facts.exchanges).toBeGreaterThan(10);
      for (const href of facts.anchors) expect(href).toMatch(/^https:\/\/(fetch\.spec\.whatwg\.org|developer\.mozilla\.org)\//);
      // The payloads are there, as text.
      expect(facts.text).toContain('<script>window.__pwned=1');
      expect(facts.text).toContain('[click me](javascript:window.__pwned=4)');
      expect(facts.text).toContain('\\u202E');
      expect(facts.hasBidi).toBe(false);
      expect(requests).toEqual([url]);
      expect(beaconHits).toEqual([]);
    });
  }

  it('loads nothing but itself when served over http, and follows the color scheme', async () => {
    reports.set('/report.html', htmlReport(false));
    const url = beaconUrl.replace('/beacon', '/report.html');
    const light = await open(url, 'light');
    const dark = await open(url, 'dark');
    for (const { facts, requests } of [light, dark]) {
      expect(facts.pwned).toBeUndefined();
      expect(facts.forbidden).toBe(0);
      expect(requests).toEqual([url]);
    }
    expect(beaconHits).toEqual([]);
    expect(light.facts.background).toBe('rgb(255, 255, 255) dark=false');
    expect(dark.facts.background).toBe('rgb(32, 33, 36) dark=true');
  });
});
