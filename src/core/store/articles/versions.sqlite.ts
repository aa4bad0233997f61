import { OWNER_OF, OWNERS_OF_JSON } from '../feeds.ts';
import { pickVanished, type Row } from '../rows.ts';
import type { ArticleVersion, VersionChange } from '../types.ts';
import { iso, toArticle, toVersion } from '../sqlite-common.ts';
import { SqliteSources } from '../sources/sources.sqlite.ts';

/**
 * SqliteStore's article versions and deletions (see versions.ts).
 * One link of SqliteStore's class chain (see sqlite-store.ts).
 */
export class SqliteVersions extends SqliteSources {
  /** The earlier versions of an article, oldest first (the article itself is the newest). */
  listVersions(articleId: string): ArticleVersion[] {
    return (this.stmt('SELECT * FROM article_versions WHERE article_id = ? ORDER BY version').all(articleId) as Row[]).map(toVersion);
  }

  /** When the current version was first seen, and when the item was deleted at its source. */
  articleState(id: string): { firstSeenAt: string; versionSeenAt: string; deletedAt: string | null; storyId: string | null; edits: number } | undefined {
    const r = this.stmt(
      `SELECT first_seen_at, version_seen_at, deleted_at, story_id,
         (SELECT COUNT(*) FROM article_versions v WHERE v.article_id = a.id AND v.kinds <> '["deleted"]') AS edits
       FROM articles a WHERE id = ?`,
    ).get(id) as Row | undefined;
    if (!r) return undefined;
    return {
      firstSeenAt: r.first_seen_at as string,
      versionSeenAt: (r.version_seen_at as string | null) ?? (r.first_seen_at as string),
      deletedAt: (r.deleted_at as string | null) ?? null,
      storyId: (r.story_id as string | null) ?? null,
      edits: r.edits as number,
    };
  }

  /**
   * Recent items of a source that are missing from its latest fetch and were never checked: the
   * candidates for "deleted at the source". Newest first, at most `limit`.
   */
  vanishedItems(sourceId: string, presentKeys: ReadonlySet<string>, seenSince: string, limit: number): Array<{ id: string; url: string }> {
    const rows = this.stmt(
      `SELECT id, url, dedupe_key FROM articles WHERE source_id = ${OWNER_OF} AND gone_checked = 0 AND deleted_at IS NULL AND url IS NOT NULL AND first_seen_at >= ?
       ORDER BY seq DESC LIMIT 500`,
    ).all(sourceId, seenSince) as Row[];
    return pickVanished(rows, presentKeys, limit);
  }

  /** Records that a vanished item's page was checked (it will not be checked again). */
  markGoneChecked(id: string): void {
    this.stmt('UPDATE articles SET gone_checked = 1 WHERE id = ?').run(id);
  }

  /** Marks an article deleted at its source: its last version is kept with the change "deleted". */
  markDeleted(id: string): ArticleVersion | undefined {
    return this.db.transaction(() => {
      const r = this.stmt('SELECT * FROM articles WHERE id = ? AND deleted_at IS NULL').get(id) as Row | undefined;
      if (!r) return undefined;
      const now = iso(this.clock.now());
      const a = toArticle(r);
      const info = this.stmt(
        `INSERT INTO article_versions (article_id, version, title, byline, published_at, body, url, seen_at, replaced_at, kinds, share, note)
         VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions WHERE article_id = ?), ?, ?, ?, ?, ?, ?, ?, '["deleted"]', 0, NULL)`,
      ).run(id, id, a.title, a.byline, a.publishedAt, JSON.stringify(a.body), a.url, (r.version_seen_at as string | null) ?? (r.first_seen_at as string), now);
      this.stmt('UPDATE articles SET deleted_at = ?, gone_checked = 1 WHERE id = ?').run(now, id);
      return toVersion(this.stmt('SELECT * FROM article_versions WHERE id = ?').get(Number(info.lastInsertRowid)) as Row);
    })();
  }

  maxVersionId(): number {
    return ((this.stmt('SELECT MAX(id) AS m FROM article_versions').get() as Row).m as number | null) ?? 0;
  }

  /** Stored changes with id in (afterId, uptoId] of the given sources, oldest first, with the article as now. */
  changesAfter(sourceIds: Iterable<string>, afterId: number, uptoId: number, limit = 500): VersionChange[] {
    const ids = [...sourceIds];
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT v.*, a.id AS a_id, a.source_id, a.title AS a_title, a.byline AS a_byline, a.outlet, a.dateline, a.tags, a.caption, a.body AS a_body, a.editors, a.url AS a_url, a.published_at AS a_published_at
         FROM article_versions v JOIN articles a ON a.id = v.article_id
         WHERE v.id > ? AND v.id <= ? AND a.source_id IN ${OWNERS_OF_JSON} ORDER BY v.id LIMIT ?`,
      )
      .all(afterId, uptoId, JSON.stringify(ids), limit) as Row[];
    return rows.map((r) => ({
      version: toVersion(r),
      article: toArticle({ ...r, id: r.a_id, title: r.a_title, byline: r.a_byline, body: r.a_body, url: r.a_url, published_at: r.a_published_at }),
    }));
  }
}
