import { ftsMatch } from '../../search-text/fts-text.ts';
import { ArticleFacets } from './sqlite-facets.ts';
import type { TextCountOptions, TextCounts } from './text-counts.ts';
import type { Row } from '../rows.ts';
import type { TextFilters, TextQuery } from '../types.ts';
import { SqliteArchive } from './archive.sqlite.ts';

/**
 * SqliteStore's counting over time (the archive aggregate's `countText`, for /trend): every match,
 * not a page of the best. One link of SqliteStore's class chain (see sqlite-store.ts), after the
 * archive's search; PostgreSQL counts in archive.postgres.ts.
 */
export class SqliteCounts extends SqliteArchive {
  /**
   * Counts every match per interval (see AsyncStore.countText): FTS5 gives the matching rowids (a
   * common word's whole doclist, read once), the date, source and outlet of each come from the
   * in-memory facets. FTS5 matches phrases exactly here: no estimate, no candidate limit.
   */
  countText(query: TextQuery | null, filters: TextFilters, opts: TextCountOptions): TextCounts {
    let seqs: string | null = null;
    if (query) {
      const match = this.textMatch(query);
      if (!match) return { rows: [], total: 0, first: null };
      // A lower seq bound (a recent window) is walked newest-first from the doclist's end, which
      // reads only what lies above it; the whole doclist otherwise.
      const floor = this.countFloor(filters);
      const found = (floor > 0
        ? this.stmt("SELECT group_concat(rowid, ',') AS s FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? ORDER BY rowid DESC)").get(match, floor)
        : this.stmt("SELECT group_concat(rowid, ',') AS s FROM articles_fts WHERE articles_fts MATCH ?").get(match)) as Row;
      seqs = found.s as string | null;
      if (seqs === null) return { rows: [], total: 0, first: null };
    }
    return this.countMatches(seqs, filters, opts);
  }

  /**
   * The lowest seq a count's matches can have: the filters' own bound, raised to the first article
   * dated on or after `since` (0: none).
   */
  countFloor(filters: TextFilters): number {
    let floor = filters.fromSeq ?? 0;
    if (filters.since) {
      this.facets ??= new ArticleFacets(this.db);
      this.facets.refresh();
      floor = Math.max(floor, this.facets.firstSeqSince(filters.since.getTime()));
    }
    return floor;
  }

  /** A count's FTS5 expression (every part required), or null when nothing searchable remains. */
  textMatch(query: TextQuery): string | null {
    const groups = query.terms.map((t) => [t, ...(query.alternatives?.get(t) ?? [])]);
    return ftsMatch({ groups, phrases: query.phrases, prefixes: query.prefixes ?? [], excluded: query.excluded }, 'all');
  }

  /**
   * countText from the matching rowids (comma-separated, any order; null: every article), read
   * here or on the match reader's thread (sqlite-matches.ts).
   */
  countMatches(seqs: string | null, filters: TextFilters, opts: TextCountOptions): TextCounts {
    this.facets ??= new ArticleFacets(this.db);
    this.facets.refresh();
    const ownerOf = (id: string) => (this.stmt('SELECT COALESCE(feed_id, id) AS o FROM sources WHERE id = ?').get(id) as Row | undefined)?.o as string | undefined;
    const { rows, total, firstSeq } = this.facets.count(seqs, filters, opts, ownerOf);
    if (firstSeq < 0) return { rows, total, first: null };
    const f = this.facets.describe(firstSeq);
    const r = this.stmt('SELECT id, outlet FROM articles WHERE seq = ?').get(firstSeq) as Row;
    const outlet = (r.outlet as string | null)?.replace(/\s+/g, ' ').trim() || null;
    return { rows, total, first: { id: r.id as string, at: new Date(f.time).toISOString(), outlet, sourceId: f.sourceId } };
  }

  /**
   * Reads up to `rows` more articles' dates, sources and outlets for countText (a start-up calls
   * this a step per turn so the first count does not read the whole archive); true when done.
   */
  prepareTextCounts(rows = 2000): boolean {
    this.facets ??= new ArticleFacets(this.db);
    return this.facets.load(rows);
  }
}
