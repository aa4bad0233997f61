import type { Command } from '../src/command.ts';
import { commandList } from './index.ts';

/** /help — every command with what it does and an example. */
export const help: Command = {
  definition: {
    name: 'help',
    description: 'List the commands with an example of each.',
    example: '/help',
  },
  run() {
    const lines = commandList().map((c) => {
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
};
