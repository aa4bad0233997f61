import type { Row } from '../rows.ts';
import type { NewOutbox, OutboxRow, OutboxKind } from '../types.ts';
import { iso, toOutbox } from '../sqlite-common.ts';
import { SqliteAlerts } from '../alerts/alerts.sqlite.ts';

/**
 * SqliteStore's outbox (see outbox.ts).
 * One link of SqliteStore's class chain (see sqlite-store.ts).
 */
export class SqliteOutbox extends SqliteAlerts {
  /** Files change-alert posts and advances the alert's watermark in one transaction. */
  enqueueChangeAlerts(alertId: string, lastVersionId: number, rows: NewOutbox[]): OutboxRow[] {
    return this.db.transaction(() => {
      const out = rows.map((r) => this.enqueueOutboxRow(r));
      this.stmt('UPDATE change_alerts SET last_version_id = ? WHERE id = ? AND last_version_id < ?').run(lastVersionId, alertId, lastVersionId);
      return out;
    })();
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

  enqueueOutboxRow(row: NewOutbox): OutboxRow {
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
}
