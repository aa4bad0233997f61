import type { CommandContext, Invocation } from '../../src/command.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { requireModerator, subscriptionId } from './_shared.ts';

/** /digest unsubscribe — stop a digest (moderators). */
export async function unsubscribe(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  requireModerator(ctx, inv);
  const s = (await ctx.digests.unsubscribe(inv.guildId, subscriptionId(inv)));
  return { content: `Digest \`${s.id}\` (${escapeInline(s.scheduleLabel)} in <#${s.channelId}>) stopped.` };
}
