import type { Article } from '../../article.ts';
import { classifyChange } from '../../changes/compare.ts';
import { OWNER_OF } from '../feeds.ts';
import type { Row } from '../rows.ts';
import type { FullTextCoverage } from '../types.ts';
import { iso, toArticle } from '../sqlite-common.ts';
import { SqliteArticles } from '../articles/articles.sqlite.ts';

/**
 * SqliteStore's full text: the pages of summary-only articles, fetched later (see fulltext.ts).
 * One link of SqliteStore's class chain (see sqlite-store.ts).
 */
export class SqliteFullText extends SqliteArticles {
  /** Summary-only articles of a source still to be fetched for full text, newest first. */
  pendingFullText(sourceId: string, maxAttempts: number, limit: number): Array<{ id: string; url: string }> {
    return (
      this.stmt(
        `SELECT id, url FROM articles WHERE source_id = ${OWNER_OF} AND text_origin IN ('summary', 'stale') AND url IS NOT NULL AND full_text_attempts < ?
         ORDER BY seq DESC LIMIT ?`,
      ).all(sourceId, maxAttempts, limit) as Row[]
    ).map((r) => ({ id: r.id as string, url: r.url as string }));
  }

  /** Active full-text sources that still have summary-only articles to fetch. */
  sourcesWithPendingFullText(maxAttempts: number): string[] {
    return (
      this.stmt(
        `SELECT MIN(s.id) AS id FROM sources s WHERE s.full_text = 1 AND s.status = 'active' AND s.kind <> 'page' AND EXISTS (
           SELECT 1 FROM articles a WHERE a.source_id = COALESCE(s.feed_id, s.id) AND a.text_origin IN ('summary', 'stale') AND a.url IS NOT NULL AND a.full_text_attempts < ?)
         GROUP BY COALESCE(s.feed_id, s.id) ORDER BY MIN(s.created_at)`,
      ).all(maxAttempts) as Row[]
    ).map((r) => r.id as string);
  }

  /** Stores the text extracted from an article's page; the article as now stored, or undefined if it is gone. */
  setFullText(id: string, body: string[], byline: string | null, image: string | null = null): Article | undefined {
    return this.db.transaction(() => {
      const r = this.stmt('SELECT * FROM articles WHERE id = ?').get(id) as Row | undefined;
      if (!r) return undefined;
      const now = iso(this.clock.now());
      // A page fetched again because its item changed ('stale') is a new version of the text when
      // it reads differently; a first fetch only replaces the feed's teaser and is not an edit.
      let changed = false;
      if (r.text_origin === 'stale') {
        const before = toArticle(r);
        const change = classifyChange(before, { ...before, body, byline: before.byline ?? byline });
        if (change) {
          changed = true;
          this.stmt(
            `INSERT INTO article_versions (article_id, version, title, byline, published_at, body, url, seen_at, replaced_at, kinds, share, note)
             VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions WHERE article_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(id, id, before.title, before.byline, before.publishedAt, JSON.stringify(before.body), before.url,
            (r.version_seen_at as string | null) ?? (r.first_seen_at as string), now, JSON.stringify(change.kinds), change.share, change.note);
        }
      }
      else if (r.text_origin !== 'page') {
        // The feed's text is replaced, not edited: the latest change keeps the text it was compared with.
        this.stmt('UPDATE article_versions SET after_body = ? WHERE article_id = ? AND after_body IS NULL AND version = (SELECT MAX(version) FROM article_versions WHERE article_id = ?)').run(
          r.body as string, id, id,
        );
      }
      this.stmt(
        `UPDATE articles SET body = ?, byline = COALESCE(byline, ?), image_url = COALESCE(image_url, ?), text_origin = 'page', full_text_error = NULL, updated_at = ?, version_seen_at = CASE WHEN ? THEN ? ELSE version_seen_at END, speakers = NULL WHERE id = ?`,
      ).run(JSON.stringify(body), byline, image, now, changed ? 1 : 0, now, id);
      return this.getArticle(id);
    })();
  }

  /** Counts a failed page fetch against an article; it keeps its summary. */
  recordFullTextFailure(id: string, error: string): void {
    this.stmt('UPDATE articles SET full_text_attempts = full_text_attempts + 1, full_text_error = ? WHERE id = ?').run(error.slice(0, 500), id);
  }

  /** Gives every summary-only article of a source its attempts back (a moderator asked again). */
  resetFullTextFailures(sourceId: string): void {
    this.stmt(`UPDATE articles SET full_text_attempts = 0 WHERE source_id = ${OWNER_OF} AND text_origin IN ('summary', 'stale')`).run(sourceId);
  }

  /** How much of a source's text is whole, waiting, or failed. */
  fullTextCoverage(sourceId: string, maxAttempts: number): FullTextCoverage {
    const r = this.stmt(
      `SELECT COUNT(*) AS total,
         SUM(text_origin IN ('feed', 'page', 'stale')) AS complete,
         SUM(text_origin = 'summary' AND url IS NOT NULL AND full_text_attempts < ?) AS pending,
         SUM(text_origin = 'summary' AND (url IS NULL OR full_text_attempts >= ?)) AS failed
       FROM articles WHERE source_id = ${OWNER_OF}`,
    ).get(maxAttempts, maxAttempts, sourceId) as Row;
    const last = this.stmt(
      `SELECT full_text_error FROM articles WHERE source_id = ${OWNER_OF} AND full_text_error IS NOT NULL AND text_origin IN ('summary', 'stale') ORDER BY seq DESC LIMIT 1`,
    ).get(sourceId) as Row | undefined;
    return {
      total: r.total as number,
      complete: (r.complete as number | null) ?? 0,
      pending: (r.pending as number | null) ?? 0,
      failed: (r.failed as number | null) ?? 0,
      lastError: (last?.full_text_error as string | undefined) ?? null,
    };
  }
}
