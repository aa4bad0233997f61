import type { ChangeAlertRow, AlertRow, NewAlert } from '../types.ts';

/**
 * Keyword alerts, feed deliveries (alerts that follow one source, removed with it) and change
 * alerts.
 */
export interface AlertsStore {
  createAlert(a: NewAlert): Promise<AlertRow>;
  getAlert(id: string): Promise<AlertRow | undefined>;
  listAlerts(guildId?: string): Promise<AlertRow[]>;
  deleteAlert(id: string): Promise<boolean>;
  /** The deliveries of one source, oldest first. */
  alertsForSource(sourceId: string): Promise<AlertRow[]>;
  /** Pauses a delivery and parks its pending posts; false when it was already paused. */
  pauseAlert(id: string, reason: string, error: string | null): Promise<boolean>;
  /** Resumes a delivery; its parked and failed posts become due now with their attempts reset. */
  resumeAlert(id: string): Promise<void>;
  /** Adds to a delivery's health counter; `lastError` (also null) replaces the last error when given. */
  countAlert(id: string, field: 'delivered' | 'skipped' | 'failed', by: number, extra?: { lastError?: string | null; deliveredAt?: string }): Promise<void>;
  setAlertIdentityNote(id: string, note: string | null): Promise<void>;
  createChangeAlert(a: Omit<ChangeAlertRow, 'id' | 'createdAt'>): Promise<ChangeAlertRow>;
  listChangeAlerts(guildId?: string): Promise<ChangeAlertRow[]>;
  deleteChangeAlert(id: string): Promise<boolean>;
}
