import type { Command } from '../src/command.ts';
import { UserError } from '../src/core/errors.ts';
import { decodeChangesButton, renderChangesReply } from '../src/replies/changes-reply.ts';
import { articleChoices, articleIdOption } from './choices.ts';

/** /changes — every version of an article, with word diffs of what changed. */
export const changes: Command = {
  definition: {
    name: 'changes',
    description: 'Show how an article changed: its versions, headline edits, corrections and text diffs.',
    example: '/changes id:3f2a9c1d0b7e',
    options: [articleIdOption],
  },
  async run(ctx, inv) {
    const c = (await ctx.newsroom.changes({ guildId: inv.guildId }, String(inv.options.id ?? '')));
    return renderChangesReply({ article: c.article, seenAt: c.seenAt, deletedAt: c.deletedAt }, c.versions, 0);
  },
  async autocomplete(ctx, inv, focused) {
    return articleChoices(ctx, inv.guildId, focused.value);
  },
  buttonPrefixes: ['ch'],
  async button(ctx, press) {
    const target = decodeChangesButton(press.customId);
    if (!target) throw new UserError('This button is from an older version of the bot. Use /changes instead.', { id: 'button.stale', values: { command: 'changes' } });
    const c = (await ctx.newsroom.changes({ guildId: press.guildId }, target.articleId));
    const reply = renderChangesReply({ article: c.article, seenAt: c.seenAt, deletedAt: c.deletedAt }, c.versions, target.page);
    // From an article, the changes open privately; inside /changes the buttons page in place.
    return /:[pn]$/.test(press.customId) ? { update: true, ...reply } : { update: false, ...reply, ephemeral: true };
  },
};
