import { SqliteCounts } from './archive/sqlite-counts.ts';

/**
 * The SQLite store of record (WAL). Everything that must survive a restart lives here; the
 * search index is rebuilt from it. All methods are synchronous (better-sqlite3); each ingest is
 * one transaction, so a crash leaves either the whole fetch or none of it.
 *
 * The class is a chain, one link per aggregate (<aggregate>/<aggregate>.sqlite.ts), each extending
 * the one before it and the first extending SqliteBase (sqlite-base.ts: connection, transactions,
 * what the aggregates share); a link calls only its own methods and those of the links above it. The order: meta,
 * digests, alerts, outbox, derived, sources, versions, articles, fulltext, archive (search, then counts; folders import one way).
 */
export class SqliteStore extends SqliteCounts {}
