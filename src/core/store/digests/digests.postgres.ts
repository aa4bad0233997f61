import type { SubscriptionRow } from '../types.ts';
import { toSubscription } from '../postgres-common.ts';
import { PostgresMeta } from '../meta/meta.postgres.ts';

/**
 * PostgresStore's digest subscriptions (see digests.ts).
 * One link of PostgresStore's class chain (see postgres-store.ts).
 */
export class PostgresDigests extends PostgresMeta {
  async createSubscription(s: Omit<SubscriptionRow, 'id' | 'createdAt'>): Promise<SubscriptionRow> {
    const row = await this.insertWithShortId((id) =>
      this.one(
        `INSERT INTO subscriptions (id, guild_id, channel_id, schedule_label, cron, timezone, query, source_ids, max_items, created_by, created_at, last_window_end, chart)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [id, s.guildId, s.channelId, s.scheduleLabel, s.cron, s.timezone, s.query, s.sourceIds, s.maxItems, s.createdBy, this.now(), s.lastWindowEnd, s.chart === true],
      ),
    );
    return toSubscription(row);
  }

  async getSubscription(id: string): Promise<SubscriptionRow | undefined> {
    const r = await this.one('SELECT * FROM subscriptions WHERE id = $1', [id]);
    return r ? toSubscription(r) : undefined;
  }

  async listSubscriptions(guildId?: string): Promise<SubscriptionRow[]> {
    const rows = guildId
      ? await this.q('SELECT * FROM subscriptions WHERE guild_id = $1 ORDER BY created_at, id', [guildId])
      : await this.q('SELECT * FROM subscriptions ORDER BY created_at, id');
    return rows.map(toSubscription);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM subscriptions WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }
}
