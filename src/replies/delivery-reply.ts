import { describeFilters, readFilters } from '../core/alerts/filters.ts';
import type { PreviewLine } from '../core/alerts/deliveries.ts';
import { renderItemPost } from '../core/alerts/render.ts';
import type { Card, Reply } from '../core/reply.ts';
import type { AlertRow, SourceRow } from '../core/store/index.ts';
import { packBlocks } from './card-pack.ts';
import { escapeInline, truncate } from '../core/text/escape.ts';

function when(iso: string | null): string {
  return iso ? `<t:${Math.floor(Date.parse(iso) / 1000)}:R>` : 'never';
}

/** One alert or delivery in /alert list (and /source health): what it posts, where, as whom, and its health. */
export function describeAlert(a: AlertRow, source: SourceRow | undefined): string {
  if (!a.sourceId) {
    const paused = a.status === 'paused' ? ` · ⏸️ ${escapeInline(a.pausedReason ?? 'paused')}` : '';
    return `\`${a.id}\` · **${escapeInline(a.query)}** → <#${a.channelId}>${a.roleId ? ` · mentions <@&${a.roleId}>` : ''}${paused}`;
  }
  const what = a.query ? `items matching **${escapeInline(a.query)}**` : 'every new item';
  const name = source ? escapeInline(source.name) : `source ${a.sourceId}`;
  const status = a.status === 'active' ? '🟢 active' : `⏸️ ${escapeInline(a.pausedReason ?? 'paused')}`;
  const filters = readFilters(a.filters);
  const lines = [
    `\`${a.id}\` · 📰 **${name}**: ${what} → <#${a.channelId}> · ${status}`,
    `  ${describeFiltersInline(filters)}${a.template ? ' · template' : ''} · as ${a.identity === 'outlet' ? 'the outlet (webhook)' : 'the bot'}${a.roleId ? ` · mentions <@&${a.roleId}>` : ''}`,
    `  ${a.delivered} posted · ${a.skipped} skipped by filters · ${a.failed} failed · last delivery ${when(a.lastDeliveredAt)}`,
  ];
  // The note is the bot's own wording (it names the channel as a mention), not untrusted text.
  if (a.identity === 'outlet' && a.identityNote) lines.push(`  ⚠️ posts as the bot: ${a.identityNote}`);
  if (a.lastError && a.status === 'paused' && !a.pausedReason?.includes(a.lastError)) lines.push(`  last error: ${escapeInline(a.lastError)}`);
  return lines.join('\n');
}

function describeFiltersInline(f: ReturnType<typeof readFilters>): string {
  return escapeInline(describeFilters(f));
}

/** /alert list: every alert and delivery of the server, cut into cards that fit. */
export function alertListReply(rows: Array<{ alert: AlertRow; source: SourceRow | undefined }>): Reply {
  if (!rows.length) return { ephemeral: true, content: 'No alerts yet. Add one with `/alert add query:…` or follow a source with `/alert add source:…`.' };
  const cards = packBlocks(rows.map((r) => describeAlert(r.alert, r.source)), '\n');
  cards[0] = { title: `${rows.length} alert${rows.length === 1 ? '' : 's'}`, ...cards[0] };
  return { ephemeral: true, cards };
}

/**
 * /alert preview: the source's latest items, each marked posted or filtered and why, and the
 * post the newest passing item would become.
 */
export function previewReply(source: SourceRow, lines: PreviewLine[], opts: { template: string | null; filters: string; query: string }): Reply {
  if (!lines.length) return { ephemeral: true, content: `**${escapeInline(source.name)}** has no items yet; nothing to preview.` };
  const passing = lines.filter((l) => l.verdict.pass);
  const rows = lines.map((l) => {
    const title = escapeInline(truncate(l.article.title.replace(/\s+/g, ' '), 90));
    return l.verdict.pass ? `✅ ${title}` : `⛔ ${title} — *${escapeInline(l.verdict.reason)}*`;
  });
  const cards: Card[] = [
    {
      title: `Preview: ${escapeInline(source.name)}, last ${lines.length} items`,
      description: `${passing.length} of ${lines.length} would be posted · ${escapeInline(opts.filters)}${opts.query ? ` · query **${escapeInline(opts.query)}**` : ''}\n\n${rows.join('\n')}`,
    },
  ];
  const sample = passing[0];
  if (sample) {
    const post = renderItemPost(sample.article, { outlet: source.name, marker: 'ref preview', template: opts.template, roleId: null, firstSeenAt: sample.firstSeenAt });
    cards.push(...post.cards.map((c, i) => (i === 0 && post.content ? { ...c, description: post.content } : c)));
  }
  return { ephemeral: true, content: sample ? 'Nothing was saved. The newest item that passes would be posted like this:' : 'Nothing was saved. No item would be posted with these settings.', cards };
}
