import { DiscordAPIError, Routes, type REST } from 'discord.js';
import type { PostIdentity } from '../core/outbox/identity.ts';
import { PermanentPostError, WebhookUnavailableError, type ChannelPoster } from '../core/outbox/index.ts';
import type { Reply } from '../core/reply.ts';
import { formatReply, type DiscordMessage } from './format.ts';

/** Discord errors no retry can fix: unknown channel, missing access or permissions. */
const PERMANENT = new Set([10003, 50001, 50013]);
/** Unknown Webhook: a moderator deleted it; make a new one. */
const UNKNOWN_WEBHOOK = 10015;
/** Too many webhooks in the channel (15). */
const MAX_WEBHOOKS = 30007;
/** The name of the one webhook per channel the bot posts outlet-identity deliveries through. */
export const WEBHOOK_NAME = 'Newsdesk deliveries';
/** How far back a post of unknown outcome is looked for. */
const RECONCILE_SCAN = 50;

interface Webhook {
  id: string;
  token?: string;
  name?: string | null;
  application_id?: string | null;
}

interface ApiMessage {
  id: string;
  webhook_id?: string;
  application_id?: string;
  author?: { id: string };
  embeds?: Array<{ footer?: { text?: string } }>;
}

function permanent(err: unknown, what: string): unknown {
  if (err instanceof DiscordAPIError && typeof err.code === 'number' && PERMANENT.has(err.code)) {
    return new PermanentPostError(`${what}: ${err.message} (code ${err.code})`, err.code);
  }
  return err;
}

/**
 * Posts scheduled messages (digests, alerts, notices) to channels with `nonce` + `enforce_nonce`,
 * so a retried request — by discord.js after a timeout, or by us after a crash — returns the
 * message already posted instead of posting it twice. Each part of a split message has its own nonce.
 * Outlet-identity deliveries go through one webhook per channel (made or reused here) with the
 * outlet's name and picture per message, `wait=true`, and a marker lookup instead of a nonce.
 */
export class DiscordChannelPoster implements ChannelPoster {
  private readonly webhooks = new Map<string, Webhook>();

  constructor(
    private readonly rest: REST,
    private readonly applicationId: () => string | null = () => null,
  ) {}

  async post(channelId: string, reply: Reply, nonce: string): Promise<{ messageIds: string[] }> {
    const messageIds: string[] = [];
    const parts = formatReply({ ...reply, ephemeral: false });
    for (const [i, part] of parts.entries()) {
      const partNonce = parts.length === 1 ? nonce : `${nonce.slice(0, 22)}.${i}`;
      try {
        const { files, ...body } = part;
        // Each upload is declared in the body (files[n] ↔ id n) so it keeps its alt text.
        const attachments = files?.map((f, id) => ({ id, filename: f.name, ...(f.description ? { description: f.description } : {}) }));
        const message = (await this.rest.post(Routes.channelMessages(channelId), {
          body: { ...body, ...(attachments?.length ? { attachments } : {}), nonce: partNonce, enforce_nonce: true },
          ...(files?.length ? { files: files.map((f) => ({ name: f.name, data: f.attachment })) } : {}),
        })) as { id: string };
        messageIds.push(message.id);
      } catch (err) {
        throw permanent(err, `channel ${channelId}`);
      }
    }
    return { messageIds };
  }

  async postAs(channelId: string, reply: Reply, as: PostIdentity): Promise<{ messageIds: string[] }> {
    let hook = await this.webhookFor(channelId);
    // Delivery posts are built to be one message; a second part would carry no marker.
    const [message] = formatReply({ ...reply, ephemeral: false });
    const body = { ...(message as DiscordMessage), username: as.name, ...(as.avatarUrl ? { avatar_url: as.avatarUrl } : {}) };
    delete (body as { flags?: number }).flags;
    for (let attempt = 0; ; attempt++) {
      try {
        const sent = (await this.rest.post(Routes.webhook(hook.id, hook.token), { body, query: new URLSearchParams({ wait: 'true' }), auth: false })) as { id: string };
        return { messageIds: [sent.id] };
      } catch (err) {
        if (attempt === 0 && err instanceof DiscordAPIError && err.code === UNKNOWN_WEBHOOK) {
          this.webhooks.delete(channelId);
          hook = await this.webhookFor(channelId);
          continue;
        }
        throw permanent(err, `channel ${channelId} (webhook)`);
      }
    }
  }

  /** The channel's delivery webhook: cached, else found among the channel's webhooks, else made. */
  private async webhookFor(channelId: string): Promise<Webhook & { token: string }> {
    const cached = this.webhooks.get(channelId);
    if (cached?.token) return cached as Webhook & { token: string };
    try {
      const existing = ((await this.rest.get(Routes.channelWebhooks(channelId))) as Webhook[]).find(
        (w) => w.name === WEBHOOK_NAME && w.token && (!this.applicationId() || !w.application_id || w.application_id === this.applicationId()),
      );
      const hook = existing ?? ((await this.rest.post(Routes.channelWebhooks(channelId), { body: { name: WEBHOOK_NAME } })) as Webhook);
      if (!hook.token) throw new WebhookUnavailableError(`the webhook of <#${channelId}> has no token the bot can use`);
      this.webhooks.set(channelId, hook);
      return hook as Webhook & { token: string };
    } catch (err) {
      if (err instanceof DiscordAPIError && (err.code === 50013 || err.code === MAX_WEBHOOKS)) {
        throw new WebhookUnavailableError(err.code === 50013 ? `the bot lacks Manage Webhooks in <#${channelId}>` : `<#${channelId}> has the most webhooks Discord allows`);
      }
      throw permanent(err, `channel ${channelId}`);
    }
  }

  /**
   * A recent message of the bot or of one of its webhooks whose footer carries the marker: the
   * earlier attempt arrived. Without Read Message History nothing can be found (null): a bot post
   * still has its nonce.
   */
  async findPost(channelId: string, marker: string): Promise<string | null> {
    let recent: ApiMessage[];
    try {
      recent = (await this.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ limit: String(RECONCILE_SCAN) }) })) as ApiMessage[];
    } catch (err) {
      if (err instanceof DiscordAPIError && (err.code === 50001 || err.code === 50013)) return null;
      throw permanent(err, `channel ${channelId}`);
    }
    const me = this.applicationId();
    const ours = (m: ApiMessage) => (m.webhook_id ? (this.webhooks.get(channelId)?.id === m.webhook_id || m.application_id === me) : !me || m.author?.id === me);
    return recent.find((m) => ours(m) && (m.embeds ?? []).some((e) => e.footer?.text?.endsWith(marker)))?.id ?? null;
  }
}
