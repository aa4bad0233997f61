import { parseHTML } from 'linkedom';

/** Where sites usually keep their feed when a page does not link it. */
export const COMMON_FEED_PATHS = ['/feed', '/rss', '/atom.xml', '/index.xml', '/feed.xml', '/rss.xml', '/feed.json'];

const FEED_TYPES = /^(application\/(rss|atom|rdf|feed)\+(xml|json)|application\/(rss|atom)|text\/xml|application\/xml|application\/json)$/i;

/** Feeds a page announces with <link rel="alternate" type="…feed…">, resolved and deduplicated. */
export function discoverFeeds(html: string, pageUrl: string): Array<{ url: string; type: string; title: string | null }> {
  const { document } = parseHTML(html);
  const base = document.querySelector('base[href]')?.getAttribute('href');
  let baseUrl = pageUrl;
  try {
    if (base) baseUrl = new URL(base, pageUrl).toString();
  } catch {
    // a broken <base> is ignored
  }
  const out: Array<{ url: string; type: string; title: string | null }> = [];
  const seen = new Set<string>();
  for (const link of [...document.querySelectorAll('link[rel][href]')]) {
    const rel = (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (link.getAttribute('type') ?? '').trim();
    if (!rel.includes('alternate') || !FEED_TYPES.test(type)) continue;
    try {
      const url = new URL(link.getAttribute('href')!, baseUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      const s = url.toString();
      if (seen.has(s)) continue;
      seen.add(s);
      out.push({ url: s, type: type.toLowerCase(), title: link.getAttribute('title') });
    } catch {
      // unusable href
    }
  }
  return out;
}
