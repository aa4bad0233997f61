import type { Command } from '../src/command.ts';
import { UserError } from '../src/core/errors.ts';
import { decodeStoryButton } from '../src/replies/custom-id.ts';
import { renderStoryReply } from '../src/replies/story-reply.ts';
import { articleChoices } from './choices.ts';

/** /story — every outlet's report of the same news, earliest first, with what each adds. */
export const story: Command = {
  definition: {
    name: 'story',
    description: "Every outlet's report of the same news, earliest first, with what each adds.",
    example: '/story id:3f2a9c1d0b7e',
    options: [{ name: 'id', description: 'A story id or the id of any article in it (type a title for suggestions)', type: 'string', required: true, autocomplete: true, maxLength: 100 }],
  },
  async run(ctx, inv) {
    const s = (await ctx.newsroom.story({ guildId: inv.guildId }, String(inv.options.id ?? '')));
    return renderStoryReply(s.id, s.members, false);
  },
  async autocomplete(ctx, inv, focused) {
    return articleChoices(ctx, inv.guildId, focused.value);
  },
  buttonPrefixes: ['st'],
  async button(ctx, press) {
    const id = decodeStoryButton(press.customId);
    if (!id) throw new UserError('This button is from an older version of the bot. Use /story instead.', { id: 'button.stale', values: { command: 'story' } });
    const s = (await ctx.newsroom.story({ guildId: press.guildId }, id));
    return { update: false, ...renderStoryReply(s.id, s.members, true) };
  },
};
