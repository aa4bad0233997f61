import type { Command, Invocation } from '../src/command.ts';
import { channelAccess, isModerator, requireAllowed, type CommandContext } from '../src/command.ts';
import { DEFAULT_LIMITS } from '../src/core/policy/limits.ts';
import type { Creation } from '../src/core/policy/posting.ts';
import { describeFilters, parseFilters } from '../src/core/alerts/filters.ts';
import { PLACEHOLDERS } from '../src/core/alerts/templates.ts';
import { UserError } from '../src/core/errors.ts';
import type { Card } from '../src/core/reply.ts';
import { escapeInline } from '../src/core/text/escape.ts';
import { alertListReply, previewReply } from '../src/replies/delivery-reply.ts';
import { choicesFrom } from './choices.ts';
import type { OptionDef } from '../src/command.ts';

/** The options that shape a delivery (shared by add and preview). */
const deliveryOptions: OptionDef[] = [
  { name: 'include', description: 'Only items with any of these words (comma-separated)', type: 'string', maxLength: 300 },
  { name: 'exclude', description: 'Skip items with any of these words (comma-separated)', type: 'string', maxLength: 300 },
  { name: 'match_text', description: 'Look for include/exclude words in the text too, not only the title', type: 'boolean' },
  { name: 'min_words', description: 'Skip items shorter than this many words', type: 'integer', minValue: 1, maxValue: 10000 },
  { name: 'byline_required', description: 'Only items with a byline', type: 'boolean' },
  { name: 'template', description: `Message text with ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`.slice(0, 100), type: 'string', maxLength: 1000 },
];

function str(inv: Invocation, name: string): string | undefined {
  const v = inv.options[name];
  return typeof v === 'string' && v.trim() ? v : undefined;
}

function filtersFrom(inv: Invocation) {
  const o = inv.options;
  const given = ['include', 'exclude', 'match_text', 'min_words', 'byline_required'].some((k) => o[k] !== undefined);
  if (!given) return undefined;
  return parseFilters({
    ...(str(inv, 'include') ? { include: str(inv, 'include') } : {}),
    ...(str(inv, 'exclude') ? { exclude: str(inv, 'exclude') } : {}),
    ...(typeof o.match_text === 'boolean' ? { matchText: o.match_text } : {}),
    ...(typeof o.min_words === 'number' ? { minWords: o.min_words } : {}),
    ...(typeof o.byline_required === 'boolean' ? { bylineRequired: o.byline_required } : {}),
  });
}

/** What the member and the server already have: alerts, deliveries and change alerts together. */
async function alertCounts(ctx: CommandContext, inv: Invocation): Promise<{ byMember: number; inServer: number }> {
  const all = [...(await ctx.alerts.list(inv.guildId)), ...((await ctx.changeAlerts?.list(inv.guildId)) ?? [])];
  return { byMember: all.filter((a) => a.createdBy === inv.user.id).length, inServer: all.length };
}

/** /alert — saved searches that post each new matching article, and deliveries that post a source's new items. */
export const alert: Command = {
  definition: {
    name: 'alert',
    description: 'Post new articles to a channel: every item of a source, or those matching a search.',
    example: '/alert add source:AP channel:#wire exclude:"sport, weather" identity:outlet',
    subcommands: [
      {
        name: 'add',
        description: 'Post new items of a source, or new articles matching a search',
        options: [
          { name: 'query', description: 'A search; an article must contain all its words', type: 'string', maxLength: 100, quotesAreSyntax: true },
          { name: 'source', description: 'Follow this source (id or name): each new item is posted (with query: only matches)', type: 'string', autocomplete: true, maxLength: 100 },
          { name: 'channel', description: 'Where to post (default: this channel)', type: 'channel' },
          { name: 'role', description: 'Role to mention with each post (moderators only)', type: 'role' },
          ...deliveryOptions,
          {
            name: 'identity',
            description: "Post as the bot, or as the outlet (a webhook with the outlet's name and picture)",
            type: 'string',
            choices: [
              { name: 'the bot (default)', value: 'bot' },
              { name: 'the outlet (needs Manage Webhooks)', value: 'outlet' },
            ],
          },
          {
            name: 'kind',
            description: 'matches: new matching articles (default); changes: headline changes and corrections',
            type: 'string',
            choices: [
              { name: 'matches', value: 'matches' },
              { name: 'changes', value: 'changes' },
            ],
          },
        ],
      },
      {
        name: 'preview',
        description: "Which of a source's last 20 items a delivery would post, and why not",
        options: [
          { name: 'source', description: 'The source to preview (id or name)', type: 'string', required: true, autocomplete: true, maxLength: 100 },
          { name: 'query', description: 'A search the items must match', type: 'string', maxLength: 100, quotesAreSyntax: true },
          ...deliveryOptions,
        ],
      },
      { name: 'list', description: "This server's alerts and deliveries, with their health" },
      { name: 'remove', description: 'Delete an alert or delivery', options: [{ name: 'id', description: 'The alert id (see /alert list)', type: 'string', required: true, autocomplete: true, maxLength: 20 }] },
      { name: 'resume', description: 'Resume a delivery that paused itself', options: [{ name: 'id', description: 'The alert id (see /alert list)', type: 'string', required: true, autocomplete: true, maxLength: 20 }] },
    ],
  },
  async run(ctx, inv) {
    const o = inv.options;
    switch (inv.subcommand) {
      case 'add': {
        const channelId = typeof o.channel === 'string' ? o.channel : inv.channelId;
        const roleId = typeof o.role === 'string' ? o.role : null;
        const sourceId = str(inv, 'source');
        const what: Creation = o.kind === 'changes' ? 'changes' : sourceId ? 'delivery' : 'alert';
        if (what === 'changes') {
          if (!ctx.changeAlerts) throw new UserError('Change alerts are not available in this setup.');
          if (typeof o.query === 'string' || roleId || sourceId) {
            throw new UserError("A changes alert covers every headline change and correction of this server's sources: leave out query, source and role.");
          }
        }
        // Who may make the bot post where, and how much they may create (src/core/policy/).
        requireAllowed({
          what,
          guildId: inv.guildId,
          moderator: isModerator(ctx, inv),
          channel: await channelAccess(ctx, inv, channelId),
          role: roleId ? { id: roleId, mentionable: inv.resolvedRoles?.[roleId]?.mentionable ?? true } : null,
          counts: await alertCounts(ctx, inv),
          limits: ctx.limits ?? DEFAULT_LIMITS,
        });
        if (what === 'changes') {
          const c = await ctx.changeAlerts!.add({ guildId: inv.guildId, channelId, userId: inv.user.id });
          return { content: `Alert \`${c.id}\` saved: headline changes and corrections in this server's sources will be posted in <#${c.channelId}>.` };
        }
        const filters = filtersFrom(inv);
        const template = str(inv, 'template') ?? null;
        const identity = o.identity === 'outlet' ? 'outlet' : o.identity === 'bot' ? 'bot' : undefined;
        const a = (await ctx.alerts.add({
          guildId: inv.guildId,
          channelId,
          userId: inv.user.id,
          query: str(inv, 'query') ?? '',
          roleId,
          sourceId: sourceId ?? null,
          ...(filters ? { filters } : {}),
          template,
          ...(identity ? { identity } : {}),
          notifyChannelId: inv.channelId,
        }));
        const mention = a.roleId ? ` mentioning <@&${a.roleId}>` : '';
        if (!a.sourceId) return { content: `Alert \`${a.id}\` saved: new articles matching **${escapeInline(a.query)}** will be posted in <#${a.channelId}>${mention}.` };
        const source = (await ctx.sources.get(inv.guildId, a.sourceId));
        const items = a.query ? `new items matching **${escapeInline(a.query)}**` : 'every new item';
        const extras = [
          filters ? `filters: ${escapeInline(describeFilters(filters))}` : null,
          a.template ? 'with your template' : null,
          a.identity === 'outlet' ? `posted as **${escapeInline(source.name)}** through a channel webhook (the bot posts itself if it lacks Manage Webhooks)` : null,
        ].filter(Boolean);
        return { content: `Delivery \`${a.id}\` saved: ${items} of **${escapeInline(source.name)}** will be posted in <#${a.channelId}>${mention}.${extras.length ? ` ${extras.join('; ')}.` : ''} Check it with \`/alert preview source:${source.id}\`.` };
      }
      case 'preview': {
        const filters = filtersFrom(inv);
        const r = (await ctx.alerts.preview(inv.guildId, { sourceId: str(inv, 'source') ?? '', query: str(inv, 'query') ?? '', ...(filters ? { filters } : {}), template: str(inv, 'template') ?? null }));
        return previewReply(r.source, r.lines, { template: r.template, filters: filters ? describeFilters(filters) : 'no filters', query: str(inv, 'query') ?? '' });
      }
      case 'list': {
        const sources = new Map((await ctx.sources.list(inv.guildId)).map((r) => [r.source.id, r.source]));
        const rows = (await ctx.alerts.list(inv.guildId)).map((alert) => ({ alert, source: alert.sourceId ? sources.get(alert.sourceId) : undefined }));
        const changeRows = (await ctx.changeAlerts?.list(inv.guildId)) ?? [];
        if (!changeRows.length) return alertListReply(rows);
        const changes: Card = {
          title: `${changeRows.length} change alert${changeRows.length === 1 ? '' : 's'}`,
          description: changeRows.map((c) => `\`${c.id}\` · *headline changes and corrections* → <#${c.channelId}>`).join('\n'),
        };
        const reply = rows.length ? alertListReply(rows) : { ephemeral: true };
        return { ...reply, cards: [...(reply.cards ?? []), changes] };
      }
      case 'remove': {
        const id = String(o.id ?? '');
        const changeAlert = ((await ctx.changeAlerts?.list(inv.guildId)) ?? []).find((c) => c.id === id.trim());
        if (changeAlert) {
          if (changeAlert.createdBy !== inv.user.id && !isModerator(ctx, inv)) throw new UserError('Only the person who made an alert, or a moderator, can remove it.');
          await ctx.changeAlerts!.removeOrFail(inv.guildId, id);
          return { content: `Alert \`${changeAlert.id}\` (headline changes and corrections) removed.` };
        }
        const existing = (await ctx.alerts.list(inv.guildId)).find((a) => a.id === id.trim());
        if (existing && existing.createdBy !== inv.user.id && !isModerator(ctx, inv)) throw new UserError('Only the person who made an alert, or a moderator, can remove it.');
        const a = (await ctx.alerts.remove(inv.guildId, id));
        return { content: `Alert \`${a.id}\` (${a.query ? `**${escapeInline(a.query)}**` : 'delivery'}) removed.` };
      }
      case 'resume': {
        const id = String(o.id ?? '');
        const existing = (await ctx.alerts.list(inv.guildId)).find((a) => a.id === id.trim());
        if (existing && existing.createdBy !== inv.user.id && !isModerator(ctx, inv)) throw new UserError('Only the person who made a delivery, or a moderator, can resume it.');
        const a = (await ctx.alerts.resume(inv.guildId, id));
        return { content: `${a.sourceId ? 'Delivery' : 'Alert'} \`${a.id}\` resumed: its held posts and the items since it paused go to <#${a.channelId}> now.` };
      }
      default:
        throw new UserError('Use /alert add, preview, list, remove or resume.');
    }
  },
  async autocomplete(ctx, inv, focused) {
    const typed = focused.value.toLowerCase();
    if (focused.name === 'source') {
      return choicesFrom(
        (await ctx.sources.list(inv.guildId))
          .filter((r) => !typed || r.source.id.includes(typed) || r.source.name.toLowerCase().includes(typed))
          .map((r) => ({ name: `${r.source.name} (${r.source.id})`, value: r.source.id })),
      );
    }
    if (focused.name !== 'id') return [];
    const all = [
      ...(await ctx.alerts.list(inv.guildId)).map((a) => ({ id: a.id, label: `${a.query || `delivery of ${a.sourceId}`}${a.status === 'paused' ? ' (paused)' : ''}` })),
      ...((await ctx.changeAlerts?.list(inv.guildId)) ?? []).map((c) => ({ id: c.id, label: 'headline changes and corrections' })),
    ];
    return choicesFrom(all.filter((a) => !typed || a.id.includes(typed) || a.label.toLowerCase().includes(typed)).map((a) => ({ name: `${a.id} · ${a.label}`, value: a.id })));
  },
};
