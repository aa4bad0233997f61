import { isProbablyReaderable, Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { FeedParseError } from './parse-feed.ts';
import { htmlToParagraphs, htmlToText } from './html-text.ts';

export interface ExtractedPage {
  title: string;
  byline: string | null;
  siteName: string | null;
  publishedAt: string | null;
  lang: string | null;
  excerpt: string | null;
  paragraphs: string[];
  readerable: boolean;
}

/**
 * A web page → one article, with Mozilla Readability over a linkedom DOM (no scripts run).
 * Throws FeedParseError('not a feed or article page') when there is no article text.
 */
export function extractPage(html: string, url: string): ExtractedPage {
  if (!/<[a-z!]/i.test(html)) throw new FeedParseError('not a feed or article page');
  const { document } = parseHTML(html);
  if (!document.documentElement || !document.body) throw new FeedParseError('not a feed or article page');
  // Readability resolves relative links against the document URL.
  try {
    Object.defineProperty(document, 'documentURI', { value: url, configurable: true });
    Object.defineProperty(document, 'baseURI', { value: url, configurable: true });
  } catch {
    // some DOMs freeze these; links then stay relative
  }
  let readerable: boolean;
  let article: ReturnType<Readability['parse']>;
  try {
    readerable = isProbablyReaderable(document as never);
    article = new Readability(document as never, { charThreshold: 200, classesToPreserve: ['caption'] }).parse();
  } catch {
    // Readability gives up on some malformed documents by throwing; for us that is "no article".
    throw new FeedParseError('not a feed or article page');
  }
  if (!article || !article.content) throw new FeedParseError('not a feed or article page');
  const paragraphs = htmlToParagraphs(article.content);
  if (paragraphs.length === 0) throw new FeedParseError('not a feed or article page');
  const published = article.publishedTime ? Date.parse(article.publishedTime) : NaN;
  return {
    title: htmlToText(article.title ?? '') || (document.querySelector('title')?.textContent?.trim() ?? url),
    byline: article.byline ? htmlToText(article.byline) || null : null,
    siteName: article.siteName ? htmlToText(article.siteName) || null : null,
    publishedAt: Number.isNaN(published) ? null : new Date(published).toISOString(),
    lang: article.lang ?? null,
    excerpt: article.excerpt ? htmlToText(article.excerpt) || null : null,
    paragraphs,
    readerable,
  };
}
