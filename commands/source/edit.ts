import type { CommandContext, Invocation } from '../../src/command.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { fullTextNote, sourceIdOption } from './_shared.ts';

/** /source edit — change a source's name, interval or full-text setting. */
export async function edit(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const o = inv.options;
  if (o.full_text === undefined && o.interval === undefined && o.name === undefined) {
    throw new UserError('Give at least one setting to change: `full_text`, `interval` or `name`.', { id: 'source.edit-nothing' });
  }
  const r = (await ctx.sources.configure(inv.guildId, sourceIdOption(o), {
    ...(typeof o.full_text === 'boolean' ? { fullText: o.full_text } : {}),
    ...(typeof o.interval === 'number' ? { intervalMinutes: o.interval } : {}),
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
  }));
  const s = r.source;
  return {
    content:
      `Updated **${escapeInline(s.name)}** (\`${s.id}\`): every ${s.intervalMinutes} min, full text ${s.fullText ? 'on' : 'off'}. ` +
      (s.fullText ? fullTextNote(s, r.fullTextPending) : ''),
  };
}
