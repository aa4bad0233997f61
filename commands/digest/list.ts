import type { CommandContext, Invocation } from '../../src/command.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { sourceList } from './_shared.ts';

/** /digest list — this server's digests and when each runs next. */
export async function list(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const rows = (await ctx.digests.list(inv.guildId));
  if (!rows.length) return { ephemeral: true, content: 'No digests yet. A moderator can add one with `/digest subscribe`.' };
  const lines = rows.map(
    ({ subscription: s, nextRun, sources }) =>
      `\`${s.id}\` · <#${s.channelId}> · **${escapeInline(s.scheduleLabel)}** (${s.timezone})${s.query ? ` · beat **${escapeInline(s.query)}**` : ''} · ${sources.length ? `sources ${sourceList(sources)}` : 'all sources'} · max ${s.maxItems}\n  next: ${nextRun}`,
  );
  return { cards: [{ title: `${rows.length} digest${rows.length === 1 ? '' : 's'}`, description: lines.join('\n') }] };
}
