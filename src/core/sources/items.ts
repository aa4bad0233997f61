import type { Article } from '../article.ts';
import { makeArticleId } from '../article.ts';
import { UserError } from '../errors.ts';
import { contentHash, dedupeKey } from '../feeds/dedupe.ts';
import type { ExtractedPage } from '../feeds/extract-page.ts';
import type { FeedItem, ParsedFeed } from '../feeds/parse-feed.ts';
import { FetchError, type FetchResult } from '../feeds/safe-fetch.ts';
import type { IngestItem, SourceKind, SourceRow } from '../store/index.ts';

/** What one fetch of a source turned into: its kind, the URL polled, and the items with any page text. */
export interface Resolved {
  kind: SourceKind;
  feedUrl: string;
  title: string;
  items: Array<{ item: FeedItem; page?: ExtractedPage }>;
  fetched: FetchResult;
  discoveredFrom: string | null;
  /** The feed's picture (https), the outlet's avatar for webhook deliveries. */
  image?: string;
}

/** A parsed feed as a resolved fetch. */
export function fromFeed(feed: ParsedFeed, fetched: FetchResult, discoveredFrom: string | null): Resolved {
  return {
    kind: feed.kind,
    feedUrl: fetched.url,
    title: feed.title ?? new URL(fetched.url).hostname,
    items: feed.items.map((item) => ({ item })),
    fetched,
    discoveredFrom,
    ...(feed.image ? { image: feed.image } : {}),
  };
}

/** A single article page as a feed item that already carries its full text. */
export function pageItem(page: ExtractedPage, url: string): FeedItem {
  return {
    guid: null,
    url,
    title: page.title,
    author: page.byline,
    publishedAt: page.publishedAt,
    originalPublishedAt: page.publishedAt,
    summary: page.excerpt,
    body: page.paragraphs,
    tags: [],
    links: [],
    hasFullText: true,
    ...(page.image ? { image: page.image } : {}),
  };
}

/**
 * Turns a fetch's items into store rows. The content hash covers the feed item only, never a
 * fetched page: a page fetched for full text must not make the next refresh see a "changed" item.
 */
export function toIngestItems(source: SourceRow, resolved: Resolved): IngestItem[] {
  return resolved.items.map(({ item, page }) => {
    const key = dedupeKey(item);
    const feedBody = item.body.length ? item.body : item.summary ? [item.summary] : [];
    const body = page?.paragraphs.length ? page.paragraphs : feedBody;
    const article: Article = {
      id: makeArticleId(source.id, key),
      sourceId: source.id,
      title: cleanTitle(item.title, body),
      byline: item.author ?? page?.byline ?? null,
      outlet: resolved.kind === 'page' ? (page?.siteName ?? source.name) : (resolved.title || source.name),
      dateline: null,
      tags: item.tags,
      caption: null,
      body,
      editors: [],
      url: item.url,
      publishedAt: item.publishedAt ?? page?.publishedAt ?? null,
      ...(item.image || page?.image ? { image: (item.image ?? page?.image)! } : {}),
    };
    const textOrigin = resolved.kind === 'page' || item.hasFullText ? 'feed' : page?.paragraphs.length ? 'page' : 'summary';
    return { article, dedupeKey: key, contentHash: contentHash({ ...item, body: feedBody }), textOrigin };
  });
}

/** Items without a title get one from their first words, never an empty heading. */
export function cleanTitle(title: string, body: string[]): string {
  const t = title.replace(/\s+/g, ' ').trim();
  if (t) return t.length > 300 ? `${t.slice(0, 297).replace(/\s+\S*$/, '')}…` : t;
  const first = (body[0] ?? '').replace(/\s+/g, ' ').trim();
  if (!first) return '(untitled)';
  return first.length > 80 ? `${first.slice(0, 79).replace(/\s+\S*$/, '')}…` : first;
}

/** One clear line for a failed fetch, always naming the URL. */
export function describeFailure(url: string, err: unknown): string {
  if (err instanceof FetchError) return err.message;
  if (err instanceof UserError) return err.message.startsWith('"') ? err.message : `"${url}": ${err.message}`;
  return `"${url}": ${err instanceof Error ? err.message : String(err)}`;
}
