import type { Row } from '../rows.ts';
import type { StoredArticle, DerivedRow, ArticleSpeakers } from '../types.ts';
import { toArticle } from '../sqlite-common.ts';
import { SqliteOutbox } from '../outbox/outbox.sqlite.ts';

/**
 * SqliteStore's derived data: stories and speakers (see derived.ts).
 * One link of SqliteStore's class chain (see sqlite-store.ts).
 */
export class SqliteDerived extends SqliteOutbox {
  /** What stories and speakers are derived from, in seq order after `afterSeq`, without the text. */
  scanDerived(afterSeq: number, limit: number): DerivedRow[] {
    const rows = this.stmt('SELECT seq, id, source_id, title, published_at, first_seen_at, story_sig, story_entities, story_id, speakers FROM articles WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as Row[];
    return rows.map((r) => ({
      rowid: r.seq as number,
      id: r.id as string,
      sourceId: r.source_id as string,
      title: r.title as string,
      publishedAt: (r.published_at as string | null) ?? null,
      firstSeenAt: r.first_seen_at as string,
      storySig: (r.story_sig as Buffer | null) ?? null,
      storyEntities: (r.story_entities as Buffer | null) ?? null,
      storyId: (r.story_id as string | null) ?? null,
      speakers: r.speakers == null ? null : (JSON.parse(r.speakers as string) as ArticleSpeakers),
    }));
  }

  /**
   * Stores the story signatures of articles (word signature, and entity signature: NULL when not
   * given), so a restart regroups without re-reading their text.
   */
  setStorySignatures(sigs: Iterable<[articleId: string, sig: Uint8Array, entities?: Uint8Array]>): void {
    const set = this.stmt('UPDATE articles SET story_sig = ?, story_entities = ? WHERE id = ?');
    const blob = (b: Uint8Array | undefined) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : null);
    this.db.transaction(() => {
      for (const [id, sig, entities] of sigs) set.run(blob(sig), blob(entities), id);
    })();
  }

  /** Stores who is quoted in each article, in one transaction. */
  setSpeakers(rows: Iterable<[articleId: string, speakers: ArticleSpeakers]>): void {
    const set = this.stmt('UPDATE articles SET speakers = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const [id, speakers] of rows) set.run(JSON.stringify(speakers), id);
    })();
  }

  /** Writes story ids (only those that changed), in one transaction. */
  setStoryIds(assignments: Iterable<[articleId: string, storyId: string]>): number {
    const set = this.stmt('UPDATE articles SET story_id = ? WHERE id = ? AND story_id IS NOT ?');
    return this.db.transaction(() => {
      let n = 0;
      for (const [id, story] of assignments) n += set.run(story, id, story).changes;
      return n;
    })();
  }

  /** Every article of a story, earliest report first (published time, else first seen). */
  storyMembers(storyId: string, limit = 200): StoredArticle[] {
    const rows = this.stmt(
      'SELECT * FROM articles WHERE story_id = ? ORDER BY COALESCE(published_at, first_seen_at), seq LIMIT ?',
    ).all(storyId, limit) as Row[];
    return rows.map((r) => ({ seq: r.seq as number, article: toArticle(r), firstSeenAt: r.first_seen_at as string, storyId: r.story_id as string }));
  }
}
