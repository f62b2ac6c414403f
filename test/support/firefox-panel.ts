// The extension's CORS panel in Firefox, on top of the Firefox driver (test/support/firefox.ts): install a build
// as a temporary add-on (BiDi webExtension.install), show the panel in the tab's toolbox (privileged
// gDevTools / toolbox.selectTool), and read the panel page's DOM.
//
// The panel page runs in the extension process inside a `<browser remoteType="extension">` of the toolbox; its
// CSP forbids eval, and BiDi does not list it as a browsing context. A frame script loaded into that browser
// reads it: the expression is inlined into the script's source (a data: URL) and its JSON result comes back as a
// message. `content` there is the panel's window (through Xrays: DOM reads only; page globals via wrappedJSObject).
import type { FirefoxSession } from './firefox';

/** One exchange row of the CORS panel (the same data-* attributes the Chromium tests read). */
export interface FirefoxPanelRow {
  id: string;
  method: string;
  url: string;
  status: number;
  kind: string;
  verdict: string;
  corsError: string;
  entries: number;
}

export interface FirefoxCorsPanel {
  /** The toolbox's id of the panel (`webext-devtools-panel-…`). */
  readonly toolId: string;
  /**
   * Evaluates `expression` in a frame script of the panel's browser; `content` is the panel's window and
   * `document` its document. The result must be JSON data.
   */
  read<T>(expression: string): Promise<T>;
  rows(): Promise<FirefoxPanelRow[]>;
  /** Waits until `predicate` holds for the rows; returns them. */
  waitForRows(predicate: (rows: FirefoxPanelRow[]) => boolean, timeoutMs?: number): Promise<FirefoxPanelRow[]>;
  /** Clicks a control of the panel by its id (the click runs in the panel page, as a user's would). */
  clickById(id: string): Promise<void>;
  /** Clicks a button or label of the panel by its visible text (as the Chromium tests' panel.click does). */
  click(label: string): Promise<void>;
}

/** Installs a built extension folder (or .zip) as a temporary add-on; resolves with its add-on id. */
export async function installTemporaryAddon(firefox: FirefoxSession, path: string): Promise<string> {
  const { extension } = await firefox.bidi.send<{ extension: string }>('webExtension.install', { extensionData: { type: 'path', path } });
  return extension;
}

const TOOLBOX = 'gDevTools.getToolboxForTab(gBrowser.selectedTab)';

/**
 * Waits for the extension's panel titled `title` to be registered in the tab's toolbox (the devtools page
 * creates it once the toolbox is open: call firefox.openToolbox() first), selects it and waits until its page
 * rendered `readySelector`.
 */
export async function openFirefoxCorsPanel(
  firefox: FirefoxSession,
  addonId: string,
  options: { title?: string; readySelector?: string; timeoutMs?: number } = {},
): Promise<FirefoxCorsPanel> {
  const title = options.title ?? 'CORS';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const toolId = await poll('the toolbox to list the CORS panel', timeoutMs, () =>
    firefox.evaluateChrome<string | null>(`(async () => {
      const toolbox = ${TOOLBOX};
      const tool = toolbox?.getAdditionalTools().find((definition) => definition.extensionId === ${JSON.stringify(addonId)} && definition.label === ${JSON.stringify(title)});
      return tool ? tool.id : null;
    })()`),
  );
  await firefox.evaluateChrome(`${TOOLBOX}.selectTool(${JSON.stringify(toolId)}).then(() => true)`);

  let sequence = 0;
  const read = async <T>(expression: string): Promise<T> => {
    const token = `cors-lens-test-${Date.now()}-${++sequence}`;
    const script = `sendAsyncMessage(${JSON.stringify(token)}, (() => {
      try {
        const document = content.document;
        return { value: JSON.stringify((() => (${expression}))()) };
      } catch (error) {
        return { error: String(error) };
      }
    })());`;
    const answer = await firefox.evaluateChrome<{ value?: string; error?: string; missing?: string }>(`(async () => {
      const toolbox = ${TOOLBOX};
      const frame = toolbox?.doc.getElementById(${JSON.stringify(`toolbox-panel-iframe-${toolId}`)});
      const browser = frame?.contentDocument?.querySelector('browser');
      const manager = browser?.messageManager;
      if (!manager) return { missing: 'the panel has no browser yet' };
      return await new Promise((resolve) => {
        const timer = setTimeout(() => {
          manager.removeMessageListener(${JSON.stringify(token)}, listener);
          resolve({ missing: 'no answer from the frame script' });
        }, 5000);
        const listener = (message) => {
          clearTimeout(timer);
          manager.removeMessageListener(${JSON.stringify(token)}, listener);
          resolve(message.data);
        };
        manager.addMessageListener(${JSON.stringify(token)}, listener);
        manager.loadFrameScript('data:,' + encodeURIComponent(${JSON.stringify(script)}), false);
      });
    })()`);
    if (answer.missing !== undefined) throw new NotReady(answer.missing);
    if (answer.error !== undefined) throw new Error(`panel read failed: ${answer.error}`);
    return (answer.value === undefined ? undefined : JSON.parse(answer.value)) as T;
  };
  const readySelector = options.readySelector ?? '.app';
  await poll('the panel to render', timeoutMs, async () => {
    try {
      return (await read<boolean>(`document.querySelector(${JSON.stringify(readySelector)}) !== null`)) ? true : null;
    } catch (error) {
      if (error instanceof NotReady) return null;
      throw error;
    }
  });
  const rows = () => read<FirefoxPanelRow[]>(READ_ROWS);
  return {
    toolId,
    read,
    rows,
    waitForRows: async (predicate, waitMs = 30_000) => {
      let last: FirefoxPanelRow[] = [];
      try {
        return await poll('the panel rows', waitMs, async () => {
          last = await rows();
          return predicate(last) ? last : null;
        });
      } catch (error) {
        throw new Error(`${(error as Error).message}; last rows: ${JSON.stringify(last.map((row) => `${row.method} ${row.url} ${row.verdict}`))}`);
      }
    },
    clickById: async (id) => {
      const clicked = await read<boolean>(`(() => { const control = document.getElementById(${JSON.stringify(id)}); control?.click(); return Boolean(control); })()`);
      if (!clicked) throw new Error(`No control #${id} in the panel.`);
    },
    click: async (label) => {
      const clicked = await read<boolean>(
        `(() => { const control = [...document.querySelectorAll('button, label')].find((node) => node.textContent.trim() === ${JSON.stringify(label)}); control?.click(); return Boolean(control); })()`,
      );
      if (!clicked) throw new Error(`No control labelled "${label}" in the panel.`);
    },
  };
}

class NotReady extends Error {}

const READ_ROWS = `[...document.querySelectorAll('[data-exchange]')].map((row) => ({
  id: row.dataset.exchange ?? '',
  method: row.dataset.method ?? '',
  url: row.dataset.url ?? '',
  status: Number(row.dataset.status),
  kind: row.dataset.kind ?? '',
  verdict: row.dataset.verdict ?? '',
  corsError: row.dataset.corsError ?? '',
  entries: Number(row.dataset.entries),
}))`;

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
