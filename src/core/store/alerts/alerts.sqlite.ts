import type { Row } from '../rows.ts';
import type { AlertRow, ChangeAlertRow, NewAlert } from '../types.ts';
import { iso, toAlert, toChangeAlert } from '../sqlite-common.ts';
import { SqliteDigests } from '../digests/digests.sqlite.ts';

/**
 * SqliteStore's alerts, feed deliveries and change alerts (see alerts.ts).
 * One link of SqliteStore's class chain (see sqlite-store.ts).
 */
export class SqliteAlerts extends SqliteDigests {
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
}
