import type { Article } from '../article.ts';
import { ArticleIndex } from '../search/article-index.ts';
import type { ParsedQuery } from '../search/query.ts';
import type { AsyncStore, SourcePatch, TextSearchFilters, TextSearchPage } from './async-store.ts';
import type { SqliteStore } from './sqlite-store.ts';
import type { FetchAttempt, IngestItem, IngestResult, NewAlert, NewOutbox, NewSource, SubscriptionRow } from './types.ts';

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
  /** Built on the first searchText; articles written since are re-read from the store before the next search. */
  index: ArticleIndex | null;
  stale: Set<string>;
}

/**
 * The SQLite store behind the asynchronous contract, so callers written for {@link AsyncStore}
 * run unchanged on the single-process default. Calls are serialised through one queue, and a
 * transaction holds the queue until it commits, because one SQLite connection cannot keep another
 * caller's statements out of an open transaction.
 *
 * `searchText` uses the in-memory MiniSearch index (built from the store on first use, refreshed
 * from the store for every article written through this adapter) until the SQLite archive tier
 * gives the store a text search of its own.
 */
export function fromSqlite(store: SqliteStore): AsyncStore {
  return new SqliteAsyncStore({ store, queue: new Queue(), index: null, stale: new Set() }, false);
}

class SqliteAsyncStore implements AsyncStore {
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

  private touched(articles: Iterable<{ id: string }>): void {
    for (const a of articles) this.shared.stale.add(a.id);
  }

  schemaVersion(): Promise<number> {
    return this.call(() => this.store.schemaVersion);
  }

  /** Closes the database (idempotent; a transaction's handle leaves it to its owner). */
  close(): Promise<void> {
    if (this.inTx) return Promise.resolve();
    return this.call(() => this.store.close());
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
  updateSource(id: string, patch: SourcePatch) {
    return this.call(() => this.store.updateSource(id, patch));
  }
  deleteSource(id: string) {
    return this.call(() => {
      const out = this.store.deleteSource(id);
      this.touched(out.articleIds.map((a) => ({ id: a })));
      return out;
    });
  }
  dueSources(now: Date, limit: number) {
    return this.call(() => this.store.dueSources(now, limit));
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
    const result = after
      ? await this.transaction(async (tx) => {
          const r = this.store.ingest(sourceId, items, { announce: opts.announce });
          await after(r, tx);
          return r;
        })
      : await this.call(() => this.store.ingest(sourceId, items, { announce: opts.announce }));
    this.touched(result.inserted);
    this.touched(result.updated);
    return result;
  }
  hasArticleKey(sourceId: string, dedupeKey: string) {
    return this.call(() => this.store.hasArticleKey(sourceId, dedupeKey));
  }
  getArticle(id: string) {
    return this.call(() => this.store.getArticle(id));
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
    return this.call(() => {
      const a = this.store.setFullText(id, body, byline, image);
      this.shared.stale.add(id);
      return a;
    });
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
  pendingDeliveriesForChannel(channelId: string) {
    return this.call(() => this.store.pendingDeliveriesForChannel(channelId));
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

  searchText(query: ParsedQuery, filters: TextSearchFilters, page: { offset?: number; limit?: number } = {}): Promise<TextSearchPage> {
    return this.call(() => {
      const index = this.freshIndex();
      const res = index.search(query, {
        ...(filters.visibleSources ? { visibleSources: new Set(filters.visibleSources) } : {}),
        ...(filters.since ? { since: filters.since } : {}),
        ...(filters.until ? { until: filters.until } : {}),
      }, page);
      return { hits: res.hits.map((h) => ({ id: h.id, score: h.score, allTerms: h.allTerms })), total: res.total };
    });
  }

  /** The index, built on first use and brought up to date with the articles written since. */
  private freshIndex(): ArticleIndex {
    const lookup = (id: string): Article | undefined => this.store.getArticle(id);
    let index = this.shared.index;
    if (!index) {
      index = new ArticleIndex(lookup);
      for (let after = 0; ; ) {
        const chunk = this.store.scanArticles(after, 1000);
        if (chunk.length === 0) break;
        index.addMany(chunk);
        after = chunk[chunk.length - 1]!.rowid;
      }
      this.shared.index = index;
      this.shared.stale.clear();
      return index;
    }
    for (const id of this.shared.stale) {
      const article = this.store.getArticle(id);
      const meta = article ? this.store.articleMeta(id) : undefined;
      if (article && meta) index.add(article, { firstSeenAt: meta.firstSeenAt });
      else index.remove(id);
    }
    this.shared.stale.clear();
    return index;
  }
}
