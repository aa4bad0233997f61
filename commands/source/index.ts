import { isModerator, MANAGE_GUILD, runSubcommand, type Command, type CommandContext } from '../../src/command.ts';
import { UserError } from '../../src/core/errors.ts';
import { choicesFrom } from '../choices.ts';
import { add } from './add.ts';
import { edit } from './edit.ts';
import { health } from './health.ts';
import { list } from './list.ts';
import { pause } from './pause.ts';
import { refresh } from './refresh.ts';
import { confirmRemove, remove } from './remove.ts';
import { resume } from './resume.ts';

const idOption = { name: 'id', description: 'The source id or name (see /source list)', type: 'string' as const, required: true, autocomplete: true, maxLength: 100 };

function requireModerator(ctx: CommandContext, who: { permissions: bigint; roles: string[] }): void {
  if (!isModerator(ctx, who)) {
    throw new UserError('Only moderators (Manage Server permission or the moderator role) can manage sources.', { id: 'permission.moderators-only', values: { command: 'source' } });
  }
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
  run: runSubcommand('source', { add, list, remove, pause, resume, refresh, edit, health }),
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
  button: confirmRemove,
};
