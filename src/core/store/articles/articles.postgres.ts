import pg from 'pg';
import type { Article } from '../../article.ts';
import type { ArticleChange, AsyncStore } from '../async-store.ts';
import type { IngestItem, IngestResult, StoredArticle } from '../types.ts';
import type { Row } from '../rows.ts';
import { planIngest, uniqueItems, wantedId, type StoredItem } from '../ingest-plan.ts';
import { SEQ_LOCK, ARTICLES_CHANNEL, iso, toStored, toStoredWithStory, publishedInstant, withoutNul, json, toArticle, toStoredItem } from '../postgres-common.ts';
import { PostgresVersions } from './versions.postgres.ts';

/**
 * PostgresStore's articles: ingest (executing ingest-plan.ts) and reads (see articles.ts).
 * One link of PostgresStore's class chain (see postgres-store.ts).
 */
export class PostgresArticles extends PostgresVersions {
  async ingest(
    sourceId: string,
    items: IngestItem[],
    opts: { announce: boolean; after?: (r: IngestResult, tx: AsyncStore) => Promise<void> | void },
  ): Promise<IngestResult> {
    const now = this.now();
    return this.transaction(async (tx) => {
      const self = tx as unknown as this;
      // Stored once, on the feed, for every server that follows it.
      sourceId = await self.ownerOf(sourceId);
      const unique = uniqueItems(items).map((i) => ({ ...i, article: withoutNul(i.article), dedupeKey: i.dedupeKey.replaceAll('\u0000', '') }));
      // Lock the rows this fetch may rewrite, so two processes ingesting the same source serialise.
      const existing = new Map<string, Row>();
      const stored = new Map<string, StoredItem>();
      for (const r of await self.q(
        'SELECT * FROM articles WHERE source_id = $1 AND dedupe_key = ANY($2::text[]) FOR UPDATE',
        [sourceId, unique.map((i) => i.dedupeKey)],
      )) {
        existing.set(r.dedupe_key as string, r);
        stored.set(r.dedupe_key as string, toStoredItem(r));
      }
      const fresh = unique.filter((i) => !existing.has(i.dedupeKey));
      if (fresh.length) await self.q('SELECT pg_advisory_xact_lock($1)', [SEQ_LOCK]);
      const taken = fresh.length
        ? new Set((await self.q('SELECT id FROM articles WHERE id = ANY($1::text[])', [fresh.map((i) => wantedId(sourceId, i))])).map((r) => r.id as string))
        : new Set<string>();
      const plan = planIngest(sourceId, unique, stored, taken);
      const result: IngestResult = { inserted: [], updated: [], unchanged: plan.unchanged };
      for (const { item, stored: before, body, textOrigin, change } of plan.rewrites) {
        const a = item.article;
        // Every earlier version a reader could tell apart is kept.
        if (change) {
          const versionId = await self.saveVersion(before.article, existing.get(item.dedupeKey)!, now, change);
          (result.changes ??= []).push({ articleId: before.id, versionId, kinds: change.kinds });
        }
        await self.q(
          `UPDATE articles SET content_hash = $1, title = $2, byline = $3, outlet = $4, dateline = $5, tags = $6, caption = $7, body = $8, editors = $9, url = $10,
             published_at = $11, published_ts = $12, updated_at = $13, text_origin = $14, full_text_attempts = 0, full_text_error = NULL,
             image_url = COALESCE($17, image_url), version_seen_at = COALESCE($18, version_seen_at), speakers = NULL
           WHERE source_id = $15 AND dedupe_key = $16`,
          [item.contentHash, a.title, a.byline, a.outlet, a.dateline, json(a.tags), a.caption, json(body), json(a.editors), a.url, a.publishedAt, publishedInstant(a.publishedAt), now, textOrigin, sourceId, item.dedupeKey, a.image ?? null, change ? now : null],
        );
        result.updated.push({ ...a, body, id: before.id, sourceId });
      }
      if (plan.inserts.length) {
        // New items go in one statement, in item order, so seq follows it.
        const rows = plan.inserts.map(({ item, id }, n) => {
          const a = item.article;
          return {
            n, id, dedupe_key: item.dedupeKey, content_hash: item.contentHash, title: a.title, byline: a.byline, outlet: a.outlet, dateline: a.dateline,
            tags: a.tags, caption: a.caption, body: a.body, editors: a.editors, url: a.url, published_at: a.publishedAt, published_ts: publishedInstant(a.publishedAt),
            text_origin: item.textOrigin ?? 'feed', image_url: a.image ?? null,
          };
        });
        const inserted = new Set(
          (
            await self.q(
              `INSERT INTO articles (id, source_id, dedupe_key, content_hash, title, byline, outlet, dateline, tags, caption, body, editors, url, published_at, published_ts, first_seen_at, updated_at, announce, text_origin, image_url)
               SELECT x.id, $2, x.dedupe_key, x.content_hash, x.title, x.byline, x.outlet, x.dateline, x.tags, x.caption, x.body, x.editors, x.url, x.published_at, x.published_ts, $3, $3, $4, x.text_origin, x.image_url
               FROM jsonb_to_recordset($1::jsonb) AS x(n int, id text, dedupe_key text, content_hash text, title text, byline text, outlet text, dateline text, tags jsonb,
                 caption text, body jsonb, editors jsonb, url text, published_at text, published_ts timestamptz, text_origin text, image_url text)
               ORDER BY x.n
               ON CONFLICT (source_id, dedupe_key) DO NOTHING RETURNING dedupe_key`,
              [json(rows), sourceId, now, opts.announce],
            )
          ).map((r) => r.dedupe_key as string),
        );
        for (const { item, id } of plan.inserts) {
          // Not stored: another process stored this key after our read; it is theirs to announce.
          if (inserted.has(item.dedupeKey)) result.inserted.push({ ...item.article, id, sourceId });
          else result.unchanged++;
        }
      }
      await opts.after?.(result, self as unknown as AsyncStore);
      if (result.inserted.length || result.updated.length) {
        // Heard by every other process when this transaction commits (their indexes catch up).
        const updated: string[] = [];
        let room = 7000;
        for (const a of result.updated) if ((room -= a.id.length + 3) > 0) updated.push(a.id);
        await self.q('SELECT pg_notify($1, $2)', [ARTICLES_CHANNEL, JSON.stringify({ maxSeq: Number((await self.one('SELECT COALESCE(MAX(seq), 0) AS m FROM articles'))!.m), updated })]);
      }
      // Cached only as committed: a rolled-back fetch leaves nothing behind.
      return result;
    }).then((result) => {
      for (const a of [...result.inserted, ...result.updated]) this.cache.put(a);
      return result;
    });
  }

  async hasArticleKey(sourceId: string, dedupeKey: string): Promise<boolean> {
    sourceId = await this.ownerOf(sourceId);
    return (await this.one('SELECT 1 FROM articles WHERE source_id = $1 AND dedupe_key = $2', [sourceId, dedupeKey])) !== undefined;
  }

  /** An article by id, also by the id of a copy merged into it when feeds became shared. */
  async getArticle(id: string): Promise<Article | undefined> {
    const r = (await this.one('SELECT * FROM articles WHERE id = $1', [id])) ?? (await this.one('SELECT a.* FROM article_aliases x JOIN articles a ON a.id = x.article_id WHERE x.id = $1', [id]));
    return r ? this.cache.put(toArticle(r)) : undefined;
  }

  cachedArticle(id: string): Article | undefined {
    return this.cache.get(id);
  }

  async articleMeta(id: string): Promise<{ seq: number; firstSeenAt: string; announce: boolean; sourceId: string } | undefined> {
    const r = await this.one('SELECT seq, first_seen_at, announce, source_id FROM articles WHERE id = $1', [id]);
    return r ? { seq: Number(r.seq), firstSeenAt: iso(r.first_seen_at), announce: r.announce as boolean, sourceId: r.source_id as string } : undefined;
  }

  async scanArticles(afterSeq: number, limit: number): Promise<Array<{ rowid: number; article: Article; firstSeenAt: string; storySig: Uint8Array | null; storyId: string | null }>> {
    return (await this.q('SELECT * FROM articles WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit])).map((r) => ({
      rowid: Number(r.seq),
      article: this.cache.put(toArticle(r)),
      firstSeenAt: iso(r.first_seen_at),
      storySig: (r.story_sig as Buffer | null) ?? null,
      storyId: (r.story_id as string | null) ?? null,
    }));
  }

  async countArticles(sourceIds?: Iterable<string>): Promise<number> {
    if (!sourceIds) return Number((await this.one('SELECT COUNT(*) AS n FROM articles'))!.n);
    const ids = await this.ownersOf([...sourceIds]);
    if (ids.length === 0) return 0;
    return Number((await this.one('SELECT COUNT(*) AS n FROM articles WHERE source_id = ANY($1::text[])', [ids]))!.n);
  }

  async countBySource(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const r of await this.q('SELECT source_id, COUNT(*) AS n FROM articles GROUP BY source_id')) out.set(r.source_id as string, Number(r.n));
    return out;
  }

  async maxSeq(): Promise<number> {
    return Number((await this.one('SELECT COALESCE(MAX(seq), 0) AS m FROM articles'))!.m);
  }

  async newArticles(sourceIds: Iterable<string>, range: { fromExclusive: string; toInclusive: string }, limit = 1000): Promise<StoredArticle[]> {
    const ids = await this.ownersOf([...sourceIds]);
    if (ids.length === 0) return [];
    return (
      await this.q(
        `SELECT * FROM articles WHERE announce AND first_seen_at > $1 AND first_seen_at <= $2 AND source_id = ANY($3::text[]) ORDER BY seq LIMIT $4`,
        [range.fromExclusive, range.toInclusive, ids, limit],
      )
    ).map(toStoredWithStory);
  }

  async articlesAfterSeq(sourceIds: Iterable<string>, afterSeq: number, uptoSeq: number, limit = 1000): Promise<StoredArticle[]> {
    const ids = await this.ownersOf([...sourceIds]);
    if (ids.length === 0) return [];
    return (
      await this.q('SELECT * FROM articles WHERE announce AND seq > $1 AND seq <= $2 AND source_id = ANY($3::text[]) ORDER BY seq LIMIT $4', [afterSeq, uptoSeq, ids, limit])
    ).map(toStoredWithStory);
  }

  async latestArticles(sourceId: string, limit: number): Promise<StoredArticle[]> {
    sourceId = await this.ownerOf(sourceId);
    // The SQLite store orders by the text COALESCE(published_at, first_seen_at): the same text here
    // (first_seen_at in its ISO form, byte order), so both stores list the same articles.
    return (
      await this.q(
        `SELECT * FROM articles WHERE source_id = $1
         ORDER BY COALESCE(published_at, to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) COLLATE "C" DESC, seq DESC LIMIT $2`,
        [sourceId, limit],
      )
    ).map(toStored);
  }

  async onArticles(fn: (change: ArticleChange) => void): Promise<() => Promise<void>> {
    let stopped = false;
    let client: pg.PoolClient | null = null;
    const connect = async (reconnected: boolean): Promise<void> => {
      while (!stopped) {
        try {
          const c = await this.pool.connect();
          c.on('notification', (n) => {
            if (n.channel !== ARTICLES_CHANNEL || !n.payload) return;
            try {
              fn(JSON.parse(n.payload) as ArticleChange);
            } catch (err) {
              this.log.warn({ err }, 'article notification not understood');
            }
          });
          c.on('error', (err) => {
            this.log.warn({ err: err.message }, 'article notifications lost; reconnecting');
            c.release(err);
            if (client === c) client = null;
            void connect(true);
          });
          await c.query(`LISTEN ${ARTICLES_CHANNEL}`);
          client = c;
          // Whatever was stored while not listening is caught up from the caller's watermark.
          if (reconnected) fn({ maxSeq: await this.maxSeq(), updated: [], reconnected: true });
          return;
        } catch (err) {
          this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot listen for article notifications; retrying');
          await new Promise((r) => setTimeout(r, 1000));
          reconnected = true;
        }
      }
    };
    await connect(false);
    return async () => {
      stopped = true;
      const c = client;
      client = null;
      if (c) {
        await c.query(`UNLISTEN ${ARTICLES_CHANNEL}`).catch(() => undefined);
        c.release();
      }
    };
  }

  // A guild's sources with their article counts: a view over sources and articles.
  async sourcesForGuild(guildId: string): Promise<Array<{ id: string; feedId: string; name: string; url: string | null; articles: number }>> {
    return (
      await this.q(
        `SELECT s.id, COALESCE(s.feed_id, s.id) AS feed_id, s.name, s.url, (SELECT COUNT(*) FROM articles a WHERE a.source_id = COALESCE(s.feed_id, s.id)) AS n
         FROM sources s WHERE s.guild_id = $1 OR s.id = 'seeds' ORDER BY s.guild_id IS NOT NULL, s.created_at, s.id`,
        [guildId],
      )
    ).map((r) => ({ id: r.id as string, feedId: r.feed_id as string, name: r.name as string, url: (r.url as string | null) ?? null, articles: Number(r.n) }));
  }
}
