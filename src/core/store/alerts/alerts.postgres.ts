import type { AlertRow, ChangeAlertRow, NewAlert } from '../types.ts';
import { PARKED, toAlert, toChangeAlert } from '../postgres-common.ts';
import { PostgresDigests } from '../digests/digests.postgres.ts';

/**
 * PostgresStore's alerts, feed deliveries and change alerts (see alerts.ts).
 * One link of PostgresStore's class chain (see postgres-store.ts).
 */
export class PostgresAlerts extends PostgresDigests {
  async createAlert(a: NewAlert): Promise<AlertRow> {
    const row = await this.insertWithShortId((id) =>
      this.one(
        `INSERT INTO alerts (id, guild_id, channel_id, query, role_id, created_by, created_at, last_seq, source_id, filters, template, identity, notify_channel_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [id, a.guildId, a.channelId, a.query, a.roleId, a.createdBy, this.now(), a.lastSeq, a.sourceId ?? null, a.filters ?? '{}', a.template ?? null, a.identity ?? 'bot', a.notifyChannelId ?? null],
      ),
    );
    return toAlert(row);
  }

  async getAlert(id: string): Promise<AlertRow | undefined> {
    const r = await this.one('SELECT * FROM alerts WHERE id = $1', [id]);
    return r ? toAlert(r) : undefined;
  }

  async listAlerts(guildId?: string): Promise<AlertRow[]> {
    const rows = guildId
      ? await this.q('SELECT * FROM alerts WHERE guild_id = $1 ORDER BY created_at, id', [guildId])
      : await this.q('SELECT * FROM alerts ORDER BY created_at, id');
    return rows.map(toAlert);
  }

  async deleteAlert(id: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM alerts WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async alertsForSource(sourceId: string): Promise<AlertRow[]> {
    return (await this.q('SELECT * FROM alerts WHERE source_id = $1 ORDER BY created_at, id', [sourceId])).map(toAlert);
  }

  async pauseAlert(id: string, reason: string, error: string | null): Promise<boolean> {
    return this.transaction(async (tx) => {
      const self = tx as unknown as this;
      const changed = await self.q(
        "UPDATE alerts SET status = 'paused', paused_reason = $1, last_error = COALESCE($2, last_error) WHERE id = $3 AND status = 'active' RETURNING id",
        [reason, error, id],
      );
      // Parked, not dropped: resuming sends them.
      await self.q(`UPDATE outbox SET next_attempt_at = '${PARKED}' WHERE kind IN ('delivery', 'alert') AND ref_id = $1 AND status = 'pending'`, [id]);
      return changed.length > 0;
    });
  }

  async resumeAlert(id: string): Promise<void> {
    await this.transaction(async (tx) => {
      const self = tx as unknown as this;
      await self.q("UPDATE alerts SET status = 'active', paused_reason = NULL WHERE id = $1", [id]);
      await self.q(
        // Due now for whoever claims next: a claim left on a failed row must not hold it back.
        "UPDATE outbox SET next_attempt_at = $1, attempts = 0, status = 'pending', lease_until = NULL WHERE kind IN ('delivery', 'alert') AND ref_id = $2 AND status IN ('pending', 'failed')",
        [self.now(), id],
      );
    });
  }

  async countAlert(id: string, field: 'delivered' | 'skipped' | 'failed', by: number, extra: { lastError?: string | null; deliveredAt?: string } = {}): Promise<void> {
    // The column comes from this fixed map, never from the caller's text.
    const col = { delivered: 'delivered', skipped: 'skipped', failed: 'failed' }[field];
    await this.q(
      `UPDATE alerts SET ${col} = ${col} + $1, last_error = CASE WHEN $2 THEN $3 ELSE last_error END, last_delivered_at = COALESCE($4, last_delivered_at) WHERE id = $5`,
      [by, extra.lastError !== undefined, extra.lastError ?? null, extra.deliveredAt ?? null, id],
    );
  }

  async setAlertIdentityNote(id: string, note: string | null): Promise<void> {
    await this.q('UPDATE alerts SET identity_note = $1 WHERE id = $2', [note, id]);
  }

  async createChangeAlert(a: Omit<ChangeAlertRow, 'id' | 'createdAt'>): Promise<ChangeAlertRow> {
    const row = await this.insertWithShortId((id) =>
      this.one(
        `INSERT INTO change_alerts (id, guild_id, channel_id, created_by, created_at, last_version_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [id, a.guildId, a.channelId, a.createdBy, this.now(), a.lastVersionId],
      ),
    );
    return toChangeAlert(row);
  }

  async listChangeAlerts(guildId?: string): Promise<ChangeAlertRow[]> {
    const rows = guildId
      ? await this.q('SELECT * FROM change_alerts WHERE guild_id = $1 ORDER BY created_at, id', [guildId])
      : await this.q('SELECT * FROM change_alerts ORDER BY created_at, id');
    return rows.map(toChangeAlert);
  }

  async deleteChangeAlert(id: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM change_alerts WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }
}
