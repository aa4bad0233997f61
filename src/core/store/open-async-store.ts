import type { Clock, Log } from '../deps.ts';
import type { AsyncStore } from './async-store.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { fromSqlite } from './sqlite-async.ts';
import { SqliteStore } from './sqlite-store.ts';

/**
 * Opens the store of record: PostgreSQL when `databaseUrl` is given (scale-out), else the SQLite
 * file at `sqlitePath` (the default, nothing to install). Both are migrated before this returns.
 */
export async function openAsyncStore(opts: { databaseUrl?: string | null; sqlitePath: string; clock: Clock; log: Log }): Promise<AsyncStore> {
  if (opts.databaseUrl) return PostgresStore.open({ url: opts.databaseUrl, clock: opts.clock, log: opts.log });
  // Archive searches on a reader thread: better-sqlite3 would run them on the event loop.
  return fromSqlite(new SqliteStore(opts.sqlitePath, opts.clock, opts.log), { reader: true });
}
