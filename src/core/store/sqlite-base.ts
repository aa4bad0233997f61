import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.ts';
import type { Clock, Log } from '../deps.ts';
import { ftsList, ftsText } from '../search-text/fts-text.ts';
import { MIGRATIONS } from './migrations.ts';
import { StoreError } from './errors.ts';
import { newShortId } from './ids.ts';
import { ArticleFacets } from './archive/sqlite-facets.ts';
import { DENSE_MIN_MATCHES } from './sqlite-common.ts';
import type { Row } from './rows.ts';

/** Write-ahead log size above which `maintainArchive` completes a checkpoint (see restartWalIfLarge). */
const WAL_RESTART_BYTES = 32 * 1024 * 1024;

/**
 * The first link of SqliteStore's class chain (see SqliteStore): the connection, migrations, transactions
 * and what every aggregate uses (statements, short ids, the feed that owns a source's articles).
 */
export class SqliteBase {
  readonly db: Database.Database;
  readonly stmts = new Map<string, Database.Statement>();
  checkpointer: WalCheckpointer | null = null;

  constructor(
    readonly path: string,
    readonly clock: Clock,
    readonly log: Log,
    /** A reader (the archive reader thread's connection): no migrations, no checkpoints, no writes. */
    opts: { readonly?: boolean } = {},
  ) {
    if (path !== ':memory:' && !opts.readonly) fs.mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path, opts.readonly ? { readonly: true, fileMustExist: true } : {});
      if (!opts.readonly) {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
        this.db.pragma('foreign_keys = ON');
      }
      this.db.pragma('busy_timeout = 5000');
      // The archive tier's index text comes from our tokenizer (see search-text/fts-text.ts); the FTS triggers
      // and the content view call these, so they exist on every connection before anything else.
      this.db.function('newsdesk_fts_text', { deterministic: true }, (t: unknown) => ftsText(t as string | null));
      this.db.function('newsdesk_fts_list', { deterministic: true }, (t: unknown) => ftsList(t as string | null));
      if (opts.readonly) return;
      this.migrate();
      if (path !== ':memory:') {
        this.db.pragma('wal_autocheckpoint = 0');
        // SQLite reuses a write-ahead log from its start once it was checkpointed, without
        // shrinking the file; restartWalIfLarge reads the file's size, so the file must shrink back
        // to the threshold when the log restarts, or every step past it would checkpoint on this
        // thread, a cost on every ingested article (docs/performance.md).
        this.db.pragma(`journal_size_limit = ${WAL_RESTART_BYTES}`);
        this.checkpointer = startWalCheckpointer(path, { nearBytes: WAL_RESTART_BYTES * 0.75 });
      }
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError(`store "${path}": cannot open (${err instanceof Error ? err.message : String(err)}); move the file aside to start afresh`, { cause: err });
    }
  }

  migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new StoreError(`store "${this.path}": schema version ${version} is newer than this Newsdesk (${MIGRATIONS.length}); upgrade the bot`);
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
      this.log.info({ version: v + 1 }, 'store migrated');
    }
  }

  stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  close(): void {
    this.checkpointer?.stop();
    this.checkpointer = null;
    if (this.db.open) this.db.close();
  }

  /**
   * The checkpointer thread copies the log into the database, but the log starts over only when a
   * checkpoint has caught up with the last commit before the next write — which never happens
   * while fetches commit back to back, so the log grows without bound (docs/performance.md). Past
   * WAL_RESTART_BYTES this connection finishes the checkpoint itself: the thread has already
   * copied nearly all of it, so the rest takes a few milliseconds, and the next write restarts
   * the log from its beginning.
   */
  restartWalIfLarge(): void {
    if (!this.checkpointer) return;
    let size = 0;
    try {
      size = fs.statSync(`${this.path}-wal`).size;
    } catch {
      return;
    }
    if (size > WAL_RESTART_BYTES) this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** See DENSE_MIN_MATCHES (lower in tests, to exercise the dense-word path on a small archive). */
  denseMinMatches = DENSE_MIN_MATCHES;

  /** Filter bounds found lately: the same filters (a reporter paging, a date range) cost a lookup once per change of the archive. */
  readonly tops = new Map<string, number | undefined>();

  topsGeneration = -1;

  /** Every article's date, source and outlet by seq, loaded at the first count (see ArticleFacets). */
  facets: ArticleFacets | null = null;

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  uniqueId(table: 'sources' | 'subscriptions' | 'alerts' | 'change_alerts'): string {
    for (;;) {
      const id = newShortId();
      if (!this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id)) return id;
    }
  }

  /** The owner of a source's articles: its feed (the seeds and archive rows: themselves). */
  ownerOf(sourceId: string): string {
    return ((this.stmt('SELECT feed_id FROM sources WHERE id = ?').get(sourceId) as Row | undefined)?.feed_id as string | null | undefined) ?? sourceId;
  }
}


function dirname(p: string): string {
  return path.dirname(path.resolve(p));
}
