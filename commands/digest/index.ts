import { runSubcommand, type Command } from '../../src/command.ts';
import { suggestTimeZones } from '../../src/core/digest/timezones.ts';
import { choicesFrom } from '../choices.ts';
import { list } from './list.ts';
import { now } from './now.ts';
import { preview } from './preview.ts';
import { subscribe } from './subscribe.ts';
import { unsubscribe } from './unsubscribe.ts';

const PRESETS = ['hourly', 'daily 08:00', 'daily 18:00', 'weekdays 08:00', 'weekly mon 08:00'];
const idOption = { name: 'id', description: 'The subscription id (see /digest list)', type: 'string' as const, required: true, autocomplete: true, maxLength: 20 };

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
  run: runSubcommand('digest', { subscribe, list, unsubscribe, preview, now }),
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
