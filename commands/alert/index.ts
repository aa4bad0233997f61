import { runSubcommand, type Command, type OptionDef } from '../../src/command.ts';
import { PLACEHOLDERS } from '../../src/core/alerts/templates.ts';
import { choicesFrom } from '../choices.ts';
import { add } from './add.ts';
import { list } from './list.ts';
import { preview } from './preview.ts';
import { remove } from './remove.ts';
import { resume } from './resume.ts';

const idOption = { name: 'id', description: 'The alert id (see /alert list)', type: 'string' as const, required: true, autocomplete: true, maxLength: 20 };

/** The options that shape a delivery (shared by add and preview). */
const deliveryOptions: OptionDef[] = [
  { name: 'include', description: 'Only items with any of these words (comma-separated)', type: 'string', maxLength: 300 },
  { name: 'exclude', description: 'Skip items with any of these words (comma-separated)', type: 'string', maxLength: 300 },
  { name: 'match_text', description: 'Look for include/exclude words in the text too, not only the title', type: 'boolean' },
  { name: 'min_words', description: 'Skip items shorter than this many words', type: 'integer', minValue: 1, maxValue: 10000 },
  { name: 'byline_required', description: 'Only items with a byline', type: 'boolean' },
  { name: 'template', description: `Message text with ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`.slice(0, 100), type: 'string', maxLength: 1000 },
];

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
      { name: 'remove', description: 'Delete an alert or delivery', options: [idOption] },
      { name: 'resume', description: 'Resume a delivery that paused itself', options: [idOption] },
    ],
  },
  run: runSubcommand('alert', { add, preview, list, remove, resume }),
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
