import { createHash } from 'node:crypto';

/** Query parameters that only track the reader; they never identify an article. */
const TRACKING = /^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ref|ref_src|ref_url|cmpid|cmp|ito|icid|igshid|_ga|_gl|yclid|spm|share|s_cid|ncid|ocid|sr_share|rss|feed|source)$/i;

/** A link reduced to what identifies the page: lower-case host, no fragment, no tracking params, sorted query. */
export function normalizeLink(url: string): string {
  try {
    const u = new URL(url.trim());
    u.hash = '';
    if (u.pathname.length > 1 && u.pathname.endsWith('/')) u.pathname = u.pathname.replace(/\/+$/, '');
    u.hostname = u.hostname.toLowerCase().replace(/^www\./, '');
    if ((u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443')) u.port = '';
    const params = [...u.searchParams.entries()].filter(([k]) => !TRACKING.test(k)).sort(([a], [b]) => a.localeCompare(b));
    u.search = '';
    for (const [k, v] of params) u.searchParams.append(k, v);
    // http and https copies of one page are one article.
    return u.toString().replace(/^http:/, 'https:');
  } catch {
    return url.trim();
  }
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function normText(s: string): string {
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

export interface DedupeFields {
  guid: string | null;
  url: string | null;
  title: string;
  body: string[];
  summary: string | null;
}

/** The identity of an item within its source: GUID → normalised link → hash of title and text. */
export function dedupeKey(item: DedupeFields): string {
  const guid = item.guid?.trim();
  if (guid) return `guid:${guid}`;
  if (item.url) return `link:${normalizeLink(item.url)}`;
  return `hash:${hash([normText(item.title), normText(item.body.join(' ') || item.summary || '')])}`;
}

/** Changes when what a reader sees changes, so an updated item is re-stored and re-indexed. */
export function contentHash(item: DedupeFields): string {
  return hash([item.title, ...item.body, item.summary ?? '']);
}
