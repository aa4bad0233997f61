import type { Clock, Log } from './deps.ts';
import { UserError } from './errors.ts';
import { buildExcerpt } from './excerpt.ts';
import type { Newsroom } from './newsroom.ts';
import { outboxNonce, type CrashPoint } from './outbox.ts';
import type { Reply } from './reply.ts';
import { ArticleIndex } from './search/article-index.ts';
import { parseQuery } from './search/query.ts';
import type { AlertRow, SqliteStore, StoredArticle } from './store/index.ts';
import { escapeInline } from './text/escape.ts';
import type { Article } from './article.ts';

/** Alerts per article batch are capped so a flood of matches cannot flood a channel. */
const MAX_ALERTS_PER_CHECK = 10;

export interface AlertsDeps {
  store: SqliteStore;
  clock: Clock;
  log: Log;
  newsroom: Newsroom;
  crashPoint?: CrashPoint;
}

/**
 * Saved searches: when a newly ingested article matches an alert's query (all its terms), a post
 * goes to the alert's channel — through the outbox, exactly once per (alert, article).
 */
export class Alerts {
  constructor(private readonly deps: AlertsDeps) {}

  add(req: { guildId: string; channelId: string; userId: string; query: string; roleId?: string | null }): AlertRow {
    parseQuery(req.query); // a clear error now rather than a silent alert
    const alert = this.deps.store.createAlert({
      guildId: req.guildId,
      channelId: req.channelId,
      query: req.query.trim(),
      roleId: req.roleId ?? null,
      createdBy: req.userId,
      // Only articles ingested from now on can trigger it.
      lastSeq: this.deps.store.maxSeq(),
    });
    this.deps.log.info({ alertId: alert.id, guildId: req.guildId, channelId: req.channelId, role: Boolean(req.roleId) }, 'alert added');
    return alert;
  }

  list(guildId: string): AlertRow[] {
    return this.deps.store.listAlerts(guildId);
  }

  remove(guildId: string, id: string): AlertRow {
    const alert = this.deps.store.getAlert(id.trim());
    if (!alert || alert.guildId !== guildId) throw new UserError(`No alert with id "${id.trim()}" in this server. /alert list shows them.`);
    this.deps.store.deleteAlert(alert.id);
    return alert;
  }

  /**
   * Checks every alert against the articles ingested since it last looked and files posts for
   * matches; the watermark advance and the posts are one transaction. Returns posts filed.
   */
  check(): number {
    const alerts = this.deps.store.listAlerts();
    if (alerts.length === 0) return 0;
    const upto = this.deps.store.maxSeq();
    let filed = 0;
    for (const alert of alerts) {
      if (alert.lastSeq >= upto) continue;
      try {
        filed += this.checkOne(alert, upto);
      } catch (err) {
        this.deps.log.error({ alertId: alert.id, err }, 'alert check failed');
      }
    }
    return filed;
  }

  private checkOne(alert: AlertRow, upto: number): number {
    const visible = this.deps.newsroom.visibleSources({ guildId: alert.guildId });
    const fresh = this.deps.store.articlesAfterSeq(visible, alert.lastSeq, upto, 5000);
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
    this.deps.store.enqueueAlerts(alert.id, upto, rows);
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
