import { ArchiveReader, ReaderSkipped } from './archive/archive-reader.ts';
import type { AsyncStore } from './async-store.ts';
import type { SqliteStore } from './sqlite-store.ts';
import { MatchReader } from './archive/sqlite-matches.ts';
import type { IngestItem, IngestResult, TextFilters, TextPage, TextQuery, TextSearchOptions } from './types.ts';
import type { TextCountOptions, TextCounts } from './archive/text-counts.ts';

/** Runs async jobs one at a time: a transaction's awaits must not let another caller's statements into it. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}

interface Shared {
  store: SqliteStore;
  queue: Queue;
  locks: Set<string>;
  /** Counting's full-text reads off the event loop (a file store only; started at the first count). */
  matches?: MatchReader | null;
  /** The archive tier's searches off the main thread (a file store; see ArchiveReader), started at the first search. */
  reader: { path: string; thread: ArchiveReader | null } | null;
}

/**
 * The SQLite store behind the asynchronous contract, so callers written for {@link AsyncStore}
 * run unchanged on the single-process default. Calls are serialised through one queue, and a
 * transaction holds the queue until it commits, because one SQLite connection cannot keep another
 * caller's statements out of an open transaction. `searchText` is the store's own archive-tier
 * search (FTS5); with `reader` (a file store only) it runs on the archive reader's thread once
 * that has started (at the first search: a store nobody searches costs no thread), so a long
 * archive search does not hold the event loop.
 */
export function fromSqlite(store: SqliteStore, opts: { reader?: boolean } = {}): SqliteAsyncStore {
  const reader = opts.reader && store.path !== ':memory:' ? { path: store.path, thread: null } : null;
  return new SqliteAsyncStore({ store, queue: new Queue(), locks: new Set(), reader }, false);
}

/**
 * The AsyncStore methods SqliteStore answers as they are: each becomes one synchronous call made
 * in the queue's turn (see SqliteAsyncStore.call). Adding a store method means adding its name
 * here; the compiler checks the synchronous signature against AsyncStore's.
 */
const QUEUED = [
  'createSource', 'getSource', 'findSourceByUrl', 'listSources', 'allSources', 'followersOf', 'updateSource',
  'deleteSource', 'dueSources', 'claimDueSources', 'releaseSource', 'claimOutbox', 'recordFetch',
  'fetchHistory', 'hasArticleKey', 'getArticle', 'articleMeta', 'scanArticles', 'countArticles',
  'countBySource', 'maxSeq', 'newArticles', 'articlesAfterSeq', 'latestArticles', 'pendingFullText',
  'sourcesWithPendingFullText', 'setFullText', 'recordFullTextFailure', 'resetFullTextFailures',
  'fullTextCoverage', 'sourceIdsForGuild', 'sourcesForGuild', 'createSubscription', 'getSubscription',
  'listSubscriptions', 'deleteSubscription', 'createAlert', 'getAlert', 'listAlerts', 'deleteAlert',
  'alertsForSource', 'pauseAlert', 'resumeAlert', 'countAlert', 'setAlertIdentityNote',
  'postedToChannelSince', 'outboxBacklog', 'pendingPostsForChannel', 'claimChannelItems', 'enqueueDigest',
  'enqueueAlerts', 'enqueueOutbox', 'pendingOutbox', 'getOutbox', 'listOutbox', 'markSending', 'markPosted',
  'markAttemptFailed', 'deferOutbox', 'getMeta', 'setMeta', 'listVersions', 'articleState', 'vanishedItems',
  'markGoneChecked', 'markDeleted', 'maxVersionId', 'changesAfter', 'createChangeAlert', 'listChangeAlerts',
  'deleteChangeAlert', 'enqueueChangeAlerts', 'scanDerived', 'setSpeakers', 'setStorySignatures',
  'setStoryIds', 'storyMembers', 'termFrequencies', 'countFromSeq', 'articlesGeneration', 'maintainArchive',
  'hotFloorSeq', 'prepareTextCounts',
] as const satisfies ReadonlyArray<keyof AsyncStore & keyof SqliteStore>;
type Queued = (typeof QUEUED)[number];

/** A synchronous object's methods as promises of their results. */
type Promised<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never };

// The queued methods are installed on the prototype below; this declares them to the compiler.
export interface SqliteAsyncStore extends Promised<Pick<SqliteStore, Queued>> {}

export class SqliteAsyncStore implements AsyncStore {
  readonly kind = 'sqlite' as const;
  private readonly store: SqliteStore;

  static {
    for (const name of QUEUED) {
      Object.defineProperty(SqliteAsyncStore.prototype, name, {
        value(this: SqliteAsyncStore, ...args: unknown[]): Promise<unknown> {
          const store = this.store;
          return this.call(() => (store[name] as (...a: unknown[]) => unknown).apply(store, args));
        },
        writable: true,
        configurable: true,
      });
    }
  }

  constructor(
    private readonly shared: Shared,
    private readonly inTx: boolean,
  ) {
    this.store = shared.store;
  }

  /** Runs a synchronous store call in turn (or at once inside our own transaction). */
  private call<T>(fn: () => T): Promise<T> {
    if (this.inTx) return Promise.resolve().then(fn);
    return this.shared.queue.run(async () => fn());
  }

  schemaVersion(): Promise<number> {
    return this.call(() => this.store.schemaVersion);
  }

  /** Closes the database (idempotent; a transaction's handle leaves it to its owner). */
  async close(): Promise<void> {
    if (this.inTx) return;
    await this.shared.matches?.close();
    const reader = this.shared.reader;
    if (reader) {
      const thread = reader.thread;
      // No thread is started once closing began.
      this.shared.reader = null;
      await thread?.close();
    }
    return this.call(() => this.store.close());
  }

  /** The archive reader's thread, started now if it was not (null: this store has none). */
  private readerThread(): ArchiveReader | null {
    const reader = this.shared.reader;
    if (!reader) return null;
    reader.thread ??= new ArchiveReader(reader.path);
    return reader.thread;
  }

  /** Starts the archive reader if there is one; resolves once it serves searches (true), or when there is none (false). */
  readerReady(): Promise<boolean> {
    return this.readerThread()?.whenStarted() ?? Promise.resolve(false);
  }

  transaction<T>(fn: (tx: AsyncStore) => Promise<T>): Promise<T> {
    if (this.inTx) return fn(this);
    return this.shared.queue.run(async () => {
      const db = this.store.db;
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(new SqliteAsyncStore(this.shared, true));
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  /** One process: a job lock only keeps overlapping runs of the same job apart. */
  async tryLock(name: string): Promise<(() => Promise<void>) | null> {
    if (this.shared.locks.has(name)) return null;
    this.shared.locks.add(name);
    return async () => void this.shared.locks.delete(name);
  }
  /** One process: every article change is made here, so there is nothing to hear about. */
  async onArticles(): Promise<() => Promise<void>> {
    return async () => {};
  }

  async ingest(
    sourceId: string,
    items: IngestItem[],
    opts: { announce: boolean; after?: (r: IngestResult, tx: AsyncStore) => Promise<void> | void },
  ): Promise<IngestResult> {
    const after = opts.after;
    if (!after) return this.call(() => this.store.ingest(sourceId, items, { announce: opts.announce }));
    return this.transaction(async (tx) => {
      const r = this.store.ingest(sourceId, items, { announce: opts.announce });
      await after(r, tx);
      return r;
    });
  }
  cachedArticle(id: string) {
    return this.store.getArticle(id);
  }

  searchText(query: TextQuery, filters: TextFilters, opts: TextSearchOptions): Promise<TextPage> {
    const reader = this.inTx ? null : this.readerThread();
    if (!reader?.ready) return this.call(() => this.store.searchText(query, filters, opts));
    // Sent in turn, so the writes queued before it have committed when the thread reads; the queue
    // is not held while the thread searches (a WAL reader does not block the writer, nor it).
    const sent = this.shared.queue.run(async () => ({ page: reader.search(query, filters, opts, this.store.denseMinMatches) }));
    return sent.then(({ page }) =>
      page.catch((err: unknown) => {
        if (err instanceof ReaderSkipped) throw err;
        // The thread is gone: this connection answers, as before it started.
        return this.call(() => this.store.searchText(query, filters, opts));
      }),
    );
  }

  /**
   * The matching rowids come from the match reader's thread (FTS5 reads a common word's whole
   * doclist in one statement); only counting them against the facets runs here. Inside a
   * transaction, or for an in-memory store, all of it runs on this connection.
   */
  async countText(query: TextQuery | null, filters: TextFilters, opts: TextCountOptions): Promise<TextCounts> {
    const reader = query && !this.inTx ? this.matchReader() : null;
    if (!query || !reader) return this.call(() => this.store.countText(query, filters, opts));
    const match = this.store.textMatch(query);
    if (!match) return { rows: [], total: 0, first: null };
    const floor = await this.call(() => this.store.countFloor(filters));
    let seqs: string | null;
    try {
      seqs = await reader.rowids(match, floor || undefined);
    } catch {
      // A reader that failed (it says why once; `usable` turns false) leaves counting to this connection.
      return this.call(() => this.store.countText(query, filters, opts));
    }
    if (seqs === null) return { rows: [], total: 0, first: null };
    return this.call(() => this.store.countMatches(seqs, filters, opts));
  }

  private matchReader(): MatchReader | null {
    if (this.shared.matches === undefined) this.shared.matches = this.store.path === ':memory:' ? null : new MatchReader(this.store.path);
    return this.shared.matches?.usable ? this.shared.matches : null;
  }
}
