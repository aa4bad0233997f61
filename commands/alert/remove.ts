import { isModerator, type CommandContext, type Invocation } from '../../src/command.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';

/** /alert remove — delete an alert, delivery or change alert (its author or a moderator). */
export async function remove(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const id = String(inv.options.id ?? '');
  const changeAlert = ((await ctx.changeAlerts?.list(inv.guildId)) ?? []).find((c) => c.id === id.trim());
  if (changeAlert) {
    if (changeAlert.createdBy !== inv.user.id && !isModerator(ctx, inv)) throw new UserError('Only the person who made an alert, or a moderator, can remove it.', { id: 'permission.owner-or-moderator', values: { command: 'alert remove' } });
    await ctx.changeAlerts!.removeOrFail(inv.guildId, id);
    return { content: `Alert \`${changeAlert.id}\` (headline changes and corrections) removed.` };
  }
  const existing = (await ctx.alerts.list(inv.guildId)).find((a) => a.id === id.trim());
  if (existing && existing.createdBy !== inv.user.id && !isModerator(ctx, inv)) throw new UserError('Only the person who made an alert, or a moderator, can remove it.', { id: 'permission.owner-or-moderator', values: { command: 'alert remove' } });
  const a = (await ctx.alerts.remove(inv.guildId, id));
  return { content: `Alert \`${a.id}\` (${a.query ? `**${escapeInline(a.query)}**` : 'delivery'}) removed.` };
}
