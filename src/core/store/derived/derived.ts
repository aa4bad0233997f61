import type { ArticleSpeakers, DerivedRow, StoredArticle } from '../types.ts';

/**
 * What is derived from articles and stored beside them: story signatures and ids (src/core/stories/)
 * and who is quoted (src/core/quotes/).
 */
export interface DerivedStore {
  /**
   * What stories and speakers are derived from, in seq order after `afterSeq`, without the
   * articles' text: a start-up reads the text only of rows whose signature or speakers are missing.
   */
  scanDerived(afterSeq: number, limit: number): Promise<DerivedRow[]>;
  setStorySignatures(sigs: Iterable<[articleId: string, sig: Uint8Array, entities?: Uint8Array]>): Promise<void>;
  /** Stores who is quoted in each article (an edit of the text clears it until derived again). */
  setSpeakers(rows: Iterable<[articleId: string, speakers: ArticleSpeakers]>): Promise<void>;
  /** Writes the story ids that changed; returns how many did. */
  setStoryIds(assignments: Iterable<[articleId: string, storyId: string]>): Promise<number>;
  /** Every article of a story, earliest report first (published time, else first seen). */
  storyMembers(storyId: string, limit?: number): Promise<StoredArticle[]>;
}
