import type { SearchResults, StorySummary } from '../core/newsroom/index.ts';
import type { Card, Reply, ReplyButton } from '../core/reply.ts';
import { escapeInline } from '../core/text/escape.ts';
import { describeArticle } from './article-meta.ts';
import { encodeCiteButton, encodeReadButton, encodeSearchState, encodeStoryButton } from './custom-id.ts';
import { pagingRow } from './paging.ts';

/**
 * The /search answer: a header line, one card per result (linked title, outlet · date · byline,
 * the quoted excerpt), paging buttons carrying their state, and a "read" button per result.
 */
export function renderSearchReply(results: SearchResults, userId: string, rawQuery: string): Reply {
  const shownQuery = escapeInline(rawQuery);
  const filterText = describeFilters(results);
  if (results.total === 0 && results.withoutFilters !== undefined) {
    const f = results.filters;
    const dates = Boolean(f.since || f.until);
    const where = f.sourceLabel && dates ? 'with those filters' : f.sourceLabel ? `in ${escapeInline(f.sourceLabel)}` : 'in that date range';
    const n = results.withoutFilters;
    return {
      ephemeral: true,
      content: `No results for **${shownQuery}** ${where}${filterText} — **${n}** without ${f.sourceLabel && dates ? 'them' : 'it'}. Widen ${dates ? 'the dates' : 'the source'} or leave ${f.sourceLabel && dates ? 'them' : 'it'} out.`,
    };
  }
  if (results.total === 0) {
    const lines = [results.stopped ? `No articles found for **${shownQuery}**${filterText} before the search ${results.stopped.replace(/ — .*/, '')}.` : `No articles match **${shownQuery}**${filterText}.`];
    if (results.suggestions.length > 0) {
      lines.push(`Did you mean: ${results.suggestions.map((s) => `\`${s.replace(/`/g, "'")}\``).join(', ')}?`);
    }
    lines.push('Tips: check the spelling, use fewer words, drop quotes around a phrase, or widen the date range.');
    return { ephemeral: true, content: lines.join('\n') };
  }
  if (results.items.length === 0) {
    return {
      ephemeral: true,
      content: `Page ${results.page + 1} is past the last page (${results.pageCount}) of results for **${shownQuery}**.`,
    };
  }
  const first = results.page * results.pageSize + 1;
  const last = first + results.items.length - 1;
  // Date ranges match an undated article by the day it was first seen; say so where it shows.
  const undatedNote = (results.filters.since || results.filters.until) && results.items.some((i) => !i.article.publishedAt) ? '\n-# Undated articles are in a date range by the day they were first seen.' : '';
  // Said before anything else: these results are for other words than the ones typed.
  const respelled = (results.respelled ?? []).filter((r) => r.shown.length > 0);
  const instead = respelled.length
    ? `No results for ${respelled.map((r) => `*${escapeInline(r.typed)}*`).join(', ')} — showing ${respelled.map((r) => r.shown.map((f) => `*${escapeInline(f)}*`).join(', ')).join('; ')}\n`
    : '';
  const header =
    instead +
    `${results.approximate ? 'about ' : ''}**${results.total}** result${results.total === 1 ? '' : 's'} for **${shownQuery}**${filterText}` +
    ` — showing ${first}–${last}, page ${results.page + 1}/${results.pageCount}${undatedNote}` +
    (results.stopped ? `\n⏱️ Search ${results.stopped}.` : '');
  const cards: Card[] = results.items.map((item) => {
    const card: Card = {
      title: `${item.rank}. ${escapeInline(item.article.title)}`,
      description: [
        // A reporter must see before quoting it that the outlet took the piece down.
        item.deletedAt ? `🗑️ **Deleted at the source** on ${item.deletedAt.slice(0, 10)} — quote with care (\`/changes id:${item.article.id}\`)` : '',
        describeArticle(item.article),
        item.story ? describeAlso(item.story) : '',
        `> ${item.excerpt.text}`,
        item.alsoMatched?.length ? describeExpansion(item.alsoMatched) : '',
      ]
        .filter(Boolean)
        .join('\n'),
      footer: `id ${item.article.id}${item.allTerms ? '' : ' · matches some of your words'}`,
    };
    if (item.article.url) card.url = item.article.url;
    if (item.article.publishedAt) card.timestamp = item.article.publishedAt;
    return card;
  });
  const state = {
    userId,
    query: rawQuery,
    ...(results.filters.since ? { since: results.filters.since } : {}),
    ...(results.filters.until ? { until: results.filters.until } : {}),
    ...(results.filters.source ? { source: results.filters.source } : {}),
  };
  const paging = pagingRow(results.page, results.pageCount, (page) => encodeSearchState({ ...state, page }), { previous: '◀ Previous', next: 'Next ▶' });
  const reading: ReplyButton[] = results.items.map((item) => ({
    id: encodeReadButton(item.article.id),
    label: `Read ${item.rank}`,
    style: 'primary',
  }));
  const citing: ReplyButton[] = results.items.map((item) => ({ id: encodeCiteButton(item.article.id), label: `Cite ${item.rank}`, style: 'secondary' }));
  // One card per story, except past the grouped window: keep one button per story so ids stay unique.
  const seenStories = new Set<string>();
  const stories: ReplyButton[] = [];
  for (const item of results.items) {
    if (!item.story || seenStories.has(item.story.id)) continue;
    seenStories.add(item.story.id);
    stories.push({ id: encodeStoryButton(item.story.id), label: `Story ${item.rank} (${item.story.reports} reports)`, style: 'secondary' });
  }
  return { content: header, cards, buttons: [...(paging.length ? [paging] : []), reading, citing, ...(stories.length ? [stories] : [])] };
}

/** "also: Reuters, AP +3" — the other outlets that reported the story, earliest first. */
export function describeAlso(story: StorySummary): string {
  const named = story.otherOutlets.slice(0, 2).map(escapeInline);
  const more = story.otherOutlets.length - named.length;
  if (named.length === 0) return `also: ${story.reports - 1} more report${story.reports === 2 ? '' : 's'} from this outlet`;
  return `also: ${named.join(', ')}${more > 0 ? ` +${more}` : ''}`;
}

/**
 * "also matched: born, police" — the related words (query expansion) that brought this result in
 * where the typed words were missing, so a reader sees why it is there.
 */
export function describeExpansion(words: string[]): string {
  return `also matched: ${words.map(escapeInline).join(', ')}`;
}

function describeFilters(results: SearchResults): string {
  const parts: string[] = [];
  const f = results.filters;
  if (f.sourceLabel) parts.push(`in ${escapeInline(f.sourceLabel)}`);
  if (f.since) parts.push(`since ${f.since.toISOString().slice(0, 10)}`);
  if (f.until) parts.push(`until ${f.until.toISOString().slice(0, 10)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
