import type { Article } from '../article.ts';
import type { Clock, Log } from '../deps.ts';
import { outboxNonce } from '../outbox.ts';
import type { Reply } from '../reply.ts';
import type { AsyncStore } from '../store/async-store.ts';
import type { AlertRow, NewOutbox, SourceRow, StoredArticle } from '../store/index.ts';
import { channelBudget, planBurst } from './bursts.ts';
import { filterVerdict, readFilters, type DeliveryFilters } from './filters.ts';
import { avatarUrl, webhookName, type DeliveryPayload } from './identity.ts';
import { renderItemPost, renderRoundups } from './render.ts';

export interface DeliveryDeps {
  store: AsyncStore;
  clock: Clock;
  log: Log;
  /** Posts per channel per minute; the rest of a burst is grouped. */
  perMinute: number;
  /** The items of a batch that match a query (the /search rules), in the batch's order. */
  matchQuery: (query: string, batch: StoredArticle[]) => StoredArticle[];
}

/** Items one check reads for one delivery; more wait for the next check, never skipped. */
const MAX_ITEMS_PER_CHECK = 5000;

/** The footer marker of a post: short, and unique for its (delivery, item) through the nonce. */
export function postMarker(nonce: string): string {
  return `ref ${nonce.slice(0, 10)}`;
}

/** The outlet a delivery names: the item's outlet, else the source's name. */
function outletOf(a: Article, source: SourceRow): string {
  return source.name || a.outlet || 'News';
}

/** Oldest first by publication time (first-seen time when the feed gives none), then feed order. */
function byAge(a: StoredArticle, b: StoredArticle): number {
  const ta = Date.parse(a.article.publishedAt ?? a.firstSeenAt);
  const tb = Date.parse(b.article.publishedAt ?? b.firstSeenAt);
  return ta !== tb ? ta - tb : a.seq - b.seq;
}

/** Why an item is or is not posted: the query first, then the filters. */
export function deliveryVerdict(deps: Pick<DeliveryDeps, 'matchQuery'>, alert: Pick<AlertRow, 'query'>, filters: DeliveryFilters, entry: StoredArticle): { pass: true } | { pass: false; reason: string } {
  if (alert.query && deps.matchQuery(alert.query, [entry]).length === 0) return { pass: false, reason: `does not match the query "${alert.query}"` };
  return filterVerdict(entry.article, filters);
}

/**
 * Files the posts of one delivery for the items its source stored since it last looked: items
 * that pass its query and filters, oldest first, as single posts while the channel's budget
 * lasts and grouped link posts beyond it. The posts, the skipped count and the watermark are
 * one transaction, so a crash files all of them or none, and nothing is filed twice.
 */
export async function fileDeliveries(deps: DeliveryDeps, alert: AlertRow, upto: number): Promise<number> {
  const source = alert.sourceId ? await deps.store.getSource(alert.sourceId) : undefined;
  if (!source) return 0;
  const fresh = await deps.store.articlesAfterSeq([source.id], alert.lastSeq, upto, MAX_ITEMS_PER_CHECK);
  // A batch cut at the limit moves the watermark only as far as it read: the rest comes next tick.
  if (fresh.length === MAX_ITEMS_PER_CHECK) upto = fresh[fresh.length - 1]!.seq;
  const filters = readFilters(alert.filters);
  const matching = alert.query ? new Set(deps.matchQuery(alert.query, fresh).map((e) => e.article.id)) : null;
  const passing = fresh.filter((e) => (!matching || matching.has(e.article.id)) && filterVerdict(e.article, filters).pass).sort(byAge);
  const skipped = fresh.length - passing.length;
  const budget = await channelBudget(deps.store, alert.channelId, deps.clock.now(), deps.perMinute);
  const { singles, grouped } = planBurst(passing, budget);
  const outlet = passing[0] ? outletOf(passing[0].article, source) : source.name;
  const as = alert.identity === 'outlet' ? { as: { name: webhookName(outlet), ...(avatarUrl(source.imageUrl) ? { avatarUrl: avatarUrl(source.imageUrl)! } : {}) } } : {};
  const row = (windowKey: string, build: (marker: string) => Reply): NewOutbox => {
    const nonce = outboxNonce('delivery', alert.id, windowKey);
    const marker = postMarker(nonce);
    const payload: DeliveryPayload = { ...build(marker), marker, ...as, ...(alert.roleId ? { allowRoleMention: alert.roleId } : {}) };
    return { kind: 'delivery', refId: alert.id, windowKey, channelId: alert.channelId, payload, nonce };
  };
  const rows: NewOutbox[] = singles.map((e) =>
    row(e.article.id, (marker) => renderItemPost(e.article, { outlet, marker, template: alert.template, roleId: alert.roleId, firstSeenAt: e.firstSeenAt })),
  );
  const groups = renderRoundups(grouped.map((e) => e.article), outlet);
  groups.forEach((g, i) => {
    // Keyed by its first item: the same overflow can never be filed twice.
    rows.push(row(`more:${g.articles[0]!.id}`, (marker) => g.post(marker, i + 1, groups.length)));
  });
  await deps.store.transaction(async (tx) => {
    await tx.enqueueAlerts(alert.id, upto, rows);
    if (skipped) await tx.countAlert(alert.id, 'skipped', skipped);
  });
  if (fresh.length) deps.log.info({ alertId: alert.id, sourceId: source.id, items: fresh.length, singles: singles.length, grouped: grouped.length, skipped, budget }, 'delivery filed');
  return rows.length;
}

/** One line of a preview: an item and whether the delivery would post it. */
export interface PreviewLine {
  article: Article;
  firstSeenAt: string;
  verdict: { pass: true } | { pass: false; reason: string };
}

/** The source's latest items (newest first) with what a delivery with these settings would do. */
export async function previewDelivery(deps: Pick<DeliveryDeps, 'store' | 'matchQuery'>, source: SourceRow, alert: Pick<AlertRow, 'query'>, filters: DeliveryFilters, limit = 20): Promise<PreviewLine[]> {
  return (await deps.store.latestArticles(source.id, limit)).map((e) => ({ article: e.article, firstSeenAt: e.firstSeenAt, verdict: deliveryVerdict(deps, alert, filters, e) }));
}
