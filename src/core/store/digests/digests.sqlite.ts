import type { Row } from '../rows.ts';
import type { SubscriptionRow } from '../types.ts';
import { iso, toSubscription } from '../sqlite-common.ts';
import { SqliteMeta } from '../meta/meta.sqlite.ts';

/**
 * SqliteStore's digest subscriptions (see digests.ts).
 * One link of SqliteStore's class chain (see sqlite-store.ts).
 */
export class SqliteDigests extends SqliteMeta {
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
}
