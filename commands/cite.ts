import type { Command } from '../src/command.ts';
import { CITATION_STYLES, type CitationStyle, STYLE_NAMES } from '../src/core/citations/cite.ts';
import { UserError } from '../src/core/errors.ts';
import { renderCiteReply } from '../src/replies/cite-reply.ts';
import { decodeCiteButton } from '../src/replies/custom-id.ts';
import { articleChoices, articleIdOption } from './choices.ts';

/** /cite — an article cited in AP, APA 7, Chicago and MLA styles, ready to paste. */
export const cite: Command = {
  definition: {
    name: 'cite',
    description: 'Cite an article in AP, APA 7, Chicago or MLA style, ready to paste.',
    example: '/cite id:3f2a9c1d0b7e style:apa',
    options: [
      articleIdOption,
      { name: 'style', description: 'One style (default: all four)', type: 'string', choices: CITATION_STYLES.map((s) => ({ name: STYLE_NAMES[s], value: s })) },
    ],
  },
  async run(ctx, inv) {
    const found = (await ctx.newsroom.article({ guildId: inv.guildId }, String(inv.options.id ?? '')));
    const style = inv.options.style;
    if (style !== undefined && !CITATION_STYLES.includes(style as CitationStyle)) throw new UserError(`Unknown style "${String(style)}": use ap, apa, chicago or mla.`, { id: 'cite.unknown-style', values: { style: String(style) } });
    return renderCiteReply(found, style ? [style as CitationStyle] : CITATION_STYLES, ctx.newsroom.now(), false);
  },
  async autocomplete(ctx, inv, focused) {
    if (focused.name !== 'id') return [];
    return articleChoices(ctx, inv.guildId, focused.value);
  },
  buttonPrefixes: ['ci'],
  async button(ctx, press) {
    const id = decodeCiteButton(press.customId);
    if (!id) throw new UserError('This button is from an older version of the bot. Use /cite instead.', { id: 'button.stale', values: { command: 'cite' } });
    return { update: false, ...renderCiteReply((await ctx.newsroom.article({ guildId: press.guildId }, id)), CITATION_STYLES, ctx.newsroom.now(), true) };
  },
};
