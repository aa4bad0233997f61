import { markText } from '../excerpt.ts';
import { findQuotations, matchQuotations } from '../quotes/index.ts';
import { speakerIs, type SpeakerDirectory } from '../quotes/directory.ts';
import type { SearchFilters } from '../search/article-index.ts';
import { parseQuery, type ParsedQuery } from '../search/query.ts';
import type { StoryCardDeps } from './story-page.ts';
import type { ArticleStore, QuoteResult } from './types.ts';

/** What a quotation search reads: the newsroom's search, who is quoted where, the store. */
export interface QuoteSearchDeps {
  find: StoryCardDeps['find'];
  speakers: Pick<SpeakerDirectory, 'articlesQuoting'>;
  store: Pick<ArticleStore, 'getArticle'>;
}

/** The quotations of `Newsroom.quotes` among the `visible` sources' articles. */
export async function quotesIn(c: QuoteSearchDeps, visible: Set<string>, rawQuery: string, wanted: string | null, limit: number, offset: number): Promise<{ query: ParsedQuery | null; quotes: QuoteResult[]; total: number }> {
  const found: Array<QuoteResult & { score: number }> = [];
  if (!rawQuery.trim()) {
    const ids = c.speakers.articlesQuoting(wanted!, visible);
    for (const [rank, id] of ids.slice(0, 25).entries()) {
      const article = await c.store.getArticle(id);
      if (!article) continue;
      for (const q of findQuotations(article)) {
        if (!speakerIs(q.speaker, wanted!)) continue;
        found.push({ article, quote: { ...q, covered: 0, marked: markText(q.text, []).text }, score: -rank * 1000 - q.paragraphIndex });
      }
    }
    found.sort((a, b) => b.score - a.score);
    return { query: null, quotes: found.slice(offset, offset + limit).map(({ article, quote }) => ({ article, quote })), total: found.length };
  }
  const query = parseQuery(rawQuery);
  const filters: SearchFilters = { visibleSources: visible };
  // Quotes live in the top articles; look a little deeper than one page to find enough of them
  // (deeper still for one speaker, whose articles need not rank first for the words).
  const quoting = wanted ? new Set(c.speakers.articlesQuoting(wanted, visible)) : null;
  const result = await c.find(query, filters, { offset: 0, limit: quoting ? 200 : 25 });
  for (const [rank, hit] of result.hits.entries()) {
    if (quoting && !quoting.has(hit.id)) continue;
    const article = await c.store.getArticle(hit.id);
    if (!article) continue;
    for (const quote of matchQuotations(article, hit.terms)) {
      if (quote.covered === 0) continue;
      if (wanted && !speakerIs(quote.speaker, wanted)) continue;
      // Quotations with a known speaker are what a reporter can cite: they rank above the others.
      found.push({ article, quote, score: quote.covered * 1000 + (quote.speaker ? 100 : 0) - rank });
    }
  }
  found.sort((a, b) => b.score - a.score);
  return { query, quotes: found.slice(offset, offset + limit).map(({ article, quote }) => ({ article, quote })), total: found.length };
}
