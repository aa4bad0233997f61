import type { SearchFilters, SearchHit, SearchPage } from '../search/article-index.ts';
import type { ParsedQuery } from '../search/query.ts';
import type { SearchMemo } from '../search/tiered-search.ts';
import type { StoryIndex } from '../stories/story-index.ts';
import { PAGE_SIZE, type ArticleStore, type StorySummary } from './types.ts';

/** Hits grouped into stories per search; beyond them results are listed one by one. */
export const STORY_SCAN = 200;

/** What grouping results into story cards reads: the newsroom's search, each article's story, the store. */
export interface StoryCardDeps {
  find(query: ParsedQuery, filters: SearchFilters, page: { offset: number; limit: number; memo?: SearchMemo }): Promise<SearchPage>;
  stories: Pick<StoryIndex, 'storyOf'>;
  store: Pick<ArticleStore, 'getArticle' | 'storyMembers'>;
}

/**
 * One page of results with the reports of one story collapsed into one entry: the first
 * STORY_SCAN hits are grouped by story id (in rank order of their best hit); hits past them,
 * if any, follow ungrouped.
 */
export async function storyPage(c: StoryCardDeps, query: ParsedQuery, filters: SearchFilters, page: number): Promise<{ groups: SearchHit[][]; total: { total: number; approximate: boolean }; stopped: boolean }> {
  const start = page * PAGE_SIZE;
  const end = start + PAGE_SIZE;
  // Ask for just the hits the page needs, as an ungrouped search would (so "some of your words"
  // results join only when the all-words ones run out); ask for more only while grouping
  // folded some away.
  let limit = end;
  const memo: SearchMemo = {};
  let stopped = false;
  for (;;) {
    const scan = await c.find(query, filters, { offset: 0, limit, memo });
    const byStory = new Map<string, SearchHit[]>();
    for (const hit of scan.hits) {
      const key = c.stories.storyOf(hit.id) ?? hit.id;
      const list = byStory.get(key);
      if (list) list.push(hit);
      else byStory.set(key, [hit]);
    }
    const groups = [...byStory.values()];
    const more = scan.total > scan.hits.length;
    // Fewer hits than asked for: the search has given all it will (an estimated total beyond
    // them is not found by asking again with a larger limit, only at the same cost again).
    const full = scan.hits.length >= limit;
    if (groups.length >= end || !more || !full || limit >= STORY_SCAN) {
      const folded = scan.hits.length - groups.length;
      let shown = groups.slice(start, end);
      if (shown.length < PAGE_SIZE && more && limit >= STORY_SCAN) {
        // Past the grouped window the results are listed one by one.
        const extra = await c.find(query, filters, { offset: scan.hits.length + Math.max(0, start - groups.length), limit: PAGE_SIZE - shown.length, memo });
        shown = [...shown, ...extra.hits.map((h) => [h])];
        stopped ||= extra.stopped ?? false;
      }
      return { groups: shown, total: { total: scan.total - folded, approximate: (scan.approximate ?? false) || (folded > 0 && more) }, stopped: stopped || (scan.stopped ?? false) };
    }
    limit = Math.min(STORY_SCAN, limit * 2);
  }
}

/** The earliest dated report of a group of hits (the first hit when none is dated). */
export async function earliest(c: StoryCardDeps, group: SearchHit[]): Promise<SearchHit> {
  if (group.length === 1) return group[0]!;
  let best = group[0]!;
  let bestTime = Infinity;
  for (const hit of group) {
    const a = await c.store.getArticle(hit.id);
    const t = a?.publishedAt ? Date.parse(a.publishedAt) : NaN;
    if (!Number.isNaN(t) && t < bestTime) {
      best = hit;
      bestTime = t;
    }
  }
  return best;
}

/** The other visible reports of an article's story: how many, and their outlets in time order. */
export async function storySummary(c: StoryCardDeps, articleId: string, visible: ReadonlySet<string>): Promise<StorySummary | undefined> {
  const id = c.stories.storyOf(articleId);
  if (!id) return undefined;
  const members = (await c.store.storyMembers(id)).filter((m) => visible.has(m.article.sourceId));
  if (members.length < 2) return undefined;
  const lead = members.find((m) => m.article.id === articleId)?.article.outlet ?? null;
  const outlets: string[] = [];
  for (const m of members) {
    const o = m.article.outlet ?? 'unknown outlet';
    if (m.article.id === articleId || o === lead || outlets.includes(o)) continue;
    outlets.push(o);
  }
  return { id, reports: members.length, otherOutlets: outlets };
}
