import pg from 'pg';
import type { Article } from '../../article.ts';
import { SEED_SOURCE_ID } from '../../article.ts';
import type { Clock, Log } from '../../deps.ts';
import { classifyChange } from '../../changes/compare.ts';
import type { ArticleChange, AsyncStore, Lease, SourcePatch } from '../async-store.ts';
// One error type for both stores, so callers and the contract suite see the same failures.
import { StoreError } from '../errors.ts';
import { newShortId } from '../ids.ts';
import type {
  AlertRow,
  ArticleVersion,
  ChangeAlertRow,
  FetchAttempt,
  FullTextCoverage,
  IngestItem,
  IngestResult,
  NewAlert,
  NewOutbox,
  NewSource,
  OutboxRow,
  SourceRow,
  StoredArticle,
  SubscriptionRow,
  TextFilters,
  TextHit,
  TextPage,
  TextQuery,
  TextSearchOptions,
  VersionChange, DerivedRow, ArticleSpeakers,
  OutboxKind,
} from '../types.ts';
import { FEED_FIELDS, NOT_ARCHIVE, SOURCE_SELECT } from '../feeds.ts';
import { pickVanished, rowMappers, PG_CODEC, SOURCE_COLUMNS, type Row } from '../rows.ts';
import { PG_MIGRATIONS } from './migrations.ts';
import { planIngest, uniqueItems, wantedId, type StoredItem } from '../ingest-plan.ts';
import { buildTextQuery, TEXT_CONFIG } from './text-query.ts';
import { foldDays, type TextCountOptions, type TextCounts } from '../text-counts.ts';
import { TERM_COUNT_EXACT } from '../types.ts';
import { maskDatabaseUrl, scrubSecrets } from '../../text/secrets.ts';

type Db = pg.Pool | pg.PoolClient;

/** Serialises migrations of one database across processes starting together. */
const MIGRATION_LOCK = 4_815_162_342;
/**
 * Held by every ingest that inserts, until it commits: a BIGSERIAL value is taken at insert time,
 * so without it a later seq could commit before an earlier one and an alert watermark moved past
 * the later one would skip the earlier article forever.
 */
const SEQ_LOCK = 4_815_162_343;

/** NOTIFY channel of article changes. */
const ARTICLES_CHANNEL = 'newsdesk_articles';

/** Candidates (estimated) per searched segment of the archive search. */
const TEXT_SEGMENT_CANDIDATES = 800;
/** Newest rows of a range counted to estimate how many articles a query matches. */
const TEXT_PROBE_ROWS = 1000;
/** Candidates examined at most per query before the search stops and extrapolates. */
const TEXT_MAX_CANDIDATES = 40_000;

/** next_attempt_at of a paused delivery's posts: never due until resumed (as in the SQLite store). */
const PARKED = '9999-12-31T00:00:00.000Z';

const iso = (v: unknown): string => (v as Date).toISOString();
const { toSource, toArticle, toStoredItem, toVersion, toSubscription, toAlert, toOutbox, toAttempt, toChangeAlert } = rowMappers(PG_CODEC);

function toStored(r: Row): StoredArticle {
  return { seq: Number(r.seq), article: toArticle(r), firstSeenAt: iso(r.first_seen_at), };
}

function toStoredWithStory(r: Row): StoredArticle {
  return { ...toStored(r), storyId: (r.story_id as string | null) ?? null };
}

/** A feed's date as an instant for date filters; null when it does not parse. */
function publishedInstant(publishedAt: string | null): string | null {
  if (!publishedAt) return null;
  const t = Date.parse(publishedAt);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can): a NUL in feed text is never meaningful, so it
 * is dropped rather than failing the whole fetch.
 */
function withoutNul(a: Article): Article {
  const t = (v: string) => (v.includes('\u0000') ? v.replaceAll('\u0000', '') : v);
  const n = (v: string | null) => (v === null ? null : t(v));
  return {
    ...a,
    title: t(a.title), byline: n(a.byline), outlet: n(a.outlet), dateline: n(a.dateline), tags: a.tags.map(t), caption: n(a.caption),
    body: a.body.map(t), editors: a.editors.map(t), url: n(a.url), publishedAt: n(a.publishedAt),
    ...(a.image !== undefined ? { image: t(a.image) } : {}),
  };
}

/** jsonb parameters go as JSON text: node-postgres would send a JS array as a PostgreSQL array. */
const json = (v: unknown): string => JSON.stringify(v);

export interface PostgresStoreOptions {
  /** postgres://… */
  url: string;
  clock: Clock;
  log: Log;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Articles kept for {@link AsyncStore.cachedArticle} (default 50,000). */
  cacheSize?: number;
}

/**
 * The PostgreSQL store of record (scale-out mode, `DATABASE_URL`): the same contract as the
 * SQLite store ({@link AsyncStore}), over a connection pool, so any number of processes can share
 * one database. Multi-statement operations run in one transaction; the outbox's exactly-once
 * enqueue rests on its unique (kind, ref, window) key with `ON CONFLICT DO NOTHING`, so two
 * processes filing the same window get the same single row.
 */
export class PostgresStore implements AsyncStore {
  readonly kind = 'postgres' as const;

  private constructor(
    private readonly pool: pg.Pool,
    /** Articles read or written recently (shared by a store and its transactions' handles). */
    private readonly cache: ArticleCache,
    private readonly db: Db,
    private readonly inTx: boolean,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {}

  /** Connects, applies pending migrations (one process at a time) and returns the store. */
  static async open(opts: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.maxConnections ?? 10 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', (err) => opts.log.warn({ err: err.message }, 'postgres idle connection lost'));
    const store = new PostgresStore(pool, new ArticleCache(opts.cacheSize ?? 50_000), pool, false, opts.clock, opts.log);
    try {
      await store.migrate();
    } catch (err) {
      await pool.end();
      if (err instanceof StoreError) throw err;
      throw new StoreError(`store "${maskDatabaseUrl(opts.url)}": cannot open (${scrubSecrets(err instanceof Error ? err.message : String(err))})`, { cause: err });
    }
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
        const { rows } = await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
        const version = Number(rows[0].v);
        if (version > PG_MIGRATIONS.length) {
          throw new StoreError(`store: schema version ${version} is newer than this Newsdesk (${PG_MIGRATIONS.length}); upgrade the bot`);
        }
        for (let v = version; v < PG_MIGRATIONS.length; v++) {
          await client.query('BEGIN');
          try {
            await client.query(PG_MIGRATIONS[v]!);
            await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK');
            throw err;
          }
          this.log.info({ version: v + 1 }, 'store migrated');
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
      const { rows: ctype } = await client.query('SELECT datctype FROM pg_database WHERE datname = current_database()');
      if (/^(C|POSIX)$/i.test(String(ctype[0]?.datctype))) {
        // The text search parser classifies characters by LC_CTYPE: under C, "“word”" is one word.
        this.log.warn({ ctype: ctype[0].datctype }, 'postgres database has LC_CTYPE C: text search will not split words at non-ASCII punctuation; create it with a UTF-8 LC_CTYPE (e.g. C.UTF-8)');
      }
    } finally {
      client.release();
    }
  }

  private async q(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.db.query(sql, params)).rows as Row[];
  }

  private async one(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.db.query(sql, params)).rows[0] as Row | undefined;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  async schemaVersion(): Promise<number> {
    return Number((await this.one('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations'))!.v);
  }

  /** Ends the pool (once; a transaction's handle leaves it to its owner). */
  async close(): Promise<void> {
    if (this.inTx || this.pool.ending) return;
    await this.pool.end();
  }

  async transaction<T>(fn: (tx: AsyncStore) => Promise<T>): Promise<T> {
    if (this.inTx) return fn(this);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await fn(new PostgresStore(this.pool, this.cache, client, true, this.clock, this.log));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        // A connection that cannot even roll back is dropped, not handed to the next caller.
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  /** A short id not yet used in `table`, inserted by `insert` (which must return the row or nothing on conflict). */
  private async insertWithShortId(insert: (id: string) => Promise<Row | undefined>): Promise<Row> {
    for (;;) {
      const row = await insert(newShortId());
      if (row) return row;
    }
  }

  // ── sources ────────────────────────────────────────────────────────────

  /** Adds a guild's source: a subscription to the feed at its polled URL (created when nobody follows it yet). */
  async createSource(s: NewSource): Promise<SourceRow> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as PostgresStore;
      const key = s.feedUrl ?? s.url;
      const now = self.now();
      // Two servers adding the same new feed at once: the unique url lets one create it, the other waits and reads it.
      let feedId = (await self.one('SELECT id FROM feeds WHERE url = $1', [key]))?.id as string | undefined;
      if (!feedId) {
        const archive = await self.insertWithShortId((id) =>
          self.one(
            `INSERT INTO sources (id, guild_id, url, feed_url, name, kind, status, paused_reason, interval_minutes, full_text, created_at)
             VALUES ($1, NULL, $2, $2, $3, $4, 'paused', 'feed archive', $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
            [id, key, s.name, s.kind, s.intervalMinutes, s.fullText, now],
          ),
        );
        const made = await self.one('INSERT INTO feeds (id, url, kind, created_at, next_fetch_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (url) DO NOTHING RETURNING id', [archive.id, key, s.kind, now, s.nextFetchAt]);
        if (made) feedId = made.id as string;
        else {
          await self.q('DELETE FROM sources WHERE id = $1', [archive.id]);
          feedId = (await self.one('SELECT id FROM feeds WHERE url = $1', [key]))!.id as string;
        }
      }
      const row = await self.insertWithShortId((id) =>
        self.one(
          `INSERT INTO sources (id, guild_id, channel_id, added_by, url, feed_url, name, kind, interval_minutes, full_text, created_at, next_fetch_at, feed_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING RETURNING id`,
          [id, s.guildId, s.channelId, s.addedBy, s.url, s.feedUrl, s.name, s.kind, s.intervalMinutes, s.fullText, now, s.nextFetchAt, feedId],
        ),
      );
      return (await self.getSource(row.id as string))!;
    });
  }

  async getSource(id: string): Promise<SourceRow | undefined> {
    const r = await this.one(`${SOURCE_SELECT} WHERE s.id = $1`, [id]);
    return r ? toSource(r) : undefined;
  }

  async findSourceByUrl(guildId: string, url: string): Promise<SourceRow | undefined> {
    const r = await this.one(`${SOURCE_SELECT} WHERE s.guild_id = $1 AND (s.url = $2 OR s.feed_url = $2) ORDER BY s.created_at, s.id LIMIT 1`, [guildId, url]);
    return r ? toSource(r) : undefined;
  }

  async listSources(guildId: string): Promise<SourceRow[]> {
    return (await this.q(`${SOURCE_SELECT} WHERE s.guild_id = $1 ORDER BY s.created_at, s.id`, [guildId])).map(toSource);
  }

  async allSources(): Promise<SourceRow[]> {
    return (await this.q(`${SOURCE_SELECT} WHERE ${NOT_ARCHIVE} ORDER BY s.created_at, s.id`)).map(toSource);
  }

  async followersOf(id: string): Promise<SourceRow[]> {
    return (await this.q(`${SOURCE_SELECT} WHERE s.feed_id = (SELECT COALESCE(feed_id, id) FROM sources WHERE id = $1) ORDER BY s.created_at, s.id`, [id])).map(toSource);
  }

  async updateSource(id: string, patch: SourcePatch): Promise<SourceRow> {
    const own: string[] = [];
    const ownValues: unknown[] = [];
    const feed: string[] = [];
    const feedValues: unknown[] = [];
    for (const [k, v] of Object.entries(patch)) {
      const col = SOURCE_COLUMNS[k];
      if (!col) throw new StoreError(`updateSource: unknown field ${k}`);
      if (FEED_FIELDS[k]) {
        feedValues.push(v);
        feed.push(`${col} = $${feedValues.length}`);
      } else {
        ownValues.push(v);
        own.push(`${col} = $${ownValues.length}`);
      }
    }
    if (own.length) await this.q(`UPDATE sources SET ${own.join(', ')} WHERE id = $${ownValues.length + 1}`, [...ownValues, id]);
    if (feed.length) {
      const feedId = (await this.one('SELECT feed_id FROM sources WHERE id = $1', [id]))?.feed_id as string | null | undefined;
      await this.q(`UPDATE ${feedId ? 'feeds' : 'sources'} SET ${feed.join(', ')} WHERE id = $${feedValues.length + 1}`, [...feedValues, feedId ?? id]);
    }
    const r = await this.getSource(id);
    if (!r) throw new StoreError(`source "${id}" does not exist`);
    return r;
  }

  async deleteSource(id: string): Promise<{ articleIds: string[] }> {
    if (id === SEED_SOURCE_ID) throw new StoreError('the seed archive cannot be removed');
    return this.transaction(async (tx) => {
      const self = tx as unknown as PostgresStore;
      const feedId = ((await self.one('SELECT feed_id FROM sources WHERE id = $1', [id]))?.feed_id as string | null | undefined) ?? null;
      await self.q('DELETE FROM sources WHERE id = $1', [id]);
      if (feedId) {
        // Serialises with a server adding the same feed: the last follower takes the feed along only if nobody joined.
        await self.q('SELECT id FROM feeds WHERE id = $1 FOR UPDATE', [feedId]);
        if (await self.one('SELECT 1 FROM sources WHERE feed_id = $1', [feedId])) return { articleIds: [] };
      }
      const owner = feedId ?? id;
      const ids = (await self.q('SELECT id FROM articles WHERE source_id = $1 ORDER BY seq', [owner])).map((r) => r.id as string);
      if (feedId) await self.q('DELETE FROM sources WHERE id = $1', [feedId]);
      return { articleIds: ids };
    }).then((out) => {
      for (const a of out.articleIds) this.cache.drop(a);
      return out;
    });
  }

  async dueSources(now: Date, limit: number): Promise<SourceRow[]> {
    const rows = await this.q(
      `${SOURCE_SELECT} WHERE s.id IN (
         SELECT (SELECT x.id FROM sources x WHERE x.feed_id = fd.id AND x.status = 'active' ORDER BY x.created_at, x.id LIMIT 1)
         FROM feeds fd WHERE fd.next_fetch_at IS NULL OR fd.next_fetch_at <= $1)
       ORDER BY f.next_fetch_at NULLS FIRST, s.created_at, s.id LIMIT $2`,
      [now.toISOString(), limit],
    );
    const out: SourceRow[] = [];
    for (const r of rows) out.push(await this.withFollowers(toSource(r)));
    return out;
  }

  async claimDueSources(now: Date, limit: number, lease: Lease): Promise<SourceRow[]> {
    // Locked rows are skipped, not waited for: another process is claiming them right now.
    const claimed = await this.q(
      `UPDATE feeds SET lease_until = $3, lease_owner = $4 WHERE id IN (
         SELECT fd.id FROM feeds fd
         WHERE (fd.next_fetch_at IS NULL OR fd.next_fetch_at <= $1) AND (fd.lease_until IS NULL OR fd.lease_until < $1)
           AND EXISTS (SELECT 1 FROM sources x WHERE x.feed_id = fd.id AND x.status = 'active')
         ORDER BY fd.next_fetch_at NULLS FIRST, fd.id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, next_fetch_at`,
      [now.toISOString(), limit, lease.until.toISOString(), lease.owner],
    );
    if (claimed.length === 0) return [];
    const rows = await this.q(
      `${SOURCE_SELECT} WHERE s.id IN (
         SELECT (SELECT x.id FROM sources x WHERE x.feed_id = fd.id AND x.status = 'active' ORDER BY x.created_at, x.id LIMIT 1)
         FROM feeds fd WHERE fd.id = ANY($1::text[]))
       ORDER BY f.next_fetch_at NULLS FIRST, s.created_at, s.id`,
      [claimed.map((r) => r.id as string)],
    );
    const out: SourceRow[] = [];
    for (const r of rows) out.push(await this.withFollowers(toSource(r)));
    return out;
  }

  async releaseSource(sourceId: string, owner: string): Promise<void> {
    await this.q('UPDATE feeds SET lease_until = NULL, lease_owner = NULL WHERE id = (SELECT COALESCE(feed_id, id) FROM sources WHERE id = $1) AND lease_owner = $2', [sourceId, owner]);
  }

  /** A feed's representative: the shortest interval any active follower asked for, and full text if any wants it. */
  private async withFollowers(source: SourceRow): Promise<SourceRow> {
    const r = (await this.one(`SELECT MIN(interval_minutes) AS i, bool_or(full_text) AS ft FROM sources WHERE feed_id = $1 AND status = 'active'`, [source.feedId ?? source.id]))!;
    return r.i == null ? source : { ...source, intervalMinutes: Number(r.i), fullText: r.ft as boolean };
  }

  /** The owner of a source's articles: its feed (the seeds and archive rows: themselves). */
  private async ownerOf(sourceId: string): Promise<string> {
    return ((await this.one('SELECT feed_id FROM sources WHERE id = $1', [sourceId]))?.feed_id as string | null | undefined) ?? sourceId;
  }

  private async ownersOf(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.q('SELECT DISTINCT COALESCE(feed_id, id) AS id FROM sources WHERE id = ANY($1::text[])', [ids])).map((r) => r.id as string);
  }

  async recordFetch(sourceId: string, attempt: FetchAttempt): Promise<void> {
    sourceId = await this.ownerOf(sourceId);
    await this.q(
      'INSERT INTO fetch_log (source_id, at, duration_ms, http_status, new_items, updated_items, error) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [sourceId, attempt.at, attempt.durationMs, attempt.httpStatus, attempt.newItems, attempt.updatedItems, attempt.error],
    );
    // Keep history bounded: the newest 200 attempts per source are plenty for /source health.
    await this.q(
      'DELETE FROM fetch_log WHERE source_id = $1 AND id <= (SELECT id FROM fetch_log WHERE source_id = $1 ORDER BY id DESC LIMIT 1 OFFSET 200)',
      [sourceId],
    );
  }

  async fetchHistory(sourceId: string, limit: number): Promise<FetchAttempt[]> {
    sourceId = await this.ownerOf(sourceId);
    return (await this.q('SELECT * FROM fetch_log WHERE source_id = $1 ORDER BY id DESC LIMIT $2', [sourceId, limit])).map(toAttempt);
  }

  // ── articles ───────────────────────────────────────────────────────────

  async ingest(
    sourceId: string,
    items: IngestItem[],
    opts: { announce: boolean; after?: (r: IngestResult, tx: AsyncStore) => Promise<void> | void },
  ): Promise<IngestResult> {
    const now = this.now();
    return this.transaction(async (tx) => {
      const self = tx as unknown as PostgresStore;
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
      await opts.after?.(result, self);
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

  async scanDerived(afterSeq: number, limit: number): Promise<DerivedRow[]> {
    const rows = await this.q('SELECT seq, id, source_id, title, published_at, first_seen_at, story_sig, story_entities, story_id, speakers FROM articles WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
    return rows.map((r) => ({
      rowid: Number(r.seq),
      id: r.id as string,
      sourceId: r.source_id as string,
      title: r.title as string,
      publishedAt: (r.published_at as string | null) ?? null,
      firstSeenAt: iso(r.first_seen_at),
      storySig: (r.story_sig as Buffer | null) ?? null,
      storyEntities: (r.story_entities as Buffer | null) ?? null,
      storyId: (r.story_id as string | null) ?? null,
      speakers: (r.speakers as ArticleSpeakers | null) ?? null,
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

  // ── full text ──────────────────────────────────────────────────────────

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
      const self = tx as unknown as PostgresStore;
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

  /** Keeps the version a change replaced; returns its row id. */
  private async saveVersion(before: Article, row: Row, now: string, change: { kinds: string[]; share: number; note: string | null }): Promise<number> {
    const seenAt = row.version_seen_at ?? row.first_seen_at;
    const r = await this.one(
      `INSERT INTO article_versions (article_id, version, title, byline, published_at, body, url, seen_at, replaced_at, kinds, share, note)
       VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions WHERE article_id = $1), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [before.id, before.title, before.byline, before.publishedAt, json(before.body), before.url, iso(seenAt), now, json(change.kinds), change.share, change.note],
    );
    return Number(r!.id);
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

  // ── newsroom view ──────────────────────────────────────────────────────

  async sourceIdsForGuild(guildId: string): Promise<string[]> {
    return (await this.q('SELECT COALESCE(feed_id, id) AS id FROM sources WHERE guild_id = $1 GROUP BY 1 ORDER BY MIN(created_at), 1', [guildId])).map((r) => r.id as string);
  }

  async sourcesForGuild(guildId: string): Promise<Array<{ id: string; feedId: string; name: string; url: string | null; articles: number }>> {
    return (
      await this.q(
        `SELECT s.id, COALESCE(s.feed_id, s.id) AS feed_id, s.name, s.url, (SELECT COUNT(*) FROM articles a WHERE a.source_id = COALESCE(s.feed_id, s.id)) AS n
         FROM sources s WHERE s.guild_id = $1 OR s.id = 'seeds' ORDER BY s.guild_id IS NOT NULL, s.created_at, s.id`,
        [guildId],
      )
    ).map((r) => ({ id: r.id as string, feedId: r.feed_id as string, name: r.name as string, url: (r.url as string | null) ?? null, articles: Number(r.n) }));
  }

  // ── digests and alerts ─────────────────────────────────────────────────

  async createSubscription(s: Omit<SubscriptionRow, 'id' | 'createdAt'>): Promise<SubscriptionRow> {
    const row = await this.insertWithShortId((id) =>
      this.one(
        `INSERT INTO subscriptions (id, guild_id, channel_id, schedule_label, cron, timezone, query, source_ids, max_items, created_by, created_at, last_window_end, chart)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [id, s.guildId, s.channelId, s.scheduleLabel, s.cron, s.timezone, s.query, s.sourceIds, s.maxItems, s.createdBy, this.now(), s.lastWindowEnd, s.chart === true],
      ),
    );
    return toSubscription(row);
  }

  async getSubscription(id: string): Promise<SubscriptionRow | undefined> {
    const r = await this.one('SELECT * FROM subscriptions WHERE id = $1', [id]);
    return r ? toSubscription(r) : undefined;
  }

  async listSubscriptions(guildId?: string): Promise<SubscriptionRow[]> {
    const rows = guildId
      ? await this.q('SELECT * FROM subscriptions WHERE guild_id = $1 ORDER BY created_at, id', [guildId])
      : await this.q('SELECT * FROM subscriptions ORDER BY created_at, id');
    return rows.map(toSubscription);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM subscriptions WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async createAlert(a: NewAlert): Promise<AlertRow> {
    const row = await this.insertWithShortId((id) =>
      this.one(
        `INSERT INTO alerts (id, guild_id, channel_id, query, role_id, created_by, created_at, last_seq, source_id, filters, template, identity, notify_channel_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [id, a.guildId, a.channelId, a.query, a.roleId, a.createdBy, this.now(), a.lastSeq, a.sourceId ?? null, a.filters ?? '{}', a.template ?? null, a.identity ?? 'bot', a.notifyChannelId ?? null],
      ),
    );
    return toAlert(row);
  }

  async getAlert(id: string): Promise<AlertRow | undefined> {
    const r = await this.one('SELECT * FROM alerts WHERE id = $1', [id]);
    return r ? toAlert(r) : undefined;
  }

  async listAlerts(guildId?: string): Promise<AlertRow[]> {
    const rows = guildId
      ? await this.q('SELECT * FROM alerts WHERE guild_id = $1 ORDER BY created_at, id', [guildId])
      : await this.q('SELECT * FROM alerts ORDER BY created_at, id');
    return rows.map(toAlert);
  }

  async deleteAlert(id: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM alerts WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  // ── feed deliveries ────────────────────────────────────────────────────

  async alertsForSource(sourceId: string): Promise<AlertRow[]> {
    return (await this.q('SELECT * FROM alerts WHERE source_id = $1 ORDER BY created_at, id', [sourceId])).map(toAlert);
  }

  async pauseAlert(id: string, reason: string, error: string | null): Promise<boolean> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as PostgresStore;
      const changed = await self.q(
        "UPDATE alerts SET status = 'paused', paused_reason = $1, last_error = COALESCE($2, last_error) WHERE id = $3 AND status = 'active' RETURNING id",
        [reason, error, id],
      );
      // Parked, not dropped: resuming sends them.
      await self.q(`UPDATE outbox SET next_attempt_at = '${PARKED}' WHERE kind IN ('delivery', 'alert') AND ref_id = $1 AND status = 'pending'`, [id]);
      return changed.length > 0;
    });
  }

  async resumeAlert(id: string): Promise<void> {
    await this.transaction(async (tx) => {
      const self = tx as unknown as PostgresStore;
      await self.q("UPDATE alerts SET status = 'active', paused_reason = NULL WHERE id = $1", [id]);
      await self.q(
        // Due now for whoever claims next: a claim left on a failed row must not hold it back.
        "UPDATE outbox SET next_attempt_at = $1, attempts = 0, status = 'pending', lease_until = NULL WHERE kind IN ('delivery', 'alert') AND ref_id = $2 AND status IN ('pending', 'failed')",
        [self.now(), id],
      );
    });
  }

  async countAlert(id: string, field: 'delivered' | 'skipped' | 'failed', by: number, extra: { lastError?: string | null; deliveredAt?: string } = {}): Promise<void> {
    // The column comes from this fixed map, never from the caller's text.
    const col = { delivered: 'delivered', skipped: 'skipped', failed: 'failed' }[field];
    await this.q(
      `UPDATE alerts SET ${col} = ${col} + $1, last_error = CASE WHEN $2 THEN $3 ELSE last_error END, last_delivered_at = COALESCE($4, last_delivered_at) WHERE id = $5`,
      [by, extra.lastError !== undefined, extra.lastError ?? null, extra.deliveredAt ?? null, id],
    );
  }

  async setAlertIdentityNote(id: string, note: string | null): Promise<void> {
    await this.q('UPDATE alerts SET identity_note = $1 WHERE id = $2', [note, id]);
  }

  async postedToChannelSince(channelId: string, since: Date): Promise<string[]> {
    return (
      await this.q("SELECT posted_at FROM outbox WHERE channel_id = $1 AND status = 'posted' AND posted_at > $2 ORDER BY posted_at", [channelId, since.toISOString()])
    ).map((r) => iso(r.posted_at));
  }

  async outboxBacklog(): Promise<Array<{ kind: OutboxKind; pending: number; oldestAt: string | null }>> {
    return (
      await this.q(`SELECT kind, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending' AND next_attempt_at < '${PARKED}' GROUP BY kind ORDER BY kind`)
    ).map((r) => ({ kind: r.kind as OutboxKind, pending: Number(r.n), oldestAt: r.oldest ? iso(r.oldest) : null }));
  }

  async pendingPostsForChannel(channelId: string): Promise<number> {
    return Number(
      (await this.one(`SELECT COUNT(*) AS n FROM outbox WHERE channel_id = $1 AND kind <> 'notice' AND status = 'pending' AND next_attempt_at < '${PARKED}'`, [channelId]))!.n,
    );
  }

  async claimChannelItems(channelId: string, keys: string[]): Promise<string[]> {
    const unique = [...new Set(keys)];
    if (!unique.length) return [];
    const rows = await this.q(
      `INSERT INTO channel_items (channel_id, item_key, filed_at) SELECT $1, k, $3 FROM unnest($2::text[]) AS k
       ON CONFLICT DO NOTHING RETURNING item_key`,
      [channelId, unique, this.now()],
    );
    const fresh = new Set(rows.map((r) => r.item_key as string));
    return unique.filter((k) => fresh.has(k));
  }

  // ── outbox: exactly-once posting ────────────────────────────────────────

  async enqueueDigest(subscriptionId: string, windowEnd: string, row: NewOutbox | null): Promise<OutboxRow | null> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as PostgresStore;
      const out = row ? await self.enqueueOutbox(row) : null;
      await self.q('UPDATE subscriptions SET last_window_end = $1 WHERE id = $2', [windowEnd, subscriptionId]);
      return out;
    });
  }

  async enqueueAlerts(alertId: string, lastSeq: number, rows: NewOutbox[]): Promise<OutboxRow[]> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as PostgresStore;
      const out: OutboxRow[] = [];
      for (const r of rows) out.push(await self.enqueueOutbox(r));
      await self.q('UPDATE alerts SET last_seq = $1 WHERE id = $2 AND last_seq < $1', [lastSeq, alertId]);
      return out;
    });
  }

  async enqueueOutbox(row: NewOutbox): Promise<OutboxRow> {
    const now = this.now();
    // A concurrent insert of the same key makes this one wait for it, then do nothing; the SELECT
    // (a new snapshot under READ COMMITTED) then reads the winner's row.
    const inserted = await this.one(
      `INSERT INTO outbox (kind, ref_id, window_key, channel_id, payload, nonce, created_at, next_attempt_at, guild_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) ON CONFLICT (kind, ref_id, window_key) DO NOTHING RETURNING *`,
      [row.kind, row.refId, row.windowKey, row.channelId, json(row.payload), row.nonce, now, row.guildId ?? null],
    );
    if (inserted) return toOutbox(inserted);
    return toOutbox((await this.one('SELECT * FROM outbox WHERE kind = $1 AND ref_id = $2 AND window_key = $3', [row.kind, row.refId, row.windowKey]))!);
  }

  async claimOutbox(now: Date, limit: number, lease: Lease): Promise<OutboxRow[]> {
    return (
      await this.q(
        // Turns across servers, notices first (as SqliteStore.pendingOutbox); the window function
        // ranks the due rows, and the locking read takes the first `limit` of them it can lock.
        `WITH due AS (
           SELECT id, kind <> 'notice' AS ordinary, ROW_NUMBER() OVER (PARTITION BY COALESCE(guild_id, channel_id) ORDER BY id) AS turn
           FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1))
         UPDATE outbox SET lease_until = $3, lease_owner = $4 WHERE id IN (
           SELECT o.id FROM outbox o JOIN due ON due.id = o.id
           -- Checked again on the locked row: a claim that committed meanwhile must not be taken twice.
           WHERE o.status = 'pending' AND o.next_attempt_at <= $1 AND (o.lease_until IS NULL OR o.lease_until < $1)
           ORDER BY due.ordinary, due.turn, o.id LIMIT $2 FOR UPDATE OF o SKIP LOCKED)
         RETURNING *, (SELECT turn FROM due WHERE due.id = outbox.id) AS turn`,
        [now.toISOString(), limit, lease.until.toISOString(), lease.owner],
      )
    )
      .sort((a, b) => Number(a.kind !== 'notice') - Number(b.kind !== 'notice') || Number(a.turn) - Number(b.turn) || Number(a.id) - Number(b.id))
      .map(toOutbox);
  }

  async tryLock(name: string): Promise<(() => Promise<void>) | null> {
    // A session lock on a connection of its own: released with it, also when the process dies.
    const client = await this.pool.connect();
    try {
      const got = (await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`newsdesk:${name}`])).rows[0].ok as boolean;
      if (!got) {
        client.release();
        return null;
      }
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    return async () => {
      try {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`newsdesk:${name}`]);
        client.release();
      } catch (err) {
        client.release(err as Error);
      }
    };
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

  async pendingOutbox(now: Date, limit: number): Promise<OutboxRow[]> {
    return (
      await this.q(
        `SELECT * FROM (
           SELECT *, ROW_NUMBER() OVER (PARTITION BY COALESCE(guild_id, channel_id) ORDER BY id) AS turn
           FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1) due
         ORDER BY kind <> 'notice', turn, id LIMIT $2`,
        [now.toISOString(), limit],
      )
    ).map(toOutbox);
  }

  async getOutbox(id: number): Promise<OutboxRow | undefined> {
    const r = await this.one('SELECT * FROM outbox WHERE id = $1', [id]);
    return r ? toOutbox(r) : undefined;
  }

  async listOutbox(filter: { kind?: string; refId?: string } = {}): Promise<OutboxRow[]> {
    return (
      await this.q('SELECT * FROM outbox WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR ref_id = $2) ORDER BY id', [filter.kind ?? null, filter.refId ?? null])
    ).map(toOutbox);
  }

  async markSending(id: number): Promise<void> {
    await this.q('UPDATE outbox SET sent_at = $1 WHERE id = $2', [this.now(), id]);
  }

  async markPosted(id: number, messageId: string): Promise<void> {
    await this.q("UPDATE outbox SET status = 'posted', message_id = $1, posted_at = $2, attempts = attempts + 1 WHERE id = $3", [messageId, this.now(), id]);
  }

  async markAttemptFailed(id: number, error: string, retryAt: Date | null): Promise<void> {
    if (retryAt) {
      await this.q('UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_until = NULL WHERE id = $3', [error, retryAt.toISOString(), id]);
    } else {
      await this.q("UPDATE outbox SET attempts = attempts + 1, last_error = $1, status = 'failed', lease_until = NULL WHERE id = $2", [error, id]);
    }
  }

  async deferOutbox(id: number, until: Date): Promise<void> {
    await this.q('UPDATE outbox SET next_attempt_at = $1, lease_until = NULL WHERE id = $2', [until.toISOString(), id]);
  }

  // ── meta ───────────────────────────────────────────────────────────────

  async getMeta(key: string): Promise<string | undefined> {
    const r = await this.one('SELECT value FROM meta WHERE key = $1', [key]);
    return r ? (r.value as string) : undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.q('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, value]);
  }

  // ── versions and deletions ─────────────────────────────────────────────

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
      const self = tx as unknown as PostgresStore;
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

  async createChangeAlert(a: Omit<ChangeAlertRow, 'id' | 'createdAt'>): Promise<ChangeAlertRow> {
    const row = await this.insertWithShortId((id) =>
      this.one(
        `INSERT INTO change_alerts (id, guild_id, channel_id, created_by, created_at, last_version_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [id, a.guildId, a.channelId, a.createdBy, this.now(), a.lastVersionId],
      ),
    );
    return toChangeAlert(row);
  }

  async listChangeAlerts(guildId?: string): Promise<ChangeAlertRow[]> {
    const rows = guildId
      ? await this.q('SELECT * FROM change_alerts WHERE guild_id = $1 ORDER BY created_at, id', [guildId])
      : await this.q('SELECT * FROM change_alerts ORDER BY created_at, id');
    return rows.map(toChangeAlert);
  }

  async deleteChangeAlert(id: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM change_alerts WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async enqueueChangeAlerts(alertId: string, lastVersionId: number, rows: NewOutbox[]): Promise<OutboxRow[]> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as PostgresStore;
      const out: OutboxRow[] = [];
      for (const r of rows) out.push(await self.enqueueOutbox(r));
      await self.q('UPDATE change_alerts SET last_version_id = $1 WHERE id = $2 AND last_version_id < $1', [lastVersionId, alertId]);
      return out;
    });
  }

  // ── stories ────────────────────────────────────────────────────────────

  async setStorySignatures(sigs: Iterable<[articleId: string, sig: Uint8Array, entities?: Uint8Array]>): Promise<void> {
    const list = [...sigs];
    if (list.length === 0) return;
    const b64 = (b: Uint8Array | undefined) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') : null);
    await this.q(
      `UPDATE articles a SET story_sig = decode(x.sig, 'base64'), story_entities = decode(x.ents, 'base64')
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, sig text, ents text) WHERE a.id = x.id`,
      [json(list.map(([id, sig, entities]) => ({ id, sig: b64(sig), ents: b64(entities) })))],
    );
  }

  async setSpeakers(rows: Iterable<[articleId: string, speakers: ArticleSpeakers]>): Promise<void> {
    const list = [...rows];
    if (list.length === 0) return;
    await this.q(
      `UPDATE articles a SET speakers = x.speakers FROM jsonb_to_recordset($1::jsonb) AS x(id text, speakers jsonb) WHERE a.id = x.id`,
      [json(list.map(([id, speakers]) => ({ id, speakers })))],
    );
  }

  async setStoryIds(assignments: Iterable<[articleId: string, storyId: string]>): Promise<number> {
    const list = [...assignments];
    if (list.length === 0) return 0;
    const r = await this.db.query(
      `UPDATE articles a SET story_id = x.story FROM jsonb_to_recordset($1::jsonb) AS x(id text, story text) WHERE a.id = x.id AND a.story_id IS DISTINCT FROM x.story`,
      [json(list.map(([id, story]) => ({ id, story })))],
    );
    return r.rowCount ?? 0;
  }

  async storyMembers(storyId: string, limit = 200): Promise<StoredArticle[]> {
    // Ordered by the same text as SQLite (published as given, else first seen in ISO form).
    return (
      await this.q(
        `SELECT * FROM articles WHERE story_id = $1
         ORDER BY COALESCE(published_at, to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) COLLATE "C", seq LIMIT $2`,
        [storyId, limit],
      )
    ).map(toStoredWithStory);
  }

  // ── archive tier ───────────────────────────────────────────────────────

  async countFromSeq(fromSeq: number): Promise<number> {
    return Number((await this.one('SELECT COUNT(*) AS n FROM articles WHERE seq >= $1', [fromSeq]))!.n);
  }

  async articlesGeneration(): Promise<number> {
    return Number((await this.getMeta('articles_generation')) ?? 0);
  }

  async hotFloorSeq(since: Date, maxArticles: number): Promise<number> {
    const byCount = maxArticles <= 0 ? 0 : Number((await this.one('SELECT seq FROM articles ORDER BY seq DESC LIMIT 1 OFFSET $1', [maxArticles - 1]))?.seq ?? 0);
    const first = await this.one('SELECT seq FROM articles WHERE first_seen_at >= $1 ORDER BY first_seen_at, seq LIMIT 1', [since.toISOString()]);
    const byAge = first ? Number(first.seq) : (await this.maxSeq()) + 1;
    return Math.max(byCount, byAge);
  }

  /**
   * Ranked text search with early termination, the SQLite store's idea on PostgreSQL: ts_rank_cd
   * is computed for every row that matches, so a word in most of a million articles would rank
   * them all before LIMIT. Instead the seq range is searched newest-first in segments sized from
   * the match density among the newest rows so that each holds about TEXT_SEGMENT_CANDIDATES
   * candidates; segments grow until enough hits are found or TEXT_MAX_CANDIDATES were examined.
   * Hits are ranked among the segments read; the total is extrapolated when the search stopped early.
   */
  /**
   * Articles holding each term (its stem, under the english text configuration): the newest
   * TERM_COUNT_EXACT matches counted, and above that the archive size times their share of the
   * newest rows, as the SQLite store does.
   */
  async termFrequencies(terms: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const wanted = [...new Set(terms.filter((t) => t.length > 0))];
    if (wanted.length === 0) return out;
    const end = (await this.maxSeq()) + 1;
    const total = end - 1;
    for (const term of wanted) {
      const r = (await this.one(
        `SELECT COUNT(*) AS n, MIN(seq) AS last FROM (SELECT seq FROM articles WHERE search @@ plainto_tsquery('${TEXT_CONFIG}', $1) ORDER BY seq DESC LIMIT ${TERM_COUNT_EXACT}) m`,
        [term],
      ))!;
      const n = Number(r.n);
      out.set(term, n < TERM_COUNT_EXACT ? n : Math.min(total, Math.round((n * total) / Math.max(1, end - Number(r.last)))));
    }
    return out;
  }

  async searchText(query: TextQuery, filters: TextFilters, opts: TextSearchOptions): Promise<TextPage> {
    const empty: TextPage = { hits: [], total: 0, approximate: false };
    const built = buildTextQuery(query, opts.mode ?? 'all');
    if (!built) return empty;
    const lo = Math.max(0, filters.fromSeq ?? 0);
    const hi = Math.min(filters.toSeq ?? Infinity, (await this.maxSeq()) + 1);
    if (hi <= lo) return empty;
    const params: unknown[] = [...built.params];
    const where: string[] = [`search @@ (${built.match})`];
    if (built.not) where.push(`NOT (search @@ (${built.not}))`);
    if (filters.sourceIds) {
      params.push([...filters.sourceIds]);
      where.push(`source_id = ANY($${params.length}::text[])`);
    }
    if (filters.source) {
      params.push(filters.source, filters.source.replace(/\s+/g, ' ').trim().toLowerCase());
      where.push(`(source_id = (SELECT COALESCE(feed_id, id) FROM sources WHERE id = $${params.length - 1}) OR lower(trim(coalesce(outlet, ''))) = $${params.length})`);
    }
    const when = 'COALESCE(published_ts, first_seen_at)';
    if (filters.since) {
      params.push(filters.since.toISOString());
      where.push(`${when} >= $${params.length}`);
    }
    if (filters.until) {
      params.push(filters.until.toISOString());
      where.push(`${when} <= $${params.length}`);
    }
    const range = (a: number, b: number) => [...params, a, b];
    const inRange = `seq >= $${params.length + 1} AND seq < $${params.length + 2}`;
    const cond = `${where.join(' AND ')} AND ${inRange}`;
    const probeLo = Math.max(lo, hi - TEXT_PROBE_ROWS);
    const probed = Number((await this.one(`SELECT COUNT(*) AS n FROM articles WHERE ${cond}`, range(probeLo, hi)))!.n);
    const density = probed / Math.max(1, hi - probeLo);
    const whole = probeLo === lo && probed <= TEXT_SEGMENT_CANDIDATES;
    let span = whole || density * (hi - lo) <= TEXT_SEGMENT_CANDIDATES ? hi - lo : Math.max(64, Math.ceil(TEXT_SEGMENT_CANDIDATES / Math.max(density, 1e-6)));
    // Weights {D, C, B, A}: body 0.1, outlet/byline 0.2, tags 0.4, title 1. Normalisation 1 divides
    // by 1 + log(length) so a long article does not win by size alone.
    const sql = `SELECT seq, id, ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', search, (${built.rank}), 1) AS score FROM articles WHERE ${cond}`;
    const found: Array<{ seq: number; id: string; score: number }> = [];
    let segHi = hi;
    let examined = 0;
    while (segHi > lo) {
      const segLo = Math.max(lo, segHi - span);
      const rows = await this.q(sql, range(segLo, segHi));
      for (const r of rows) found.push({ seq: Number(r.seq), id: r.id as string, score: Number(r.score) });
      examined += Math.max(rows.length, density * (segHi - segLo));
      segHi = segLo;
      if (found.length >= opts.limit || examined >= TEXT_MAX_CANDIDATES) break;
      // The caller stopped waiting (its time budget ran out): no more segments for nobody.
      if (opts.deadline !== undefined && Date.now() > opts.deadline) break;
      span *= 2;
    }
    found.sort((a, b) => b.score - a.score || b.seq - a.seq);
    const hits: TextHit[] = found.slice(0, opts.limit).map((r) => ({ id: r.id, seq: r.seq, score: r.score }));
    const approximate = segHi > lo;
    const total = approximate ? Math.round((found.length * (hi - lo)) / (hi - segHi)) : found.length;
    return { hits, total, approximate };
  }

  /**
   * Every match counted per day and key in SQL (the GIN index finds the matches, one pass over
   * their rows groups them), folded into intervals as the SQLite store folds them; then the
   * earliest match, looked for on its day only.
   */
  async countText(query: TextQuery | null, filters: TextFilters, opts: TextCountOptions): Promise<TextCounts> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query) {
      const built = buildTextQuery(query, 'all');
      if (!built) return { rows: [], total: 0, first: null };
      params.push(...built.params);
      where.push(`search @@ (${built.match})`);
      if (built.not) where.push(`NOT (search @@ (${built.not}))`);
    }
    if (filters.sourceIds) {
      params.push([...filters.sourceIds]);
      where.push(`source_id = ANY($${params.length}::text[])`);
    }
    if (filters.source !== undefined) {
      params.push(filters.source, filters.source.replace(/\s+/g, ' ').trim().toLowerCase());
      where.push(`(source_id = (SELECT COALESCE(feed_id, id) FROM sources WHERE id = $${params.length - 1}) OR lower(${OUTLET_SHOWN('outlet')}) = $${params.length})`);
    }
    const when = 'COALESCE(published_ts, first_seen_at)';
    if (filters.since) {
      params.push(filters.since.toISOString());
      where.push(`${when} >= $${params.length}`);
    }
    if (filters.until) {
      params.push(filters.until.toISOString());
      where.push(`${when} <= $${params.length}`);
    }
    if (filters.fromSeq !== undefined) {
      params.push(filters.fromSeq);
      where.push(`seq >= $${params.length}`);
    }
    if (filters.toSeq !== undefined) {
      params.push(filters.toSeq);
      where.push(`seq < $${params.length}`);
    }
    const cond = where.length ? where.join(' AND ') : 'TRUE';
    const day = `((${when} AT TIME ZONE 'UTC')::date - DATE '1970-01-01')`;
    const key = opts.by === 'outlet' ? `NULLIF(lower(${OUTLET_SHOWN('outlet')}), '')` : opts.by === 'source' ? 'source_id' : 'NULL::text';
    const rows = await this.q(
      `SELECT ${day} AS day, ${key} AS key, count(*)::int AS n, min(seq) AS lo, (array_agg(${opts.by === 'outlet' ? OUTLET_SHOWN('outlet') : 'NULL::text'} ORDER BY seq))[1] AS shown
       FROM articles WHERE ${cond} GROUP BY 1, 2`,
      params,
    );
    if (rows.length === 0) return { rows: [], total: 0, first: null };
    // An outlet is shown as written in its earliest stored article among the matches (as SQLite).
    const shown = new Map<string, { lo: number; name: string }>();
    if (opts.by === 'outlet') {
      for (const r of rows) {
        if (r.key === null) continue;
        const prev = shown.get(r.key as string);
        if (!prev || Number(r.lo) < prev.lo) shown.set(r.key as string, { lo: Number(r.lo), name: r.shown as string });
      }
    }
    const days = rows.map((r) => ({ day: Number(r.day), key: r.key === null ? null : opts.by === 'outlet' ? shown.get(r.key as string)!.name : (r.key as string), count: Number(r.n) }));
    const total = days.reduce((n, d) => n + d.count, 0);
    const firstDay = Math.min(...days.map((d) => d.day));
    params.push(firstDay);
    const f = await this.one(
      `SELECT id, source_id, ${OUTLET_SHOWN('outlet')} AS outlet, ${when} AS at FROM articles
       WHERE ${cond} AND ${day} = $${params.length} ORDER BY ${when}, seq LIMIT 1`,
      params,
    );
    return {
      rows: foldDays(days, opts.interval),
      total,
      first: f ? { id: f.id as string, at: iso(f.at), outlet: (f.outlet as string | null) || null, sourceId: f.source_id as string } : null,
    };
  }
}

/** An outlet with runs of whitespace as one space and none at either end (SQL over `col`). */
const OUTLET_SHOWN = (col: string) => `regexp_replace(regexp_replace(${col}, '\\s+', ' ', 'g'), '^ | $', '', 'g')`;

/** The most recently used articles, oldest dropped first. */
class ArticleCache {
  private readonly map = new Map<string, Article>();
  constructor(private readonly max: number) {}
  get(id: string): Article | undefined {
    const a = this.map.get(id);
    if (a) {
      this.map.delete(id);
      this.map.set(id, a);
    }
    return a;
  }
  put(a: Article): Article {
    this.map.delete(a.id);
    this.map.set(a.id, a);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return a;
  }
  drop(id: string): void {
    this.map.delete(id);
  }
}
