import fs from 'node:fs';
import { ArticleIndex } from './article-index.ts';
import { FastMiniSearch, type EngineState, type FieldPostings } from './fast-minisearch.ts';
import { nextTurn as turn } from '../deps.ts';

/**
 * The hot tier on disk, so a restart loads it in seconds instead of re-indexing. A compact
 * line-oriented format rather than one `JSON.stringify(miniSearch)`: each line is parsed on its
 * own between event-loop turns (no stall, and no string near V8's 512 MB limit). Line 1 is the
 * header (what the snapshot reflects: the store's article generation, the hot floor, the count),
 * line 2 the per-document metadata, then the vocabulary in chunks, then an end marker — a
 * snapshot cut short by a crash has no end marker and is rebuilt. Written to a temporary file
 * and renamed, so a kill during writing leaves the previous snapshot (or none), never half a one.
 */

const FORMAT = 'newsdesk-hot/1';
/** Postings per line (and per turn when writing): parsing one line takes a few milliseconds. */
const POSTINGS_PER_LINE = 15_000;

export interface SnapshotHeader {
  format: string;
  /** The store's article generation the index reflects. */
  generation: number;
  floor: number;
  documents: number;
  maxSeq: number;
}

function mapToObject<V>(m: Map<number, V>): Record<string, V> {
  const o: Record<string, V> = {};
  for (const [k, v] of m) o[k] = v;
  return o;
}

/**
 * Writes the hot index to `file` (via `file.tmp` + rename). The caller keeps the index unchanged
 * until the promise settles (the newsroom queues index updates meanwhile).
 */
export async function writeSnapshot(file: string, index: ArticleIndex, header: Omit<SnapshotHeader, 'format' | 'documents'>): Promise<void> {
  const mini = index.engine;
  // A vacuum in progress rewrites the vocabulary between turns; let it finish first.
  await mini.settled();
  const tmp = `${file}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    const write = (line: string) => fh.write(line + '\n');
    await write(
      JSON.stringify({
        format: FORMAT,
        ...header,
        documents: index.size,
        mini: mini.state(),
      }),
    );
    const meta: Array<[string, string, string, number | null, number]> = [];
    for (const [id, m] of index.metaEntries()) meta.push([id, m.sourceId, index.outletName(m.outlet), Number.isNaN(m.date) ? null : m.date, m.seq]);
    await write(JSON.stringify(meta));
    let chunk: Array<[string, Record<string, Record<string, number>>]> = [];
    let postings = 0;
    let terms = 0;
    for (const [term, fields] of mini.vocabulary) {
      const data: Record<string, Record<string, number>> = {};
      for (const [fieldId, docs] of fields) {
        data[fieldId] = mapToObject(docs);
        postings += docs.size;
      }
      chunk.push([term, data]);
      terms++;
      if (postings >= POSTINGS_PER_LINE) {
        await write(JSON.stringify(chunk));
        chunk = [];
        postings = 0;
      }
    }
    if (chunk.length) await write(JSON.stringify(chunk));
    await write(JSON.stringify({ end: true, terms }));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
}

export type SnapshotLoad =
  | { ok: true; header: SnapshotHeader }
  | { ok: false; reason: string };

/**
 * Loads a snapshot into `index` when it matches what the store holds now (`expect`); otherwise
 * leaves the index untouched and says why (missing, unreadable, cut short, stale).
 */
export async function loadSnapshot(file: string, index: ArticleIndex, expect: { generation: number; check: (h: SnapshotHeader) => string | null | Promise<string | null> }): Promise<SnapshotLoad> {
  fs.rmSync(`${file}.tmp`, { force: true });
  let buf: Buffer;
  try {
    buf = await fs.promises.readFile(file);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  try {
    let pos = 0;
    const nextLine = (): string | null => {
      if (pos >= buf.length) return null;
      let end = buf.indexOf(10, pos);
      if (end < 0) end = buf.length;
      const line = buf.toString('utf8', pos, end);
      pos = end + 1;
      return line;
    };
    const head = JSON.parse(nextLine() ?? 'null') as (SnapshotHeader & { mini: EngineState }) | null;
    if (!head || head.format !== FORMAT) return { ok: false, reason: 'unknown format' };
    if (head.generation !== expect.generation) return { ok: false, reason: `stale (generation ${head.generation}, store ${expect.generation})` };
    const problem = await expect.check(head);
    if (problem) return { ok: false, reason: problem };
    // Each big step in a turn of its own: header, per-document metadata, engine, then a turn per line.
    await turn();
    const meta = JSON.parse(nextLine() ?? '[]') as Array<[string, string, string, number | null, number]>;
    await turn();
    // MiniSearch's loadJS turns the document tables into maps in one go (a long turn for a full
    // window): the engine starts with empty ones, filled here a few thousand per turn.
    const { documentIds, fieldLength } = head.mini;
    const engine = FastMiniSearch.fromState(head.mini, ArticleIndex.options());
    let filled = 0;
    for (const key of Object.keys(documentIds)) {
      const short = Number(key);
      engine.restoreDocument(short, documentIds[key]!, fieldLength[key]!);
      if (++filled % 4_000 === 0) await turn();
    }
    await turn();
    const vocab = engine.vocabulary;
    let terms = 0;
    let ended = false;
    for (let line = nextLine(); line !== null; line = nextLine()) {
      if (!line) continue;
      const parsed = JSON.parse(line) as unknown;
      if (!Array.isArray(parsed)) {
        ended = (parsed as { end?: boolean; terms?: number }).end === true && (parsed as { terms: number }).terms === terms;
        break;
      }
      for (const [term, data] of parsed as Array<[string, Record<string, Record<string, number>>]>) {
        const fields: FieldPostings = new Map();
        for (const fieldId of Object.keys(data)) {
          const docs = new Map<number, number>();
          const entry = data[fieldId]!;
          for (const docId of Object.keys(entry)) docs.set(Number(docId), entry[docId]!);
          fields.set(Number(fieldId), docs);
        }
        vocab.set(term, fields);
        terms++;
      }
      await turn();
    }
    if (!ended) return { ok: false, reason: 'cut short' };
    const entries = new Map<string, { sourceId: string; outlet: string | null; date: number; seq: number }>();
    for (let i = 0; i < meta.length; i++) {
      const [id, sourceId, outlet, date, seq] = meta[i]!;
      entries.set(id, { sourceId, outlet, date: date ?? NaN, seq });
      if (i % 5_000 === 4_999) await turn();
    }
    await turn();
    index.restore(engine, entries);
    index.floor = head.floor;
    return { ok: true, header: head };
  } catch (err) {
    return { ok: false, reason: `unreadable (${err instanceof Error ? err.message : String(err)})` };
  }
}
