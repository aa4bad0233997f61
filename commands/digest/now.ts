import type { CommandContext, Invocation } from '../../src/command.ts';
import type { Reply } from '../../src/core/reply.ts';
import { requireModerator, subscriptionId } from './_shared.ts';

/** /digest now — post the digest immediately; it counts as its current window (moderators). */
export async function now(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  requireModerator(ctx, inv);
  const { row, subscription } = (await ctx.digests.postNow(inv.guildId, subscriptionId(inv)));
  if (!row) return { ephemeral: true, content: `Nothing new for digest \`${subscription.id}\`; nothing was posted (its window still moved on).` };
  await ctx.outbox.deliverPending();
  return { ephemeral: true, content: `Digest \`${subscription.id}\` posted in <#${subscription.channelId}>.` };
}
