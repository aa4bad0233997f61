import type { RenderedChart } from '../core/charts/renderer.ts';
import { csvCell } from '../core/citations/export.ts';
import type { Attachment, Card, Reply } from '../core/reply.ts';
import { escapeInline, maskedLink } from '../core/text/escape.ts';
import { BASELINE_DAYS, MIN_BASELINE_ARTICLES, type TrendingResult } from '../core/trend/trending.ts';
import { firstWhen, type TrendResult } from '../core/trend/trends.ts';

export const TREND_IMAGE = 'trend.png';
export const TRENDING_IMAGE = 'trending.png';

const n = (x: number) => x.toLocaleString('en-US');
const PER = { day: 'daily', week: 'weekly', month: 'monthly' } as const;

/** A chart as an attachment a card can show (`attachment://name`), its description the alt text. */
export function chartAttachment(name: string, chart: RenderedChart, alt: string): Attachment {
  return { name, contentType: 'image/png', data: Buffer.from(chart.png).toString('base64'), encoding: 'base64', description: alt };
}

/**
 * The /trend answer: a header with the counts, one card with the summary, the first article and
 * the chart as its picture; with `exportCsv`, the counts per interval as CSV too.
 */
export function renderTrendReply(result: TrendResult, opts: { exportCsv?: boolean } = {}): Reply {
  const names = result.queries.map((q) => `**${escapeInline(q.query)}**`);
  if (!result.chart || result.queries.every((q) => q.total === 0)) {
    return { ephemeral: true, content: `No articles match ${names.join(' or ')} in this server's archive. Check the spelling, use fewer words, or widen since/until.` };
  }
  const range = `${PER[result.interval]}, ${result.buckets[0]} to ${result.buckets.at(-1)}`;
  const header =
    result.queries.length === 1
      ? `**${n(result.queries[0]!.total)}** article${result.queries[0]!.total === 1 ? '' : 's'} match ${names[0]} — ${range}, whole archive`
      : `Comparing ${result.queries.map((q, i) => `${names[i]} (${n(q.total)})`).join(', ')} — ${range}, whole archive`;
  const lines = [escapeInline(result.summary)];
  for (const q of result.queries) {
    if (!q.first) continue;
    const who = result.queries.length > 1 ? `**${escapeInline(q.query)}**, first report: ` : 'First report: ';
    lines.push(`${who}${maskedLink(q.first.title, q.first.url)} — ${escapeInline(q.first.outlet ?? 'unknown outlet')}${firstWhen(q.first)} (\`${q.first.id}\`)`);
  }
  const card: Card = {
    title: result.by ? `Coverage by ${result.by}` : 'Coverage compared',
    description: lines.join('\n'),
    image: `attachment://${TREND_IMAGE}`,
    footer: 'Every matching article in the archive, by publication date (undated: the day first seen) · dotted: all articles',
  };
  const attachments = [chartAttachment(TREND_IMAGE, result.chart, result.alt)];
  if (opts.exportCsv) attachments.push(trendCsv(result));
  return { content: header, cards: [card], attachments };
}

/** The chart's numbers: one row per interval, a column per series and one for all articles. */
export function trendCsv(result: TrendResult): Attachment {
  const head = ['interval start', ...result.series.map((s) => s.name), 'all articles'].map(csvCell).join(',');
  const rows = result.buckets.map((b, i) => [b, ...result.series.map((s) => String(s.counts[i] ?? 0)), String(result.volume[i] ?? 0)].map(csvCell).join(','));
  return { name: 'trend.csv', contentType: 'text/csv', data: `\uFEFF${[head, ...rows].join('\r\n')}\r\n`, description: `Counts per ${result.interval} behind the chart` };
}

/** The /trending answer: the rising names and phrases, each with its count, rise and top article. */
export function renderTrendingReply(result: TrendingResult): Reply {
  const window = `the last ${escapeInline(result.label)}`;
  const where = result.sourceLabel ? ` in ${escapeInline(result.sourceLabel)}` : '';
  if (result.empty === 'no-articles') return { ephemeral: true, content: `No articles${where} in ${window}: nothing can be rising.` };
  if (result.empty === 'no-history') {
    return {
      ephemeral: true,
      content: `Not enough history to compare with yet: the ${BASELINE_DAYS} days before ${window} hold ${n(result.baselineArticles)} article${result.baselineArticles === 1 ? '' : 's'}${where} (at least ${MIN_BASELINE_ARTICLES} are needed).`,
    };
  }
  if (result.entries.length === 0) {
    return { ephemeral: true, content: `Nothing${where} is rising above its usual level in ${window} (${n(result.checked)} names and phrases from ${n(result.read)} articles checked against the ${BASELINE_DAYS} days before).` };
  }
  const lines = result.entries.map((e, i) => {
    const rise = e.rise === null ? `new — none in the ${BASELINE_DAYS} days before` : `×${e.rise >= 10 ? Math.round(e.rise) : e.rise.toFixed(1)} its usual rate (${n(e.baseline)} in the ${BASELINE_DAYS} days before)`;
    const also = e.also.length ? ` · also as ${e.also.map((a) => `“${escapeInline(a)}”`).join(', ')}` : '';
    const top = e.top ? `\n   ${maskedLink(e.top.title, e.top.url)}${e.top.outlet ? ` — ${escapeInline(e.top.outlet)}` : ''}` : '';
    return `**${i + 1}. ${escapeInline(e.name)}** — ${n(e.count)} article${e.count === 1 ? '' : 's'}, ${rise}${also}${top}`;
  });
  const card: Card = {
    title: `Rising in ${window}${where}`,
    description: lines.join('\n'),
    footer: `${n(result.articles)} articles in ${result.label} against ${n(result.baselineArticles)} in the ${BASELINE_DAYS} days before · a rise must be significant (p < 0.001) and seen in 3+ articles`,
  };
  const reply: Reply = { content: `📈 **Rising names and phrases** in ${window}${where}`, cards: [card] };
  if (result.chart) {
    card.image = `attachment://${TRENDING_IMAGE}`;
    reply.attachments = [chartAttachment(TRENDING_IMAGE, result.chart, result.alt)];
  }
  return reply;
}
