import type { Article } from '../article.ts';
import type { ChangeKind } from '../changes/compare.ts';
import type { TextCountOptions, TextCounts } from './archive/text-counts.ts';

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
  /** The feed's own picture (https), used as the outlet's avatar for webhook deliveries. */
  imageUrl?: string | null;
  /** The feed this source follows: its articles carry this id as `sourceId` (the seeds: 'seeds'). */
  feedId?: string;
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
  /** Updated items whose change a reader could see: an earlier version was kept. */
  changes?: Array<{ articleId: string; versionId: number; kinds: ChangeKind[] }>;
}

/** An earlier version of an article, kept when a refresh replaced it (see src/core/changes/). */
export interface ArticleVersion {
  /** Row id: increases with every version stored anywhere (change alerts use it as a watermark). */
  id: number;
  articleId: string;
  /** 1 = the first version seen. */
  version: number;
  title: string;
  byline: string | null;
  publishedAt: string | null;
  body: string[];
  url: string | null;
  /** When this version was first seen. */
  seenAt: string;
  /** When the next version (or the deletion) was seen. */
  replacedAt: string;
  /** What changed from this version to the next. */
  kinds: ChangeKind[];
  share: number;
  note: string | null;
  /**
   * The next version's text as it was compared with this one, when the page's full text has since
   * replaced it (not an edit); null while the next version's text is still the one compared.
   */
  afterBody: string[] | null;
}

/** A stored change with the article as it is now, for change alerts. */
export interface VersionChange {
  version: ArticleVersion;
  article: Article;
}

/** A channel that gets headline changes and corrections of the guild's sources. */
export interface ChangeAlertRow {
  id: string;
  guildId: string;
  channelId: string;
  createdBy: string;
  createdAt: string;
  /** Versions with id ≤ this have been considered. */
  lastVersionId: number;
}

/** Who is quoted in an article: each speaker as first written there, with their number of quotations. */
export type ArticleSpeakers = Array<[name: string, quotes: number]>;

/** What a start-up derives an article's story and speakers from, without reading its text. */
export interface DerivedRow {
  rowid: number;
  id: string;
  sourceId: string;
  title: string;
  publishedAt: string | null;
  firstSeenAt: string;
  storySig: Uint8Array | null;
  /** The entity signature stored with storySig; null for articles grouped before entities were stored. */
  storyEntities: Uint8Array | null;
  storyId: string | null;
  /** null: not derived since the text last changed (the article must be read). */
  speakers: ArticleSpeakers | null;
}

export interface StoredArticle {
  seq: number;
  article: Article;
  firstSeenAt: string;
  /** The story (near-duplicates across outlets) the article belongs to, once assigned. */
  storyId?: string | null;
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
  /** The digest carries a chart of its window's coverage by outlet (off when absent). */
  chart?: boolean;
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
  /** A delivery: the source whose new items it posts ('' query = every item that passes the filters). */
  sourceId: string | null;
  /** JSON of DeliveryFilters (src/core/alerts/filters.ts). */
  filters: string;
  template: string | null;
  /** 'outlet': post through a channel webhook named after the outlet; 'bot': as the bot. */
  identity: 'bot' | 'outlet';
  /** Why an 'outlet' delivery posts as the bot (no Manage Webhooks), shown in /alert list. */
  identityNote: string | null;
  /** Where moderators are told when the delivery pauses itself (the channel it was made in). */
  notifyChannelId: string | null;
  status: 'active' | 'paused';
  pausedReason: string | null;
  delivered: number;
  skipped: number;
  failed: number;
  lastError: string | null;
  lastDeliveredAt: string | null;
}

/** What a new alert or delivery is made of (the rest starts at its defaults). */
export interface NewAlert {
  guildId: string;
  channelId: string;
  query: string;
  roleId: string | null;
  createdBy: string;
  lastSeq: number;
  sourceId?: string | null;
  filters?: string;
  template?: string | null;
  identity?: 'bot' | 'outlet';
  notifyChannelId?: string | null;
}

export type OutboxKind = 'digest' | 'alert' | 'notice' | 'delivery';

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
  /** Set just before a send; still set on a pending row means the last attempt's outcome is unknown. */
  sentAt: string | null;
  /** The server the post is for (null for older rows): posting takes turns across servers. */
  guildId: string | null;
}

export interface NewOutbox {
  kind: OutboxKind;
  refId: string;
  windowKey: string;
  channelId: string;
  payload: unknown;
  nonce: string;
  guildId?: string | null;
}

/**
 * A query for the store's full-text search: our parsed query (tokenised terms, phrases, prefixes,
 * exclusions) plus, per term, the other forms that count as it (typo corrections and prefix
 * completions found by the in-memory tier). Stores translate it into their own engine's syntax
 * (FTS5 MATCH, PostgreSQL tsquery); user text never reaches that syntax unquoted.
 */
export interface TextQuery {
  /** Plain terms, normalised like the index. */
  terms: string[];
  /** Quoted phrases as normalised term lists. */
  phrases: string[][];
  /** -word exclusions. */
  excluded: string[];
  /** Words matched as prefixes. */
  prefixes?: string[];
  /** term → further forms matched as that term (the term itself is always included). */
  alternatives?: ReadonlyMap<string, readonly string[]>;
}

export interface TextFilters {
  /** Tenancy: only these source ids (undefined = all). */
  sourceIds?: readonly string[];
  /** A source id, or an outlet name (case-insensitive). */
  source?: string;
  /** Inclusive, on published date (first-seen date when unknown). */
  since?: Date;
  until?: Date;
  /** Only articles with fromSeq ≤ seq < toSeq: the tier boundary. */
  fromSeq?: number;
  toSeq?: number;
}

export interface TextSearchOptions {
  /** Hits wanted from the top (offset + page size of the caller). */
  limit: number;
  /** 'all' (default): every term and phrase; 'any': some but not all of them. */
  mode?: 'all' | 'any';
  /** When the caller stops waiting (epoch ms): a request still queued then need not run. */
  deadline?: number;
}

export interface TextHit {
  id: string;
  seq: number;
  /** BM25 with the index's field weights, higher is better. */
  score: number;
}

export interface TextPage {
  hits: TextHit[];
  total: number;
  /** The total is extrapolated: the newest matches were ranked, older ones only counted by estimate. */
  approximate: boolean;
}

/** Matches of a term counted exactly before its document frequency is estimated (see `AsyncStore.termFrequencies`). */
export const TERM_COUNT_EXACT = 400;

/** A claim on work: who holds it and until when. */
export interface Lease {
  owner: string;
  until: Date;
}
