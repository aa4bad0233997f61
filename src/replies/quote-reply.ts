import type { QuoteResult } from '../core/newsroom/index.ts';
import type { Quotation } from '../core/quotes/index.ts';
import type { Card, Reply } from '../core/reply.ts';
import { POSSIBLE, readsAsSpeaker } from '../core/quotes/confidence.ts';
import { escapeInline, maskedLink } from '../core/text/escape.ts';
import { encodeQuoteState } from './custom-id.ts';
import { pagingRow } from './paging.ts';

/** Longest attribution clause quoted after "speaker unclear" (the rest of a long one is cut with "…"). */
const CLAUSE_CHARS = 160;

/**
 * "a university student in Ryanggang province (told RFA Korean)"; when the resolver is not sure
 * enough to name anyone, "speaker unclear — the article says “he said”", with its candidate as
 * "(possibly X)" only when it is not far from sure; "unattributed" when the text names no one and
 * has no clause. `withClause: false` leaves the clause out (for a listing that prints it anyway).
 * Escaped.
 */
export function speakerLine(quote: Pick<Quotation, 'speaker' | 'told'> & Partial<Pick<Quotation, 'attribution' | 'candidate' | 'confidence'>>, withClause = true): string {
  if (quote.speaker) return `${escapeInline(quote.speaker)}${quote.told ? ` (told ${escapeInline(quote.told)})` : ''}`;
  const possibly = quote.candidate && (quote.confidence ?? 0) >= POSSIBLE && readsAsSpeaker(quote.candidate) ? quote.candidate : null;
  if (!quote.attribution && !quote.candidate) return 'unattributed';
  const clause = quote.attribution && withClause ? quote.attribution.length > CLAUSE_CHARS ? `${quote.attribution.slice(0, CLAUSE_CHARS).replace(/\s+\S*$/, '')}…` : quote.attribution : null;
  return ['speaker unclear', clause ? ` — the article says “${escapeInline(clause)}”` : '', possibly ? ` (possibly ${escapeInline(possibly)})` : ''].join('');
}

/** The /quote answer: each quotation as a block quote with its resolved speaker, outlet and article title. */
export function renderQuoteReply(rawQuery: string, quotes: QuoteResult[], speaker?: string, paging?: { page: number; pageSize: number; total: number; userId: string }): Reply {
  const q = rawQuery.trim() ? `**${escapeInline(rawQuery)}**` : null;
  const by = speaker?.trim() ? `said by **${escapeInline(speaker.trim())}**` : null;
  if (quotes.length === 0) {
    return {
      ephemeral: true,
      content: by
        ? `No direct quotations ${[q ? `matching ${q}` : null, by].filter(Boolean).join(' ')}. Try /search for the articles, fewer words, or pick a speaker from the suggestions.`
        : `No direct quotations match ${q}. Try /search for the articles, or fewer words.`,
    };
  }
  // One card per quotation keeps each within Discord's per-embed limit; the formatter splits
  // the message if all of them together exceed the 6,000-character total.
  const cards = quotes.map(({ article, quote }): Card => {
    const where = [article.outlet ? escapeInline(article.outlet) : null, `*${maskedLink(article.title, article.url)}*`]
      .filter(Boolean)
      .join(' · ');
    return {
      description: `> “${quote.marked}”\n— ${speakerLine(quote)}\n${where}`,
      footer: `id ${article.id}`,
    };
  });
  const what = [q ? `matching ${q}` : null, by].filter(Boolean).join(' ');
  const total = paging?.total ?? quotes.length;
  if (!paging || total <= paging.pageSize) return { content: `**${total}** quotation${total === 1 ? '' : 's'} ${what}`, cards };
  // More than one page: say how many there are, never a silent cut, and page like /search.
  const pageCount = Math.ceil(total / paging.pageSize);
  const first = paging.page * paging.pageSize + 1;
  const state = { userId: paging.userId, query: rawQuery, speaker: speaker?.trim() || null };
  const row = pagingRow(paging.page, pageCount, (page) => encodeQuoteState({ ...state, page }), { previous: '◀ Previous', next: 'Next ▶' });
  return {
    content: `**${quotes.length}** of **${total}** quotations ${what} — showing ${first}–${first + quotes.length - 1}, page ${paging.page + 1}/${pageCount}`,
    cards,
    buttons: [row],
  };
}
