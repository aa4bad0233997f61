import { fileDeliveries, previewDelivery, type PreviewLine } from './alerts/deliveries.ts';
import { NO_FILTERS, type DeliveryFilters } from './alerts/filters.ts';
import { validateTemplate } from './alerts/templates.ts';
import type { Clock, Log } from './deps.ts';
import { resolveGuildSource } from './sources/resolve.ts';
import { UserError } from './errors.ts';
import { buildExcerpt } from './excerpt.ts';
import type { Newsroom } from './newsroom.ts';
import { outboxNonce, type CrashPoint, type DeliveryHooks } from './outbox.ts';
import type { Reply } from './reply.ts';
import { ArticleIndex } from './search/article-index.ts';
import { parseQuery } from './search/query.ts';
import type { AsyncStore } from './store/async-store.ts';
import type { AlertRow, OutboxRow, SourceRow, StoredArticle } from './store/index.ts';
import { escapeInline } from './text/escape.ts';
import type { Article } from './article.ts';

/** Alerts per article batch are capped so a flood of matches cannot flood a channel. */
const MAX_ALERTS_PER_CHECK = 10;
/** Delivery posts per channel per minute when the configuration does not say. */
export const DEFAULT_POSTS_PER_MINUTE = 5;

export interface AlertsDeps {
  store: AsyncStore;
  clock: Clock;
  log: Log;
  newsroom: Newsroom;
  crashPoint?: CrashPoint;
  /** Delivery posts per channel per minute (DELIVERY_POSTS_PER_MINUTE). */
  postsPerMinute?: number;
}

/** What `/alert add` asks for: a query, a source, or both, and a delivery's settings. */
export interface AddAlertRequest {
  guildId: string;
  channelId: string;
  userId: string;
  query?: string;
  roleId?: string | null;
  /** Follow this source: every new item (that matches the query and filters) is posted. */
  sourceId?: string | null;
  filters?: DeliveryFilters;
  template?: string | null;
  identity?: 'bot' | 'outlet';
  /** Where a moderator is told if the delivery pauses itself. */
  notifyChannelId?: string | null;
}

/**
 * Saved searches: when a newly ingested article matches an alert's query (all its terms), a post
 * goes to the alert's channel — through the outbox, exactly once per (alert, article).
 */
export class Alerts {
  constructor(private readonly deps: AlertsDeps) {}

  /**
   * Saves an alert (a query over every visible source) or a delivery (a source, optionally
   * narrowed by a query and filters). Only items stored from now on are posted.
   */
  async add(req: AddAlertRequest): Promise<AlertRow> {
    const query = (req.query ?? '').trim();
    if (!query && !req.sourceId) throw new UserError('Give a `query`, a `source`, or both: with only a source, every new item of it is posted.');
    if (query) parseQuery(query); // a clear error now rather than a silent alert
    const source = req.sourceId ? await this.source(req.guildId, req.sourceId) : null;
    const template = req.template ? validateTemplate(req.template) : null;
    if (!source && (template || req.identity === 'outlet' || req.filters)) {
      throw new UserError('Filters, templates and the outlet identity belong to a delivery: add `source:` to follow a source.');
    }
    const alert = await this.deps.store.createAlert({
      guildId: req.guildId,
      channelId: req.channelId,
      query,
      roleId: req.roleId ?? null,
      createdBy: req.userId,
      // Only articles ingested from now on can trigger it.
      lastSeq: await this.deps.store.maxSeq(),
      sourceId: source?.id ?? null,
      filters: JSON.stringify(req.filters ?? NO_FILTERS),
      template,
      identity: req.identity ?? 'bot',
      notifyChannelId: req.notifyChannelId ?? null,
    });
    this.deps.log.info({ alertId: alert.id, guildId: req.guildId, channelId: req.channelId, role: Boolean(req.roleId), sourceId: alert.sourceId, identity: alert.identity }, source ? 'delivery added' : 'alert added');
    return alert;
  }

  /** What a delivery with these settings would do with the source's latest items (newest first). */
  async preview(guildId: string, req: { sourceId: string; query?: string; filters?: DeliveryFilters; template?: string | null }, limit = 20): Promise<{ source: SourceRow; lines: PreviewLine[]; template: string | null }> {
    const source = await this.source(guildId, req.sourceId);
    const query = (req.query ?? '').trim();
    if (query) parseQuery(query);
    const template = req.template ? validateTemplate(req.template) : null;
    const lines = await previewDelivery({ store: this.deps.store, matchQuery: (q, b) => matchAll(q, b).map((m) => m.entry) }, source, { query }, req.filters ?? NO_FILTERS, limit);
    return { source, lines, template };
  }

  /** Resumes a delivery that paused itself (or was paused); its held posts go out. */
  async resume(guildId: string, id: string): Promise<AlertRow> {
    const alert = await this.owned(guildId, id);
    if (alert.status === 'active') throw new UserError(`Alert "${alert.id}" is not paused.`);
    await this.deps.store.resumeAlert(alert.id);
    this.deps.log.info({ alertId: alert.id }, 'delivery resumed');
    return (await this.deps.store.getAlert(alert.id))!;
  }

  /** The deliveries that follow a source (for /source health). */
  forSource(sourceId: string): Promise<AlertRow[]> {
    return this.deps.store.alertsForSource(sourceId);
  }

  /**
   * The outbox's view of delivery posts: rate limit, pause state, and the health counters and
   * self-pause that follow a post's outcome.
   */
  hooks(notify: (channelId: string, key: string, text: string) => Promise<unknown> | void): DeliveryHooks {
    const store = this.deps.store;
    return {
      perMinute: this.deps.postsPerMinute ?? DEFAULT_POSTS_PER_MINUTE,
      state: async (row: OutboxRow) => {
        const alert = await store.getAlert(row.refId);
        return !alert ? 'gone' : alert.status === 'paused' ? 'paused' : 'active';
      },
      posted: async (row: OutboxRow, via) => {
        const alert = await store.getAlert(row.refId);
        await store.countAlert(row.refId, 'delivered', 1, { deliveredAt: this.deps.clock.now().toISOString(), ...(alert?.lastError ? { lastError: null } : {}) });
        if (via === 'webhook' && alert?.identityNote) await store.setAlertIdentityNote(row.refId, null);
      },
      failedPermanently: async (row: OutboxRow, message: string) => {
        const alert = await store.getAlert(row.refId);
        if (!alert) return;
        await store.countAlert(alert.id, 'failed', 1, { lastError: message });
        const reason = `paused after a failed post: ${message}`;
        if (!(await store.pauseAlert(alert.id, reason, message))) return;
        this.deps.log.warn({ alertId: alert.id, channelId: alert.channelId, err: message }, 'delivery paused after a failed post');
        // The moderator hears it where the delivery was made, else where its source was added.
        const sourceChannel = alert.sourceId ? (await store.getSource(alert.sourceId))?.channelId : null;
        const target = [alert.notifyChannelId, sourceChannel].find((c) => c && c !== alert.channelId);
        if (!target) return;
        await notify(
          target,
          `delivery-paused:${alert.id}:${row.id}`,
          `⚠️ Delivery \`${alert.id}\` to <#${alert.channelId}> paused itself: ${escapeInline(message)}\n` +
            `Its posts are kept. Give the bot access to the channel (or remove the delivery with \`/alert remove id:${alert.id}\`), then run \`/alert resume id:${alert.id}\`.`,
        );
      },
      fellBack: async (row: OutboxRow, reason: string | null) => {
        const alert = await store.getAlert(row.refId);
        if (alert && alert.identityNote !== reason) await store.setAlertIdentityNote(alert.id, reason);
      },
    };
  }

  private async source(guildId: string, sourceId: string): Promise<SourceRow> {
    return resolveGuildSource(this.deps.store, guildId, sourceId);
  }

  private async owned(guildId: string, id: string): Promise<AlertRow> {
    const alert = await this.deps.store.getAlert(id.trim());
    if (!alert || alert.guildId !== guildId) throw new UserError(`No alert with id "${id.trim()}" in this server. /alert list shows them.`);
    return alert;
  }

  list(guildId: string): Promise<AlertRow[]> {
    return this.deps.store.listAlerts(guildId);
  }

  async remove(guildId: string, id: string): Promise<AlertRow> {
    const alert = await this.owned(guildId, id);
    await this.deps.store.deleteAlert(alert.id);
    return alert;
  }

  /**
   * Checks every alert against the articles ingested since it last looked and files posts for
   * matches; the watermark advance and the posts are one transaction. Returns posts filed.
   */
  async check(): Promise<number> {
    const alerts = await this.deps.store.listAlerts();
    if (alerts.length === 0) return 0;
    const upto = await this.deps.store.maxSeq();
    let filed = 0;
    for (const alert of alerts) {
      if (alert.lastSeq >= upto) continue;
      // A paused delivery keeps its watermark: on resume it catches up (grouped, nothing lost).
      if (alert.status === 'paused') continue;
      try {
        filed += alert.sourceId
          ? await fileDeliveries({ ...this.deps, perMinute: this.deps.postsPerMinute ?? DEFAULT_POSTS_PER_MINUTE, matchQuery: (q, b) => matchAll(q, b).map((m) => m.entry) }, alert, upto)
          : await this.checkOne(alert, upto);
      } catch (err) {
        this.deps.log.error({ alertId: alert.id, err }, 'alert check failed');
      }
    }
    return filed;
  }

  private async checkOne(alert: AlertRow, upto: number): Promise<number> {
    const visible = await this.deps.newsroom.visibleSources({ guildId: alert.guildId });
    const fresh = await this.deps.store.articlesAfterSeq(visible, alert.lastSeq, upto, 5000);
    const matches = fresh.length ? matchAll(alert.query, fresh) : [];
    const rows = matches.slice(0, MAX_ALERTS_PER_CHECK).map(({ entry, terms }) => ({
      kind: 'alert' as const,
      refId: alert.id,
      windowKey: entry.article.id,
      channelId: alert.channelId,
      payload: renderAlert(alert, entry, terms),
      nonce: outboxNonce('alert', alert.id, entry.article.id),
    }));
    this.deps.crashPoint?.('alert:before-enqueue');
    await this.deps.store.enqueueAlerts(alert.id, upto, rows);
    if (matches.length > MAX_ALERTS_PER_CHECK) {
      this.deps.log.warn({ alertId: alert.id, matches: matches.length, posted: MAX_ALERTS_PER_CHECK }, 'alert matched more articles than it posts at once');
    }
    return rows.length;
  }
}

/** The articles of a batch that contain every term of the query, best first. */
function matchAll(query: string, batch: StoredArticle[]): Array<{ entry: StoredArticle; terms: import('./excerpt.ts').TermSpec[] }> {
  const byId = new Map(batch.map((e) => [e.article.id, e]));
  // A small index over just this batch gives exactly the matching rules of /search.
  const index = new ArticleIndex((id) => byId.get(id)?.article);
  index.addMany(batch.map((e) => ({ article: e.article, firstSeenAt: e.firstSeenAt })));
  const result = index.search(parseQuery(query), {}, { offset: 0, limit: batch.length });
  return result.hits.filter((h) => h.allTerms).map((h) => ({ entry: byId.get(h.id)!, terms: h.terms }));
}

function renderAlert(alert: AlertRow, entry: StoredArticle, terms: import('./excerpt.ts').TermSpec[]): Reply {
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
