import type { Clock, Log } from '../deps.ts';
import { UserError } from '../errors.ts';
import type { Newsroom } from '../newsroom/index.ts';
import { CHANGES_PREFIX } from './index.ts';
import { outboxNonce } from '../outbox/index.ts';
import type { Reply } from '../reply.ts';
import type { AsyncStore } from '../store/async-store.ts';
import type { ChangeAlertRow, VersionChange } from '../store/index.ts';
import { escapeInline } from '../text/escape.ts';
import { describeKinds } from '../changes/compare.ts';
import { diffWords, renderDiff, splitWords } from '../changes/word-diff.ts';
import { checkEach, pagePastWatermark } from './watermark.ts';

/** Versions one check looks at per alert; the rest wait for the next check (the channel budget paces posts). */
const MAX_POSTS_PER_CHECK = 10;
/** Versions read past an alert's watermark per check, of which it takes MAX_POSTS_PER_CHECK. */
const CHANGES_READ = 2000;

export interface ChangeAlertsDeps {
  store: AsyncStore;
  clock: Clock;
  log: Log;
  newsroom: Newsroom;
}

/**
 * Change alerts (`/alert add kind:changes`): every headline change and correction note in the
 * sources a guild follows is posted to a channel — through the outbox, exactly once per change
 * (the outbox key is the alert and the version row; the watermark moves in the same transaction).
 */
export class ChangeAlerts {
  constructor(private readonly deps: ChangeAlertsDeps) {}

  async add(req: { guildId: string; channelId: string; userId: string }): Promise<ChangeAlertRow> {
    // One per channel: a second would only repeat the first (each change is posted there once).
    const existing = (await this.list(req.guildId)).find((a) => a.channelId === req.channelId);
    if (existing) throw new UserError(`Change alert \`${existing.id}\` already posts headline changes and corrections in <#${req.channelId}>.`, { id: 'changes.alert-exists', values: { id: existing.id, channelId: req.channelId } });
    const alert = await this.deps.store.createChangeAlert({
      guildId: req.guildId,
      channelId: req.channelId,
      createdBy: req.userId,
      // Only changes seen from now on are posted.
      lastVersionId: await this.deps.store.maxVersionId(),
    });
    this.deps.log.info({ alertId: alert.id, guildId: req.guildId, channelId: req.channelId }, 'change alert added');
    return alert;
  }

  list(guildId: string): Promise<ChangeAlertRow[]> {
    return this.deps.store.listChangeAlerts(guildId);
  }

  /** Removes a change alert of this guild; undefined when the id is not one. */
  async remove(guildId: string, id: string): Promise<ChangeAlertRow | undefined> {
    const alert = (await this.list(guildId)).find((a) => a.id === id.trim());
    if (!alert) return undefined;
    await this.deps.store.deleteChangeAlert(alert.id);
    return alert;
  }

  /** Like {@link remove} but a UserError when there is no such alert. */
  async removeOrFail(guildId: string, id: string): Promise<ChangeAlertRow> {
    const a = await this.remove(guildId, id);
    if (!a) throw new UserError(`No alert with id "${id.trim()}" in this server.`, { id: 'alert.not-found', values: { id: id.trim() } });
    return a;
  }

  /**
   * Files posts for headline changes and corrections stored since each alert last looked. A change
   * is posted to a channel once, whatever number of change alerts point there (the channel
   * ledger, in the same transaction as the posts and the watermark). Returns posts filed.
   */
  async check(): Promise<number> {
    const alerts = await this.deps.store.listChangeAlerts();
    if (alerts.length === 0) return 0;
    const upto = await this.deps.store.maxVersionId();
    return checkEach(
      alerts.filter((alert) => alert.lastVersionId < upto),
      async (alert) => {
        const visible = await this.deps.newsroom.visibleSources({ guildId: alert.guildId });
        const all = await this.deps.store.changesAfter(visible, alert.lastVersionId, upto, CHANGES_READ);
        // More than one check posts at once: the watermark stops at the last one filed, and the
        // rest come next check (the channel's budget paces them), never dropped.
        const { taken, through } = pagePastWatermark(all, { read: CHANGES_READ, take: MAX_POSTS_PER_CHECK }, upto, (c) => c.version.id);
        const changes = taken.filter((c) => c.version.kinds.includes('headline') || c.version.kinds.includes('correction'));
        return this.deps.store.transaction(async (tx) => {
          const fresh = new Set(changes.length ? await tx.claimChannelItems(alert.channelId, changes.map((c) => changeKey(c))) : []);
          const rows = [];
          for (const c of changes) {
            if (!fresh.has(changeKey(c))) continue;
            rows.push({
              kind: 'alert' as const,
              refId: `${CHANGES_PREFIX}${alert.id}`,
              windowKey: `v${c.version.id}`,
              channelId: alert.channelId,
              guildId: alert.guildId,
              payload: renderChangeAlert(alert, c, await tx.listVersions(c.article.id)),
              nonce: outboxNonce('alert', `${CHANGES_PREFIX}${alert.id}`, `v${c.version.id}`),
            });
          }
          await tx.enqueueChangeAlerts(alert.id, through, rows);
          return rows.length;
        });
      },
      (alert, err) => this.deps.log.error({ alertId: alert.id, err }, 'change alert check failed'),
    );
  }
}

/** A change's key in a channel's ledger: one post per change per channel. */
function changeKey(c: VersionChange): string {
  return `change:v${c.version.id}`;
}

/**
 * One change as a post: what changed, the headline diff (or the new headline), the correction
 * note, and how to see every version. The version shown is the one that followed the stored one.
 */
export function renderChangeAlert(alert: ChangeAlertRow, c: VersionChange, versions: Array<{ version: number; title: string }>): Reply {
  const { version: v, article: a } = c;
  // The next version's headline: the following stored version, or the article itself.
  const next = versions.find((x) => x.version === v.version + 1)?.title ?? a.title;
  const lines: string[] = [];
  if (v.kinds.includes('headline')) lines.push(`**Headline:** ${renderDiff(diffWords(splitWords(v.title), splitWords(next)), 900)}`);
  const card = {
    title: escapeInline(next),
    ...(a.url && /^https?:\/\//i.test(a.url) ? { url: a.url } : {}),
    description: [a.outlet ? `*${escapeInline(a.outlet)}*` : null, ...lines].filter(Boolean).join('\n'),
    fields: [] as Array<{ name: string; value: string }>,
    footer: `change alert ${alert.id} · article ${a.id} · version ${v.version + 1} · /changes id:${a.id}`,
    timestamp: v.replacedAt,
  };
  if (v.note) {
    // The note sits on the version AFTER this one; v.note is what the classifier found there.
    card.fields.push({ name: 'Note', value: `> ${escapeInline(v.note)}` });
  }
  return { content: `✏️ ${describeKinds(v)[0]!.toUpperCase()}${describeKinds(v).slice(1)}`, cards: [card] };
}
