import type { Article } from '../article.ts';
import type { TermSpec } from '../excerpt.ts';
import type { TextFilters, TextPage, TextQuery, TextSearchOptions } from '../store/types.ts';
import { tokenize, tokenizeWithOffsets } from '../text/tokenize.ts';
import type { SearchFilters, SearchHit, SearchPage } from './article-index.ts';
import { BOOST } from '../search-text/tuning.ts';
import type { Lexicon } from './lexicon.ts';
import { inflect, lemmasOf } from './morphology.ts';
import { STOP_WORDS, type ParsedQuery } from './query.ts';
import { POS, type Related, type WordNet } from './wordnet.ts';

/**
 * Search that understands a paraphrase: a layer over the tiered search. When the typed words do
 * not fill the first page with articles holding all of them (the usual sign of a query in other
 * words than the article's), the rest of the ranking is computed again with each typed word
 * expanded through WordNet — its inflections, synonyms, derivations (born ↔ birth), one level of
 * hypernyms and hyponyms (dictator → hitler) — weighted below the word itself, only for words that
 * are not names and only with forms the archive holds; then, when that ranking still looks weak,
 * with feedback terms from its best articles (RM3). Articles holding all the typed words keep
 * their place and order at the top; queries with phrases or prefixes, and queries whose words
 * have no related forms in the archive, are answered by the tiered search alone.
 *
 * The expanded ranking reads its statistics from the store (document frequencies and the
 * candidates, over the whole archive) and scores the candidates from their text, so it is the same
 * whichever tier holds an article.
 */

/** What the layer needs from the store of record. */
export interface RelevanceStore {
  getArticle(id: string): Promise<Article | undefined>;
  termFrequencies(terms: readonly string[]): Promise<Map<string, number>>;
  searchText(query: TextQuery, filters: TextFilters, opts: TextSearchOptions): Promise<TextPage>;
  /** The newest seq: the archive's size for IDF (deletions leave gaps; counting rows is a scan). */
  maxSeq(): Promise<number>;
}

/** How much a matched form counts against the typed word (1), and the other knobs of the ranking. */
export interface RelevanceWeights {
  inflection: number;
  synonym: number;
  derivation: number;
  similar: number;
  hypernym: number;
  hyponym: number;
  /** Each later WordNet sense of the typed word counts this much less than the one before. */
  senseDecay: number;
  /** Senses of the typed word followed, per part of speech (WordNet lists the most frequent first). */
  maxSenses: number;
  /** Related forms kept per typed word (the heaviest). */
  maxForms: number;
  /** Expansion forms held by more than this share of the archive are left out (they match anything). */
  maxShare: number;
  /** Candidates fetched from the archive per typed word's forms. */
  candidatesPerTerm: number;
  /**
   * Forms a candidate search uses per typed word (the heaviest by weight × IDF), and the largest
   * share of the archive such a form may be in: common forms still count in the scores (read from
   * the candidates' text), but would make the candidate search rank most of the archive.
   */
  retrievalForms: number;
  retrievalShare: number;
  /**
   * Candidates read and scored from their text (the rest of the pool only through their archive
   * ranks): the best by their summed, per-word normalised archive scores.
   */
  rescored: number;
  /** BM25's average document length in words (0: the scored candidates' average, which makes a score depend on the rest of the pool). */
  avgLength: number;
  /** Coordination: the score is multiplied by (typed words matched / typed words) to this power. */
  coordination: number;
  /**
   * Proximity: the score is multiplied by 1 + proximity × the share of the typed words (by IDF)
   * found together within `window` consecutive words of the title or body.
   */
  proximity: number;
  window: number;
  /** Pseudo-relevance feedback: articles read, terms added, their total weight; off when 0 terms. */
  feedbackDocs: number;
  feedbackTerms: number;
  feedbackWeight: number;
  /**
   * Feedback runs only when the ranking looks weak: the best article matches at most this share
   * of the typed words (by IDF), or scores less than `feedbackMargin` times the second.
   */
  feedbackBelow: number;
  feedbackMargin: number;
}

export const RELEVANCE_WEIGHTS: RelevanceWeights = {
  inflection: 0.9,
  synonym: 0.6,
  derivation: 0.5,
  similar: 0.4,
  hypernym: 0.3,
  hyponym: 0.3,
  senseDecay: 0.7,
  maxSenses: 3,
  maxForms: 40,
  maxShare: 0.3,
  candidatesPerTerm: 40,
  retrievalForms: 12,
  retrievalShare: 0.05,
  rescored: 30,
  avgLength: 600,
  coordination: 1,
  proximity: 1,
  window: 30,
  feedbackDocs: 0,
  feedbackTerms: 0,
  feedbackWeight: 0.2,
  feedbackBelow: 0.5,
  feedbackMargin: 1.5,
};

type Via = 'typed' | 'inflection' | Related['rel'] | 'feedback';

export interface ExpansionForm {
  form: string;
  weight: number;
  via: Via;
}

/** A typed word and the forms that count for it. */
export interface Concept {
  term: string;
  /** The typed word first (weight 1), then its expansions, heaviest first. */
  forms: ExpansionForm[];
}

/** Typed words written with a capital letter anywhere in the query: names, never expanded. */
export function capitalisedTerms(raw: string): Set<string> {
  const out = new Set<string>();
  for (const t of tokenizeWithOffsets(raw)) if (/\p{Lu}/u.test(raw.slice(t.start, t.end))) out.add(t.term);
  return out;
}

/**
 * The forms a typed word expands to through WordNet, with their weights (before the archive is
 * asked which of them it holds): its own inflections, then the words related to each of its
 * lemmas, inflected. Names (capitalised in the query, or known to WordNet only as names), numbers,
 * short and stop words expand to nothing.
 */
export function expandTerm(term: string, wn: WordNet, w: RelevanceWeights, name = false): ExpansionForm[] {
  if (name || term.length < 3 || STOP_WORDS.has(term) || !/^\p{L}+$/u.test(term) || wn.isName(term)) return [];
  const best = new Map<string, ExpansionForm>();
  const add = (form: string, weight: number, via: Via) => {
    if (form === term || !/^[a-z]+$/.test(form) || STOP_WORDS.has(form)) return;
    const seen = best.get(form);
    if (!seen || seen.weight < weight) best.set(form, { form, weight, via });
  };
  const weightOf: Record<Related['rel'], number> = { synonym: w.synonym, derivation: w.derivation, similar: w.similar, hypernym: w.hypernym, hyponym: w.hyponym };
  for (const pos of POS) {
    for (const lemma of lemmasOf(term, pos, (l, p) => wn.has(l, p))) {
      if (wn.isName(lemma)) continue;
      for (const f of inflect(lemma, pos)) add(f, w.inflection, 'inflection');
      for (const r of wn.related(lemma, pos, w.maxSenses)) {
        const weight = weightOf[r.rel] * Math.pow(w.senseDecay, r.sense);
        for (const f of inflect(r.word, r.pos)) add(f, weight, r.rel);
      }
    }
  }
  return [...best.values()].sort((a, b) => b.weight - a.weight || (a.form < b.form ? -1 : 1));
}

/** BM25 parameters (FTS5's). */
const K1 = 1.2;
const B = 0.75;
const FIELD_WEIGHTS = { title: BOOST.title, tags: BOOST.tags, byline: BOOST.byline, outlet: BOOST.outlet, body: BOOST.body };

interface DocTerms {
  id: string;
  /** Field-weighted term frequencies. */
  tf: Map<string, number>;
  length: number;
  /** The title's and the body's words in order (for proximity). */
  sequence: string[];
}

function docTerms(a: Article): DocTerms {
  const tf = new Map<string, number>();
  let length = 0;
  const fields: Array<[string, number]> = [
    [a.title, FIELD_WEIGHTS.title],
    [a.tags.join(' '), FIELD_WEIGHTS.tags],
    [a.byline ?? '', FIELD_WEIGHTS.byline],
    [a.outlet ?? '', FIELD_WEIGHTS.outlet],
    [a.body.join('\n'), FIELD_WEIGHTS.body],
  ];
  let sequence: string[] = [];
  for (const [i, [text, weight]] of fields.entries()) {
    if (!text) continue;
    const terms = tokenize(text);
    length += terms.length;
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + weight);
    if (i === 0) sequence = terms.concat(['']);
    if (i === fields.length - 1) sequence = sequence.concat(terms);
  }
  return { id: a.id, tf, length, sequence };
}

interface Ranked {
  hits: SearchHit[];
  total: number;
  approximate: boolean;
}

export interface RelevanceOptions {
  weights?: Partial<RelevanceWeights>;
  /** false: the tiered search alone (the "before" of the relevance score). */
  enabled?: boolean;
}

type FirstPass = (query: ParsedQuery, filters: SearchFilters, page: { offset?: number; limit?: number; memo?: object }) => Promise<SearchPage>;

export class RelevanceSearch {
  readonly weights: RelevanceWeights;
  readonly enabled: boolean;
  /** The expanded ranking of one user search (its calls share the tiered search's memo object). */
  private readonly memos = new WeakMap<object, Promise<Ranked | null>>();
  private readonly dfCache = new Map<string, number>();
  private dfSize = -1;

  constructor(
    private readonly first: FirstPass,
    private readonly store: RelevanceStore,
    private readonly lexicon: Lexicon,
    opts: RelevanceOptions = {},
  ) {
    this.weights = { ...RELEVANCE_WEIGHTS, ...opts.weights };
    this.enabled = opts.enabled ?? true;
  }

  async search(typed: ParsedQuery, filters: SearchFilters, page: { offset?: number; limit?: number; memo?: object } = {}): Promise<SearchPage> {
    if (!this.enabled || typed.phrases.length > 0 || (typed.prefixes?.length ?? 0) > 0 || typed.terms.length === 0) return this.first(typed, filters, page);
    const offset = Math.max(0, page.offset ?? 0);
    const limit = Math.max(0, page.limit ?? 5);
    const need = offset + limit;
    const head = await this.first(typed, filters, { offset: 0, limit: need, ...(page.memo ? { memo: page.memo } : {}) });
    const all = head.hits.filter((h) => h.allTerms);
    const slice = (p: SearchPage): SearchPage => ({ ...p, hits: p.hits.slice(offset, offset + limit) });
    // The typed words fill the page: nothing to expand.
    if (all.length >= need) return slice(head);
    const wn = this.lexicon.current;
    if (!wn) return slice(head);
    const key = page.memo ?? {};
    let ranked = this.memos.get(key);
    if (!ranked || need > RANK_AT_LEAST) {
      ranked = this.rank(typed, filters, Math.max(need, RANK_AT_LEAST), wn);
      this.memos.set(key, ranked);
    }
    const r = await ranked;
    if (!r) return slice(head);
    const seen = new Set(all.map((h) => h.id));
    const hits: SearchHit[] = [...all];
    for (const h of r.hits) if (!seen.has(h.id)) (seen.add(h.id), hits.push(h));
    // Matches of the typed words beyond the expanded ranking's candidates still follow.
    for (const h of head.hits) if (!seen.has(h.id)) (seen.add(h.id), hits.push(h));
    const total = Math.max(head.total, hits.length, all.length + r.total);
    const approximate = (head.approximate ?? false) || r.approximate;
    const out = hits.slice(offset, offset + limit);
    return approximate ? { hits: out, total, approximate } : { hits: out, total };
  }

  /** The expanded ranking (null when no typed word has related forms in the archive). */
  private async rank(typed: ParsedQuery, filters: SearchFilters, need: number, wn: WordNet): Promise<Ranked | null> {
    const w = this.weights;
    const names = capitalisedTerms(typed.raw);
    // The closest forms of each word (relation, then sense) are asked about: the kept ones come from these.
    const expansions = typed.terms.map((t) => expandTerm(t, wn, w, names.has(t)).slice(0, 2 * w.maxForms));
    const [df, archive] = await this.frequencies([...new Set([...typed.terms, ...expansions.flat().map((f) => f.form)])]);
    const n = Math.max(1, archive);
    const idf = (t: string) => {
      const d = df.get(t) ?? 0;
      return Math.log(1 + (n - d + 0.5) / (d + 0.5));
    };
    const concepts: Concept[] = typed.terms.map((term, i) => {
      const kept = expansions[i]!
        .filter((f) => (df.get(f.form) ?? 0) > 0 && (f.via === 'inflection' || (df.get(f.form) ?? 0) <= w.maxShare * n))
        // The closest forms (relation, then sense), not the rarest: a cap by IDF would keep obscure hyponyms.
        .sort((a, b) => b.weight - a.weight || idf(b.form) - idf(a.form) || (a.form < b.form ? -1 : 1))
        .slice(0, w.maxForms);
      return { term, forms: [{ form: term, weight: 1, via: 'typed' as const }, ...kept] };
    });
    if (concepts.every((c) => c.forms.length === 1)) return null;
    const textFilters: TextFilters = {
      ...(filters.visibleSources ? { sourceIds: [...filters.visibleSources] } : {}),
      ...(filters.source ? { source: filters.source } : {}),
      ...(filters.since ? { since: filters.since } : {}),
      ...(filters.until ? { until: filters.until } : {}),
    };
    // Candidates: for each typed word, the archive's best articles holding it or one of its forms.
    const pool = new Map<string, number>();
    let approximate = false;
    let total = 0;
    // Enough candidates for the hits asked (story grouping asks for up to 200), shared among the words.
    const perTerm = Math.max(w.candidatesPerTerm, Math.ceil(need / concepts.length));
    for (const c of concepts) {
      const forms = c.forms
        .filter((f) => (df.get(f.form) ?? 0) > 0 && (df.get(f.form) ?? 0) <= w.retrievalShare * n)
        .sort((a, b) => b.weight * idf(b.form) - a.weight * idf(a.form) || (a.form < b.form ? -1 : 1))
        .slice(0, w.retrievalForms)
        .map((f) => f.form);
      if (forms.length === 0) continue;
      const page = await this.store.searchText({ terms: [forms[0]!], alternatives: new Map([[forms[0]!, forms.slice(1)]]), phrases: [], excluded: typed.excluded }, textFilters, { limit: perTerm });
      approximate ||= page.approximate;
      total = Math.max(total, page.total);
      const best = page.hits[0]?.score ?? 0;
      for (const h of page.hits) pool.set(h.id, (pool.get(h.id) ?? 0) + (best > 0 ? h.score / best : 0));
    }
    // Reading and tokenising an article costs about a millisecond: only the most promising are scored.
    const chosen = [...pool.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Math.max(w.rescored, need));
    const docs: DocTerms[] = [];
    for (const [id] of chosen) {
      const a = await this.store.getArticle(id);
      if (a) docs.push(docTerms(a));
    }
    if (docs.length === 0) return null;
    const avg = w.avgLength > 0 ? w.avgLength : docs.reduce((s, d) => s + d.length, 0) / docs.length;
    // How much each typed word weighs in the coverage: its IDF (a word in every article, or in
    // none, tells little about which article is meant).
    const conceptIdf = (c: Concept) => (c.term === '' ? 0 : idf(c.term));
    const scoreDocs = (cs: Concept[]) => {
      const mass = cs.reduce((s, c) => s + conceptIdf(c), 0) || 1;
      return docs
        .map((d) => {
          let sum = 0;
          let covered = 0;
          const also: Array<[string, number]> = [];
          const specs: TermSpec[] = [];
          for (const c of cs) {
            let best = 0;
            let bestForm: ExpansionForm | null = null;
            const present: string[] = [];
            for (const f of c.forms) {
              const tf = d.tf.get(f.form);
              if (!tf) continue;
              present.push(f.form);
              const s = f.weight * idf(f.form) * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * d.length) / avg)));
              if (s > best) {
                best = s;
                bestForm = f;
              }
            }
            if (bestForm) {
              sum += best;
              covered += conceptIdf(c) * bestForm.weight;
              // A related word (not an inflection of the typed one) standing in for a missing typed word.
              if (c.term !== '' && !present.includes(c.term) && bestForm.via !== 'inflection') also.push([bestForm.form, best]);
            }
            if (c.term !== '') specs.push({ query: c.term, forms: present.length ? [c.term, ...present.filter((p) => p !== c.term)] : [c.term] });
          }
          const near = w.proximity > 0 ? nearShare(d.sequence, cs, conceptIdf, w.window) / mass : 0;
          const score = sum * Math.pow(covered / mass, w.coordination) * (1 + w.proximity * near);
          // Shown when they carried a real share of the score.
          const decided = also.filter(([, s]) => s >= EXPLAIN_SHARE * sum).sort((a, b) => b[1] - a[1]).map(([f]) => f);
          return { id: d.id, score, matched: covered / mass, specs, also: decided };
        })
        .filter((s) => s.score > 0)
        .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    };
    let scored = scoreDocs(concepts);
    // Pseudo-relevance feedback when even the best article matches few of the typed words.
    const weak = scored.length > 0 && (scored[0]!.matched <= w.feedbackBelow || (scored.length > 1 && scored[0]!.score < w.feedbackMargin * scored[1]!.score));
    if (w.feedbackTerms > 0 && weak) {
      const feedback = await this.feedback(scored.slice(0, w.feedbackDocs).map((s) => docs.find((d) => d.id === s.id)!), concepts, n, df);
      if (feedback) scored = scoreDocs([...concepts, feedback]);
    }
    return {
      hits: scored.map((s) => ({ id: s.id, score: s.score, allTerms: false, terms: s.specs, ...(s.also.length ? { alsoMatched: s.also.slice(0, 4) } : {}) })),
      total: Math.max(total, scored.length),
      approximate,
    };
  }

  /**
   * Document frequencies (and the archive's size) from the store, remembered while the archive has
   * grown by less than 1 %: the same words come back query after query, and a df that is 1 % stale
   * changes no ranking.
   */
  private async frequencies(terms: string[]): Promise<[Map<string, number>, number]> {
    const size = await this.store.maxSeq();
    if (Math.abs(size - this.dfSize) > this.dfSize * 0.01) {
      this.dfCache.clear();
      this.dfSize = size;
    }
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const t of terms) {
      const d = this.dfCache.get(t);
      if (d === undefined) missing.push(t);
      else out.set(t, d);
    }
    if (missing.length) {
      for (const [t, d] of await this.store.termFrequencies(missing)) {
        out.set(t, d);
        if (this.dfCache.size >= DF_CACHE) this.dfCache.delete(this.dfCache.keys().next().value!);
        this.dfCache.set(t, d);
      }
    }
    return [out, size];
  }

  /** RM3-style feedback: the terms most typical of the best articles, as one more weighted "word". */
  private async feedback(top: DocTerms[], concepts: Concept[], n: number, known: Map<string, number>): Promise<Concept | null> {
    const w = this.weights;
    const used = new Set(concepts.flatMap((c) => c.forms.map((f) => f.form)));
    const weight = new Map<string, number>();
    for (const d of top) {
      for (const [t, tf] of d.tf) {
        if (used.has(t) || t.length < 3 || STOP_WORDS.has(t) || !/^\p{L}+$/u.test(t)) continue;
        weight.set(t, (weight.get(t) ?? 0) + tf / Math.max(1, d.length));
      }
    }
    const candidates = [...weight.entries()].sort((a, b) => b[1] - a[1]).slice(0, w.feedbackTerms * 4).map(([t]) => t);
    const [df] = await this.frequencies(candidates);
    for (const [t, d] of df) known.set(t, d);
    const scored = candidates
      .filter((t) => (df.get(t) ?? 0) >= 2 && (df.get(t) ?? 0) <= w.maxShare * n)
      .map((t) => [t, weight.get(t)! * Math.log(n / (df.get(t) ?? 1))] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, w.feedbackTerms);
    if (scored.length === 0) return null;
    const max = scored[0]![1];
    return { term: '', forms: scored.map(([form, s]) => ({ form, weight: (w.feedbackWeight * s) / max, via: 'feedback' as const })) };
  }
}

/**
 * The largest IDF mass of typed words (each through its best form, by its weight) found within
 * `window` consecutive words of a sequence.
 */
function nearShare(sequence: string[], concepts: Concept[], conceptIdf: (c: Concept) => number, window: number): number {
  const formOf = new Map<string, Array<[number, number]>>();
  concepts.forEach((c, ci) => {
    const m = conceptIdf(c);
    if (m <= 0) return;
    for (const f of c.forms) {
      const list = formOf.get(f.form) ?? [];
      list.push([ci, m * f.weight]);
      formOf.set(f.form, list);
    }
  });
  // Matches in order: position, typed word, its mass there.
  const hits: Array<[number, number, number]> = [];
  sequence.forEach((t, i) => {
    for (const [ci, m] of formOf.get(t) ?? []) hits.push([i, ci, m]);
  });
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < hits.length; hi++) {
    while (hits[hi]![0] - hits[lo]![0] >= window) lo++;
    const per = new Map<number, number>();
    for (let k = lo; k <= hi; k++) per.set(hits[k]![1], Math.max(per.get(hits[k]![1]) ?? 0, hits[k]![2]));
    let sum = 0;
    for (const v of per.values()) sum += v;
    if (sum > best) best = sum;
  }
  return best;
}

/** Document frequencies remembered (see `frequencies`). */
const DF_CACHE = 50_000;

/** A related word is named in the reply ("also matched") when it carried at least this share of the result's score. */
const EXPLAIN_SHARE = 0.15;

/** The expanded ranking covers at least this many results (paging stays within one ranking). */
const RANK_AT_LEAST = 50;
