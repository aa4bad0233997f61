import type { Article } from '../../article.ts';
import type { FullTextCoverage } from '../types.ts';

/**
 * Full text: summary-only articles whose pages are still to be fetched, the text a page gave
 * (a new version when a changed item's page reads differently), failed attempts, and how much of
 * a source's text is whole.
 */
export interface FullTextStore {
  /** Summary-only articles of a source still to be fetched for full text, newest first. */
  pendingFullText(sourceId: string, maxAttempts: number, limit: number): Promise<Array<{ id: string; url: string }>>;
  sourcesWithPendingFullText(maxAttempts: number): Promise<string[]>;
  /** Stores a page's text; byline and picture only fill what the feed left empty. */
  setFullText(id: string, body: string[], byline: string | null, image?: string | null): Promise<Article | undefined>;
  recordFullTextFailure(id: string, error: string): Promise<void>;
  resetFullTextFailures(sourceId: string): Promise<void>;
  fullTextCoverage(sourceId: string, maxAttempts: number): Promise<FullTextCoverage>;
}
