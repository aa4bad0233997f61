import type { Article } from '../../article.ts';
import type { ArticleVersion, VersionChange } from '../types.ts';
import { pickVanished, type Row } from '../rows.ts';
import { iso, json, toArticle, toVersion } from '../postgres-common.ts';
import { PostgresSources } from '../sources/sources.postgres.ts';

/**
 * PostgresStore's article versions and deletions (see versions.ts).
 * One link of PostgresStore's class chain (see postgres-store.ts).
 */
export class PostgresVersions extends PostgresSources {
  /** Keeps the version a change replaced; returns its row id. */
  async saveVersion(before: Article, row: Row, now: string, change: { kinds: string[]; share: number; note: string | null }): Promise<number> {
    const seenAt = row.version_seen_at ?? row.first_seen_at;
    const r = await this.one(
      `INSERT INTO article_versions (article_id, version, title, byline, published_at, body, url, seen_at, replaced_at, kinds, share, note)
       VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions WHERE article_id = $1), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [before.id, before.title, before.byline, before.publishedAt, json(before.body), before.url, iso(seenAt), now, json(change.kinds), change.share, change.note],
    );
    return Number(r!.id);
  }

  async listVersions(articleId: string): Promise<ArticleVersion[]> {
    return (await this.q('SELECT * FROM article_versions WHERE article_id = $1 ORDER BY version', [articleId])).map(toVersion);
  }

  async articleState(id: string): Promise<{ firstSeenAt: string; versionSeenAt: string; deletedAt: string | null; storyId: string | null; edits: number } | undefined> {
    const r = await this.one(
      `SELECT first_seen_at, version_seen_at, deleted_at, story_id,
         (SELECT COUNT(*) FROM article_versions v WHERE v.article_id = a.id AND v.kinds <> '["deleted"]'::jsonb) AS edits
       FROM articles a WHERE id = $1`,
      [id],
    );
    if (!r) return undefined;
    return {
      firstSeenAt: iso(r.first_seen_at),
      versionSeenAt: iso(r.version_seen_at ?? r.first_seen_at),
      deletedAt: r.deleted_at == null ? null : iso(r.deleted_at),
      storyId: (r.story_id as string | null) ?? null,
      edits: Number(r.edits),
    };
  }

  async vanishedItems(sourceId: string, presentKeys: ReadonlySet<string>, seenSince: string, limit: number): Promise<Array<{ id: string; url: string }>> {
    sourceId = await this.ownerOf(sourceId);
    const rows = await this.q(
      `SELECT id, url, dedupe_key FROM articles WHERE source_id = $1 AND NOT gone_checked AND deleted_at IS NULL AND url IS NOT NULL AND first_seen_at >= $2
       ORDER BY seq DESC LIMIT 500`,
      [sourceId, seenSince],
    );
    return pickVanished(rows, presentKeys, limit);
  }

  async markGoneChecked(id: string): Promise<void> {
    await this.q('UPDATE articles SET gone_checked = true WHERE id = $1', [id]);
  }

  async markDeleted(id: string): Promise<ArticleVersion | undefined> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as this;
      const r = await self.one('SELECT * FROM articles WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [id]);
      if (!r) return undefined;
      const now = self.now();
      const versionId = await self.saveVersion(toArticle(r), r, now, { kinds: ['deleted'], share: 0, note: null });
      await self.q('UPDATE articles SET deleted_at = $1, gone_checked = true WHERE id = $2', [now, id]);
      return toVersion((await self.one('SELECT * FROM article_versions WHERE id = $1', [versionId]))!);
    });
  }

  async maxVersionId(): Promise<number> {
    return Number((await this.one('SELECT COALESCE(MAX(id), 0) AS m FROM article_versions'))!.m);
  }

  async changesAfter(sourceIds: Iterable<string>, afterId: number, uptoId: number, limit = 500): Promise<VersionChange[]> {
    const ids = await this.ownersOf([...sourceIds]);
    if (ids.length === 0) return [];
    const rows = await this.q(
      `SELECT v.*, a.id AS a_id, a.source_id, a.title AS a_title, a.byline AS a_byline, a.outlet, a.dateline, a.tags, a.caption, a.body AS a_body, a.editors, a.url AS a_url,
         a.published_at AS a_published_at, a.image_url AS a_image_url
       FROM article_versions v JOIN articles a ON a.id = v.article_id
       WHERE v.id > $1 AND v.id <= $2 AND a.source_id = ANY($3::text[]) ORDER BY v.id LIMIT $4`,
      [afterId, uptoId, ids, limit],
    );
    return rows.map((r) => ({
      version: toVersion(r),
      article: toArticle({ ...r, id: r.a_id, title: r.a_title, byline: r.a_byline, body: r.a_body, url: r.a_url, published_at: r.a_published_at, image_url: null }),
    }));
  }
}
