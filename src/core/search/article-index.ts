import MiniSearch, { type SearchOptions, type SearchResult } from 'minisearch';
import { withinEdits } from '../text/edit-distance.ts';
import type { Article } from '../article.ts';
import type { TermSpec } from '../excerpt.ts';
import { tokenize } from '../text/tokenize.ts';
import { BOOST, PHRASE_MAX_CHECKS, PHRASE_SAMPLE } from '../search-text/tuning.ts';
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
  /** Related words (query expansion) matched where the typed word was not: they decided the result. */
  alsoMatched?: string[];
}

export interface SearchPage {
  hits: SearchHit[];
  total: number;
  /** True when `total` is an estimate (phrase matches verified on a sample of a large candidate set). */
  approximate?: boolean;
  /** The search's time budget ran out before the archive tier answered: these hits are what was found by then. */
  stopped?: boolean;
}

/** Per-document metadata for filters, kept outside MiniSearch (which stores only ids). */
interface Meta {
  sourceId: string;
  outlet: string;
  /** publishedAt ?? firstSeenAt, epoch ms; NaN when unknown. */
  date: number;
  /** Store order (0 when unknown); the hot tier holds seq ≥ its floor. */
  seq: number;
}

/** A ranked match of one tier, before paging: scores comparable across tiers (see `rank`). */
export interface TierHit {
  id: string;
  score: number;
  terms: TermSpec[];
  /** Some term matched only by a prefix or typo form (ranked below exact matches). */
  inexact?: boolean;
}

/** One query term as a MiniSearch subquery: a strict term (a name, a short word) only as typed. */
function termQuery(query: ParsedQuery, t: string): { queries: string[]; combineWith: 'OR'; prefix?: false; fuzzy?: false } {
  return query.strict?.includes(t) ? { queries: [t], prefix: false, fuzzy: false, combineWith: 'OR' } : { queries: [t], combineWith: 'OR' };
}

/** Forms of a query term in the index vocabulary and what matching them would cost. */
export interface TermExpansion {
  /** Document frequency of the exact term (0 when absent). */
  df: number;
  /** Prefix completions and typo corrections, most useful first: [form, df]. */
  completions: Array<[string, number]>;
  corrections: Array<[string, number]>;
  /** Posting entries MiniSearch would score for this term with its prefix and fuzzy forms. */
  postings: number;
}

type FieldPostings = Map<number, Map<number, number>>;
interface Vocabulary {
  get(term: string): FieldPostings | undefined;
  atPrefix(prefix: string): Iterable<[string, FieldPostings]>;
  fuzzyGet(term: string, maxDistance: number): Map<string, [FieldPostings, number]>;
}

const FIELDS = ['title', 'body', 'byline', 'tags', 'outlet'] as const;
/** Prefix matching from three letters, fuzzy from four; they score below exact matches. */
const prefixFor = (term: string) => term.length >= 3;
const fuzzyFor = (term: string) => (term.length >= 4 ? 0.2 : false);
const WEIGHTS = { fuzzy: 0.4, prefix: 0.6 };

function normOutlet(s: string | null | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
}

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

/** The parts of MiniSearch 7's instance that its own `add` and `discard` use (see `addCounted`, `Postings`). */
interface MiniInternals {
  _index: { fetch(term: string, make: () => FieldPostings): FieldPostings; delete(term: string): void };
  _fieldIds: Record<string, number>;
  _documentCount: number;
  _idToShortId: Map<string, number>;
  _fieldLength: Map<number, number[]>;
  _dirtCount: number;
  isVacuuming: boolean;
  addDocumentId(id: string): number;
  addFieldLength(shortId: number, fieldId: number, count: number, length: number): void;
}

/** Field ids fit in 3 bits of a posting reference (MiniSearch numbers fields from 0 in `fields` order). */
const FIELD_BITS = 3;

/**
 * Filter metadata by MiniSearch short id (seq, date, source and outlet as numbers), so ranking
 * from postings filters documents without looking up their id strings and metadata objects:
 * those lookups, scattered over the heap on a window churned by evictions, made the anonymous
 * filter the largest cost of `rankExact` (measured 1.5 s of 3.4 per 600 phrase queries).
 */
class ShortMeta {
  seq = new Float64Array(0);
  date = new Float64Array(0);
  source = new Int32Array(0);
  outlet = new Int32Array(0);
  private readonly nums = new Map<string, number>();

  get names(): number {
    return this.nums.size;
  }

  /** The number of a source (`s:` id) or outlet (`o:` normalised name); -1 when none has it. */
  numOf(key: string): number {
    return this.nums.get(key) ?? -1;
  }

  private num(key: string): number {
    let n = this.nums.get(key);
    if (n === undefined) this.nums.set(key, (n = this.nums.size));
    return n;
  }

  /** Records a live document's metadata, or (`undefined`) that the short id is not live. */
  set(short: number, m: Meta | undefined): void {
    if (short >= this.seq.length) {
      if (!m) return;
      const size = Math.max(short + 1, this.seq.length * 2, 1024);
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(size);
        b.set(a);
        return b;
      };
      const old = this.seq.length;
      this.seq = grow(this.seq, (n) => new Float64Array(n));
      this.seq.fill(NaN, old);
      this.date = grow(this.date, (n) => new Float64Array(n));
      this.source = grow(this.source, (n) => new Int32Array(n));
      this.outlet = grow(this.outlet, (n) => new Int32Array(n));
    }
    if (!m) {
      this.seq[short] = NaN;
      return;
    }
    this.seq[short] = m.seq;
    this.date[short] = m.date;
    this.source[short] = this.num(`s:${m.sourceId}`);
    this.outlet[short] = this.num(`o:${m.outlet}`);
  }
}

/**
 * Which postings each hot document has, so removing a document deletes exactly its postings.
 * MiniSearch's own `discard` leaves them for a vacuum that walks the whole vocabulary in timed
 * batches; under sustained ingest with the hot window evicting the oldest article for every new
 * one, that vacuum fell behind by tens of thousands of documents (measured: 80,000 evicted
 * documents' postings still held after 100,000 adds to a 20,000 window, heap 1.4 GB instead of
 * 0.35). A term gets a small integer id while it has postings; a document keeps
 * `termId << 3 | fieldId` for each (term, field) it has: ~1.6 KB per article. Documents loaded
 * from a snapshot have no list (building them doubled the load time): they leave through
 * MiniSearch's discard and vacuum, as all documents did before.
 */
class Postings {
  private readonly ids = new Map<string, number>();
  private readonly byId: Array<FieldPostings | undefined> = [];
  private readonly names: string[] = [];
  private readonly free: number[] = [];
  private readonly docs = new Map<number, Uint32Array>();

  constructor(private readonly mini: MiniInternals) {}

  /** MiniSearch's postings of `term` (created when new) and the term's id. */
  fetch(term: string): { id: number; data: FieldPostings } {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.free.pop() ?? this.names.length;
      this.ids.set(term, id);
      this.names[id] = term;
      this.byId[id] = this.mini._index.fetch(term, newFieldMap);
    } else if (this.byId[id]!.size === 0) {
      // Emptied (by a vacuum, or during one): the tree may hold a new entry for it, or none.
      this.byId[id] = this.mini._index.fetch(term, newFieldMap);
    }
    return { id, data: this.byId[id]! };
  }

  /** Records a document's postings (`termId << FIELD_BITS | fieldId` each). */
  setDocument(short: number, refs: Uint32Array): void {
    this.docs.set(short, refs);
  }

  /**
   * Deletes a discarded document's postings, and terms left with none, from MiniSearch's index.
   * A document with no list (loaded from a snapshot) is left to MiniSearch's vacuum.
   */
  removeDocument(short: number): void {
    const refs = this.docs.get(short);
    if (!refs) return;
    this.docs.delete(short);
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      const id = ref >>> FIELD_BITS;
      const data = this.byId[id];
      if (!data) continue;
      const field = ref & ((1 << FIELD_BITS) - 1);
      const docs = data.get(field);
      if (!docs) continue;
      docs.delete(short);
      if (docs.size === 0) data.delete(field);
      // A vacuum walking the tree meanwhile must not lose its place: it drops empty terms itself.
      if (data.size === 0 && !this.mini.isVacuuming) {
        const term = this.names[id]!;
        this.mini._index.delete(term);
        this.ids.delete(term);
        this.byId[id] = undefined;
        this.names[id] = '';
        this.free.push(id);
      }
    }
    // The postings are gone: nothing is left for a vacuum to find.
    if (this.mini._dirtCount > 0) this.mini._dirtCount--;
  }
}

const newFieldMap = () => new Map<number, Map<number, number>>();

/**
 * `MiniSearch.add` with each field's term frequencies counted first: MiniSearch walks its radix
 * tree once per token (~750 per article), this once per distinct term (~350) — the same index
 * (field lengths are distinct terms, as MiniSearch counts them), about half the cost. No stored
 * fields (the index stores none).
 */
function addCounted(mini: MiniSearch<Article>, article: Article, postings: Postings): void {
  const m = mini as unknown as MiniInternals;
  const short = m.addDocumentId(article.id);
  const refs: number[] = [];
  for (const field of FIELDS) {
    const value = fieldText(article, field);
    if (!value) {
      m.addFieldLength(short, m._fieldIds[field]!, m._documentCount - 1, 0);
      continue;
    }
    const counts = new Map<string, number>();
    for (const t of tokenize(value)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const fieldId = m._fieldIds[field]!;
    m.addFieldLength(short, fieldId, m._documentCount - 1, counts.size);
    for (const [term, n] of counts) {
      // The radix tree scans each node's children to find a term; a hash lookup is much cheaper.
      const { id, data } = postings.fetch(term);
      let docs = data.get(fieldId);
      if (!docs) data.set(fieldId, (docs = new Map()));
      docs.set(short, n);
      refs.push((id << FIELD_BITS) | fieldId);
    }
  }
  postings.setDocument(short, Uint32Array.from(refs));
}

function fieldText(doc: Article, field: (typeof FIELDS)[number]): string {
  if (field === 'body') return doc.body.join('\n');
  if (field === 'tags') return doc.tags.join(' ');
  return (doc as unknown as Record<string, string | null>)[field] ?? '';
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
  private mini: MiniSearch<Article>;
  private readonly meta = new Map<string, Meta>();
  private readonly outletNames = new Map<string, string>();
  /** Bounds on the documents' dates: never narrower than the truth, recomputed after removals when asked. */
  private dateLo = Infinity;
  private dateHi = -Infinity;
  private datesStale = false;
  /** Each term's postings (the same objects as in MiniSearch's radix tree) and each document's. */
  private postings: Postings;
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
    this.mini = new MiniSearch<Article>(ArticleIndex.options());
    this.postings = new Postings(this.mini as unknown as MiniInternals);
  }

  /** The MiniSearch options, also needed to load a snapshot. */
  static options(): ConstructorParameters<typeof MiniSearch<Article>>[0] {
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
  get engine(): MiniSearch<Article> {
    return this.mini;
  }

  /** Replaces the contents with a loaded snapshot: the engine plus per-document metadata in seq order. */
  restore(engine: MiniSearch<Article>, meta: Iterable<[string, { sourceId: string; outlet: string | null; date: number; seq: number }]>): void {
    this.mini = engine;
    this.postings = new Postings(engine as unknown as MiniInternals);
    this.lengths = new Uint16Array(0);
    for (const [short, lengths] of (engine as unknown as MiniInternals)._fieldLength) this.setLengths(short, lengths);
    this.shortMeta = new ShortMeta();
    const shorts = (engine as unknown as MiniInternals)._idToShortId;
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
      const short = shorts.get(id);
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
    addCounted(this.mini, article, this.postings);
    const internals = this.mini as unknown as MiniInternals;
    const short = internals._idToShortId.get(article.id)!;
    this.setLengths(short, internals._fieldLength.get(short));
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
    const short = (this.mini as unknown as MiniInternals)._idToShortId.get(id);
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
   * 2.3× slower on a window churned by evictions than on the same documents loaded afresh (measured).
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
    const { visibleSources, source, since, until } = filters ?? {};
    const sm = this.shortMeta;
    const floor = this.floor;
    let visible: Uint8Array | null = null;
    if (visibleSources) {
      visible = new Uint8Array(sm.names);
      for (const id of visibleSources) {
        const n = sm.numOf(`s:${id}`);
        if (n >= 0) visible[n] = 1;
      }
    }
    const wanted = source ? normOutlet(source) : null;
    const sourceNum = source ? sm.numOf(`s:${source}`) : -1;
    const outletNum = wanted !== null ? sm.numOf(`o:${wanted}`) : -1;
    const from = since?.getTime() ?? -Infinity;
    const to = until?.getTime() ?? Infinity;
    const dated = Boolean(since || until);
    return (short) => {
      // NaN (not live) fails too.
      if (!(sm.seq[short]! >= floor)) return false;
      if (visible && !visible[sm.source[short]!]) return false;
      if (wanted !== null && sm.source[short] !== sourceNum && sm.outlet[short] !== outletNum) return false;
      if (dated) {
        const d = sm.date[short]!;
        if (!(d >= from && d <= to)) return false;
      }
      return true;
    };
  }

  /** `acceptShortFn` by article id (for MiniSearch's results); undefined when nothing is filtered. */
  private filterFn(filters: SearchFilters | undefined): ((id: string) => boolean) | undefined {
    const { visibleSources, source, since, until } = filters ?? {};
    if (!visibleSources && !source && !since && !until && this.floor <= 0) return undefined;
    const accept = this.acceptShortFn(filters);
    const shorts = (this.mini as unknown as MiniInternals)._idToShortId;
    return (id) => {
      const short = shorts.get(id);
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
    const candidates = this.mini.search(tree('AND') as never, opts('AND'));
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
      const orResults = this.mini.search(tree('OR') as never, opts('OR')).filter((r) => !inAnd.has(r.id as string));
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
    let results = this.mini.search(tree('AND') as never, { combineWith: 'AND', filter: keep });
    if (mode === 'any') {
      if (parts < 2) return { hits: [], total: 0 };
      const inAnd = new Set(results.map((r) => r.id as string));
      results = this.mini.search(tree('OR') as never, { combineWith: 'OR', filter: (r) => keep(r) && !inAnd.has(r.id as string) });
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
    const m = this.mini as unknown as { _index: Vocabulary; _fieldIds: Record<string, number>; _avgFieldLength: number[]; _documentIds: Map<number, string>; _documentCount: number };
    const accept = this.acceptShortFn(filters);
    const excluded = this.excludedIds(query);
    const terms = [...new Set(query.terms)];
    if (terms.length === 0) return { hits: [], total: 0 };
    // Scratch arrays by MiniSearch's short document id, reused across searches (only the touched
    // entries are reset): Map lookups per posting cost several times more.
    const size = (this.mini as unknown as { _nextId: number })._nextId;
    if (this.scratchScores.length < size) {
      this.scratchScores = new Float64Array(Math.max(size, this.scratchScores.length * 2));
      this.scratchMatched = new Uint8Array(this.scratchScores.length);
    }
    const scores = this.scratchScores;
    const matched = this.scratchMatched;
    const touched: number[] = [];
    const lengths = this.lengths;
    const n = m._documentCount;
    const need = Math.min(terms.length, 255);
    try {
      for (const [ti, term] of terms.slice(0, need).entries()) {
        const data = m._index.get(term);
        if (!data) return { hits: [], total: 0 };
        for (const field of FIELDS) {
          const fieldId = m._fieldIds[field]!;
          const docs = data.get(fieldId);
          if (!docs) continue;
          const avg = m._avgFieldLength[fieldId]!;
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
          const id = m._documentIds.get(doc);
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
      return { hits: top.map((h) => ({ id: m._documentIds.get(h.doc)!, score: h.score, terms: specs })), total };
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
    const vocab = (this.mini as unknown as { _index: Vocabulary })._index;
    const dfOf = (p: FieldPostings | undefined) => {
      let df = 0;
      let postings = 0;
      if (p) for (const docs of p.values()) {
        postings += docs.size;
        if (docs.size > df) df = docs.size;
      }
      return { df, postings };
    };
    const exact = dfOf(vocab.get(term));
    let postings = exact.postings;
    const completions: Array<[string, number]> = [];
    const corrections: Array<[string, number]> = [];
    if (prefixFor(term)) {
      for (const [form, p] of vocab.atPrefix(term)) {
        if (form === term) continue;
        const c = dfOf(p);
        postings += c.postings;
        completions.push([form, c.df]);
      }
    }
    const fuzz = fuzzyFor(term);
    // A fuzzy walk of the vocabulary with up to 3 edits costs up to ~100 ms for long words:
    // only done when the caller needs corrections for a word the index does not know.
    if (fuzz && (opts.corrections !== 'if-unknown' || (exact.df === 0 && completions.length === 0))) {
      const maxEdits = Math.min(3, Math.round(term.length * fuzz));
      if (maxEdits > 0) {
        for (const [form, [p, distance]] of vocab.fuzzyGet(term, maxEdits)) {
          if (distance === 0 || form.startsWith(term)) continue;
          const c = dfOf(p);
          postings += c.postings;
          corrections.push([form, c.df / (1 + distance * 10)]);
        }
      }
    }
    completions.sort((a, b) => b[1] - a[1]);
    corrections.sort((a, b) => b[1] - a[1]);
    return { df: exact.df, completions, corrections, postings };
  }

  private excludedIds(query: ParsedQuery): Set<string> {
    if (query.excluded.length === 0) return new Set();
    const res = this.mini.search({ combineWith: 'OR', queries: query.excluded } as never, { prefix: false, fuzzy: false });
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
      .filter((s) => s.length <= 100)
      .slice(0, limit);
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
