import type { Command } from '../src/command.ts';
import { UserError } from '../src/core/errors.ts';
import { MAX_QUERIES } from '../src/core/trend/trends.ts';
import { renderTrendReply } from '../src/replies/trend-reply.ts';

/** /trend — a chart of how often the archive wrote about something, over time. */
export const trend: Command = {
  definition: {
    name: 'trend',
    description: 'Chart how much the archive covered something over time, by outlet or source.',
    example: '/trend query:troops since:2024-01-01 interval:week',
    options: [
      { name: 'query', description: `Words to chart; compare up to ${MAX_QUERIES} queries separated by commas`, type: 'string', required: true, maxLength: 200 },
      { name: 'by', description: 'Split one query by outlet (default) or by source', type: 'string', choices: [{ name: 'outlet', value: 'outlet' }, { name: 'source', value: 'source' }] },
      { name: 'since', description: 'From this date: YYYY-MM-DD, YYYY-MM, YYYY or a span like 90d', type: 'string', maxLength: 32 },
      { name: 'until', description: 'Up to this date (inclusive): YYYY-MM-DD, YYYY-MM or YYYY', type: 'string', maxLength: 32 },
      { name: 'interval', description: 'Count per day, week or month (default: by the length of the range)', type: 'string', choices: [{ name: 'day', value: 'day' }, { name: 'week', value: 'week' }, { name: 'month', value: 'month' }] },
      { name: 'export', description: 'Also attach the counts as CSV', type: 'boolean' },
    ],
  },
  slow: true,
  async run(ctx, inv) {
    if (!ctx.trends) throw new UserError('Charts are not available on this bot.', { id: 'trend.unavailable' });
    const o = inv.options;
    const result = await ctx.trends.trend(
      { guildId: inv.guildId },
      {
        query: String(o.query ?? ''),
        ...(o.by === 'outlet' || o.by === 'source' ? { by: o.by } : {}),
        ...(typeof o.since === 'string' ? { since: o.since } : {}),
        ...(typeof o.until === 'string' ? { until: o.until } : {}),
        ...(o.interval === 'day' || o.interval === 'week' || o.interval === 'month' ? { interval: o.interval } : {}),
      },
    );
    return renderTrendReply(result, { exportCsv: o.export === true });
  },
};
