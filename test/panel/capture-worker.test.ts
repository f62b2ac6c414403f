// A large import goes to the diagnosis worker whole and comes back in slices: what the panel ends up with
// must be exactly what a diagnosis on its own thread gives, and no more than two slices may ever be on their
// way to the panel at once (each message is one task on the panel's thread).
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticHar } from '../../bench/synthetic-har';
import { diagnose, exportReport, parseHarText, reopenReport, type DiagnoseResult, type ReportExchange } from '../../src/engine/index';
import { CaptureClient, type StreamOutcome } from '../../src/panel/diagnosis/capture-client';
import type { Progress, WorkerMessage } from '../../src/panel/diagnosis/capture-protocol';
import { headerLines } from '../../src/panel/entry-facts';
import { buildRows } from '../../src/panel/model/rows';
import { applyEdits, type ResponseEdit } from '../../src/panel/model/what-if';
import { InProcessWorker } from './in-process-worker';

const SLICE = 25;
const options = { sourceKind: 'file' as const, sourceName: 'big.har' };
const har = syntheticHar(400, 3);
const text = JSON.stringify(har);
const entries = har.log.entries;

let workers: InProcessWorker[] = [];
function connect(sliceRows = SLICE): { client: CaptureClient; worker: () => InProcessWorker; spawned: () => number } {
  const client = new CaptureClient(() => {
    const worker = new InProcessWorker(sliceRows);
    workers.push(worker);
    return worker.port();
  });
  return { client, worker: () => workers.at(-1)!, spawned: () => workers.length };
}

afterEach(() => {
  for (const worker of workers) worker.terminate();
  workers = [];
});

const expected = (input: unknown) => {
  const result = diagnose(input, options);
  if (!result.ok) throw new Error(result.error.message);
  return result.report;
};

async function loaded(outcome: Promise<StreamOutcome>) {
  const settled = await outcome;
  if (!settled.ok) throw new Error(settled.message);
  return settled;
}

/** What the panel shows of a diagnosis besides its rows. */
const headFor = (result: DiagnoseResult) =>
  result.ok
    ? {
        ok: true, summary: result.report.summary, browser: result.report.browser, inputErrors: result.report.inputErrors.length, firstInputError: result.report.inputErrors[0]?.message ?? null, reopened: null,
        problems: result.report.problems.map(({ exchanges: _ids, ...problem }) => problem),
        servers: result.report.servers,
      }
    : { ok: false, error: result.error };

const sent = (worker: InProcessWorker, kind: WorkerMessage['kind']) =>
  worker.traffic.log.filter((item) => item.to === 'panel' && item.message.kind === kind).map((item) => item.message);

const tick = (ms = 20) => new Promise((done) => setTimeout(done, ms));

describe('a large import in the diagnosis worker', () => {
  it('arrives in slices the panel asks for, and equals a diagnosis on the panel\'s thread', async () => {
    const { client, worker } = connect();
    const progress: Progress[] = [];
    const outcome = await loaded(client.importFile(new File([text], 'big.har'), options, (step) => progress.push(step)).done);

    const report = expected(JSON.parse(text));
    expect(report.exchanges.length).toBeGreaterThan(4 * SLICE);
    expect(outcome.entries).toBe(entries.length);
    expect(outcome.capture).not.toBeNull();
    expect(outcome.loaded.head).toEqual(headFor({ ok: true, report }));
    expect(outcome.loaded.rows).toEqual(buildRows(report.exchanges, entries));
    // The panel holds rows only; the detail pane asks for an exchange in full, with its raw entries.
    const detail = await client.detail(outcome.capture!, outcome.loaded.rows[7]!.id, false);
    expect(detail?.exchange).toEqual(report.exchanges[7]);
    expect(detail?.raw).toEqual(report.exchanges[7]!.entries.map((index) => entries[index]));
    expect(await client.detail(outcome.capture!, 'ex-nope', false)).toBeNull();

    const slices = sent(worker(), 'slice') as Extract<WorkerMessage, { kind: 'slice' }>[];
    expect(slices).toHaveLength(Math.ceil(report.exchanges.length / SLICE));
    expect(slices.every((slice) => slice.rows.length <= SLICE)).toBe(true);
    expect(worker().traffic.maxSlicesInFlight).toBeLessThanOrEqual(2);

    // Real phases: diagnosing the entries, then loading the exchanges one slice at a time, up to all of them.
    expect(progress[0]).toEqual({ phase: 'diagnosing', done: 0, total: entries.length });
    const loading = progress.filter((step) => step.phase === 'loading');
    expect(loading[0]).toEqual({ phase: 'loading', done: 0, total: report.exchanges.length });
    expect(loading.at(-1)).toEqual({ phase: 'loading', done: report.exchanges.length, total: report.exchanges.length });
    expect(loading.map((step) => step.done)).toEqual([...loading.map((step) => step.done)].sort((a, b) => a - b));
  });

  it('refuses what the panel\'s thread refuses, with the same words', async () => {
    const { client } = connect();
    const refusal = async (content: string) => {
      const outcome = await client.importFile(new File([content], 'x.har'), options, () => undefined).done;
      return outcome.ok ? null : outcome.message;
    };
    const notJson = parseHarText('<html>not a har');
    expect(await refusal('<html>not a har')).toBe(notJson.ok ? 'parsed?' : notJson.error.message);
    expect(await refusal('  ')).toBe('The input is empty, not a HAR file.');
    const bare = { schema: 'cors-lens/report@1', summary: {}, exchanges: [] };
    const reopened = reopenReport(bare);
    expect(await refusal(JSON.stringify(bare))).toBe(reopened.ok ? 'reopened?' : reopened.error.message);

    // JSON that is no HAR is imported, with the engine's reason where the rows would be (as on the panel's thread).
    const notHar = await loaded(client.importFile(new File(['{"hello": 1}'], 'x.har'), options, () => undefined).done);
    expect(notHar.loaded.rows).toEqual([]);
    expect(notHar.loaded.head).toEqual(headFor(diagnose({ hello: 1 }, options)));
  });

  it('reopens an exported JSON report from the HAR it carries', async () => {
    const exported = exportReport(entries.slice(0, 60), { format: 'json', generatedAt: '2026-11-21T00:00:00.000Z' });
    if (!exported.ok) throw new Error(exported.error.message);
    const { client } = connect();
    const outcome = await loaded(client.importFile(new File([exported.content], 'report.json'), options, () => undefined).done);
    const reopened = reopenReport(exported.content);
    if (!reopened.ok) throw new Error(reopened.error.message);
    const report = expected(reopened.har);
    expect(outcome.loaded.head).toEqual({ ...headFor({ ok: true, report }), reopened: { matches: true } });
    expect(outcome.loaded.rows.map((row) => `${row.id} ${row.verdict}`)).toEqual(report.exchanges.map((exchange) => `${exchange.id} ${exchange.verdict}`));
  });

  it('hands over raw entries on demand, and forgets a dropped capture', async () => {
    const { client, worker } = connect();
    const { capture } = await loaded(client.importFile(new File([text], 'big.har'), options, () => undefined).done);
    expect(await client.entries(capture!, [5, 0, 399])).toEqual([entries[5], entries[0], entries[399]]);
    expect(worker().host.kept).toBe(1);
    client.drop(capture!);
    await expect(client.entries(capture!, [0])).rejects.toThrow(/no longer loaded/);
    expect(worker().host.kept).toBe(0);
  });

  it('diagnoses what-if edits where the entries are, as the panel\'s thread would', async () => {
    const { client, worker } = connect();
    const { capture, loaded: recorded } = await loaded(client.importFile(new File([text], 'big.har'), options, () => undefined).done);
    const blocked = recorded.rows.find((row) => row.verdict === 'blocked' && row.kind === 'simple');
    expect(blocked).toBeDefined();
    const recordedReport = expected(JSON.parse(text));
    const index = recordedReport.exchanges.find((exchange) => exchange.id === blocked!.id)!.entries[0]!;
    const edit: ResponseEdit = {
      status: 200,
      headers: [...headerLines(entries[index], 'response'), { name: 'Access-Control-Allow-Origin', value: 'https://app.example.com' }],
    };
    const edits = new Map([[index, edit]]);

    // A burst of edits: the older run is cancelled before it starts, and never diagnosed.
    const older = client.whatIf(capture!, new Map([[index, { status: 500, headers: [] }]]), () => undefined);
    older.cancel();
    const outcome = await loaded(client.whatIf(capture!, edits, () => undefined).done);
    expect(sent(worker(), 'progress').filter((message) => message.kind === 'progress' && message.progress.phase === 'diagnosing')).toHaveLength(2);

    const byEntry = new Map<number, readonly number[]>();
    for (const exchange of recordedReport.exchanges) for (const entry of exchange.entries) byEntry.set(entry, exchange.entries);
    const here = diagnose(applyEdits(entries, edits, (entry) => byEntry.get(entry) ?? [entry]), options);
    if (!here.ok) throw new Error(here.error.message);
    expect(outcome.loaded.head).toEqual(headFor(here));
    // Rows show the recorded entries (status, timing) with the what-if verdict.
    expect(outcome.loaded.rows).toEqual(buildRows(here.report.exchanges, entries));
    expect(outcome.loaded.rows.find((row) => row.firstEntry === index)?.verdict).toBe('allowed');
    // The detail pane, while the edits are on, shows the what-if diagnosis of the exchange.
    expect((await client.detail(capture!, blocked!.id, true))?.exchange.verdict).toBe('allowed');
    expect((await client.detail(capture!, blocked!.id, false))?.exchange.verdict).toBe('blocked');
    expect(outcome.capture).toBeNull();
  });

  it('exports in the worker exactly what an export on the panel\'s thread writes', async () => {
    const { client } = connect();
    const { capture } = await loaded(client.importFile(new File([text], 'big.har'), options, () => undefined).done);
    const ids = (expected(JSON.parse(text)).exchanges as ReportExchange[]).filter((exchange) => exchange.verdict === 'blocked').map((exchange) => exchange.id);
    const exportOptions = { format: 'md' as const, redact: true, scope: { kind: 'exchanges' as const, ids }, generatedAt: '2026-11-21T00:00:00.000Z', ...options };
    const steps: number[] = [];
    const outcome = await client.exportCapture(capture!, exportOptions, (done, total) => steps.push(done / total));
    const here = exportReport(JSON.parse(text), exportOptions);
    if (!outcome.ok || !here.ok) throw new Error('export failed');
    expect(await outcome.blob.text()).toBe(here.content);
    expect(outcome.blob.type).toBe(here.mimeType);
    expect(outcome.filename).toBe(here.filename);
    expect(outcome.redactions).toBe(here.document.export.redactions.reduce((sum, item) => sum + item.count, 0));
    expect(steps.at(-1)).toBe(1);
  });

  it('abandons a cancelled import: it never settles and the worker keeps nothing, however far it got', async () => {
    const { client, worker } = connect();
    const never = async (run: { done: Promise<unknown> }) => Promise.race([run.done.then(() => 'settled'), tick(200).then(() => 'pending')]);
    const early = client.importFile(new File([text], 'big.har'), options, () => undefined);
    early.cancel();
    expect(await never(early)).toBe('pending');
    expect(worker().host.kept).toBe(0);

    // Cancelled while its slices arrive (a newer import started): the worker drops the capture it made.
    let cancelLate = () => undefined as void;
    const late = client.importFile(new File([text], 'big.har'), options, (step) => {
      if (step.phase === 'loading' && step.done > 0) cancelLate();
    });
    cancelLate = () => late.cancel();
    expect(await never(late)).toBe('pending');
    expect(sent(worker(), 'slice').length).toBeLessThan(Math.ceil(expected(JSON.parse(text)).exchanges.length / SLICE));
    expect(worker().host.kept).toBe(0);
  });

  it('answers every request, even when the worker trips over a bug', async () => {
    const { client, worker } = connect();
    const { capture } = await loaded(client.importFile(new File([text], 'big.har'), options, () => undefined).done);
    const host = worker().host as unknown as { sendSlice(): void; exportCapture(): void; captures: Map<number, { entries: unknown[] }> };
    host.sendSlice = () => {
      throw new Error('boom');
    };
    expect(await client.importFile(new File([text], 'big.har'), options, () => undefined).done).toEqual({ ok: false, message: 'could not be diagnosed (internal error: boom).' });
    host.exportCapture = () => {
      throw new TypeError('bang');
    };
    expect(await client.exportCapture(capture!, { format: 'md' }, () => undefined)).toEqual({ ok: false, error: { message: 'The export could not be diagnosed (internal error: bang).', path: '' } });
    // Entries that cannot be cloned (a function has no structured clone) fail the request, not the worker.
    host.captures.get(capture!)!.entries[0] = () => undefined;
    await expect(client.entries(capture!, [0])).rejects.toThrow(/internal error/);
    expect(await client.entries(capture!, [1])).toEqual([entries[1]]);
  });

  it('says so when the worker dies, and starts a new one for the next import', async () => {
    const { client, worker, spawned } = connect();
    const run = client.importFile(new File([text], 'big.har'), options, () => undefined);
    worker().crash('out of memory');
    expect(await run.done).toEqual({ ok: false, message: 'The diagnosis stopped: out of memory.' });
    const next = await loaded(client.importFile(new File([text], 'big.har'), options, () => undefined).done);
    expect(spawned()).toBe(2);
    expect(next.loaded.rows.length).toBeGreaterThan(0);
  });
});
