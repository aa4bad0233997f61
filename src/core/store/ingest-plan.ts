import type { Article } from '../article.ts';
import { makeArticleId } from '../article.ts';
import { classifyChange, type ChangeClass } from '../changes/compare.ts';
import type { IngestItem, TextOrigin } from './types.ts';

/**
 * The decision each refresh makes, item by item: unchanged, rewritten (with or without a kept
 * version), or inserted. It is written once, here, as a pure function; each backend reads the
 * rows it needs, asks for the plan and executes it in one transaction.
 */

/** What the planner needs of a stored article: the backend maps its row to this. */
export interface StoredItem {
  id: string;
  contentHash: string;
  textOrigin: TextOrigin;
  article: Article;
}

/** A stored item whose content changed: what to write over it. */
export interface Rewrite {
  item: IngestItem;
  stored: StoredItem;
  body: string[];
  textOrigin: TextOrigin;
  /** The change for the version history; null for cosmetic changes (no version kept). */
  change: ChangeClass | null;
}

/** A new item and the article id it gets. */
export interface Insert {
  item: IngestItem;
  id: string;
}

export interface IngestPlan {
  unchanged: number;
  /** In item order. */
  rewrites: Rewrite[];
  /** In item order, which is the order their seq follows. */
  inserts: Insert[];
}

/** The items of one fetch with duplicate dedupe keys dropped: the same key twice (duplicate GUIDs), the first wins. */
export function uniqueItems(items: readonly IngestItem[]): IngestItem[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.dedupeKey) ? false : (seen.add(i.dedupeKey), true)));
}

/** The id a new item asks for before collisions are looked at. */
export function wantedId(sourceId: string, item: IngestItem): string {
  return item.article.id || makeArticleId(sourceId, item.dedupeKey);
}

/**
 * What a refresh writes over a stored item whose content changed: the new body and text origin,
 * and the change for the version history.
 */
export function planRewrite(stored: StoredItem, item: IngestItem): Omit<Rewrite, 'item' | 'stored'> {
  const origin = item.textOrigin ?? 'feed';
  // A changed summary-only item whose page was fetched keeps that page text until the page is
  // fetched again (marked stale): replacing a whole article by its teaser would lose searchable text.
  const keepPage = origin === 'summary' && (stored.textOrigin === 'page' || stored.textOrigin === 'stale');
  const body = keepPage ? stored.article.body : item.article.body;
  return { body, textOrigin: keepPage ? 'stale' : origin, change: classifyChange(stored.article, { ...item.article, body }) };
}

/**
 * The plan for one fetch of `sourceId` (the feed that owns the articles). `items` are unique by
 * dedupe key (see uniqueItems); `stored` holds the stored items of those keys; `takenIds` the
 * wanted ids (see wantedId) of the new items that some stored article already has. A taken id,
 * also one taken by an earlier item of this fetch, becomes a derived one.
 */
export function planIngest(
  sourceId: string,
  items: readonly IngestItem[],
  stored: ReadonlyMap<string, StoredItem>,
  takenIds: ReadonlySet<string>,
): IngestPlan {
  const plan: IngestPlan = { unchanged: 0, rewrites: [], inserts: [] };
  const used = new Set(takenIds);
  for (const item of items) {
    const found = stored.get(item.dedupeKey);
    if (found) {
      if (found.contentHash === item.contentHash) plan.unchanged++;
      else plan.rewrites.push({ item, stored: found, ...planRewrite(found, item) });
      continue;
    }
    let id = wantedId(sourceId, item);
    if (used.has(id)) id = makeArticleId(sourceId, item.dedupeKey, id);
    used.add(id);
    plan.inserts.push({ item, id });
  }
  return plan;
}
