import type { Article } from '../article.ts';
import type { TermSpec } from '../excerpt.ts';
import type { TextFilters, TextPage, TextQuery, TextSearchOptions } from '../store/types.ts';
import { tokenize } from '../text/tokenize.ts';
import { termSpecs, type ArticleIndex, type SearchFilters, type SearchHit, type SearchPage, type TermExpansion, type TierHit } from './article-index.ts';
import { phrasesInText } from '../search-text/phrase-text.ts';
// Phrase candidates from the hot window checked at most, and at least (for the total's estimate).
import { PHRASE_MAX_CHECKS as HOT_PHRASE_CHECKS, PHRASE_SAMPLE as HOT_PHRASE_SAMPLE } from '../search-text/tuning.ts';
import { UserError } from '../errors.ts';
import type { ParsedQuery } from './query.ts';
import { nextTurn } from '../deps.ts';

/** What the tiered search needs from the store of record. */
export interface TextSearchStore {
  searchText(query: TextQuery, filters: TextFilters, opts: TextSearchOptions): Promise<TextPage> | TextPage;
  getArticle(id: string): Promise<Article | undefined> | Article | undefined;
}

/**
 * Postings MiniSearch may score for one query before the hot range is searched through the
 * archive index instead: MiniSearch ranks every match, FTS5 with recency-capped segments does
 * not (the timings that set the limit are in docs/performance.md). A query of known words goes to
 * the archive index above HOT_MAX_POSTINGS; one with a word only the hot vocabulary can complete
 * or correct (a prefix, a typo) stays in the hot tier up to HOT_MAX_POSTINGS_EXPANDED, for
 * MiniSearch's prefix and typo matching.
 */
const HOT_MAX_POSTINGS = 1_500;
const HOT_MAX_POSTINGS_EXPANDED = 12_000;
/** Prefix completions and typo corrections from the hot vocabulary added to an archive query term. */
const MAX_COMPLETIONS = 3;
const MAX_CORRECTIONS = 2;
/**
 * Words of the hot vocabulary a query's wildcards may stand for together: each one is a term
 * both tiers read the postings of (FTS5 merges every matching term's doclist). Judged on the hot
 * window, the best sample of the vocabulary at hand.
 */
export const MAX_WILDCARD_FORMS = 1_500;
/** How long one user search may wait for the archive tier before answering with what it has. */
export const DEFAULT_SEARCH_BUDGET_MS = 3_000;

/** What one user search's calls share (see `TieredSearch.search`). */
export interface SearchMemo {
  phraseCandidates?: { hits: TierHit[]; total: number };
  /** Candidate id → whether its text holds the query's phrases. */
  phraseChecks?: Map<string, boolean>;
  /** When the search's time budget ends (epoch ms), set by its first call. */
  deadline?: number;
}

/** The caller's memo, or one for this call alone. */
const memoOf = (page: { memo?: SearchMemo }): SearchMemo => page.memo ?? {};

interface TierResult {
  hits: TierHit[];
  total: number;
  approximate: boolean;
  /** The archive tier did not answer within the search's time budget: these are the hot tier's hits alone. */
  stopped?: boolean;
}

/**
 * One search over two tiers: the hot tier (MiniSearch over the newest articles, seq ≥ the hot
 * floor) and the archive tier (the store's full-text search over older ones). Both rank with BM25
 * and the same field weights, so their scores merge into one ranking; the hot vocabulary supplies
 * typo corrections and prefix completions for the archive query. While the hot tier is loading,
 * the archive tier answers for every article.
 */
export class TieredSearch {
  constructor(
    private readonly index: ArticleIndex,
    private readonly store: TextSearchStore,
    /** False while the hot tier loads: then the store searches everything. */
    private readonly hotReady: () => boolean,
    /** How long one user search (the calls sharing a memo) may wait for the archive tier. */
    private readonly budgetMs: number = DEFAULT_SEARCH_BUDGET_MS,
  ) {}

  /**
   * `page.memo`: one object for the calls of one user search (the same query and filters asked
   * again for more hits while stories fold results together), so the phrase candidates are
   * ranked and each one's text read and checked once per search, not once per call.
   */
  async search(typed: ParsedQuery, filters: SearchFilters, page: { offset?: number; limit?: number; memo?: SearchMemo } = {}): Promise<SearchPage> {
    const offset = Math.max(0, page.offset ?? 0);
    const limit = Math.max(0, page.limit ?? 5);
    const need = offset + limit;
    const memo = memoOf(page);
    memo.deadline ??= Date.now() + this.budgetMs;
    const ready = this.hotReady();
    const floor = ready ? this.index.floor : Infinity;
    // A date range that no hot article falls in: the archive alone answers, and the hot vocabulary
    // only corrects unknown words and completes prefixes (its typo walk for known words would
    // only serve MiniSearch's own ranking).
    const archiveOnly = ready && this.index.excludesAll(filters);
    const expanded = new Map<string, TermExpansion>();
    const expand = (t: string) => {
      let e = expanded.get(t);
      if (!e) expanded.set(t, (e = this.index.expand(t, archiveOnly ? { corrections: 'if-unknown' } : {})));
      return e;
    };
    if (ready) {
      // Each word walks the hot vocabulary for its typo and prefix forms: a long query's walks take
      // one turn each, so other servers are answered in between (the results are memoized above).
      const strict = new Set(typed.strict ?? []);
      const words = [...new Set([...typed.terms, ...(typed.prefixes ?? [])])].filter((t) => !strict.has(t));
      for (const [i, t] of words.entries()) {
        if (i > 0) await nextTurn();
        expand(t);
      }
    }
    const { query, misspelt } = ready ? this.corrected(typed, expand) : { query: typed, misspelt: new Map<string, string>() };
    const { alternatives, postings } = ready ? this.expansions(query, expand) : { alternatives: new Map<string, string[]>(), postings: 0 };
    if (ready) this.checkWildcards(query, expand);
    // The word as typed stays searchable in the archive: it may be a real word the hot window lacks.
    for (const [fixed, original] of misspelt) alternatives.set(fixed, [original, ...(alternatives.get(fixed) ?? [])]);
    const textQuery: TextQuery = { ...query, alternatives };
    const textFilters: TextFilters = {
      ...(filters.visibleSources ? { sourceIds: [...filters.visibleSources] } : {}),
      ...(filters.source ? { source: filters.source } : {}),
      ...(filters.since ? { since: filters.since } : {}),
      ...(filters.until ? { until: filters.until } : {}),
    };
    const expands = ready && (misspelt.size > 0 || (query.prefixes?.length ?? 0) > 0 || query.terms.some((t) => expand(t).df === 0));
    const useHot = ready && !archiveOnly && query.phrases.length === 0 && postings <= (expands ? HOT_MAX_POSTINGS_EXPANDED : HOT_MAX_POSTINGS);
    // Words in many hot articles: FTS5's bm25() counts every match of each term in the whole
    // archive for its IDF (O(document frequency) per query; docs/performance.md), so such queries
    // are ranked among the hot window's articles from its postings, and the archive is only
    // searched when they do not fill the page.
    // (Not with a date range: the archive's share of the total could not be scaled from the hot window's.)
    const shortcut = ready && !expands && (query.prefixes?.length ?? 0) === 0 && !filters.since && !filters.until;
    const dense = shortcut && !useHot && query.phrases.length === 0 && query.terms.length > 0;
    if (dense) {
      const hot = this.index.rankExact(query, filters, need);
      if (hot.hits.length >= need) {
        // The archive's share estimated from the hot window's: about as many per article.
        const hotSize = Math.max(1, this.index.size);
        const archiveSize = Math.max(0, floor - 1);
        const total = hot.total + Math.round((hot.total / hotSize) * archiveSize);
        const pageHits = hot.hits.slice(offset, offset + limit).map((h) => ({ ...h, allTerms: true }));
        return archiveSize > 0 ? { hits: pageHits, total, approximate: true } : { hits: pageHits, total };
      }
    }
    // A phrase: candidates holding all its words ranked in the hot window from its postings, the
    // best verified in their text; FTS5 would decode the position lists of every article holding
    // the words, across the whole archive, for its phrase IDF. The archive is searched when the
    // hot window does not fill the page.
    if (shortcut && query.phrases.length > 0) {
      const found = await this.hotPhrases(query, filters, need, memo);
      if (found) return { ...found, hits: found.hits.slice(offset, offset + limit) };
    }
    const run = async (mode: 'all' | 'any'): Promise<TierResult> => {
      // Without the hot tier (loading, or a query MiniSearch would have to score too many postings
      // for) one newest-first store search covers both ranges.
      if (!useHot) return this.fromStore(textQuery, textFilters, need, mode, memo.deadline!);
      const hot = { ...this.index.rank(query, filters, need, mode), approximate: false };
      return merge([hot, await this.fromStore(textQuery, { ...textFilters, toSeq: floor }, need, mode, memo.deadline!)]);
    };
    const all = await run('all');
    let hits: SearchHit[] = all.hits.map((h) => ({ ...h, allTerms: true }));
    let total = all.total;
    let approximate = all.approximate;
    let stopped = all.stopped ?? false;
    const parts = query.terms.length + (query.prefixes?.length ?? 0);
    if (parts > 1 && query.phrases.length === 0 && hits.length < need) {
      const some = await run('any');
      hits = hits.concat(some.hits.map((h) => ({ ...h, allTerms: false })));
      total += some.total;
      approximate ||= some.approximate;
      stopped ||= some.stopped ?? false;
    }
    const pageHits: SearchHit[] = [];
    for (const h of hits.slice(offset, offset + limit)) {
      if (h.terms.length) {
        pageHits.push(h);
        continue;
      }
      // Matching every word of an article against a long query's typo forms is real work, and the
      // store may answer within the same turn: one article per turn keeps other servers answered.
      if (pageHits.length > 0) await nextTurn();
      pageHits.push({ ...h, terms: await this.archiveTerms(query, h) });
    }
    const result: SearchPage = approximate ? { hits: pageHits, total, approximate } : { hits: pageHits, total };
    return stopped ? { ...result, stopped } : result;
  }

  /**
   * Refuses a query whose wildcards stand for more words of the hot vocabulary than
   * MAX_WILDCARD_FORMS together, naming the widest one.
   */
  private checkWildcards(query: ParsedQuery, expand: (t: string) => TermExpansion): void {
    const prefixes = query.prefixes ?? [];
    if (prefixes.length === 0) return;
    const forms = prefixes.map((p) => {
      const e = expand(p);
      return [p, e.completions.length + (e.df > 0 ? 1 : 0)] as const;
    });
    const sum = forms.reduce((n, [, k]) => n + k, 0);
    if (sum <= MAX_WILDCARD_FORMS) return;
    const [widest, k] = forms.reduce((a, b) => (b[1] > a[1] ? b : a));
    const count = (n: number) => n.toLocaleString('en-US');
    throw new UserError(
      prefixes.length === 1
        ? `The wildcard \`${widest}*\` stands for ${count(k)} different words; the limit is ${count(MAX_WILDCARD_FORMS)}. Type more of the word.`
        : `Your wildcards stand for ${count(sum)} different words together (\`${widest}*\` alone ${count(k)}); the limit is ${count(MAX_WILDCARD_FORMS)}. Type more of each word or use fewer wildcards.`,
      { id: 'query.wildcard-too-wide', values: { widest } },
    );
  }

  /** A page of phrase matches from the hot window alone, or null when it holds too few. */
  private async hotPhrases(query: ParsedQuery, filters: SearchFilters, need: number, memo: SearchMemo): Promise<SearchPage | null> {
    const words: ParsedQuery = { ...query, terms: [...new Set([...query.terms, ...query.phrases.flat()])], phrases: [] };
    const candidates = (memo.phraseCandidates ??= this.index.rankExact(words, filters, HOT_PHRASE_CHECKS));
    if (candidates.total === 0) return null;
    const checks = (memo.phraseChecks ??= new Map());
    const hits: SearchHit[] = [];
    let checked = 0;
    for (const c of candidates.hits) {
      if (checked >= HOT_PHRASE_SAMPLE) {
        if (hits.length >= need) break;
        // At the sample's rate the rest will not fill the page: the archive search answers instead
        // (reading every candidate's text first was wasted on the phrases that end there anyway).
        if (hits.length + ((candidates.hits.length - checked) * hits.length) / checked < need) return null;
      }
      checked++;
      let holds = checks.get(c.id);
      if (holds === undefined) {
        const a = await this.store.getArticle(c.id);
        holds = !!a && phrasesInText(a.title, a.body, query.phrases);
        checks.set(c.id, holds);
      }
      if (holds) hits.push({ ...c, terms: termSpecs(query, words.terms), allTerms: true });
    }
    if (hits.length < need) return null;
    // Totals: the verified share of the candidates, scaled from the hot window to the archive.
    const hotTotal = (hits.length / checked) * candidates.total;
    const archiveSize = Math.max(0, this.index.floor - 1);
    return { hits, total: Math.max(hits.length, Math.round(hotTotal * (1 + archiveSize / Math.max(1, this.index.size)))), approximate: true };
  }

  /**
   * The archive tier's answer, or — once the search's time budget is spent — nothing and
   * `stopped`: the search then shows what the hot tier found. The store is told the deadline too,
   * so a reader thread can drop a request nobody waits for any more.
   */
  private async fromStore(query: TextQuery, filters: TextFilters, limit: number, mode: 'all' | 'any', deadline: number): Promise<TierResult> {
    const cut: TierResult = { hits: [], total: 0, approximate: true, stopped: true };
    const left = deadline - Date.now();
    if (left <= 0) return cut;
    const asked = Promise.resolve(this.store.searchText(query, filters, { limit, mode, deadline }));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), left);
    });
    // A late answer (or failure) after the budget is dropped; it must not become an unhandled rejection.
    asked.catch(() => {});
    const page = await Promise.race([asked, expired]).finally(() => clearTimeout(timer));
    if (!page) return cut;
    // Which words to mark is decided from the article text, for the page only (archiveTerms).
    return { hits: page.hits.map((h) => ({ id: h.id, score: h.score, terms: [] })), total: page.total, approximate: page.approximate };
  }

  /**
   * The query with each word the hot vocabulary does not know replaced by its most frequent close
   * form there, so both tiers rank the correction alike (MiniSearch alone would weight a typo
   * match down while the archive could not). Returns the corrected query and correction → typed.
   */
  private corrected(query: ParsedQuery, expand: (t: string) => TermExpansion): { query: ParsedQuery; misspelt: Map<string, string> } {
    const misspelt = new Map<string, string>();
    const strict = new Set(query.strict ?? []);
    const terms = query.terms.map((t) => {
      if (strict.has(t)) return t;
      const e = expand(t);
      if (e.df > 0 || e.completions.length > 0 || e.corrections.length === 0) return t;
      const fix = e.corrections[0]![0];
      misspelt.set(fix, t);
      return fix;
    });
    return misspelt.size ? { query: { ...query, terms: [...new Set(terms)] }, misspelt } : { query, misspelt };
  }

  /** Archive forms of each term from the hot vocabulary, and the postings MiniSearch would score. */
  private expansions(query: ParsedQuery, expand: (t: string) => TermExpansion): { alternatives: Map<string, string[]>; postings: number } {
    const alternatives = new Map<string, string[]>();
    let postings = 0;
    const strict = new Set(query.strict ?? []);
    for (const t of query.terms) {
      const e = expand(t);
      postings += e.postings;
      // A name or a short word is searched as typed (the caller widens it only if nothing matches).
      if (strict.has(t)) continue;
      const forms = e.completions.slice(0, MAX_COMPLETIONS).map(([f]) => f);
      // A word the hot tier does not know is most likely misspelt: search its closest known forms.
      if (e.df === 0) forms.push(...e.corrections.slice(0, MAX_CORRECTIONS).map(([f]) => f));
      if (forms.length) alternatives.set(t, forms);
    }
    for (const p of query.prefixes ?? []) postings += expand(p).postings;
    return { alternatives, postings };
  }

  /**
   * Term specs for an archive hit on the page: the article's own words matched the way the hot
   * tier matches (exact, prefix, typo), so its excerpt is marked as if it were in the hot tier.
   */
  private async archiveTerms(query: ParsedQuery, hit: SearchHit): Promise<TermSpec[]> {
    const article = await this.store.getArticle(hit.id);
    const words = article ? [...new Set(tokenize(`${article.title}\n${article.body.join('\n')}\n${article.tags.join(' ')}\n${article.byline ?? ''}\n${article.outlet ?? ''}`))] : [];
    return termSpecs(query, words);
  }
}

/** Merges tiers: one ranking by score (ties: the newer tier first), one article once. */
function merge(parts: TierResult[]): TierResult {
  const best = new Map<string, TierHit>();
  for (const part of parts) {
    for (const h of part.hits) {
      const seen = best.get(h.id);
      if (!seen || h.score > seen.score) best.set(h.id, h);
    }
  }
  // Exact matches first (the archive's are taken as exact: its alternatives are the hot tier's
  // corrections of words it does not know), then by score.
  const hits = [...best.values()].sort((a, b) => Number(a.inexact ?? false) - Number(b.inexact ?? false) || b.score - a.score);
  const merged = { hits, total: parts.reduce((n, p) => n + p.total, 0), approximate: parts.some((p) => p.approximate) };
  return parts.some((p) => p.stopped) ? { ...merged, stopped: true } : merged;
}
