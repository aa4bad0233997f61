import MiniSearch, { type SearchOptions, type SearchResult } from 'minisearch';
import type { Article } from '../article.ts';
import type { TermSpec } from '../excerpt.ts';
import { tokenize } from '../text/tokenize.ts';
import type { ParsedQuery } from './query.ts';

export interface SearchFilters {
  /** Tenancy: only articles whose sourceId is in this set are visible (undefined = all). */
  visibleSources?: ReadonlySet<string>;
  /** A source id, or an outlet name (case-insensitive). */
  source?: string;
  /** Inclusive. */
  since?: Date;
  /** Inclusive. */
  until?: Date;
}

export interface SearchHit {
  id: string;
  score: number;
  /** In the first group: every term and phrase present. */
  allTerms: boolean;
  terms: TermSpec[];
}

export interface SearchPage {
  hits: SearchHit[];
  total: number;
  /** True when `total` is an estimate (phrase matches verified on a sample of a large candidate set). */
  approximate?: boolean;
}

/** Phrase candidates verified beyond the page before the rest is estimated from the sample. */
const PHRASE_SAMPLE = 40;
/** Hard cap on phrase verifications per query (each reads an article): bounds the worst case. */
const PHRASE_MAX_CHECKS = 250;
/** Discord autocomplete: at most 25 choices of at most 100 characters. */
const SUGGEST_MAX = 25;
const SUGGEST_MAX_CHARS = 100;

/** Per-document metadata for filters, kept outside MiniSearch (which stores only ids). */
interface Meta {
  sourceId: string;
  outlet: string;
  /** publishedAt ?? firstSeenAt, epoch ms; NaN when unknown. */
  date: number;
}

const FIELDS = ['title', 'body', 'byline', 'tags', 'outlet'] as const;
const BOOST = { title: 3, tags: 2, outlet: 1.5, byline: 1.5, body: 1 };
/** Prefix matching from three letters, fuzzy from four; they score below exact matches. */
const prefixFor = (term: string) => term.length >= 3;
const fuzzyFor = (term: string) => (term.length >= 4 ? 0.2 : false);
const WEIGHTS = { fuzzy: 0.4, prefix: 0.6 };

function normOutlet(s: string | null | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
}

function editDistanceWithin(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return false;
    prev = cur;
  }
  return prev[b.length]! <= max;
}

/** Which document terms of a result came from which query term (exact, prefix or fuzzy). */
function termSpecs(query: ParsedQuery, matched: string[]): TermSpec[] {
  const specs: TermSpec[] = query.terms.map((q) => {
    const forms = new Set([q]);
    const fuzz = fuzzyFor(q);
    const maxEdits = fuzz ? Math.min(6, Math.round(q.length * fuzz)) : 0;
    for (const t of matched) {
      if (t === q || (prefixFor(q) && t.startsWith(q)) || (maxEdits > 0 && editDistanceWithin(t, q, maxEdits))) forms.add(t);
    }
    return { query: q, forms: [...forms] };
  });
  for (const p of query.phrases) specs.push({ query: p.join(' '), forms: [p.join(' ')], phrase: true });
  return specs;
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
  private readonly mini: MiniSearch<Article>;
  private readonly meta = new Map<string, Meta>();
  private readonly outletNames = new Map<string, string>();

  constructor(private readonly lookup: (id: string) => Article | undefined) {
    this.mini = new MiniSearch<Article>({
      fields: [...FIELDS],
      storeFields: [],
      idField: 'id',
      tokenize,
      processTerm: (t) => t,
      extractField: (doc, field) => {
        if (field === 'id') return doc.id;
        if (field === 'body') return doc.body.join('\n');
        if (field === 'tags') return doc.tags.join(' ');
        return (doc as unknown as Record<string, string | null>)[field] ?? '';
      },
      searchOptions: { boost: BOOST, prefix: prefixFor, fuzzy: fuzzyFor, weights: WEIGHTS, maxFuzzy: 3 },
      autoSuggestOptions: { boost: BOOST, prefix: (_t, i, terms) => i === terms.length - 1, fuzzy: fuzzyFor, weights: WEIGHTS, combineWith: 'AND' },
    });
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
  add(article: Article, meta: { firstSeenAt?: string } = {}): void {
    if (this.mini.has(article.id)) this.mini.discard(article.id);
    this.mini.add(article);
    const outlet = normOutlet(article.outlet);
    if (outlet && !this.outletNames.has(outlet)) this.outletNames.set(outlet, article.outlet!.replace(/\s+/g, ' ').trim());
    this.meta.set(article.id, { sourceId: article.sourceId, outlet, date: Date.parse(article.publishedAt ?? meta.firstSeenAt ?? '') });
  }

  addMany(items: Iterable<{ article: Article; firstSeenAt?: string }>): void {
    for (const { article, firstSeenAt } of items) this.add(article, firstSeenAt === undefined ? {} : { firstSeenAt });
  }

  remove(id: string): void {
    if (!this.mini.has(id)) return;
    this.mini.discard(id);
    this.meta.delete(id);
  }

  private filterFn(filters: SearchFilters | undefined): ((id: string) => boolean) | undefined {
    if (!filters) return undefined;
    const { visibleSources, source, since, until } = filters;
    if (!visibleSources && !source && !since && !until) return undefined;
    const sourceId = source?.trim();
    const wanted = sourceId ? normOutlet(sourceId) : null;
    const from = since?.getTime() ?? -Infinity;
    const to = until?.getTime() ?? Infinity;
    const dated = Boolean(since || until);
    return (id) => {
      const m = this.meta.get(id);
      if (!m) return false;
      if (visibleSources && !visibleSources.has(m.sourceId)) return false;
      if (wanted !== null && m.sourceId !== sourceId && m.outlet !== wanted) return false;
      if (dated && !(m.date >= from && m.date <= to)) return false;
      return true;
    };
  }

  /**
   * Ranked search: articles containing every term and phrase first (AND), then — only when a page
   * needs more — those containing some of the plain terms (OR). Phrases stay mandatory in both
   * groups and are verified as consecutive words.
   */
  search(query: ParsedQuery, filters?: SearchFilters, page: { offset?: number; limit?: number } = {}): SearchPage {
    const offset = Math.max(0, Math.floor(page.offset ?? 0));
    const limit = Math.max(0, Math.floor(page.limit ?? 5));
    const wanted = offset + limit;
    const accept = this.filterFn(filters);
    const excluded = this.excludedIds(query);
    const opts = (combineWith: 'AND' | 'OR'): SearchOptions => ({
      combineWith,
      filter: (r) => (!accept || accept(r.id as string)) && !excluded.has(r.id as string),
    });
    // Phrase words must match exactly (no prefix/fuzzy) to be verified as a phrase.
    const phraseQueries = query.phrases.flat().map((t) => ({ queries: [t], prefix: false, fuzzy: false, combineWith: 'OR' as const }));
    const termQueries = query.terms.map((t) => ({ queries: [t], combineWith: 'OR' as const }));
    const andTree = { combineWith: 'AND' as const, queries: [...termQueries, ...phraseQueries] };

    const candidates = this.mini.search(andTree as never, opts('AND'));
    const first = this.verifyPhrases(query, candidates, wanted);
    let total = first.total;
    let approximate = first.approximate;
    let results: Array<{ r: SearchResult; all: boolean }> = first.verified.map((r) => ({ r, all: true }));

    const relaxable = query.phrases.length > 0 ? query.terms.length >= 1 : query.terms.length > 1;
    if (relaxable && first.verified.length < wanted && !first.approximate) {
      const inAnd = new Set(candidates.map((r) => r.id as string));
      let orCandidates: SearchResult[];
      if (phraseQueries.length === 0) {
        orCandidates = this.mini.search({ combineWith: 'OR', queries: termQueries } as never, opts('OR'));
      } else {
        // Phrases stay mandatory; only the plain terms are relaxed (any of them, or none). The
        // phrase words still take part in scoring, so the ranking weighs every word matched.
        const phraseTree = { combineWith: 'AND' as const, queries: phraseQueries };
        const withPhrase = new Set(this.mini.search(phraseTree as never, opts('AND')).map((r) => r.id as string));
        orCandidates = this.mini.search({ combineWith: 'OR', queries: [phraseTree, ...termQueries] } as never, {
          combineWith: 'OR',
          filter: (r) => withPhrase.has(r.id as string),
        });
      }
      orCandidates = orCandidates.filter((r) => !inAnd.has(r.id as string));
      const rest = this.verifyPhrases(query, orCandidates, wanted - first.verified.length);
      results = results.concat(rest.verified.map((r) => ({ r, all: false })));
      total += rest.total;
      approximate ||= rest.approximate;
    }
    const hits = results.slice(offset, wanted).map(({ r, all }) => ({
      id: r.id as string,
      score: r.score,
      allTerms: all,
      terms: termSpecs(query, r.terms),
    }));
    return approximate ? { hits, total, approximate } : { hits, total };
  }

  /**
   * Keeps the candidates that contain every phrase, in rank order. Verifying reads the article
   * text, so candidates are checked until `wanted` are found and a sample is taken (capped at
   * PHRASE_MAX_CHECKS); the count of the unchecked rest is estimated from the sample's hit rate.
   */
  private verifyPhrases(query: ParsedQuery, candidates: SearchResult[], wanted: number): { verified: SearchResult[]; total: number; approximate: boolean } {
    if (query.phrases.length === 0) return { verified: candidates, total: candidates.length, approximate: false };
    const needed = Math.max(wanted + 1, PHRASE_SAMPLE);
    const maxChecks = Math.max(PHRASE_MAX_CHECKS, wanted);
    const verified: SearchResult[] = [];
    let checked = 0;
    for (const r of candidates) {
      if ((checked >= needed && verified.length > wanted) || checked >= maxChecks) break;
      checked++;
      if (this.phrasesPresent(query, r.id as string)) verified.push(r);
    }
    const rest = candidates.length - checked;
    const estimate = rest > 0 && checked > 0 ? Math.round((rest * verified.length) / checked) : 0;
    return { verified, total: verified.length + estimate, approximate: rest > 0 };
  }

  private excludedIds(query: ParsedQuery): Set<string> {
    if (query.excluded.length === 0) return new Set();
    const res = this.mini.search({ combineWith: 'OR', queries: query.excluded } as never, { prefix: false, fuzzy: false });
    return new Set(res.map((r) => r.id as string));
  }

  /** Whether every phrase occurs as consecutive words within the title or within one paragraph. */
  private phrasesPresent(query: ParsedQuery, id: string): boolean {
    if (query.phrases.length === 0) return true;
    const article = this.lookup(id);
    if (!article) return false;
    // A run must not straddle the title and the first paragraph, or two paragraphs: the excerpt
    // builder could not show it, and it is not what the reporter quoted.
    const parts = [article.title, ...article.body].map((text) => tokenize(text));
    return query.phrases.every((p) => parts.some((tokens) => containsRun(tokens, p)));
  }

  /**
   * Query completions for autocomplete and "did you mean" (≤ 25, each ≤ 100 chars): the words
   * typed so far with the last one completed (or corrected) from the index's vocabulary.
   */
  suggest(prefix: string, filters?: SearchFilters, limit = SUGGEST_MAX): string[] {
    const words = tokenize(prefix);
    if (words.length === 0) return [];
    const accept = this.filterFn(filters);
    const found = this.mini.autoSuggest(prefix, accept ? { filter: (r) => accept(r.id as string) } : {});
    const last = words[words.length - 1]!;
    const lead = words.slice(0, -1);
    // Score each completion of the last word by the suggestions it appears in; exact prefix
    // completions beat typo corrections.
    const scores = new Map<string, number>();
    for (const s of found) {
      for (const term of s.terms) {
        if (lead.includes(term) && term !== last) continue;
        const weight = term.startsWith(last) ? 1 : 0.5;
        scores.set(term, (scores.get(term) ?? 0) + s.score * weight);
      }
    }
    // After a word, prefer completions that follow it somewhere in the text ("storm" → "storm corps").
    const previous = lead[lead.length - 1];
    if (previous && scores.size > 1) {
      const top = this.mini.search(prefix, { combineWith: 'AND', prefix: (_t, i, terms) => i === terms.length - 1, fuzzy: false, ...(accept ? { filter: (r: SearchResult) => accept(r.id as string) } : {}) }).slice(0, 8);
      for (const r of top) {
        const article = this.lookup(r.id as string);
        if (!article) continue;
        const tokens = tokenize(`${article.title}\n${article.body.join('\n')}`);
        for (let i = 0; i + 1 < tokens.length; i++) {
          if (tokens[i] === previous && scores.has(tokens[i + 1]!)) scores.set(tokens[i + 1]!, scores.get(tokens[i + 1]!)! + 1e6);
        }
      }
    }
    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([term]) => [...lead, term].join(' '))
      .filter((s) => s.length <= SUGGEST_MAX_CHARS)
      .slice(0, Math.min(limit, SUGGEST_MAX));
  }

  /** Articles whose title matches what was typed, for /article autocomplete. */
  titles(prefix: string, filters?: SearchFilters, limit = SUGGEST_MAX): Array<{ id: string; title: string }> {
    const accept = this.filterFn(filters);
    const text = prefix.trim();
    const max = Math.max(0, Math.min(limit, SUGGEST_MAX));
    let ids: string[];
    if (!text) {
      ids = [];
      for (const id of this.meta.keys()) {
        if (ids.length >= max) break;
        if (!accept || accept(id)) ids.push(id);
      }
    } else {
      ids = this.mini
        .search(text, { fields: ['title'], prefix: true, fuzzy: 0.2, combineWith: 'AND', ...(accept ? { filter: (r: SearchResult) => accept(r.id as string) } : {}) })
        .slice(0, max)
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
