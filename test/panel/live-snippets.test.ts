// A live update carries each fix's snippets once: later updates name them by id, and the panel puts them back.
// What the panel ends up with must be exactly what a full diagnosis of the same entries says, update after update.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/index';
import { CaptureHost } from '../../src/panel/diagnosis/capture-host';
import type { ViewHead, WorkerMessage } from '../../src/panel/diagnosis/capture-protocol';
import { SnippetPacker, SnippetUnpacker } from '../../src/panel/diagnosis/live-snippets';
import { exchange } from '../fixtures/builders';

const API = 'https://api.example.net';
type LiveRows = Extract<WorkerMessage, { kind: 'live-rows' }>;

/** A live host whose updates arrive as the panel gets them (structured clones), with every entry it was sent. */
async function liveHost() {
  const updates: LiveRows[] = [];
  const entries: unknown[] = [];
  const host = new CaptureHost((message) => {
    if (message.kind === 'live-rows') updates.push(structuredClone(message));
  }, undefined, (task) => task());
  await host.handle({ kind: 'live', request: 1, options: { sourceKind: 'live' }, browser: 'chromium' });
  const append = async (more: unknown[]) => {
    entries.push(...more);
    await host.handle({ kind: 'live-changes', request: 1, changes: [{ kind: 'append', entries: more as never }] });
  };
  return { updates, entries, append };
}

const noAllowOrigin = (id: number, at: number) => exchange({ url: `${API}/v1/items/${id}`, at }).actual({}).entries();
const preflight404 = (id: number, at: number) =>
  exchange({ url: `${API}/v1/locked/${id}`, method: 'PUT', headers: { 'content-type': 'application/json' }, at }).preflight({ status: 404 }).entries();

describe('live snippets', () => {
  it('cross once, and the panel gets every fix exactly as a full diagnosis renders it', async () => {
    const { updates, entries, append } = await liveHost();
    const unpacker = new SnippetUnpacker();
    const check = () => {
      const update = updates.at(-1) as LiveRows;
      const head = unpacker.unpack(update.head, update.snippets);
      const full = diagnose({ log: { entries } }, { sourceKind: 'live', browser: 'chromium' });
      if (!head.ok || !full.ok) throw new Error('no head');
      expect(head.problems.map((problem) => problem.fix?.snippets)).toEqual(full.report.problems.map((problem) => problem.fix?.snippets));
      expect(head.problems.some((problem) => (problem.fix?.snippets.length ?? 0) > 0)).toBe(true);
      return { update, head };
    };
    await append([...noAllowOrigin(1, 0), ...preflight404(2, 10)]);
    const first = check();
    expect(first.update.snippets.added.length).toBeGreaterThan(0);
    // More of the same problems: nothing new to render, so no snippet crosses again, and the panel keeps its arrays.
    await append([...noAllowOrigin(3, 20), ...preflight404(4, 30)]);
    const second = check();
    expect(second.update.snippets.added).toEqual([]);
    expect(JSON.stringify(second.update).length).toBeLessThan(JSON.stringify(first.update).length / 3);
    if (!first.head.ok || !second.head.ok) throw new Error('no head');
    expect(second.head.problems[0]?.fix?.snippets).toBe(first.head.problems[0]?.fix?.snippets);
    // A new problem brings its own snippets, and only those.
    await append(exchange({ url: `${API}/v1/other/5`, at: 40 }).actual({ acao: 'https://elsewhere.example' }).entries());
    const third = check();
    expect(third.update.snippets.added.length).toBeGreaterThan(0);
    expect(third.update.snippets.added.length).toBeLessThan(third.update.snippets.refs.length);
  });

  it('forget what the last update did not use, on both sides, and fail loudly on an id never sent', async () => {
    const { updates, append } = await liveHost();
    await append(noAllowOrigin(1, 0));
    const update = updates.at(-1) as LiveRows;
    const head = new SnippetUnpacker().unpack(update.head, update.snippets) as Extract<ViewHead, { ok: true }>;
    const withFix = head.problems.find((problem) => problem.fix !== null);
    if (withFix?.fix == null) throw new Error('no fix');
    const fix = withFix.fix;
    // Two heads that name different snippet lists: A, then B, then A again.
    const headWith = (snippets: typeof fix.snippets): ViewHead => ({ ...head, problems: [{ ...withFix, fix: { ...fix, snippets } }], servers: [] });
    const a = fix.snippets;
    const b = fix.snippets.slice(0, 2);
    const packer = new SnippetPacker();
    const unpacker = new SnippetUnpacker();
    const round = (given: ViewHead) => {
      const packed = packer.pack(given);
      const copy = structuredClone(packed);
      const back = unpacker.unpack(copy.head, copy.snippets);
      return { packed, back: back.ok ? back.problems[0]?.fix?.snippets : undefined };
    };
    expect(round(headWith(a)).packed.snippets.added.map(([, list]) => list)).toEqual([a]);
    expect(round(headWith(b)).back).toEqual(b);
    // A was dropped by both after B's update: it crosses again, and the panel reads it whole.
    const again = round(headWith(a));
    expect(again.packed.snippets.added.map(([, list]) => list)).toEqual([a]);
    expect(again.back).toEqual(a);
    expect(() => new SnippetUnpacker().unpack(again.packed.head, { refs: [99], added: [] })).toThrow(/never sent/);
  });
});
