import type { Article } from '../article.ts';
import type { AsyncStore } from '../store/async-store.ts';
import type { AlertRow, SourceRow, StoredArticle } from '../store/index.ts';
import { filterVerdict, type DeliveryFilters } from './filters.ts';

/** What a preview needs: the store, and the /search matching rules over a batch. */
export interface PreviewDeps {
  store: AsyncStore;
  /** The items of a batch that match a query (the /search rules). */
  matchQuery: (query: string, batch: StoredArticle[]) => StoredArticle[];
}

/** Why an item is or is not posted: the query first, then the filters. */
export function deliveryVerdict(deps: Pick<PreviewDeps, 'matchQuery'>, alert: Pick<AlertRow, 'query'>, filters: DeliveryFilters, entry: StoredArticle): { pass: true } | { pass: false; reason: string } {
  if (alert.query && deps.matchQuery(alert.query, [entry]).length === 0) return { pass: false, reason: `does not match the query "${alert.query}"` };
  return filterVerdict(entry.article, filters);
}

/** One line of a preview: an item and whether the delivery would post it. */
export interface PreviewLine {
  article: Article;
  firstSeenAt: string;
  verdict: { pass: true } | { pass: false; reason: string };
}

/** The source's latest items (newest first) with what a delivery with these settings would do. */
export async function previewDelivery(deps: PreviewDeps, source: SourceRow, alert: Pick<AlertRow, 'query'>, filters: DeliveryFilters, limit = 20): Promise<PreviewLine[]> {
  return (await deps.store.latestArticles(source.id, limit)).map((e) => ({ article: e.article, firstSeenAt: e.firstSeenAt, verdict: deliveryVerdict(deps, alert, filters, e) }));
}
