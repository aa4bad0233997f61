import type { Command } from '../src/command.ts';
import { UserError } from '../src/core/errors.ts';
import { BASELINE_DAYS } from '../src/core/trend/trending.ts';
import { renderTrendingReply } from '../src/replies/trend-reply.ts';
import { choicesFrom } from './choices.ts';

/** /trending — names and phrases suddenly everywhere, against their own usual level. */
export const trending: Command = {
  definition: {
    name: 'trending',
    description: `Names and phrases rising now against their usual level (the ${BASELINE_DAYS} days before).`,
    example: '/trending since:24h',
    options: [
      { name: 'since', description: 'The window to look at (default: the last 24 hours)', type: 'string', choices: [{ name: 'last 24 hours', value: '24h' }, { name: 'last 3 days', value: '3d' }, { name: 'last 7 days', value: '7d' }] },
      { name: 'source', description: 'Only this source or outlet', type: 'string', autocomplete: true, maxLength: 100 },
      { name: 'chart', description: 'Also chart the top 5 per day', type: 'boolean' },
    ],
  },
  slow: true,
  async run(ctx, inv) {
    if (!ctx.trends) throw new UserError('Trending is not available on this bot.', { id: 'trend.unavailable' });
    const o = inv.options;
    const result = await ctx.trends.trending(
      { guildId: inv.guildId },
      {
        ...(typeof o.since === 'string' ? { since: o.since } : {}),
        ...(typeof o.source === 'string' ? { source: o.source } : {}),
        ...(o.chart === true ? { chart: true } : {}),
      },
    );
    return renderTrendingReply(result);
  },
  async autocomplete(ctx, inv, focused) {
    if (focused.name !== 'source') return [];
    const typed = focused.value.trim().toLowerCase();
    return choicesFrom((await ctx.newsroom.sourceChoices({ guildId: inv.guildId })).filter((c) => !typed || c.name.toLowerCase().includes(typed)));
  },
};
