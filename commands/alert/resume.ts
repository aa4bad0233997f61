import { isModerator, type CommandContext, type Invocation } from '../../src/command.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Reply } from '../../src/core/reply.ts';

/** /alert resume — resume a delivery that paused itself (its author or a moderator). */
export async function resume(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const id = String(inv.options.id ?? '');
  const existing = (await ctx.alerts.list(inv.guildId)).find((a) => a.id === id.trim());
  if (existing && existing.createdBy !== inv.user.id && !isModerator(ctx, inv)) throw new UserError('Only the person who made a delivery, or a moderator, can resume it.', { id: 'permission.owner-or-moderator', values: { command: 'alert resume' } });
  const a = (await ctx.alerts.resume(inv.guildId, id));
  return { content: `${a.sourceId ? 'Delivery' : 'Alert'} \`${a.id}\` resumed: its held posts and the items since it paused go to <#${a.channelId}> now.` };
}
