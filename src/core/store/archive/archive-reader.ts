import { Worker } from 'node:worker_threads';
import { TS_WORKER_BOOTSTRAP, tsxApiUrl } from '../../ts-worker.ts';
import { ARCHIVE_READER_FLAG, type ReaderReply, type ReaderRequest } from './archive-reader-worker.ts';
import type { TextFilters, TextPage, TextQuery, TextSearchOptions } from '../types.ts';

/** Answer of a request the thread dropped because its deadline had passed. */
export class ReaderSkipped extends Error {
  override readonly name = 'ReaderSkipped';
}

interface Pending {
  resolve: (page: TextPage) => void;
  reject: (err: Error) => void;
}

/**
 * The SQLite archive tier's search on a thread of its own, over a second, read-only connection
 * (WAL lets it read while the main connection writes). better-sqlite3 is synchronous: on the
 * main thread an archive search holds the event loop for as long as it runs, and every server's
 * interactions wait (see docs/security.md for what hostile queries cost). The same code runs
 * there (`SqliteStore.searchText`), so answers are the same.
 *
 * Until the thread has started (it loads tsx and the store code), `ready` is false and callers
 * search on their own connection; a thread that fails to start or dies is not restarted: the
 * callers go on without it.
 */
export class ArchiveReader {
  private worker: Worker | null;
  private started = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly whenReady: Promise<boolean>;

  constructor(path: string) {
    this.worker = new Worker(TS_WORKER_BOOTSTRAP, {
      eval: true,
      workerData: { tsxApi: tsxApiUrl(), entry: new URL('./archive-reader-worker.ts', import.meta.url).href, [ARCHIVE_READER_FLAG]: true, path },
    });
    // An idle reader never keeps the process alive; one with a search in flight does.
    this.worker.unref();
    this.whenReady = new Promise<boolean>((resolve) => {
      const w = this.worker!;
      w.on('message', (msg: ReaderReply | { bootError: string }) => {
        if ('bootError' in msg) return this.fail(`archive reader did not start: ${msg.bootError}`, resolve);
        if ('ready' in msg) {
          this.started = true;
          return resolve(true);
        }
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (this.pending.size === 0) w.unref();
        if ('page' in msg) p.resolve(msg.page);
        else if ('skipped' in msg) p.reject(new ReaderSkipped('the search was dropped: its time budget ran out while it waited'));
        else p.reject(new Error(msg.error));
      });
      w.on('error', (err) => this.fail(`archive reader failed: ${err.message}`, resolve));
      w.on('exit', () => this.fail('archive reader stopped', resolve));
    });
  }

  /** True once the thread serves searches. */
  get ready(): boolean {
    return this.started && this.worker !== null;
  }

  /** Resolves when the thread serves searches (true) or will not (false). */
  whenStarted(): Promise<boolean> {
    return this.whenReady;
  }

  /** Runs `SqliteStore.searchText` on the thread. */
  search(query: TextQuery, filters: TextFilters, opts: TextSearchOptions, denseMinMatches: number): Promise<TextPage> {
    const worker = this.worker;
    if (!worker || !this.started) return Promise.reject(new Error('archive reader not running'));
    const id = this.nextId++;
    return new Promise<TextPage>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, query, filters, opts, denseMinMatches } satisfies ReaderRequest);
    });
  }

  /** Stops the thread after it closes its connection; searches still waiting fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.started = false;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    // A thread busy with a long search would answer 'close' only after it: it is stopped instead.
    const timer = setTimeout(() => void worker.terminate(), 1_000);
    await exited;
    clearTimeout(timer);
    for (const p of this.pending.values()) p.reject(new Error('archive reader closed'));
    this.pending.clear();
  }

  private fail(message: string, resolveReady: (ok: boolean) => void): void {
    const worker = this.worker;
    this.worker = null;
    this.started = false;
    resolveReady(false);
    if (worker) void worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }
}
