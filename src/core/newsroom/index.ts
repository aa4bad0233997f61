import { performance } from 'node:perf_hooks';
import type { Article } from '../article.ts';
import { makeArticleId, SEED_SOURCE_ID } from '../article.ts';
import { parseDateOption } from '../dates.ts';
import type { Clock, Log } from '../deps.ts';
import type { Telemetry } from '../telemetry/index.ts';
import { editDistance } from '../text/edit-distance.ts';
import { escapeInline } from '../text/escape.ts';
import { tokenize } from '../text/tokenize.ts';
import { UserError } from '../errors.ts';
import { buildExcerpt, markText, type Excerpt, type TermSpec } from '../excerpt.ts';
import { findQuotations, matchQuotations, type Quotation } from '../quotes/index.ts';
import { SpeakerDirectory, speakerIs } from '../quotes/directory.ts';
import { ArticleIndex, type SearchFilters, type SearchHit, type SearchPage } from '../search/article-index.ts';
import { loadSnapshot, writeSnapshot } from '../search/hot-snapshot.ts';
import { parseQuery, type ParsedQuery } from '../search/query.ts';
import { DEFAULT_SEARCH_BUDGET_MS, type SearchMemo, TieredSearch } from '../search/tiered-search.ts';
import { Lexicon } from '../search/lexicon.ts';
import { RelevanceSearch, type RelevanceWeights } from '../search/relevance.ts';
import type { ExportRow } from '../citations/export.ts';
import { StoryIndex } from '../stories/story-index.ts';
import type { AsyncStore } from '../store/async-store.ts';
import type { ArticleSpeakers, ArticleVersion, DerivedRow, StoredArticle } from '../store/types.ts';

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

/** How search is organised; see README "Performance". */
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
/** Hits grouped into stories per search; beyond them results are listed one by one. */
const STORY_SCAN = 200;
/** Articles read per turn when deriving stories and speakers over the whole archive at start-up. */
const LOAD_CHUNK = 25;
/** Indexing work per event-loop turn: interactions wait at most about this long. */
const TURN_BUDGET_MS = 15;
/** Articles grouped into stories at once when indexing (about 0.5 ms each). */
const DERIVE_CHUNK = 8;
/** Articles read from the store per query during a rebuild. */
const SCAN_CHUNK = 200;

/** An article for stories and speakers: at start-up with what the store recorded of its story. */
interface DeriveItem {
  /** The whole article, or at start-up (stored signature) what grouping reads without the text. */
  article: Pick<Article, 'id' | 'sourceId' | 'title' | 'body' | 'publishedAt'>;
  firstSeenAt?: string | undefined;
  storySig?: Uint8Array | null;
  storyEntities?: Uint8Array | null;
  storyId?: string | null;
  /** Too old to be linked to by new reports: it only rejoins its stored story. */
  restoreOnly?: boolean;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Archive upkeep steps (16 pages each) offered after indexing `n` articles: the merging that
 * `n` articles cause (up to about 4 pages each: 4,736 steps did work over 20,000 articles in
 * fetches of 20, measured), with room to catch up.
 */
const archiveSteps = (n: number) => Math.ceil(n / 4) + 1;

/**
 * Runs `step` over `items`, `chunk` at a time, a turn budget per turn (at least one chunk each),
 * yielding to the event loop after each turn; `after` runs at the end of every turn.
 */
async function inTurns<T>(items: T[], chunk: number, step: (part: T[]) => void, after?: () => void): Promise<void> {
  let i = 0;
  while (i < items.length) {
    const until = performance.now() + TURN_BUDGET_MS;
    do {
      const part = items.slice(i, i + chunk);
      step(part);
      i += part.length;
    } while (i < items.length && performance.now() < until);
    after?.();
    await nextTurn();
  }
}

/** Adds items to the index a turn budget at a time, yielding to the event loop in between. */
function addInTurns(index: ArticleIndex, items: Array<{ article: Article; firstSeenAt?: string | undefined; seq?: number | undefined }>, after?: () => void): Promise<void> {
  return inTurns(items, 1, ([item]) => index.add(item!.article, item!), after);
}

/**
 * The facade every command calls: search with excerpts, quotes, articles and counts over the
 * store of record and the MiniSearch index derived from it.
 */
export class Newsroom {
  readonly index: ArticleIndex;
  /** Who is quoted where, derived alongside the index. */
  readonly speakers = new SpeakerDirectory();
  /** Near-duplicate grouping across outlets; rebuilt from the store at start, like the index. */
  readonly stories: StoryIndex;
  private readonly tiered: TieredSearch | null;
  /** The paraphrase layer over the tiered search (see relevance.ts). */
  private readonly relevance: RelevanceSearch | null;
  private readonly lexicon: Lexicon;
  private readonly hotDays: number;
  private readonly hotMax: number;
  private readonly searchBudgetMs: number;
  private loaded = 0;
  private loadTotal = 0;
  private ready = false;
  private snapshotting = false;
  /** The article generation of the last snapshot written or loaded (none: -1). */
  private snapshotGeneration = -1;

  constructor(private readonly deps: NewsroomDeps) {
    this.index = new ArticleIndex((id) => deps.store.cachedArticle(id));
    this.stories = new StoryIndex(undefined, deps.storyLinkWindow ? { linkWindow: deps.storyLinkWindow } : {});
    const opts = deps.search ?? {};
    this.hotDays = opts.hotDays ?? DEFAULT_HOT_DAYS;
    this.hotMax = opts.hotMaxArticles ?? DEFAULT_HOT_MAX_ARTICLES;
    this.searchBudgetMs = opts.budgetMs ?? DEFAULT_SEARCH_BUDGET_MS;
    this.tiered = (opts.design ?? 'tiered') === 'tiered' ? new TieredSearch(this.index, deps.store, () => this.ready, this.searchBudgetMs) : null;
    this.lexicon = new Lexicon({ log: deps.log, ...(opts.wordnetCache !== undefined ? { cacheFile: opts.wordnetCache } : {}) });
    const tiered = this.tiered;
    this.relevance = tiered
      ? new RelevanceSearch((q, f, p) => tiered.search(q, f, p as { offset?: number; limit?: number; memo?: SearchMemo }), deps.store, this.lexicon, { enabled: opts.expansion ?? true, ...(opts.relevanceWeights ? { weights: opts.relevanceWeights } : {}) })
      : null;
  }

  /**
   * Loads WordNet for query expansion without holding the event loop; searches run without
   * expansion until it is loaded (and in a newsroom that never calls this). Resolves when it is
   * (false: expansion off or unavailable).
   */
  async loadExpansion(): Promise<boolean> {
    if (!this.relevance?.enabled) return false;
    return (await this.lexicon.load()) !== null;
  }

  /** The injected clock's time (citations' accessed date). */
  now(): Date {
    return this.deps.clock.now();
  }

  /**
   * True once searches get full answers. With tiers that is at once: the archive tier answers
   * for every article while the hot tier loads.
   */
  get isReady(): boolean {
    return this.tiered ? true : this.ready;
  }

  /** True once the in-memory index is loaded (typo tolerance, autocomplete over the hot window). */
  get hotReady(): boolean {
    return this.ready;
  }

  /** 'tiered' or 'minisearch'. */
  get design(): 'tiered' | 'minisearch' {
    return this.tiered ? 'tiered' : 'minisearch';
  }

  /** One search over whichever design is configured. */
  private async find(query: ParsedQuery, filters: SearchFilters, page: { offset: number; limit: number; memo?: SearchMemo }): Promise<SearchPage> {
    const started = performance.now();
    try {
      return this.relevance ? await this.relevance.search(query, filters, page) : this.index.search(query, filters, page);
    } finally {
      this.deps.telemetry?.searched('all', (performance.now() - started) / 1000);
    }
  }

  /** The first seq of the hot window now. */
  private hotFloor(): Promise<number> {
    const since = new Date(this.deps.clock.now().getTime() - this.hotDays * 86_400_000);
    return this.deps.store.hotFloorSeq(since, this.hotMax);
  }

  /** Drops articles that left the hot window from the in-memory tier (they stay in the archive tier). */
  private evict(): void {
    if (!this.tiered) return;
    // The count bound from memory (the index holds the newest articles in seq order), at once.
    const over = this.index.size - this.hotMax;
    if (over > 0) this.index.evictOldest(over);
    // The age bound from the store's first-seen index, when the store answers.
    const since = new Date(this.deps.clock.now().getTime() - this.hotDays * 86_400_000);
    this.deps.store.hotFloorSeq(since, 0).then(
      (floor) => this.index.evictBelow(floor),
      (err: unknown) => this.deps.log.warn({ err }, 'hot window floor not read'),
    );
  }

  /** Loading progress for "index is loading, N% done" replies. */
  get loadProgress(): { done: number; total: number } {
    return { done: this.loaded, total: this.loadTotal };
  }

  /**
   * Loads the in-memory index: with tiers, the hot window from its snapshot when that matches the
   * store, else rebuilt from the store in chunks (yielding to the event loop between chunks so
   * interactions keep being answered — by the archive tier meanwhile). Without tiers, every article.
   */
  async buildIndex(): Promise<void> {
    const started = Date.now();
    let after = 0;
    if (this.tiered) {
      const floor = await this.hotFloor();
      this.index.floor = floor;
      after = floor - 1;
      const file = this.deps.search?.snapshotPath;
      if (file) {
        const generation = await this.deps.store.articlesGeneration();
        const maxSeq = await this.deps.store.maxSeq();
        const loaded = await loadSnapshot(file, this.index, {
          generation,
          check: async (h) => (h.maxSeq !== maxSeq ? `stale (max seq ${h.maxSeq}, store ${maxSeq})` : h.documents !== (await this.deps.store.countFromSeq(h.floor)) ? 'stale (article count)' : null),
        });
        if (loaded.ok) {
          this.snapshotGeneration = generation;
          // The load's last step (the index's document table) took its own turn; so does what follows.
          await nextTurn();
          this.evict();
          this.ready = true;
          this.loaded = this.loadTotal = this.index.size;
          this.deps.log.info({ articles: this.index.size, ms: Date.now() - started }, 'hot index loaded from snapshot');
          // The snapshot holds the hot tier only: stories and speakers are derived as after a rebuild.
          await this.buildDerived();
          return;
        }
        this.deps.log.info({ file, reason: loaded.reason }, 'hot index snapshot not used; rebuilding');
      }
      this.loadTotal = await this.deps.store.countFromSeq(floor);
    } else {
      this.loadTotal = await this.deps.store.countArticles();
    }
    this.loaded = 0;
    for (;;) {
      const rows = await this.deps.store.scanArticles(after, SCAN_CHUNK);
      if (rows.length === 0) break;
      const keep = this.deps.keep;
      await addInTurns(this.index, (keep ? rows.filter((r) => keep(r.article)) : rows).map((r) => ({ article: r.article, firstSeenAt: r.firstSeenAt, seq: r.rowid })));
      after = rows[rows.length - 1]!.rowid;
      this.loaded += rows.length;
    }
    this.ready = true;
    this.deps.log.info({ articles: this.loaded, ms: Date.now() - started }, 'index built');
    await this.buildDerived();
    if (this.tiered && this.deps.search?.snapshotPath) await this.saveSnapshot();
  }

  /**
   * Derived data that covers the whole archive, not only the hot window: each article back into its
   * stored story (no text re-read), then who is quoted where (a few ms per article with
   * quotations). It runs in chunks after search is available; until it finishes, story grouping
   * and speaker suggestions are partial.
   */
  private async buildDerived(): Promise<void> {
    const started = Date.now();
    let after = 0;
    let read = 0;
    // seq bounds the article count from above (deleted articles leave gaps), and costs no scan.
    const maxSeq = await this.deps.store.maxSeq();
    await nextTurn();
    this.stories.reserve(maxSeq);
    // Articles older than the story index's link window only rejoin their stored stories: no new
    // report can link to them, so their signatures and title words are not kept.
    const linkFrom = maxSeq - this.stories.linkWindow;
    await nextTurn();
    for (;;) {
      const rows = await this.deps.store.scanDerived(after, SCAN_CHUNK);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.rowid;
      // The read took this turn (SQLite answers synchronously); the work on it starts in the next.
      await nextTurn();
      // What the store recorded is used as it is; only articles it lacks something for (arrived
      // before that was stored, or edited since) are read and derived afresh.
      const stored: DerivedRow[] = [];
      const unread: DerivedRow[] = [];
      for (const r of rows) {
        const storyKnown = r.storyId !== null && (r.storySig !== null || r.rowid <= linkFrom);
        (storyKnown && r.speakers ? stored : unread).push(r);
      }
      await inTurns(stored, LOAD_CHUNK, (part) => {
        for (const r of part) this.speakers.addStored({ id: r.id, sourceId: r.sourceId }, r.speakers!);
        this.groupStories(part.map((r) => ({
          article: { id: r.id, sourceId: r.sourceId, title: r.title, body: [], publishedAt: r.publishedAt },
          firstSeenAt: r.firstSeenAt,
          storySig: r.storySig,
          storyEntities: r.storyEntities,
          storyId: r.storyId,
          restoreOnly: r.rowid <= linkFrom,
        })));
      });
      for (let i = 0; i < unread.length; i += LOAD_CHUNK) {
        const part: DeriveItem[] = [];
        for (const r of unread.slice(i, i + LOAD_CHUNK)) {
          const article = await this.deps.store.getArticle(r.id);
          if (article) part.push({ article, firstSeenAt: r.firstSeenAt, storySig: r.storySig, storyEntities: r.storyEntities, storyId: r.storyId, restoreOnly: r.rowid <= linkFrom && r.storyId !== null });
        }
        read += part.length;
        await nextTurn();
        await this.deriveInTurns(part);
      }
    }
    this.deps.log.info({ speakers: this.speakers.size, textsRead: read, ms: Date.now() - started }, 'stories and speakers indexed');
  }

  /**
   * Writes the hot tier's snapshot (tiers with a snapshot path only). Index updates wait in the
   * queue meanwhile, so the snapshot is exactly the index at the generation it records.
   */
  saveSnapshot(): Promise<void> {
    const file = this.deps.search?.snapshotPath;
    if (!this.tiered || !file || !this.ready) return Promise.resolve();
    this.indexQueue = this.indexQueue.then(async () => {
      const generation = await this.deps.store.articlesGeneration();
      if (generation === this.snapshotGeneration) return;
      const maxSeq = await this.deps.store.maxSeq();
      this.snapshotting = true;
      try {
        await writeSnapshot(file, this.index, { generation, floor: this.index.floor, maxSeq });
        this.snapshotGeneration = generation;
      } catch (err) {
        this.deps.log.warn({ file, err }, 'hot index snapshot not written');
      } finally {
        this.snapshotting = false;
      }
    });
    return this.indexQueue;
  }

  private indexQueue: Promise<void> = Promise.resolve();

  /**
   * Adds or replaces articles in the index after the store accepted them, from the next turn on
   * and within a turn budget per turn, so interactions are never held up for long. Resolves when
   * all are searchable.
   */
  async indexArticles(articles: Iterable<{ article: Article; firstSeenAt?: string | undefined; seq?: number }>): Promise<void> {
    let items = [...articles];
    const keep = this.deps.keep;
    if (keep) items = items.filter((i) => keep(i.article));
    if (this.tiered) {
      for (const item of items) {
        if (item.seq === undefined) {
          const m = await this.deps.store.articleMeta(item.article.id);
          if (m) Object.assign(item, { seq: m.seq, firstSeenAt: item.firstSeenAt ?? m.firstSeenAt });
        }
      }
    }
    // Nothing runs in the caller's turn: it has just spent it on the store's commit. Then, a turn
    // budget at a time: stories and speakers (every article, in the hot window or not), the hot
    // tier (an update to an article that already left the window stays in the archive tier
    // only), and the archive index's upkeep the commit no longer does.
    const indexed = this.indexQueue.then(async () => {
      await nextTurn();
      await this.deriveInTurns(items);
      const floor = this.index.floor;
      await addInTurns(this.index, items.filter((i) => i.seq === undefined || i.seq >= floor), () => this.evict());
      // A search's story cards read story members from the store: resolving before their story ids
      // are stored would let a search right after the ingest reply show a story short of reports,
      // on a slow machine. The ingest reply promises what the next search sees.
      await this.storyWrites;
    });
    this.indexQueue = indexed.then(() => this.maintainArchive(archiveSteps(items.length)));
    return indexed;
  }

  /**
   * Stories and speakers of articles that do not enter the hot tier (an import of an older
   * archive): grouped, and stored with them, as on arrival; a turn budget at a time.
   */
  deriveArticles(articles: Iterable<{ article: Article; firstSeenAt?: string }>): Promise<void> {
    const items = [...articles];
    const queued = this.indexQueue.then(async () => {
      await this.deriveInTurns(items);
      await this.storyWrites;
    });
    this.indexQueue = queued.then(() => this.maintainArchive(archiveSteps(items.length)));
    return queued;
  }

  /** Stories and speakers of `items` from their text, a turn budget at a time; what was found is stored. */
  private deriveInTurns(items: DeriveItem[]): Promise<void> {
    return inTurns(items, DERIVE_CHUNK, (part) => {
      const speakers: Array<[string, ArticleSpeakers]> = [];
      for (const c of part) speakers.push([c.article.id, this.speakers.add(c.article)]);
      this.groupStories(part, speakers);
    });
  }

  /** Up to `steps` steps of the archive index's upkeep, one per turn, while there is work. */
  private async maintainArchive(steps: number): Promise<void> {
    const maintain = this.deps.store.maintainArchive?.bind(this.deps.store);
    if (!maintain) return;
    try {
      for (let i = 0; i < steps; i++) {
        await nextTurn();
        if (!(await maintain())) break;
      }
    } catch (err) {
      this.deps.log.warn({ err }, 'archive index upkeep failed');
    }
  }

  /**
   * Puts new articles into their stories and records changed story ids in the store. Articles
   * already grouped keep their story (an edit does not move a report to another story).
   */
  private groupStories(items: DeriveItem[], speakers: Array<[string, ArticleSpeakers]> = []): void {
    const changed: Array<[string, string]> = [];
    const fresh: Array<[string, Uint8Array, Uint8Array]> = [];
    for (const { article: a, firstSeenAt, storySig, storyEntities, storyId, restoreOnly } of items) {
      if (restoreOnly && storyId) {
        changed.push(...this.stories.restore(a.id, storyId));
        continue;
      }
      const published = Date.parse(a.publishedAt ?? '');
      const time = Number.isNaN(published) ? Date.parse(firstSeenAt ?? '') : published;
      const known = this.stories.storyOf(a.id) !== undefined;
      // At start-up the stored signatures and story id are used as they are: no text is re-read
      // and no candidates are searched (both were done when the article arrived). An undated item's
      // time is when it was first seen, which the grouping treats differently (see StoryThresholds).
      const doc = { id: a.id, sourceId: a.sourceId, title: a.title, body: a.body, time: Number.isNaN(time) ? this.deps.clock.now().getTime() : time, dated: !Number.isNaN(published) };
      changed.push(...this.stories.add(doc, storySig ?? undefined, storySig ? storyId : null, storySig ? (storyEntities ?? null) : undefined));
      if (!known && !storySig) fresh.push([a.id, this.stories.signatureBytes(a.id)!, this.stories.entityBytes(a.id)!]);
    }
    // Written in the background, in order: the in-memory grouping answers meanwhile.
    if (fresh.length || changed.length || speakers.length) {
      this.storyWrites = this.storyWrites
        .then(async () => {
          if (fresh.length) await this.deps.store.setStorySignatures(fresh);
          if (changed.length) await this.deps.store.setStoryIds(changed);
          if (speakers.length) await this.deps.store.setSpeakers(speakers);
        })
        .catch((err: unknown) => this.deps.log.warn({ err }, 'story ids and speakers not stored'));
    }
  }

  private storyWrites: Promise<void> = Promise.resolve();

  /** Resolves once every story id grouped so far is in the store. */
  storiesStored(): Promise<void> {
    return this.storyWrites;
  }

  /** Removes articles from the index after the store deleted them (also after any chunked add in flight). */
  unindexArticles(ids: Iterable<string>): void {
    const list = [...ids];
    for (const id of list) {
      this.speakers.remove(id);
      this.stories.remove(id);
    }
    if (!this.snapshotting) for (const id of list) this.index.remove(id);
    this.indexQueue = this.indexQueue.then(() => {
      for (const id of list) {
        this.index.remove(id);
        this.speakers.remove(id);
      }
    });
  }

  /** The source ids a guild may see: the seeds plus its own sources. */
  async visibleSources(scope: Scope): Promise<Set<string>> {
    return new Set([SEED_SOURCE_ID, ...(await this.deps.store.sourceIdsForGuild(scope.guildId))]);
  }

  /**
   * How many articles the server can search hold every word of a query (the archive tier's count,
   * an estimate when very large): what a search alert for it would have matched so far.
   */
  async countMatchingAll(scope: Scope, query: ParsedQuery): Promise<number> {
    const page = await this.deps.store.searchText(query, { sourceIds: [...(await this.visibleSources(scope))] }, { limit: 1, mode: 'all' });
    return page.total;
  }

  /** Runs a search and builds the quoted excerpt of every result on the requested page. */
  async search(scope: Scope, req: SearchRequest): Promise<SearchResults> {
    const query = parseQuery(req.query);
    const now = this.deps.clock.now();
    const since = req.since ? parseDateOption('since', req.since, 'start', now) : undefined;
    const until = req.until ? parseDateOption('until', req.until, 'end', now) : undefined;
    if (since && until && since > until) {
      throw new UserError(`since (${req.since}) is after until (${req.until}): nothing can match.`, { id: 'dates.since-after-until', values: { since: req.since, until: req.until } });
    }
    const filters: SearchFilters = { visibleSources: await this.visibleSources(scope) };
    const source = req.source ? await this.resolveSource(scope, req.source) : undefined;
    if (source) filters.source = source.filter;
    if (since) filters.since = since;
    if (until) filters.until = until;
    const page = Math.max(0, Math.floor(req.page ?? 0));
    if (page >= MAX_PAGES) {
      throw new UserError(`Results are served up to page ${MAX_PAGES} (the first ${MAX_PAGES * PAGE_SIZE}); page ${page + 1} is past that. Narrow the search with more words, source:, since: or until:.`, { id: 'search.page-too-deep', values: { maxPages: MAX_PAGES } });
    }
    let found = await this.storyPage(query, filters, page);
    let respelled: SearchResults['respelled'];
    // Names and short words are searched as typed; only when that finds nothing are their prefix
    // and typo forms tried, and the reply says what was searched for instead.
    if (found.total.total === 0 && query.strict?.length) {
      const loose: ParsedQuery = { ...query, strict: [] };
      const wider = await this.storyPage(loose, filters, page);
      if (wider.total.total > 0) {
        found = wider;
        // The forms of each typed word, or of the correction that replaced it (a query word of its
        // own, given to the typed word it is fewest edits from).
        const owner = (q: string) =>
          query.strict!.includes(q) ? q : query.terms.includes(q) ? null : query.strict!.reduce((best, t) => (editDistance(q, t, 9) < editDistance(q, best, 9) ? t : best));
        const shown = new Map(query.strict.map((t) => [t, new Set<string>()]));
        for (const hit of wider.groups.flat()) {
          for (const spec of hit.terms) {
            const typed = spec.phrase ? null : owner(spec.query);
            if (typed) for (const f of spec.forms) if (f !== typed) shown.get(typed)!.add(f);
          }
        }
        respelled = query.strict.map((typed) => ({ typed, shown: [...shown.get(typed)!].slice(0, 5) }));
      }
    }
    const { groups, total: collapsedTotal, stopped } = found;
    const result = { total: collapsedTotal.total, approximate: collapsedTotal.approximate };
    const items: SearchResultItem[] = [];
    for (const [i, group] of groups.entries()) {
      // The earliest report of the story among the matches leads its card.
      const hit = await this.earliest(group);
      const article = await this.deps.store.getArticle(hit.id);
      if (!article) continue; // removed between search and lookup
      const item: SearchResultItem = {
        rank: page * PAGE_SIZE + i + 1,
        article,
        excerpt: buildExcerpt(article, hit.terms),
        allTerms: hit.allTerms,
        terms: hit.terms,
        ...(hit.alsoMatched ? { alsoMatched: hit.alsoMatched } : {}),
      };
      const story = await this.storyOf(article.id, filters.visibleSources!);
      if (story) item.story = story;
      const deletedAt = (await this.deps.store.articleState(article.id))?.deletedAt;
      if (deletedAt) item.deletedAt = deletedAt;
      items.push(item);
    }
    // Nothing found: first whether the filters alone are why (the words do match elsewhere), then
    // "did you mean" — only when a word is not in the archive at all: a suggestion for a word that
    // is there would just echo it back.
    let suggestions: string[] = [];
    let withoutFilters: number | undefined;
    if (result.total === 0) {
      if (filters.since || filters.until || filters.source) {
        const wider = await this.find(query, { visibleSources: filters.visibleSources! }, { offset: 0, limit: 1 });
        if (wider.total > 0) withoutFilters = wider.total;
      }
      if (withoutFilters === undefined && (await this.unknownWords(query, filters.visibleSources!)).length > 0) {
        const typed = tokenize(req.query).join(' ');
        suggestions = this.index.suggest(req.query, { visibleSources: filters.visibleSources }, 5).filter((x) => tokenize(x).join(' ') !== typed);
      }
    }
    return {
      query,
      items,
      total: result.total,
      approximate: result.approximate ?? false,
      page,
      pageCount: Math.min(MAX_PAGES, Math.max(1, Math.ceil(result.total / PAGE_SIZE))),
      pageSize: PAGE_SIZE,
      suggestions,
      ...(stopped ? { stopped: `stopped after ${seconds(this.searchBudgetMs)} — showing what was found` } : {}),
      filters: { ...(source ? { source: source.key, sourceLabel: source.label } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}) },
      ...(respelled ? { respelled } : {}),
      ...(withoutFilters !== undefined ? { withoutFilters } : {}),
    };
  }

  /** The query's words (plain and in phrases) that no visible article holds, in either tier. */
  private async unknownWords(query: ParsedQuery, visible: ReadonlySet<string>): Promise<string[]> {
    const unknown: string[] = [];
    for (const word of new Set([...query.terms, ...query.phrases.flat()])) {
      const page = await this.find({ raw: word, terms: [word], phrases: [], excluded: [], strict: [word] }, { visibleSources: visible }, { offset: 0, limit: 1 });
      if (page.total === 0) unknown.push(word);
    }
    return unknown;
  }

  /**
   * Up to `limit` results of a search in rank order (one per story, like the cards), with plain
   * excerpts, for `/search export:true`.
   */
  async exportSearch(scope: Scope, req: SearchRequest, limit: number): Promise<ExportRow[]> {
    const query = parseQuery(req.query);
    const now = this.deps.clock.now();
    const filters: SearchFilters = { visibleSources: await this.visibleSources(scope) };
    if (req.source) filters.source = (await this.resolveSource(scope, req.source)).filter;
    if (req.since) filters.since = parseDateOption('since', req.since, 'start', now);
    if (req.until) filters.until = parseDateOption('until', req.until, 'end', now);
    const page = await this.find(query, filters, { offset: 0, limit: Math.max(limit * 3, STORY_SCAN) });
    const seen = new Set<string>();
    const rows: ExportRow[] = [];
    for (const hit of page.hits) {
      const key = this.stories.storyOf(hit.id) ?? hit.id;
      if (seen.has(key)) continue;
      seen.add(key);
      const article = await this.deps.store.getArticle(hit.id);
      if (!article) continue;
      rows.push({ article, excerpt: plainExcerpt(buildExcerpt(article, hit.terms).text) });
      if (rows.length === limit) break;
    }
    return rows;
  }

  /**
   * One page of results with the reports of one story collapsed into one entry: the first
   * STORY_SCAN hits are grouped by story id (in rank order of their best hit); hits past them,
   * if any, follow ungrouped.
   */
  private async storyPage(query: ParsedQuery, filters: SearchFilters, page: number): Promise<{ groups: SearchHit[][]; total: { total: number; approximate: boolean }; stopped: boolean }> {
    const start = page * PAGE_SIZE;
    const end = start + PAGE_SIZE;
    // Ask for just the hits the page needs, as an ungrouped search would (so "some of your words"
    // results join only when the all-words ones run out); ask for more only while grouping
    // folded some away.
    let limit = end;
    const memo: SearchMemo = {};
    let stopped = false;
    for (;;) {
      const scan = await this.find(query, filters, { offset: 0, limit, memo });
      const byStory = new Map<string, SearchHit[]>();
      for (const hit of scan.hits) {
        const key = this.stories.storyOf(hit.id) ?? hit.id;
        const list = byStory.get(key);
        if (list) list.push(hit);
        else byStory.set(key, [hit]);
      }
      const groups = [...byStory.values()];
      const more = scan.total > scan.hits.length;
      // Fewer hits than asked for: the search has given all it will (an estimated total beyond
      // them is not found by asking again with a larger limit, only at the same cost again).
      const full = scan.hits.length >= limit;
      if (groups.length >= end || !more || !full || limit >= STORY_SCAN) {
        const folded = scan.hits.length - groups.length;
        let shown = groups.slice(start, end);
        if (shown.length < PAGE_SIZE && more && limit >= STORY_SCAN) {
          // Past the grouped window the results are listed one by one.
          const extra = await this.find(query, filters, { offset: scan.hits.length + Math.max(0, start - groups.length), limit: PAGE_SIZE - shown.length, memo });
          shown = [...shown, ...extra.hits.map((h) => [h])];
          stopped ||= extra.stopped ?? false;
        }
        return { groups: shown, total: { total: scan.total - folded, approximate: (scan.approximate ?? false) || (folded > 0 && more) }, stopped: stopped || (scan.stopped ?? false) };
      }
      limit = Math.min(STORY_SCAN, limit * 2);
    }
  }

  private async earliest(group: SearchHit[]): Promise<SearchHit> {
    if (group.length === 1) return group[0]!;
    let best = group[0]!;
    let bestTime = Infinity;
    for (const hit of group) {
      const a = await this.deps.store.getArticle(hit.id);
      const t = a?.publishedAt ? Date.parse(a.publishedAt) : NaN;
      if (!Number.isNaN(t) && t < bestTime) {
        best = hit;
        bestTime = t;
      }
    }
    return best;
  }

  /** The other visible reports of an article's story: how many, and their outlets in time order. */
  private async storyOf(articleId: string, visible: ReadonlySet<string>): Promise<StorySummary | undefined> {
    const id = this.stories.storyOf(articleId);
    if (!id) return undefined;
    const members = (await this.deps.store.storyMembers(id)).filter((m) => visible.has(m.article.sourceId));
    if (members.length < 2) return undefined;
    const lead = members.find((m) => m.article.id === articleId)?.article.outlet ?? null;
    const outlets: string[] = [];
    for (const m of members) {
      const o = m.article.outlet ?? 'unknown outlet';
      if (m.article.id === articleId || o === lead || outlets.includes(o)) continue;
      outlets.push(o);
    }
    return { id, reports: members.length, otherOutlets: outlets };
  }

  /** A story a guild may see: every visible report, earliest first; a UserError naming the id otherwise. */
  async story(scope: Scope, id: string): Promise<{ id: string; members: StoredArticle[] }> {
    const wanted = id.trim();
    const visible = await this.visibleSources(scope);
    const storyId = this.stories.storyOf(wanted) ?? wanted;
    const members = (await this.deps.store.storyMembers(storyId)).filter((m) => visible.has(m.article.sourceId));
    if (members.length === 0) throw new UserError(`No story or article with id "${wanted}".`, { id: 'story.not-found', values: { wanted } });
    return { id: storyId, members };
  }

  /**
   * Resolves what the user gave as `source`: a source id, an outlet name (any case), or the short
   * outlet key (`o` + hash) that autocomplete and paging buttons carry. The short `key` always fits
   * a button's custom_id.
   */
  async resolveSource(scope: Scope, value: string): Promise<{ key: string; label: string; filter: string }> {
    const wanted = value.trim();
    const sources = await this.deps.store.sourcesForGuild(scope.guildId);
    // A source id, or the feed id digests and articles carry (an id shown anywhere can be typed here).
    const byId = sources.find((s) => s.id !== SEED_SOURCE_ID && (s.id === wanted || s.feedId === wanted));
    // Articles carry the feed's id: a source filters by the feed it follows.
    if (byId) return { key: byId.id, label: byId.name, filter: byId.feedId };
    const norm = wanted.replace(/\s+/g, ' ').toLowerCase();
    // This server's own source by name before an outlet of the same name: it is the narrower
    // filter, and it has an id to show back. Two sources with one name are ambiguous.
    const named = sources.filter((s) => s.id !== SEED_SOURCE_ID && s.name.replace(/\s+/g, ' ').toLowerCase() === norm);
    if (named.length > 1) {
      throw new UserError(`${named.length} sources are called "${escapeInline(wanted)}": ${named.map((s) => `\`${s.id}\``).join(', ')}. Give the id instead.`, { id: 'source.ambiguous', values: { wanted, count: named.length } });
    }
    const byName = named[0];
    if (byName) return { key: byName.id, label: byName.name, filter: byName.feedId };
    for (const outlet of this.index.outlets({ visibleSources: await this.visibleSources(scope) })) {
      const key = outletKey(outlet);
      if (key === wanted || outlet.replace(/\s+/g, ' ').toLowerCase() === norm) return { key, label: outlet, filter: outlet };
    }
    throw new UserError(`No source or outlet called "${wanted}" here.`, { id: 'source.unknown-filter', values: { wanted } });
  }

  /**
   * Direct quotations matching a query and/or said by one speaker ("Kim Yo Jong" also matches
   * "Kim Yo Jong’s order"), best-covering first, `limit` of them from `offset`, with how many
   * there are. With a speaker and no query, every quotation of that speaker, from the articles
   * quoting them most.
   */
  async quotes(scope: Scope, rawQuery: string, limit = 8, speaker?: string, offset = 0): Promise<{ query: ParsedQuery | null; quotes: QuoteResult[]; total: number }> {
    const wanted = speaker?.trim() || null;
    if (!rawQuery.trim() && !wanted) throw new UserError('Give words the quotation should contain, a speaker, or both.', { id: 'quote.nothing-asked' });
    const visible = await this.visibleSources(scope);
    const found: Array<QuoteResult & { score: number }> = [];
    if (!rawQuery.trim()) {
      const ids = this.speakers.articlesQuoting(wanted!, visible);
      for (const [rank, id] of ids.slice(0, 25).entries()) {
        const article = await this.deps.store.getArticle(id);
        if (!article) continue;
        for (const q of findQuotations(article)) {
          if (!speakerIs(q.speaker, wanted!)) continue;
          found.push({ article, quote: { ...q, covered: 0, marked: markText(q.text, []).text }, score: -rank * 1000 - q.paragraphIndex });
        }
      }
      found.sort((a, b) => b.score - a.score);
      return { query: null, quotes: found.slice(offset, offset + limit).map(({ article, quote }) => ({ article, quote })), total: found.length };
    }
    const query = parseQuery(rawQuery);
    const filters: SearchFilters = { visibleSources: visible };
    // Quotes live in the top articles; look a little deeper than one page to find enough of them
    // (deeper still for one speaker, whose articles need not rank first for the words).
    const quoting = wanted ? new Set(this.speakers.articlesQuoting(wanted, visible)) : null;
    const result = await this.find(query, filters, { offset: 0, limit: quoting ? 200 : 25 });
    for (const [rank, hit] of result.hits.entries()) {
      if (quoting && !quoting.has(hit.id)) continue;
      const article = await this.deps.store.getArticle(hit.id);
      if (!article) continue;
      for (const quote of matchQuotations(article, hit.terms)) {
        if (quote.covered === 0) continue;
        if (wanted && !speakerIs(quote.speaker, wanted)) continue;
        // Quotations with a known speaker are what a reporter can cite: they rank above the others.
        found.push({ article, quote, score: quote.covered * 1000 + (quote.speaker ? 100 : 0) - rank });
      }
    }
    found.sort((a, b) => b.score - a.score);
    return { query, quotes: found.slice(offset, offset + limit).map(({ article, quote }) => ({ article, quote })), total: found.length };
  }

  /** Speakers quoted in the archive a guild sees, for /quote speaker autocomplete (most quoted first). */
  async suggestSpeakers(scope: Scope, typed: string, limit = 25): Promise<Array<{ name: string; quotes: number }>> {
    return this.speakers.suggest(typed, await this.visibleSources(scope), limit);
  }

  /** One article a guild may see, or a UserError naming the id. */
  async article(scope: Scope, id: string): Promise<Article> {
    const wanted = id.trim();
    const article = wanted ? await this.deps.store.getArticle(wanted) : undefined;
    if (!article || !(await this.visibleSources(scope)).has(article.sourceId)) {
      throw new UserError(`No article with id "${wanted}".`, { id: 'article.not-found', values: { wanted } });
    }
    return article;
  }

  /** An article a guild may see with its earlier versions (oldest first) and when the current one was seen. */
  async changes(scope: Scope, id: string): Promise<{ article: Article; versions: ArticleVersion[]; seenAt: string; deletedAt: string | null }> {
    const article = await this.article(scope, id);
    const state = await this.deps.store.articleState(article.id);
    return { article, versions: await this.deps.store.listVersions(article.id), seenAt: state?.versionSeenAt ?? '', deletedAt: state?.deletedAt ?? null };
  }

  /** How often an article was edited and whether it was deleted at its source (for /article). */
  async editState(articleId: string): Promise<{ edits: number; deletedAt: string | null }> {
    const s = await this.deps.store.articleState(articleId);
    return { edits: s?.edits ?? 0, deletedAt: s?.deletedAt ?? null };
  }

  /** Query completions for autocomplete. */
  async suggestQueries(scope: Scope, prefix: string, limit = 25): Promise<string[]> {
    if (!prefix.trim()) return [];
    return this.index.suggest(prefix, { visibleSources: await this.visibleSources(scope) }, limit);
  }

  /** Articles whose title matches what the user typed, for /article autocomplete. */
  async suggestTitles(scope: Scope, prefix: string, limit = 25): Promise<Array<{ id: string; title: string }>> {
    return this.index.titles(prefix, { visibleSources: await this.visibleSources(scope) }, limit);
  }

  /** Sources and outlets a guild can filter by, for /search source autocomplete. */
  async sourceChoices(scope: Scope): Promise<Array<{ name: string; value: string }>> {
    const visible = await this.visibleSources(scope);
    const choices: Array<{ name: string; value: string }> = [];
    for (const s of await this.deps.store.sourcesForGuild(scope.guildId)) {
      if (s.id === SEED_SOURCE_ID) continue;
      choices.push({ name: `${s.name} (source ${s.id})`, value: s.id });
    }
    for (const outlet of this.index.outlets({ visibleSources: visible })) choices.push({ name: `${outlet} (outlet)`, value: outletKey(outlet) });
    return choices;
  }

  /** Article, source and index counts for /stats. */
  async stats(scope: Scope): Promise<Stats> {
    const visible = await this.visibleSources(scope);
    return {
      articles: await this.deps.store.countArticles(visible),
      sources: visible.size,
      indexed: this.index.size,
      indexTerms: this.index.termCount,
      loading: this.ready ? null : this.loadProgress,
    };
  }
}

/** An excerpt without its Discord marks and escapes, for files. */
function plainExcerpt(marked: string): string {
  return marked.replace(/(?<!\\)\*\*/g, '').replace(/\\([\\*_~`|[\]()<>#\-.])/g, '$1').replace(/\u200b/g, '');
}

/** Short, stable key for an outlet name (fits autocomplete values and button custom_ids). */
export function outletKey(outlet: string): string {
  return 'o' + makeArticleId('outlet', outlet.replace(/\s+/g, ' ').toLowerCase()).slice(0, 7);
}

/** "3 s", "0.5 s": a duration for a reply. */
function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
