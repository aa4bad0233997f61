import type { CommandContext, Invocation } from '../../src/command.ts';
import { UserError } from '../../src/core/errors.ts';
import { DEFAULT_LIMITS } from '../../src/core/policy/limits.ts';
import { checkSourceLimit } from '../../src/core/policy/posting.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { refusalText } from '../../src/replies/refusals.ts';
import { fullTextNote } from './_shared.ts';

/** /source add — follow a feed or page; shows what was found and its newest items. */
export async function add(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const o = inv.options;
  const limit = checkSourceLimit((await ctx.sources.list(inv.guildId)).length, ctx.limits ?? DEFAULT_LIMITS);
  if (limit) throw new UserError(refusalText(limit), { id: 'limit.reached' });
  const p = await ctx.sources.add({
    guildId: inv.guildId,
    channelId: inv.channelId || null,
    userId: inv.user.id,
    url: String(o.url ?? ''),
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
    ...(typeof o.backfill === 'boolean' ? { backfill: o.backfill } : {}),
    ...(typeof o.interval === 'number' ? { intervalMinutes: o.interval } : {}),
    ...(typeof o.full_text === 'boolean' ? { fullText: o.full_text } : {}),
  });
  const newest = p.newest.length ? p.newest.map((t) => `• ${escapeInline(t)}`).join('\n') : '*(no items yet)*';
  return {
    content: `Added source \`${p.source.id}\`. ${fullTextNote(p.source, p.fullTextPending)}${o.backfill ? 'Existing items will appear in the next digests and alerts.' : 'Existing items are searchable now; digests and alerts will only announce new ones.'}`,
    cards: [
      {
        title: escapeInline(p.title || p.source.name),
        ...(/^https?:/i.test(p.source.url) ? { url: p.source.url } : {}),
        description: `**Type:** ${p.kind}${p.discoveredFrom ? ` (found from the page ${escapeInline(p.discoveredFrom)})` : ''}\n**Items:** ${p.items}\n**Newest:**\n${newest}`,
        footer: `polls ${escapeInline(p.source.feedUrl ?? p.source.url)} every ${p.source.intervalMinutes} min`,
      },
    ],
  };
}
