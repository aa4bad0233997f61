import type { ArticleVersion, VersionChange } from '../types.ts';

/**
 * An article's earlier versions and its deletion at the source (src/core/changes/).
 */
export interface VersionsStore {
  /** The earlier versions of an article, oldest first (the article itself is the newest). */
  listVersions(articleId: string): Promise<ArticleVersion[]>;
  /** When the current version was first seen, when the item was deleted at its source, its story, and how many edits it has. */
  articleState(id: string): Promise<{ firstSeenAt: string; versionSeenAt: string; deletedAt: string | null; storyId: string | null; edits: number } | undefined>;
  /** Recent never-checked items of a source missing from its latest fetch, newest first. */
  vanishedItems(sourceId: string, presentKeys: ReadonlySet<string>, seenSince: string, limit: number): Promise<Array<{ id: string; url: string }>>;
  markGoneChecked(id: string): Promise<void>;
  /** Marks an article deleted at its source, keeping its last version with the change "deleted". */
  markDeleted(id: string): Promise<ArticleVersion | undefined>;
  maxVersionId(): Promise<number>;
  /** Stored changes with id in (afterId, uptoId] of these sources, oldest first, with the article as now. */
  changesAfter(sourceIds: Iterable<string>, afterId: number, uptoId: number, limit?: number): Promise<VersionChange[]>;
}
