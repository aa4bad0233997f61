import type { CommandContext, Invocation } from '../../src/command.ts';
import type { Reply } from '../../src/core/reply.ts';
import { packBlocks } from '../../src/replies/card-pack.ts';
import { describe } from './_shared.ts';

/** /source list — this server's sources with status and next fetch. */
export async function list(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const rows = (await ctx.sources.list(inv.guildId));
  if (rows.length === 0) return { ephemeral: true, content: 'This server follows no sources yet. Add one with `/source add url:https://…`. The seed archive is always searchable.' };
  const cards = packBlocks(rows.map((r) => describe(r.source, r.articles)), '\n\n');
  return { content: `**${rows.length}** source${rows.length === 1 ? '' : 's'}`, cards };
}
