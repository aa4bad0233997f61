import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The matching rowids of an FTS5 query, read on a worker thread with its own read-only connection
 * (WAL: it sees every committed write). For a word in most of a million articles FTS5 reads a
 * doclist of hundreds of thousands of entries in one statement — a quarter of a second or more
 * that would hold up every interaction on the event loop. The worker never writes, and never
 * reads an article's text (FTS5 returns rowids without the content view, whose functions only the
 * main connection has: called here they throw).
 */
const SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
for (const f of ['newsdesk_fts_text', 'newsdesk_fts_list']) db.function(f, () => { throw new Error(f + ' is not available to the match reader'); });
const all = db.prepare("SELECT group_concat(rowid, ',') AS s FROM articles_fts WHERE articles_fts MATCH ?");
const above = db.prepare("SELECT group_concat(rowid, ',') AS s FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? ORDER BY rowid DESC)");
parentPort.on('message', (m) => {
  if (m.close) {
    try { db.close(); } finally { parentPort.postMessage({ closed: true }); parentPort.close(); }
    return;
  }
  try {
    const r = m.fromSeq ? above.get(m.match, m.fromSeq) : all.get(m.match);
    parentPort.postMessage({ id: m.id, seqs: r.s });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
});
parentPort.postMessage({ ready: true });
`;

type Reply = { ready: true } | { closed: true } | { id: number; seqs: string | null } | { id: number; error: string };

export class MatchReader {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (s: string | null) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failed: Error | null = null;
  private closing: Promise<void> | null = null;

  constructor(path: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(SOURCE, { eval: true, workerData: { path, driver } });
    this.worker.unref();
    this.worker.on('message', (m: Reply) => {
      if ('ready' in m || 'closed' in m) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in m) p.reject(new Error(`full-text match failed: ${m.error}`));
      else p.resolve(m.seqs);
    });
    const fail = (err: Error) => {
      this.failed = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', (err) => fail(new Error(`full-text match reader crashed: ${err.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`full-text match reader exited (code ${code})`)));
  }

  /** True while the reader can answer (a crashed one leaves counting to the main connection). */
  get usable(): boolean {
    return this.failed === null && this.closing === null;
  }

  /** The rowids matching an FTS5 expression, comma-separated (null: none), those ≥ fromSeq when given. */
  rowids(match: string, fromSeq?: number): Promise<string | null> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, match, ...(fromSeq ? { fromSeq } : {}) });
    });
  }

  /** Closes the reader's connection (before the store's files may be removed). */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = this.failed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          // Held until it has exited: an idle (unref'd) worker would let the process end first.
          this.worker.ref();
          this.worker.once('exit', () => resolve());
          this.worker.on('message', (m: Reply) => {
            if ('closed' in m) void this.worker.terminate();
          });
          this.worker.postMessage({ close: true });
        });
    return this.closing;
  }
}
