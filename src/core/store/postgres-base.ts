import pg from 'pg';
import type { Article } from '../article.ts';
import type { Clock, Log } from '../deps.ts';
import type { AsyncStore } from './async-store.ts';
// One error type for both stores, so callers and the contract suite see the same failures.
import { StoreError } from './errors.ts';
import { newShortId } from './ids.ts';
import type { Row } from './rows.ts';
import { PG_MIGRATIONS } from './postgres/migrations.ts';
import { maskDatabaseUrl, scrubSecrets } from '../text/secrets.ts';
import { MIGRATION_LOCK, type Db } from './postgres-common.ts';

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
 * The first link of PostgresStore's class chain (see PostgresStore): the connection, migrations, transactions
 * and what every aggregate uses (statements, short ids, the feed that owns a source's articles).
 */
export class PostgresBase {
  readonly kind = 'postgres' as const;

  protected constructor(
    readonly pool: pg.Pool,
    /** Articles read or written recently (shared by a store and its transactions' handles). */
    readonly cache: ArticleCache,
    readonly db: Db,
    readonly inTx: boolean,
    readonly clock: Clock,
    readonly log: Log,
  ) {}

  async migrate(): Promise<void> {
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

  async q(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.db.query(sql, params)).rows as Row[];
  }

  async one(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.db.query(sql, params)).rows[0] as Row | undefined;
  }

  now(): string {
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
    if (this.inTx) return fn(this as unknown as AsyncStore);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await fn(new (this.constructor as new (pool: pg.Pool, cache: ArticleCache, db: Db, inTx: boolean, clock: Clock, log: Log) => AsyncStore)(this.pool, this.cache, client, true, this.clock, this.log));
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
  async insertWithShortId(insert: (id: string) => Promise<Row | undefined>): Promise<Row> {
    for (;;) {
      const row = await insert(newShortId());
      if (row) return row;
    }
  }

  /** The owner of a source's articles: its feed (the seeds and archive rows: themselves). */
  async ownerOf(sourceId: string): Promise<string> {
    return ((await this.one('SELECT feed_id FROM sources WHERE id = $1', [sourceId]))?.feed_id as string | null | undefined) ?? sourceId;
  }

  async ownersOf(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.q('SELECT DISTINCT COALESCE(feed_id, id) AS id FROM sources WHERE id = ANY($1::text[])', [ids])).map((r) => r.id as string);
  }
}


/** The most recently used articles, oldest dropped first. */
export class ArticleCache {
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
