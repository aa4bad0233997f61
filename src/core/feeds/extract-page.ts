import { isProbablyReaderable, Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { FeedParseError } from './parse-feed.ts';
import { htmlToParagraphs } from './html-text.ts';
import { liftEmbeddedPosts, pruneArticle, type DomElement } from './boilerplate.ts';
import { filterByArticleBody, readArticleBody } from './structured-body.ts';

export interface ExtractedPage {
  title: string;
  byline: string | null;
  siteName: string | null;
  /** ISO, from the page's article metadata. */
  publishedAt: string | null;
  lang: string | null;
  excerpt: string | null;
  paragraphs: string[];
  /** Readability's isProbablyReaderable verdict: false for index pages, forms and stubs. */
  readerable: boolean;
  /** The page's og:image (or twitter:image), https only; never fetched, Discord shows it. Absent when none. */
  image?: string;
}

/** The page's declared share picture, https only and within Discord's URL limit. */
function pageImage(document: { querySelector(s: string): { getAttribute(n: string): string | null } | null }, url: string): string | null {
  for (const sel of ['meta[property="og:image:secure_url"]', 'meta[property="og:image"]', 'meta[name="og:image"]', 'meta[name="twitter:image"]', 'meta[property="twitter:image"]']) {
    const raw = document.querySelector(sel)?.getAttribute('content')?.trim();
    if (!raw) continue;
    try {
      const u = new URL(raw, url).toString();
      if (u.startsWith('https://') && u.length <= 2048) return u;
    } catch {
      // An unreadable URL: try the next declaration.
    }
  }
  return null;
}

export interface ExtractOptions {
  /** false: Readability's text as it is, without the boilerplate rules (for comparison). */
  clean?: boolean;
  /** Told of every block the boilerplate rules remove (rule name, text): for tuning and reports. */
  onRemove?: (rule: string, text: string) => void;
}

const NOT_AN_ARTICLE = 'not a feed or article page';

/** Readability's metadata is already text (it reads textContent and meta content): only tidy it. */
function tidy(s: string | null | undefined): string | null {
  const t = (s ?? '').replace(/\s+/g, ' ').trim();
  return t || null;
}

/**
 * Readability 0.6 strips a trailing " | Site" or " - Site" from <title> but not the en or em
 * dash that many sites use; later Readability versions do. This applies their rule to titles
 * Readability took verbatim from <title>: cut the last dash part unless that leaves < 3 words.
 */
function trimDashSuffix(title: string, docTitle: string): string {
  if (title !== docTitle || !/ [–—] /.test(title)) return title;
  const cut = title.slice(0, title.search(/ [–—] [^–—]*$/));
  return cut.split(/\s+/).length >= 3 ? cut : title;
}

/**
 * A web page → one article: Mozilla Readability over a linkedom DOM (no scripts run, no
 * layout), with its default thresholds so results match Readability's own. Throws
 * FeedParseError('not a feed or article page') when the page holds no article text.
 */
export function extractPage(html: string, url: string, options: ExtractOptions = {}): ExtractedPage {
  if (!/<[a-z!]/i.test(html)) throw new FeedParseError(NOT_AN_ARTICLE);
  const { document } = parseHTML(html);
  if (!document.documentElement || !document.body) throw new FeedParseError(NOT_AN_ARTICLE);
  // Readability resolves relative links against these; linkedom leaves them unset.
  try {
    Object.defineProperty(document, 'documentURI', { value: url, configurable: true });
    Object.defineProperty(document, 'baseURI', { value: new URL(document.querySelector('base[href]')?.getAttribute('href') ?? url, url).toString(), configurable: true });
  } catch {
    // A broken <base> or URL: links stay relative, which plain text does not need anyway.
  }
  const docTitle = tidy(document.querySelector('title')?.textContent) ?? '';
  const image = pageImage(document as never, url);
  let readerable: boolean;
  let articleBody: string | null;
  let article: ReturnType<Readability<DomElement>['parse']>;
  try {
    // isProbablyReaderable must see the page before Readability rewrites it.
    readerable = isProbablyReaderable(document as never);
    // Read before Readability, which removes every script.
    articleBody = options.clean === false ? null : readArticleBody(document as never);
    if (options.clean !== false) liftEmbeddedPosts(document.body as never);
    // The element itself, classes kept: the boilerplate rules read class and id names.
    article = new Readability<DomElement>(document as never, { classesToPreserve: ['caption'], keepClasses: true, serializer: (node) => node as unknown as DomElement }).parse();
  } catch {
    // Readability throws on some malformed documents; for us that means "no article".
    throw new FeedParseError(NOT_AN_ARTICLE);
  }
  if (!article?.content) throw new FeedParseError(NOT_AN_ARTICLE);
  if (options.clean !== false) pruneArticle(article.content, tidy(article.title) ?? docTitle, options.onRemove);
  const paragraphs = filterByArticleBody(htmlToParagraphs((article.content as unknown as { innerHTML: string }).innerHTML), articleBody);
  if (paragraphs.length === 0) throw new FeedParseError(NOT_AN_ARTICLE);
  const published = article.publishedTime ? Date.parse(article.publishedTime) : NaN;
  const title = tidy(trimDashSuffix(tidy(article.title) ?? '', docTitle));
  return {
    // A page without any title is still an article; its address is the most honest name.
    title: title || url,
    byline: tidy(article.byline),
    siteName: tidy(article.siteName),
    publishedAt: Number.isNaN(published) ? null : new Date(published).toISOString(),
    lang: tidy(article.lang),
    excerpt: tidy(article.excerpt),
    paragraphs,
    readerable,
    ...(image ? { image } : {}),
  };
}
