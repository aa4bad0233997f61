import { createHash } from 'node:crypto';
import { nextSlot, RATE_WINDOW_MS } from './bursts.ts';
import type { DeliveryPayload, PostIdentity } from './identity.ts';
import type { Clock, Log } from '../deps.ts';
import type { Reply } from '../reply.ts';
import type { Telemetry } from '../telemetry/index.ts';
import type { OutboxRow,  } from '../store/index.ts';
import type { AsyncStore } from '../store/async-store.ts';

/** Sends one message to a channel. `nonce` makes a retried send return the first message instead of posting twice. */
export interface ChannelPoster {
  post(channelId: string, reply: Reply, nonce: string): Promise<{ messageIds: string[] }>;
  /**
   * Posts through the channel's webhook under another name and picture (created or reused by the
   * poster), waiting for the message (`wait=true`). Throws WebhookUnavailableError when the bot
   * may not manage the channel's webhooks.
   */
  postAs?(channelId: string, reply: Reply, as: PostIdentity): Promise<{ messageIds: string[] }>;
  /**
   * A recent message of the bot or its webhook in the channel whose embed footer ends with
   * `marker`, or null. Webhooks take no nonce, and Discord remembers a nonce only minutes: this is
   * how a post whose outcome was lost in a crash is found instead of being sent twice.
   */
  findPost?(channelId: string, marker: string): Promise<string | null>;
}

/** A failure the poster classifies as permanent (unknown channel, missing access): no retry helps. */
export class PermanentPostError extends Error {
  override readonly name = 'PermanentPostError';
  constructor(
    message: string,
    /** Discord's error code, when there is one (10003 Unknown Channel, 50001, 50013). */
    readonly code?: number,
  ) {
    super(message);
  }
}

/** The bot lacks Manage Webhooks in a channel: an outlet-identity post falls back to the bot. */
export class WebhookUnavailableError extends Error {
  override readonly name = 'WebhookUnavailableError';
}

/**
 * What the outbox asks the alerts about their posts (src/core/alerts/index.ts answers): alert and
 * delivery rows are checked against their alert before each send.
 */
export interface DeliveryHooks {
  /**
   * 'paused' parks the post until the alert resumes; 'gone' drops it (the alert was removed), as
   * does 'forbidden' (its creator may no longer post there). Asked before every send, so a creator
   * who can no longer write in the channel stops their alert's posts.
   */
  state(row: OutboxRow): Promise<'active' | 'paused' | 'gone' | 'forbidden'>;
  posted(row: OutboxRow, via: 'webhook' | 'bot'): Promise<void>;
  /** A post failed for good: the delivery pauses itself and tells a moderator. */
  failedPermanently(row: OutboxRow, message: string): Promise<void>;
  /** An outlet-identity post went out as the bot; `reason` is shown in /alert list. */
  fellBack(row: OutboxRow, reason: string | null): Promise<void>;
}

/** Parked rows wait here until their delivery resumes. */
const PARKED = new Date('9999-12-31T00:00:00.000Z');

const MAX_ATTEMPTS = 8;
/** How long a claim on a batch of posts holds: far longer than 20 posts take, even rate limited. */
export const POST_LEASE_MS = 2 * 60_000;
/** Channels posted to at once: one slow or rate-limited channel does not hold the others back. */
const CHANNELS_AT_ONCE = 4;
/** Posts per channel per minute when the configuration does not say. */
export const DEFAULT_POSTS_PER_MINUTE = 5;

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
    private readonly deps: {
      store: AsyncStore;
      clock: Clock;
      log: Log;
      poster: ChannelPoster;
      crashPoint?: CrashPoint;
      deliveries?: DeliveryHooks;
      /** Posts per channel per minute, every kind but moderator notices (default 5). */
      postsPerMinute?: number;
      /** Posts sent and failed, for operators. */
      telemetry?: Telemetry;
      /** Who claims posts in a cluster, and how long a claim holds (a dead process's posts are taken over after it). */
      worker?: { id: string; leaseMs: number };
    },
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
      const now = this.deps.clock.now();
      const { id: owner, leaseMs } = this.deps.worker ?? { id: 'local', leaseMs: POST_LEASE_MS };
      // Claimed: no other process sends these rows while the lease holds; after a crash the
      // in-flight marker (sentAt) and the nonce make the next claimant's attempt safe.
      const rows = await this.deps.store.claimOutbox(now, 20, { owner, until: new Date(now.getTime() + leaseMs) });
      if (rows.length === 0) return posted;
      // The claim already takes turns across servers; channels are then served side by side, each
      // channel's posts in order.
      const channels = new Map<string, OutboxRow[]>();
      for (const row of rows) channels.set(row.channelId, [...(channels.get(row.channelId) ?? []), row]);
      const queues = [...channels.values()];
      const lane = async () => {
        for (let queue = queues.shift(); queue; queue = queues.shift()) for (const row of queue) if (await this.deliver(row)) posted++;
      };
      await Promise.all(Array.from({ length: Math.min(CHANNELS_AT_ONCE, queues.length) }, lane));
      // Every row handled leaves the due set (posted, failed, parked or deferred to a later slot),
      // so claiming again until nothing is due ends — and a notice filed meanwhile goes out now.
    }
  }

  /**
   * Every post but a moderator notice waits for its channel's per-minute budget; an alert's post
   * also for a paused alert to resume. Returns false when the row must not be sent now (it was
   * deferred, parked or dropped).
   */
  private async admit(row: OutboxRow, hooks: DeliveryHooks | undefined): Promise<boolean> {
    const state = hooks ? await hooks.state(row) : 'active';
    if (state === 'gone' || state === 'forbidden') {
      await this.deps.store.markAttemptFailed(row.id, state === 'gone' ? `the ${row.kind} was removed` : 'its creator may no longer post in this channel', null);
      return false;
    }
    if (state === 'paused') {
      await this.deps.store.deferOutbox(row.id, PARKED);
      return false;
    }
    if (row.kind === 'notice') return true;
    const now = this.deps.clock.now();
    const slot = nextSlot(await this.deps.store.postedToChannelSince(row.channelId, new Date(now.getTime() - RATE_WINDOW_MS)), now, this.deps.postsPerMinute ?? DEFAULT_POSTS_PER_MINUTE);
    if (slot) {
      await this.deps.store.deferOutbox(row.id, slot);
      this.deps.log.debug({ outboxId: row.id, channelId: row.channelId, until: slot.toISOString() }, 'channel rate limit: post deferred');
      return false;
    }
    return true;
  }

  private async send(row: OutboxRow): Promise<{ messageIds: string[]; via: 'webhook' | 'bot' }> {
    const { poster } = this.deps;
    if (row.kind !== 'delivery') return { ...(await poster.post(row.channelId, row.payload as Reply, row.nonce)), via: 'bot' };
    const { marker, as, ...reply } = row.payload as DeliveryPayload;
    // An earlier attempt was in flight when the process stopped: did it arrive?
    if (row.sentAt !== null && poster.findPost) {
      const found = await poster.findPost(row.channelId, marker);
      if (found) {
        this.deps.log.info({ outboxId: row.id, channelId: row.channelId, messageId: found }, 'post of unknown outcome found in the channel; not sent again');
        return { messageIds: [found], via: as ? 'webhook' : 'bot' };
      }
    }
    // In flight from here until markPosted.
    await this.deps.store.markSending(row.id);
    if (as && poster.postAs) {
      try {
        return { ...(await poster.postAs(row.channelId, reply, as)), via: 'webhook' };
      } catch (err) {
        if (!(err instanceof WebhookUnavailableError)) throw err;
        await this.deps.deliveries?.fellBack(row, err.message);
      }
    }
    return { ...(await poster.post(row.channelId, reply, row.nonce)), via: 'bot' };
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const hooks = row.kind === 'delivery' || row.kind === 'alert' ? this.deps.deliveries : undefined;
    if (!(await this.admit(row, hooks))) return false;
    try {
      this.deps.crashPoint?.(`outbox:before-post:${row.kind}`);
      const { messageIds, via } = await this.send(row);
      this.deps.crashPoint?.(`outbox:after-post:${row.kind}`);
      if (via === 'webhook') this.deps.crashPoint?.('outbox:after-post:delivery-webhook');
      await this.deps.store.markPosted(row.id, messageIds.join(','));
      this.deps.telemetry?.posted(row.kind, 'sent');
      await hooks?.posted(row, via);
      this.deps.log.info({ outboxId: row.id, kind: row.kind, refId: row.refId, channelId: row.channelId, messages: messageIds.length, ...(hooks ? { via } : {}) }, 'posted');
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentPostError || row.attempts + 1 >= MAX_ATTEMPTS;
      const retryAt = permanent ? null : new Date(this.deps.clock.now().getTime() + Math.min(3_600_000, 30_000 * 2 ** row.attempts));
      await this.deps.store.markAttemptFailed(row.id, message, retryAt);
      this.deps.telemetry?.posted(row.kind, permanent ? 'failed' : 'retry');
      this.deps.log.warn({ outboxId: row.id, kind: row.kind, channelId: row.channelId, err: message, retryAt }, permanent ? 'post failed; giving up' : 'post failed; will retry');
      if (permanent) await hooks?.failedPermanently(row, message);
      return false;
    }
  }
}
