import type { ButtonPress, ButtonResult, Command, CommandContext, Focused, Invocation } from '../src/command.ts';
import { EXPORT_MAX_ROWS, exportResults } from '../src/core/citations/export.ts';
import { UserError } from '../src/core/errors.ts';
import type { Choice, Reply } from '../src/core/reply.ts';
import { decodeSearchState, isSameUser, QUERY_MAX_LENGTH } from '../src/replies/custom-id.ts';
import { renderSearchReply } from '../src/replies/search-reply.ts';
import { choicesFrom } from './choices.ts';

/** /search — ranked articles with quoted, highlighted excerpts; paging by buttons. */
export const search: Command = {
  definition: {
    name: 'search',
    description: 'Search the archive: ranked articles with the sentences that matched, quoted.',
    example: '/search query:troops since:2024-01-01',
    options: [
      {
        name: 'query',
        description: 'Words to find; "quotes" for a phrase, -word to exclude',
        type: 'string',
        required: true,
        autocomplete: true,
        maxLength: QUERY_MAX_LENGTH,
        quotesAreSyntax: true,
      },
      { name: 'source', description: 'Only this source or outlet', type: 'string', autocomplete: true, maxLength: 100 },
      { name: 'since', description: 'From this date: YYYY-MM-DD, YYYY-MM, YYYY or a span like 7d', type: 'string', maxLength: 32 },
      { name: 'until', description: 'Up to this date (inclusive): YYYY-MM-DD, YYYY-MM or YYYY', type: 'string', maxLength: 32 },
      { name: 'export', description: `Attach the results (up to ${EXPORT_MAX_ROWS}) as CSV and Markdown files`, type: 'boolean' },
    ],
  },
  async run(ctx: CommandContext, inv: Invocation): Promise<Reply> {
    const query = String(inv.options.query ?? '');
    if (query.length > QUERY_MAX_LENGTH) {
      throw new UserError(`Your query is ${query.length} characters; the limit is ${QUERY_MAX_LENGTH}. Use the most distinctive words.`, { id: 'query.too-long', values: { length: query.length, max: QUERY_MAX_LENGTH } });
    }
    const request = {
      query,
      ...(typeof inv.options.source === 'string' ? { source: inv.options.source } : {}),
      ...(typeof inv.options.since === 'string' ? { since: inv.options.since } : {}),
      ...(typeof inv.options.until === 'string' ? { until: inv.options.until } : {}),
    };
    const results = (await ctx.newsroom.search({ guildId: inv.guildId }, request));
    const reply = renderSearchReply(results, inv.user.id, query);
    if (inv.options.export !== true || results.total === 0) return reply;
    const rows = (await ctx.newsroom.exportSearch({ guildId: inv.guildId }, request, EXPORT_MAX_ROWS));
    const attachments = exportResults(rows, 'search-results', `Search results for "${query}"`);
    return { ...reply, content: `${reply.content ?? ''}\n📎 ${rows.length} result${rows.length === 1 ? '' : 's'} attached as CSV and Markdown.`, attachments };
  },
  async autocomplete(ctx: CommandContext, inv: Invocation, focused: Focused): Promise<Choice[]> {
    const scope = { guildId: inv.guildId };
    if (focused.name === 'source') {
      const typed = focused.value.trim().toLowerCase();
      return choicesFrom((await ctx.newsroom.sourceChoices(scope)).filter((c) => !typed || c.name.toLowerCase().includes(typed)));
    }
    if (focused.name === 'query') {
      const suggestions = (await ctx.newsroom.suggestQueries(scope, focused.value));
      return choicesFrom(suggestions.map((s) => ({ name: s, value: s.slice(0, QUERY_MAX_LENGTH) })));
    }
    return [];
  },
  buttonPrefixes: ['s'],
  async button(ctx: CommandContext, press: ButtonPress): Promise<ButtonResult> {
    const state = decodeSearchState(press.customId);
    if (!state) throw new UserError('This button is from an older version of the bot. Run /search again.', { id: 'button.stale', values: { command: 'search' } });
    if (state.expired) throw new UserError('This long search can no longer be paged (the bot restarted since). Run /search again.', { id: 'paging.expired', values: { command: 'search' } });
    const owner = press.originalUserId ? press.originalUserId === press.user.id : isSameUser(state.user, press.user.id);
    if (!owner) {
      return { update: false, ephemeral: true, content: 'Only the person who ran this search can page through it. Run /search yourself to get your own results.' };
    }
    const results = (await ctx.newsroom.search(
      { guildId: press.guildId },
      {
        query: state.query,
        page: state.page,
        ...(state.source ? { source: state.source } : {}),
        ...(state.since ? { since: state.since.toISOString() } : {}),
        ...(state.until ? { until: state.until.toISOString() } : {}),
      },
    ));
    return { update: true, ...renderSearchReply(results, press.user.id, state.query) };
  },
};
