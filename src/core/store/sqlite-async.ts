import { ArchiveReader, ReaderSkipped } from './archive-reader.ts';
import type { AsyncStore, Lease, SourcePatch } from './async-store.ts';
import type { SqliteStore } from './sqlite-store.ts';
import { MatchReader } from './sqlite-matches.ts';
import type {
  ChangeAlertRow,
  FetchAttempt,
  IngestItem,
  IngestResult,
  NewAlert,
  NewOutbox,
  NewSource,
  SubscriptionRow,
  TextFilters,
  TextPage,
  TextQuery,
  TextSearchOptions, ArticleSpeakers
} from './types.ts';
import type { TextCountOptions, TextCounts } from './text-counts.ts';

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

export class SqliteAsyncStore implements AsyncStore {
  readonly kind = 'sqlite' as const;
  private readonly store: SqliteStore;

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

  createSource(s: NewSource) {
    return this.call(() => this.store.createSource(s));
  }
  getSource(id: string) {
    return this.call(() => this.store.getSource(id));
  }
  findSourceByUrl(guildId: string, url: string) {
    return this.call(() => this.store.findSourceByUrl(guildId, url));
  }
  listSources(guildId: string) {
    return this.call(() => this.store.listSources(guildId));
  }
  allSources() {
    return this.call(() => this.store.allSources());
  }
  followersOf(id: string) {
    return this.call(() => this.store.followersOf(id));
  }
  updateSource(id: string, patch: SourcePatch) {
    return this.call(() => this.store.updateSource(id, patch));
  }
  deleteSource(id: string) {
    return this.call(() => this.store.deleteSource(id));
  }
  dueSources(now: Date, limit: number) {
    return this.call(() => this.store.dueSources(now, limit));
  }
  claimDueSources(now: Date, limit: number, lease: Lease) {
    return this.call(() => this.store.claimDueSources(now, limit, lease));
  }
  releaseSource(sourceId: string, owner: string) {
    return this.call(() => this.store.releaseSource(sourceId, owner));
  }
  claimOutbox(now: Date, limit: number, lease: Lease) {
    return this.call(() => this.store.claimOutbox(now, limit, lease));
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
  recordFetch(sourceId: string, attempt: FetchAttempt) {
    return this.call(() => this.store.recordFetch(sourceId, attempt));
  }
  fetchHistory(sourceId: string, limit: number) {
    return this.call(() => this.store.fetchHistory(sourceId, limit));
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
  hasArticleKey(sourceId: string, dedupeKey: string) {
    return this.call(() => this.store.hasArticleKey(sourceId, dedupeKey));
  }
  getArticle(id: string) {
    return this.call(() => this.store.getArticle(id));
  }
  cachedArticle(id: string) {
    return this.store.getArticle(id);
  }
  articleMeta(id: string) {
    return this.call(() => this.store.articleMeta(id));
  }
  scanArticles(afterSeq: number, limit: number) {
    return this.call(() => this.store.scanArticles(afterSeq, limit));
  }
  countArticles(sourceIds?: Iterable<string>) {
    return this.call(() => this.store.countArticles(sourceIds));
  }
  countBySource() {
    return this.call(() => this.store.countBySource());
  }
  maxSeq() {
    return this.call(() => this.store.maxSeq());
  }
  newArticles(sourceIds: Iterable<string>, range: { fromExclusive: string; toInclusive: string }, limit?: number) {
    return this.call(() => this.store.newArticles(sourceIds, range, limit));
  }
  articlesAfterSeq(sourceIds: Iterable<string>, afterSeq: number, uptoSeq: number, limit?: number) {
    return this.call(() => this.store.articlesAfterSeq(sourceIds, afterSeq, uptoSeq, limit));
  }
  latestArticles(sourceId: string, limit: number) {
    return this.call(() => this.store.latestArticles(sourceId, limit));
  }

  pendingFullText(sourceId: string, maxAttempts: number, limit: number) {
    return this.call(() => this.store.pendingFullText(sourceId, maxAttempts, limit));
  }
  sourcesWithPendingFullText(maxAttempts: number) {
    return this.call(() => this.store.sourcesWithPendingFullText(maxAttempts));
  }
  setFullText(id: string, body: string[], byline: string | null, image: string | null = null) {
    return this.call(() => this.store.setFullText(id, body, byline, image));
  }
  recordFullTextFailure(id: string, error: string) {
    return this.call(() => this.store.recordFullTextFailure(id, error));
  }
  resetFullTextFailures(sourceId: string) {
    return this.call(() => this.store.resetFullTextFailures(sourceId));
  }
  fullTextCoverage(sourceId: string, maxAttempts: number) {
    return this.call(() => this.store.fullTextCoverage(sourceId, maxAttempts));
  }

  sourceIdsForGuild(guildId: string) {
    return this.call(() => this.store.sourceIdsForGuild(guildId));
  }
  sourcesForGuild(guildId: string) {
    return this.call(() => this.store.sourcesForGuild(guildId));
  }

  createSubscription(s: Omit<SubscriptionRow, 'id' | 'createdAt'>) {
    return this.call(() => this.store.createSubscription(s));
  }
  getSubscription(id: string) {
    return this.call(() => this.store.getSubscription(id));
  }
  listSubscriptions(guildId?: string) {
    return this.call(() => this.store.listSubscriptions(guildId));
  }
  deleteSubscription(id: string) {
    return this.call(() => this.store.deleteSubscription(id));
  }
  createAlert(a: NewAlert) {
    return this.call(() => this.store.createAlert(a));
  }
  getAlert(id: string) {
    return this.call(() => this.store.getAlert(id));
  }
  listAlerts(guildId?: string) {
    return this.call(() => this.store.listAlerts(guildId));
  }
  deleteAlert(id: string) {
    return this.call(() => this.store.deleteAlert(id));
  }
  alertsForSource(sourceId: string) {
    return this.call(() => this.store.alertsForSource(sourceId));
  }
  pauseAlert(id: string, reason: string, error: string | null) {
    return this.call(() => this.store.pauseAlert(id, reason, error));
  }
  resumeAlert(id: string) {
    return this.call(() => this.store.resumeAlert(id));
  }
  countAlert(id: string, field: 'delivered' | 'skipped' | 'failed', by: number, extra?: { lastError?: string | null; deliveredAt?: string }) {
    return this.call(() => this.store.countAlert(id, field, by, extra));
  }
  setAlertIdentityNote(id: string, note: string | null) {
    return this.call(() => this.store.setAlertIdentityNote(id, note));
  }
  postedToChannelSince(channelId: string, since: Date) {
    return this.call(() => this.store.postedToChannelSince(channelId, since));
  }
  outboxBacklog() {
    return this.call(() => this.store.outboxBacklog());
  }
  pendingPostsForChannel(channelId: string) {
    return this.call(() => this.store.pendingPostsForChannel(channelId));
  }
  claimChannelItems(channelId: string, keys: string[]) {
    return this.call(() => this.store.claimChannelItems(channelId, keys));
  }

  enqueueDigest(subscriptionId: string, windowEnd: string, row: NewOutbox | null) {
    return this.call(() => this.store.enqueueDigest(subscriptionId, windowEnd, row));
  }
  enqueueAlerts(alertId: string, lastSeq: number, rows: NewOutbox[]) {
    return this.call(() => this.store.enqueueAlerts(alertId, lastSeq, rows));
  }
  enqueueOutbox(row: NewOutbox) {
    return this.call(() => this.store.enqueueOutbox(row));
  }
  pendingOutbox(now: Date, limit: number) {
    return this.call(() => this.store.pendingOutbox(now, limit));
  }
  getOutbox(id: number) {
    return this.call(() => this.store.getOutbox(id));
  }
  listOutbox(filter?: { kind?: string; refId?: string }) {
    return this.call(() => this.store.listOutbox(filter));
  }
  markSending(id: number) {
    return this.call(() => this.store.markSending(id));
  }
  markPosted(id: number, messageId: string) {
    return this.call(() => this.store.markPosted(id, messageId));
  }
  markAttemptFailed(id: number, error: string, retryAt: Date | null) {
    return this.call(() => this.store.markAttemptFailed(id, error, retryAt));
  }
  deferOutbox(id: number, until: Date) {
    return this.call(() => this.store.deferOutbox(id, until));
  }

  getMeta(key: string) {
    return this.call(() => this.store.getMeta(key));
  }
  setMeta(key: string, value: string) {
    return this.call(() => this.store.setMeta(key, value));
  }

  listVersions(articleId: string) {
    return this.call(() => this.store.listVersions(articleId));
  }
  articleState(id: string) {
    return this.call(() => this.store.articleState(id));
  }
  vanishedItems(sourceId: string, presentKeys: ReadonlySet<string>, seenSince: string, limit: number) {
    return this.call(() => this.store.vanishedItems(sourceId, presentKeys, seenSince, limit));
  }
  markGoneChecked(id: string) {
    return this.call(() => this.store.markGoneChecked(id));
  }
  markDeleted(id: string) {
    return this.call(() => this.store.markDeleted(id));
  }
  maxVersionId() {
    return this.call(() => this.store.maxVersionId());
  }
  changesAfter(sourceIds: Iterable<string>, afterId: number, uptoId: number, limit?: number) {
    return this.call(() => this.store.changesAfter(sourceIds, afterId, uptoId, limit));
  }
  createChangeAlert(a: Omit<ChangeAlertRow, 'id' | 'createdAt'>) {
    return this.call(() => this.store.createChangeAlert(a));
  }
  listChangeAlerts(guildId?: string) {
    return this.call(() => this.store.listChangeAlerts(guildId));
  }
  deleteChangeAlert(id: string) {
    return this.call(() => this.store.deleteChangeAlert(id));
  }
  enqueueChangeAlerts(alertId: string, lastVersionId: number, rows: NewOutbox[]) {
    return this.call(() => this.store.enqueueChangeAlerts(alertId, lastVersionId, rows));
  }
  scanDerived(afterSeq: number, limit: number) {
    return this.call(() => this.store.scanDerived(afterSeq, limit));
  }
  setSpeakers(rows: Iterable<[articleId: string, speakers: ArticleSpeakers]>) {
    return this.call(() => this.store.setSpeakers(rows));
  }
  setStorySignatures(sigs: Iterable<[articleId: string, sig: Uint8Array, entities?: Uint8Array]>) {
    return this.call(() => this.store.setStorySignatures(sigs));
  }
  setStoryIds(assignments: Iterable<[articleId: string, storyId: string]>) {
    return this.call(() => this.store.setStoryIds(assignments));
  }
  storyMembers(storyId: string, limit?: number) {
    return this.call(() => this.store.storyMembers(storyId, limit));
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

  termFrequencies(terms: readonly string[]): Promise<Map<string, number>> {
    return this.call(() => this.store.termFrequencies(terms));
  }
  countFromSeq(fromSeq: number) {
    return this.call(() => this.store.countFromSeq(fromSeq));
  }
  articlesGeneration() {
    return this.call(() => this.store.articlesGeneration());
  }
  maintainArchive() {
    return this.call(() => this.store.maintainArchive());
  }
  hotFloorSeq(since: Date, maxArticles: number) {
    return this.call(() => this.store.hotFloorSeq(since, maxArticles));
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
  prepareTextCounts() {
    return this.call(() => this.store.prepareTextCounts());
  }
}
