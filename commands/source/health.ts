import type { CommandContext, Invocation } from '../../src/command.ts';
import type { Reply } from '../../src/core/reply.ts';
import type { FullTextCoverage, SourceRow } from '../../src/core/store/index.ts';
import { escapeInline } from '../../src/core/text/escape.ts';
import { describeAlert } from '../../src/replies/delivery-reply.ts';
import { describe, sourceIdOption } from './_shared.ts';

/** One line of `/source health`: how much of the source's text is whole. */
function describeCoverage(s: SourceRow, c: FullTextCoverage): string {
  const share = c.total ? Math.round((c.complete / c.total) * 100) : 100;
  const parts = [`Full text: ${c.complete} of ${c.total} articles (${share} %)`];
  if (!s.fullText) parts.push('fetching pages is off (`/source edit full_text:true`)');
  // Nothing waits while fetching is off: the items without their page are simply summaries.
  else if (c.pending) parts.push(`${c.pending} waiting`);
  if (c.failed) parts.push(`${c.failed} could not be fetched${c.lastError ? ` (last: ${escapeInline(c.lastError)})` : ''}`);
  return parts.join(' · ');
}

/** /source health — the latest fetch attempts of a source, its full-text coverage and deliveries. */
export async function health(ctx: CommandContext, inv: Invocation): Promise<Reply> {
  const o = inv.options;
  const s = (await ctx.sources.get(inv.guildId, sourceIdOption(o)));
  const limit = typeof o.limit === 'number' ? o.limit : 10;
  const health = (await ctx.sources.health(s.id, limit));
  const deliveries = (await ctx.alerts.forSource(s.id));
  const lines = health.attempts.map((a) => {
    const ok = a.error === null;
    const status = a.httpStatus === null ? 'no response' : `HTTP ${a.httpStatus}`;
    return `${ok ? '✅' : '❌'} ${a.at.slice(0, 16).replace('T', ' ')} UTC · ${status} · ${a.durationMs ?? '?'} ms · ${a.newItems} new${a.updatedItems ? `, ${a.updatedItems} updated` : ''}${ok ? '' : `\n  ${escapeInline(a.error!)}`}`;
  });
  return {
    ephemeral: true,
    cards: [
      {
        title: `Health of ${escapeInline(s.name)} (${s.id})`,
        description: `${describe(s, (await ctx.sources.articleCount(s.id)))}\n${describeCoverage(s, health.fullText)}\n\n${lines.join('\n') || 'No fetch attempts yet.'}${deliveries.length ? `\n\n**Deliveries**\n${deliveries.map((d) => describeAlert(d, s)).join('\n')}` : ''}`,
      },
    ],
  };
}
