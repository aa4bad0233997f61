import { createHash } from 'node:crypto';

/**
 * Query parameters that only track the reader (campaign tags, click IDs, newsletter and
 * analytics markers); they never identify an article. Generic names such as `source`, `share`
 * or `id` are deliberately absent: on some sites they select the page.
 */
const TRACKING_PARAM =
  /^(?:utm_\w+|fbclid|gclid|gclsrc|dclid|msclkid|twclid|li_fat_id|mc_cid|mc_eid|ref|ref_src|ref_url|igshid|_ga|_gl|yclid|cmpid|icid|ito|s_cid|ncid|ocid|sr_share|mkt_tok|_hsenc|_hsmi|vero_id|oly_anon_id|oly_enc_id|wt_mc|wt\.mc_id|at_medium|at_campaign|at_custom\d*|__twitter_impression|guccounter|guce_referrer|guce_referrer_sig|ns_mchannel|ns_source|ns_campaign|ns_linkname|ns_fee)$/i;

/** Keys longer than this are hashed so a hostile GUID cannot bloat the store's unique index. */
const MAX_KEY_PART = 512;

/**
 * A link reduced to what identifies the page, for deduplication (never for display): host
 * lower-cased and without `www.`, default port and fragment dropped, tracking parameters
 * removed, the rest sorted, no trailing slash on a path, and http folded into https (the two
 * are one article). A string that is not an absolute URL comes back trimmed.
 */
export function normalizeLink(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return url.trim();
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return u.toString();
  u.hash = '';
  u.username = '';
  u.password = '';
  u.hostname = u.hostname.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  if (u.protocol === 'http:') {
    u.protocol = 'https:';
    // http's :443 is not https's default; keep any explicit port other than the two defaults.
  }
  if (u.port === '80' || u.port === '443') u.port = '';
  if (u.pathname.length > 1) u.pathname = u.pathname.replace(/\/+$/, '') || '/';
  const params = [...u.searchParams.entries()]
    .filter(([k]) => !TRACKING_PARAM.test(k))
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  u.search = '';
  for (const [k, v] of params) u.searchParams.append(k, v);
  return u.toString();
}

function sha256(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** Case-, width- and whitespace-insensitive form of a text, so cosmetic edits keep the key. */
function normText(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

function bounded(prefix: string, value: string): string {
  return value.length <= MAX_KEY_PART ? `${prefix}:${value}` : `${prefix}#${sha256([value]).slice(0, 40)}`;
}

/** The fields that identify an item and make up what a reader sees. */
export interface DedupeFields {
  guid: string | null;
  url: string | null;
  title: string;
  body: string[];
  summary: string | null;
}

/**
 * The identity of an item within its source: `guid:<GUID>`, else `link:<normalised link>`,
 * else `hash:<sha256 of normalised title and text>`. Republishing under the same GUID or link
 * yields the same key; the store keeps keys unique per source.
 */
export function dedupeKey(item: DedupeFields): string {
  const guid = item.guid?.trim();
  if (guid) return bounded('guid', guid);
  const url = item.url?.trim();
  if (url) return bounded('link', normalizeLink(url));
  const text = item.body.length > 0 ? item.body.join('\n') : (item.summary ?? '');
  return `hash:${sha256([normText(item.title), normText(text)]).slice(0, 32)}`;
}

/**
 * Changes whenever what a reader sees changes (title, text, summary, link), so an item that
 * keeps its key but was edited upstream is re-stored and re-indexed.
 */
export function contentHash(item: DedupeFields): string {
  return sha256([item.title, item.url ?? '', item.summary ?? '', ...item.body]).slice(0, 32);
}
