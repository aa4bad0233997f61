import type { ChartRenderer } from '../charts/renderer.ts';
import { barSpec } from '../charts/specs.ts';
import type { Attachment, Reply } from '../reply.ts';
import type { DigestEntry } from './compose.ts';

/** Outlets drawn on their own in a digest's chart; the rest are "other". */
export const DIGEST_CHART_OUTLETS = 8;
export const DIGEST_CHART_IMAGE = 'digest-outlets.png';

/** The window's articles per outlet, most first (ties by name), the rest as "other". */
export function coverageByOutlet(entries: DigestEntry[]): Array<{ name: string; count: number; other?: boolean }> {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const name = e.article.outlet?.replace(/\s+/g, ' ').trim() || 'unknown outlet';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const bars = ranked.slice(0, DIGEST_CHART_OUTLETS).map(([name, count]) => ({ name, count }));
  const rest = ranked.slice(DIGEST_CHART_OUTLETS).reduce((n, [, c]) => n + c, 0);
  return rest > 0 ? [...bars, { name: `other (${ranked.length - DIGEST_CHART_OUTLETS} outlets)`, count: rest, other: true }] : bars;
}

/**
 * A digest with a small bar chart of its window's coverage by outlet, as the first card's picture
 * (the message that carries the files). The digest as it was when there is nothing to chart.
 */
export async function withOutletChart(reply: Reply, entries: DigestEntry[], charts: ChartRenderer, window: string): Promise<Reply> {
  const bars = coverageByOutlet(entries);
  if (bars.length === 0 || !reply.cards?.length) return reply;
  const total = entries.length;
  const chart = await charts.render(barSpec({ title: 'Coverage by outlet', subtitle: `${total} article${total === 1 ? '' : 's'}, ${window}`, bars, xTitle: 'articles', width: 420 }));
  const alt = `Bar chart of this digest's ${total} article${total === 1 ? '' : 's'} by outlet: ${bars.map((b) => `${b.name} ${b.count}`).join(', ')}.`;
  const file: Attachment = { name: DIGEST_CHART_IMAGE, contentType: 'image/png', data: Buffer.from(chart.png).toString('base64'), encoding: 'base64', description: alt.length > 1000 ? `${alt.slice(0, 999)}…` : alt };
  const [first, ...rest] = reply.cards;
  return { ...reply, cards: [{ ...first!, image: `attachment://${DIGEST_CHART_IMAGE}` }, ...rest], attachments: [...(reply.attachments ?? []), file] };
}
