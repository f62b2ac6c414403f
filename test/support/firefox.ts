// A small driver for Debian's Firefox ESR over WebDriver BiDi, for tests that need Firefox itself as an oracle
// (the Firefox differential suite) or the Firefox toolbox (the extension-panel test).
//
// Firefox is started by hand (no geckodriver exists here, none is needed): headless, a fresh profile in a temp
// dir with the prefs below written to user.js, `--remote-debugging-port=0` (Firefox prints the BiDi WebSocket
// address on stderr) and `--remote-allow-system-access`, which lets BiDi list and script the browser window's
// privileged (chrome) context (`browsingContext.getTree` / `script.evaluate` with `"moz:scope": "chrome"`).
// It runs in its own process group: close() ends the session, then kills the whole group and removes the profile.
//
// Values cross the BiDi boundary as JSON: every evaluate helper wraps the expression as
// `JSON.stringify(await (expression))` and parses the answer, so an expression must produce JSON data.
//
// Usage:
//   const firefox = await launchFirefox({ prefs: { 'network.lna.enabled': false } });
//   try {
//     const toolbox = await firefox.openToolbox();        // DevTools for the tab, recording network traffic
//     await firefox.navigate('http://127.0.0.1:1234/');
//     const title = await firefox.evaluate<string>('document.title');
//     const har = await firefox.getHAR();                  // exactly what devtools.network.getHAR() returns
//     const cors = await firefox.corsConsoleMessages();
//   } finally {
//     await firefox.close();
//   }
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export type PrefValue = string | number | boolean;

/**
 * The profile's prefs (user.js). Quiet automation defaults plus what the suites here rely on; override any with
 * `LaunchFirefoxOptions.prefs`.
 */
export const DEFAULT_FIREFOX_PREFS: Readonly<Record<string, PrefValue>> = {
  // No first-run pages, update checks, telemetry or remote-settings traffic while a test runs.
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.startup.page': 0,
  'browser.aboutwelcome.enabled': false,
  'app.update.disabledForTesting': true,
  'app.update.auto': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'toolkit.telemetry.enabled': false,
  'services.settings.server': 'data:,#remote-settings-dummy/v1',
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.update.enabled': false,
  'extensions.update.enabled': false,
  // DevTools: may script privileged contexts, no "paste" or first-run notices, a tall toolbox.
  'devtools.chrome.enabled': true,
  'devtools.debugger.prompt-connection': false,
  'devtools.selfxss.count': 100,
  'devtools.toolbox.footer.height': 2000,
  // Local Network Access (Firefox 153 enables it): a public → loopback fetch would wait on a permission prompt.
  // Everything here runs on loopback, so it never applies unless a suite declares a loopback port public; a
  // suite that tests LNA turns it back on.
  'network.lna.enabled': false,
};

export interface LaunchFirefoxOptions {
  /** Defaults to $FIREFOX_PATH, then /usr/bin/firefox-esr, then /usr/bin/firefox. */
  executablePath?: string;
  /** No window (default true): the only choice without a display. */
  headless?: boolean;
  /** Prefs merged over DEFAULT_FIREFOX_PREFS (written to the profile's user.js). */
  prefs?: Readonly<Record<string, PrefValue>>;
  /** More command-line arguments (e.g. `--devtools`). */
  args?: readonly string[];
  /** Default [1280, 900]. */
  windowSize?: readonly [number, number];
  /** How long to wait for the BiDi endpoint (default 30 s). */
  startTimeoutMs?: number;
}

/** One nsIScriptError of a CORS category, as Firefox logged it (read from the privileged context). */
export interface FirefoxConsoleMessage {
  /** The reason key from security.properties, e.g. `CORSMissingAllowOrigin2`. */
  category: string;
  /** The localized text (names the URL). */
  message: string;
  /** nsIScriptError flags: 0 error, 1 warning, 4 info. */
  flags: number;
  /** ms since the epoch. */
  timeStamp: number;
  /** The inner window id of the page that logged it (0 when unknown). */
  innerWindowID: number;
}

export interface BidiEvent {
  method: string;
  params: Record<string, unknown>;
}

export interface BidiConnection {
  /** Sends one command and resolves with its `result` (rejects with the BiDi error and message). */
  send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** Every event (after `session.subscribe`); returns an unsubscribe function. */
  onEvent(listener: (event: BidiEvent) => void): () => void;
}

export interface BrowsingContextInfo {
  context: string;
  url: string;
  parent?: string | null;
  children?: BrowsingContextInfo[] | null;
}

export interface FirefoxSession {
  /** `Firefox/153.8.0` (the BiDi `browserVersion`, with a product prefix like puppeteer's `Chrome/…`). */
  readonly version: string;
  /** `Services.appinfo.version`, e.g. `153.8.0esr`. */
  readonly fullVersion: string;
  readonly pid: number;
  readonly profileDir: string;
  readonly bidi: BidiConnection;
  /** The first tab's top-level browsing context (content). */
  readonly tab: string;
  /** Navigates the tab (or `context`) and waits for the load event. */
  navigate(url: string, context?: string): Promise<void>;
  /** The tab's frame tree (content contexts), children included. */
  frames(context?: string): Promise<BrowsingContextInfo[]>;
  /** Evaluates a page expression (awaited) in the tab or in `context`; the result must be JSON data. */
  evaluate<T = unknown>(expression: string, context?: string): Promise<T>;
  /**
   * Evaluates in the browser window's privileged (chrome) context, where `gBrowser`, `Services`, `Ci`,
   * `ChromeUtils` and (added by this helper) `gDevTools` and `require` (DevTools' loader) are in scope.
   * The expression is awaited; its result must be JSON data.
   */
  evaluateChrome<T = unknown>(expression: string): Promise<T>;
  /**
   * Opens DevTools for the tab (`gDevTools.showToolboxForTab`), optionally on `toolId`, and starts the network
   * monitor's recorder (the NetMonitorAPI the WebExtensions `devtools.network` API uses) so that everything the
   * tab loads from now on is in getHAR(). Open it before the page loads. It then waits `settleMs` (default 3000):
   * measured on Firefox 153, requests made in the first seconds after the toolbox opened were sometimes missing
   * from getHAR() for good (about 1 run in 3, though they reached the server); after a 3 s settle, 0 in 8.
   */
  openToolbox(toolId?: string, options?: { settleMs?: number }): Promise<void>;
  /**
   * Waits until the toolbox's network monitor records the tab's requests to each of `probeUrls` (one per origin the
   * test will use): fetches `probeUrl?lens-probe=N` (no-cors) from the page until two probes in a row are in
   * getHAR(). Call it after the navigation, before the requests that matter. Measured on Firefox 153: the first
   * requests of a fresh page, and the first requests to another host (`localhost` from a 127.0.0.1 page), were
   * sometimes missing from the HAR for good (about 1 run in 3) although they reached the server; later ones were
   * recorded. Probing each origin first made it 0 in N (see FIREFOX-NOTES / the README).
   */
  waitForNetworkRecording(probeUrls: string | readonly string[]): Promise<void>;
  /** `toolbox.getHARFromNetMonitor()` — what `devtools.network.getHAR()` resolves with in a Firefox extension. */
  getHAR(): Promise<{ entries: unknown[]; [key: string]: unknown }>;
  /**
   * Every console message of a `CORS…` category since launch, oldest first: an nsIConsoleListener registered at
   * launch collects them (Services.console.getMessageArray() alone keeps only the last few hundred messages).
   */
  corsConsoleMessages(): Promise<FirefoxConsoleMessage[]>;
  /**
   * Installs an unpacked extension folder (or a .zip/.xpi) as a temporary add-on (BiDi `webExtension.install`) and
   * returns its id. Install before openToolbox() for its devtools_page to load with the toolbox.
   */
  installExtension(path: string): Promise<string>;
  /** Ends the session, kills Firefox's process group, removes the profile. Safe to call twice. */
  close(): Promise<void>;
}

export function findFirefox(explicitPath?: string): string {
  const candidates = [explicitPath, process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'];
  const found = candidates.find((path): path is string => typeof path === 'string' && path !== '' && existsSync(path));
  if (!found) throw new Error("Firefox not found: install Debian's firefox-esr (apt-get install firefox-esr) or set FIREFOX_PATH.");
  return found;
}

function userJs(prefs: Readonly<Record<string, PrefValue>>): string {
  return Object.entries(prefs).map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`).join('\n') + '\n';
}

/** The prelude of every privileged evaluation: DevTools' module loader and gDevTools. */
const CHROME_PRELUDE = `const { require } = ChromeUtils.importESModule("resource://devtools/shared/loader/Loader.sys.mjs");
const { gDevTools } = require("devtools/client/framework/devtools");`;

export async function launchFirefox(options: LaunchFirefoxOptions = {}): Promise<FirefoxSession> {
  const executable = findFirefox(options.executablePath);
  const profileDir = mkdtempSync(join(tmpdir(), 'cors-lens-firefox-'));
  writeFileSync(join(profileDir, 'user.js'), userJs({ ...DEFAULT_FIREFOX_PREFS, ...options.prefs }));
  const [width, height] = options.windowSize ?? [1280, 900];
  const args = [
    ...(options.headless === false ? [] : ['--headless']),
    '--no-remote',
    '--profile', profileDir,
    '--remote-debugging-port=0',
    '--remote-allow-system-access',
    `--window-size=${width},${height}`,
    ...(options.args ?? []),
    'about:blank',
  ];
  // Its own process group, so stopping it also stops the content, GPU and socket processes.
  const child = spawn(executable, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
  });
  let stderrTail = '';
  let closed = false;
  const groupAlive = () => {
    if (child.pid === undefined) return false;
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  // A test runner that exits without close() must not leave Firefox behind.
  const onExit = () => killGroup();
  process.once('exit', onExit);
  const removeProfile = () => {
    try {
      rmSync(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (error) {
      console.warn(`Could not remove the temporary Firefox profile ${profileDir}: ${String(error)}`);
    }
  };

  let socket: WebSocket | undefined;
  const shutdown = async () => {
    if (closed) return;
    closed = true;
    if (socket?.readyState === WebSocket.OPEN) {
      // Ask Firefox to quit cleanly first; it answers (or not) before it exits.
      await Promise.race([bidiSend('browser.close', {}).catch(() => undefined), delay(2000)]);
    }
    socket?.terminate();
    await Promise.race([exited(child), delay(3000)]);
    killGroup();
    await Promise.race([exited(child), delay(2000)]);
    // Helper processes linger as zombies until they are reaped: wait until the group is really gone.
    for (let i = 0; i < 50 && groupAlive(); i++) await delay(100);
    process.off('exit', onExit);
    removeProfile();
  };

  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; method: string }>();
  const listeners = new Set<(event: BidiEvent) => void>();
  const bidiSend = <T>(method: string, params: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
        reject(new Error(`BiDi ${method}: the connection to Firefox is closed`));
        return;
      }
      const id = ++nextId;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, method });
      socket.send(JSON.stringify({ id, method, params }));
    });

  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Firefox did not open its BiDi endpoint in time. stderr:\n${stderrTail}`)), options.startTimeoutMs ?? 30_000);
      child.stderr?.on('data', (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString()).slice(-4000);
        const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(stderrTail);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Firefox exited before BiDi was ready (code ${code}, signal ${signal}). stderr:\n${stderrTail}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    socket = new WebSocket(`${endpoint}/session`, { perMessageDeflate: false, maxPayload: 1024 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket!.once('open', () => resolve());
      socket!.once('error', reject);
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; type?: string; result?: unknown; error?: string; message?: string; method?: string; params?: Record<string, unknown> };
      if (typeof message.id === 'number') {
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.type === 'error') waiter.reject(new Error(`BiDi ${waiter.method}: ${message.error}: ${message.message}`));
        else waiter.resolve(message.result);
      } else if (message.type === 'event' && typeof message.method === 'string') {
        for (const listener of listeners) listener({ method: message.method, params: message.params ?? {} });
      }
    });
    socket.on('close', () => {
      for (const waiter of pending.values()) waiter.reject(new Error(`BiDi ${waiter.method}: Firefox closed the connection`));
      pending.clear();
    });

    const session = await bidiSend<{ capabilities: { browserVersion: string } }>('session.new', { capabilities: {} });
    const tree = await bidiSend<{ contexts: BrowsingContextInfo[] }>('browsingContext.getTree', {});
    const tab = tree.contexts[0]?.context;
    if (tab === undefined) throw new Error('Firefox has no tab');

    const bidi: BidiConnection = {
      send: bidiSend,
      onEvent: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };

    const unwrap = <T>(result: { type: string; result?: { type: string; value?: unknown }; exceptionDetails?: { text?: string } }, where: string): T => {
      if (result.type === 'exception') throw new Error(`${where} threw: ${result.exceptionDetails?.text ?? 'an exception'}`);
      const value = result.result;
      if (value?.type !== 'string' || typeof value.value !== 'string') {
        // JSON.stringify(undefined) is undefined: the expression produced no JSON data.
        return undefined as T;
      }
      return JSON.parse(value.value) as T;
    };
    const evaluateIn = async <T>(context: string, expression: string, where: string, prelude = '', scope?: 'chrome'): Promise<T> => {
      const result = await bidiSend<{ type: string; result?: { type: string; value?: unknown }; exceptionDetails?: { text?: string } }>('script.evaluate', {
        expression: `(async () => { ${prelude}\nreturn JSON.stringify(await (${expression})); })()`,
        target: { context },
        awaitPromise: true,
        ...(scope === 'chrome' ? { 'moz:scope': 'chrome' } : {}),
      });
      return unwrap<T>(result, where);
    };

    let chromeContext: string | undefined;
    const evaluateChrome = async <T>(expression: string): Promise<T> => {
      if (chromeContext === undefined) {
        const chromeTree = await bidiSend<{ contexts: BrowsingContextInfo[] }>('browsingContext.getTree', { 'moz:scope': 'chrome' });
        chromeContext = chromeTree.contexts.find((context) => context.url === 'chrome://browser/content/browser.xhtml')?.context;
        if (chromeContext === undefined) {
          throw new Error('No privileged browser window context: is --remote-allow-system-access supported by this Firefox?');
        }
      }
      return evaluateIn<T>(chromeContext, expression, 'privileged evaluation', CHROME_PRELUDE, 'chrome');
    };

    /** The toolbox of the selected tab, in chrome code. */
    const TOOLBOX = 'gDevTools.getToolboxForTab(gBrowser.selectedTab)';

    const getHAR = async (): Promise<{ entries: unknown[]; [key: string]: unknown }> => {
      const log = await evaluateChrome<{ entries?: unknown[] } | null>(`(async () => {
        const toolbox = ${TOOLBOX};
        if (!toolbox) throw new Error('no toolbox for the tab: call openToolbox() first');
        return toolbox.getHARFromNetMonitor();
      })()`);
      if (log === null || !Array.isArray(log?.entries)) throw new Error('getHARFromNetMonitor() gave no HAR log');
      return log as { entries: unknown[]; [key: string]: unknown };
    };

    const fullVersion = await evaluateChrome<string>('Services.appinfo.version');
    // Collect every CORS-category nsIScriptError from now on (the console service's own buffer is bounded).
    await evaluateChrome(`(() => {
      if (window.__corsLensConsole) return true;
      const collected = [];
      window.__corsLensConsole = collected;
      const keep = (m) => {
        if (m instanceof Ci.nsIScriptError && /^CORS/.test(m.category)) {
          collected.push({ category: m.category, message: m.errorMessage, flags: m.flags, timeStamp: m.timeStamp, innerWindowID: m.innerWindowID });
        }
      };
      for (const m of Services.console.getMessageArray() ?? []) keep(m);
      window.__corsLensConsoleListener = { observe: keep, QueryInterface: ChromeUtils.generateQI(['nsIConsoleListener']) };
      Services.console.registerListener(window.__corsLensConsoleListener);
      return true;
    })()`);
    return {
      version: `Firefox/${session.capabilities.browserVersion}`,
      fullVersion,
      pid: child.pid ?? -1,
      profileDir,
      bidi,
      tab,
      async navigate(url, context = tab) {
        await bidiSend('browsingContext.navigate', { context, url, wait: 'complete' });
      },
      async frames(context = tab) {
        const result = await bidiSend<{ contexts: BrowsingContextInfo[] }>('browsingContext.getTree', { root: context });
        const out: BrowsingContextInfo[] = [];
        const walk = (nodes: readonly BrowsingContextInfo[] | null | undefined) => {
          for (const node of nodes ?? []) {
            out.push(node);
            walk(node.children);
          }
        };
        walk(result.contexts);
        return out;
      },
      evaluate: <T>(expression: string, context = tab) => evaluateIn<T>(context, expression, 'page evaluation'),
      evaluateChrome,
      async openToolbox(toolId, { settleMs = 3000 } = {}) {
        await evaluateChrome(`(async () => {
          const toolbox = await gDevTools.showToolboxForTab(gBrowser.selectedTab, ${toolId === undefined ? '{}' : `{ toolId: ${JSON.stringify(toolId)} }`});
          if (!toolbox) throw new Error('showToolboxForTab gave no toolbox');
          // The WebExtensions devtools.network API reads the network monitor through this API object; creating
          // it now (as an extension's onRequestFinished listener does) starts recording before the page loads.
          await toolbox.getNetMonitorAPI();
          return true;
        })()`);
        await delay(settleMs);
      },
      async waitForNetworkRecording(probeUrls) {
        for (const probeUrl of typeof probeUrls === 'string' ? [probeUrls] : probeUrls) {
          let inARow = 0;
          for (let probe = 1; probe <= 30 && inARow < 2; probe++) {
            const url = `${probeUrl}${probeUrl.includes('?') ? '&' : '?'}lens-probe=${probe}`;
            // no-cors: a probe to another origin must not log a CORS error of its own.
            await evaluateIn(tab, `fetch(${JSON.stringify(url)}, { cache: 'no-store', mode: 'no-cors' }).then(() => true, () => false)`, 'probe fetch');
            let seen = false;
            for (let i = 0; i < 10 && !seen; i++) {
              await delay(100);
              seen = (await getHAR()).entries.some((entry) => (entry as { request?: { url?: string } }).request?.url === url);
            }
            inARow = seen ? inARow + 1 : 0;
          }
          if (inARow < 2) throw new Error(`the toolbox's network monitor does not record the tab's requests to ${probeUrl}`);
        }
      },
      getHAR,
      async installExtension(path) {
        const type = /\.(zip|xpi)$/i.test(path) ? 'archivePath' : 'path';
        const result = await bidiSend<{ extension: string }>('webExtension.install', { extensionData: { type, path } });
        return result.extension;
      },
      async corsConsoleMessages() {
        // The console service keeps only its last few hundred messages; the listener installed at launch keeps all.
        return evaluateChrome<FirefoxConsoleMessage[]>('window.__corsLensConsole.slice()');
      },
      close: shutdown,
    };
  } catch (error) {
    await shutdown();
    throw new Error(`${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
