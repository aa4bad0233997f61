import type { Options, SearchOptions, SearchResult } from 'minisearch';
import { withinEdits } from '../text/edit-distance.ts';
import type { Article } from '../article.ts';
import type { TermSpec } from '../excerpt.ts';
import { tokenize } from '../text/tokenize.ts';
import { BOOST, PHRASE_MAX_CHECKS, PHRASE_SAMPLE } from '../search-text/tuning.ts';
import type { ParsedQuery } from './query.ts';
import { FastMiniSearch } from './fast-minisearch.ts';
import { Postings } from './postings.ts';
import { normOutlet, ShortMeta } from './short-meta.ts';
import { suggestQueries } from './suggest.ts';
import { expandTerm } from './vocabulary.ts';
import type { SearchFilters, SearchHit, SearchPage, TermExpansion, TierHit } from './types.ts';

export type { SearchFilters, SearchHit, SearchPage, TermExpansion, TierHit } from './types.ts';

/** Per-document metadata for filters, kept outside MiniSearch (which stores only ids). */
interface Meta {
  sourceId: string;
  outlet: string;
  /** publishedAt ?? firstSeenAt, epoch ms; NaN when unknown. */
  date: number;
  /** Store order (0 when unknown); the hot tier holds seq ≥ its floor. */
  seq: number;
}

/** One query term as a MiniSearch subquery: a strict term (a name, a short word) only as typed. */
function termQuery(query: ParsedQuery, t: string): { queries: string[]; combineWith: 'OR'; prefix?: false; fuzzy?: false } {
  return query.strict?.includes(t) ? { queries: [t], prefix: false, fuzzy: false, combineWith: 'OR' } : { queries: [t], combineWith: 'OR' };
}

const FIELDS = ['title', 'body', 'byline', 'tags', 'outlet'] as const;
/** Prefix matching from three letters, fuzzy from four; they score below exact matches. */
const prefixFor = (term: string) => term.length >= 3;
const fuzzyFor = (term: string) => (term.length >= 4 ? 0.2 : false);
const WEIGHTS = { fuzzy: 0.4, prefix: 0.6 };

/** Which document terms of a result came from which query term (exact, prefix or fuzzy). */
export function termSpecs(query: ParsedQuery, matched: string[]): TermSpec[] {
  const strict = new Set(query.strict ?? []);
  const specs: TermSpec[] = query.terms.map((q) => {
    const forms = new Set([q]);
    if (strict.has(q)) return { query: q, forms: [q] };
    const fuzz = fuzzyFor(q);
    const maxEdits = fuzz ? Math.min(6, Math.round(q.length * fuzz)) : 0;
    for (const t of matched) {
      if (t === q || (prefixFor(q) && t.startsWith(q)) || (maxEdits > 0 && withinEdits(t, q, maxEdits))) forms.add(t);
    }
    return { query: q, forms: [...forms] };
  });
  for (const p of query.prefixes ?? []) specs.push({ query: p, forms: [p, ...matched.filter((t) => t !== p && t.startsWith(p))] });
  for (const p of query.phrases) specs.push({ query: p.join(' '), forms: [p.join(' ')], phrase: true });
  return specs;
}

function fieldText(doc: Article, field: (typeof FIELDS)[number]): string {
  if (field === 'body') return doc.body.join('\n');
  if (field === 'tags') return doc.tags.join(' ');
  return doc[field] ?? '';
}

function containsRun(tokens: string[], run: string[]): boolean {
  outer: for (let i = 0; i + run.length <= tokens.length; i++) {
    for (let k = 0; k < run.length; k++) if (tokens[i + k] !== run[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * The in-memory MiniSearch index over articles. MiniSearch holds only ids and terms; text is
 * looked up through `lookup` (the store) when phrases must be verified, and filter metadata lives
 * in a compact side table.
 */
export class ArticleIndex {
  private mini: FastMiniSearch<Article>;
  private readonly meta = new Map<string, Meta>();
  private readonly outletNames = new Map<string, string>();
  /** Bounds on the documents' dates: never narrower than the truth, recomputed after removals when asked. */
  private dateLo = Infinity;
  private dateHi = -Infinity;
  private datesStale = false;
  /** Each term's postings (the same objects as in MiniSearch's radix tree) and each document's. */
  private postings: Postings<Article>;
  /**
   * Each document's field lengths plus one by MiniSearch's short id (`short * FIELDS.length +
   * fieldId`); 0: not a live document.
   */
  private lengths = new Uint16Array(0);
  private shortMeta = new ShortMeta();
  /** Per-document scratch space of `rankExact`. */
  private scratchScores = new Float64Array(0);
  private scratchMatched = new Uint8Array(0);
  /** The hot tier's lower bound: documents with a smaller seq are being evicted and never match. */
  floor = 0;

  constructor(private readonly lookup: (id: string) => Article | undefined) {
    this.mini = new FastMiniSearch<Article>(ArticleIndex.options());
    this.postings = new Postings(this.mini);
  }

  /** The MiniSearch options, also needed to load a snapshot. */
  static options(): Options<Article> {
    return {
      fields: [...FIELDS],
      storeFields: [],
      idField: 'id',
      tokenize,
      processTerm: (t) => t,
      extractField: (doc, field) => (field === 'id' ? doc.id : fieldText(doc, field as (typeof FIELDS)[number])),
      searchOptions: { boost: BOOST, prefix: prefixFor, fuzzy: fuzzyFor, weights: WEIGHTS, maxFuzzy: 3 },
      // Removing a document deletes exactly its postings (see `Postings`); only documents loaded
      // from a snapshot leave postings behind, cleaned out in small batches: a common term's
      // postings list is as long as the index, and a batch holds the event loop while it is walked.
      autoVacuum: { batchSize: 100, batchWait: 2, minDirtCount: 100, minDirtFactor: 0.1 },
      autoSuggestOptions: { boost: BOOST, prefix: (_t, i, terms) => i === terms.length - 1, fuzzy: fuzzyFor, weights: WEIGHTS, combineWith: 'AND' },
    };
  }

  /** The MiniSearch instance (for snapshots). */
  get engine(): FastMiniSearch<Article> {
    return this.mini;
  }

  /** Replaces the contents with a loaded snapshot: the engine plus per-document metadata in seq order. */
  restore(engine: FastMiniSearch<Article>, meta: Iterable<[string, { sourceId: string; outlet: string | null; date: number; seq: number }]>): void {
    this.mini = engine;
    this.postings = new Postings(engine);
    this.lengths = new Uint16Array(0);
    for (const [short, lengths] of engine.fieldLengths()) this.setLengths(short, lengths);
    this.shortMeta = new ShortMeta();
    this.meta.clear();
    this.outletNames.clear();
    // A few dozen outlets name tens of thousands of articles: normalise each name once.
    const norms = new Map<string, string>();
    for (const [id, m] of meta) {
      let outlet = norms.get(m.outlet ?? '');
      if (outlet === undefined) {
        outlet = normOutlet(m.outlet);
        norms.set(m.outlet ?? '', outlet);
        if (outlet && !this.outletNames.has(outlet)) this.outletNames.set(outlet, m.outlet!.replace(/\s+/g, ' ').trim());
      }
      const entry = { sourceId: m.sourceId, outlet, date: m.date, seq: m.seq };
      this.meta.set(id, entry);
      const short = engine.shortIdOf(id);
      if (short !== undefined) this.shortMeta.set(short, entry);
    }
    this.datesStale = true;
  }

  /** Per-document metadata in insertion (seq) order, for snapshots. */
  metaEntries(): IterableIterator<[string, { sourceId: string; outlet: string; date: number; seq: number }]> {
    return this.meta.entries();
  }

  /** Display form of a normalised outlet name. */
  outletName(norm: string): string {
    return this.outletNames.get(norm) ?? norm;
  }

  /**
   * Removes documents below `floor` (oldest first, at most `max` per call so eviction never holds
   * the event loop long). Returns how many were removed.
   */
  evictBelow(floor: number, max = Infinity): number {
    this.floor = Math.max(this.floor, floor);
    let n = 0;
    const doomed: string[] = [];
    for (const [id, m] of this.meta) {
      if (m.seq >= this.floor || n >= max) break;
      doomed.push(id);
      n++;
    }
    for (const id of doomed) this.remove(id);
    return n;
  }

  /** Removes the `count` oldest documents and raises the floor above them. */
  evictOldest(count: number): void {
    let n = 0;
    let next = this.floor;
    for (const m of this.meta.values()) {
      if (n++ === count) {
        next = m.seq;
        break;
      }
    }
    if (n <= count) next = Infinity;
    this.evictBelow(next);
  }

  /** Oldest seq still held (Infinity when empty). */
  get oldestSeq(): number {
    for (const m of this.meta.values()) return m.seq;
    return Infinity;
  }

  get size(): number {
    return this.mini.documentCount;
  }

  get termCount(): number {
    return this.mini.termCount;
  }

  has(id: string): boolean {
    return this.mini.has(id);
  }

  /** Adds an article, replacing any earlier version with the same id. */
  add(article: Article, meta: { firstSeenAt?: string | undefined; seq?: number | undefined } = {}): void {
    if (this.mini.has(article.id)) this.discard(article.id);
    const short = this.postings.addDocument(article);
    this.setLengths(short, this.mini.fieldLengthsOf(short));
    const outlet = normOutlet(article.outlet);
    if (outlet && !this.outletNames.has(outlet)) this.outletNames.set(outlet, article.outlet!.replace(/\s+/g, ' ').trim());
    const seq = meta.seq ?? this.meta.get(article.id)?.seq ?? 0;
    const date = Date.parse(article.publishedAt ?? meta.firstSeenAt ?? '');
    const entry = { sourceId: article.sourceId, outlet, date, seq };
    this.meta.set(article.id, entry);
    this.shortMeta.set(short, entry);
    if (date < this.dateLo) this.dateLo = date;
    if (date > this.dateHi) this.dateHi = date;
  }

  addMany(items: Iterable<{ article: Article; firstSeenAt?: string | undefined; seq?: number | undefined }>): void {
    for (const { article, firstSeenAt, seq } of items) this.add(article, { firstSeenAt, seq });
  }

  remove(id: string): void {
    if (!this.mini.has(id)) return;
    this.discard(id);
    this.meta.delete(id);
    this.datesStale = true;
  }

  /**
   * True when a date range leaves no document of this index to match (the tiered search then
   * leaves the hot tier out: an archive-only query).
   */
  excludesAll(filters: SearchFilters | undefined): boolean {
    if (!filters?.since && !filters?.until) return false;
    if (this.datesStale) {
      this.dateLo = Infinity;
      this.dateHi = -Infinity;
      for (const m of this.meta.values()) {
        if (m.date < this.dateLo) this.dateLo = m.date;
        if (m.date > this.dateHi) this.dateHi = m.date;
      }
      this.datesStale = false;
    }
    const from = filters.since?.getTime() ?? -Infinity;
    const to = filters.until?.getTime() ?? Infinity;
    // Undated documents never pass a date filter; an empty index has lo > hi.
    return this.dateLo > to || this.dateHi < from;
  }

  /** MiniSearch's discard, then the document's postings deleted at once (no vacuum). */
  private discard(id: string): void {
    const short = this.mini.shortIdOf(id);
    this.mini.discard(id);
    if (short !== undefined) {
      this.postings.removeDocument(short);
      this.setLengths(short, undefined);
      this.shortMeta.set(short, undefined);
    }
  }

  /**
   * Mirrors a document's field lengths (`undefined`: discarded) into `lengths`. Ranking reads one
   * per posting: a Map lookup and an array scattered over the heap per posting made `rankExact`
   * much slower on a window churned by evictions than on the same documents loaded afresh
   * (docs/performance.md).
   */
  private setLengths(short: number, lengths: readonly number[] | undefined): void {
    const base = short * FIELDS.length;
    if (base + FIELDS.length > this.lengths.length) {
      if (!lengths) return;
      const grown = new Uint16Array(Math.max(base + FIELDS.length, this.lengths.length * 2));
      grown.set(this.lengths);
      this.lengths = grown;
    }
    for (let f = 0; f < FIELDS.length; f++) this.lengths[base + f] = lengths ? Math.min(0xfffe, lengths[f] ?? 0) + 1 : 0;
  }

  /** The filters (and the hot floor) over MiniSearch short ids, from `shortMeta`; rejects documents not live. */
  private acceptShortFn(filters: SearchFilters | undefined): (short: number) => boolean {
    return this.shortMeta.acceptor(filters, this.floor);
  }

  /** `acceptShortFn` by article id (for MiniSearch's results); undefined when nothing is filtered. */
  private filterFn(filters: SearchFilters | undefined): ((id: string) => boolean) | undefined {
    const { visibleSources, source, since, until } = filters ?? {};
    if (!visibleSources && !source && !since && !until && this.floor <= 0) return undefined;
    const accept = this.acceptShortFn(filters);
    const mini = this.mini;
    return (id) => {
      const short = mini.shortIdOf(id);
      return short !== undefined && accept(short);
    };
  }

  /**
   * Ranked search: articles containing every term and phrase first (AND), then — only when a page
   * needs more — those containing some (OR). Phrases are verified as consecutive words.
   */
  search(query: ParsedQuery, filters?: SearchFilters, page: { offset?: number; limit?: number } = {}): SearchPage {
    const offset = Math.max(0, page.offset ?? 0);
    const limit = Math.max(0, page.limit ?? 5);
    const accept = this.filterFn(filters);
    const excluded = this.excludedIds(query);
    const keep = (r: SearchResult) => (!accept || accept(r.id as string)) && !excluded.has(r.id as string);
    const phraseTerms = query.phrases.flat();
    const allTerms = [...query.terms, ...phraseTerms];
    const opts = (combineWith: 'AND' | 'OR'): SearchOptions => ({
      combineWith,
      filter: (r) => keep(r),
    });
    // Phrase words must match exactly (no prefix/fuzzy) to be verified as a phrase.
    const tree = (combineWith: 'AND' | 'OR') => ({
      combineWith,
      queries: [
        ...query.terms.map((t) => termQuery(query, t)),
        ...phraseTerms.map((t) => ({ queries: [t], prefix: false, fuzzy: false, combineWith: 'OR' as const })),
      ],
    });
    const candidates = this.mini.search(tree('AND'), opts('AND'));
    let andResults = candidates;
    let approximate = false;
    let total: number;
    if (query.phrases.length === 0) {
      total = candidates.length;
    } else {
      // Verifying a phrase reads the article text: check candidates in rank order until the page
      // is full and a sample is taken, then estimate the rest from the sample's hit rate.
      const needed = Math.max(offset + limit + 1, PHRASE_SAMPLE);
      const verified: SearchResult[] = [];
      let checked = 0;
      for (const r of candidates) {
        if ((checked >= needed && verified.length > offset + limit) || checked >= Math.max(PHRASE_MAX_CHECKS, offset + limit)) break;
        checked++;
        if (this.phrasesPresent(query, r.id as string)) verified.push(r);
      }
      andResults = verified;
      const rest = candidates.length - checked;
      approximate = rest > 0;
      total = verified.length + (rest > 0 ? Math.round((rest * verified.length) / checked) : 0);
    }
    let results: Array<{ r: SearchResult; all: boolean }> = andResults.map((r) => ({ r, all: true }));
    if (allTerms.length > 1 && andResults.length < offset + limit && query.phrases.length === 0) {
      const inAnd = new Set(andResults.map((r) => r.id as string));
      const orResults = this.mini.search(tree('OR'), opts('OR')).filter((r) => !inAnd.has(r.id as string));
      results = results.concat(orResults.map((r) => ({ r, all: false })));
      total += orResults.length;
    }
    const hits = results.slice(offset, offset + limit).map(({ r, all }) => ({
      id: r.id as string,
      score: r.score,
      allTerms: all,
      terms: termSpecs(query, r.terms),
    }));
    return approximate ? { hits, total, approximate } : { hits, total };
  }

  /**
   * The hot tier's side of a merged search: the best `limit` documents containing every term
   * (`mode: 'all'`) or some but not all (`'any'`), with the total. Scores are MiniSearch's BM25
   * divided by its "matched query terms" multiplier, which leaves the same sum of per-term BM25
   * with field boosts that FTS5's bm25() computes for the archive tier. Phrases are not handled
   * here (the tiered search sends phrase queries to the store).
   */
  rank(query: ParsedQuery, filters: SearchFilters | undefined, limit: number, mode: 'all' | 'any'): { hits: TierHit[]; total: number } {
    const accept = this.filterFn(filters);
    const excluded = this.excludedIds(query);
    const keep = (r: SearchResult) => (!accept || accept(r.id as string)) && !excluded.has(r.id as string);
    const prefixes = query.prefixes ?? [];
    const tree = (combineWith: 'AND' | 'OR') => ({
      combineWith,
      queries: [
        ...query.terms.map((t) => termQuery(query, t)),
        ...prefixes.map((t) => ({ queries: [t], prefix: true, fuzzy: false, combineWith: 'OR' as const })),
      ],
    });
    const parts = query.terms.length + prefixes.length;
    let results = this.mini.search(tree('AND'), { combineWith: 'AND', filter: keep });
    if (mode === 'any') {
      if (parts < 2) return { hits: [], total: 0 };
      const inAnd = new Set(results.map((r) => r.id as string));
      results = this.mini.search(tree('OR'), { combineWith: 'OR', filter: (r) => keep(r) && !inAnd.has(r.id as string) });
    }
    const ranked = results.map((r) => ({
      id: r.id as string,
      score: r.score / Math.max(1, r.queryTerms.length),
      terms: termSpecs(query, r.terms),
      inexact: !query.terms.every((t) => r.terms.includes(t)),
    }));
    // Exact matches above prefix and typo matches, whatever their scores.
    ranked.sort((a, b) => Number(a.inexact) - Number(b.inexact) || b.score - a.score);
    return { hits: ranked.slice(0, limit), total: results.length };
  }

  /**
   * The hot tier's side of a merged search for words that are in many of its articles: the best
   * `limit` documents holding every term exactly, scored as `rank` scores exact matches (BM25 per
   * field with the field boosts, summed over terms) but straight from the postings, without
   * MiniSearch's per-match result objects and prefix/typo expansion (tens of milliseconds for
   * 10,000+ postings; this walk takes a few). Returns the exact count of such documents.
   */
  rankExact(query: ParsedQuery, filters: SearchFilters | undefined, limit: number): { hits: TierHit[]; total: number } {
    const m = this.mini;
    const accept = this.acceptShortFn(filters);
    const excluded = this.excludedIds(query);
    const terms = [...new Set(query.terms)];
    if (terms.length === 0) return { hits: [], total: 0 };
    // Scratch arrays by MiniSearch's short document id, reused across searches (only the touched
    // entries are reset): Map lookups per posting cost several times more.
    const size = m.nextShortId;
    if (this.scratchScores.length < size) {
      this.scratchScores = new Float64Array(Math.max(size, this.scratchScores.length * 2));
      this.scratchMatched = new Uint8Array(this.scratchScores.length);
    }
    const scores = this.scratchScores;
    const matched = this.scratchMatched;
    const touched: number[] = [];
    const lengths = this.lengths;
    const n = m.documentCount;
    const need = Math.min(terms.length, 255);
    try {
      for (const [ti, term] of terms.slice(0, need).entries()) {
        const data = m.vocabulary.get(term);
        if (!data) return { hits: [], total: 0 };
        for (const field of FIELDS) {
          const fieldId = m.fieldId(field);
          const docs = data.get(fieldId);
          if (!docs) continue;
          const avg = m.averageFieldLength(fieldId);
          const idf = Math.log(1 + (n - docs.size + 0.5) / (docs.size + 0.5));
          const boost = BOOST[field];
          for (const [doc, tf] of docs) {
            // Every earlier term must already have matched this document (AND).
            const seen = matched[doc]!;
            if (seen < ti) continue;
            const stored = lengths[doc * FIELDS.length + fieldId];
            if (!stored) continue; // not a live document
            const len = stored - 1;
            if (ti === 0 && seen === 0) touched.push(doc);
            scores[doc]! += boost * idf * (0.5 + (tf * 2.2) / (tf + 1.2 * (0.3 + (0.7 * len) / avg)));
            if (seen === ti) matched[doc] = ti + 1;
          }
        }
      }
      const top: Array<{ doc: number; score: number }> = [];
      let total = 0;
      for (const doc of touched) {
        if (matched[doc]! < need || !accept(doc)) continue;
        if (excluded.size > 0) {
          const id = m.idOfShort(doc);
          if (id === undefined || excluded.has(id)) continue;
        }
        total++;
        const score = scores[doc]!;
        if (top.length === limit && score <= top[top.length - 1]!.score) continue;
        let i = top.length;
        while (i > 0 && top[i - 1]!.score < score) i--;
        top.splice(i, 0, { doc, score });
        if (top.length > limit) top.pop();
      }
      const specs = termSpecs(query, terms);
      return { hits: top.map((h) => ({ id: m.idOfShort(h.doc)!, score: h.score, terms: specs })), total };
    } finally {
      for (const doc of touched) {
        scores[doc] = 0;
        matched[doc] = 0;
      }
    }
  }

  /**
   * How a query term expands in the hot vocabulary: its document frequency, prefix completions and
   * typo corrections (as MiniSearch would match them), and the postings scoring them would touch
   * (typo forms only counted when corrections are computed).
   */
  expand(term: string, opts: { corrections?: 'always' | 'if-unknown' } = {}): TermExpansion {
    return expandTerm(this.mini.vocabulary, term, { prefix: prefixFor(term), fuzzy: fuzzyFor(term), corrections: opts.corrections ?? 'always' });
  }

  private excludedIds(query: ParsedQuery): Set<string> {
    if (query.excluded.length === 0) return new Set();
    const res = this.mini.search({ combineWith: 'OR', queries: query.excluded }, { prefix: false, fuzzy: false });
    return new Set(res.map((r) => r.id as string));
  }

  private phrasesPresent(query: ParsedQuery, id: string): boolean {
    if (query.phrases.length === 0) return true;
    const article = this.lookup(id);
    if (!article) return false;
    const tokens = tokenize(`${article.title}\n${article.body.join('\n')}`);
    return query.phrases.every((p) => containsRun(tokens, p));
  }

  /**
   * Query completions for autocomplete and "did you mean" (≤ 25, each ≤ 100 chars): the words
   * typed so far with the last one completed (or corrected) from the index's vocabulary.
   */
  suggest(prefix: string, filters?: SearchFilters, limit = 25): string[] {
    return suggestQueries(this.mini, this.lookup, prefix, this.filterFn(filters), limit);
  }

  /** Articles whose title matches what was typed, for /article autocomplete. */
  titles(prefix: string, filters?: SearchFilters, limit = 25): Array<{ id: string; title: string }> {
    const accept = this.filterFn(filters);
    const text = prefix.trim();
    let ids: string[];
    if (!text) {
      ids = [];
      for (const id of this.meta.keys()) {
        if (!accept || accept(id)) ids.push(id);
        if (ids.length === limit) break;
      }
    } else {
      ids = this.mini
        .search(text, { fields: ['title'], prefix: true, fuzzy: 0.2, combineWith: 'AND', ...(accept ? { filter: (r: SearchResult) => accept(r.id as string) } : {}) })
        .slice(0, limit)
        .map((r) => r.id as string);
    }
    const out: Array<{ id: string; title: string }> = [];
    for (const id of ids) {
      const a = this.lookup(id);
      if (a) out.push({ id, title: a.title });
    }
    return out;
  }

  /** Distinct outlet names among visible articles, sorted. */
  outlets(filters?: SearchFilters): string[] {
    const accept = filters?.visibleSources;
    const seen = new Set<string>();
    for (const m of this.meta.values()) {
      if (m.outlet && (!accept || accept.has(m.sourceId))) seen.add(m.outlet);
    }
    return [...seen].map((o) => this.outletNames.get(o) ?? o).sort((a, b) => a.localeCompare(b));
  }
}
