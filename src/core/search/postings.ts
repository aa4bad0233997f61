import type { FastMiniSearch, FieldPostings } from './fast-minisearch.ts';

/** Field ids fit in 3 bits of a posting reference (MiniSearch numbers fields from 0 in `fields` order). */
export const FIELD_BITS = 3;

/**
 * Which postings each hot document has, so removing a document deletes exactly its postings.
 * MiniSearch's own `discard` leaves them for a vacuum that walks the whole vocabulary in timed
 * batches; under sustained ingest with the hot window evicting the oldest article for every new
 * one, that vacuum fell behind by most of the window, and the heap grew with the documents it
 * still held (figures in docs/performance.md). A term gets a small integer id while it has
 * postings; a document keeps `termId << 3 | fieldId` for each (term, field) it has. Documents
 * loaded from a snapshot have no list (building them would slow the load a lot): they leave
 * through MiniSearch's discard and vacuum, as all documents did before.
 */
export class Postings<T> {
  private readonly ids = new Map<string, number>();
  private readonly byId: Array<FieldPostings | undefined> = [];
  private readonly names: string[] = [];
  private readonly free: number[] = [];
  private readonly docs = new Map<number, Uint32Array>();

  constructor(private readonly mini: FastMiniSearch<T>) {}

  /** MiniSearch's postings of `term` (created when new) and the term's id. */
  fetch(term: string): { id: number; data: FieldPostings } {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.free.pop() ?? this.names.length;
      this.ids.set(term, id);
      this.names[id] = term;
      this.byId[id] = this.mini.vocabulary.fetch(term, newFieldMap);
    } else if (this.byId[id]!.size === 0) {
      // Emptied (by a vacuum, or during one): the tree may hold a new entry for it, or none.
      this.byId[id] = this.mini.vocabulary.fetch(term, newFieldMap);
    }
    return { id, data: this.byId[id]! };
  }

  /**
   * Adds a document to the engine (`addCounted`, each term's postings found through `fetch`) and
   * records its postings (`termId << FIELD_BITS | fieldId` each). Returns its short id.
   */
  addDocument(document: T): number {
    const refs: number[] = [];
    const short = this.mini.addCounted(document, (term, fieldId) => {
      // The radix tree scans each node's children to find a term; a hash lookup is much cheaper.
      const { id, data } = this.fetch(term);
      refs.push((id << FIELD_BITS) | fieldId);
      return data;
    });
    this.docs.set(short, Uint32Array.from(refs));
    return short;
  }

  /**
   * Deletes a discarded document's postings, and terms left with none, from MiniSearch's index.
   * A document with no list (loaded from a snapshot) is left to MiniSearch's vacuum.
   */
  removeDocument(short: number): void {
    const refs = this.docs.get(short);
    if (!refs) return;
    this.docs.delete(short);
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      const id = ref >>> FIELD_BITS;
      const data = this.byId[id];
      if (!data) continue;
      const field = ref & ((1 << FIELD_BITS) - 1);
      const docs = data.get(field);
      if (!docs) continue;
      docs.delete(short);
      if (docs.size === 0) data.delete(field);
      // A vacuum walking the tree meanwhile must not lose its place: it drops empty terms itself.
      if (data.size === 0 && !this.mini.isVacuuming) {
        const term = this.names[id]!;
        this.mini.vocabulary.delete(term);
        this.ids.delete(term);
        this.byId[id] = undefined;
        this.names[id] = '';
        this.free.push(id);
      }
    }
    // The postings are gone: nothing is left for a vacuum to find.
    this.mini.postingsCleaned();
  }
}

const newFieldMap = (): FieldPostings => new Map();
