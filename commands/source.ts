import type { ButtonPress, Command, CommandContext, Invocation } from '../src/command.ts';
import { isModerator, MANAGE_GUILD } from '../src/command.ts';
import { DEFAULT_LIMITS } from '../src/core/policy/limits.ts';
import { checkSourceLimit } from '../src/core/policy/posting.ts';
import { refusalText } from '../src/replies/refusals.ts';
import { UserError } from '../src/core/errors.ts';
import type { Reply } from '../src/core/reply.ts';
import type { FullTextCoverage, SourceRow } from '../src/core/store/index.ts';
import { escapeInline } from '../src/core/text/escape.ts';
import { describeAlert } from '../src/replies/delivery-reply.ts';
import { packBlocks } from '../src/replies/card-pack.ts';
import { choicesFrom } from './choices.ts';

const idOption = { name: 'id', description: 'The source id or name (see /source list)', type: 'string' as const, required: true, autocomplete: true, maxLength: 100 };

function requireModerator(ctx: CommandContext, who: { permissions: bigint; roles: string[] }): void {
  if (!isModerator(ctx, who)) {
    throw new UserError('Only moderators (Manage Server permission or the moderator role) can manage sources.');
  }
}

function when(iso: string | null): string {
  return iso ? `<t:${Math.floor(Date.parse(iso) / 1000)}:R>` : 'never';
}

function describe(s: SourceRow, articles: number): string {
  const status = s.status === 'active' ? '🟢 active' : `⏸️ paused${s.pausedReason ? ` (${escapeInline(s.pausedReason)})` : ''}`;
  const lines = [
    `**${escapeInline(s.name)}** — \`${s.id}\` · ${s.kind} · ${status}`,
    `${escapeInline(s.feedUrl ?? s.url)}`,
    `${articles} article${articles === 1 ? '' : 's'} · every ${s.intervalMinutes} min · last success ${when(s.lastSuccessAt)} · next fetch ${s.status === 'active' ? when(s.nextFetchAt) : '—'}`,
  ];
  if (s.consecutiveFailures > 0 && s.lastError) lines.push(`⚠️ ${s.consecutiveFailures} failure(s) in a row: ${escapeInline(s.lastError)}`);
  return lines.join('\n');
}

/** What the moderator should know about full text after add, refresh or edit. */
function fullTextNote(s: SourceRow, pending: number): string {
  if (!s.fullText || s.kind === 'page') return '';
  if (pending === 0) return 'Full text is on; every stored item already has its text or no page to fetch. ';
  return `Fetching the full text of ${pending} item${pending === 1 ? '' : 's'} in the background; each becomes searchable as it arrives (progress: \`/source health id:${s.id}\`). `;
}

/** One line of `/source health`: how much of the source's text is whole. */
function describeCoverage(s: SourceRow, c: FullTextCoverage): string {
  const share = c.total ? Math.round((c.complete / c.total) * 100) : 100;
  const parts = [`Full text: ${c.complete} of ${c.total} articles (${share} %)`];
  if (!s.fullText) parts.push('fetching pages is off (`/source edit full_text:true`)');
  // Nothing waits while fetching is off: the items without their page are simply summaries.
  else if (c.pending) parts.push(`${c.pending} waiting`);
  if (c.failed) parts.push(`${c.failed} could not be fetched${c.lastError ? ` (last: ${escapeInline(c.lastError)})` : ''}`);
  return parts.join(' · ');
}

/** /source — moderators add, list and manage feeds and pages. */
export const source: Command = {
  definition: {
    name: 'source',
    description: 'Manage the feeds and pages this server follows (moderators).',
    example: '/source add url:https://www.example-news.org/',
    defaultMemberPermissions: MANAGE_GUILD.toString(),
    subcommands: [
      {
        name: 'add',
        description: 'Follow a feed (RSS, Atom, JSON Feed) or a web page',
        options: [
          { name: 'url', description: 'Feed or page address (http or https)', type: 'string', required: true, maxLength: 2000 },
          { name: 'name', description: 'Display name (default: the feed title)', type: 'string', maxLength: 100 },
          { name: 'backfill', description: 'Announce existing items in digests and alerts (default: no)', type: 'boolean' },
          { name: 'interval', description: 'Minutes between fetches (default 30)', type: 'integer', minValue: 5, maxValue: 1440 },
          { name: 'full_text', description: "Fetch each item's page when the feed has only summaries", type: 'boolean' },
        ],
      },
      { name: 'list', description: "This server's sources with status and next fetch" },
      { name: 'remove', description: 'Stop following a source and remove its articles', options: [idOption] },
      { name: 'pause', description: 'Stop fetching a source for now', options: [idOption] },
      { name: 'resume', description: 'Fetch a paused source again', options: [idOption] },
      { name: 'refresh', description: 'Fetch a source now (and retry full text that failed)', options: [idOption] },
      {
        name: 'edit',
        description: "Change a source's name, interval or full-text setting",
        options: [
          idOption,
          { name: 'full_text', description: "Fetch each item's page when the feed has only summaries", type: 'boolean' },
          { name: 'interval', description: 'Minutes between fetches', type: 'integer', minValue: 5, maxValue: 1440 },
          { name: 'name', description: 'Display name', type: 'string', maxLength: 100 },
        ],
      },
      {
        name: 'health',
        description: 'The latest fetch attempts of a source',
        options: [idOption, { name: 'limit', description: 'How many attempts (default 10)', type: 'integer', minValue: 1, maxValue: 25 }],
      },
    ],
  },
  // Only fetching takes time; the rest answers at once.
  slow: (inv) => inv.subcommand === 'add' || inv.subcommand === 'refresh',
  guard: requireModerator,
  async run(ctx: CommandContext, inv: Invocation): Promise<Reply> {
    const o = inv.options;
    const id = typeof o.id === 'string' ? o.id : '';
    switch (inv.subcommand) {
      case 'add': {
        const limit = checkSourceLimit((await ctx.sources.list(inv.guildId)).length, ctx.limits ?? DEFAULT_LIMITS);
        if (limit) throw new UserError(refusalText(limit));
        const p = await ctx.sources.add({
          guildId: inv.guildId,
          channelId: inv.channelId || null,
          userId: inv.user.id,
          url: String(o.url ?? ''),
          ...(typeof o.name === 'string' ? { name: o.name } : {}),
          ...(typeof o.backfill === 'boolean' ? { backfill: o.backfill } : {}),
          ...(typeof o.interval === 'number' ? { intervalMinutes: o.interval } : {}),
          ...(typeof o.full_text === 'boolean' ? { fullText: o.full_text } : {}),
        });
        const newest = p.newest.length ? p.newest.map((t) => `• ${escapeInline(t)}`).join('\n') : '*(no items yet)*';
        return {
          content: `Added source \`${p.source.id}\`. ${fullTextNote(p.source, p.fullTextPending)}${o.backfill ? 'Existing items will appear in the next digests and alerts.' : 'Existing items are searchable now; digests and alerts will only announce new ones.'}`,
          cards: [
            {
              title: escapeInline(p.title || p.source.name),
              ...(/^https?:/i.test(p.source.url) ? { url: p.source.url } : {}),
              description: `**Type:** ${p.kind}${p.discoveredFrom ? ` (found from the page ${escapeInline(p.discoveredFrom)})` : ''}\n**Items:** ${p.items}\n**Newest:**\n${newest}`,
              footer: `polls ${escapeInline(p.source.feedUrl ?? p.source.url)} every ${p.source.intervalMinutes} min`,
            },
          ],
        };
      }
      case 'list': {
        const rows = (await ctx.sources.list(inv.guildId));
        if (rows.length === 0) return { ephemeral: true, content: 'This server follows no sources yet. Add one with `/source add url:https://…`. The seed archive is always searchable.' };
        const cards = packBlocks(rows.map((r) => describe(r.source, r.articles)), '\n\n');
        return { content: `**${rows.length}** source${rows.length === 1 ? '' : 's'}`, cards };
      }
      case 'remove': {
        const s = (await ctx.sources.get(inv.guildId, id));
        return {
          ephemeral: true,
          content: `Remove **${escapeInline(s.name)}** (\`${s.id}\`) and its ${(await ctx.sources.articleCount(s.id))} articles from this server? This cannot be undone.`,
          buttons: [[
            { id: `src:rm:${s.id}`, label: 'Remove', style: 'danger' },
            { id: `src:keep:${s.id}`, label: 'Keep', style: 'secondary' },
          ]],
        };
      }
      case 'pause': {
        const s = (await ctx.sources.pause(inv.guildId, id));
        return { content: `Paused **${escapeInline(s.name)}** (\`${s.id}\`). Resume with \`/source resume id:${s.id}\`.` };
      }
      case 'resume': {
        const s = (await ctx.sources.resume(inv.guildId, id));
        return { content: `Resumed **${escapeInline(s.name)}** (\`${s.id}\`); it will be fetched within a minute.` };
      }
      case 'refresh': {
        const r = await ctx.sources.refresh((await ctx.sources.get(inv.guildId, id)).id, { manual: true });
        const status = r.attempt.httpStatus === 304 ? 'not modified since the last fetch' : `HTTP ${r.attempt.httpStatus}`;
        return { content: `Fetched **${escapeInline(r.source.name)}** (\`${r.source.id}\`): ${status}, ${r.inserted} new, ${r.updated} updated. ${fullTextNote(r.source, r.fullTextPending)}`.trim() };
      }
      case 'edit': {
        if (o.full_text === undefined && o.interval === undefined && o.name === undefined) {
          throw new UserError('Give at least one setting to change: `full_text`, `interval` or `name`.');
        }
        const r = (await ctx.sources.configure(inv.guildId, id, {
          ...(typeof o.full_text === 'boolean' ? { fullText: o.full_text } : {}),
          ...(typeof o.interval === 'number' ? { intervalMinutes: o.interval } : {}),
          ...(typeof o.name === 'string' ? { name: o.name } : {}),
        }));
        const s = r.source;
        return {
          content:
            `Updated **${escapeInline(s.name)}** (\`${s.id}\`): every ${s.intervalMinutes} min, full text ${s.fullText ? 'on' : 'off'}. ` +
            (s.fullText ? fullTextNote(s, r.fullTextPending) : ''),
        };
      }
      case 'health': {
        const s = (await ctx.sources.get(inv.guildId, id));
        const limit = typeof o.limit === 'number' ? o.limit : 10;
        const health = (await ctx.sources.health(s.id, limit));
        const deliveries = (await ctx.alerts.forSource(s.id));
        const lines = health.attempts.map((a) => {
          const ok = a.error === null;
          const status = a.httpStatus === null ? 'no response' : `HTTP ${a.httpStatus}`;
          return `${ok ? '✅' : '❌'} ${a.at.slice(0, 16).replace('T', ' ')} UTC · ${status} · ${a.durationMs ?? '?'} ms · ${a.newItems} new${a.updatedItems ? `, ${a.updatedItems} updated` : ''}${ok ? '' : `\n  ${escapeInline(a.error!)}`}`;
        });
        return {
          ephemeral: true,
          cards: [
            {
              title: `Health of ${escapeInline(s.name)} (${s.id})`,
              description: `${describe(s, (await ctx.sources.articleCount(s.id)))}\n${describeCoverage(s, health.fullText)}\n\n${lines.join('\n') || 'No fetch attempts yet.'}${deliveries.length ? `\n\n**Deliveries**\n${deliveries.map((d) => describeAlert(d, s)).join('\n')}` : ''}`,
            },
          ],
        };
      }
      default:
        throw new UserError('Use /source add, list, remove, pause, resume, refresh, edit or health.');
    }
  },
  async autocomplete(ctx, inv, focused) {
    if (focused.name !== 'id') return [];
    const typed = focused.value.toLowerCase();
    return choicesFrom(
      (await ctx.sources.list(inv.guildId))
        .filter((r) => !typed || r.source.id.includes(typed) || r.source.name.toLowerCase().includes(typed))
        .map((r) => ({ name: `${r.source.name} (${r.source.id}, ${r.source.status})`, value: r.source.id })),
    );
  },
  buttonPrefixes: ['src'],
  async button(ctx: CommandContext, press: ButtonPress) {
    if (!isModerator(ctx, press)) {
      return { update: false, ephemeral: true, content: 'Only moderators can remove sources.' };
    }
    const m = /^src:(rm|keep):([a-z0-9]{1,20})$/.exec(press.customId);
    if (!m) throw new UserError('This button is from an older version of the bot. Run /source again.');
    if (m[1] === 'keep') return { update: true, content: 'Kept the source; nothing was removed.', buttons: [] };
    const s = (await ctx.sources.remove(press.guildId, m[2]!));
    return { update: true, content: `Removed **${escapeInline(s.name)}** (\`${s.id}\`) and its articles.`, buttons: [] };
  },
};
