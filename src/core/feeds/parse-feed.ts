import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeXmlEntities, htmlToContent, htmlToText } from './html-text.ts';
import { authorName } from '../text/bylines.ts';
import { stripTitleFurniture } from './title-furniture.ts';

export interface FeedItem {
  guid: string | null;
  url: string | null;
  title: string;
  author: string | null;
  /** ISO; null when the feed claims a date more than a day ahead (see originalPublishedAt). */
  publishedAt: string | null;
  /**
   * Set only when publishedAt is not the feed's own date: the claimed date (ISO) when it was more
   * than a day ahead, or the raw string when it could not be read (publishedAt is null then).
   */
  originalPublishedAt: string | null;
  /** Plain text. */
  summary: string | null;
  /** Plain-text paragraphs from the full content, else from the summary. */
  body: string[];
  tags: string[];
  /** http(s) links found in the content and summary, absolute, deduplicated. */
  links: string[];
  /** False when the feed carried only a summary or excerpt. */
  hasFullText: boolean;
  /**
   * The item's picture (media:thumbnail, media:content, an image enclosure, JSON Feed image),
   * https only: it is shown by Discord's image proxy, never fetched by the bot. Absent when none.
   */
  image?: string;
}

export interface ParsedFeed {
  /** CDF channels (the pre-RSS Microsoft format) are read as kind 'rss', version 'cdf'. */
  kind: 'rss' | 'rdf' | 'atom' | 'json';
  version: string;
  title: string | null;
  link: string | null;
  description: string | null;
  items: FeedItem[];
  /** The feed's own picture or icon (https), the outlet's avatar for webhook posts; absent when none. */
  image?: string;
}

/** A document that is not a feed or cannot be read as one; the message is fit for a moderator. */
export class FeedParseError extends Error {
  override readonly name = 'FeedParseError';
}

/** Items past this are ignored: a feed is a window on recent news, not an archive dump. */
export const MAX_ITEMS = 10_000;

/** How far ahead of the fetch a feed's date may be and still be its publication date. */
const FUTURE_TOLERANCE_MS = 24 * 3_600_000;

/** Dates before this are placeholders (0, 1970, 1900) or typos, not publication dates. */
const EARLIEST_DATE = Date.UTC(1990, 0, 1);

type Node = unknown;
type Obj = Record<string, Node>;

/** Text constructs whose markup is kept raw: they hold escaped, CDATA or inline HTML. */
const RAW_TAGS = ['title', 'description', 'encoded', 'content', 'summary', 'subtitle', 'tagline', 'info', 'body', 'fullitem', 'abstract', 'ABSTRACT', 'TITLE'];

/** Namespaces whose elements are read by local name, as if they were RSS/Atom core elements. */
const MERGED_NAMESPACES = new Set([
  'http://www.w3.org/2005/atom',
  'http://purl.org/atom/ns#',
  'http://purl.org/rss/1.0/',
  'http://my.netscape.com/rdf/simple/0.9/',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  'http://purl.org/rss/1.0/modules/content/',
  'http://purl.org/dc/elements/1.1/',
  'http://purl.org/dc/terms/',
  'http://www.w3.org/1999/xhtml',
]);
/** Extension namespaces read under a fixed prefix, whatever prefix the document chose. */
const CANONICAL_PREFIX = new Map([
  ['http://search.yahoo.com/mrss/', 'media'],
  ['http://www.itunes.com/dtds/podcast-1.0.dtd', 'itunes'],
]);
/** Conventional prefixes, for documents that use them without declaring them. */
const CONVENTIONAL = new Map([
  ['atom', 'http://www.w3.org/2005/atom'],
  ['rdf', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#'],
  ['content', 'http://purl.org/rss/1.0/modules/content/'],
  ['dc', 'http://purl.org/dc/elements/1.1/'],
  ['dcterms', 'http://purl.org/dc/terms/'],
  ['xhtml', 'http://www.w3.org/1999/xhtml'],
  ['media', 'http://search.yahoo.com/mrss/'],
  ['itunes', 'http://www.itunes.com/dtds/podcast-1.0.dtd'],
]);

/**
 * Element name → the name the readers below look up. Core and well-known module elements lose
 * their prefix; any other extension keeps it, so `<szf:description>` or `<media:title>` can
 * never stand in for the item's own description or title. Prefixes are resolved through the
 * document's xmlns declarations (gathered up front: feeds do not rebind prefixes in practice).
 */
function tagNamer(source: string): (tag: string) => string {
  const bound = new Map(CONVENTIONAL);
  for (const m of source.matchAll(/\bxmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) bound.set(m[1]!, m[2]!.trim().toLowerCase());
  return (tag) => {
    const colon = tag.indexOf(':');
    if (colon === -1) return tag;
    const local = tag.slice(colon + 1);
    const uri = bound.get(tag.slice(0, colon));
    if (uri === undefined) return tag;
    const norm = uri.endsWith('/') || uri.endsWith('#') ? uri : `${uri}/`;
    if (MERGED_NAMESPACES.has(uri) || MERGED_NAMESPACES.has(norm)) return local;
    const canonical = CANONICAL_PREFIX.get(uri) ?? CANONICAL_PREFIX.get(uri.replace(/\/$/, ''));
    return canonical ? `${canonical}:${local}` : tag;
  };
}

/**
 * fast-xml-parser never reads external entities (SYSTEM/PUBLIC). Entities a DOCTYPE declares are
 * capped in count, size, nesting and total expansion, so billion-laughs documents stay small;
 * `appliesTo: 'external'` (missing from the package's typings) keeps the caps off the ordinary
 * &amp; and &#8217; of a 10,000-item feed.
 */
const ENTITY_LIMITS = { enabled: true, maxEntityCount: 100, maxEntitySize: 10_000, maxExpansionDepth: 5, maxTotalExpansions: 1000, maxExpandedLength: 100_000, appliesTo: 'external' };

function makeParser(source: string): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: false,
    transformTagName: tagNamer(source),
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    textNodeName: '#text',
    cdataPropName: false,
    htmlEntities: true,
    processEntities: ENTITY_LIMITS,
    stopNodes: RAW_TAGS.map((t) => `*.${t}`),
    isArray: (name) => ['item', 'entry', 'link', 'category', 'media:category', 'author', 'ITEM'].includes(name),
  });
}

function text(node: Node): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node).trim();
  if (Array.isArray(node)) return node.map(text).find((s) => s) ?? '';
  const o = node as Obj;
  return '#text' in o ? text(o['#text']) : '';
}

/** An attribute by local name: `base` finds xml:base, `about` finds rdf:about. */
function attr(node: Node, name: string): string | null {
  const first = Array.isArray(node) ? node[0] : node;
  if (!first || typeof first !== 'object') return null;
  const o = first as Obj;
  let v = o[`@_${name}`];
  if (v === undefined) {
    const key = Object.keys(o).find((k) => k.startsWith('@_') && k.endsWith(`:${name}`) && !k.startsWith('@_xmlns'));
    v = key === undefined ? undefined : o[key];
  }
  return v === undefined || v === null ? null : String(v);
}

function list(node: Node): Node[] {
  if (node === undefined || node === null) return [];
  return Array.isArray(node) ? node : [node];
}

function obj(node: Node): Obj {
  const first = Array.isArray(node) ? node[0] : node;
  return first && typeof first === 'object' ? (first as Obj) : {};
}

/** A complete start/end tag or a comment opener: the text is HTML rather than prose with a stray '<'. */
const LOOKS_LIKE_HTML = /<(?:[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?|\/[a-z][a-z0-9-]*\s*)>|<!--/i;

function escapeAngles(s: string): string {
  return s.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The raw markup of a text construct → an HTML string. CDATA sections hold HTML as is; markup
 * outside CDATA is inline (X)HTML; otherwise the text is escaped HTML, decoded once. Text that
 * turns out to hold no tags stays text (its '<' escaped), so "x<y" in a title survives.
 */
function rawHtml(node: Node, type?: string | null): string {
  const raw = text(node);
  if (!raw) return '';
  const t = (type ?? '').toLowerCase();
  if (t === 'base64' || (t && !['text', 'html', 'xhtml', 'escaped', 'xml'].includes(t) && !t.startsWith('text/') && !/[+/]xml$/.test(t))) {
    // Atom: a media type that is neither text nor XML carries base64 (RFC 4287 §4.1.3.3).
    return Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  const parts = raw.split(/(<!\[CDATA\[[\s\S]*?(?:\]\]>|$))/);
  const outside = parts.filter((_, i) => i % 2 === 0).join('');
  if (/</.test(outside)) {
    // Inline markup: already an HTML serialisation (its entities are decoded by the HTML parser).
    return parts.map((p, i) => (i % 2 === 1 ? p.replace(/^<!\[CDATA\[/, '').replace(/\]\]>$/, '') : p)).join('');
  }
  const decoded = parts.map((p, i) => (i % 2 === 1 ? p.replace(/^<!\[CDATA\[/, '').replace(/\]\]>$/, '') : decodeXmlEntities(p))).join('');
  return LOOKS_LIKE_HTML.test(decoded) ? decoded : escapeAngles(decoded);
}

function contentType(node: Node): string | null {
  return attr(node, 'mode') === 'base64' ? 'base64' : attr(node, 'type');
}

function textOf(node: Node): string {
  return htmlToText(rawHtml(node, contentType(node)));
}

function resolve(href: string | null | undefined, base: string): string | null {
  if (!href) return null;
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

const ZONES: Record<string, string> = { BST: '+0100', CET: '+0100', CEST: '+0200', EET: '+0200', EEST: '+0300', MSK: '+0300', IST: '+0530', JST: '+0900', KST: '+0900', AEST: '+1000', AEDT: '+1100', NZST: '+1200', NZDT: '+1300' };
const ISO_DATE = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T\s](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** A feed date (W3CDTF/ISO 8601 or RFC 822 with its variants) → epoch ms; no zone means UTC. */
function readDate(v: string): number {
  const iso = ISO_DATE.exec(v);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = iso;
    if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 24 || Number(mi) > 59 || Number(s) > 60) return NaN;
    let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.round(Number(`0.${frac}`) * 1000));
    if (zone && zone.toUpperCase() !== 'Z') {
      const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
      t -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
    }
    return t;
  }
  // RFC 822 and friends: let V8 read them, but make "no zone" mean UTC rather than local time.
  let r = v.replace(/\s+/g, ' ').replace(/\b([A-Z]{3,4})$/, (m) => ZONES[m] ?? m);
  if (!/(?:[+-]\d{2}:?\d{2}|\b(?:GMT|UTC?|Z|[ECMP][SD]T))$/i.test(r)) r += ' GMT';
  return Date.parse(r);
}

function datePair(raw: string | null, now: Date): { publishedAt: string | null; original: string | null } {
  const v = (raw ?? '').trim();
  if (!v) return { publishedAt: null, original: null };
  const t = readDate(v);
  if (!Number.isFinite(t) || t < EARLIEST_DATE || t > Date.UTC(9999, 11, 31)) return { publishedAt: null, original: v.slice(0, 100) };
  // A date a little ahead is a clock or time-zone slip of the publisher's and is kept as given (a
  // refresh then sees the same date, not a new "date changed"); one more than a day ahead is no
  // publication date: the item is undated, the claimed date kept for the record.
  if (t > now.getTime() + FUTURE_TOLERANCE_MS) return { publishedAt: null, original: new Date(t).toISOString() };
  return { publishedAt: new Date(t).toISOString(), original: null };
}

interface ItemFields {
  guid: string | null;
  url: string | null;
  title: string;
  author: string | null;
  date: string | null;
  summaryHtml: string;
  contentHtml: string;
  tags: string[];
  /** What relative links in the content resolve against (xml:base, else the item or document URL). */
  base: string;
  /** The same for the summary, when it has its own xml:base. */
  summaryBase?: string;
  image?: string | null;
  now: Date;
}

function makeItem(f: ItemFields): FeedItem {
  const content = f.contentHtml ? htmlToContent(f.contentHtml, f.base) : { paragraphs: [], links: [] };
  const summary = f.summaryHtml ? htmlToContent(f.summaryHtml, f.summaryBase ?? f.base) : { paragraphs: [], links: [] };
  const { publishedAt, original } = datePair(f.date, f.now);
  return {
    guid: f.guid?.trim() || null,
    url: f.url,
    title: f.title,
    author: f.author ? htmlToText(f.author) || null : null,
    publishedAt,
    originalPublishedAt: original,
    summary: summary.paragraphs.join(' ') || null,
    body: content.paragraphs.length ? content.paragraphs : summary.paragraphs,
    tags: [...new Set(f.tags.map((t) => htmlToText(t)).filter(Boolean))],
    links: [...new Set([...content.links, ...summary.links])],
    hasFullText: content.paragraphs.length > 0,
    ...(f.image ? { image: f.image } : {}),
  };
}

const IMAGE_FILE = /\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)/i;

/** An https image URL (≤ 2048 chars, Discord's embed limit), or null: http images would be mixed content. */
function httpsImage(href: string | null | undefined, base: string): string | null {
  const u = resolve(href, base);
  return u && u.startsWith('https://') && u.length <= 2048 ? u : null;
}

/**
 * The first https picture of an RSS/Atom item: media:thumbnail, then media:content (also inside
 * media:group) that is an image, then an image enclosure (RSS enclosure or Atom rel="enclosure").
 */
function itemImage(i: Obj, base: string): string | null {
  const group = obj(i['media:group']);
  const media = [...list(i['media:thumbnail']), ...list(group['media:thumbnail'])].map((n) => attr(n, 'url'));
  const isImage = (n: Node) => {
    const type = (attr(n, 'type') ?? '').toLowerCase();
    const medium = (attr(n, 'medium') ?? '').toLowerCase();
    return medium === 'image' || type.startsWith('image/') || (!type && !medium && IMAGE_FILE.test(attr(n, 'url') ?? attr(n, 'href') ?? ''));
  };
  const contents = [...list(i['media:content']), ...list(group['media:content'])].filter(isImage).map((n) => attr(n, 'url'));
  const enclosures = list(i.enclosure).filter(isImage).map((n) => attr(n, 'url'));
  const atomEnclosures = list(i.link).filter((l) => (attr(l, 'rel') ?? '').toLowerCase() === 'enclosure' && isImage(l)).map((l) => attr(l, 'href'));
  for (const href of [...media, ...contents, ...enclosures, ...atomEnclosures]) {
    const u = httpsImage(href, base);
    if (u) return u;
  }
  return null;
}

function parseRss(root: Obj, kind: 'rss' | 'rdf', source: string, url: string, now: Date): ParsedFeed {
  const rss = obj(kind === 'rss' ? root.rss : root.RDF);
  const channel = obj(rss.channel);
  const rawItems = kind === 'rdf' ? list(rss.item).concat(list(channel.item)) : list(channel.item).concat(list(rss.item));
  const feedLink = resolve(list(channel.link).map(text).find(Boolean), url);
  const items = rawItems.slice(0, MAX_ITEMS).map((n) => {
    const i = obj(n);
    const guidNode = i.guid;
    const guid = text(guidNode) || (kind === 'rdf' ? attr(i, 'about') : null) || null;
    const link = list(i.link).map(text).find(Boolean) ?? null;
    // RSS 2.0: a GUID is the permalink unless isPermaLink="false".
    const permalink = text(guidNode) && attr(guidNode, 'isPermaLink')?.toLowerCase() !== 'false' ? text(guidNode) : null;
    const itemUrl = resolve(link, url) ?? (permalink && /^https?:\/\//i.test(permalink) ? resolve(permalink, url) : null) ?? (kind === 'rdf' ? resolve(attr(i, 'about'), url) : null);
    return makeItem({
      guid,
      url: itemUrl,
      title: textOf(i.title),
      author: text(i.creator) || atomAuthor(i.author) || text(i['itunes:author']) || null,
      date: text(i.pubDate) || text(i.date) || text(i.published) || text(i.issued) || text(i.updated) || text(i.modified) || null,
      summaryHtml: rawHtml(i.description, contentType(i.description)),
      // Not i.content: in RSS that is media:content, an enclosure, never the article text.
      contentHtml: rawHtml(i.encoded) || rawHtml(i.body, 'xhtml') || rawHtml(i.fullitem),
      tags: [...list(i.category), ...list(i.subject), ...list(i['media:category'])].map((c) => text(c) || attr(c, 'term') || attr(c, 'label') || ''),
      base: itemUrl ?? url,
      image: itemImage(i, itemUrl ?? url),
      now,
    });
  });
  const version = kind === 'rdf' ? (/my\.netscape\.com\/rdf\/simple\/0\.9/.test(source.slice(0, 4096)) ? '0.90' : '1.0') : (attr(rss, 'version') ?? '2.0');
  const image = httpsImage(text(obj(channel.image).url), url) ?? httpsImage(text(obj(rss.image).url), url) ?? httpsImage(attr(channel['itunes:image'], 'href'), url);
  return { kind, version, title: textOf(channel.title) || null, link: feedLink, description: textOf(channel.description) || null, items, ...(image ? { image } : {}) };
}

function atomLink(links: Node[], base: string): string | null {
  const rel = (l: Node) => (attr(l, 'rel') ?? 'alternate').toLowerCase();
  const alternates = links.filter((l) => rel(l) === 'alternate');
  const best = alternates.find((l) => /html/i.test(attr(l, 'type') ?? 'text/html')) ?? alternates[0];
  return resolve(attr(best, 'href') ?? (text(best) || null), base);
}

function atomAuthor(node: Node): string | null {
  const names = [...new Set(list(node).map((a) => text(obj(a).name) || text(a)).filter(Boolean))];
  return names.length ? names.join(', ') : null;
}

function parseAtom(root: Obj, url: string, now: Date): ParsedFeed {
  const feed = obj(root.feed);
  const base = resolve(attr(feed, 'base'), url) ?? url;
  const feedAuthor = atomAuthor(feed.author);
  const version = attr(feed, 'version') === '0.3' ? '0.3' : '1.0';
  const feedImage = httpsImage(text(feed.icon), base) ?? httpsImage(text(feed.logo), base);
  const items = list(feed.entry)
    .slice(0, MAX_ITEMS)
    .map((n) => {
      const e = obj(n);
      const entryBase = resolve(attr(e, 'base'), base) ?? base;
      const content = list(e.content)[0];
      const contentBase = resolve(attr(content, 'base'), entryBase) ?? entryBase;
      return makeItem({
        guid: text(e.id) || null,
        url: atomLink(list(e.link), entryBase),
        title: textOf(e.title),
        author: atomAuthor(e.author) ?? feedAuthor,
        date: text(e.published) || text(e.issued) || text(e.updated) || text(e.modified) || text(e.created) || null,
        summaryHtml: rawHtml(e.summary, contentType(e.summary)),
        // Content by reference (src=…) is not in the feed: the item is summary-only.
        contentHtml: attr(content, 'src') ? '' : rawHtml(content, contentType(content)),
        tags: list(e.category).map((c) => attr(c, 'term') || attr(c, 'label') || text(c)),
        base: contentBase,
        summaryBase: resolve(attr(e.summary, 'base'), entryBase) ?? entryBase,
        image: itemImage(e, entryBase),
        now,
      });
    });
  return {
    kind: 'atom',
    version,
    title: textOf(feed.title) || null,
    link: atomLink(list(feed.link), base),
    description: textOf(feed.subtitle) || textOf(feed.tagline) || null,
    items,
    ...(feedImage ? { image: feedImage } : {}),
  };
}

/** CDF elements and attributes are upper-case by convention but not by rule. */
function cdf(node: Node, name: string): Node {
  const o = obj(node);
  const key = Object.keys(o).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : o[key];
}

function cdfAttr(node: Node, name: string): string | null {
  const o = obj(node);
  const key = Object.keys(o).find((k) => k.toLowerCase() === `@_${name}`);
  return key === undefined ? null : String(o[key]);
}

function parseCdf(channel: Node, url: string, now: Date): ParsedFeed {
  const items = list(cdf(channel, 'item'))
    .slice(0, MAX_ITEMS)
    .map((n) => {
      const link = resolve(cdfAttr(n, 'href'), url);
      return makeItem({
        guid: null,
        url: link,
        title: textOf(cdf(n, 'title')),
        author: null,
        date: cdfAttr(n, 'lastmod'),
        summaryHtml: rawHtml(cdf(n, 'abstract')),
        contentHtml: '',
        tags: [],
        base: link ?? url,
        now,
      });
    });
  return { kind: 'rss', version: 'cdf', title: textOf(cdf(channel, 'title')) || null, link: resolve(cdfAttr(channel, 'href'), url), description: textOf(cdf(channel, 'abstract')) || null, items };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** content_text → paragraphs of HTML, bare URLs made links so they reach FeedItem.links. */
function plainToHtml(plain: string): string {
  return plain
    .split(/\n\s*\n/)
    .map((p) => `<p>${escapeHtml(p).replace(/https?:\/\/[^\s<>"]+/g, (u) => `<a href="${u.replace(/"/g, '&quot;')}">${u}</a>`)}</p>`)
    .join('');
}

function parseJsonFeed(source: string, url: string, now: Date): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch (err) {
    throw new FeedParseError(`malformed JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new FeedParseError('not a feed: JSON that is not a JSON Feed object');
  const d = doc as Obj;
  const version = typeof d.version === 'string' ? d.version : '';
  const isJsonFeed = /jsonfeed\.org\/version\//.test(version) || /^1(\.\d)?$/.test(version);
  if (!Array.isArray(d.items)) throw new FeedParseError(isJsonFeed ? 'JSON Feed without items' : 'not a feed: JSON without a JSON Feed "version" and "items"');
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
  const home = str(d.home_page_url);
  const base = resolve(home, url) ?? url;
  const authorsOf = (o: Obj): Obj[] => (Array.isArray(o.authors) ? (o.authors as Obj[]) : o.author && typeof o.author === 'object' ? [o.author as Obj] : []);
  const feedAuthors = authorsOf(d);
  const items = (d.items as unknown[])
    .slice(0, MAX_ITEMS)
    .filter((i): i is Obj => !!i && typeof i === 'object' && !Array.isArray(i))
    .map((i) => {
      const authors = authorsOf(i).length ? authorsOf(i) : feedAuthors;
      const html = str(i.content_html);
      const plain = str(i.content_text);
      const itemUrl = resolve(str(i.url), base) ?? resolve(str(i.external_url), base);
      return makeItem({
        guid: i.id !== undefined && i.id !== null && String(i.id).trim() ? String(i.id) : null,
        url: itemUrl,
        title: htmlToText(rawHtml(str(i.title) ?? '')),
        author: authors.map((a) => str(a?.name)).filter(Boolean).join(', ') || null,
        date: str(i.date_published) ?? str(i.date_modified),
        summaryHtml: str(i.summary) ? escapeHtml(str(i.summary)!) : '',
        contentHtml: html ?? (plain ? plainToHtml(plain) : ''),
        tags: Array.isArray(i.tags) ? (i.tags as unknown[]).filter((t) => typeof t === 'string' || typeof t === 'number').map(String) : [],
        base: itemUrl ?? base,
        image: httpsImage(str(i.image), itemUrl ?? base) ?? httpsImage(str(i.banner_image), itemUrl ?? base),
        now,
      });
    });
  const declared = /jsonfeed\.org\/version\/(\d+(?:\.\d+)?)/.exec(version)?.[1] ?? (/^\d+(\.\d+)?$/.test(version) ? version : '1.0');
  const image = httpsImage(str(d.icon), base) ?? httpsImage(str(d.favicon), base);
  return { kind: 'json', version: /^\d+$/.test(declared) ? `${declared}.0` : declared, title: str(d.title) ? htmlToText(str(d.title)!) : null, link: resolve(home, url), description: str(d.description), items, ...(image ? { image } : {}) };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/**
 * Where the content starts after leading comments (and processing instructions, unless
 * `commentsOnly`); -1 if nothing follows them.
 */
function afterLeadingMisc(s: string, commentsOnly = false): number {
  let i = 0;
  for (;;) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) return -1;
    const close = s.startsWith('<!--', i) ? s.indexOf('-->', i + 4) + 3 : !commentsOnly && s.startsWith('<?', i) ? s.indexOf('?>', i + 2) + 2 : -1;
    if (close < i) return i;
    i = close;
  }
}

/** The document with its DOCTYPE (internal subset included) cut out; found with indexOf, so linear. */
function withoutDoctype(s: string): string {
  const at = s.search(/<!DOCTYPE/i);
  if (at === -1) return s;
  const close = s.indexOf('>', at);
  const bracket = s.indexOf('[', at);
  let end = close;
  if (bracket !== -1 && (close === -1 || bracket < close)) {
    const subsetEnd = s.indexOf(']', bracket);
    end = subsetEnd === -1 ? -1 : s.indexOf('>', subsetEnd);
  }
  return end === -1 ? s : s.slice(0, at) + s.slice(end + 1);
}

/** Validates for a line number; a comment before <?xml?> is skipped so the real fault is reported. */
function malformed(source: string, err: unknown): FeedParseError {
  const prolog = source.indexOf('<?xml');
  const skip = prolog > 0 && afterLeadingMisc(source.slice(0, prolog)) === -1 ? prolog : 0;
  const v = XMLValidator.validate(source.slice(skip));
  if (v !== true) {
    // The validator reports elements still open at the end as "Invalid '[ "rss", … ]' found".
    const open = /^Invalid '\[(.*)\]' found/.exec(v.err.msg)?.[1];
    if (open !== undefined) {
      const names = [...open.matchAll(/"([^"]*)"/g)].map((m) => `<${m[1]}>`).join('');
      return new FeedParseError(`malformed XML at line ${source.split('\n').length}: the document ends inside ${names}`);
    }
    const line = v.err.line + (source.slice(0, skip).match(/\n/g)?.length ?? 0);
    return new FeedParseError(`malformed XML at line ${line}: ${firstLine(v.err.msg)}`);
  }
  return new FeedParseError(`malformed XML: ${firstLine((err as Error).message)}`);
}

/**
 * Parses RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0 and JSON Feed 1.0/1.1 (and legacy CDF) into
 * items with plain-text bodies. External entities are never resolved and entity expansion is
 * capped. Lenient with what feed readers tolerate (a truncated final end tag, unreadable DOCTYPE
 * entities); throws FeedParseError with a clear message for everything else: `not a feed: …`,
 * `malformed XML at line N: …`, `malformed JSON: …`, `JSON Feed without items`.
 */
export function parseFeed(source: string, opts: { url: string; now: Date }): ParsedFeed {
  const feed = parseAnyFeed(source, opts);
  // Bylines are names (never an e-mail address), and titles lose the site furniture the feed
  // itself shows to be furniture.
  const items = feed.items.map((i) => (i.author === null ? i : { ...i, author: authorName(i.author) }));
  return { ...feed, items: stripTitleFurniture(items, feed.title) };
}

function parseAnyFeed(source: string, opts: { url: string; now: Date }): ParsedFeed {
  const trimmed = source.replace(/^\uFEFF/, '').trim();
  if (!trimmed || afterLeadingMisc(trimmed) === -1) throw new FeedParseError('not a feed: the document is empty');
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJsonFeed(trimmed, opts.url, opts.now);
  if (!trimmed.startsWith('<')) throw new FeedParseError('not a feed: the document is neither XML nor JSON');
  // An HTML page (never with an XML prolog; XHTML is caught below by its root element).
  const start = afterLeadingMisc(trimmed, true);
  if (/^<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i.test(trimmed.slice(start, start + 16))) throw new FeedParseError('not a feed: this is an HTML page');
  let root: Obj;
  try {
    root = makeParser(trimmed).parse(trimmed) as Obj;
  } catch (err) {
    // Two breakages feed readers shrug off: a truncated final end tag, and a DOCTYPE whose
    // entities the parser refuses (external, too many, too big). Without the DOCTYPE those
    // references stay as literal text; nothing is fetched and nothing is expanded.
    const repaired = withoutDoctype(trimmed.replace(/<\/(rss|feed|rdf:RDF)\s*$/, '</$1>'));
    if (repaired === trimmed) throw malformed(trimmed, err);
    try {
      root = makeParser(repaired).parse(repaired) as Obj;
    } catch {
      throw malformed(trimmed, err);
    }
  }
  const has = (k: string) => Object.prototype.hasOwnProperty.call(root, k);
  if (has('rss')) return parseRss(root, 'rss', trimmed, opts.url, opts.now);
  if (has('RDF')) return parseRss(root, 'rdf', trimmed, opts.url, opts.now);
  if (has('feed')) return parseAtom(root, opts.url, opts.now);
  if (has('channel')) return parseRss({ rss: root }, 'rss', trimmed, opts.url, opts.now);
  if (has('CHANNEL')) return parseCdf(root.CHANNEL, opts.url, opts.now);
  if (has('html') || has('HTML')) throw new FeedParseError('not a feed: this is an HTML page');
  if (XMLValidator.validate(trimmed) !== true) throw malformed(trimmed, new Error('unreadable document'));
  const top = Object.keys(root).find((k) => !k.startsWith('?'));
  throw new FeedParseError(top ? `not a feed: the root element is <${top}>, not <rss>, <rdf:RDF>, <feed> or a JSON Feed` : 'not a feed: the document has no root element');
}
