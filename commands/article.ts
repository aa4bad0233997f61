import type { Command } from '../src/command.ts';
import { UserError } from '../src/core/errors.ts';
import { renderArticleReply } from '../src/replies/article-reply.ts';
import { decodeArticleButton, decodeReadButton } from '../src/replies/custom-id.ts';
import { articleChoices, articleIdOption } from './choices.ts';

/** /article — one whole cleaned article, paged when long. */
export const article: Command = {
  definition: {
    name: 'article',
    description: 'Show one whole article by id (start typing a title for suggestions).',
    example: '/article id:3f2a9c1d0b7e',
    options: [articleIdOption],
  },
  async run(ctx, inv) {
    const found = (await ctx.newsroom.article({ guildId: inv.guildId }, String(inv.options.id ?? '')));
    return renderArticleReply(found, 0, false, (await ctx.newsroom.editState(found.id)));
  },
  async autocomplete(ctx, inv, focused) {
    return articleChoices(ctx, inv.guildId, focused.value);
  },
  buttonPrefixes: ['a', 'r'],
  async button(ctx, press) {
    const scope = { guildId: press.guildId };
    // "Read" under a search result opens the article privately for the one who pressed it.
    const readId = decodeReadButton(press.customId);
    if (readId) return { update: false, ...renderArticleReply((await ctx.newsroom.article(scope, readId)), 0, true, (await ctx.newsroom.editState(readId))) };
    // Page buttons inside an article edit the message they are on.
    const target = decodeArticleButton(press.customId);
    if (!target) throw new UserError('This button is from an older version of the bot. Use /article instead.', { id: 'button.stale', values: { command: 'article' } });
    return { update: true, ...renderArticleReply((await ctx.newsroom.article(scope, target.articleId)), target.page, false, (await ctx.newsroom.editState(target.articleId))) };
  },
};
