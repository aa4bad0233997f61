import { channelAccess, requireAllowed, type CommandContext, type Invocation } from '../../src/command.ts';
import { DEFAULT_LIMITS } from '../../src/core/policy/limits.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { requireModerator, sourceList } from './_shared.ts';

/** /digest subscribe — post a digest of new articles in a channel on a schedule (moderators). */
export async function subscribe(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const o = inv.options;
  requireModerator(ctx, inv);
  const channelId = String(o.channel);
  requireAllowed({
    what: 'digest',
    guildId: inv.guildId,
    moderator: true,
    channel: await channelAccess(ctx, inv, channelId),
    counts: { byMember: 0, inServer: (await ctx.digests.list(inv.guildId)).length },
    limits: ctx.limits ?? DEFAULT_LIMITS,
  });
  const { subscription: s, nextRun } = (await ctx.digests.subscribe({
    guildId: inv.guildId,
    channelId,
    userId: inv.user.id,
    schedule: String(o.schedule ?? ''),
    ...(typeof o.timezone === 'string' ? { timezone: o.timezone } : {}),
    ...(typeof o.query === 'string' ? { query: o.query } : {}),
    ...(typeof o.sources === 'string' ? { sources: o.sources } : {}),
    ...(typeof o.max_items === 'number' ? { maxItems: o.max_items } : {}),
    ...(o.chart === true ? { chart: true } : {}),
  }));
  return {
    content:
      `Digest \`${s.id}\` subscribed: **${escapeInline(s.scheduleLabel)}** (${s.timezone}) in <#${s.channelId}>` +
      `${s.query ? `, beat **${escapeInline(s.query)}**` : ''}${s.sourceIds.length ? `, sources ${sourceList(s.sourceIds.map(await ctx.digests.sourceNames(inv.guildId)))}` : ''}, up to ${s.maxItems} articles${s.chart ? ', with a chart by outlet' : ''}.\n` +
      `Next run: ${nextRun}. It will cover articles first seen from now on.`,
  };
}
