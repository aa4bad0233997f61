import type { CommandContext, Invocation } from '../../src/command.ts';
import { describeFilters } from '../../src/core/alerts/filters.ts';
import type { Reply } from '../../src/core/reply.ts';
import { previewReply } from '../../src/replies/delivery-reply.ts';
import { filtersFrom, str } from './_shared.ts';

/** /alert preview — which of a source's last items a delivery would post, and why not. */
export async function preview(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const filters = filtersFrom(inv);
  const r = (await ctx.alerts.preview(inv.guildId, { sourceId: str(inv, 'source') ?? '', query: str(inv, 'query') ?? '', ...(filters ? { filters } : {}), template: str(inv, 'template') ?? null }));
  return previewReply(r.source, r.lines, { template: r.template, filters: filters ? describeFilters(filters) : 'no filters', query: str(inv, 'query') ?? '' });
}
