import type { SourcesStore } from './sources/sources.ts';
import type { ArticlesStore } from './articles/articles.ts';
import type { FullTextStore } from './fulltext/fulltext.ts';
import type { VersionsStore } from './articles/versions.ts';
import type { AlertsStore } from './alerts/alerts.ts';
import type { DigestsStore } from './digests/digests.ts';
import type { OutboxStore } from './outbox/outbox.ts';
import type { DerivedStore } from './derived/derived.ts';
import type { MetaStore } from './meta/meta.ts';
import type { ArchiveStore } from './archive/archive.ts';

export type { SourcePatch, Lease } from './sources/sources.ts';
export type { ArticleChange } from './articles/articles.ts';
export type { SourcesStore, ArticlesStore, FullTextStore, VersionsStore, AlertsStore, DigestsStore, OutboxStore, DerivedStore, MetaStore, ArchiveStore };

/** What every store is besides its aggregates: its engine, schema, lifetime and transactions. */
export interface StoreBase {
  readonly kind: 'sqlite' | 'postgres';
  /** How many schema migrations have been applied. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection: every call made through `tx` commits together
   * or, when `fn` throws, not at all. Inside a transaction, `transaction` just runs `fn`.
   */
  transaction<T>(fn: (tx: AsyncStore) => Promise<T>): Promise<T>;
  /**
   * Starts the store's archive reader thread if it has one (SQLite); resolves true once it serves
   * searches, false when there is none or it did not start.
   */
  readerReady?(): Promise<boolean>;
}

/**
 * The store of record as an asynchronous contract, so the same callers run on SQLite (one
 * process, the default) and on PostgreSQL (scale-out, `DATABASE_URL`). It is the composition of one
 * interface per aggregate (sources/, articles/, alerts/, …); the contract tests under test/store/
 * hold both backends to it.
 *
 * Times are ISO-8601 UTC strings with milliseconds (`Date#toISOString()`), the form the bot
 * writes; `Article.publishedAt` is kept verbatim as the feed gave it.
 */
export interface AsyncStore
  extends StoreBase, SourcesStore, ArticlesStore<AsyncStore>, FullTextStore, VersionsStore, AlertsStore, DigestsStore, OutboxStore, DerivedStore, MetaStore, ArchiveStore {}
