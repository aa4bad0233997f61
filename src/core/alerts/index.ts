import { previewDelivery, type PreviewLine } from './deliveries.ts';
import { BatchMatcher, fileChannel, matchAlert } from './filing.ts';
import { NO_FILTERS, type DeliveryFilters } from './filters.ts';
import { validateTemplate } from './templates.ts';
import { checkEach, pagePastWatermark } from './watermark.ts';
import { nextTurn, type Clock, type Log } from '../deps.ts';
import { resolveGuildSource } from '../sources/resolve.ts';
import { UserError } from '../errors.ts';
import type { Newsroom } from '../newsroom/index.ts';
import { DEFAULT_POSTS_PER_MINUTE, type CrashPoint, type DeliveryHooks } from '../outbox/index.ts';
import type { GuildAccess } from '../policy/access.ts';
import { checkStillAllowed } from '../policy/posting.ts';
import { onlyCommonWords, parseQuery, type ParsedQuery } from '../search/query.ts';
import type { AsyncStore } from '../store/async-store.ts';
import type { AlertRow, OutboxRow, SourceRow, StoredArticle } from '../store/index.ts';
import { escapeInline } from '../text/escape.ts';

/** New articles one check reads for all alerts; more wait for the next check, never skipped. */
const MAX_BATCH = 5000;
/** A search alert matching more than this share of the archive is refused as too broad… */
const BROAD_SHARE = 0.5;
/** …once the archive is big enough for the share to mean something. */
const BROAD_MIN_ARCHIVE = 20;

export interface AlertsDeps {
  store: AsyncStore;
  clock: Clock;
  log: Log;
  newsroom: Newsroom;
  crashPoint?: CrashPoint;
  /** Posts per channel per minute (POSTS_PER_CHANNEL_PER_MINUTE). */
  postsPerMinute?: number;
  /** Permissions outside an interaction: posts stop when their creator can no longer write in the channel. */
  access?: GuildAccess;
}

/** How a moderator notice is filed (main.ts enqueues it in the outbox). */
export type Notify = (channelId: string, key: string, text: string, guildId?: string) => Promise<unknown> | void;

/** Change alerts' posts are filed under this prefix of the change alert's id. */
export const CHANGES_PREFIX = 'changes:';

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
    if (!query && !req.sourceId) throw new UserError('Give a query, a source, or both: with only a source, every new item of it is posted.', { id: 'alert.nothing-asked' });
    const parsed = query ? parseQuery(query) : null; // a clear error now rather than a silent alert
    const source = req.sourceId ? await this.source(req.guildId, req.sourceId) : null;
    if (parsed && !source && onlyCommonWords(parsed)) {
      throw new UserError(`**${escapeInline(query)}** has only the commonest words, so an alert for it would post almost everything new. Add a word that names your subject.`, { id: 'alert.common-words' });
    }
    if (parsed && !source) await this.refuseBroad(req.guildId, query, parsed);
    const template = req.template ? validateTemplate(req.template) : null;
    if (!source && (template || req.identity === 'outlet' || req.filters)) {
      throw new UserError('Filters, templates and the outlet identity belong to a delivery, which follows a source.', { id: 'alert.delivery-options' });
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
    const lines = await previewDelivery({ store: this.deps.store, matchQuery: matchAll }, source, { query }, req.filters ?? NO_FILTERS, limit);
    return { source, lines, template };
  }

  /** Resumes a delivery that paused itself (or was paused); its held posts go out. */
  async resume(guildId: string, id: string): Promise<AlertRow> {
    const alert = await this.owned(guildId, id);
    if (alert.status === 'active') throw new UserError(`Alert "${alert.id}" is not paused.`, { id: 'alert.not-paused', values: { id: alert.id } });
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
  hooks(notify: Notify): DeliveryHooks {
    const store = this.deps.store;
    return {
      state: async (row: OutboxRow) => {
        if (row.refId.startsWith(CHANGES_PREFIX)) {
          const id = row.refId.slice(CHANGES_PREFIX.length);
          const change = (await store.listChangeAlerts()).find((c) => c.id === id);
          if (!change) return 'gone';
          if (await this.mayStillPost(change.guildId, row.channelId, change.createdBy)) return 'active';
          this.deps.log.warn({ alertId: change.id, channelId: row.channelId, userId: change.createdBy }, 'change alert post dropped: its creator can no longer write in the channel');
          return 'forbidden';
        }
        const alert = await store.getAlert(row.refId);
        if (!alert) return 'gone';
        if (alert.status === 'paused') return 'paused';
        if (await this.mayStillPost(alert.guildId, row.channelId, alert.createdBy)) return 'active';
        // The channel became read-only (or hidden) for the alert's creator, or they left: the bot
        // no longer posts there on their behalf. The posts are kept for a resume.
        const reason = `its creator can no longer send messages in <#${alert.channelId}>`;
        if (await store.pauseAlert(alert.id, 'paused: its creator can no longer send messages in the channel', null)) {
          this.deps.log.warn({ alertId: alert.id, channelId: alert.channelId, userId: alert.createdBy }, 'alert paused: its creator can no longer write in the channel');
          const target = alert.notifyChannelId && alert.notifyChannelId !== alert.channelId ? alert.notifyChannelId : null;
          if (target) {
            await notify(
              target,
              `alert-forbidden:${alert.id}:${row.id}`,
              `⚠️ Alert \`${alert.id}\` to <#${alert.channelId}> paused itself: ${reason}. Its posts are kept; \`/alert resume id:${alert.id}\` once they can, or \`/alert remove id:${alert.id}\`.`,
              alert.guildId,
            );
          }
        }
        return 'paused';
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
          alert.guildId,
        );
      },
      fellBack: async (row: OutboxRow, reason: string | null) => {
        const alert = await store.getAlert(row.refId);
        if (alert && alert.identityNote !== reason) await store.setAlertIdentityNote(alert.id, reason);
      },
    };
  }

  /**
   * A search alert that matches most of the archive would post most of what arrives: a flood, not
   * an alert. Refused with the numbers, and what to do instead.
   */
  private async refuseBroad(guildId: string, query: string, parsed: ParsedQuery): Promise<void> {
    const { articles } = await this.deps.newsroom.stats({ guildId });
    if (articles < BROAD_MIN_ARCHIVE) return;
    const total = await this.deps.newsroom.countMatchingAll({ guildId }, parsed);
    if (total / articles <= BROAD_SHARE) return;
    throw new UserError(
      `**${escapeInline(query)}** matches ${total} of the ${articles} articles this server can search (${Math.round((100 * total) / articles)} %): an alert for it would post almost everything new. ` +
        'Add words that narrow it, or follow a source instead.',
      { id: 'alert.too-broad', values: { query, total, articles } },
    );
  }

  /** Whether a member may still have the bot post in a channel for them (unknown: yes). */
  private async mayStillPost(guildId: string, channelId: string, userId: string): Promise<boolean> {
    if (!this.deps.access) return true;
    return checkStillAllowed(await this.deps.access.memberPermissions(guildId, channelId, userId));
  }

  private async source(guildId: string, sourceId: string): Promise<SourceRow> {
    return resolveGuildSource(this.deps.store, guildId, sourceId);
  }

  private async owned(guildId: string, id: string): Promise<AlertRow> {
    const alert = await this.deps.store.getAlert(id.trim());
    if (!alert || alert.guildId !== guildId) throw new UserError(`No alert with id "${id.trim()}" in this server.`, { id: 'alert.not-found', values: { id: id.trim() } });
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
   * Checks every alert and delivery against the articles stored since it last looked and files
   * posts for matches, one channel at a time: every alert of a channel shares the channel's budget
   * and an article is posted there once (see alerts/filing.ts). One index over the new articles
   * serves every alert's query. Returns posts filed.
   */
  async check(): Promise<number> {
    const store = this.deps.store;
    const upto = await store.maxSeq();
    // A paused delivery keeps its watermark: on resume it catches up (grouped, nothing lost).
    const due = (await store.listAlerts()).filter((a) => a.status !== 'paused' && a.lastSeq < upto);
    if (due.length === 0) return 0;
    const scopes = new Map<string, ReadonlySet<string>>();
    const sources = new Map<string, SourceRow>();
    const visible = new Map<string, Set<string>>();
    for (const alert of due) {
      if (alert.sourceId) {
        const source = await store.getSource(alert.sourceId);
        if (!source) continue;
        sources.set(alert.id, source);
        scopes.set(alert.id, new Set([source.feedId ?? source.id]));
      } else {
        if (!visible.has(alert.guildId)) visible.set(alert.guildId, await this.deps.newsroom.visibleSources({ guildId: alert.guildId }));
        scopes.set(alert.id, visible.get(alert.guildId)!);
      }
    }
    const all = new Set([...scopes.values()].flatMap((s) => [...s]));
    const from = Math.min(...due.map((a) => a.lastSeq));
    const batch = await store.articlesAfterSeq(all, from, upto, MAX_BATCH);
    // A batch cut at the limit moves the watermarks only as far as it read: the rest comes next check.
    const { through: end } = pagePastWatermark(batch, { read: MAX_BATCH, take: MAX_BATCH }, upto, (a) => a.seq);
    const matcher = new BatchMatcher(batch);
    const channels = new Map<string, AlertRow[]>();
    for (const alert of due) if (scopes.has(alert.id)) channels.set(alert.channelId, [...(channels.get(alert.channelId) ?? []), alert]);
    return checkEach(
      channels,
      ([channelId, alerts]) => {
        const parts = alerts.map((alert) => ({ alert, ...matchAlert(alert, scopes.get(alert.id)!, batch, end, matcher), ...(sources.has(alert.id) ? { source: sources.get(alert.id)! } : {}) }));
        return fileChannel({ ...this.deps, perMinute: this.perMinute }, channelId, parts, end);
      },
      ([channelId, alerts], err) => this.deps.log.error({ channelId, alerts: alerts.map((a) => a.id), err }, 'alert check failed'),
      // Many channels: the event loop answers interactions between them.
      nextTurn,
    );
  }

  private get perMinute(): number {
    return this.deps.postsPerMinute ?? DEFAULT_POSTS_PER_MINUTE;
  }
}

/** The articles of a batch that contain every term of the query (previews: one source's latest items). */
function matchAll(query: string, batch: StoredArticle[]): StoredArticle[] {
  return new BatchMatcher(batch).match(query).map((m) => m.entry);
}
