import type { CommandContext, Invocation } from '../../src/command.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { fullTextNote, sourceIdOption } from './_shared.ts';

/** /source refresh — fetch a source now (and retry full text that failed). */
export async function refresh(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const r = await ctx.sources.refresh((await ctx.sources.get(inv.guildId, sourceIdOption(inv.options))).id, { manual: true });
  const status = r.attempt.httpStatus === 304 ? 'not modified since the last fetch' : `HTTP ${r.attempt.httpStatus}`;
  return { content: `Fetched **${escapeInline(r.source.name)}** (\`${r.source.id}\`): ${status}, ${r.inserted} new, ${r.updated} updated. ${fullTextNote(r.source, r.fullTextPending)}`.trim() };
}
