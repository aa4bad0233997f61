import type { Command } from '../src/command.ts';

/** /stats — what this newsroom's archive holds. */
export const stats: Command = {
  definition: {
    name: 'stats',
    description: 'Show how many articles and sources this server can search, and the index size.',
    example: '/stats',
  },
  async run(ctx, inv) {
    const s = await ctx.newsroom.stats({ guildId: inv.guildId });
    // Only when started with --expose-gc (the load test is): report the live heap rather than
    // live + garbage not yet collected, so two readings can be compared.
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    const lines = [
      `**Articles:** ${s.articles.toLocaleString('en-US')}`,
      `**Sources:** ${s.sources.toLocaleString('en-US')} (the seed archive plus this server's own)`,
      `**Index:** ${s.indexed.toLocaleString('en-US')} documents, ${s.indexTerms.toLocaleString('en-US')} distinct terms (all servers)`,
      `**Memory:** ${Math.round(mem.heapUsed / 1048576)} MiB heap, ${Math.round(mem.rss / 1048576)} MiB resident`,
    ];
    if (s.loading) {
      const pct = s.loading.total ? Math.floor((100 * s.loading.done) / s.loading.total) : 100;
      lines.push(`**Loading:** ${pct}% (${s.loading.done}/${s.loading.total})`);
    }
    return { cards: [{ title: 'Newsdesk archive', description: lines.join('\n') }] };
  },
};
