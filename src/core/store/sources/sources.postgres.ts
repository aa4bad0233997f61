import { SEED_SOURCE_ID } from '../../article.ts';
import type { Lease, SourcePatch } from '../async-store.ts';
import { StoreError } from '../errors.ts';
import type { FetchAttempt, NewSource, SourceRow } from '../types.ts';
import { FEED_FIELDS, NOT_ARCHIVE, SOURCE_SELECT } from '../feeds.ts';
import { SOURCE_COLUMNS } from '../rows.ts';
import { toSource, toAttempt } from '../postgres-common.ts';
import { PostgresDerived } from '../derived/derived.postgres.ts';

/**
 * PostgresStore's sources and feeds (see sources.ts).
 * One link of PostgresStore's class chain (see postgres-store.ts).
 */
export class PostgresSources extends PostgresDerived {
  /** Adds a guild's source: a subscription to the feed at its polled URL (created when nobody follows it yet). */
  async createSource(s: NewSource): Promise<SourceRow> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as this;
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
      const self = tx as unknown as this;
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
  async withFollowers(source: SourceRow): Promise<SourceRow> {
    const r = (await this.one(`SELECT MIN(interval_minutes) AS i, bool_or(full_text) AS ft FROM sources WHERE feed_id = $1 AND status = 'active'`, [source.feedId ?? source.id]))!;
    return r.i == null ? source : { ...source, intervalMinutes: Number(r.i), fullText: r.ft as boolean };
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

  async sourceIdsForGuild(guildId: string): Promise<string[]> {
    return (await this.q('SELECT COALESCE(feed_id, id) AS id FROM sources WHERE guild_id = $1 GROUP BY 1 ORDER BY MIN(created_at), 1', [guildId])).map((r) => r.id as string);
  }
}
