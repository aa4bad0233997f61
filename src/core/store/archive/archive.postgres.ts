import type { TextFilters, TextHit, TextPage, TextQuery, TextSearchOptions } from '../types.ts';
import { buildTextQuery, TEXT_CONFIG } from './postgres-text-query.ts';
import { foldDays, type TextCountOptions, type TextCounts } from './text-counts.ts';
import { TERM_COUNT_EXACT } from '../types.ts';
import { TEXT_SEGMENT_CANDIDATES, TEXT_PROBE_ROWS, TEXT_MAX_CANDIDATES, iso, OUTLET_SHOWN } from '../postgres-common.ts';
import { PostgresFullText } from '../fulltext/fulltext.postgres.ts';

/**
 * PostgresStore's archive tier: tsvector search, term counts, counts over time (see archive.ts).
 * One link of PostgresStore's class chain (see postgres-store.ts).
 */
export class PostgresArchive extends PostgresFullText {
  async countFromSeq(fromSeq: number): Promise<number> {
    return Number((await this.one('SELECT COUNT(*) AS n FROM articles WHERE seq >= $1', [fromSeq]))!.n);
  }

  async articlesGeneration(): Promise<number> {
    return Number((await this.getMeta('articles_generation')) ?? 0);
  }

  async hotFloorSeq(since: Date, maxArticles: number): Promise<number> {
    const byCount = maxArticles <= 0 ? 0 : Number((await this.one('SELECT seq FROM articles ORDER BY seq DESC LIMIT 1 OFFSET $1', [maxArticles - 1]))?.seq ?? 0);
    const first = await this.one('SELECT seq FROM articles WHERE first_seen_at >= $1 ORDER BY first_seen_at, seq LIMIT 1', [since.toISOString()]);
    const byAge = first ? Number(first.seq) : (await this.maxSeq()) + 1;
    return Math.max(byCount, byAge);
  }

  /**
   * Articles holding each term (its stem, under the english text configuration): the newest
   * TERM_COUNT_EXACT matches counted, and above that the archive size times their share of the
   * newest rows, as the SQLite store does.
   */
  async termFrequencies(terms: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const wanted = [...new Set(terms.filter((t) => t.length > 0))];
    if (wanted.length === 0) return out;
    const end = (await this.maxSeq()) + 1;
    const total = end - 1;
    for (const term of wanted) {
      const r = (await this.one(
        `SELECT COUNT(*) AS n, MIN(seq) AS last FROM (SELECT seq FROM articles WHERE search @@ plainto_tsquery('${TEXT_CONFIG}', $1) ORDER BY seq DESC LIMIT ${TERM_COUNT_EXACT}) m`,
        [term],
      ))!;
      const n = Number(r.n);
      out.set(term, n < TERM_COUNT_EXACT ? n : Math.min(total, Math.round((n * total) / Math.max(1, end - Number(r.last)))));
    }
    return out;
  }

  /**
   * Ranked text search with early termination, the SQLite store's idea on PostgreSQL: ts_rank_cd
   * is computed for every row that matches, so a word in most of a million articles would rank
   * them all before LIMIT. Instead the seq range is searched newest-first in segments sized from
   * the match density among the newest rows so that each holds about TEXT_SEGMENT_CANDIDATES
   * candidates; segments grow until enough hits are found or TEXT_MAX_CANDIDATES were examined.
   * Hits are ranked among the segments read; the total is extrapolated when the search stopped early.
   */
  async searchText(query: TextQuery, filters: TextFilters, opts: TextSearchOptions): Promise<TextPage> {
    const empty: TextPage = { hits: [], total: 0, approximate: false };
    const built = buildTextQuery(query, opts.mode ?? 'all');
    if (!built) return empty;
    const lo = Math.max(0, filters.fromSeq ?? 0);
    const hi = Math.min(filters.toSeq ?? Infinity, (await this.maxSeq()) + 1);
    if (hi <= lo) return empty;
    const params: unknown[] = [...built.params];
    const where: string[] = [`search @@ (${built.match})`];
    if (built.not) where.push(`NOT (search @@ (${built.not}))`);
    if (filters.sourceIds) {
      params.push([...filters.sourceIds]);
      where.push(`source_id = ANY($${params.length}::text[])`);
    }
    if (filters.source) {
      params.push(filters.source, filters.source.replace(/\s+/g, ' ').trim().toLowerCase());
      where.push(`(source_id = (SELECT COALESCE(feed_id, id) FROM sources WHERE id = $${params.length - 1}) OR lower(trim(coalesce(outlet, ''))) = $${params.length})`);
    }
    const when = 'COALESCE(published_ts, first_seen_at)';
    if (filters.since) {
      params.push(filters.since.toISOString());
      where.push(`${when} >= $${params.length}`);
    }
    if (filters.until) {
      params.push(filters.until.toISOString());
      where.push(`${when} <= $${params.length}`);
    }
    const range = (a: number, b: number) => [...params, a, b];
    const inRange = `seq >= $${params.length + 1} AND seq < $${params.length + 2}`;
    const cond = `${where.join(' AND ')} AND ${inRange}`;
    const probeLo = Math.max(lo, hi - TEXT_PROBE_ROWS);
    const probed = Number((await this.one(`SELECT COUNT(*) AS n FROM articles WHERE ${cond}`, range(probeLo, hi)))!.n);
    const density = probed / Math.max(1, hi - probeLo);
    const whole = probeLo === lo && probed <= TEXT_SEGMENT_CANDIDATES;
    let span = whole || density * (hi - lo) <= TEXT_SEGMENT_CANDIDATES ? hi - lo : Math.max(64, Math.ceil(TEXT_SEGMENT_CANDIDATES / Math.max(density, 1e-6)));
    // Weights {D, C, B, A}: body 0.1, outlet/byline 0.2, tags 0.4, title 1. Normalisation 1 divides
    // by 1 + log(length) so a long article does not win by size alone.
    const sql = `SELECT seq, id, ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', search, (${built.rank}), 1) AS score FROM articles WHERE ${cond}`;
    const found: Array<{ seq: number; id: string; score: number }> = [];
    let segHi = hi;
    let examined = 0;
    while (segHi > lo) {
      const segLo = Math.max(lo, segHi - span);
      const rows = await this.q(sql, range(segLo, segHi));
      for (const r of rows) found.push({ seq: Number(r.seq), id: r.id as string, score: Number(r.score) });
      examined += Math.max(rows.length, density * (segHi - segLo));
      segHi = segLo;
      if (found.length >= opts.limit || examined >= TEXT_MAX_CANDIDATES) break;
      // The caller stopped waiting (its time budget ran out): no more segments for nobody.
      if (opts.deadline !== undefined && Date.now() > opts.deadline) break;
      span *= 2;
    }
    found.sort((a, b) => b.score - a.score || b.seq - a.seq);
    const hits: TextHit[] = found.slice(0, opts.limit).map((r) => ({ id: r.id, seq: r.seq, score: r.score }));
    const approximate = segHi > lo;
    const total = approximate ? Math.round((found.length * (hi - lo)) / (hi - segHi)) : found.length;
    return { hits, total, approximate };
  }

  /**
   * Every match counted per day and key in SQL (the GIN index finds the matches, one pass over
   * their rows groups them), folded into intervals as the SQLite store folds them; then the
   * earliest match, looked for on its day only.
   */
  async countText(query: TextQuery | null, filters: TextFilters, opts: TextCountOptions): Promise<TextCounts> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query) {
      const built = buildTextQuery(query, 'all');
      if (!built) return { rows: [], total: 0, first: null };
      params.push(...built.params);
      where.push(`search @@ (${built.match})`);
      if (built.not) where.push(`NOT (search @@ (${built.not}))`);
    }
    if (filters.sourceIds) {
      params.push([...filters.sourceIds]);
      where.push(`source_id = ANY($${params.length}::text[])`);
    }
    if (filters.source !== undefined) {
      params.push(filters.source, filters.source.replace(/\s+/g, ' ').trim().toLowerCase());
      where.push(`(source_id = (SELECT COALESCE(feed_id, id) FROM sources WHERE id = $${params.length - 1}) OR lower(${OUTLET_SHOWN('outlet')}) = $${params.length})`);
    }
    const when = 'COALESCE(published_ts, first_seen_at)';
    if (filters.since) {
      params.push(filters.since.toISOString());
      where.push(`${when} >= $${params.length}`);
    }
    if (filters.until) {
      params.push(filters.until.toISOString());
      where.push(`${when} <= $${params.length}`);
    }
    if (filters.fromSeq !== undefined) {
      params.push(filters.fromSeq);
      where.push(`seq >= $${params.length}`);
    }
    if (filters.toSeq !== undefined) {
      params.push(filters.toSeq);
      where.push(`seq < $${params.length}`);
    }
    const cond = where.length ? where.join(' AND ') : 'TRUE';
    const day = `((${when} AT TIME ZONE 'UTC')::date - DATE '1970-01-01')`;
    const key = opts.by === 'outlet' ? `NULLIF(lower(${OUTLET_SHOWN('outlet')}), '')` : opts.by === 'source' ? 'source_id' : 'NULL::text';
    const rows = await this.q(
      `SELECT ${day} AS day, ${key} AS key, count(*)::int AS n, min(seq) AS lo, (array_agg(${opts.by === 'outlet' ? OUTLET_SHOWN('outlet') : 'NULL::text'} ORDER BY seq))[1] AS shown
       FROM articles WHERE ${cond} GROUP BY 1, 2`,
      params,
    );
    if (rows.length === 0) return { rows: [], total: 0, first: null };
    // An outlet is shown as written in its earliest stored article among the matches (as SQLite).
    const shown = new Map<string, { lo: number; name: string }>();
    if (opts.by === 'outlet') {
      for (const r of rows) {
        if (r.key === null) continue;
        const prev = shown.get(r.key as string);
        if (!prev || Number(r.lo) < prev.lo) shown.set(r.key as string, { lo: Number(r.lo), name: r.shown as string });
      }
    }
    const days = rows.map((r) => ({ day: Number(r.day), key: r.key === null ? null : opts.by === 'outlet' ? shown.get(r.key as string)!.name : (r.key as string), count: Number(r.n) }));
    const total = days.reduce((n, d) => n + d.count, 0);
    const firstDay = Math.min(...days.map((d) => d.day));
    params.push(firstDay);
    const f = await this.one(
      `SELECT id, source_id, ${OUTLET_SHOWN('outlet')} AS outlet, ${when} AS at FROM articles
       WHERE ${cond} AND ${day} = $${params.length} ORDER BY ${when}, seq LIMIT 1`,
      params,
    );
    return {
      rows: foldDays(days, opts.interval),
      total,
      first: f ? { id: f.id as string, at: iso(f.at), outlet: (f.outlet as string | null) || null, sourceId: f.source_id as string } : null,
    };
  }
}
