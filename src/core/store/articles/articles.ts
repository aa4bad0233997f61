import type { Article } from '../../article.ts';
import type { IngestItem, IngestResult, StoredArticle } from '../types.ts';

/** What a NOTIFY says: the newest seq stored, and articles changed in place (ids, may be cut short). */
export interface ArticleChange {
  maxSeq: number;
  updated: string[];
  /** True after a reconnect: changes may have been missed, catch up from the watermark. */
  reconnected?: boolean;
}

/**
 * Articles: each fetch's items stored through the ingest plan (see ingest-plan.ts), reads by id
 * and by seq (the full-text backfill of summary-only items: fulltext/). `Tx` is the handle `after` gets
 * inside the ingest transaction: AsyncStore (a parameter, so this file does not import
 * async-store.ts, which imports it).
 */
export interface ArticlesStore<Tx> {
  /**
   * Stores one fetch's items in one transaction as planIngest (ingest-plan.ts) decides; `after` runs inside it
   * with the transaction's handle, e.g. to record the fetch attempt.
   */
  ingest(
    sourceId: string,
    items: IngestItem[],
    opts: { announce: boolean; after?: (r: IngestResult, tx: Tx) => Promise<void> | void },
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
  countArticles(sourceIds?: Iterable<string>): Promise<number>;
  countBySource(): Promise<Map<string, number>>;
  maxSeq(): Promise<number>;
  /** Announced articles of these sources first seen in (from, to], in seq order: one digest window. */
  newArticles(sourceIds: Iterable<string>, range: { fromExclusive: string; toInclusive: string }, limit?: number): Promise<StoredArticle[]>;
  /** Announced articles of these sources with seq in (after, upto]: alert material. */
  articlesAfterSeq(sourceIds: Iterable<string>, afterSeq: number, uptoSeq: number, limit?: number): Promise<StoredArticle[]>;
  /** A source's latest articles, newest first by published (else first seen) time as text, then seq. */
  latestArticles(sourceId: string, limit: number): Promise<StoredArticle[]>;
  /**
   * Calls `fn` with the newest seq whenever another process stored or changed articles (PostgreSQL
   * LISTEN/NOTIFY; also after a reconnect, so nothing is missed). SQLite: one process, never.
   */
  onArticles(fn: (change: ArticleChange) => void): Promise<() => Promise<void>>;
}
