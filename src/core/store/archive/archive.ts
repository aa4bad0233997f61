import type { TextQuery, TextFilters, TextSearchOptions, TextPage } from '../types.ts';
import type { TextCountOptions, TextCounts } from './text-counts.ts';

/**
 * The archive tier: full-text search, term frequencies and counts over every stored article.
 */
export interface ArchiveStore {
  /**
   * Ranked full-text search over stored articles: newest matches ranked
   * first-class, the search stops early when a query matches a large share of the archive (then
   * `total` is an estimate), so a very common word costs about as much as a rare one.
   */
  searchText(query: TextQuery, filters: TextFilters, opts: TextSearchOptions): Promise<TextPage>;
  /** Articles holding each term, exact up to TERM_COUNT_EXACT then estimated (see TERM_COUNT_EXACT in types.ts). */
  termFrequencies(terms: readonly string[]): Promise<Map<string, number>>;
  /** Articles with seq ≥ fromSeq. */
  countFromSeq(fromSeq: number): Promise<number>;
  /** Counts every change to articles (insert, update, delete); the hot-index snapshot records it. */
  articlesGeneration(): Promise<number>;
  /** The first seq of the hot window: the newest `maxArticles` (0: any number) articles first seen at or after `since`. */
  hotFloorSeq(since: Date, maxArticles: number): Promise<number>;
  /**
   * Matches of a query (every article when null) counted per interval of their date and optionally
   * per outlet or source, exactly, over the whole archive, with the earliest match.
   */
  countText(query: TextQuery | null, filters: TextFilters, opts: TextCountOptions): Promise<TextCounts>;
  /**
   * One small step of reading what countText needs of every article ahead of the first count
   * (SQLite: dates, sources and outlets into memory); true when done. A store that reads nothing
   * ahead leaves it out.
   */
  prepareTextCounts?(): Promise<boolean>;
  /**
   * One small step of the archive index's upkeep that would otherwise run inside ingest commits
   * (SQLite: FTS5 segment merging); false when there is nothing to do. A store without such
   * upkeep leaves it out.
   */
  maintainArchive?(): Promise<boolean>;
}
