import { createHash } from 'node:crypto';

/** The source id every seed article belongs to; seeds are visible in every newsroom. */
export const SEED_SOURCE_ID = 'seeds';

/**
 * A clean article: what the parsers produce, the store keeps and the index searches.
 * Text fields are plain text (no HTML, no markdown); escaping happens when text leaves for Discord.
 */
export interface Article {
  /** Stable id, derived from content by {@link makeArticleId}; short enough for `/article id:`. */
  id: string;
  /** The source the article came from ({@link SEED_SOURCE_ID} for seeds). */
  sourceId: string;
  title: string;
  /** Author names as printed, without the leading "By". */
  byline: string | null;
  /** Publication name, e.g. "Daily NK", "Radio Free Asia". */
  outlet: string | null;
  /** Place line that opened the text, e.g. "TAIPEI, Taiwan". */
  dateline: string | null;
  tags: string[];
  /** Photo caption printed above the text, if any. */
  caption: string | null;
  /** Body paragraphs in order, each one plain text on a single line. */
  body: string[];
  /** Editors credited in an "Edited by …" line. */
  editors: string[];
  /** Canonical link; null for seeds. */
  url: string | null;
  /** ISO-8601 publication time when known. */
  publishedAt: string | null;
  /** The item's picture (https, from the feed or the page's og:image); absent when none. */
  image?: string;
}

/**
 * Derives a stable article id from identifying content.
 * The same parts always give the same id, so a re-import of an unchanged text keeps its id.
 */
export function makeArticleId(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part.normalize('NFC')).update('\u0000');
  return hash.digest('hex').slice(0, 12);
}

/** The whole body as one string, paragraphs separated by blank lines. */
export function articleText(article: Pick<Article, 'body'>): string {
  return article.body.join('\n\n');
}
