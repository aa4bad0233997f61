import type { Command } from '../src/command.ts';
import { isModerator } from '../src/command.ts';
import { UserError } from '../src/core/errors.ts';
import { escapeInline } from '../src/core/text/escape.ts';
import { choicesFrom } from './choices.ts';

/** /alert — saved searches that post each new matching article. */
export const alert: Command = {
  definition: {
    name: 'alert',
    description: 'Saved searches: post each new article that matches (role pings: moderators only).',
    example: '/alert add query:"Kim Yo Jong" channel:#desk role:@northkorea',
    subcommands: [
      {
        name: 'add',
        description: 'Post new articles matching a search',
        options: [
          { name: 'query', description: 'The search; an article must contain all its words (needed for kind:matches)', type: 'string', maxLength: 100 },
          { name: 'channel', description: 'Where to post (default: this channel)', type: 'channel' },
          { name: 'role', description: 'Role to mention with each alert (moderators only)', type: 'role' },
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
      { name: 'list', description: "This server's alerts" },
      { name: 'remove', description: 'Delete an alert', options: [{ name: 'id', description: 'The alert id (see /alert list)', type: 'string', required: true, autocomplete: true, maxLength: 20 }] },
    ],
  },
  run(ctx, inv) {
    const o = inv.options;
    switch (inv.subcommand) {
      case 'add': {
        if (o.kind === 'changes') {
          if (!ctx.changeAlerts) throw new UserError('Change alerts are not available in this setup.');
          if (typeof o.query === 'string' || typeof o.role === 'string') throw new UserError('A changes alert covers every headline change and correction of this server\'s sources: leave out query and role.');
          const c = ctx.changeAlerts.add({ guildId: inv.guildId, channelId: typeof o.channel === 'string' ? o.channel : inv.channelId, userId: inv.user.id });
          return { content: `Alert \`${c.id}\` saved: headline changes and corrections in this server's sources will be posted in <#${c.channelId}>.` };
        }
        if (typeof o.query !== 'string' || !o.query.trim()) throw new UserError('Give a query: `/alert add query:… ` (or `kind:changes` for headline changes and corrections).');
        const roleId = typeof o.role === 'string' ? o.role : null;
        if (roleId && !isModerator(ctx, inv)) throw new UserError('Only moderators can make an alert mention a role. Add it without a role, or ask a moderator.');
        if (roleId === inv.guildId) throw new UserError('An alert cannot mention @everyone; pick a specific role.');
        const a = ctx.alerts.add({ guildId: inv.guildId, channelId: typeof o.channel === 'string' ? o.channel : inv.channelId, userId: inv.user.id, query: String(o.query ?? ''), roleId });
        return { content: `Alert \`${a.id}\` saved: new articles matching **${escapeInline(a.query)}** will be posted in <#${a.channelId}>${a.roleId ? ` mentioning <@&${a.roleId}>` : ''}.` };
      }
      case 'list': {
        const rows = ctx.alerts.list(inv.guildId);
        const changeRows = ctx.changeAlerts?.list(inv.guildId) ?? [];
        if (!rows.length && !changeRows.length) return { ephemeral: true, content: 'No alerts yet. Add one with `/alert add query:…`.' };
        const lines = rows.map((a) => `\`${a.id}\` · **${escapeInline(a.query)}** → <#${a.channelId}>${a.roleId ? ` · mentions <@&${a.roleId}>` : ''}`);
        lines.push(...changeRows.map((c) => `\`${c.id}\` · *headline changes and corrections* → <#${c.channelId}>`));
        const n = lines.length;
        return { ephemeral: true, cards: [{ title: `${n} alert${n === 1 ? '' : 's'}`, description: lines.join('\n') }] };
      }
      case 'remove': {
        const id = String(o.id ?? '');
        const changeAlert = ctx.changeAlerts?.list(inv.guildId).find((c) => c.id === id.trim());
        if (changeAlert) {
          if (changeAlert.createdBy !== inv.user.id && !isModerator(ctx, inv)) throw new UserError('Only the person who made an alert, or a moderator, can remove it.');
          ctx.changeAlerts!.removeOrFail(inv.guildId, id);
          return { content: `Alert \`${changeAlert.id}\` (headline changes and corrections) removed.` };
        }
        const existing = ctx.alerts.list(inv.guildId).find((a) => a.id === id.trim());
        if (existing && existing.createdBy !== inv.user.id && !isModerator(ctx, inv)) throw new UserError('Only the person who made an alert, or a moderator, can remove it.');
        const a = ctx.alerts.remove(inv.guildId, id);
        return { content: `Alert \`${a.id}\` (**${escapeInline(a.query)}**) removed.` };
      }
      default:
        throw new UserError('Use /alert add, list or remove.');
    }
  },
  autocomplete(ctx, inv, focused) {
    if (focused.name !== 'id') return [];
    const typed = focused.value.toLowerCase();
    const all = [...ctx.alerts.list(inv.guildId), ...(ctx.changeAlerts?.list(inv.guildId) ?? []).map((c) => ({ id: c.id, query: 'headline changes and corrections' }))];
    return choicesFrom(all.filter((a) => !typed || a.id.includes(typed) || a.query.toLowerCase().includes(typed)).map((a) => ({ name: `${a.id} · ${a.query}`, value: a.id })));
  },
};
