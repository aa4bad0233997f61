import type { Command } from '../src/command.ts';
import { renderQuoteReply } from '../src/replies/quote-reply.ts';
import { QUERY_MAX_LENGTH } from '../src/replies/custom-id.ts';
import { choicesFrom } from './choices.ts';

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
    const { quotes } = (await ctx.newsroom.quotes({ guildId: inv.guildId }, query, 8, speaker));
    return renderQuoteReply(query, quotes, speaker);
  },
  async autocomplete(ctx, inv, focused) {
    const speakers = (await ctx.newsroom.suggestSpeakers({ guildId: inv.guildId }, focused.value));
    return choicesFrom(speakers.map((s) => ({ name: `${s.name} (${s.quotes} quotation${s.quotes === 1 ? '' : 's'})`, value: s.name })));
  },
};
