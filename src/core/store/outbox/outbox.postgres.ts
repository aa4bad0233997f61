import type { Lease } from '../async-store.ts';
import type { NewOutbox, OutboxRow, OutboxKind } from '../types.ts';
import { PARKED, iso, json, toOutbox } from '../postgres-common.ts';
import { PostgresAlerts } from '../alerts/alerts.postgres.ts';

/**
 * PostgresStore's outbox (see outbox.ts).
 * One link of PostgresStore's class chain (see postgres-store.ts).
 */
export class PostgresOutbox extends PostgresAlerts {
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

  async enqueueDigest(subscriptionId: string, windowEnd: string, row: NewOutbox | null): Promise<OutboxRow | null> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as this;
      const out = row ? await self.enqueueOutbox(row) : null;
      await self.q('UPDATE subscriptions SET last_window_end = $1 WHERE id = $2', [windowEnd, subscriptionId]);
      return out;
    });
  }

  async enqueueAlerts(alertId: string, lastSeq: number, rows: NewOutbox[]): Promise<OutboxRow[]> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as this;
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

  async enqueueChangeAlerts(alertId: string, lastVersionId: number, rows: NewOutbox[]): Promise<OutboxRow[]> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as this;
      const out: OutboxRow[] = [];
      for (const r of rows) out.push(await self.enqueueOutbox(r));
      await self.q('UPDATE change_alerts SET last_version_id = $1 WHERE id = $2 AND last_version_id < $1', [lastVersionId, alertId]);
      return out;
    });
  }
}
