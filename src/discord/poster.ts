import { DiscordAPIError, Routes, type REST } from 'discord.js';
import { PermanentPostError, type ChannelPoster } from '../core/outbox.ts';
import type { Reply } from '../core/reply.ts';
import { formatReply } from './format.ts';

/** Discord errors no retry can fix: unknown channel, missing access or permissions. */
const PERMANENT = new Set([10003, 50001, 50013]);

/**
 * Posts scheduled messages (digests, alerts, notices) to channels with `nonce` + `enforce_nonce`,
 * so a retried request — by discord.js after a timeout, or by us after a crash — returns the
 * message already posted instead of posting it twice. Each part of a split message has its own nonce.
 */
export class DiscordChannelPoster implements ChannelPoster {
  constructor(private readonly rest: REST) {}

  async post(channelId: string, reply: Reply, nonce: string): Promise<{ messageIds: string[] }> {
    const messageIds: string[] = [];
    const parts = formatReply({ ...reply, ephemeral: false });
    for (const [i, part] of parts.entries()) {
      const partNonce = parts.length === 1 ? nonce : `${nonce.slice(0, 22)}.${i}`;
      try {
        const { files, ...body } = part;
        const message = (await this.rest.post(Routes.channelMessages(channelId), {
          body: { ...body, nonce: partNonce, enforce_nonce: true },
          ...(files?.length ? { files: files.map((f) => ({ name: f.name, data: f.attachment })) } : {}),
        })) as { id: string };
        messageIds.push(message.id);
      } catch (err) {
        if (err instanceof DiscordAPIError && typeof err.code === 'number' && PERMANENT.has(err.code)) {
          throw new PermanentPostError(`channel ${channelId}: ${err.message} (code ${err.code})`);
        }
        throw err;
      }
    }
    return { messageIds };
  }
}
