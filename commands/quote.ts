import type { Command } from '../src/command.ts';
import { renderQuoteReply } from '../src/replies/quote-reply.ts';
import { UserError } from '../src/core/errors.ts';
import { decodeQuoteState, isSameUser, QUERY_MAX_LENGTH } from '../src/replies/custom-id.ts';
import { choicesFrom } from './choices.ts';

/** Quotations per page, one card each (Discord allows 10 embeds per message). */
const PAGE_SIZE = 8;

/** /quote — direct quotations matching a query and/or said by one speaker, with who said them. */
export const quote: Command = {
  definition: {
    name: 'quote',
    description: 'Find direct quotations by words and/or speaker, with who said them and the article.',
    example: '/quote query:defectors speaker:Kim Yo Jong',
    options: [
      { name: 'query', description: 'Words the quotation should contain', type: 'string', maxLength: QUERY_MAX_LENGTH, quotesAreSyntax: true },
      { name: 'speaker', description: 'Only quotations by this person or source (start typing for suggestions)', type: 'string', autocomplete: true, maxLength: 100 },
    ],
  },
  async run(ctx, inv) {
    const query = String(inv.options.query ?? '');
    const speaker = inv.options.speaker === undefined ? undefined : String(inv.options.speaker);
    const { quotes, total } = (await ctx.newsroom.quotes({ guildId: inv.guildId }, query, PAGE_SIZE, speaker));
    return renderQuoteReply(query, quotes, speaker, { page: 0, pageSize: PAGE_SIZE, total, userId: inv.user.id });
  },
  buttonPrefixes: ['q'],
  async button(ctx, press) {
    const state = decodeQuoteState(press.customId);
    if (!state) throw new UserError('This button is from an older version of the bot. Run /quote again.', { id: 'button.stale', values: { command: 'quote' } });
    if (state.expired) throw new UserError('These quotations can no longer be paged (the bot restarted since). Run /quote again.', { id: 'paging.expired', values: { command: 'quote' } });
    const owner = press.originalUserId ? press.originalUserId === press.user.id : isSameUser(state.user, press.user.id);
    if (!owner) return { update: false, ephemeral: true, content: 'Only the person who ran /quote can page through it. Run /quote yourself to get your own list.' };
    const speaker = state.speaker ?? undefined;
    const { quotes, total } = await ctx.newsroom.quotes({ guildId: press.guildId }, state.query, PAGE_SIZE, speaker, state.page * PAGE_SIZE);
    return { update: true, ...renderQuoteReply(state.query, quotes, speaker, { page: state.page, pageSize: PAGE_SIZE, total, userId: press.user.id }) };
  },
  async autocomplete(ctx, inv, focused) {
    const speakers = (await ctx.newsroom.suggestSpeakers({ guildId: inv.guildId }, focused.value));
    return choicesFrom(speakers.map((s) => ({ name: `${s.name} (${s.quotes} quotation${s.quotes === 1 ? '' : 's'})`, value: s.name })));
  },
};
