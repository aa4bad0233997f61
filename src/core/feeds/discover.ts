import { parseHTML } from 'linkedom';

/** Where sites usually keep their feed when a page does not link it. */
export const COMMON_FEED_PATHS = ['/feed', '/rss', '/atom.xml', '/index.xml', '/feed.xml', '/rss.xml', '/feed.json'];

export interface DiscoveredFeed {
  url: string;
  type: string;
  title: string | null;
}

/** Media types that always mean a feed. */
const FEED_TYPE = /^application\/(?:rss|atom|rdf|feed)\+(?:xml|json)$|^application\/(?:rss|atom|x-rss\+xml|x-atom\+xml)$/;
/** Generic types that are a feed only when the link says so (WordPress announces its REST API as application/json). */
const GENERIC_TYPE = /^(?:text\/xml|application\/xml|application\/json)$/;

/**
 * Feeds a page announces with `<link rel="alternate" type="…">`, resolved against `<base href>`
 * and the page URL, http(s) only, deduplicated. Comment feeds go last so the first entry is the
 * site's main feed.
 */
export function discoverFeeds(html: string, pageUrl: string): DiscoveredFeed[] {
  const { document } = parseHTML(html);
  let baseUrl = pageUrl;
  const base = document.querySelector('base[href]')?.getAttribute('href');
  if (base) {
    try {
      baseUrl = new URL(base, pageUrl).toString();
    } catch {
      // An unusable <base> is ignored, as browsers do.
    }
  }
  const found: DiscoveredFeed[] = [];
  const seen = new Set<string>();
  for (const link of [...document.querySelectorAll('link[rel][href]')]) {
    const rel = (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    if (!rel.includes('alternate')) continue;
    const type = (link.getAttribute('type') ?? '').trim().toLowerCase().split(';')[0]!.trim();
    const href = (link.getAttribute('href') ?? '').trim();
    const title = link.getAttribute('title')?.trim() || null;
    const feedish = FEED_TYPE.test(type) || (GENERIC_TYPE.test(type) && /\b(rss|atom|feed)\b/i.test(`${title ?? ''} ${href}`) && !/\/wp-json\//.test(href));
    if (!feedish || !href) continue;
    let url: URL;
    try {
      url = new URL(href, baseUrl);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    url.hash = '';
    const key = url.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ url: key, type, title });
  }
  const isComments = (f: DiscoveredFeed) => /\bcomments?\b/i.test(f.title ?? '') || /\/comments\/feed\b/i.test(f.url);
  return [...found.filter((f) => !isComments(f)), ...found.filter(isComments)];
}
