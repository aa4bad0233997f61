import pg from 'pg';
import { StoreError } from '../errors.ts';
import { ArticleCache, type PostgresStoreOptions } from '../postgres-base.ts';
import { maskDatabaseUrl, scrubSecrets } from '../../text/secrets.ts';
import type { AsyncStore } from '../async-store.ts';
import { PostgresArchive } from '../archive/archive.postgres.ts';

/**
 * The PostgreSQL store of record (scale-out mode, `DATABASE_URL`): the same contract as the
 * SQLite store ({@link AsyncStore}), over a connection pool, so any number of processes can share
 * one database. Multi-statement operations run in one transaction; the outbox's exactly-once
 * enqueue rests on its unique (kind, ref, window) key with `ON CONFLICT DO NOTHING`, so two
 * processes filing the same window get the same single row.
 *
 * The class is a chain, one link per aggregate (<aggregate>/<aggregate>.postgres.ts), each extending
 * the one before it and the first extending PostgresBase (postgres-base.ts: connection, transactions,
 * what the aggregates share); a link calls only its own methods and those of the links above it. The order: meta,
 * digests, alerts, outbox, derived, sources, versions, articles, fulltext, archive (folders import one way).
 */
export class PostgresStore extends PostgresArchive implements AsyncStore {
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
}

export type { PostgresStoreOptions };
