import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.ts';
import type { Article } from '../article.ts';
import { SEED_SOURCE_ID } from '../article.ts';
import type { Clock, Log } from '../deps.ts';
import { classifyChange } from '../changes/compare.ts';
import { BOOST, PHRASE_MAX_CHECKS, PHRASE_SAMPLE } from '../search-text/tuning.ts';
import { ftsForm, ftsGroup, ftsList, ftsMatch, ftsQuote, ftsText } from '../search-text/fts-text.ts';
import { countWord, hasWord, phrasesInText } from '../search-text/phrase-text.ts';
import { MIGRATIONS } from './migrations.ts';
import { planIngest, uniqueItems, wantedId, type StoredItem } from './ingest-plan.ts';
import { StoreError } from './errors.ts';
import { newShortId } from './ids.ts';
import { ArticleFacets } from './sqlite-facets.ts';
import type { TextCountOptions, TextCounts } from './text-counts.ts';
import { FEED_FIELDS, NOT_ARCHIVE, OWNER_OF, OWNERS_OF_JSON, SOURCE_SELECT } from './feeds.ts';
import { pickVanished, rowMappers, SOURCE_COLUMNS, SQLITE_CODEC, type Row } from './rows.ts';
import type {
  AlertRow,
  ArticleVersion,
  ChangeAlertRow,
  VersionChange,
  TextFilters,
  TextHit,
  TextPage,
  TextQuery,
  TextSearchOptions,
  FetchAttempt,
  NewAlert,
  FullTextCoverage,
  IngestItem,
  IngestResult,
  NewOutbox,
  NewSource,
  OutboxRow,
  SourceRow,
  StoredArticle,
  SubscriptionRow, DerivedRow, ArticleSpeakers,
  OutboxKind,
} from './types.ts';
import { TERM_COUNT_EXACT } from './types.ts';


/**
 * Matches ranked per archive query at most (the newest below the range's top): ranking them takes
 * a few milliseconds; a query with more is ranked among these and its total extrapolated.
 */
const TEXT_CANDIDATES = 800;
/** Newest matches of a phrase's words read to tell whether the phrase is common (verified on the text). */
const PHRASE_PROBE = 200;
/**
 * A word whose matches make up more than this share of the newest DENSE_PROBE articles holding it
 * is treated as being in more than half of all articles, where FTS5's bm25() gives it an IDF of
 * 1e-6 (it clamps) — after reading its whole doclist to find that out.
 */
const DENSE_SHARE = 0.6;
const DENSE_PROBE = 200;
/**
 * Matches a dense word must have (estimated) before leaving bm25() pays: its IDF pass reads about
 * 15 million doclist entries a second (6 ms for 94,000 at 100,000 articles), while checking or
 * ranking candidates on their text reads 40–60 articles (~6–9 ms). So at 100,000 articles the
 * usual ranked query stays; at a million a word in most articles costs ~60 ms per query that way.
 */
const DENSE_MIN_MATCHES = 150_000;
/** Candidates of a query of dense words only that are ranked from their text (the newest). */
const DENSE_SCORED = 50;
/** FTS5's column weights in its column order (title, tags, byline, outlet, body): the hot tier's boosts, as migration 5 gave bm25(). */
const FTS_WEIGHTS = [BOOST.title, BOOST.tags, BOOST.byline, BOOST.outlet, BOOST.body];
/** bm25's constants, for ranking dense words from the text as FTS5 would. */
const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** Phrases whose rarest word is in more than this share of articles are verified on the text. */
const COMMON_PHRASE_DENSITY = 0.1;

/** Write-ahead log size above which `maintainArchive` completes a checkpoint (see restartWalIfLarge). */
const WAL_RESTART_BYTES = 32 * 1024 * 1024;

function iso(d: Date): string {
  return d.toISOString();
}

const { toSource, toArticle, toStoredItem, toVersion, toSubscription, toAlert, toOutbox, toAttempt, toChangeAlert } = rowMappers(SQLITE_CODEC);

/**
 * The SQLite store of record (WAL). Everything that must survive a restart lives here; the
 * search index is rebuilt from it. All methods are synchronous (better-sqlite3); each ingest is
 * one transaction, so a crash leaves either the whole fetch or none of it.
 */
export class SqliteStore {
  readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();
  private checkpointer: WalCheckpointer | null = null;

  constructor(
    readonly path: string,
    private readonly clock: Clock,
    private readonly log: Log,
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
        // thread (measured: a third of a millisecond per ingested article, and long turns).
        this.db.pragma(`journal_size_limit = ${WAL_RESTART_BYTES}`);
        this.checkpointer = startWalCheckpointer(path, { nearBytes: WAL_RESTART_BYTES * 0.75 });
      }
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError(`store "${path}": cannot open (${err instanceof Error ? err.message : String(err)}); move the file aside to start afresh`, { cause: err });
    }
  }

  private migrate(): void {
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

  private stmt(sql: string): Database.Statement {
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
   * while fetches commit back to back (measured: a 733 MB log after 100,000 articles). Past
   * WAL_RESTART_BYTES this connection finishes the checkpoint itself: the thread has already
   * copied nearly all of it, so the rest takes a few milliseconds, and the next write restarts
   * the log from its beginning.
   */
  private restartWalIfLarge(): void {
    if (!this.checkpointer) return;
    let size = 0;
    try {
      size = fs.statSync(`${this.path}-wal`).size;
    } catch {
      return;
    }
    if (size > WAL_RESTART_BYTES) this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /**
   * One step of the archive index's segment merging (up to `pages` leaf pages, a few ms), which
   * FTS5 would otherwise do inside ingest commits. Returns false when there was nothing to merge.
   * Called after ingests, a step per event-loop turn. 16 pages: p99 1.6 ms a step against 4.7 for
   * 64 (store-only probe, 20,000 articles; the 25–54 ms steps once seen were the writer's
   * checkpoint in the same call, see restartWalIfLarge).
   */
  maintainArchive(pages = 16): boolean {
    this.restartWalIfLarge();
    const before = (this.stmt('SELECT total_changes() AS n').get() as Row).n as number;
    this.db.exec(`INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', ${Math.max(1, Math.floor(pages))})`);
    // FTS5's documented test: fewer than 2 changes means no merge work was done.
    return ((this.stmt('SELECT total_changes() AS n').get() as Row).n as number) - before >= 2;
  }

  // ── sources ────────────────────────────────────────────────────────────

  /**
   * Adds a guild's source: a subscription to the feed at its polled URL, the feed (and its archive
   * row) created when no server follows it yet. Feed-level state (validators, next poll) starts
   * from this source's values only for a new feed.
   */
  createSource(s: NewSource): SourceRow {
    return this.db.transaction(() => {
      const key = s.feedUrl ?? s.url;
      const now = iso(this.clock.now());
      let feedId = (this.stmt('SELECT id FROM feeds WHERE url = ?').get(key) as Row | undefined)?.id as string | undefined;
      if (!feedId) {
        feedId = this.uniqueId('sources');
        this.stmt(
          `INSERT INTO sources (id, guild_id, url, feed_url, name, kind, status, paused_reason, interval_minutes, full_text, created_at)
           VALUES (?, NULL, ?, ?, ?, ?, 'paused', 'feed archive', ?, ?, ?)`,
        ).run(feedId, key, key, s.name, s.kind, s.intervalMinutes, s.fullText ? 1 : 0, now);
        this.stmt('INSERT INTO feeds (id, url, kind, created_at, next_fetch_at) VALUES (?, ?, ?, ?, ?)').run(feedId, key, s.kind, now, s.nextFetchAt);
      }
      const id = this.uniqueId('sources');
      this.stmt(
        `INSERT INTO sources (id, guild_id, channel_id, added_by, url, feed_url, name, kind, interval_minutes, full_text, created_at, next_fetch_at, feed_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, s.guildId, s.channelId, s.addedBy, s.url, s.feedUrl, s.name, s.kind, s.intervalMinutes, s.fullText ? 1 : 0, now, s.nextFetchAt, feedId);
      return this.getSource(id)!;
    })();
  }

  getSource(id: string): SourceRow | undefined {
    const r = this.stmt(`${SOURCE_SELECT} WHERE s.id = ?`).get(id) as Row | undefined;
    return r ? toSource(r) : undefined;
  }

  findSourceByUrl(guildId: string, url: string): SourceRow | undefined {
    const r = this.stmt(`${SOURCE_SELECT} WHERE s.guild_id = ? AND (s.url = ? OR s.feed_url = ?)`).get(guildId, url, url) as Row | undefined;
    return r ? toSource(r) : undefined;
  }

  /** A guild's own sources (never the seeds), oldest first. */
  listSources(guildId: string): SourceRow[] {
    return (this.stmt(`${SOURCE_SELECT} WHERE s.guild_id = ? ORDER BY s.created_at, s.id`).all(guildId) as Row[]).map(toSource);
  }

  /** Every source (the seeds and the guilds'), not the feeds' archive rows. */
  allSources(): SourceRow[] {
    return (this.stmt(`${SOURCE_SELECT} WHERE ${NOT_ARCHIVE} ORDER BY s.created_at, s.id`).all() as Row[]).map(toSource);
  }

  /** Every source that follows the same feed as this one (itself included), oldest first. */
  followersOf(id: string): SourceRow[] {
    return (this.stmt(`${SOURCE_SELECT} WHERE s.feed_id = ${OWNER_OF} ORDER BY s.created_at, s.id`).all(id) as Row[]).map(toSource);
  }

  /** Changes a source; fetch state (validators, next poll, failures, picture) is its feed's, for every follower. */
  updateSource(id: string, patch: Partial<Omit<SourceRow, 'id' | 'guildId' | 'createdAt' | 'addedBy'>>): SourceRow {
    const own: string[] = [];
    const ownValues: unknown[] = [];
    const feed: string[] = [];
    const feedValues: unknown[] = [];
    for (const [k, v] of Object.entries(patch)) {
      const col = SOURCE_COLUMNS[k];
      if (!col) throw new StoreError(`updateSource: unknown field ${k}`);
      const value = typeof v === 'boolean' ? (v ? 1 : 0) : v;
      if (FEED_FIELDS[k]) {
        feed.push(`${col} = ?`);
        feedValues.push(value);
      } else {
        own.push(`${col} = ?`);
        ownValues.push(value);
      }
    }
    this.db.transaction(() => {
      if (own.length) this.db.prepare(`UPDATE sources SET ${own.join(', ')} WHERE id = ?`).run(...ownValues, id);
      if (feed.length) {
        const feedId = (this.stmt('SELECT feed_id FROM sources WHERE id = ?').get(id) as Row | undefined)?.feed_id as string | null | undefined;
        if (feedId) this.db.prepare(`UPDATE feeds SET ${feed.join(', ')} WHERE id = ?`).run(...feedValues, feedId);
        else this.db.prepare(`UPDATE sources SET ${feed.join(', ')} WHERE id = ?`).run(...feedValues, id);
      }
    })();
    const row = this.getSource(id);
    if (!row) throw new StoreError(`source "${id}" does not exist`);
    return row;
  }

  /**
   * Deletes a guild's source. The last follower of a feed takes the feed with it: its articles and
   * history; returns the removed article ids (for the index) — none while other servers follow it.
   */
  deleteSource(id: string): { articleIds: string[] } {
    if (id === SEED_SOURCE_ID) throw new StoreError('the seed archive cannot be removed');
    return this.db.transaction(() => {
      const feedId = ((this.stmt('SELECT feed_id FROM sources WHERE id = ?').get(id) as Row | undefined)?.feed_id as string | null | undefined) ?? null;
      this.stmt('DELETE FROM sources WHERE id = ?').run(id);
      const owner = feedId ?? id;
      if (feedId && this.stmt('SELECT 1 FROM sources WHERE feed_id = ?').get(feedId)) return { articleIds: [] };
      const ids = (this.stmt('SELECT id FROM articles WHERE source_id = ?').all(owner) as Row[]).map((r) => r.id as string);
      if (feedId) this.stmt('DELETE FROM sources WHERE id = ?').run(feedId);
      return { articleIds: ids };
    })();
  }

  /**
   * Feeds due for a fetch, most overdue (or never fetched) first, each as its oldest active
   * follower with the followers' shortest interval and full text when any follower wants it.
   */
  dueSources(now: Date, limit: number): SourceRow[] {
    return (
      this.stmt(
        `${SOURCE_SELECT} WHERE s.id IN (
           SELECT (SELECT x.id FROM sources x WHERE x.feed_id = fd.id AND x.status = 'active' ORDER BY x.created_at, x.id LIMIT 1)
           FROM feeds fd WHERE fd.next_fetch_at IS NULL OR fd.next_fetch_at <= ?)
         ORDER BY f.next_fetch_at LIMIT ?`,
      ).all(iso(now), limit) as Row[]
    ).map((r) => this.withFollowers(toSource(r)));
  }

  /**
   * Due feeds, as dueSources. SQLite serves one process, which keeps its own fetches apart: a
   * lease would only make a restarted bot wait for the claims of the process that died.
   */
  claimDueSources(now: Date, limit: number, _lease: { owner: string; until: Date }): SourceRow[] {
    return this.dueSources(now, limit);
  }

  releaseSource(_sourceId: string, _owner: string): void {}

  /** A feed's representative: the shortest interval any active follower asked for, and full text if any wants it. */
  private withFollowers(source: SourceRow): SourceRow {
    const r = this.stmt(`SELECT MIN(interval_minutes) AS i, MAX(full_text) AS ft FROM sources WHERE feed_id = ? AND status = 'active'`).get(source.feedId ?? source.id) as Row;
    return r.i == null ? source : { ...source, intervalMinutes: r.i as number, fullText: r.ft === 1 };
  }

  recordFetch(sourceId: string, attempt: FetchAttempt): void {
    this.stmt(
      `INSERT INTO fetch_log (source_id, at, duration_ms, http_status, new_items, updated_items, error) VALUES (${OWNER_OF}, ?, ?, ?, ?, ?, ?)`,
    ).run(sourceId, attempt.at, attempt.durationMs, attempt.httpStatus, attempt.newItems, attempt.updatedItems, attempt.error);
    // Keep history bounded: the newest 200 attempts per feed are plenty for /source health.
    this.stmt(`DELETE FROM fetch_log WHERE source_id = ${OWNER_OF} AND id <= (SELECT id FROM fetch_log WHERE source_id = ${OWNER_OF} ORDER BY id DESC LIMIT 1 OFFSET 200)`).run(sourceId, sourceId);
  }

  fetchHistory(sourceId: string, limit: number): FetchAttempt[] {
    return (this.stmt(`SELECT * FROM fetch_log WHERE source_id = ${OWNER_OF} ORDER BY id DESC LIMIT ?`).all(sourceId, limit) as Row[]).map(toAttempt);
  }

  /** The owner of a source's articles: its feed (the seeds and archive rows: themselves). */
  private ownerOf(sourceId: string): string {
    return ((this.stmt('SELECT feed_id FROM sources WHERE id = ?').get(sourceId) as Row | undefined)?.feed_id as string | null | undefined) ?? sourceId;
  }

  // ── articles ───────────────────────────────────────────────────────────

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

  // ── full text ──────────────────────────────────────────────────────────

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

  /** What stories and speakers are derived from, in seq order after `afterSeq`, without the text. */
  scanDerived(afterSeq: number, limit: number): DerivedRow[] {
    const rows = this.stmt('SELECT seq, id, source_id, title, published_at, first_seen_at, story_sig, story_entities, story_id, speakers FROM articles WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as Row[];
    return rows.map((r) => ({
      rowid: r.seq as number,
      id: r.id as string,
      sourceId: r.source_id as string,
      title: r.title as string,
      publishedAt: (r.published_at as string | null) ?? null,
      firstSeenAt: r.first_seen_at as string,
      storySig: (r.story_sig as Buffer | null) ?? null,
      storyEntities: (r.story_entities as Buffer | null) ?? null,
      storyId: (r.story_id as string | null) ?? null,
      speakers: r.speakers == null ? null : (JSON.parse(r.speakers as string) as ArticleSpeakers),
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


  // ── versions and deletions (src/core/changes/) ─────────────────────────

  /** The earlier versions of an article, oldest first (the article itself is the newest). */
  listVersions(articleId: string): ArticleVersion[] {
    return (this.stmt('SELECT * FROM article_versions WHERE article_id = ? ORDER BY version').all(articleId) as Row[]).map(toVersion);
  }

  /** When the current version was first seen, and when the item was deleted at its source. */
  articleState(id: string): { firstSeenAt: string; versionSeenAt: string; deletedAt: string | null; storyId: string | null; edits: number } | undefined {
    const r = this.stmt(
      `SELECT first_seen_at, version_seen_at, deleted_at, story_id,
         (SELECT COUNT(*) FROM article_versions v WHERE v.article_id = a.id AND v.kinds <> '["deleted"]') AS edits
       FROM articles a WHERE id = ?`,
    ).get(id) as Row | undefined;
    if (!r) return undefined;
    return {
      firstSeenAt: r.first_seen_at as string,
      versionSeenAt: (r.version_seen_at as string | null) ?? (r.first_seen_at as string),
      deletedAt: (r.deleted_at as string | null) ?? null,
      storyId: (r.story_id as string | null) ?? null,
      edits: r.edits as number,
    };
  }

  /**
   * Recent items of a source that are missing from its latest fetch and were never checked: the
   * candidates for "deleted at the source". Newest first, at most `limit`.
   */
  vanishedItems(sourceId: string, presentKeys: ReadonlySet<string>, seenSince: string, limit: number): Array<{ id: string; url: string }> {
    const rows = this.stmt(
      `SELECT id, url, dedupe_key FROM articles WHERE source_id = ${OWNER_OF} AND gone_checked = 0 AND deleted_at IS NULL AND url IS NOT NULL AND first_seen_at >= ?
       ORDER BY seq DESC LIMIT 500`,
    ).all(sourceId, seenSince) as Row[];
    return pickVanished(rows, presentKeys, limit);
  }

  /** Records that a vanished item's page was checked (it will not be checked again). */
  markGoneChecked(id: string): void {
    this.stmt('UPDATE articles SET gone_checked = 1 WHERE id = ?').run(id);
  }

  /** Marks an article deleted at its source: its last version is kept with the change "deleted". */
  markDeleted(id: string): ArticleVersion | undefined {
    return this.db.transaction(() => {
      const r = this.stmt('SELECT * FROM articles WHERE id = ? AND deleted_at IS NULL').get(id) as Row | undefined;
      if (!r) return undefined;
      const now = iso(this.clock.now());
      const a = toArticle(r);
      const info = this.stmt(
        `INSERT INTO article_versions (article_id, version, title, byline, published_at, body, url, seen_at, replaced_at, kinds, share, note)
         VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions WHERE article_id = ?), ?, ?, ?, ?, ?, ?, ?, '["deleted"]', 0, NULL)`,
      ).run(id, id, a.title, a.byline, a.publishedAt, JSON.stringify(a.body), a.url, (r.version_seen_at as string | null) ?? (r.first_seen_at as string), now);
      this.stmt('UPDATE articles SET deleted_at = ?, gone_checked = 1 WHERE id = ?').run(now, id);
      return toVersion(this.stmt('SELECT * FROM article_versions WHERE id = ?').get(Number(info.lastInsertRowid)) as Row);
    })();
  }

  maxVersionId(): number {
    return ((this.stmt('SELECT MAX(id) AS m FROM article_versions').get() as Row).m as number | null) ?? 0;
  }

  /** Stored changes with id in (afterId, uptoId] of the given sources, oldest first, with the article as now. */
  changesAfter(sourceIds: Iterable<string>, afterId: number, uptoId: number, limit = 500): VersionChange[] {
    const ids = [...sourceIds];
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT v.*, a.id AS a_id, a.source_id, a.title AS a_title, a.byline AS a_byline, a.outlet, a.dateline, a.tags, a.caption, a.body AS a_body, a.editors, a.url AS a_url, a.published_at AS a_published_at
         FROM article_versions v JOIN articles a ON a.id = v.article_id
         WHERE v.id > ? AND v.id <= ? AND a.source_id IN ${OWNERS_OF_JSON} ORDER BY v.id LIMIT ?`,
      )
      .all(afterId, uptoId, JSON.stringify(ids), limit) as Row[];
    return rows.map((r) => ({
      version: toVersion(r),
      article: toArticle({ ...r, id: r.a_id, title: r.a_title, byline: r.a_byline, body: r.a_body, url: r.a_url, published_at: r.a_published_at }),
    }));
  }

  createChangeAlert(a: Omit<ChangeAlertRow, 'id' | 'createdAt'>): ChangeAlertRow {
    const id = this.uniqueId('change_alerts');
    this.stmt('INSERT INTO change_alerts (id, guild_id, channel_id, created_by, created_at, last_version_id) VALUES (?, ?, ?, ?, ?, ?)').run(
      id, a.guildId, a.channelId, a.createdBy, iso(this.clock.now()), a.lastVersionId,
    );
    return this.listChangeAlerts().find((c) => c.id === id)!;
  }

  listChangeAlerts(guildId?: string): ChangeAlertRow[] {
    const rows = guildId
      ? (this.stmt('SELECT * FROM change_alerts WHERE guild_id = ? ORDER BY created_at, id').all(guildId) as Row[])
      : (this.stmt('SELECT * FROM change_alerts ORDER BY created_at, id').all() as Row[]);
    return rows.map(toChangeAlert);
  }

  deleteChangeAlert(id: string): boolean {
    return this.stmt('DELETE FROM change_alerts WHERE id = ?').run(id).changes > 0;
  }

  /** Files change-alert posts and advances the alert's watermark in one transaction. */
  enqueueChangeAlerts(alertId: string, lastVersionId: number, rows: NewOutbox[]): OutboxRow[] {
    return this.db.transaction(() => {
      const out = rows.map((r) => this.enqueueOutboxRow(r));
      this.stmt('UPDATE change_alerts SET last_version_id = ? WHERE id = ? AND last_version_id < ?').run(lastVersionId, alertId, lastVersionId);
      return out;
    })();
  }

  // ── stories (src/core/stories/) ────────────────────────────────────────

  /**
   * Stores the story signatures of articles (word signature, and entity signature: NULL when not
   * given), so a restart regroups without re-reading their text.
   */
  setStorySignatures(sigs: Iterable<[articleId: string, sig: Uint8Array, entities?: Uint8Array]>): void {
    const set = this.stmt('UPDATE articles SET story_sig = ?, story_entities = ? WHERE id = ?');
    const blob = (b: Uint8Array | undefined) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : null);
    this.db.transaction(() => {
      for (const [id, sig, entities] of sigs) set.run(blob(sig), blob(entities), id);
    })();
  }

  /** Stores who is quoted in each article, in one transaction. */
  setSpeakers(rows: Iterable<[articleId: string, speakers: ArticleSpeakers]>): void {
    const set = this.stmt('UPDATE articles SET speakers = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const [id, speakers] of rows) set.run(JSON.stringify(speakers), id);
    })();
  }

  /** Writes story ids (only those that changed), in one transaction. */
  setStoryIds(assignments: Iterable<[articleId: string, storyId: string]>): number {
    const set = this.stmt('UPDATE articles SET story_id = ? WHERE id = ? AND story_id IS NOT ?');
    return this.db.transaction(() => {
      let n = 0;
      for (const [id, story] of assignments) n += set.run(story, id, story).changes;
      return n;
    })();
  }

  /** Every article of a story, earliest report first (published time, else first seen). */
  storyMembers(storyId: string, limit = 200): StoredArticle[] {
    const rows = this.stmt(
      'SELECT * FROM articles WHERE story_id = ? ORDER BY COALESCE(published_at, first_seen_at), seq LIMIT ?',
    ).all(storyId, limit) as Row[];
    return rows.map((r) => ({ seq: r.seq as number, article: toArticle(r), firstSeenAt: r.first_seen_at as string, storyId: r.story_id as string }));
  }

  /** A source's latest articles, newest first (what /alert preview judges). */
  latestArticles(sourceId: string, limit: number): StoredArticle[] {
    return (this.stmt(`SELECT * FROM articles WHERE source_id = ${OWNER_OF} ORDER BY COALESCE(published_at, first_seen_at) DESC, seq DESC LIMIT ?`).all(sourceId, limit) as Row[]).map((r) => ({
      seq: r.seq as number,
      article: toArticle(r),
      firstSeenAt: r.first_seen_at as string,
    }));
  }

  // ── newsroom view ──────────────────────────────────────────────────────

  /** The owners of the articles a guild sees besides the seeds: the feeds its sources follow. */
  sourceIdsForGuild(guildId: string): string[] {
    return (this.stmt('SELECT DISTINCT COALESCE(feed_id, id) AS id FROM sources WHERE guild_id = ?').all(guildId) as Row[]).map((r) => r.id as string);
  }

  sourcesForGuild(guildId: string): Array<{ id: string; feedId: string; name: string; url: string | null; articles: number }> {
    const counts = this.countBySource();
    const rows = (this.stmt("SELECT id, COALESCE(feed_id, id) AS feed_id, name, url FROM sources WHERE guild_id = ? OR id = 'seeds' ORDER BY guild_id IS NOT NULL, created_at").all(guildId) as Row[]);
    return rows.map((r) => ({ id: r.id as string, feedId: r.feed_id as string, name: r.name as string, url: (r.url as string | null) ?? null, articles: counts.get(r.feed_id as string) ?? 0 }));
  }

  // ── digests and alerts ─────────────────────────────────────────────────

  createSubscription(s: Omit<SubscriptionRow, 'id' | 'createdAt'>): SubscriptionRow {
    const id = this.uniqueId('subscriptions');
    this.stmt(
      `INSERT INTO subscriptions (id, guild_id, channel_id, schedule_label, cron, timezone, query, source_ids, max_items, created_by, created_at, last_window_end, chart)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, s.guildId, s.channelId, s.scheduleLabel, s.cron, s.timezone, s.query, JSON.stringify(s.sourceIds), s.maxItems, s.createdBy, iso(this.clock.now()), s.lastWindowEnd, s.chart ? 1 : 0);
    return this.getSubscription(id)!;
  }

  getSubscription(id: string): SubscriptionRow | undefined {
    const r = this.stmt('SELECT * FROM subscriptions WHERE id = ?').get(id) as Row | undefined;
    return r ? toSubscription(r) : undefined;
  }

  listSubscriptions(guildId?: string): SubscriptionRow[] {
    const rows = guildId
      ? (this.stmt('SELECT * FROM subscriptions WHERE guild_id = ? ORDER BY created_at, id').all(guildId) as Row[])
      : (this.stmt('SELECT * FROM subscriptions ORDER BY created_at, id').all() as Row[]);
    return rows.map(toSubscription);
  }

  deleteSubscription(id: string): boolean {
    return this.stmt('DELETE FROM subscriptions WHERE id = ?').run(id).changes > 0;
  }

  createAlert(a: NewAlert): AlertRow {
    const id = this.uniqueId('alerts');
    this.stmt(
      `INSERT INTO alerts (id, guild_id, channel_id, query, role_id, created_by, created_at, last_seq, source_id, filters, template, identity, notify_channel_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, a.guildId, a.channelId, a.query, a.roleId, a.createdBy, iso(this.clock.now()), a.lastSeq, a.sourceId ?? null, a.filters ?? '{}', a.template ?? null, a.identity ?? 'bot', a.notifyChannelId ?? null);
    return this.getAlert(id)!;
  }

  /** The deliveries (alerts with a source) of one source. */
  alertsForSource(sourceId: string): AlertRow[] {
    return (this.stmt('SELECT * FROM alerts WHERE source_id = ? ORDER BY created_at, id').all(sourceId) as Row[]).map(toAlert);
  }

  /**
   * Pauses a delivery and parks its pending posts (kept, not dropped: resuming sends them).
   * Returns false when it was already paused.
   */
  pauseAlert(id: string, reason: string, error: string | null): boolean {
    return this.db.transaction(() => {
      const changed = this.stmt("UPDATE alerts SET status = 'paused', paused_reason = ?, last_error = COALESCE(?, last_error) WHERE id = ? AND status = 'active'").run(reason, error, id).changes > 0;
      this.stmt("UPDATE outbox SET next_attempt_at = '9999-12-31T00:00:00.000Z' WHERE kind IN ('delivery', 'alert') AND ref_id = ? AND status = 'pending'").run(id);
      return changed;
    })();
  }

  /** Resumes a delivery; its parked posts become due now. */
  resumeAlert(id: string): void {
    this.db.transaction(() => {
      this.stmt("UPDATE alerts SET status = 'active', paused_reason = NULL WHERE id = ?").run(id);
      this.stmt("UPDATE outbox SET next_attempt_at = ?, attempts = 0 WHERE kind IN ('delivery', 'alert') AND ref_id = ? AND status IN ('pending', 'failed')").run(iso(this.clock.now()), id);
      this.stmt("UPDATE outbox SET status = 'pending' WHERE kind IN ('delivery', 'alert') AND ref_id = ? AND status = 'failed'").run(id);
    })();
  }

  /** Health counters of a delivery: items posted, skipped by filters, posts that failed. */
  countAlert(id: string, field: 'delivered' | 'skipped' | 'failed', by: number, extra: { lastError?: string | null; deliveredAt?: string } = {}): void {
    const col = { delivered: 'delivered', skipped: 'skipped', failed: 'failed' }[field];
    this.db
      .prepare(`UPDATE alerts SET ${col} = ${col} + ?, last_error = CASE WHEN ? THEN ? ELSE last_error END, last_delivered_at = COALESCE(?, last_delivered_at) WHERE id = ?`)
      .run(by, extra.lastError !== undefined ? 1 : 0, extra.lastError ?? null, extra.deliveredAt ?? null, id);
  }

  /** Records why an outlet-identity delivery posts as the bot (null: it posts as the outlet). */
  setAlertIdentityNote(id: string, note: string | null): void {
    this.stmt('UPDATE alerts SET identity_note = ? WHERE id = ?').run(note, id);
  }

  /** Posts to a channel since `since` (all kinds): the per-channel rate limit's window. */
  postedToChannelSince(channelId: string, since: Date): string[] {
    return (this.stmt("SELECT posted_at FROM outbox WHERE channel_id = ? AND status = 'posted' AND posted_at > ? ORDER BY posted_at").all(channelId, iso(since)) as Row[]).map(
      (r) => r.posted_at as string,
    );
  }

  /** Posts waiting per kind (parked ones not counted) and when the oldest of each was filed. */
  outboxBacklog(): Array<{ kind: OutboxKind; pending: number; oldestAt: string | null }> {
    return (
      this.stmt("SELECT kind, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending' AND next_attempt_at < '9999' GROUP BY kind ORDER BY kind").all() as Row[]
    ).map((r) => ({ kind: r.kind as OutboxKind, pending: r.n as number, oldestAt: (r.oldest as string | null) ?? null }));
  }

  /** Posts still waiting for a channel (not parked by a pause); moderator notices do not count. */
  pendingPostsForChannel(channelId: string): number {
    return (this.stmt("SELECT COUNT(*) AS n FROM outbox WHERE channel_id = ? AND kind <> 'notice' AND status = 'pending' AND next_attempt_at < '9999'").get(channelId) as Row).n as number;
  }

  /**
   * Records that these items (article ids, change keys) were filed for a channel; returns the ones
   * not filed there before, in the order given. Part of the caller's transaction.
   */
  claimChannelItems(channelId: string, keys: string[]): string[] {
    const insert = this.stmt('INSERT INTO channel_items (channel_id, item_key, filed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    const now = iso(this.clock.now());
    return this.db.transaction(() => [...new Set(keys)].filter((k) => insert.run(channelId, k, now).changes === 1))();
  }

  /** Marks a row in flight just before it is sent (its outcome is unknown until markPosted). */
  markSending(id: number): void {
    this.stmt('UPDATE outbox SET sent_at = ? WHERE id = ?').run(iso(this.clock.now()), id);
  }

  /** Moves a row's next attempt (rate limit) without counting an attempt. */
  deferOutbox(id: number, until: Date): void {
    this.stmt('UPDATE outbox SET next_attempt_at = ? WHERE id = ?').run(iso(until), id);
  }

  getAlert(id: string): AlertRow | undefined {
    const r = this.stmt('SELECT * FROM alerts WHERE id = ?').get(id) as Row | undefined;
    return r ? toAlert(r) : undefined;
  }

  listAlerts(guildId?: string): AlertRow[] {
    const rows = guildId
      ? (this.stmt('SELECT * FROM alerts WHERE guild_id = ? ORDER BY created_at, id').all(guildId) as Row[])
      : (this.stmt('SELECT * FROM alerts ORDER BY created_at, id').all() as Row[]);
    return rows.map(toAlert);
  }

  deleteAlert(id: string): boolean {
    return this.stmt('DELETE FROM alerts WHERE id = ?').run(id).changes > 0;
  }

  // ── outbox: exactly-once posting ────────────────────────────────────────

  /**
   * Files a digest window: the outbox row (when there is something to post) and the subscription's
   * new window end, in ONE transaction — after a crash either both happened or neither did.
   */
  enqueueDigest(subscriptionId: string, windowEnd: string, row: NewOutbox | null): OutboxRow | null {
    return this.db.transaction(() => {
      const out = row ? this.enqueueOutboxRow(row) : null;
      this.stmt('UPDATE subscriptions SET last_window_end = ? WHERE id = ?').run(windowEnd, subscriptionId);
      return out;
    })();
  }

  /** Files alert posts and advances the alert's watermark in one transaction. */
  enqueueAlerts(alertId: string, lastSeq: number, rows: NewOutbox[]): OutboxRow[] {
    return this.db.transaction(() => {
      const out = rows.map((r) => this.enqueueOutboxRow(r));
      this.stmt('UPDATE alerts SET last_seq = ? WHERE id = ? AND last_seq < ?').run(lastSeq, alertId, lastSeq);
      return out;
    })();
  }

  /** Enqueues a post; the same (kind, ref, window) twice returns the existing row. */
  enqueueOutbox(row: NewOutbox): OutboxRow {
    return this.enqueueOutboxRow(row);
  }

  private enqueueOutboxRow(row: NewOutbox): OutboxRow {
    const now = iso(this.clock.now());
    this.stmt(
      `INSERT INTO outbox (kind, ref_id, window_key, channel_id, payload, nonce, created_at, next_attempt_at, guild_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, ref_id, window_key) DO NOTHING`,
    ).run(row.kind, row.refId, row.windowKey, row.channelId, JSON.stringify(row.payload), row.nonce, now, now, row.guildId ?? null);
    return toOutbox(this.stmt('SELECT * FROM outbox WHERE kind = ? AND ref_id = ? AND window_key = ?').get(row.kind, row.refId, row.windowKey) as Row);
  }

  /** Due posts, as pendingOutbox (one process: see claimDueSources). */
  claimOutbox(now: Date, limit: number, _lease: { owner: string; until: Date }): OutboxRow[] {
    return this.pendingOutbox(now, limit);
  }

  /**
   * Due posts in turns across servers: each server's oldest, then each one's second, and so on, so
   * one server's backlog never delays another's posts; moderator notices go first.
   */
  pendingOutbox(now: Date, limit: number): OutboxRow[] {
    return (
      this.stmt(
        `SELECT * FROM (
           SELECT *, ROW_NUMBER() OVER (PARTITION BY COALESCE(guild_id, channel_id) ORDER BY id) AS turn
           FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?)
         ORDER BY kind <> 'notice', turn, id LIMIT ?`,
      ).all(iso(now), limit) as Row[]
    ).map(toOutbox);
  }

  getOutbox(id: number): OutboxRow | undefined {
    const r = this.stmt('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined;
    return r ? toOutbox(r) : undefined;
  }

  listOutbox(filter: { kind?: string; refId?: string } = {}): OutboxRow[] {
    return (this.stmt('SELECT * FROM outbox WHERE (? IS NULL OR kind = ?) AND (? IS NULL OR ref_id = ?) ORDER BY id').all(filter.kind ?? null, filter.kind ?? null, filter.refId ?? null, filter.refId ?? null) as Row[]).map(toOutbox);
  }

  markPosted(id: number, messageId: string): void {
    this.stmt("UPDATE outbox SET status = 'posted', message_id = ?, posted_at = ?, attempts = attempts + 1 WHERE id = ?").run(messageId, iso(this.clock.now()), id);
  }

  /** Records a failed attempt; retried at `retryAt`, or given up (status failed) when null. */
  markAttemptFailed(id: number, error: string, retryAt: Date | null): void {
    if (retryAt) {
      this.stmt('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?').run(error, iso(retryAt), id);
    } else {
      this.stmt("UPDATE outbox SET attempts = attempts + 1, last_error = ?, status = 'failed' WHERE id = ?").run(error, id);
    }
  }

  // ── archive tier: full-text search ─────────────────────────────────────

  countFromSeq(fromSeq: number): number {
    return (this.stmt('SELECT COUNT(*) AS n FROM articles WHERE seq >= ?').get(fromSeq) as Row).n as number;
  }

  articlesGeneration(): number {
    return Number(this.getMeta('articles_generation') ?? 0);
  }

  hotFloorSeq(since: Date, maxArticles: number): number {
    const byCount = maxArticles <= 0 ? 0 : ((this.stmt('SELECT seq FROM articles ORDER BY seq DESC LIMIT 1 OFFSET ?').get(maxArticles - 1) as Row | undefined)?.seq as number | undefined) ?? 0;
    // first_seen_at grows with seq: the first row of the index range is the oldest hot article
    // (min(seq) over the range would scan all of it).
    const byAge = ((this.stmt('SELECT seq FROM articles WHERE first_seen_at >= ? ORDER BY first_seen_at, seq LIMIT 1').get(iso(since)) as Row | undefined)?.seq as number | undefined) ?? this.maxSeq() + 1;
    return Math.max(byCount, byAge);
  }

  /**
   * Ranked FTS5 search with early termination. FTS5 computes bm25() for every match before
   * ORDER BY can pick the top k, and it does not seek within a doclist: a rowid range with both
   * bounds reads a common word's whole doclist (measured: 8 ms at 100,000 articles for a range of
   * 10 rows, the same as counting every match), while walking it newest-first from its end reads
   * only what lies above the start. So one statement takes the TEXT_CANDIDATES newest matches
   * below the range's top (newest passing the filters), ranks them by bm25, and extrapolates the
   * total from how far down they reached; a query with fewer matches is ranked and counted whole.
   */
  searchText(query: TextQuery, filters: TextFilters, opts: TextSearchOptions): TextPage {
    const mode = opts.mode ?? 'all';
    const empty: TextPage = { hits: [], total: 0, approximate: false };
    const lo = Math.max(0, filters.fromSeq ?? 0);
    const end = this.maxSeq() + 1;
    let hi = Math.min(filters.toSeq ?? Infinity, end);
    if (hi <= lo) return empty;
    const params = this.textParams(filters);
    if (filters.sourceIds || filters.since || filters.until) {
      // The newest-first walk starts at the newest article that passes the filters (a date range
      // that ends before the newest articles would otherwise spend the candidates on rows the
      // filters then drop).
      const top = this.filterTop(filters, lo, hi);
      if (top === undefined) return empty;
      hi = top + 1;
    }
    const groups = query.terms.map((t) => [t, ...(query.alternatives?.get(t) ?? [])]);
    const prefixes = query.prefixes ?? [];
    const parts = { groups, phrases: query.phrases, prefixes, excluded: query.excluded };
    // The same query with phrases loosened to their words: an upper bound, and what common phrases are matched by.
    const loose = ftsMatch({ ...parts, groups: [...groups, ...query.phrases.flat().map((w) => [w])], phrases: [] }, mode);
    if (!loose) return empty;
    // A phrase of words that are all in most articles has huge position lists, which FTS5 decodes
    // whole: such phrases are matched as their words and verified on the text of the best
    // candidates. Whether they are that common is read from the newest rows (FTS5 has no cheap
    // document frequency: fts5vocab reads whole doclists).
    let verify = false;
    if (mode === 'all' && query.phrases.length > 0) {
      const probe = this.stmt('SELECT min(rowid) AS last, count(*) AS n FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?)').get(loose, hi, PHRASE_PROBE) as Row;
      const n = probe.n as number;
      verify = n >= PHRASE_PROBE && n / Math.max(1, hi - (probe.last as number)) > COMMON_PHRASE_DENSITY;
    }
    // Words in most articles add nothing to bm25() but the cost of reading their doclists for
    // its IDF (O(archive): ~6 ms a word at 100,000 articles, ~60 ms at a million): in an all-words
    // query they leave the ranked FTS5 query and are checked on the text of the
    // best candidates instead, or — when every word is one — the newest candidates are ranked by
    // their counts in the text, with the weights and length normalisation bm25() would apply.
    // A phrase with a dense word is matched as its words, and checked on the text: as a phrase,
    // FTS5 would decode that word's position lists across the archive for the phrase's IDF.
    const wordParts = query.phrases.length ? { ...parts, groups: [...groups, ...query.phrases.flat().map((w) => [w])], phrases: [] } : parts;
    const dense = mode === 'all' ? this.denseGroups(wordParts.groups, hi, end) : new Set<number>();
    if (dense.size > 0) return this.searchDense(wordParts, dense, query.phrases, filters, { lo, hi, params }, opts.limit);
    const match = verify ? loose : ftsMatch(parts, mode);
    if (!match) return empty;
    const wanted = Math.max(TEXT_CANDIDATES, (verify ? 4 : 1) * opts.limit);
    const sql = `SELECT f.rowid AS seq, f.rank AS rank FROM ${this.textFrom(filters)}
      WHERE articles_fts MATCH ? AND f.rowid < ?${lo > 0 ? ' AND f.rowid >= ?' : ''}${this.filterWhere(filters)} ORDER BY f.rowid DESC LIMIT ?`;
    const found = this.stmt(sql).all(match, hi, ...(lo > 0 ? [lo] : []), ...params, wanted) as Array<{ seq: number; rank: number }>;
    // Fewer than asked: every match of the range is here. Otherwise the matches reached down to the
    // oldest one returned; the rest of the range is assumed as dense.
    const cut = found.length >= wanted;
    const reached = cut ? found[found.length - 1]!.seq : lo;
    const scale = cut ? (hi - lo) / Math.max(1, hi - reached) : 1;
    found.sort((a, b) => a.rank - b.rank || b.seq - a.seq);
    const idOf = this.stmt('SELECT id FROM articles WHERE seq = ?');
    const hit = (r: { seq: number; rank: number }): TextHit => ({ id: (idOf.get(r.seq) as Row).id as string, seq: r.seq, score: -r.rank });
    if (verify) {
      // Best candidates first; the share that holds the phrases estimates the rest.
      const ok: typeof found = [];
      let checked = 0;
      for (const r of found) {
        if (checked >= PHRASE_MAX_CHECKS || (ok.length >= opts.limit && checked >= PHRASE_SAMPLE)) break;
        checked++;
        if (this.phrasesIn(r.seq, query.phrases)) ok.push(r);
      }
      const unchecked = found.length - checked;
      const seen = ok.length + (checked ? (unchecked * ok.length) / checked : 0);
      const approximate = unchecked > 0 || cut;
      return { hits: ok.slice(0, opts.limit).map(hit), total: approximate ? Math.round(seen * scale) : ok.length, approximate };
    }
    const hits = found.slice(0, opts.limit).map(hit);
    return { hits, total: cut ? Math.round(found.length * scale) : found.length, approximate: cut };
  }

  /**
   * Articles holding each term. The newest TERM_COUNT_EXACT matches are read from the end of the
   * term's doclist (as the archive search walks it): fewer is the exact count; otherwise the count
   * is the archive size (its newest seq) times the share of the newest rows that hold the term. A
   * term the index does not hold costs one b-tree lookup.
   */
  termFrequencies(terms: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    const end = this.maxSeq() + 1;
    // The newest seq bounds the article count from above (deletions leave gaps) and costs no scan.
    const total = end - 1;
    const probe = this.stmt(`SELECT count(*) AS n, min(rowid) AS last FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ${TERM_COUNT_EXACT})`);
    for (const term of terms) {
      if (out.has(term) || term.length === 0) continue;
      const r = probe.get(ftsQuote(term)) as Row;
      const n = r.n as number;
      out.set(term, n < TERM_COUNT_EXACT ? n : Math.min(total, Math.round((n * total) / Math.max(1, end - (r.last as number)))));
    }
    return out;
  }

  /**
   * Which groups of alternative forms are in most articles (see DENSE_SHARE) of an archive large
   * enough for it to matter (DENSE_MIN_MATCHES), judged from their newest matches.
   */
  private denseGroups(groups: string[][], hi: number, end: number): Set<number> {
    const out = new Set<number>();
    if (hi < this.denseMinMatches) return out;
    const probe = this.stmt(`SELECT count(*) AS n, min(rowid) AS last FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ${DENSE_PROBE})`);
    groups.forEach((g, i) => {
      const forms = g.filter((f) => f.length > 0);
      if (forms.length === 0) return;
      const r = probe.get(ftsGroup(forms)) as Row;
      const share = DENSE_PROBE / Math.max(1, end - (r.last as number));
      if ((r.n as number) >= DENSE_PROBE && share > DENSE_SHARE && share * end >= this.denseMinMatches) out.add(i);
    });
    return out;
  }

  /**
   * The archive search of an all-words query some of whose words are dense (see denseGroups):
   * the other parts ranked by FTS5 and the dense words verified on the text of the best
   * candidates; or, with dense words only, the newest candidates ranked from their text.
   */
  private searchDense(parts: { groups: string[][]; phrases: string[][]; prefixes: string[]; excluded: string[] }, dense: Set<number>, phrases: string[][], filters: TextFilters, range: { lo: number; hi: number; params: unknown[] }, limit: number): TextPage {
    const { lo, hi, params } = range;
    const denseForms = parts.groups.filter((_, i) => dense.has(i)).map((g) => g.filter((f) => f.length > 0));
    const rest = { ...parts, groups: parts.groups.filter((_, i) => !dense.has(i)) };
    const rankedMatch = ftsMatch(rest, 'all');
    const match = rankedMatch ?? ftsMatch(parts, 'all')!;
    const wanted = Math.max(TEXT_CANDIDATES, 4 * limit);
    const sql = `SELECT f.rowid AS seq${rankedMatch ? ', f.rank AS rank' : ''} FROM ${this.textFrom(filters)}
      WHERE articles_fts MATCH ? AND f.rowid < ?${lo > 0 ? ' AND f.rowid >= ?' : ''}${this.filterWhere(filters)} ORDER BY f.rowid DESC LIMIT ?`;
    const found = this.stmt(sql).all(match, hi, ...(lo > 0 ? [lo] : []), ...params, wanted) as Array<{ seq: number; rank?: number }>;
    const cut = found.length >= wanted;
    const scale = cut ? (hi - lo) / Math.max(1, hi - found[found.length - 1]!.seq) : 1;
    const idOf = this.stmt('SELECT id FROM articles WHERE seq = ?');
    const text = this.stmt('SELECT title, tags, byline, outlet, body FROM articles WHERE seq = ?');
    const columns = (seq: number): string[] | null => {
      const r = text.get(seq) as Row | undefined;
      if (!r) return null;
      return [r.title as string, (JSON.parse(r.tags as string) as string[]).join('\n'), (r.byline as string | null) ?? '', (r.outlet as string | null) ?? '', (JSON.parse(r.body as string) as string[]).join('\n')];
    };
    // Phrases (common ones, matched as their words) hold in the title or body as consecutive words.
    const holds = (cols: string[]) => phrases.length === 0 || phrasesInText(cols[0]!, [cols[4]!], phrases);
    if (!rankedMatch) {
      // Dense words only: every candidate holds them (FTS5 matched them); the newest are ranked by
      // bm25's term-frequency part (the IDF is the same 1e-6 for all), the rest follow newest first.
      // With phrases, the newest candidates that hold them are (the share checked estimates the total).
      const kept: Array<{ seq: number; cols: string[] }> = [];
      let checked = 0;
      for (const r of found) {
        if (kept.length >= DENSE_SCORED || (phrases.length > 0 && checked >= PHRASE_MAX_CHECKS)) break;
        checked++;
        const cols = columns(r.seq);
        if (cols && holds(cols)) kept.push({ seq: r.seq, cols });
      }
      const scored = kept.map(({ seq, cols }) => {
        const freq = denseForms.map((forms) => cols.reduce((sum, c, ci) => sum + FTS_WEIGHTS[ci]! * forms.reduce((n, f) => n + (c ? countWord(c, f) : 0), 0), 0));
        const length = cols.reduce((n, c) => n + (c ? c.split(/\s+/).length : 0), 0);
        return { seq, freq, length };
      });
      const avg = scored.reduce((n, s) => n + s.length, 0) / Math.max(1, scored.length);
      const ranked = scored
        .map((s) => ({ seq: s.seq, score: s.freq.reduce((sum, f) => sum + (1e-6 * f * (BM25_K1 + 1)) / (f + BM25_K1 * (1 - BM25_B + (BM25_B * s.length) / Math.max(1, avg))), 0) }))
        .sort((a, b) => b.score - a.score || b.seq - a.seq);
      const order = phrases.length ? ranked : [...ranked, ...found.slice(checked).map((r) => ({ seq: r.seq, score: 0 }))];
      const hits = order.slice(0, limit).map((r) => ({ id: (idOf.get(r.seq) as Row).id as string, seq: r.seq, score: r.score }));
      if (phrases.length === 0) return { hits, total: cut ? Math.round(found.length * scale) : found.length, approximate: cut };
      const unchecked = found.length - checked;
      const share = checked ? kept.length / checked : 0;
      const approximate = unchecked > 0 || cut;
      return { hits, total: approximate ? Math.round((kept.length + unchecked * share) * scale) : kept.length, approximate };
    }
    // Ranked without the dense words; the best candidates that hold them (any form) are kept.
    found.sort((a, b) => a.rank! - b.rank! || b.seq - a.seq);
    const ok: typeof found = [];
    let checked = 0;
    for (const r of found) {
      if (checked >= PHRASE_MAX_CHECKS || (ok.length >= limit && checked >= PHRASE_SAMPLE)) break;
      checked++;
      const cols = columns(r.seq);
      if (cols && denseForms.every((forms) => forms.some((f) => cols.some((c) => c && hasWord(c, f)))) && holds(cols)) ok.push(r);
    }
    const unchecked = found.length - checked;
    const seen = ok.length + (checked ? (unchecked * ok.length) / checked : 0);
    const approximate = unchecked > 0 || cut;
    return { hits: ok.slice(0, limit).map((r) => ({ id: (idOf.get(r.seq) as Row).id as string, seq: r.seq, score: -r.rank! })), total: approximate ? Math.round(seen * scale) : ok.length, approximate };
  }

  /** See DENSE_MIN_MATCHES (lower in tests, to exercise the dense-word path on a small archive). */
  denseMinMatches = DENSE_MIN_MATCHES;

  /** Filter bounds found lately: the same filters (a reporter paging, a date range) cost a lookup once per change of the archive. */
  private readonly tops = new Map<string, number | undefined>();
  private topsGeneration = -1;

  /**
   * The newest seq in [lo, hi) passing the source and date filters (the outlet filter is left out:
   * it is not in the index, and a bound from fewer filters is still a bound).
   */
  private filterTop(filters: TextFilters, lo: number, hi: number): number | undefined {
    const bounds = { ...filters, source: undefined };
    const params = this.textParams(bounds);
    const generation = this.articlesGeneration();
    if (generation !== this.topsGeneration) {
      this.tops.clear();
      this.topsGeneration = generation;
    }
    const key = JSON.stringify([lo, hi, params]);
    if (this.tops.has(key)) return this.tops.get(key);
    const top = this.stmt(`SELECT a.seq AS seq FROM articles a INDEXED BY articles_seq_date WHERE a.seq >= ? AND a.seq < ?${this.filterWhere(bounds)} ORDER BY a.seq DESC LIMIT 1`).get(lo, hi, ...params) as Row | undefined;
    if (this.tops.size >= 64) this.tops.delete(this.tops.keys().next().value!);
    this.tops.set(key, top?.seq as number | undefined);
    return top?.seq as number | undefined;
  }

  /**
   * The archive search's FROM: FTS5 alone without filters; with source or date filters, articles
   * joined through the narrow (seq, source, date) index, never the rows themselves (a row's dates
   * lie after its body); the outlet filter needs the row.
   */
  private textFrom(filters: TextFilters): string {
    if (filters.source) return 'articles_fts f CROSS JOIN articles a ON a.seq = f.rowid';
    return filters.sourceIds || filters.since || filters.until ? 'articles_fts f CROSS JOIN articles a INDEXED BY articles_seq_date ON a.seq = f.rowid' : 'articles_fts f';
  }

  /** True when the article's title or body holds every phrase as consecutive words. */
  private phrasesIn(seq: number, phrases: string[][]): boolean {
    const r = this.stmt('SELECT title, body FROM articles WHERE seq = ?').get(seq) as Row | undefined;
    return r ? phrasesInText(r.title as string, JSON.parse(r.body as string) as string[], phrases) : false;
  }

  /** The filters as ` AND …` conditions on `articles a` (parameters from `textParams`). */
  private filterWhere(f: TextFilters): string {
    const where: string[] = [];
    if (f.sourceIds) where.push('a.source_id IN (SELECT value FROM json_each(?))');
    if (f.source) where.push(`(a.source_id = ${OWNER_OF} OR lower(trim(coalesce(a.outlet, ''))) = ?)`);
    if (f.since) where.push('coalesce(a.published_at, a.first_seen_at) >= ?');
    if (f.until) where.push('coalesce(a.published_at, a.first_seen_at) <= ?');
    return where.map((w) => ` AND ${w}`).join('');
  }

  private textParams(f: TextFilters): unknown[] {
    const p: unknown[] = [];
    if (f.sourceIds) p.push(JSON.stringify(f.sourceIds));
    if (f.source) p.push(f.source, f.source.replace(/\s+/g, ' ').trim().toLowerCase());
    if (f.since) p.push(iso(f.since));
    if (f.until) p.push(iso(f.until));
    return p;
  }

  // ── archive tier: matches over time ────────────────────────────────────

  /** Every article's date, source and outlet by seq, loaded at the first count (see ArticleFacets). */
  private facets: ArticleFacets | null = null;

  /**
   * Counts every match per interval (see AsyncStore.countText): FTS5 gives the matching rowids (a
   * common word's whole doclist, read once), the date, source and outlet of each come from the
   * in-memory facets. FTS5 matches phrases exactly here: no estimate, no candidate limit.
   */
  countText(query: TextQuery | null, filters: TextFilters, opts: TextCountOptions): TextCounts {
    let seqs: string | null = null;
    if (query) {
      const match = this.textMatch(query);
      if (!match) return { rows: [], total: 0, first: null };
      // A lower seq bound (a recent window) is walked newest-first from the doclist's end, which
      // reads only what lies above it; the whole doclist otherwise.
      const floor = this.countFloor(filters);
      const found = (floor > 0
        ? this.stmt("SELECT group_concat(rowid, ',') AS s FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? ORDER BY rowid DESC)").get(match, floor)
        : this.stmt("SELECT group_concat(rowid, ',') AS s FROM articles_fts WHERE articles_fts MATCH ?").get(match)) as Row;
      seqs = found.s as string | null;
      if (seqs === null) return { rows: [], total: 0, first: null };
    }
    return this.countMatches(seqs, filters, opts);
  }

  /**
   * The lowest seq a count's matches can have: the filters' own bound, raised to the first article
   * dated on or after `since` (0: none).
   */
  countFloor(filters: TextFilters): number {
    let floor = filters.fromSeq ?? 0;
    if (filters.since) {
      this.facets ??= new ArticleFacets(this.db);
      this.facets.refresh();
      floor = Math.max(floor, this.facets.firstSeqSince(filters.since.getTime()));
    }
    return floor;
  }

  /** A count's FTS5 expression (every part required), or null when nothing searchable remains. */
  textMatch(query: TextQuery): string | null {
    const groups = query.terms.map((t) => [t, ...(query.alternatives?.get(t) ?? [])]);
    return ftsMatch({ groups, phrases: query.phrases, prefixes: query.prefixes ?? [], excluded: query.excluded }, 'all');
  }

  /**
   * countText from the matching rowids (comma-separated, any order; null: every article), read
   * here or on the match reader's thread (sqlite-matches.ts).
   */
  countMatches(seqs: string | null, filters: TextFilters, opts: TextCountOptions): TextCounts {
    this.facets ??= new ArticleFacets(this.db);
    this.facets.refresh();
    const ownerOf = (id: string) => (this.stmt('SELECT COALESCE(feed_id, id) AS o FROM sources WHERE id = ?').get(id) as Row | undefined)?.o as string | undefined;
    const { rows, total, firstSeq } = this.facets.count(seqs, filters, opts, ownerOf);
    if (firstSeq < 0) return { rows, total, first: null };
    const f = this.facets.describe(firstSeq);
    const r = this.stmt('SELECT id, outlet FROM articles WHERE seq = ?').get(firstSeq) as Row;
    const outlet = (r.outlet as string | null)?.replace(/\s+/g, ' ').trim() || null;
    return { rows, total, first: { id: r.id as string, at: new Date(f.time).toISOString(), outlet, sourceId: f.sourceId } };
  }

  /**
   * Reads up to `rows` more articles' dates, sources and outlets for countText (a start-up calls
   * this a step per turn so the first count does not read the whole archive); true when done.
   */
  prepareTextCounts(rows = 2000): boolean {
    this.facets ??= new ArticleFacets(this.db);
    return this.facets.load(rows);
  }

  // ── meta ───────────────────────────────────────────────────────────────

  getMeta(key: string): string | undefined {
    const r = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return r ? (r.value as string) : undefined;
  }

  setMeta(key: string, value: string): void {
    this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private uniqueId(table: 'sources' | 'subscriptions' | 'alerts' | 'change_alerts'): string {
    for (;;) {
      const id = newShortId();
      if (!this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id)) return id;
    }
  }
}

function dirname(p: string): string {
  return path.dirname(path.resolve(p));
}
