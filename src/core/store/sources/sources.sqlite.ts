import { SEED_SOURCE_ID } from '../../article.ts';
import { StoreError } from '../errors.ts';
import { FEED_FIELDS, NOT_ARCHIVE, OWNER_OF, SOURCE_SELECT } from '../feeds.ts';
import { SOURCE_COLUMNS, type Row } from '../rows.ts';
import type { FetchAttempt, NewSource, SourceRow } from '../types.ts';
import { iso, toSource, toAttempt } from '../sqlite-common.ts';
import { SqliteDerived } from '../derived/derived.sqlite.ts';

/**
 * SqliteStore's sources and feeds (see sources.ts).
 * One link of SqliteStore's class chain (see sqlite-store.ts).
 */
export class SqliteSources extends SqliteDerived {
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
  withFollowers(source: SourceRow): SourceRow {
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

  /** The owners of the articles a guild sees besides the seeds: the feeds its sources follow. */
  sourceIdsForGuild(guildId: string): string[] {
    return (this.stmt('SELECT DISTINCT COALESCE(feed_id, id) AS id FROM sources WHERE guild_id = ?').all(guildId) as Row[]).map((r) => r.id as string);
  }
}
