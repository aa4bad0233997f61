import { performance } from 'node:perf_hooks';
import type { Article } from '../article.ts';
import { SEED_SOURCE_ID } from '../article.ts';
import { parseDateOption } from '../dates.ts';
import { editDistance } from '../text/edit-distance.ts';
import { tokenize } from '../text/tokenize.ts';
import { UserError } from '../errors.ts';
import { buildExcerpt } from '../excerpt.ts';
import type { SpeakerDirectory } from '../quotes/directory.ts';
import { ArticleIndex, type SearchFilters, type SearchPage } from '../search/article-index.ts';
import { loadSnapshot, writeSnapshot } from '../search/hot-snapshot.ts';
import { parseQuery, type ParsedQuery } from '../search/query.ts';
import { DEFAULT_SEARCH_BUDGET_MS, type SearchMemo, TieredSearch } from '../search/tiered-search.ts';
import { Lexicon } from '../search/lexicon.ts';
import { RelevanceSearch } from '../search/relevance.ts';
import type { ExportRow } from '../citations/export.ts';
import type { StoryIndex } from '../stories/story-index.ts';
import type { ArticleVersion, StoredArticle } from '../store/types.ts';
import { Derived } from './derived.ts';
import { quotesIn, type QuoteSearchDeps } from './quote-search.ts';
import { outletKey, resolveSourceIn } from './sources.ts';
import { earliest, STORY_SCAN, storyPage, storySummary, type StoryCardDeps } from './story-page.ts';
import { addInTurns, nextTurn } from './turns.ts';
import {
  DEFAULT_HOT_DAYS,
  DEFAULT_HOT_MAX_ARTICLES,
  MAX_PAGES,
  PAGE_SIZE,
  SCAN_CHUNK,
  type NewsroomDeps,
  type QuoteResult,
  type Scope,
  type SearchRequest,
  type SearchResultItem,
  type SearchResults,
  type Stats,
} from './types.ts';

export type { ArticleStore, NewsroomDeps, QuoteResult, Scope, SearchOptions, SearchRequest, SearchResultItem, SearchResults, Stats, StorySummary } from './types.ts';
export { outletKey } from './sources.ts';
export { DEFAULT_HOT_DAYS, DEFAULT_HOT_MAX_ARTICLES, MAX_PAGES, PAGE_SIZE } from './types.ts';

/**
 * Archive upkeep steps (16 pages each) offered after indexing `n` articles: the merging that
 * `n` articles cause (a few pages each; docs/performance.md has the measurement), with room to
 * catch up.
 */
const archiveSteps = (n: number) => Math.ceil(n / 4) + 1;

/**
 * The facade every command calls: search with excerpts, quotes, articles and counts over the
 * store of record and the MiniSearch index derived from it.
 */
export class Newsroom {
  readonly index: ArticleIndex;
  /** Who is quoted where, derived alongside the index. */
  readonly speakers: SpeakerDirectory;
  /** Near-duplicate grouping across outlets; rebuilt from the store at start, like the index. */
  readonly stories: StoryIndex;
  /** Stories and speakers over the whole archive, and their writes to the store. */
  private readonly derived: Derived;
  /** What story cards and quotation search read (story-page.ts, quote-search.ts). */
  private readonly reader: StoryCardDeps & QuoteSearchDeps;
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
    this.derived = new Derived(deps);
    this.speakers = this.derived.speakers;
    this.stories = this.derived.stories;
    this.reader = { find: (q, f, p) => this.find(q, f, p), stories: this.stories, speakers: this.speakers, store: deps.store };
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
          await this.derived.build();
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
    await this.derived.build();
    if (this.tiered && this.deps.search?.snapshotPath) await this.saveSnapshot();
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
      await this.derived.inTurns(items);
      const floor = this.index.floor;
      await addInTurns(this.index, items.filter((i) => i.seq === undefined || i.seq >= floor), () => this.evict());
      // A search's story cards read story members from the store: resolving before their story ids
      // are stored would let a search right after the ingest reply show a story short of reports,
      // on a slow machine. The ingest reply promises what the next search sees.
      await this.derived.stored();
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
      await this.derived.inTurns(items);
      await this.derived.stored();
    });
    this.indexQueue = queued.then(() => this.maintainArchive(archiveSteps(items.length)));
    return queued;
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

  /** Resolves once every story id grouped so far is in the store. */
  storiesStored(): Promise<void> {
    return this.derived.stored();
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
    let found = await storyPage(this.reader, query, filters, page);
    let respelled: SearchResults['respelled'];
    // Names and short words are searched as typed; only when that finds nothing are their prefix
    // and typo forms tried, and the reply says what was searched for instead.
    if (found.total.total === 0 && query.strict?.length) {
      const loose: ParsedQuery = { ...query, strict: [] };
      const wider = await storyPage(this.reader, loose, filters, page);
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
      const hit = await earliest(this.reader, group);
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
      const story = await storySummary(this.reader, article.id, filters.visibleSources!);
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
    const window = { offset: 0, limit: Math.max(limit * 3, STORY_SCAN) };
    let page = await this.find(query, filters, window);
    // The same fallback as search(): names and short words searched as typed found nothing, so
    // the reply showed their respelled forms — the export holds what the reply showed.
    if (page.total === 0 && query.strict?.length) page = await this.find({ ...query, strict: [] }, filters, window);
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
    return resolveSourceIn(value, await this.deps.store.sourcesForGuild(scope.guildId), async () => this.index.outlets({ visibleSources: await this.visibleSources(scope) }));
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
    return quotesIn(this.reader, await this.visibleSources(scope), rawQuery, wanted, limit, offset);
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


/** "3 s", "0.5 s": a duration for a reply. */
function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
