import type { CommandContext, Invocation } from '../../src/command.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { sourceIdOption } from './_shared.ts';

/** /source resume — fetch a paused source again. */
export async function resume(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const s = (await ctx.sources.resume(inv.guildId, sourceIdOption(inv.options)));
  return { content: `Resumed **${escapeInline(s.name)}** (\`${s.id}\`); it will be fetched within a minute.` };
}
