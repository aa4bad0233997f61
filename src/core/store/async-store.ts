import type { Article } from '../article.ts';
import type {
  AlertRow,
  ArticleVersion,
  ChangeAlertRow,
  FetchAttempt,
  FullTextCoverage,
  IngestItem,
  IngestResult,
  NewAlert,
  NewOutbox,
  NewSource,
  OutboxRow,
  SourceRow,
  StoredArticle,
  SubscriptionRow,
  TextFilters,
  TextPage,
  TextQuery,
  TextSearchOptions,
  VersionChange, DerivedRow, ArticleSpeakers,
  OutboxKind,
} from './types.ts';
import type { TextCountOptions, TextCounts } from './text-counts.ts';

/** Fields of a source that may be changed after it is created. */
export type SourcePatch = Partial<Omit<SourceRow, 'id' | 'guildId' | 'createdAt' | 'addedBy'>>;

/** A claim on work: who holds it and until when. */
export interface Lease {
  owner: string;
  until: Date;
}

/** What a NOTIFY says: the newest seq stored, and articles changed in place (ids, may be cut short). */
export interface ArticleChange {
  maxSeq: number;
  updated: string[];
  /** True after a reconnect: changes may have been missed, catch up from the watermark. */
  reconnected?: boolean;
}

/**
 * The store of record as an asynchronous contract, so the same callers run on SQLite (one
 * process, the default) and on PostgreSQL (scale-out, `DATABASE_URL`). Every method means what
 * the same-named method of `SqliteStore` means; `test/store-contract.test.ts` holds both to it.
 *
 * Times are ISO-8601 UTC strings with milliseconds (`Date#toISOString()`), the form the bot
 * writes; `Article.publishedAt` is kept verbatim as the feed gave it.
 */
export interface AsyncStore {
  readonly kind: 'sqlite' | 'postgres';
  /** How many schema migrations have been applied. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection: every call made through `tx` commits together
   * or, when `fn` throws, not at all. Inside a transaction, `transaction` just runs `fn`.
   */
  transaction<T>(fn: (tx: AsyncStore) => Promise<T>): Promise<T>;

  // sources
  createSource(s: NewSource): Promise<SourceRow>;
  getSource(id: string): Promise<SourceRow | undefined>;
  /** The guild's source whose url or feed url is `url`. */
  findSourceByUrl(guildId: string, url: string): Promise<SourceRow | undefined>;
  /** A guild's own sources (never the seeds), oldest first. */
  listSources(guildId: string): Promise<SourceRow[]>;
  allSources(): Promise<SourceRow[]>;
  /** Changes a source; fetch-state fields (validators, next poll, failures, picture) are its feed's. */
  updateSource(id: string, patch: SourcePatch): Promise<SourceRow>;
  /** Every source following the same feed as this one (itself included), oldest first. */
  followersOf(id: string): Promise<SourceRow[]>;
  /** Deletes a source with its articles and history; returns the removed article ids. */
  deleteSource(id: string): Promise<{ articleIds: string[] }>;
  /** Feeds due for a fetch, most overdue first, each as its oldest active follower (shortest interval, full text if any wants it). */
  dueSources(now: Date, limit: number): Promise<SourceRow[]>;
  recordFetch(sourceId: string, attempt: FetchAttempt): Promise<void>;
  /**
   * Claims due feeds for one process (as {@link dueSources}): each is leased to `lease.owner` until
   * `lease.until`, and no other process claims it before that (PostgreSQL: FOR UPDATE SKIP LOCKED),
   * so a feed is never fetched twice at once and a dead process's fetch is retried after expiry.
   */
  claimDueSources(now: Date, limit: number, lease: Lease): Promise<SourceRow[]>;
  /** Ends a feed's lease held by `owner` (after its fetch, whatever the outcome). */
  releaseSource(sourceId: string, owner: string): Promise<void>;
  /** Newest first. */
  fetchHistory(sourceId: string, limit: number): Promise<FetchAttempt[]>;

  // articles
  /**
   * Stores one fetch's items in one transaction (see `SqliteStore.ingest`); `after` runs inside it
   * with the transaction's handle, e.g. to record the fetch attempt.
   */
  ingest(
    sourceId: string,
    items: IngestItem[],
    opts: { announce: boolean; after?: (r: IngestResult, tx: AsyncStore) => Promise<void> | void },
  ): Promise<IngestResult>;
  hasArticleKey(sourceId: string, dedupeKey: string): Promise<boolean>;
  getArticle(id: string): Promise<Article | undefined>;
  /**
   * An article when it can be had without waiting, for the in-memory index's synchronous lookups
   * (title autocomplete, phrase checks, excerpts): SQLite reads it at once; PostgreSQL answers from
   * the articles this process read or wrote recently (undefined otherwise).
   */
  cachedArticle(id: string): Article | undefined;
  articleMeta(id: string): Promise<{ seq: number; firstSeenAt: string; announce: boolean; sourceId: string } | undefined>;
  /** Articles in seq order after `afterSeq`, for chunked index rebuilds. */
  scanArticles(afterSeq: number, limit: number): Promise<Array<{ rowid: number; article: Article; firstSeenAt: string; storySig: Uint8Array | null; storyId: string | null }>>;
  /**
   * What stories and speakers are derived from, in seq order after `afterSeq`, without the
   * articles' text: a start-up reads the text only of rows whose signature or speakers are missing.
   */
  scanDerived(afterSeq: number, limit: number): Promise<DerivedRow[]>;
  countArticles(sourceIds?: Iterable<string>): Promise<number>;
  countBySource(): Promise<Map<string, number>>;
  maxSeq(): Promise<number>;
  /** Announced articles of these sources first seen in (from, to], in seq order: one digest window. */
  newArticles(sourceIds: Iterable<string>, range: { fromExclusive: string; toInclusive: string }, limit?: number): Promise<StoredArticle[]>;
  /** Announced articles of these sources with seq in (after, upto]: alert material. */
  articlesAfterSeq(sourceIds: Iterable<string>, afterSeq: number, uptoSeq: number, limit?: number): Promise<StoredArticle[]>;
  /** A source's latest articles, newest first by published (else first seen) time as text, then seq. */
  latestArticles(sourceId: string, limit: number): Promise<StoredArticle[]>;

  // versions and deletions (src/core/changes/)
  /** The earlier versions of an article, oldest first (the article itself is the newest). */
  listVersions(articleId: string): Promise<ArticleVersion[]>;
  /** When the current version was first seen, when the item was deleted at its source, its story, and how many edits it has. */
  articleState(id: string): Promise<{ firstSeenAt: string; versionSeenAt: string; deletedAt: string | null; storyId: string | null; edits: number } | undefined>;
  /** Recent never-checked items of a source missing from its latest fetch, newest first. */
  vanishedItems(sourceId: string, presentKeys: ReadonlySet<string>, seenSince: string, limit: number): Promise<Array<{ id: string; url: string }>>;
  markGoneChecked(id: string): Promise<void>;
  /** Marks an article deleted at its source, keeping its last version with the change "deleted". */
  markDeleted(id: string): Promise<ArticleVersion | undefined>;
  maxVersionId(): Promise<number>;
  /** Stored changes with id in (afterId, uptoId] of these sources, oldest first, with the article as now. */
  changesAfter(sourceIds: Iterable<string>, afterId: number, uptoId: number, limit?: number): Promise<VersionChange[]>;
  createChangeAlert(a: Omit<ChangeAlertRow, 'id' | 'createdAt'>): Promise<ChangeAlertRow>;
  listChangeAlerts(guildId?: string): Promise<ChangeAlertRow[]>;
  deleteChangeAlert(id: string): Promise<boolean>;
  /** Files change-alert posts and raises the change alert's watermark, in one transaction. */
  enqueueChangeAlerts(alertId: string, lastVersionId: number, rows: NewOutbox[]): Promise<OutboxRow[]>;

  // stories (src/core/stories/)
  setStorySignatures(sigs: Iterable<[articleId: string, sig: Uint8Array, entities?: Uint8Array]>): Promise<void>;
  /** Stores who is quoted in each article (an edit of the text clears it until derived again). */
  setSpeakers(rows: Iterable<[articleId: string, speakers: ArticleSpeakers]>): Promise<void>;
  /** Writes the story ids that changed; returns how many did. */
  setStoryIds(assignments: Iterable<[articleId: string, storyId: string]>): Promise<number>;
  /** Every article of a story, earliest report first (published time, else first seen). */
  storyMembers(storyId: string, limit?: number): Promise<StoredArticle[]>;

  // full text backfill
  pendingFullText(sourceId: string, maxAttempts: number, limit: number): Promise<Array<{ id: string; url: string }>>;
  sourcesWithPendingFullText(maxAttempts: number): Promise<string[]>;
  /** Stores a page's text; byline and picture only fill what the feed left empty. */
  setFullText(id: string, body: string[], byline: string | null, image?: string | null): Promise<Article | undefined>;
  recordFullTextFailure(id: string, error: string): Promise<void>;
  resetFullTextFailures(sourceId: string): Promise<void>;
  fullTextCoverage(sourceId: string, maxAttempts: number): Promise<FullTextCoverage>;

  // newsroom view
  sourceIdsForGuild(guildId: string): Promise<string[]>;
  /** A guild's sources (the seeds first) with the feed each follows and its article count. */
  sourcesForGuild(guildId: string): Promise<Array<{ id: string; feedId: string; name: string; url: string | null; articles: number }>>;

  // digests and alerts
  createSubscription(s: Omit<SubscriptionRow, 'id' | 'createdAt'>): Promise<SubscriptionRow>;
  getSubscription(id: string): Promise<SubscriptionRow | undefined>;
  listSubscriptions(guildId?: string): Promise<SubscriptionRow[]>;
  deleteSubscription(id: string): Promise<boolean>;
  createAlert(a: NewAlert): Promise<AlertRow>;
  getAlert(id: string): Promise<AlertRow | undefined>;
  listAlerts(guildId?: string): Promise<AlertRow[]>;
  deleteAlert(id: string): Promise<boolean>;

  // feed deliveries (alerts that follow one source; removed with it)
  /** The deliveries of one source, oldest first. */
  alertsForSource(sourceId: string): Promise<AlertRow[]>;
  /** Pauses a delivery and parks its pending posts; false when it was already paused. */
  pauseAlert(id: string, reason: string, error: string | null): Promise<boolean>;
  /** Resumes a delivery; its parked and failed posts become due now with their attempts reset. */
  resumeAlert(id: string): Promise<void>;
  /** Adds to a delivery's health counter; `lastError` (also null) replaces the last error when given. */
  countAlert(id: string, field: 'delivered' | 'skipped' | 'failed', by: number, extra?: { lastError?: string | null; deliveredAt?: string }): Promise<void>;
  setAlertIdentityNote(id: string, note: string | null): Promise<void>;
  /** posted_at of every post to a channel after `since`, oldest first (the channel's rate window). */
  postedToChannelSince(channelId: string, since: Date): Promise<string[]>;
  /** Delivery posts pending for a channel, not counting those parked by a pause. */
  /** Posts waiting per kind (parked ones not counted) and when the oldest of each was filed. */
  outboxBacklog(): Promise<Array<{ kind: OutboxKind; pending: number; oldestAt: string | null }>>;
  /** Posts still waiting for a channel (not parked by a pause); moderator notices do not count. */
  pendingPostsForChannel(channelId: string): Promise<number>;
  /**
   * Records that these items (article ids, change keys) were filed for a channel and returns those
   * never filed there before: an item reaches a channel once, whatever number of alerts match it.
   */
  claimChannelItems(channelId: string, keys: string[]): Promise<string[]>;

  // outbox: exactly-once posting
  /** Files a digest window's post (if any) and advances the window end, in one transaction. */
  enqueueDigest(subscriptionId: string, windowEnd: string, row: NewOutbox | null): Promise<OutboxRow | null>;
  /** Files alert posts and raises the alert's watermark, in one transaction. */
  enqueueAlerts(alertId: string, lastSeq: number, rows: NewOutbox[]): Promise<OutboxRow[]>;
  /** The same (kind, ref, window) twice — from any process — yields one row. */
  enqueueOutbox(row: NewOutbox): Promise<OutboxRow>;
  pendingOutbox(now: Date, limit: number): Promise<OutboxRow[]>;
  /** Claims due pending posts for one process until the lease expires (see {@link claimDueSources}). */
  claimOutbox(now: Date, limit: number, lease: Lease): Promise<OutboxRow[]>;
  /**
   * A cluster-wide lock for a job only one process may run at a time (digest and alert filing):
   * the release function, or null when another process holds it. A dead holder's lock is freed
   * with its connection.
   */
  tryLock(name: string): Promise<(() => Promise<void>) | null>;
  /**
   * Calls `fn` with the newest seq whenever another process stored or changed articles (PostgreSQL
   * LISTEN/NOTIFY; also after a reconnect, so nothing is missed). SQLite: one process, never.
   */
  onArticles(fn: (change: ArticleChange) => void): Promise<() => Promise<void>>;
  getOutbox(id: number): Promise<OutboxRow | undefined>;
  listOutbox(filter?: { kind?: string; refId?: string }): Promise<OutboxRow[]>;
  /** Marks a row in flight just before it is sent (sentAt). */
  markSending(id: number): Promise<void>;
  markPosted(id: number, messageId: string): Promise<void>;
  markAttemptFailed(id: number, error: string, retryAt: Date | null): Promise<void>;
  /** Moves a row's next attempt (rate limit) without counting an attempt. */
  deferOutbox(id: number, until: Date): Promise<void>;

  // meta
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  // archive tier
  /**
   * Ranked full-text search over stored articles: newest matches ranked
   * first-class, the search stops early when a query matches a large share of the archive (then
   * `total` is an estimate), so a very common word costs about as much as a rare one.
   */
  searchText(query: TextQuery, filters: TextFilters, opts: TextSearchOptions): Promise<TextPage>;
  /** Articles holding each term, exact up to TERM_COUNT_EXACT then estimated (see TERM_COUNT_EXACT in types.ts). */
  termFrequencies(terms: readonly string[]): Promise<Map<string, number>>;
  /** Articles with seq ≥ fromSeq. */
  countFromSeq(fromSeq: number): Promise<number>;
  /** Counts every change to articles (insert, update, delete); the hot-index snapshot records it. */
  articlesGeneration(): Promise<number>;
  /** The first seq of the hot window: the newest `maxArticles` (0: any number) articles first seen at or after `since`. */
  hotFloorSeq(since: Date, maxArticles: number): Promise<number>;
  /**
   * Matches of a query (every article when null) counted per interval of their date and optionally
   * per outlet or source, exactly, over the whole archive, with the earliest match (see `Store.countText`).
   */
  countText(query: TextQuery | null, filters: TextFilters, opts: TextCountOptions): Promise<TextCounts>;
  /**
   * One small step of reading what countText needs of every article ahead of the first count
   * (SQLite: dates, sources and outlets into memory); true when done. A store that reads nothing
   * ahead leaves it out.
   */
  prepareTextCounts?(): Promise<boolean>;
  /**
   * One small step of the archive index's upkeep that would otherwise run inside ingest commits
   * (SQLite: FTS5 segment merging); false when there is nothing to do. A store without such
   * upkeep leaves it out.
   */
  maintainArchive?(): Promise<boolean>;
}
