import { createHash } from 'node:crypto';
import type { Clock, Log } from './deps.ts';
import type { Reply } from './reply.ts';
import type { OutboxRow, SqliteStore } from './store/index.ts';

/** Sends one message to a channel. `nonce` makes a retried send return the first message instead of posting twice. */
export interface ChannelPoster {
  post(channelId: string, reply: Reply, nonce: string): Promise<{ messageIds: string[] }>;
}

/** A failure the poster classifies as permanent (unknown channel, missing access): no retry helps. */
export class PermanentPostError extends Error {
  override readonly name = 'PermanentPostError';
}

const MAX_ATTEMPTS = 8;

/** Discord accepts nonces of at most 25 characters: derive one from the outbox row's identity. */
export function outboxNonce(kind: string, refId: string, windowKey: string): string {
  return createHash('sha256').update(`${kind}\u0000${refId}\u0000${windowKey}`).digest('base64url').slice(0, 22);
}

/** Optional hook for crash tests: called at named points; the test harness kills the process there. */
export type CrashPoint = (name: string) => void;

/**
 * Delivers pending outbox rows (digests, alerts, notices) exactly once: a row is marked posted
 * only after Discord accepted it, and every attempt carries the row's nonce with enforce_nonce,
 * so a retry after a crash or timeout returns the earlier message instead of posting again.
 */
export class Outbox {
  private delivering: Promise<number> | null = null;

  constructor(
    private readonly deps: { store: SqliteStore; clock: Clock; log: Log; poster: ChannelPoster; crashPoint?: CrashPoint },
  ) {}

  /** Posts every due pending row; concurrent calls share one run. */
  deliverPending(): Promise<number> {
    this.delivering ??= this.run().finally(() => {
      this.delivering = null;
    });
    return this.delivering;
  }

  private async run(): Promise<number> {
    let posted = 0;
    for (;;) {
      const rows = this.deps.store.pendingOutbox(this.deps.clock.now(), 20);
      if (rows.length === 0) return posted;
      for (const row of rows) if (await this.deliver(row)) posted++;
      if (rows.length < 20) return posted;
    }
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    try {
      this.deps.crashPoint?.(`outbox:before-post:${row.kind}`);
      const { messageIds } = await this.deps.poster.post(row.channelId, row.payload as Reply, row.nonce);
      this.deps.crashPoint?.(`outbox:after-post:${row.kind}`);
      this.deps.store.markPosted(row.id, messageIds.join(','));
      this.deps.log.info({ outboxId: row.id, kind: row.kind, refId: row.refId, channelId: row.channelId, messages: messageIds.length }, 'posted');
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentPostError || row.attempts + 1 >= MAX_ATTEMPTS;
      const retryAt = permanent ? null : new Date(this.deps.clock.now().getTime() + Math.min(3_600_000, 30_000 * 2 ** row.attempts));
      this.deps.store.markAttemptFailed(row.id, message, retryAt);
      this.deps.log.warn({ outboxId: row.id, kind: row.kind, channelId: row.channelId, err: message, retryAt }, permanent ? 'post failed; giving up' : 'post failed; will retry');
      return false;
    }
  }
}
