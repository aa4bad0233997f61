import { BOOST, PHRASE_MAX_CHECKS, PHRASE_SAMPLE } from '../../search-text/tuning.ts';
import { ftsGroup, ftsMatch, ftsQuote } from '../../search-text/fts-text.ts';
import { countWord, hasWord, phrasesInText } from '../../search-text/phrase-text.ts';
import { OWNER_OF } from '../feeds.ts';
import type { Row } from '../rows.ts';
import type { TextFilters, TextHit, TextPage, TextQuery, TextSearchOptions } from '../types.ts';
import { TERM_COUNT_EXACT } from '../types.ts';
import { DENSE_MIN_MATCHES, iso } from '../sqlite-common.ts';
import { SqliteFullText } from '../fulltext/fulltext.sqlite.ts';

/**
 * Matches ranked per archive query at most (the newest below the range's top): ranking them takes
 * a few milliseconds; a query with more is ranked among these and its total extrapolated.
 */
const TEXT_CANDIDATES = 800;
/** Newest matches of a phrase's words read to tell whether the phrase is common (verified on the text). */
const PHRASE_PROBE = 200;
/**
 * A word whose matches make up more than this share of the newest DENSE_PROBE articles holding it
 * is treated as being in more than half of all articles, where FTS5's bm25() gives it an IDF of
 * 1e-6 (it clamps) — after reading its whole doclist to find that out.
 */
const DENSE_SHARE = 0.6;
const DENSE_PROBE = 200;
/** Candidates of a query of dense words only that are ranked from their text (the newest). */
const DENSE_SCORED = 50;
/** FTS5's column weights in its column order (title, tags, byline, outlet, body): the hot tier's boosts, as migration 5 gave bm25(). */
const FTS_WEIGHTS = [BOOST.title, BOOST.tags, BOOST.byline, BOOST.outlet, BOOST.body];
/** bm25's constants, for ranking dense words from the text as FTS5 would. */
const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** Phrases whose rarest word is in more than this share of articles are verified on the text. */
const COMMON_PHRASE_DENSITY = 0.1;

/**
 * SqliteStore's archive tier: FTS5 search, term counts, counts over time (see archive.ts).
 * One link of SqliteStore's class chain (see sqlite-store.ts).
 */
export class SqliteArchive extends SqliteFullText {
  /**
   * One step of the archive index's segment merging (up to `pages` leaf pages, a few ms), which
   * FTS5 would otherwise do inside ingest commits. Returns false when there was nothing to merge.
   * Called after ingests, a step per event-loop turn; 16 pages keeps a step short
   * (docs/performance.md; a long step is the writer's checkpoint in the same call, see
   * restartWalIfLarge).
   */
  maintainArchive(pages = 16): boolean {
    this.restartWalIfLarge();
    const before = (this.stmt('SELECT total_changes() AS n').get() as Row).n as number;
    this.db.exec(`INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', ${Math.max(1, Math.floor(pages))})`);
    // FTS5's documented test: fewer than 2 changes means no merge work was done.
    return ((this.stmt('SELECT total_changes() AS n').get() as Row).n as number) - before >= 2;
  }

  countFromSeq(fromSeq: number): number {
    return (this.stmt('SELECT COUNT(*) AS n FROM articles WHERE seq >= ?').get(fromSeq) as Row).n as number;
  }

  articlesGeneration(): number {
    return Number(this.getMeta('articles_generation') ?? 0);
  }

  hotFloorSeq(since: Date, maxArticles: number): number {
    const byCount = maxArticles <= 0 ? 0 : ((this.stmt('SELECT seq FROM articles ORDER BY seq DESC LIMIT 1 OFFSET ?').get(maxArticles - 1) as Row | undefined)?.seq as number | undefined) ?? 0;
    // first_seen_at grows with seq: the first row of the index range is the oldest hot article
    // (min(seq) over the range would scan all of it).
    const byAge = ((this.stmt('SELECT seq FROM articles WHERE first_seen_at >= ? ORDER BY first_seen_at, seq LIMIT 1').get(iso(since)) as Row | undefined)?.seq as number | undefined) ?? this.maxSeq() + 1;
    return Math.max(byCount, byAge);
  }

  /**
   * Ranked FTS5 search with early termination. FTS5 computes bm25() for every match before
   * ORDER BY can pick the top k, and it does not seek within a doclist: a rowid range with both
   * bounds reads a common word's whole doclist (as long as counting every match, however narrow
   * the range; docs/performance.md), while walking it newest-first from its end reads only what
   * lies above the start. So one statement takes the TEXT_CANDIDATES newest matches
   * below the range's top (newest passing the filters), ranks them by bm25, and extrapolates the
   * total from how far down they reached; a query with fewer matches is ranked and counted whole.
   */
  searchText(query: TextQuery, filters: TextFilters, opts: TextSearchOptions): TextPage {
    const mode = opts.mode ?? 'all';
    const empty: TextPage = { hits: [], total: 0, approximate: false };
    const lo = Math.max(0, filters.fromSeq ?? 0);
    const end = this.maxSeq() + 1;
    let hi = Math.min(filters.toSeq ?? Infinity, end);
    if (hi <= lo) return empty;
    const params = this.textParams(filters);
    if (filters.sourceIds || filters.since || filters.until) {
      // The newest-first walk starts at the newest article that passes the filters (a date range
      // that ends before the newest articles would otherwise spend the candidates on rows the
      // filters then drop).
      const top = this.filterTop(filters, lo, hi);
      if (top === undefined) return empty;
      hi = top + 1;
    }
    const groups = query.terms.map((t) => [t, ...(query.alternatives?.get(t) ?? [])]);
    const prefixes = query.prefixes ?? [];
    const parts = { groups, phrases: query.phrases, prefixes, excluded: query.excluded };
    // The same query with phrases loosened to their words: an upper bound, and what common phrases are matched by.
    const loose = ftsMatch({ ...parts, groups: [...groups, ...query.phrases.flat().map((w) => [w])], phrases: [] }, mode);
    if (!loose) return empty;
    // A phrase of words that are all in most articles has huge position lists, which FTS5 decodes
    // whole: such phrases are matched as their words and verified on the text of the best
    // candidates. Whether they are that common is read from the newest rows (FTS5 has no cheap
    // document frequency: fts5vocab reads whole doclists).
    let verify = false;
    if (mode === 'all' && query.phrases.length > 0) {
      const probe = this.stmt('SELECT min(rowid) AS last, count(*) AS n FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?)').get(loose, hi, PHRASE_PROBE) as Row;
      const n = probe.n as number;
      verify = n >= PHRASE_PROBE && n / Math.max(1, hi - (probe.last as number)) > COMMON_PHRASE_DENSITY;
    }
    // Words in most articles add nothing to bm25() but the cost of reading their doclists for
    // its IDF (O(archive); docs/performance.md): in an all-words query they leave the ranked FTS5
    // query and are checked on the text of the best candidates instead, or — when every word is
    // one — the newest candidates are ranked by their counts in the text, with the weights and
    // length normalisation bm25() would apply.
    // A phrase with a dense word is matched as its words, and checked on the text: as a phrase,
    // FTS5 would decode that word's position lists across the archive for the phrase's IDF.
    const wordParts = query.phrases.length ? { ...parts, groups: [...groups, ...query.phrases.flat().map((w) => [w])], phrases: [] } : parts;
    const dense = mode === 'all' ? this.denseGroups(wordParts.groups, hi, end) : new Set<number>();
    if (dense.size > 0) return this.searchDense(wordParts, dense, query.phrases, filters, { lo, hi, params }, opts.limit);
    const match = verify ? loose : ftsMatch(parts, mode);
    if (!match) return empty;
    const wanted = Math.max(TEXT_CANDIDATES, (verify ? 4 : 1) * opts.limit);
    const sql = `SELECT f.rowid AS seq, f.rank AS rank FROM ${this.textFrom(filters)}
      WHERE articles_fts MATCH ? AND f.rowid < ?${lo > 0 ? ' AND f.rowid >= ?' : ''}${this.filterWhere(filters)} ORDER BY f.rowid DESC LIMIT ?`;
    const found = this.stmt(sql).all(match, hi, ...(lo > 0 ? [lo] : []), ...params, wanted) as Array<{ seq: number; rank: number }>;
    // Fewer than asked: every match of the range is here. Otherwise the matches reached down to the
    // oldest one returned; the rest of the range is assumed as dense.
    const cut = found.length >= wanted;
    const reached = cut ? found[found.length - 1]!.seq : lo;
    const scale = cut ? (hi - lo) / Math.max(1, hi - reached) : 1;
    found.sort((a, b) => a.rank - b.rank || b.seq - a.seq);
    const idOf = this.stmt('SELECT id FROM articles WHERE seq = ?');
    const hit = (r: { seq: number; rank: number }): TextHit => ({ id: (idOf.get(r.seq) as Row).id as string, seq: r.seq, score: -r.rank });
    if (verify) {
      // Best candidates first; the share that holds the phrases estimates the rest.
      const ok: typeof found = [];
      let checked = 0;
      for (const r of found) {
        if (checked >= PHRASE_MAX_CHECKS || (ok.length >= opts.limit && checked >= PHRASE_SAMPLE)) break;
        checked++;
        if (this.phrasesIn(r.seq, query.phrases)) ok.push(r);
      }
      const unchecked = found.length - checked;
      const seen = ok.length + (checked ? (unchecked * ok.length) / checked : 0);
      const approximate = unchecked > 0 || cut;
      return { hits: ok.slice(0, opts.limit).map(hit), total: approximate ? Math.round(seen * scale) : ok.length, approximate };
    }
    const hits = found.slice(0, opts.limit).map(hit);
    return { hits, total: cut ? Math.round(found.length * scale) : found.length, approximate: cut };
  }

  /**
   * Articles holding each term. The newest TERM_COUNT_EXACT matches are read from the end of the
   * term's doclist (as the archive search walks it): fewer is the exact count; otherwise the count
   * is the archive size (its newest seq) times the share of the newest rows that hold the term. A
   * term the index does not hold costs one b-tree lookup.
   */
  termFrequencies(terms: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    const end = this.maxSeq() + 1;
    // The newest seq bounds the article count from above (deletions leave gaps) and costs no scan.
    const total = end - 1;
    const probe = this.stmt(`SELECT count(*) AS n, min(rowid) AS last FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ${TERM_COUNT_EXACT})`);
    for (const term of terms) {
      if (out.has(term) || term.length === 0) continue;
      const r = probe.get(ftsQuote(term)) as Row;
      const n = r.n as number;
      out.set(term, n < TERM_COUNT_EXACT ? n : Math.min(total, Math.round((n * total) / Math.max(1, end - (r.last as number)))));
    }
    return out;
  }

  /**
   * Which groups of alternative forms are in most articles (see DENSE_SHARE) of an archive large
   * enough for it to matter (DENSE_MIN_MATCHES), judged from their newest matches.
   */
  denseGroups(groups: string[][], hi: number, end: number): Set<number> {
    const out = new Set<number>();
    if (hi < this.denseMinMatches) return out;
    const probe = this.stmt(`SELECT count(*) AS n, min(rowid) AS last FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ${DENSE_PROBE})`);
    groups.forEach((g, i) => {
      const forms = g.filter((f) => f.length > 0);
      if (forms.length === 0) return;
      const r = probe.get(ftsGroup(forms)) as Row;
      const share = DENSE_PROBE / Math.max(1, end - (r.last as number));
      if ((r.n as number) >= DENSE_PROBE && share > DENSE_SHARE && share * end >= this.denseMinMatches) out.add(i);
    });
    return out;
  }

  /**
   * The archive search of an all-words query some of whose words are dense (see denseGroups):
   * the other parts ranked by FTS5 and the dense words verified on the text of the best
   * candidates; or, with dense words only, the newest candidates ranked from their text.
   */
  searchDense(parts: { groups: string[][]; phrases: string[][]; prefixes: string[]; excluded: string[] }, dense: Set<number>, phrases: string[][], filters: TextFilters, range: { lo: number; hi: number; params: unknown[] }, limit: number): TextPage {
    const { lo, hi, params } = range;
    const denseForms = parts.groups.filter((_, i) => dense.has(i)).map((g) => g.filter((f) => f.length > 0));
    const rest = { ...parts, groups: parts.groups.filter((_, i) => !dense.has(i)) };
    const rankedMatch = ftsMatch(rest, 'all');
    const match = rankedMatch ?? ftsMatch(parts, 'all')!;
    const wanted = Math.max(TEXT_CANDIDATES, 4 * limit);
    const sql = `SELECT f.rowid AS seq${rankedMatch ? ', f.rank AS rank' : ''} FROM ${this.textFrom(filters)}
      WHERE articles_fts MATCH ? AND f.rowid < ?${lo > 0 ? ' AND f.rowid >= ?' : ''}${this.filterWhere(filters)} ORDER BY f.rowid DESC LIMIT ?`;
    const found = this.stmt(sql).all(match, hi, ...(lo > 0 ? [lo] : []), ...params, wanted) as Array<{ seq: number; rank?: number }>;
    const cut = found.length >= wanted;
    const scale = cut ? (hi - lo) / Math.max(1, hi - found[found.length - 1]!.seq) : 1;
    const idOf = this.stmt('SELECT id FROM articles WHERE seq = ?');
    const text = this.stmt('SELECT title, tags, byline, outlet, body FROM articles WHERE seq = ?');
    const columns = (seq: number): string[] | null => {
      const r = text.get(seq) as Row | undefined;
      if (!r) return null;
      return [r.title as string, (JSON.parse(r.tags as string) as string[]).join('\n'), (r.byline as string | null) ?? '', (r.outlet as string | null) ?? '', (JSON.parse(r.body as string) as string[]).join('\n')];
    };
    // Phrases (common ones, matched as their words) hold in the title or body as consecutive words.
    const holds = (cols: string[]) => phrases.length === 0 || phrasesInText(cols[0]!, [cols[4]!], phrases);
    if (!rankedMatch) {
      // Dense words only: every candidate holds them (FTS5 matched them); the newest are ranked by
      // bm25's term-frequency part (the IDF is the same 1e-6 for all), the rest follow newest first.
      // With phrases, the newest candidates that hold them are (the share checked estimates the total).
      const kept: Array<{ seq: number; cols: string[] }> = [];
      let checked = 0;
      for (const r of found) {
        if (kept.length >= DENSE_SCORED || (phrases.length > 0 && checked >= PHRASE_MAX_CHECKS)) break;
        checked++;
        const cols = columns(r.seq);
        if (cols && holds(cols)) kept.push({ seq: r.seq, cols });
      }
      const scored = kept.map(({ seq, cols }) => {
        const freq = denseForms.map((forms) => cols.reduce((sum, c, ci) => sum + FTS_WEIGHTS[ci]! * forms.reduce((n, f) => n + (c ? countWord(c, f) : 0), 0), 0));
        const length = cols.reduce((n, c) => n + (c ? c.split(/\s+/).length : 0), 0);
        return { seq, freq, length };
      });
      const avg = scored.reduce((n, s) => n + s.length, 0) / Math.max(1, scored.length);
      const ranked = scored
        .map((s) => ({ seq: s.seq, score: s.freq.reduce((sum, f) => sum + (1e-6 * f * (BM25_K1 + 1)) / (f + BM25_K1 * (1 - BM25_B + (BM25_B * s.length) / Math.max(1, avg))), 0) }))
        .sort((a, b) => b.score - a.score || b.seq - a.seq);
      const order = phrases.length ? ranked : [...ranked, ...found.slice(checked).map((r) => ({ seq: r.seq, score: 0 }))];
      const hits = order.slice(0, limit).map((r) => ({ id: (idOf.get(r.seq) as Row).id as string, seq: r.seq, score: r.score }));
      if (phrases.length === 0) return { hits, total: cut ? Math.round(found.length * scale) : found.length, approximate: cut };
      const unchecked = found.length - checked;
      const share = checked ? kept.length / checked : 0;
      const approximate = unchecked > 0 || cut;
      return { hits, total: approximate ? Math.round((kept.length + unchecked * share) * scale) : kept.length, approximate };
    }
    // Ranked without the dense words; the best candidates that hold them (any form) are kept.
    found.sort((a, b) => a.rank! - b.rank! || b.seq - a.seq);
    const ok: typeof found = [];
    let checked = 0;
    for (const r of found) {
      if (checked >= PHRASE_MAX_CHECKS || (ok.length >= limit && checked >= PHRASE_SAMPLE)) break;
      checked++;
      const cols = columns(r.seq);
      if (cols && denseForms.every((forms) => forms.some((f) => cols.some((c) => c && hasWord(c, f)))) && holds(cols)) ok.push(r);
    }
    const unchecked = found.length - checked;
    const seen = ok.length + (checked ? (unchecked * ok.length) / checked : 0);
    const approximate = unchecked > 0 || cut;
    return { hits: ok.slice(0, limit).map((r) => ({ id: (idOf.get(r.seq) as Row).id as string, seq: r.seq, score: -r.rank! })), total: approximate ? Math.round(seen * scale) : ok.length, approximate };
  }

  /**
   * The newest seq in [lo, hi) passing the source and date filters (the outlet filter is left out:
   * it is not in the index, and a bound from fewer filters is still a bound).
   */
  filterTop(filters: TextFilters, lo: number, hi: number): number | undefined {
    const bounds = { ...filters, source: undefined };
    const params = this.textParams(bounds);
    const generation = this.articlesGeneration();
    if (generation !== this.topsGeneration) {
      this.tops.clear();
      this.topsGeneration = generation;
    }
    const key = JSON.stringify([lo, hi, params]);
    if (this.tops.has(key)) return this.tops.get(key);
    const top = this.stmt(`SELECT a.seq AS seq FROM articles a INDEXED BY articles_seq_date WHERE a.seq >= ? AND a.seq < ?${this.filterWhere(bounds)} ORDER BY a.seq DESC LIMIT 1`).get(lo, hi, ...params) as Row | undefined;
    if (this.tops.size >= 64) this.tops.delete(this.tops.keys().next().value!);
    this.tops.set(key, top?.seq as number | undefined);
    return top?.seq as number | undefined;
  }

  /**
   * The archive search's FROM: FTS5 alone without filters; with source or date filters, articles
   * joined through the narrow (seq, source, date) index, never the rows themselves (a row's dates
   * lie after its body); the outlet filter needs the row.
   */
  textFrom(filters: TextFilters): string {
    if (filters.source) return 'articles_fts f CROSS JOIN articles a ON a.seq = f.rowid';
    return filters.sourceIds || filters.since || filters.until ? 'articles_fts f CROSS JOIN articles a INDEXED BY articles_seq_date ON a.seq = f.rowid' : 'articles_fts f';
  }

  /** True when the article's title or body holds every phrase as consecutive words. */
  phrasesIn(seq: number, phrases: string[][]): boolean {
    const r = this.stmt('SELECT title, body FROM articles WHERE seq = ?').get(seq) as Row | undefined;
    return r ? phrasesInText(r.title as string, JSON.parse(r.body as string) as string[], phrases) : false;
  }

  /** The filters as ` AND …` conditions on `articles a` (parameters from `textParams`). */
  filterWhere(f: TextFilters): string {
    const where: string[] = [];
    if (f.sourceIds) where.push('a.source_id IN (SELECT value FROM json_each(?))');
    if (f.source) where.push(`(a.source_id = ${OWNER_OF} OR lower(trim(coalesce(a.outlet, ''))) = ?)`);
    if (f.since) where.push('coalesce(a.published_at, a.first_seen_at) >= ?');
    if (f.until) where.push('coalesce(a.published_at, a.first_seen_at) <= ?');
    return where.map((w) => ` AND ${w}`).join('');
  }

  textParams(f: TextFilters): unknown[] {
    const p: unknown[] = [];
    if (f.sourceIds) p.push(JSON.stringify(f.sourceIds));
    if (f.source) p.push(f.source, f.source.replace(/\s+/g, ' ').trim().toLowerCase());
    if (f.since) p.push(iso(f.since));
    if (f.until) p.push(iso(f.until));
    return p;
  }
}
