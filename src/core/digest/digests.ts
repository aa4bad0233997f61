import type { Clock, Log } from '../deps.ts';
import { UserError } from '../errors.ts';
import type { Newsroom } from '../newsroom/index.ts';
import { outboxNonce, type CrashPoint } from '../outbox/index.ts';
import type { Reply } from '../reply.ts';
import { ArticleIndex } from '../search/article-index.ts';
import { parseQuery } from '../search/query.ts';
import type { AsyncStore } from '../store/async-store.ts';
import type { OutboxRow, SourceRow, SubscriptionRow } from '../store/index.ts';
import type { ChartRenderer } from '../charts/renderer.ts';
import { composeDigest, type DigestEntry } from './compose.ts';
import { withOutletChart } from './outlet-chart.ts';
import { describeNextRun, dueWindow, parseSchedule, type Schedule } from './schedule.ts';
import { normalizeTimeZone } from './timezones.ts';

export const DEFAULT_MAX_ITEMS = 10;
const MAX_ITEMS_LIMIT = 50;
/** Articles considered per window; beyond this a digest says "…and N more" anyway. */
const WINDOW_LIMIT = 2000;

export interface SubscribeRequest {
  guildId: string;
  channelId: string;
  userId: string;
  schedule: string;
  timezone?: string;
  query?: string;
  /** Comma-separated source ids or outlet names. */
  sources?: string;
  maxItems?: number;
  /** Carry a chart of the window's coverage by outlet (default off). */
  chart?: boolean;
}

export interface DigestsDeps {
  store: AsyncStore;
  clock: Clock;
  log: Log;
  newsroom: Newsroom;
  defaultTimezone: string;
  crashPoint?: CrashPoint;
  /** Draws digests' outlet charts; without it digests carry none. */
  charts?: ChartRenderer;
}

/**
 * Scheduled digests: subscriptions, and the tick that files each due window in the outbox
 * exactly once (the window advance and the outbox row are one transaction).
 */
export class Digests {
  constructor(private readonly deps: DigestsDeps) {}

  async subscribe(req: SubscribeRequest): Promise<{ subscription: SubscriptionRow; nextRun: string }> {
    const timezone = normalizeTimeZone(req.timezone?.trim() || this.deps.defaultTimezone);
    const schedule = parseSchedule(req.schedule, timezone);
    const query = req.query?.trim() || null;
    if (query) parseQuery(query); // validate now, with the user's attention, not at 8 am
    const maxItems = req.maxItems ?? DEFAULT_MAX_ITEMS;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > MAX_ITEMS_LIMIT) {
      throw new UserError(`the number of items must be a whole number from 1 to ${MAX_ITEMS_LIMIT} (got ${maxItems}).`, { id: 'digest.max-items', values: { maxItemsLimit: MAX_ITEMS_LIMIT, maxItems } });
    }
    const sourceIds = await this.resolveSources(req.guildId, req.sources);
    const now = this.deps.clock.now();
    const subscription = await this.deps.store.createSubscription({
      guildId: req.guildId,
      channelId: req.channelId,
      scheduleLabel: schedule.label,
      cron: schedule.cron,
      timezone,
      query,
      sourceIds,
      maxItems,
      createdBy: req.userId,
      lastWindowEnd: now.toISOString(),
      ...(req.chart ? { chart: true } : {}),
    });
    this.deps.log.info({ subscriptionId: subscription.id, guildId: req.guildId, channelId: req.channelId, schedule: schedule.label, timezone }, 'digest subscribed');
    return { subscription, nextRun: describeNextRun(schedule, now) };
  }

  async list(guildId: string): Promise<Array<{ subscription: SubscriptionRow; nextRun: string; sources: DigestSource[] }>> {
    const now = this.deps.clock.now();
    const subs = await this.deps.store.listSubscriptions(guildId);
    const names = await this.sourceNames(guildId);
    return subs.map((s) => ({ subscription: s, nextRun: describeNextRun(scheduleOf(s), now), sources: s.sourceIds.map((f) => names(f)) }));
  }

  /**
   * How a digest's sources read to a person: a followed feed as its source's name and the id
   * /source list shows, an outlet as its name. Digests keep the feed id (what articles carry);
   * the source id is what can be typed back. Plain text, not escaped.
   */
  async sourceNames(guildId: string): Promise<(filter: string) => DigestSource> {
    const byFeed = new Map<string, SourceRow>();
    for (const s of await this.deps.store.listSources(guildId)) byFeed.set(s.feedId ?? s.id, s);
    return (filter) => {
      const s = byFeed.get(filter);
      return s ? { name: s.name, id: s.id } : { name: filter };
    };
  }

  async unsubscribe(guildId: string, id: string): Promise<SubscriptionRow> {
    const sub = await this.owned(guildId, id);
    await this.deps.store.deleteSubscription(sub.id);
    return sub;
  }

  async owned(guildId: string, id: string): Promise<SubscriptionRow> {
    const sub = await this.deps.store.getSubscription(id.trim());
    if (!sub || sub.guildId !== guildId) throw new UserError(`No digest subscription with id "${id.trim()}" in this server.`, { id: 'digest.not-found', values: { id: id.trim() } });
    return sub;
  }

  /** What the next digest would contain if it were posted now (nothing is recorded). */
  async preview(guildId: string, id: string): Promise<Reply> {
    const sub = await this.owned(guildId, id);
    const now = this.deps.clock.now();
    const reply = await this.build(sub, new Date(sub.lastWindowEnd), now, 1);
    if (!reply) return { ephemeral: true, content: `Nothing new for digest ${sub.id} since ${sub.lastWindowEnd.slice(0, 16).replace('T', ' ')} UTC; the next one would be empty (and is skipped).` };
    return { ...reply, ephemeral: true, content: `*Preview — not posted.*\n${reply.content ?? ''}` };
  }

  /** Files the digest for the window up to now immediately; it counts as that window. */
  async postNow(guildId: string, id: string): Promise<{ row: OutboxRow | null; subscription: SubscriptionRow }> {
    const sub = await this.owned(guildId, id);
    const row = await this.fileWindow(sub, new Date(sub.lastWindowEnd), this.deps.clock.now(), 1);
    return { row, subscription: (await this.deps.store.getSubscription(sub.id))! };
  }

  /**
   * Files every due window (one combined catch-up window after downtime). Pure bookkeeping in the
   * store; the outbox posts. Returns how many digests were filed (empty windows advance silently).
   */
  async tick(): Promise<number> {
    const now = this.deps.clock.now();
    let filed = 0;
    for (const sub of await this.deps.store.listSubscriptions()) {
      try {
        const due = dueWindow(scheduleOf(sub), new Date(sub.lastWindowEnd), now);
        if (!due) continue;
        if (await this.fileWindow(sub, due.start, due.end, due.missed)) filed++;
      } catch (err) {
        this.deps.log.error({ subscriptionId: sub.id, err }, 'digest tick failed');
      }
    }
    return filed;
  }

  private async fileWindow(sub: SubscriptionRow, start: Date, end: Date, missed: number): Promise<OutboxRow | null> {
    const reply = await this.build(sub, start, end, missed);
    const windowKey = end.toISOString();
    this.deps.crashPoint?.('digest:before-enqueue');
    const row = await this.deps.store.enqueueDigest(
      sub.id,
      windowKey,
      reply ? { kind: 'digest', refId: sub.id, windowKey, channelId: sub.channelId, payload: reply, nonce: outboxNonce('digest', sub.id, windowKey) } : null,
    );
    this.deps.crashPoint?.('digest:after-enqueue');
    this.deps.log.info({ subscriptionId: sub.id, window: [start.toISOString(), windowKey], missed, posted: Boolean(row) }, reply ? 'digest filed' : 'digest window empty');
    return row;
  }

  /** Composes the digest of articles first seen in (start, end]; null when there are none. */
  async build(sub: SubscriptionRow, start: Date, end: Date, missed: number): Promise<Reply | null> {
    const visible = await this.deps.newsroom.visibleSources({ guildId: sub.guildId });
    // A beat filter holds source ids and outlet names (resolved when subscribing).
    const ids = new Set(sub.sourceIds.filter((s) => visible.has(s)));
    const outlets = new Set(sub.sourceIds.filter((s) => !visible.has(s)).map((s) => s.toLowerCase()));
    const rows = await this.deps.store.newArticles(visible, { fromExclusive: start.toISOString(), toInclusive: end.toISOString() }, WINDOW_LIMIT);
    let entries: DigestEntry[] = rows
      .filter((r) => sub.sourceIds.length === 0 || ids.has(r.article.sourceId) || (r.article.outlet !== null && outlets.has(r.article.outlet.toLowerCase())))
      .map((r) => ({ article: r.article, firstSeenAt: r.firstSeenAt, storyId: r.storyId ?? this.deps.newsroom.stories.storyOf(r.article.id) ?? null }));
    if (sub.query && entries.length) entries = this.rankByQuery(sub.query, entries, visible);
    const reply = composeDigest({
      entries,
      timezone: sub.timezone,
      windowStart: start,
      windowEnd: end,
      missedRuns: missed,
      query: sub.query,
      maxItems: sub.maxItems,
      scheduleLabel: sub.scheduleLabel,
    });
    if (!reply || !sub.chart || !this.deps.charts) return reply;
    try {
      const window = `${start.toISOString().slice(0, 16).replace('T', ' ')} to ${end.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      return await withOutletChart(reply, entries, this.deps.charts, window);
    } catch (err) {
      // The digest matters more than its picture.
      this.deps.log.warn({ subscriptionId: sub.id, err }, 'digest chart not drawn');
      return reply;
    }
  }

  /**
   * Keeps the window's articles that match the query, best first. A small index over just the
   * window (as alerts do) ranks every one of them, also those already outside the hot tier.
   */
  private rankByQuery(query: string, entries: DigestEntry[], visible: Set<string>): DigestEntry[] {
    const byId = new Map(entries.filter((e) => visible.has(e.article.sourceId)).map((e) => [e.article.id, e]));
    const index = new ArticleIndex((id) => byId.get(id)?.article);
    index.addMany([...byId.values()].map((e) => ({ article: e.article, firstSeenAt: e.firstSeenAt })));
    const page = index.search(parseQuery(query), {}, { offset: 0, limit: byId.size });
    const ranked: DigestEntry[] = [];
    for (const hit of page.hits) {
      const e = byId.get(hit.id);
      if (e) ranked.push({ ...e, terms: hit.terms, rank: ranked.length });
    }
    return ranked;
  }

  /** Source ids and outlet names from a comma-separated list, each checked against this guild. */
  private async resolveSources(guildId: string, list: string | undefined): Promise<string[]> {
    if (!list?.trim()) return [];
    const scope = { guildId };
    const out: string[] = [];
    for (const s of list.split(',').map((x) => x.trim()).filter(Boolean)) out.push((await this.deps.newsroom.resolveSource(scope, s)).filter);
    return out;
  }
}

/** One entry of a digest's source filter, as shown: a source (name and id) or an outlet (name). */
export interface DigestSource {
  name: string;
  id?: string;
}

function scheduleOf(sub: SubscriptionRow): Schedule {
  return { label: sub.scheduleLabel, cron: sub.cron, timezone: sub.timezone };
}
