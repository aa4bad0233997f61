import type { Article } from '../../article.ts';
import { planIngest, uniqueItems, wantedId, type StoredItem } from '../ingest-plan.ts';
import { OWNER_OF, OWNERS_OF_JSON } from '../feeds.ts';
import type { Row } from '../rows.ts';
import type { IngestItem, IngestResult, StoredArticle } from '../types.ts';
import { iso, toArticle, toStoredItem } from '../sqlite-common.ts';
import { SqliteVersions } from './versions.sqlite.ts';

/**
 * SqliteStore's articles: ingest (executing ingest-plan.ts) and reads (see articles.ts).
 * One link of SqliteStore's class chain (see sqlite-store.ts).
 */
export class SqliteArticles extends SqliteVersions {
  /**
   * Stores one fetch's items in one transaction. A known (source, dedupe key) keeps its article
   * id and is rewritten only when its content hash changed; new items get first_seen_at = now and
   * the next seq. `announce: false` files them as already announced (not digest/alert material).
   * `after` runs inside the same transaction (e.g. recording the fetch attempt).
   */
  ingest(sourceId: string, items: IngestItem[], opts: { announce: boolean; after?: (r: IngestResult) => void }): IngestResult {
    const now = iso(this.clock.now());
    // Stored once, on the feed, for every server that follows it.
    sourceId = this.ownerOf(sourceId);
    const find = this.stmt('SELECT * FROM articles WHERE source_id = ? AND dedupe_key = ?');
    const idTaken = this.stmt('SELECT 1 FROM articles WHERE id = ?');
    const insert = this.stmt(
      `INSERT INTO articles (id, source_id, dedupe_key, content_hash, title, byline, outlet, dateline, tags, caption, body, editors, url, published_at, first_seen_at, updated_at, announce, text_origin, image_url)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const update = this.stmt(
      `UPDATE articles SET content_hash = ?, title = ?, byline = ?, outlet = ?, dateline = ?, tags = ?, caption = ?, body = ?, editors = ?, url = ?, published_at = ?, updated_at = ?,
         text_origin = ?, full_text_attempts = 0, full_text_error = NULL, image_url = COALESCE(?, image_url), version_seen_at = COALESCE(?, version_seen_at), speakers = NULL
       WHERE source_id = ? AND dedupe_key = ?`,
    );
    const saveVersion = this.stmt(
      `INSERT INTO article_versions (article_id, version, title, byline, published_at, body, url, seen_at, replaced_at, kinds, share, note)
       VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions WHERE article_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.db.transaction(() => {
      const unique = uniqueItems(items);
      const stored = new Map<string, StoredItem>();
      const rows = new Map<string, Row>();
      for (const item of unique) {
        const r = find.get(sourceId, item.dedupeKey) as Row | undefined;
        if (!r) continue;
        rows.set(item.dedupeKey, r);
        stored.set(item.dedupeKey, toStoredItem(r));
      }
      const taken = new Set(unique.filter((i) => !stored.has(i.dedupeKey)).map((i) => wantedId(sourceId, i)).filter((id) => idTaken.get(id)));
      const plan = planIngest(sourceId, unique, stored, taken);
      const result: IngestResult = { inserted: [], updated: [], unchanged: plan.unchanged };
      for (const { item, stored: before, body, textOrigin, change } of plan.rewrites) {
        const a = item.article;
        const existing = rows.get(item.dedupeKey)!;
        // Every earlier version a reader could tell apart is kept.
        if (change) {
          const b = before.article;
          const info = saveVersion.run(
            b.id, b.id, b.title, b.byline, b.publishedAt, JSON.stringify(b.body), b.url,
            (existing.version_seen_at as string | null) ?? (existing.first_seen_at as string), now, JSON.stringify(change.kinds), change.share, change.note,
          );
          (result.changes ??= []).push({ articleId: b.id, versionId: Number(info.lastInsertRowid), kinds: change.kinds });
        }
        update.run(item.contentHash, a.title, a.byline, a.outlet, a.dateline, JSON.stringify(a.tags), a.caption, JSON.stringify(body), JSON.stringify(a.editors), a.url, a.publishedAt, now, textOrigin, a.image ?? null, change ? now : null, sourceId, item.dedupeKey);
        result.updated.push({ ...a, body, id: before.id, sourceId });
      }
      for (const { item, id } of plan.inserts) {
        const a = item.article;
        insert.run(id, sourceId, item.dedupeKey, item.contentHash, a.title, a.byline, a.outlet, a.dateline, JSON.stringify(a.tags), a.caption, JSON.stringify(a.body), JSON.stringify(a.editors), a.url, a.publishedAt, now, now, opts.announce ? 1 : 0, item.textOrigin ?? 'feed', a.image ?? null);
        result.inserted.push({ ...a, id, sourceId });
      }
      opts.after?.(result);
      return result;
    })();
  }

  /** True when the source already holds an item with this dedupe key. */
  hasArticleKey(sourceId: string, dedupeKey: string): boolean {
    return this.stmt(`SELECT 1 FROM articles WHERE source_id = ${OWNER_OF} AND dedupe_key = ?`).get(sourceId, dedupeKey) !== undefined;
  }

  /** An article by id, also by the id of a copy merged into it when feeds became shared. */
  getArticle(id: string): Article | undefined {
    const r = (this.stmt('SELECT * FROM articles WHERE id = ?').get(id) ?? this.stmt('SELECT a.* FROM article_aliases x JOIN articles a ON a.id = x.article_id WHERE x.id = ?').get(id)) as Row | undefined;
    return r ? toArticle(r) : undefined;
  }

  /** When and in what order an article was first seen, and whether it is digest material. */
  articleMeta(id: string): { seq: number; firstSeenAt: string; announce: boolean; sourceId: string } | undefined {
    const r = this.stmt('SELECT seq, first_seen_at, announce, source_id FROM articles WHERE id = ?').get(id) as Row | undefined;
    return r ? { seq: r.seq as number, firstSeenAt: r.first_seen_at as string, announce: r.announce === 1, sourceId: r.source_id as string } : undefined;
  }

  /** Articles in seq order after `afterSeq`, for chunked index rebuilds. */
  scanArticles(afterSeq: number, limit: number): Array<{ rowid: number; article: Article; firstSeenAt: string; storySig: Uint8Array | null; storyId: string | null }> {
    return (this.stmt('SELECT * FROM articles WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as Row[]).map((r) => ({
      rowid: r.seq as number,
      article: toArticle(r),
      firstSeenAt: r.first_seen_at as string,
      storySig: (r.story_sig as Buffer | null) ?? null,
      storyId: (r.story_id as string | null) ?? null,
    }));
  }

  countArticles(sourceIds?: Iterable<string>): number {
    if (!sourceIds) return (this.stmt('SELECT COUNT(*) AS n FROM articles').get() as Row).n as number;
    const ids = [...sourceIds];
    if (ids.length === 0) return 0;
    const r = this.stmt(`SELECT COUNT(*) AS n FROM articles WHERE source_id IN ${OWNERS_OF_JSON}`).get(JSON.stringify(ids)) as Row;
    return r.n as number;
  }

  countBySource(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.stmt('SELECT source_id, COUNT(*) AS n FROM articles GROUP BY source_id').all() as Row[]) out.set(r.source_id as string, r.n as number);
    return out;
  }

  maxSeq(): number {
    return ((this.stmt('SELECT MAX(seq) AS m FROM articles').get() as Row).m as number | null) ?? 0;
  }

  /**
   * Announced articles from the given sources first seen in (fromExclusive, toInclusive], oldest
   * first: the material of one digest window.
   */
  newArticles(sourceIds: Iterable<string>, range: { fromExclusive: string; toInclusive: string }, limit = 1000): StoredArticle[] {
    const ids = [...sourceIds];
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT * FROM articles WHERE announce = 1 AND first_seen_at > ? AND first_seen_at <= ? AND source_id IN ${OWNERS_OF_JSON}
         ORDER BY seq LIMIT ?`,
      )
      .all(range.fromExclusive, range.toInclusive, JSON.stringify(ids), limit) as Row[];
    return rows.map((r) => ({ seq: r.seq as number, article: toArticle(r), firstSeenAt: r.first_seen_at as string, storyId: (r.story_id as string | null) ?? null }));
  }

  /** Announced articles with seq in (afterSeq, uptoSeq] from the given sources: alert material. */
  articlesAfterSeq(sourceIds: Iterable<string>, afterSeq: number, uptoSeq: number, limit = 1000): StoredArticle[] {
    const ids = [...sourceIds];
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM articles WHERE announce = 1 AND seq > ? AND seq <= ? AND source_id IN ${OWNERS_OF_JSON} ORDER BY seq LIMIT ?`)
      .all(afterSeq, uptoSeq, JSON.stringify(ids), limit) as Row[];
    return rows.map((r) => ({ seq: r.seq as number, article: toArticle(r), firstSeenAt: r.first_seen_at as string, storyId: (r.story_id as string | null) ?? null }));
  }

  /** A source's latest articles, newest first (what /alert preview judges). */
  latestArticles(sourceId: string, limit: number): StoredArticle[] {
    return (this.stmt(`SELECT * FROM articles WHERE source_id = ${OWNER_OF} ORDER BY COALESCE(published_at, first_seen_at) DESC, seq DESC LIMIT ?`).all(sourceId, limit) as Row[]).map((r) => ({
      seq: r.seq as number,
      article: toArticle(r),
      firstSeenAt: r.first_seen_at as string,
    }));
  }

  // A guild's sources with their article counts: a view over sources and articles.
  sourcesForGuild(guildId: string): Array<{ id: string; feedId: string; name: string; url: string | null; articles: number }> {
    const counts = this.countBySource();
    const rows = (this.stmt("SELECT id, COALESCE(feed_id, id) AS feed_id, name, url FROM sources WHERE guild_id = ? OR id = 'seeds' ORDER BY guild_id IS NOT NULL, created_at").all(guildId) as Row[]);
    return rows.map((r) => ({ id: r.id as string, feedId: r.feed_id as string, name: r.name as string, url: (r.url as string | null) ?? null, articles: counts.get(r.feed_id as string) ?? 0 }));
  }
}
