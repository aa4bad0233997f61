import type { CommandContext, Invocation } from '../../src/command.ts';
import type { Card, Reply } from '../../src/core/reply.ts';
import { alertListReply } from '../../src/replies/delivery-reply.ts';

/** /alert list — this server's alerts and deliveries with their health, then its change alerts. */
export async function list(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const sources = new Map((await ctx.sources.list(inv.guildId)).map((r) => [r.source.id, r.source]));
  const rows = (await ctx.alerts.list(inv.guildId)).map((alert) => ({ alert, source: alert.sourceId ? sources.get(alert.sourceId) : undefined }));
  const changeRows = (await ctx.changeAlerts?.list(inv.guildId)) ?? [];
  if (!changeRows.length) return alertListReply(rows);
  const changes: Card = {
    title: `${changeRows.length} change alert${changeRows.length === 1 ? '' : 's'}`,
    description: changeRows.map((c) => `\`${c.id}\` · *headline changes and corrections* → <#${c.channelId}>`).join('\n'),
  };
  const reply = rows.length ? alertListReply(rows) : { ephemeral: true };
  return { ...reply, cards: [...(reply.cards ?? []), changes] };
}
