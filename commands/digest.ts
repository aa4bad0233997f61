import type { Command, CommandContext, Invocation } from '../src/command.ts';
import { channelAccess, isModerator, requireAllowed } from '../src/command.ts';
import { DEFAULT_LIMITS } from '../src/core/policy/limits.ts';
import type { DigestSource } from '../src/core/digest/digests.ts';
import { suggestTimeZones } from '../src/core/digest/timezones.ts';
import { UserError } from '../src/core/errors.ts';
import type { Reply } from '../src/core/reply.ts';
import { escapeInline } from '../src/core/text/escape.ts';
import { choicesFrom } from './choices.ts';

const PRESETS = ['hourly', 'daily 08:00', 'daily 18:00', 'weekdays 08:00', 'weekly mon 08:00'];
const idOption = { name: 'id', description: 'The subscription id (see /digest list)', type: 'string' as const, required: true, autocomplete: true, maxLength: 20 };

function requireModerator(ctx: CommandContext, inv: Invocation): void {
  if (!isModerator(ctx, inv)) throw new UserError('Only moderators (Manage Server permission or the moderator role) can manage digests. Anyone can /digest preview.');
}

/** "**Desk Wire** (`k3f9a2x`), **Daily NK**" — names in bold, the typeable id in code. */
function sourceList(sources: DigestSource[]): string {
  return sources.map((s) => `**${escapeInline(s.name)}**${s.id ? ` (\`${s.id}\`)` : ''}`).join(', ');
}

/** /digest — scheduled digests of new material posted in a channel. */
export const digest: Command = {
  definition: {
    name: 'digest',
    description: 'Scheduled digests of new articles in a channel (moderators manage; anyone can preview).',
    example: '/digest subscribe channel:#newsroom schedule:daily 08:00 timezone:Europe/Berlin query:troops',
    subcommands: [
      {
        name: 'subscribe',
        description: 'Post a digest of new articles in a channel on a schedule',
        options: [
          { name: 'channel', description: 'Where to post', type: 'channel', required: true },
          { name: 'schedule', description: 'hourly, daily 08:00, weekdays 08:00, weekly mon 08:00, or a cron expression', type: 'string', required: true, autocomplete: true, maxLength: 100 },
          { name: 'timezone', description: 'IANA time zone, e.g. Europe/Berlin (default: the server default)', type: 'string', autocomplete: true, maxLength: 64 },
          { name: 'query', description: 'Only articles matching this search (a beat)', type: 'string', maxLength: 100, quotesAreSyntax: true },
          { name: 'sources', description: 'Only these sources or outlets (comma-separated ids or names)', type: 'string', maxLength: 300 },
          { name: 'max_items', description: 'Articles per digest before "…and N more" (default 10)', type: 'integer', minValue: 1, maxValue: 50 },
          { name: 'chart', description: "Add a small chart of the window's coverage by outlet (default off)", type: 'boolean' },
        ],
      },
      { name: 'list', description: "This server's digests and when each runs next" },
      { name: 'unsubscribe', description: 'Stop a digest', options: [idOption] },
      { name: 'preview', description: 'What the next digest would contain right now (only you see it)', options: [idOption] },
      { name: 'now', description: 'Post the digest immediately (counts as its current window)', options: [idOption] },
    ],
  },
  async run(ctx, inv): Promise<Reply> {
    const o = inv.options;
    const id = typeof o.id === 'string' ? o.id : '';
    switch (inv.subcommand) {
      case 'subscribe': {
        requireModerator(ctx, inv);
        const channelId = String(o.channel);
        requireAllowed({
          what: 'digest',
          guildId: inv.guildId,
          moderator: true,
          channel: await channelAccess(ctx, inv, channelId),
          counts: { byMember: 0, inServer: (await ctx.digests.list(inv.guildId)).length },
          limits: ctx.limits ?? DEFAULT_LIMITS,
        });
        const { subscription: s, nextRun } = (await ctx.digests.subscribe({
          guildId: inv.guildId,
          channelId,
          userId: inv.user.id,
          schedule: String(o.schedule ?? ''),
          ...(typeof o.timezone === 'string' ? { timezone: o.timezone } : {}),
          ...(typeof o.query === 'string' ? { query: o.query } : {}),
          ...(typeof o.sources === 'string' ? { sources: o.sources } : {}),
          ...(typeof o.max_items === 'number' ? { maxItems: o.max_items } : {}),
          ...(o.chart === true ? { chart: true } : {}),
        }));
        return {
          content:
            `Digest \`${s.id}\` subscribed: **${escapeInline(s.scheduleLabel)}** (${s.timezone}) in <#${s.channelId}>` +
            `${s.query ? `, beat **${escapeInline(s.query)}**` : ''}${s.sourceIds.length ? `, sources ${sourceList(s.sourceIds.map(await ctx.digests.sourceNames(inv.guildId)))}` : ''}, up to ${s.maxItems} articles${s.chart ? ', with a chart by outlet' : ''}.\n` +
            `Next run: ${nextRun}. It will cover articles first seen from now on.`,
        };
      }
      case 'list': {
        const rows = (await ctx.digests.list(inv.guildId));
        if (!rows.length) return { ephemeral: true, content: 'No digests yet. A moderator can add one with `/digest subscribe`.' };
        const lines = rows.map(
          ({ subscription: s, nextRun, sources }) =>
            `\`${s.id}\` · <#${s.channelId}> · **${escapeInline(s.scheduleLabel)}** (${s.timezone})${s.query ? ` · beat **${escapeInline(s.query)}**` : ''} · ${sources.length ? `sources ${sourceList(sources)}` : 'all sources'} · max ${s.maxItems}\n  next: ${nextRun}`,
        );
        return { cards: [{ title: `${rows.length} digest${rows.length === 1 ? '' : 's'}`, description: lines.join('\n') }] };
      }
      case 'unsubscribe': {
        requireModerator(ctx, inv);
        const s = (await ctx.digests.unsubscribe(inv.guildId, id));
        return { content: `Digest \`${s.id}\` (${escapeInline(s.scheduleLabel)} in <#${s.channelId}>) stopped.` };
      }
      case 'preview':
        return (await ctx.digests.preview(inv.guildId, id));
      case 'now': {
        requireModerator(ctx, inv);
        const { row, subscription } = (await ctx.digests.postNow(inv.guildId, id));
        if (!row) return { ephemeral: true, content: `Nothing new for digest \`${subscription.id}\`; nothing was posted (its window still moved on).` };
        await ctx.outbox.deliverPending();
        return { ephemeral: true, content: `Digest \`${subscription.id}\` posted in <#${subscription.channelId}>.` };
      }
      default:
        throw new UserError('Use /digest subscribe, list, unsubscribe, preview or now.');
    }
  },
  async autocomplete(ctx, inv, focused) {
    const typed = focused.value.trim().toLowerCase();
    if (focused.name === 'schedule') {
      const list = PRESETS.filter((p) => !typed || p.startsWith(typed) || p.includes(typed));
      if (typed && !list.includes(focused.value.trim())) list.unshift(focused.value.trim());
      return choicesFrom(list.map((p) => ({ name: p, value: p })));
    }
    if (focused.name === 'timezone') return choicesFrom(suggestTimeZones(focused.value).map((z) => ({ name: z, value: z })));
    if (focused.name === 'id') {
      return choicesFrom(
        (await ctx.digests.list(inv.guildId))
          .filter(({ subscription: s }) => !typed || s.id.includes(typed) || s.scheduleLabel.includes(typed))
          .map(({ subscription: s }) => ({ name: `${s.id} · ${s.scheduleLabel} (${s.timezone})${s.query ? ` · ${s.query}` : ''}`, value: s.id })),
      );
    }
    return [];
  },
};
