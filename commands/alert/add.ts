import { channelAccess, isModerator, requireAllowed, type CommandContext, type Invocation } from '../../src/command.ts';
import { describeFilters } from '../../src/core/alerts/filters.ts';
import { UserError } from '../../src/core/errors.ts';
import { DEFAULT_LIMITS } from '../../src/core/policy/limits.ts';
import type { Creation } from '../../src/core/policy/posting.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { filtersFrom, str } from './_shared.ts';

/** What the member and the server already have: alerts, deliveries and change alerts together. */
async function alertCounts(ctx: CommandContext, inv: Invocation): Promise<{ byMember: number; inServer: number }> {
  const all = [...(await ctx.alerts.list(inv.guildId)), ...((await ctx.changeAlerts?.list(inv.guildId)) ?? [])];
  return { byMember: all.filter((a) => a.createdBy === inv.user.id).length, inServer: all.length };
}

/** /alert add — a saved search, a delivery of a source's new items, or a change alert. */
export async function add(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const o = inv.options;
  const channelId = typeof o.channel === 'string' ? o.channel : inv.channelId;
  const roleId = typeof o.role === 'string' ? o.role : null;
  const sourceId = str(inv, 'source');
  const what: Creation = o.kind === 'changes' ? 'changes' : sourceId ? 'delivery' : 'alert';
  if (what === 'changes') {
    if (!ctx.changeAlerts) throw new UserError('Change alerts are not available in this setup.', { id: 'alert.changes-unavailable' });
    if (typeof o.query === 'string' || roleId || sourceId) {
      throw new UserError("A changes alert covers every headline change and correction of this server's sources: leave out query, source and role.", { id: 'alert.changes-options' });
    }
  }
  // Who may make the bot post where, and how much they may create (src/core/policy/).
  requireAllowed({
    what,
    guildId: inv.guildId,
    moderator: isModerator(ctx, inv),
    channel: await channelAccess(ctx, inv, channelId),
    role: roleId ? { id: roleId, mentionable: inv.resolvedRoles?.[roleId]?.mentionable ?? true } : null,
    counts: await alertCounts(ctx, inv),
    limits: ctx.limits ?? DEFAULT_LIMITS,
  });
  if (what === 'changes') {
    const c = await ctx.changeAlerts!.add({ guildId: inv.guildId, channelId, userId: inv.user.id });
    return { content: `Alert \`${c.id}\` saved: headline changes and corrections in this server's sources will be posted in <#${c.channelId}>.` };
  }
  const filters = filtersFrom(inv);
  const template = str(inv, 'template') ?? null;
  const identity = o.identity === 'outlet' ? 'outlet' : o.identity === 'bot' ? 'bot' : undefined;
  const a = (await ctx.alerts.add({
    guildId: inv.guildId,
    channelId,
    userId: inv.user.id,
    query: str(inv, 'query') ?? '',
    roleId,
    sourceId: sourceId ?? null,
    ...(filters ? { filters } : {}),
    template,
    ...(identity ? { identity } : {}),
    notifyChannelId: inv.channelId,
  }));
  const mention = a.roleId ? ` mentioning <@&${a.roleId}>` : '';
  if (!a.sourceId) return { content: `Alert \`${a.id}\` saved: new articles matching **${escapeInline(a.query)}** will be posted in <#${a.channelId}>${mention}.` };
  const source = (await ctx.sources.get(inv.guildId, a.sourceId));
  const items = a.query ? `new items matching **${escapeInline(a.query)}**` : 'every new item';
  const extras = [
    filters ? `filters: ${escapeInline(describeFilters(filters))}` : null,
    a.template ? 'with your template' : null,
    a.identity === 'outlet' ? `posted as **${escapeInline(source.name)}** through a channel webhook (the bot posts itself if it lacks Manage Webhooks)` : null,
  ].filter(Boolean);
  return { content: `Delivery \`${a.id}\` saved: ${items} of **${escapeInline(source.name)}** will be posted in <#${a.channelId}>${mention}.${extras.length ? ` ${extras.join('; ')}.` : ''} Check it with \`/alert preview source:${source.id}\`.` };
}
