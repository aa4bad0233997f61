import type { Article } from '../article.ts';
import type { Clock, Log } from '../deps.ts';
import { buildExcerpt, type TermSpec } from '../excerpt.ts';
import { outboxNonce, type CrashPoint } from '../outbox/index.ts';
import type { Reply } from '../reply.ts';
import { ArticleIndex } from '../search/article-index.ts';
import { parseQuery } from '../search/query.ts';
import type { AsyncStore } from '../store/async-store.ts';
import type { AlertRow, NewOutbox, SourceRow, StoredArticle } from '../store/index.ts';
import { escapeInline } from '../text/escape.ts';
import { channelBudget, planBurst } from '../outbox/bursts.ts';
import { filterVerdict, readFilters } from './filters.ts';
import { avatarUrl, webhookName, type DeliveryPayload } from '../outbox/identity.ts';
import { renderItemPost, renderRoundups } from './render.ts';

/**
 * Filing the posts of every alert and delivery of one channel together: an article is posted to
 * a channel once whatever number of alerts match it, and the channel's per-minute budget is
 * shared by all of them (the overflow goes into grouped link posts, never dropped).
 */

/** One matching article for one alert of the channel. */
export interface Candidate {
  alert: AlertRow;
  entry: StoredArticle;
  terms: TermSpec[];
}

/**
 * The articles of a batch that contain every term of a query, with the terms to mark. One index
 * over the batch serves every alert's query (built on first use), giving exactly /search's rules.
 */
export class BatchMatcher {
  private index: ArticleIndex | null = null;
  private readonly byId: Map<string, StoredArticle>;
  /** Alerts often share a query: each distinct query is run once per batch. */
  private readonly results = new Map<string, Array<{ entry: StoredArticle; terms: TermSpec[] }>>();

  constructor(private readonly batch: StoredArticle[]) {
    this.byId = new Map(batch.map((e) => [e.article.id, e]));
  }

  match(query: string): Array<{ entry: StoredArticle; terms: TermSpec[] }> {
    if (!this.batch.length) return [];
    const known = this.results.get(query);
    if (known) return known;
    if (!this.index) {
      this.index = new ArticleIndex((id) => this.byId.get(id)?.article);
      this.index.addMany(this.batch.map((e) => ({ article: e.article, firstSeenAt: e.firstSeenAt })));
    }
    const result = this.index.search(parseQuery(query), {}, { offset: 0, limit: this.batch.length });
    const hits = result.hits.filter((h) => h.allTerms).map((h) => ({ entry: this.byId.get(h.id)!, terms: h.terms }));
    this.results.set(query, hits);
    return hits;
  }
}

/** Oldest first by publication time (first-seen time when the feed gives none), then store order. */
export function byAge(a: StoredArticle, b: StoredArticle): number {
  const ta = Date.parse(a.article.publishedAt ?? a.firstSeenAt);
  const tb = Date.parse(b.article.publishedAt ?? b.firstSeenAt);
  return ta !== tb ? ta - tb : a.seq - b.seq;
}

/** The footer marker of a delivery post: short, and unique for its (delivery, item) through the nonce. */
export function postMarker(nonce: string): string {
  return `ref ${nonce.slice(0, 10)}`;
}

/** The outlet a delivery names: the source's name, else the item's outlet. */
function outletOf(a: Article, source: SourceRow | undefined): string {
  return source?.name || a.outlet || 'News';
}

export interface ChannelFilingDeps {
  store: AsyncStore;
  clock: Clock;
  log: Log;
  perMinute: number;
  crashPoint?: CrashPoint;
}

/** One alert's part of a channel's filing: its matches and how many of its items its filters skipped. */
export interface AlertMatches {
  alert: AlertRow;
  /** The delivery's source (deliveries only). */
  source?: SourceRow;
  candidates: Candidate[];
  skipped: number;
}

/**
 * Files one channel's posts for every alert that matched: new items only (the channel ledger),
 * oldest first, single posts while the channel's budget lasts and one grouped post of links
 * beyond it. The posts, the ledger, the skipped counts and every alert's watermark are one
 * transaction: a crash files all of them or none, and nothing is filed twice.
 */
export async function fileChannel(deps: ChannelFilingDeps, channelId: string, parts: AlertMatches[], upto: number): Promise<number> {
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  // The first alert to match an article (oldest alert first) posts it.
  for (const part of parts) {
    for (const c of part.candidates) {
      if (seen.has(c.entry.article.id)) continue;
      seen.add(c.entry.article.id);
      candidates.push(c);
    }
  }
  const sources = new Map(parts.filter((p) => p.source).map((p) => [p.alert.id, p.source!]));
  return deps.store.transaction(async (tx) => {
    const fresh = new Set(candidates.length ? await tx.claimChannelItems(channelId, candidates.map((c) => c.entry.article.id)) : []);
    const kept = candidates.filter((c) => fresh.has(c.entry.article.id)).sort((a, b) => byAge(a.entry, b.entry));
    const budget = kept.length ? await channelBudget(tx, channelId, deps.clock.now(), deps.perMinute) : 0;
    const { singles, grouped } = planBurst(kept, budget);
    const rows: NewOutbox[] = singles.map((c) => singlePost(c, sources.get(c.alert.id)));
    if (grouped.length) rows.push(...roundupPosts(grouped, sources));
    deps.crashPoint?.('alert:before-enqueue');
    const [first, ...rest] = parts;
    await tx.enqueueAlerts(first!.alert.id, upto, rows);
    for (const p of rest) await tx.enqueueAlerts(p.alert.id, upto, []);
    for (const p of parts) if (p.skipped) await tx.countAlert(p.alert.id, 'skipped', p.skipped);
    if (candidates.length) {
      deps.log.info({ channelId, alerts: parts.length, matches: candidates.length, alreadyPosted: candidates.length - kept.length, singles: singles.length, grouped: grouped.length, budget }, 'alerts filed');
    }
    return rows.length;
  });
}

/** A delivery's identity on its posts: the outlet through a webhook, when it asked for that. */
function identity(alert: AlertRow, source: SourceRow | undefined, a: Article): Pick<DeliveryPayload, 'as'> {
  if (alert.identity !== 'outlet') return {};
  const avatar = avatarUrl(source?.imageUrl);
  return { as: { name: webhookName(outletOf(a, source)), ...(avatar ? { avatarUrl: avatar } : {}) } };
}

function singlePost(c: Candidate, source: SourceRow | undefined): NewOutbox {
  const { alert, entry } = c;
  if (!alert.sourceId) {
    return {
      kind: 'alert',
      refId: alert.id,
      windowKey: entry.article.id,
      channelId: alert.channelId,
      guildId: alert.guildId,
      payload: renderAlert(alert, entry, c.terms),
      nonce: outboxNonce('alert', alert.id, entry.article.id),
    };
  }
  const nonce = outboxNonce('delivery', alert.id, entry.article.id);
  const marker = postMarker(nonce);
  const outlet = outletOf(entry.article, source);
  const payload: DeliveryPayload = {
    ...renderItemPost(entry.article, { outlet, marker, template: alert.template, roleId: alert.roleId, firstSeenAt: entry.firstSeenAt }),
    marker,
    ...identity(alert, source, entry.article),
    ...(alert.roleId ? { allowRoleMention: alert.roleId } : {}),
  };
  return { kind: 'delivery', refId: alert.id, windowKey: entry.article.id, channelId: alert.channelId, guildId: alert.guildId, payload, nonce };
}

/**
 * The overflow as grouped posts of links, oldest first. One delivery's overflow keeps its outlet
 * and identity ("+37 more from AP"); a mix of alerts is one roundup of new matches.
 */
function roundupPosts(grouped: Candidate[], sources: Map<string, SourceRow>): NewOutbox[] {
  const owner = grouped[0]!.alert;
  const one = grouped.every((c) => c.alert.id === owner.id);
  const source = sources.get(owner.id);
  const label = one && owner.sourceId ? outletOf(grouped[0]!.entry.article, source) : null;
  const kind = one && owner.sourceId ? 'delivery' : 'alert';
  const groups = renderRoundups(
    grouped.map((c) => c.entry.article),
    label ?? 'alerts',
    label ? undefined : (n) => `**+${n} more new ${n === 1 ? 'match' : 'matches'} for alerts in this channel**`,
  );
  return groups.map((g, i) => {
    // Keyed by its first item: the same overflow can never be filed twice.
    const windowKey = `more:${g.articles[0]!.id}`;
    const nonce = outboxNonce(kind, owner.id, windowKey);
    const marker = postMarker(nonce);
    const payload: DeliveryPayload = {
      ...g.post(marker, i + 1, groups.length),
      marker,
      ...(one ? identity(owner, source, grouped[0]!.entry.article) : {}),
    };
    return { kind, refId: owner.id, windowKey, channelId: owner.channelId, guildId: owner.guildId, payload, nonce };
  });
}

/** A search alert's post: the query it matched, the article, and the sentences that matched. */
export function renderAlert(alert: AlertRow, entry: StoredArticle, terms: TermSpec[]): Reply {
  const a: Article = entry.article;
  const excerpt = buildExcerpt(a, terms);
  const mention = alert.roleId ? `<@&${alert.roleId}> ` : '';
  const meta = [a.outlet ? escapeInline(a.outlet) : null, a.byline ? `By ${escapeInline(a.byline)}` : null].filter(Boolean).join(' · ');
  return {
    content: `🔔 ${mention}New match for **${escapeInline(alert.query)}**`,
    cards: [
      {
        title: escapeInline(a.title),
        ...(a.url && /^https?:\/\//i.test(a.url) ? { url: a.url } : {}),
        description: [meta ? `*${meta}*` : null, `> ${excerpt.text}`].filter(Boolean).join('\n'),
        footer: `alert ${alert.id} · article ${a.id}`,
        timestamp: a.publishedAt ?? entry.firstSeenAt,
      },
    ],
    ...(alert.roleId ? { allowRoleMention: alert.roleId } : {}),
  };
}

/**
 * What one alert matches in a batch: the items of its scope stored after its watermark; for a
 * delivery, those that also pass its filters (the rest counted as skipped).
 */
export function matchAlert(alert: AlertRow, scope: ReadonlySet<string>, batch: StoredArticle[], upto: number, matcher: BatchMatcher): { candidates: Candidate[]; skipped: number } {
  const inScope = (e: StoredArticle) => e.seq > alert.lastSeq && e.seq <= upto && scope.has(e.article.sourceId);
  if (!alert.sourceId) {
    return { candidates: matcher.match(alert.query).filter((m) => inScope(m.entry)).map((m) => ({ alert, ...m })), skipped: 0 };
  }
  const items = batch.filter(inScope);
  const terms = new Map<string, TermSpec[]>();
  if (alert.query) for (const m of matcher.match(alert.query)) if (inScope(m.entry)) terms.set(m.entry.article.id, m.terms);
  const filters = readFilters(alert.filters);
  const passing = items.filter((e) => (!alert.query || terms.has(e.article.id)) && filterVerdict(e.article, filters).pass);
  return { candidates: passing.map((entry) => ({ alert, entry, terms: terms.get(entry.article.id) ?? [] })), skipped: items.length - passing.length };
}
