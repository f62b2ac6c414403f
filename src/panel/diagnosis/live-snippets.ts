// A live head's snippets cross to the panel once. The worker posts the head with every update, and the snippets
// (19 stacks for each problem's fix and each server's configuration) are most of its bytes: at 20k exchanges of
// the soak's mix, 158 of a head's 171 KB, while they change only when a problem's first exchange or a server's
// lines do. Cloning them on every update made the panel's thread allocate and collect that much, several times a
// second. So a live update carries each fix's snippets as an id, with the snippets themselves only the first time
// (the worker's packer and the panel's unpacker both keep exactly the ids the last update used).
import type { FixSnippet } from '../../engine/index';
import type { ViewHead } from './capture-protocol';

/** The snippets of a packed head: every fix's, in head order (problems with a fix, then servers). */
export interface PackedSnippets {
  /** The id of each fix's snippets. */
  refs: number[];
  /** The snippets the panel does not hold yet, by id. */
  added: [number, readonly FixSnippet[]][];
}

const NO_SNIPPETS: readonly FixSnippet[] = Object.freeze([]);

/** Each fix's snippets in a head, replaced by what `swap` returns for them (a new head; the given one is not changed). */
function mapSnippets(head: ViewHead, swap: (snippets: readonly FixSnippet[]) => readonly FixSnippet[]): ViewHead {
  if (!head.ok) return head;
  const problems = head.problems.map((problem) => (problem.fix === null ? problem : { ...problem, fix: { ...problem.fix, snippets: swap(problem.fix.snippets) } }));
  const servers = head.servers.map((server) => ({ ...server, snippets: swap(server.snippets) }));
  return { ...head, problems, servers };
}

/** The worker's side, one per live capture: snippets sent in the last update are sent again as their id alone. */
export class SnippetPacker {
  /** By identity: an unchanged fix keeps its snippets array (the engine's and CaptureHost's caches see to it). */
  private sent = new Map<readonly FixSnippet[], number>();
  private nextId = 1;

  pack(head: ViewHead): { head: ViewHead; snippets: PackedSnippets } {
    const used = new Map<readonly FixSnippet[], number>();
    const snippets: PackedSnippets = { refs: [], added: [] };
    const packed = mapSnippets(head, (list) => {
      let id = used.get(list) ?? this.sent.get(list);
      if (id === undefined) {
        id = this.nextId++;
        snippets.added.push([id, list]);
      }
      used.set(list, id);
      snippets.refs.push(id);
      return NO_SNIPPETS;
    });
    this.sent = used;
    return { head: packed, snippets };
  }
}

/** The panel's side, one per live capture: puts each fix's snippets back, the same array while its id is. */
export class SnippetUnpacker {
  private held = new Map<number, readonly FixSnippet[]>();

  unpack(head: ViewHead, snippets: PackedSnippets): ViewHead {
    for (const [id, list] of snippets.added) this.held.set(id, list);
    const used = new Map<number, readonly FixSnippet[]>();
    let position = 0;
    const unpacked = mapSnippets(head, () => {
      const id = snippets.refs[position++];
      const list = id === undefined ? undefined : this.held.get(id);
      // Only a worker that broke the protocol gets here; the panel says so rather than show a fix without code.
      if (id === undefined || list === undefined) throw new Error(`live update names snippets ${String(id)} that were never sent`);
      used.set(id, list);
      return list;
    });
    this.held = used;
    return unpacked;
  }
}
