import type { Command } from '../src/command.ts';

/**
 * /help — every command with what it does and an example. The list is handed in by
 * `commands/index.ts` (it includes /help itself), so this file does not import the index that
 * imports it.
 */
export const helpFor = (commands: readonly Command[]): Command => ({
  definition: {
    name: 'help',
    description: 'List the commands with an example of each.',
    example: '/help',
  },
  run() {
    const lines = commands.map((c) => {
      const subs = c.definition.subcommands?.map((s) => s.name).join(' | ');
      return `**/${c.definition.name}**${subs ? ` (${subs})` : ''} — ${c.definition.description}\n\`${c.definition.example}\``;
    });
    return {
      ephemeral: true,
      cards: [
        {
          title: 'Newsdesk commands',
          description: lines.join('\n\n'),
          footer: 'Search tips: "quotes" for an exact phrase, -word to exclude, prefixes and small typos are matched.',
        },
      ],
    };
  },
});
