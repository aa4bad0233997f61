import type { Article } from '../../article.ts';
import { classifyChange } from '../../changes/compare.ts';
import type { FullTextCoverage } from '../types.ts';
import { ARTICLES_CHANNEL, json, toArticle } from '../postgres-common.ts';
import { PostgresArticles } from '../articles/articles.postgres.ts';

/**
 * PostgresStore's full text: the pages of summary-only articles, fetched later (see fulltext.ts).
 * One link of PostgresStore's class chain (see postgres-store.ts).
 */
export class PostgresFullText extends PostgresArticles {
  async pendingFullText(sourceId: string, maxAttempts: number, limit: number): Promise<Array<{ id: string; url: string }>> {
    sourceId = await this.ownerOf(sourceId);
    return (
      await this.q(
        `SELECT id, url FROM articles WHERE source_id = $1 AND text_origin IN ('summary', 'stale') AND url IS NOT NULL AND full_text_attempts < $2
         ORDER BY seq DESC LIMIT $3`,
        [sourceId, maxAttempts, limit],
      )
    ).map((r) => ({ id: r.id as string, url: r.url as string }));
  }

  async sourcesWithPendingFullText(maxAttempts: number): Promise<string[]> {
    return (
      await this.q(
        `SELECT MIN(s.id) AS id FROM sources s WHERE s.full_text AND s.status = 'active' AND s.kind <> 'page' AND EXISTS (
           SELECT 1 FROM articles a WHERE a.source_id = COALESCE(s.feed_id, s.id) AND a.text_origin IN ('summary', 'stale') AND a.url IS NOT NULL AND a.full_text_attempts < $1)
         GROUP BY COALESCE(s.feed_id, s.id) ORDER BY MIN(s.created_at), MIN(s.id)`,
        [maxAttempts],
      )
    ).map((r) => r.id as string);
  }

  async setFullText(id: string, body: string[], byline: string | null, image: string | null = null): Promise<Article | undefined> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as this;
      const r = await self.one('SELECT * FROM articles WHERE id = $1 FOR UPDATE', [id]);
      if (!r) return undefined;
      const now = self.now();
      const text = body.map((p) => p.replaceAll('\u0000', ''));
      const by = byline?.replaceAll('\u0000', '') ?? null;
      // A page fetched again because its item changed ('stale') is a new version of the text when
      // it reads differently; a first fetch only replaces the feed's teaser and is not an edit.
      let changed = false;
      if (r.text_origin === 'stale') {
        const before = toArticle(r);
        const change = classifyChange(before, { ...before, body: text, byline: before.byline ?? by });
        if (change) {
          changed = true;
          await self.saveVersion(before, r, now, change);
        }
      } else if (r.text_origin !== 'page') {
        // The feed's text is replaced, not edited: the latest change keeps the text it was compared with.
        await self.q(
          'UPDATE article_versions SET after_body = $1 WHERE article_id = $2 AND after_body IS NULL AND version = (SELECT MAX(version) FROM article_versions WHERE article_id = $2)',
          [json(toArticle(r).body), id],
        );
      }
      const out = await self.one(
        `UPDATE articles SET body = $1, byline = COALESCE(byline, $2), image_url = COALESCE(image_url, $5), text_origin = 'page', full_text_error = NULL, updated_at = $3,
           version_seen_at = CASE WHEN $6 THEN $3::timestamptz ELSE version_seen_at END, speakers = NULL
         WHERE id = $4 RETURNING *`,
        [json(text), by, now, id, image?.replaceAll('\u0000', '') ?? null, changed],
      );
      if (out) await self.q('SELECT pg_notify($1, $2)', [ARTICLES_CHANNEL, JSON.stringify({ maxSeq: 0, updated: [id] })]);
      return out ? toArticle(out) : undefined;
    }).then((a) => (a ? this.cache.put(a) : (this.cache.drop(id), undefined)));
  }

  async recordFullTextFailure(id: string, error: string): Promise<void> {
    await this.q('UPDATE articles SET full_text_attempts = full_text_attempts + 1, full_text_error = $1 WHERE id = $2', [error.slice(0, 500), id]);
  }

  async resetFullTextFailures(sourceId: string): Promise<void> {
    sourceId = await this.ownerOf(sourceId);
    await this.q("UPDATE articles SET full_text_attempts = 0 WHERE source_id = $1 AND text_origin IN ('summary', 'stale')", [sourceId]);
  }

  async fullTextCoverage(sourceId: string, maxAttempts: number): Promise<FullTextCoverage> {
    sourceId = await this.ownerOf(sourceId);
    const r = (await this.one(
      `SELECT COUNT(*) AS total,
         COUNT(*) FILTER (WHERE text_origin IN ('feed', 'page', 'stale')) AS complete,
         COUNT(*) FILTER (WHERE text_origin = 'summary' AND url IS NOT NULL AND full_text_attempts < $1) AS pending,
         COUNT(*) FILTER (WHERE text_origin = 'summary' AND (url IS NULL OR full_text_attempts >= $1)) AS failed
       FROM articles WHERE source_id = $2`,
      [maxAttempts, sourceId],
    ))!;
    const last = await this.one(
      `SELECT full_text_error FROM articles WHERE source_id = $1 AND full_text_error IS NOT NULL AND text_origin IN ('summary', 'stale') ORDER BY seq DESC LIMIT 1`,
      [sourceId],
    );
    return {
      total: Number(r.total),
      complete: Number(r.complete),
      pending: Number(r.pending),
      failed: Number(r.failed),
      lastError: (last?.full_text_error as string | undefined) ?? null,
    };
  }
}
