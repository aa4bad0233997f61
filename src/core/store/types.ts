import type { Article } from '../article.ts';

export type SourceKind = 'seeds' | 'rss' | 'rdf' | 'atom' | 'json' | 'page';
export type SourceStatus = 'active' | 'paused';

export interface SourceRow {
  id: string;
  guildId: string | null;
  channelId: string | null;
  addedBy: string | null;
  /** What the moderator typed (normalised). */
  url: string;
  /** The feed actually polled (discovered from a page), or the page itself for single-article sources. */
  feedUrl: string | null;
  name: string;
  kind: SourceKind;
  status: SourceStatus;
  pausedReason: string | null;
  intervalMinutes: number;
  fullText: boolean;
  etag: string | null;
  lastModified: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  nextFetchAt: string | null;
  consecutiveFailures: number;
  lastError: string | null;
}

export interface NewSource {
  guildId: string;
  channelId: string | null;
  addedBy: string | null;
  url: string;
  feedUrl: string | null;
  name: string;
  kind: SourceKind;
  intervalMinutes: number;
  fullText: boolean;
  nextFetchAt: string | null;
}

/** One fetch of a source, for `/source health` and failure counting. */
export interface FetchAttempt {
  at: string;
  durationMs: number | null;
  httpStatus: number | null;
  newItems: number;
  updatedItems: number;
  /** null on success. */
  error: string | null;
}

/**
 * Where an article's text came from: the feed carried it whole ('feed'), a fetched page ('page'),
 * only the feed's summary ('summary'), or a page fetched earlier whose item has since changed
 * ('stale': the old page text is kept until the page is fetched again).
 */
export type TextOrigin = 'feed' | 'page' | 'summary' | 'stale';

export interface IngestItem {
  article: Article;
  dedupeKey: string;
  contentHash: string;
  /** Default 'feed'. */
  textOrigin?: TextOrigin;
}

/** Full-text state of one source's articles, for `/source health`. */
export interface FullTextCoverage {
  total: number;
  /** Articles whose whole text is stored (from the feed or a fetched page). */
  complete: number;
  /** Summary-only articles with a link still to be fetched. */
  pending: number;
  /** Summary-only articles whose page failed every attempt. */
  failed: number;
  lastError: string | null;
}

export interface IngestResult {
  inserted: Article[];
  updated: Article[];
  unchanged: number;
}

export interface StoredArticle {
  seq: number;
  article: Article;
  firstSeenAt: string;
}

export interface SubscriptionRow {
  id: string;
  guildId: string;
  channelId: string;
  scheduleLabel: string;
  cron: string;
  timezone: string;
  query: string | null;
  sourceIds: string[];
  maxItems: number;
  createdBy: string;
  createdAt: string;
  lastWindowEnd: string;
}

export interface AlertRow {
  id: string;
  guildId: string;
  channelId: string;
  query: string;
  roleId: string | null;
  createdBy: string;
  createdAt: string;
  /** Articles with seq ≤ lastSeq have been considered. */
  lastSeq: number;
}

export type OutboxKind = 'digest' | 'alert' | 'notice';

export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  refId: string;
  windowKey: string;
  channelId: string;
  payload: unknown;
  nonce: string;
  status: 'pending' | 'posted' | 'failed';
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  createdAt: string;
  nextAttemptAt: string;
  postedAt: string | null;
}

export interface NewOutbox {
  kind: OutboxKind;
  refId: string;
  windowKey: string;
  channelId: string;
  payload: unknown;
  nonce: string;
}
