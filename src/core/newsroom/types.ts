import type { Article } from '../article.ts';
import type { Clock, Log } from '../deps.ts';
import type { Excerpt, TermSpec } from '../excerpt.ts';
import type { Quotation } from '../quotes/index.ts';
import type { ParsedQuery } from '../search/query.ts';
import type { RelevanceWeights } from '../search/relevance.ts';
import type { AsyncStore } from '../store/async-store.ts';
import type { Telemetry } from '../telemetry/index.ts';

/** Where a request comes from: each Discord server (the console is one local server) sees the seeds plus its own sources. */
export interface Scope {
  guildId: string;
}

/** What the newsroom needs from the store of record (either store, through {@link AsyncStore}). */
export type ArticleStore = Pick<
  AsyncStore,
  | 'getArticle' | 'cachedArticle' | 'sourceIdsForGuild' | 'sourcesForGuild' | 'countArticles' | 'scanArticles' | 'scanDerived' | 'setStorySignatures' | 'setSpeakers' | 'listVersions'
  | 'setStoryIds' | 'storyMembers' | 'articleState' | 'articleMeta' | 'maxSeq' | 'searchText' | 'termFrequencies' | 'articlesGeneration' | 'hotFloorSeq' | 'countFromSeq' | 'maintainArchive'
>;

/** How search is organised; see docs/architecture.md and docs/performance.md. */
export interface SearchOptions {
  /**
   * 'tiered' (default): MiniSearch over the hot window plus the store's full-text index over the
   * whole archive. 'minisearch': every article in MiniSearch (the earlier design, kept as a
   * benchmark baseline).
   */
  design?: 'tiered' | 'minisearch';
  /** Hot window: articles first seen in the last `hotDays` days, at most the newest `hotMaxArticles`. */
  hotDays?: number;
  hotMaxArticles?: number;
  /** Where the hot tier's snapshot is kept (none when null/undefined). */
  snapshotPath?: string | null;
  /** Query expansion (related words from WordNet, feedback from the first results) when the typed words find too little; default on. */
  expansion?: boolean;
  /** Where WordNet's parsed form is cached between runs, besides a copy in the OS temporary folder (null: not cached). */
  wordnetCache?: string | null;
  /** Overrides of the expanded ranking's weights (the relevance script's experiments). */
  relevanceWeights?: Partial<RelevanceWeights>;
  /** How long one search may wait for the archive tier before answering with what it has (ms). */
  budgetMs?: number;
}

export const DEFAULT_HOT_DAYS = 90;
export const DEFAULT_HOT_MAX_ARTICLES = 20_000;

export interface NewsroomDeps {
  store: ArticleStore;
  clock: Clock;
  log: Log;
  search?: SearchOptions;
  /**
   * Which articles the in-memory index holds (a shard: what its servers can see); the archive tier
   * answers for the rest as always. Default: every article.
   */
  keep?: (article: Article) => boolean;
  /** How many of the newest articles a new report can be linked to as the same story (default: the story index's). */
  storyLinkWindow?: number;
  /** Search latency for operators (METRICS_PORT). */
  telemetry?: Telemetry;
}

export interface SearchRequest {
  query: string;
  /** A source id or an outlet name. */
  source?: string;
  since?: string;
  until?: string;
  /** 0-based page number. */
  page?: number;
}

/** The other reports of a result's story (the same news from other outlets). */
export interface StorySummary {
  id: string;
  /** Visible reports in the story, this one included. */
  reports: number;
  /** Outlets of the other reports, earliest first, without this report's outlet. */
  otherOutlets: string[];
}

export interface SearchResultItem {
  story?: StorySummary;
  rank: number;
  article: Article;
  excerpt: Excerpt;
  allTerms: boolean;
  terms: TermSpec[];
  /** When the article left its feed and its page is gone (see /changes); absent while it stands. */
  deletedAt?: string;
  /** Related words (query expansion) that decided this result: "also matched: born, police". */
  alsoMatched?: string[];
}

export interface SearchResults {
  query: ParsedQuery;
  items: SearchResultItem[];
  total: number;
  /** The total is an estimate (large phrase searches). */
  approximate: boolean;
  page: number;
  pageCount: number;
  pageSize: number;
  /** "Did you mean" completions when nothing matched. */
  suggestions: string[];
  /**
   * Names and short words that matched nothing as typed, and the forms searched instead ("No
   * results for bold — showing told"); absent when every word matched as typed.
   */
  respelled?: Array<{ typed: string; shown: string[] }>;
  /** When nothing matched only because of the source or date filters: how many match without them. */
  withoutFilters?: number;
  /** Set when the search's time budget ran out: the results are what was found by then ("stopped after 3 s"). */
  stopped?: string;
  filters: { source?: string; sourceLabel?: string; since?: Date; until?: Date };
}

export interface QuoteResult {
  article: Article;
  quote: Quotation & { covered: number; marked: string };
}

export interface Stats {
  articles: number;
  sources: number;
  indexed: number;
  indexTerms: number;
  loading: { done: number; total: number } | null;
}

export const PAGE_SIZE = 5;
/**
 * Pages a search serves: a page deep in a huge result set costs the ranking of everything above
 * it (page 5,000 of a common word is 25,000 ranked hits); past this, narrowing the search is the
 * better answer.
 */
export const MAX_PAGES = 50;
/** Articles read from the store per query during a rebuild. */
export const SCAN_CHUNK = 200;
