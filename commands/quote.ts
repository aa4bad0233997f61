import type { Command } from '../src/command.ts';
import { renderQuoteReply } from '../src/replies/quote-reply.ts';
import { QUERY_MAX_LENGTH } from '../src/replies/custom-id.ts';

/** /quote — direct quotations matching a query, with who said them. */
export const quote: Command = {
  definition: {
    name: 'quote',
    description: 'Find direct quotations matching your words, with their attribution and article.',
    example: '/quote query:rumor',
    options: [{ name: 'query', description: 'Words the quotation should contain', type: 'string', required: true, maxLength: QUERY_MAX_LENGTH }],
  },
  run(ctx, inv) {
    const query = String(inv.options.query ?? '');
    const { quotes } = ctx.newsroom.quotes({ guildId: inv.guildId }, query);
    return renderQuoteReply(query, quotes);
  },
};
