// The Firefox edition in real Firefox: dist-firefox/ installed as a temporary add-on in Debian's Firefox ESR,
// DevTools open on the CORS panel, a page that makes a dozen of the differential suite's CORS scenarios (five
// of them stopped at their preflight, which Firefox never announces to an extension: only getHAR() lists them).
// The panel must list every request, and each row's verdict and error name must be Firefox's own: what the page observed
// (fetch() resolved or rejected) and the CORS reasons Firefox logged for the URL — the Firefox differential
// suite's oracle (test/differential/compare-firefox.ts, firefoxVerdicts).
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchOutcome } from '../differential/compare';
import { firefoxVerdicts, type FirefoxVerdict } from '../differential/compare-firefox';
import { RUN_REQUEST } from '../differential/page-runner';
import { startScenarioServer, substituteRequestValue, type ScenarioServer } from '../differential/scenario-server';
import { scenariosFor, type Scenario } from '../differential/scenarios';
import { launchFirefox, type FirefoxSession } from '../support/firefox';
import { installTemporaryAddon, openFirefoxCorsPanel, type FirefoxCorsPanel, type FirefoxPanelRow } from '../support/firefox-panel';

const DIST_FIREFOX = resolve(import.meta.dirname, '../../dist-firefox');

/** Scenario ids, and whether Firefox stops the request at its preflight (it is then never sent). */
const PICKED: ReadonlyArray<readonly [string, 'stopped at preflight' | 'sent']> = [
  ['simple-get-acao-star', 'sent'],
  ['simple-get-acao-missing', 'sent'],
  ['simple-get-acao-mismatch', 'sent'],
  ['pf-put-ok', 'sent'],
  ['pf-json-ok', 'sent'],
  ['pf-ok-actual-acao-missing', 'sent'],
  ['pf-status-404', 'stopped at preflight'],
  ['pf-acao-missing', 'stopped at preflight'],
  ['pf-acam-lacking-delete', 'stopped at preflight'],
  ['pf-acah-missing', 'stopped at preflight'],
  ['cred-cookie-acac-true', 'sent'],
  ['cred-cookie-acac-missing', 'sent'],
  ['cred-cookie-acao-star', 'sent'],
  ['pf-acao-star-cred', 'stopped at preflight'],
  ['cred-nocookie-acao-star', 'sent'],
  ['cred-nocookie-acac-missing', 'sent'],
  ['cred-nocookie-acac-true', 'sent'],
];

/** The scenarios Firefox stops at their preflight: never sent, never announced to an extension. */
const STOPPED: ReadonlySet<string> = new Set(PICKED.filter(([, how]) => how === 'stopped at preflight').map(([id]) => id));

const byId = new Map(scenariosFor('firefox').map((scenario) => [scenario.id, scenario]));
const scenarios: Scenario[] = PICKED.map(([id]) => {
  const scenario = byId.get(id);
  if (scenario === undefined) throw new Error(`no Firefox scenario ${id}`);
  return scenario;
});

interface Observed {
  scenario: Scenario;
  url: string;
  method: string;
  /** Firefox's verdict: the page's observation and the CORS reasons Firefox logged. */
  verdict: FirefoxVerdict;
  firefox: 'blocked' | 'allowed';
}

let server: ScenarioServer | undefined;
let firefox: FirefoxSession | undefined;
let panel: FirefoxCorsPanel | undefined;
let observed: Observed[] = [];
let rows: FirefoxPanelRow[] = [];
let timings: Record<string, number> = {};

function fetchInit(scenario: Scenario): Record<string, unknown> {
  const { method, headers, credentials, body } = scenario.request;
  return {
    ...(method === undefined ? {} : { method }),
    ...(headers === undefined ? {} : { headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, substituteRequestValue(value)])) }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(body === undefined ? {} : { body }),
  };
}

beforeAll(async () => {
  const started = Date.now();
  server = await startScenarioServer(scenarios);
  // Tall enough that the virtualized grid renders every row.
  firefox = await launchFirefox({ windowSize: [1280, 4000] });
  const addonId = await installTemporaryAddon(firefox, DIST_FIREFOX);
  await firefox.openToolbox();
  panel = await openFirefoxCorsPanel(firefox, addonId);
  timings.panelOpen = Date.now() - started;
  await firefox.navigate(server.runnerUrl);
  // A default (Lax) cookie for 127.0.0.1: the same-site API origin gets it.
  await firefox.evaluate(`fetch(${JSON.stringify(server.cookieUrl)}, { credentials: 'include' }).then((r) => r.text())`);
  const pageRuns = Date.now();
  const table: { id: string; url: string; fetches: FetchOutcome[] }[] = [];
  for (const scenario of scenarios) {
    const spec = { id: scenario.id, url: server.urlOf(scenario), init: fetchInit(scenario), repeat: 1, api: 'fetch', uploadListener: false, abortAfterMs: 0 };
    table.push({ id: scenario.id, url: spec.url, fetches: await firefox.evaluate<FetchOutcome[]>(`(${RUN_REQUEST})(${JSON.stringify(spec)})`) });
  }
  timings.scenarios = Date.now() - pageRuns;
  const verdicts = firefoxVerdicts(table, await firefox.corsConsoleMessages());
  observed = scenarios.map((scenario, index) => {
    const verdict = verdicts[index] as FirefoxVerdict;
    return { scenario, url: verdict.url, method: (scenario.request.method ?? 'GET').toUpperCase(), verdict, firefox: verdict.blocked ? 'blocked' : 'allowed' };
  });
  // Until every request is listed, a stopped one with its preflight (the panel's re-read brings it); if that never
  // comes, the tests below say what is missing.
  const stoppedUrls = new Set(observed.filter((item) => STOPPED.has(item.scenario.id)).map((item) => item.url));
  const complete = (current: FirefoxPanelRow[]) =>
    observed.every((item) => current.some((row) => row.url === item.url && (!stoppedUrls.has(item.url) || row.entries >= 2)));
  const listed = Date.now();
  rows = await panel.waitForRows(complete, 30_000).catch(() => panel!.rows());
  timings.rowsListed = Date.now() - listed;
  timings.total = Date.now() - started;
}, 120_000);

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

describe('the CORS panel in Firefox (dist-firefox/ as a temporary add-on)', () => {
  it('runs in Firefox, which the panel detected itself', async () => {
    expect(await panel!.read<string>('content.wrappedJSObject.__corsLens.browser()')).toBe('firefox');
    expect(await panel!.read<string>('content.location.pathname')).toBe('/src/panel/panel.html');
  });

  it('the page saw what Firefox logged: a CORS error for each blocked request, none for an allowed one', () => {
    for (const item of observed) {
      expect({ id: item.scenario.id, pageBlocked: item.verdict.pageBlocked }).toEqual({ id: item.scenario.id, pageBlocked: item.verdict.reasons.length > 0 });
    }
    // The table's own expectations hold (blocked ones for a CORS reason, allowed ones with none).
    for (const item of observed) expect({ id: item.scenario.id, firefox: item.firefox }).toEqual({ id: item.scenario.id, firefox: (item.scenario.expectFirefox ?? item.scenario.expect) === 'ok' ? 'allowed' : 'blocked' });
  });

  it('lists every request once — the ones stopped at their preflight too, which Firefox never announced', () => {
    for (const item of observed) {
      const matching = rows.filter((row) => row.url === item.url);
      expect({ id: item.scenario.id, methods: matching.map((row) => row.method) }).toEqual({ id: item.scenario.id, methods: [item.method] });
    }
    // Nothing else but the cookie set-up request (the runner page itself is same-origin, hidden by default).
    const known = new Set([...observed.map((item) => item.url), server!.cookieUrl]);
    expect(rows.filter((row) => !known.has(row.url)).map((row) => row.url)).toEqual([]);
    for (const id of STOPPED) {
      const row = rows.find((candidate) => candidate.url === observed.find((item) => item.scenario.id === id)?.url);
      // The request and its preflight form one exchange, with no response the page could see.
      expect({ id, entries: row?.entries, status: row?.status }).toEqual({ id, entries: 2, status: 0 });
    }
  });

  it('gives each row Firefox\'s own verdict and names Firefox\'s reason (the panel judges as the browser it runs in)', () => {
    const verdicts = observed.map((item) => {
      const row = rows.find((candidate) => candidate.url === item.url);
      return { id: item.scenario.id, firefox: item.firefox, panel: row?.verdict, firefoxError: item.verdict.firefoxError ?? '', panelError: row?.corsError };
    });
    const disagreeing = verdicts.filter((verdict) => verdict.panel !== verdict.firefox || verdict.panelError !== verdict.firefoxError);
    console.log(`Firefox panel verdicts: ${verdicts.length - disagreeing.length}/${verdicts.length} agree with Firefox; disagreeing: ${JSON.stringify(disagreeing)}`);
    console.log(`Firefox panel test timings (ms): ${JSON.stringify(timings)}`);
    expect(disagreeing).toEqual([]);
    // Blocked ones among them, for several reasons, and allowed ones (the comparison above could fail either way).
    expect(new Set(verdicts.filter((verdict) => verdict.firefox === 'blocked').map((verdict) => verdict.firefoxError)).size).toBeGreaterThanOrEqual(4);
    expect(verdicts.filter((verdict) => verdict.firefox === 'allowed').length).toBeGreaterThanOrEqual(4);
  });

  it('read DevTools\' capture again only for the preflights whose request never came, a bounded number of times', async () => {
    const snapshots = await panel!.read<number>('content.wrappedJSObject.__corsLens.snapshots()');
    console.log(`Firefox live capture: ${snapshots} getHAR() reads`);
    const stopped = STOPPED.size;
    // The backfill when the panel opened, and at least one for the stopped requests; never more than one per
    // stopped request (each is the reason for one read at most).
    expect(snapshots).toBeGreaterThanOrEqual(2);
    expect(snapshots).toBeLessThanOrEqual(1 + stopped);
    // Quiet now: no more reads come.
    await new Promise((done) => setTimeout(done, 1_500));
    expect(await panel!.read<number>('content.wrappedJSObject.__corsLens.snapshots()')).toBe(snapshots);
  });

  it('clears on navigation like Chromium, then lists a request stopped at its preflight on the new page too', async () => {
    const before = await panel!.read<number>('content.wrappedJSObject.__corsLens.snapshots()');
    await firefox!.navigate(server!.runnerUrl);
    // The new page's only request so far is its (same-origin, hidden) document.
    await panel!.waitForRows((current) => current.length === 0, 30_000);
    const item = observed.find((candidate) => candidate.scenario.id === 'pf-status-404');
    if (item === undefined) throw new Error('pf-status-404 is picked');
    const spec = { id: item.scenario.id, url: item.url, init: fetchInit(item.scenario), repeat: 1, api: 'fetch', uploadListener: false, abortAfterMs: 0 };
    const [outcome] = await firefox!.evaluate<{ rejected: boolean }[]>(`(${RUN_REQUEST})(${JSON.stringify(spec)})`);
    expect(outcome?.rejected).toBe(true);
    const after = await panel!.waitForRows((current) => current.length === 1 && current[0]?.entries === 2, 30_000);
    expect(after.map((row) => ({ method: row.method, url: row.url, verdict: row.verdict, entries: row.entries }))).toEqual([{ method: 'PUT', url: item.url, verdict: 'blocked', entries: 2 }]);
    // One more read for the stopped request, none for the navigation.
    expect(await panel!.read<number>('content.wrappedJSObject.__corsLens.snapshots()')).toBe(before + 1);
    // The Problems view names its causes, all of them this request's.
    await panel!.clickById('tab-problems');
    const titles = await panel!.read<string[]>('[...document.querySelectorAll(".problem-title")].map((node) => node.textContent)');
    // Every problem is this request's (its route), and there is one at least.
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(title).toContain(`${new URL(item.url).origin}/s/pf-status-404/`);
  });

  it('keeps the old page with Preserve log, and reads the capture again after a burst only if it stopped a request', async () => {
    const snapshots = () => panel!.read<number>('content.wrappedJSObject.__corsLens.snapshots()');
    const run = async (ids: string[]) => {
      for (const id of ids) {
        const item = observed.find((candidate) => candidate.scenario.id === id) as Observed;
        const spec = { id, url: item.url, init: fetchInit(item.scenario), repeat: 1, api: 'fetch', uploadListener: false, abortAfterMs: 0 };
        await firefox!.evaluate(`(${RUN_REQUEST})(${JSON.stringify(spec)})`);
      }
    };
    const urlOf = (id: string) => observed.find((candidate) => candidate.scenario.id === id)?.url;
    await panel!.clickById('tab-requests');
    await panel!.click('Preserve log');
    const before = await snapshots();
    await firefox!.navigate(server!.runnerUrl);
    // A burst of requests that were all sent (one of them preflighted): nothing for a re-read to bring.
    const sent = ['simple-get-acao-star', 'simple-get-acao-missing', 'pf-put-ok'];
    await run(sent);
    await panel!.waitForRows((current) => sent.every((id) => current.some((row) => row.url === urlOf(id))), 30_000);
    await new Promise((done) => setTimeout(done, 1_000));
    expect(await snapshots()).toBe(before);
    // A burst with two requests stopped at their preflight: one re-read lists both.
    const withStopped = ['pf-acao-missing', 'simple-get-acao-mismatch', 'pf-acah-missing'];
    await run(withStopped);
    const rowsNow = await panel!.waitForRows(
      (current) => withStopped.every((id) => current.some((row) => row.url === urlOf(id) && (!STOPPED.has(id) || row.entries === 2))),
      30_000,
    );
    expect(await snapshots()).toBe(before + 1);
    // The previous page's row stayed (Preserve log), and nothing is listed twice.
    expect(rowsNow.map((row) => `${row.method} ${new URL(row.url).pathname}`).sort()).toEqual(
      ['pf-status-404', ...sent, ...withStopped].map((id) => {
        const item = observed.find((candidate) => candidate.scenario.id === id) as Observed;
        return `${item.method} ${new URL(item.url).pathname}`;
      }).sort(),
    );
  });
});
