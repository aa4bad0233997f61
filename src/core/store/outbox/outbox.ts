import type { Lease, OutboxKind, OutboxRow, NewOutbox } from '../types.ts';

/**
 * The outbox: every post (digest, alert, delivery, change alert) filed once, claimed, sent and
 * marked, exactly once across processes.
 */
export interface OutboxStore {
  /** Files a digest window's post (if any) and advances the window end, in one transaction. */
  enqueueDigest(subscriptionId: string, windowEnd: string, row: NewOutbox | null): Promise<OutboxRow | null>;
  /** Files alert posts and raises the alert's watermark, in one transaction. */
  enqueueAlerts(alertId: string, lastSeq: number, rows: NewOutbox[]): Promise<OutboxRow[]>;
  /** Files change-alert posts and raises the change alert's watermark, in one transaction. */
  enqueueChangeAlerts(alertId: string, lastVersionId: number, rows: NewOutbox[]): Promise<OutboxRow[]>;
  /** The same (kind, ref, window) twice — from any process — yields one row. */
  enqueueOutbox(row: NewOutbox): Promise<OutboxRow>;
  pendingOutbox(now: Date, limit: number): Promise<OutboxRow[]>;
  /** Claims due pending posts for one process until the lease expires (as SourcesStore.claimDueSources does feeds). */
  claimOutbox(now: Date, limit: number, lease: Lease): Promise<OutboxRow[]>;
  getOutbox(id: number): Promise<OutboxRow | undefined>;
  listOutbox(filter?: { kind?: string; refId?: string }): Promise<OutboxRow[]>;
  /** Marks a row in flight just before it is sent (sentAt). */
  markSending(id: number): Promise<void>;
  markPosted(id: number, messageId: string): Promise<void>;
  markAttemptFailed(id: number, error: string, retryAt: Date | null): Promise<void>;
  /** Moves a row's next attempt (rate limit) without counting an attempt. */
  deferOutbox(id: number, until: Date): Promise<void>;
  /** Posts waiting per kind (parked ones not counted) and when the oldest of each was filed. */
  outboxBacklog(): Promise<Array<{ kind: OutboxKind; pending: number; oldestAt: string | null }>>;
  /** Posts still waiting for a channel (not parked by a pause); moderator notices do not count. */
  pendingPostsForChannel(channelId: string): Promise<number>;
  /**
   * Records that these items (article ids, change keys) were filed for a channel and returns those
   * never filed there before: an item reaches a channel once, whatever number of alerts match it.
   */
  claimChannelItems(channelId: string, keys: string[]): Promise<string[]>;
  /** posted_at of every post to a channel after `since`, oldest first (the channel's rate window). */
  postedToChannelSince(channelId: string, since: Date): Promise<string[]>;
}
