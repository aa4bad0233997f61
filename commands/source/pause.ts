import type { CommandContext, Invocation } from '../../src/command.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { sourceIdOption } from './_shared.ts';

/** /source pause — stop fetching a source for now. */
export async function pause(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const s = (await ctx.sources.pause(inv.guildId, sourceIdOption(inv.options)));
  return { content: `Paused **${escapeInline(s.name)}** (\`${s.id}\`). Resume with \`/source resume id:${s.id}\`.` };
}
