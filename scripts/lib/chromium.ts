// Launches Debian's Chromium with the built extension loaded and DevTools open, and reaches into the CORS
// panel over the DevTools Protocol. Used by `npm start`, the end-to-end tests and the differential suite.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type CDPSession, type Page, type Target } from 'puppeteer-core';

export const DEFAULT_EXTENSION_DIR = resolve(import.meta.dirname, '../../dist');

export interface LaunchOptions {
  /** The unpacked extension to load (the `vite build` output). */
  extensionDir?: string;
  /** No window: the only choice without a display. */
  headless?: boolean;
  /** Defaults to $CHROMIUM_PATH, then /usr/bin/chromium. Branded Chrome 137+ ignores --load-extension. */
  executablePath?: string;
  /** The first tab's URL; DevTools opens on it. */
  startUrl?: string;
  /** False: a plain browser, without the extension and without DevTools (e.g. to time the engine in Chromium's V8). */
  withExtension?: boolean;
  /** More command-line switches (e.g. --ip-address-space-overrides for the Local Network Access scenarios). */
  extraArgs?: readonly string[];
  /**
   * False: Puppeteer does not enable the Network domain on the pages it attaches to (no HTTPRequest objects, and
   * page.goto() resolves to null). The soak uses it: otherwise every request the page makes is an event or several
   * for this process to receive and track, CPU the browser under test needs (2 cores).
   */
  networkEvents?: boolean;
}

export interface ChromiumSession {
  browser: Browser;
  close(): Promise<void>;
}

export function findChromium(explicitPath?: string): string {
  const candidates = [explicitPath, process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path): path is string => typeof path === 'string' && path !== '' && existsSync(path));
  if (!found) {
    throw new Error('Chromium not found: install Debian\'s chromium (apt-get install chromium) or set CHROMIUM_PATH.');
  }
  return found;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<ChromiumSession> {
  const extensionDir = options.extensionDir ?? DEFAULT_EXTENSION_DIR;
  const withExtension = options.withExtension !== false;
  if (withExtension && !existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension at ${extensionDir}: run "npm run build" first.`);
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'cors-lens-chromium-'));
  const args = [
    ...(options.headless === false ? [] : ['--headless=new']),
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${userDataDir}`,
    ...(withExtension ? [`--load-extension=${extensionDir}`, `--disable-extensions-except=${extensionDir}`, '--auto-open-devtools-for-tabs'] : []),
    '--remote-debugging-port=0',
    '--window-size=1280,900',
    ...(options.extraArgs ?? []),
    options.startUrl ?? 'about:blank',
  ];
  // Its own process group, so stopping it also stops the renderer, GPU and crashpad helpers.
  const child = spawn(findChromium(options.executablePath), args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  // Chromium's helper processes can still be writing to the profile for a moment after the browser exits.
  const removeProfile = () => {
    try {
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (error) {
      console.warn(`Could not remove the temporary Chromium profile ${userDataDir}: ${String(error)}`);
    }
  };
  try {
    const port = await waitForDebuggingPort(userDataDir, child, () => stderrTail);
    const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null, networkEnabled: options.networkEvents !== false });
    let closed = false;
    return {
      browser,
      async close() {
        if (closed) return;
        closed = true;
        // Browser.close can hang while a DevTools window is open; do not wait long for it.
        await Promise.race([browser.close().catch(() => undefined), delay(2_000)]);
        await stopProcess(child);
        removeProfile();
      },
    };
  } catch (error) {
    await stopProcess(child);
    removeProfile();
    throw error;
  }
}

async function waitForDebuggingPort(userDataDir: string, child: ChildProcess, stderr: () => string): Promise<string> {
  const portFile = join(userDataDir, 'DevToolsActivePort');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Chromium exited (${child.exitCode}): ${stderr()}`);
    if (existsSync(portFile)) {
      const port = readFileSync(portFile, 'utf8').split('\n')[0]?.trim();
      if (port) return port;
    }
    await delay(100);
  }
  throw new Error(`Chromium did not open its debugging port within 30 s: ${stderr()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }
  // Helpers that outlive the browser process would keep writing to the profile.
  signalGroup('SIGKILL');
}

export const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await delay(100);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** The tab DevTools is inspecting (the first ordinary page). */
export async function inspectedPage(session: ChromiumSession): Promise<Page> {
  const target = await session.browser.waitForTarget((candidate) => candidate.type() === 'page', { timeout: 30_000 });
  const page = await target.page();
  if (!page) throw new Error('The inspected tab has no page.');
  return page;
}

/** One exchange row of the CORS panel, as the panel's DOM shows it. */
export interface PanelRow {
  id: string;
  method: string;
  url: string;
  /** Status of the response the page's script got; 0 when none. */
  status: number;
  kind: string;
  verdict: string;
  corsError: string;
  /** How many HAR entries (preflights, redirect hops) the exchange holds. */
  entries: number;
  text: string;
}

export interface HarLogLike {
  entries: unknown[];
  [key: string]: unknown;
}

export interface CorsPanel {
  /** Evaluates an expression inside the panel page (awaits promises, returns by value). */
  evaluate<T>(expression: string): Promise<T>;
  /** The HAR exactly as the extension receives it from chrome.devtools.network.getHAR(). */
  getHar(): Promise<HarLogLike>;
  /** getHAR() once two reads a moment apart hold the same number of entries (late requests have landed). */
  settledHar(): Promise<HarLogLike>;
  rows(): Promise<PanelRow[]>;
  /** Waits until `predicate` holds for the panel's rows; returns them. */
  waitForRows(predicate: (rows: PanelRow[]) => boolean, timeoutMs?: number): Promise<PanelRow[]>;
  /** Clicks a toolbar control by its visible label. */
  click(label: string): Promise<void>;
  /** A PNG of the DevTools window showing the panel. */
  screenshot(): Promise<Buffer>;
  /** Imports a .har file through the panel's "Import HAR…" file input, as a user would. */
  /** Imports a .har file; the request list is shown unless `view` is "as-opened" (an import opens on its problems). */
  importHar(filePath: string, options?: { view: 'requests' | 'as-opened' }): Promise<void>;
  /** Presses a key as the keyboard would (to whatever has focus in DevTools, the panel included). */
  press(key: keyof typeof KEY_CODES): Promise<void>;
  /** Types text into whatever has focus. */
  type(text: string): Promise<void>;
  /** Switches DevTools' theme (Settings → Appearance), which the panel follows. */
  setTheme(theme: 'light' | 'dark'): Promise<void>;
  /** Moves DevTools into its own 1280×760 window, so the panel has the whole window (and screenshots show only DevTools). */
  undock(): Promise<void>;
}

const KEY_CODES = { ArrowDown: 40, ArrowUp: 38, Enter: 13, Escape: 27, Home: 36, End: 35, PageDown: 34, PageUp: 33, Tab: 9 } as const;

/** Waits for DevTools to register the CORS panel, shows it, and attaches to the panel page. */
export async function openCorsPanel(session: ChromiumSession): Promise<CorsPanel> {
  const devtoolsTarget = await session.browser.waitForTarget((target) => target.url().startsWith('devtools://'), {
    timeout: 30_000,
  });
  const devtools = await devtoolsTarget.createCDPSession();
  const panelKey = await waitFor('DevTools to list the CORS panel', async () => {
    const keys = await evaluateIn<string[]>(devtools, 'Object.keys(globalThis.UI?.panels ?? {})');
    return keys.find((key) => key.startsWith('chrome-extension://') && key.endsWith('CORS'));
  });
  await evaluateIn(devtools, `InspectorFrontendAPI.showPanel(${JSON.stringify(panelKey)})`);
  const panelTarget: Target = await session.browser.waitForTarget(
    (target) => target.url().startsWith('chrome-extension://') && target.url().includes('/src/panel/panel.html'),
    { timeout: 30_000 },
  );
  const panel = await panelTarget.createCDPSession();
  await waitFor('the panel to render', async () =>
    (await evaluateIn<boolean>(panel, 'document.querySelector(".app") !== null')) ? true : undefined,
  );
  const rows = () => evaluateIn<PanelRow[]>(panel, READ_ROWS);
  const getHar = () => evaluateIn<HarLogLike>(panel, 'new Promise((done) => chrome.devtools.network.getHAR(done))');
  return {
    evaluate: (expression) => evaluateIn(panel, expression),
    getHar,
    settledHar: async () => {
      let previous = -1;
      for (let attempt = 0; attempt < 20; attempt++) {
        const har = await getHar();
        if (har.entries.length === previous) return har;
        previous = har.entries.length;
        await delay(300);
      }
      return getHar();
    },
    rows,
    waitForRows: (predicate, timeoutMs = 30_000) =>
      waitFor('the panel rows', async () => {
        const current = await rows();
        return predicate(current) ? current : undefined;
      }, timeoutMs),
    click: async (label) => {
      const clicked = await evaluateIn<boolean>(
        panel,
        `(() => { const control = [...document.querySelectorAll('button, label')].find((node) => node.textContent.trim() === ${JSON.stringify(label)}); control?.click(); return Boolean(control); })()`,
      );
      if (!clicked) throw new Error(`No control labelled "${label}" in the panel.`);
    },
    importHar: async (filePath, options = { view: 'requests' }) => {
      // An import opens on its Problems view unless the user chose a view; most tests read the request rows.
      if (options.view === 'requests') await evaluateIn(panel, `document.getElementById('tab-requests')?.click()`);
      const { root } = await panel.send('DOM.getDocument', { depth: 0 });
      const { nodeId } = await panel.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'input[type=file]' });
      if (!nodeId) throw new Error('The panel has no file input.');
      await panel.send('DOM.setFileInputFiles', { nodeId, files: [filePath] });
    },
    press: async (key) => {
      const code = KEY_CODES[key];
      const text = key === 'Enter' ? '\r' : undefined;
      await devtools.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key, code: key, windowsVirtualKeyCode: code });
      if (text) await devtools.send('Input.dispatchKeyEvent', { type: 'char', key, text });
      await devtools.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code: key, windowsVirtualKeyCode: code });
    },
    type: async (text) => {
      await devtools.send('Input.insertText', { text });
    },
    setTheme: async (theme) => {
      await evaluateIn(
        devtools,
        `import('./core/common/common.js').then((common) => common.Settings.Settings.instance().moduleSetting('ui-theme').set(${JSON.stringify(theme)}))`,
      );
      await waitFor(`the panel to follow the ${theme} theme`, async () =>
        (await evaluateIn<string>(panel, 'document.documentElement.dataset.theme')) === theme ? true : undefined,
      );
    },
    undock: async () => {
      await evaluateIn(
        devtools,
        `import('./ui/legacy/legacy.js').then((legacy) => legacy.DockController.DockController.instance().setDockSide('undocked'))`,
      );
      await waitFor('DevTools to undock', async () => {
        const { windowId } = await devtools.send('Browser.getWindowForTarget');
        await devtools.send('Browser.setWindowBounds', { windowId, bounds: { width: 1280, height: 760 } });
        return (await evaluateIn<number>(devtools, 'innerHeight')) === 760 ? true : undefined;
      });
    },
    screenshot: async () => {
      // Let the panel paint what it just rendered: two animation frames.
      await evaluateIn(panel, 'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
      const { data } = await devtools.send('Page.captureScreenshot', { format: 'png' });
      return Buffer.from(data, 'base64');
    },
  };
}

const READ_ROWS = `[...document.querySelectorAll('[data-exchange]')].map((row) => ({
  id: row.dataset.exchange ?? '',
  method: row.dataset.method ?? '',
  url: row.dataset.url ?? '',
  status: Number(row.dataset.status),
  kind: row.dataset.kind ?? '',
  verdict: row.dataset.verdict ?? '',
  corsError: row.dataset.corsError ?? '',
  entries: Number(row.dataset.entries),
  text: row.textContent ?? '',
}))`;

async function evaluateIn<T>(session: CDPSession, expression: string): Promise<T> {
  const { result, exceptionDetails } = await session.send('Runtime.evaluate', {
    expression,
    awaitPromise: true,
    returnByValue: true,
  });
  if (exceptionDetails) {
    throw new Error(`Evaluation failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  }
  return result.value as T;
}

/** Chromium's own verdict on each failed request, from Network.loadingFailed. */
export interface NetworkFailure {
  url: string;
  method: string;
  errorText: string;
  corsError: string | null;
  failedParameter: string | null;
}

/** Records Network.loadingFailed for the page, with the CORS error Chromium names (the test oracle). */
export async function watchNetworkFailures(page: Page): Promise<{ failures(): NetworkFailure[]; stop(): Promise<void> }> {
  const session = await page.createCDPSession();
  const requests = new Map<string, { url: string; method: string }>();
  const failures: NetworkFailure[] = [];
  session.on('Network.requestWillBeSent', (event) => {
    requests.set(event.requestId, { url: event.request.url, method: event.request.method });
  });
  session.on('Network.loadingFailed', (event) => {
    const request = requests.get(event.requestId);
    failures.push({
      url: request?.url ?? '',
      method: request?.method ?? '',
      errorText: event.errorText,
      corsError: event.corsErrorStatus?.corsError ?? null,
      failedParameter: event.corsErrorStatus?.failedParameter || null,
    });
  });
  await session.send('Network.enable');
  return { failures: () => [...failures], stop: () => session.detach().catch(() => undefined) };
}
