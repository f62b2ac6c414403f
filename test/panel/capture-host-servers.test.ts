// The live worker's head carries report.servers on every update; cloning it renders each server's 19 snippets.
// CaptureHost re-sends the configurations it last rendered while their lines are the same and the capture has
// grown by less than a tenth, and renders them again otherwise (a new page origin that passes today included).
import { describe, expect, it } from 'vitest';
import type { ServerFix } from '../../src/engine/index';
import { CaptureHost } from '../../src/panel/diagnosis/capture-host';
import type { WorkerMessage } from '../../src/panel/diagnosis/capture-protocol';
import { SnippetUnpacker } from '../../src/panel/diagnosis/live-snippets';
import { exchange } from '../fixtures/builders';

const API = 'https://api.example.net';

describe('live server configurations', () => {
  it('keep their rendered snippets until their lines change or the capture grows by a tenth', async () => {
    // The panel's view of each update: its head with the snippets put back (they travel once; live-snippets.ts).
    const unpacker = new SnippetUnpacker();
    let servers: () => readonly ServerFix[] = () => [];
    const host = new CaptureHost((message: WorkerMessage) => {
      if (message.kind !== 'live-rows') return;
      const head = unpacker.unpack(structuredClone(message.head), structuredClone(message.snippets));
      servers = () => (head.ok ? head.servers : []);
    }, undefined, (task) => task());
    const append = async (entries: unknown[]) => host.handle({ kind: 'live-changes', request: 1, changes: [{ kind: 'append', entries: entries as never }] });
    await host.handle({ kind: 'live', request: 1, options: { sourceKind: 'live' }, browser: 'chromium' });
    const failing = (id: number, at: number) => exchange({ url: `${API}/v1/items/${id}`, at }).actual({ error: 'net::ERR_FAILED' }).entries();
    // Twenty failing requests at once: rendered at 20 entries.
    await append(Array.from({ length: 20 }, (_, i) => failing(i, i * 10)).flat());
    const first: ServerFix | undefined = servers()[0];
    expect(first?.server).toBe(API);
    // One more failing request of the same kind: the same lines, the capture 5% larger — the same rendered
    // snippets, with the current count.
    await append(failing(20, 200));
    expect(servers()[0]?.snippets).toBe(first?.snippets);
    expect(servers()[0]?.exchanges).toBe(21);
    // Another page's request that passes today, and the capture a tenth larger: rendered again, with that origin.
    const passing = (id: number, at: number) => exchange({ origin: 'https://b.example', url: `${API}/v1/items/${id}`, at }).actual({ acao: 'https://b.example' }).entries();
    await append([...passing(30, 300), ...passing(31, 310)]);
    expect(servers()[0]?.snippets).not.toBe(first?.snippets);
    expect(servers()[0]?.snippets.find((snippet) => snippet.stack === 'express')?.code).toContain('"https://b.example"');
  });
});
