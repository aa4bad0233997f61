import { decodeBody } from './charset.ts';
import { detectDocument } from './detect.ts';
import { discoverFeeds } from './discover.ts';
import { extractPage, type ExtractedPage } from './extract-page.ts';
import { FeedParseError, parseFeed, type ParsedFeed } from './parse-feed.ts';

export interface ParseRequest {
  kind: 'auto';
  bytes: Uint8Array;
  contentType: string | null;
  url: string;
  /** ISO fetch time: future item dates are clamped to it. */
  now: string;
}

export type ParseResponse =
  | { type: 'feed'; feed: ParsedFeed; encoding: string }
  | { type: 'page'; page: ExtractedPage; feeds: Array<{ url: string; type: string; title: string | null }>; encoding: string }
  | { type: 'error'; message: string };

/**
 * Bytes → a parsed feed, or an HTML page's linked feeds and extracted article. Runs inside the
 * parse worker; never throws (failures are `{ type: 'error' }` with a message for the moderator).
 */
export function runParseJob(req: ParseRequest): ParseResponse {
  try {
    const { text, encoding } = decodeBody(req.bytes, req.contentType);
    const kind = detectDocument(text, req.contentType);
    const now = new Date(req.now);
    if (kind === 'rss' || kind === 'rdf' || kind === 'atom' || kind === 'json-feed') {
      return { type: 'feed', feed: parseFeed(text, { url: req.url, now }), encoding };
    }
    if (kind === 'html') {
      const feeds = discoverFeeds(text, req.url);
      let page: ExtractedPage;
      try {
        page = extractPage(text, req.url);
      } catch (err) {
        if (!(err instanceof FeedParseError)) throw err;
        const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim() ?? req.url;
        page = { title, byline: null, siteName: null, publishedAt: null, lang: null, excerpt: null, paragraphs: [], readerable: false };
      }
      return { type: 'page', page, feeds, encoding };
    }
    // Not obviously anything: try it as a feed for a clear error message.
    try {
      return { type: 'feed', feed: parseFeed(text, { url: req.url, now }), encoding };
    } catch (err) {
      return { type: 'error', message: err instanceof FeedParseError ? err.message : 'not a feed or article page' };
    }
  } catch (err) {
    return { type: 'error', message: err instanceof FeedParseError ? err.message : `could not parse: ${(err as Error).message}` };
  }
}
