import type { CommandContext, Invocation } from '../../src/command.ts';
import type { Reply } from '../../src/core/reply.ts';
import { subscriptionId } from './_shared.ts';

/** /digest preview — what the next digest would contain right now (anyone; only they see it). */
export async function preview(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  return (await ctx.digests.preview(inv.guildId, subscriptionId(inv)));
}
