import type { Article } from '../core/article.ts';
import { formatDay } from '../core/dates.ts';
import { escapeInline } from '../core/text/escape.ts';

/** "Daily NK · 2024-03-07 · By Moon Sung Whui" ("undated" without a date) — escaped, for a card's secondary line. */
export function describeArticle(article: Article): string {
  const parts: string[] = [];
  if (article.outlet) parts.push(escapeInline(article.outlet));
  // The publication date; an undated article says so (never the time it was fetched or imported).
  parts.push(formatDay(article.publishedAt) ?? 'undated');
  if (article.byline) parts.push(`By ${escapeInline(article.byline)}`);
  if (article.dateline) parts.push(escapeInline(article.dateline));
  return parts.join(' · ');
}

