import { isModerator, type ButtonPress, type ButtonResult, type CommandContext, type Invocation } from '../../src/command.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Reply } from '../../src/core/reply.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { sourceIdOption } from './_shared.ts';

/** /source remove — asks first: the Remove and Keep buttons answer through `confirmRemove`. */
export async function remove(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const s = (await ctx.sources.get(inv.guildId, sourceIdOption(inv.options)));
  return {
    ephemeral: true,
    content: `Remove **${escapeInline(s.name)}** (\`${s.id}\`) and its ${(await ctx.sources.articleCount(s.id))} articles from this server? This cannot be undone.`,
    buttons: [[
      { id: `src:rm:${s.id}`, label: 'Remove', style: 'danger' },
      { id: `src:keep:${s.id}`, label: 'Keep', style: 'secondary' },
    ]],
  };
}

/** The Remove / Keep buttons of `/source remove` (custom ids `src:rm:<id>`, `src:keep:<id>`). */
export async function confirmRemove(ctx: CommandContext, press: ButtonPress): Promise<ButtonResult> {
  if (!isModerator(ctx, press)) {
    return { update: false, ephemeral: true, content: 'Only moderators can remove sources.' };
  }
  const m = /^src:(rm|keep):([a-z0-9]{1,20})$/.exec(press.customId);
  if (!m) throw new UserError('This button is from an older version of the bot. Run /source again.', { id: 'button.stale', values: { command: 'source' } });
  if (m[1] === 'keep') return { update: true, content: 'Kept the source; nothing was removed.', buttons: [] };
  const s = (await ctx.sources.remove(press.guildId, m[2]!));
  return { update: true, content: `Removed **${escapeInline(s.name)}** (\`${s.id}\`) and its articles.`, buttons: [] };
}
