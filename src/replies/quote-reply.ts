import type { QuoteResult } from '../core/newsroom.ts';
import type { Card, Reply } from '../core/reply.ts';
import { escapeInline, maskedLink } from '../core/text/escape.ts';

/** The /quote answer: each quotation as a block quote with its attribution, outlet and article title. */
export function renderQuoteReply(rawQuery: string, quotes: QuoteResult[]): Reply {
  const shown = escapeInline(rawQuery);
  if (quotes.length === 0) {
    return {
      ephemeral: true,
      content: `No direct quotations match **${shown}**. Try /search for the articles, or fewer words.`,
    };
  }
  // One card per quotation keeps each within Discord's per-embed limit; the formatter splits
  // the message if all of them together exceed the 6,000-character total.
  const cards = quotes.map(({ article, quote }): Card => {
    const who = quote.attribution ? escapeInline(quote.attribution) : 'unattributed';
    const where = [article.outlet ? escapeInline(article.outlet) : null, `*${maskedLink(article.title, article.url)}*`]
      .filter(Boolean)
      .join(' · ');
    return {
      description: `> “${quote.marked}”\n— ${who}\n${where}`,
      footer: `id ${article.id}`,
    };
  });
  return {
    content: `**${quotes.length}** quotation${quotes.length === 1 ? '' : 's'} matching **${shown}**`,
    cards,
  };
}
