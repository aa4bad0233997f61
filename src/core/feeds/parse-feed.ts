import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeXmlEntities, htmlToParagraphs, htmlToText } from './html-text.ts';

export interface FeedItem {
  guid: string | null;
  url: string | null;
  title: string;
  author: string | null;
  /** ISO; clamped to the fetch time when the feed claims a future date. */
  publishedAt: string | null;
  /** The date as the feed gave it, when it was clamped. */
  originalPublishedAt: string | null;
  summary: string | null;
  body: string[];
  tags: string[];
  links: string[];
  /** False when the feed carried only a summary. */
  hasFullText: boolean;
}

export interface ParsedFeed {
  kind: 'rss' | 'rdf' | 'atom' | 'json';
  version: string;
  title: string | null;
  link: string | null;
  description: string | null;
  items: FeedItem[];
}

export class FeedParseError extends Error {
  override readonly name = 'FeedParseError';
}

/** Items past this are ignored: a feed is a window on recent news, not an archive dump. */
export const MAX_ITEMS = 10_000;

type Node = unknown;

const RAW_TAGS = ['title', 'description', 'encoded', 'content', 'summary', 'subtitle', 'tagline', 'info'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
  cdataPropName: false,
  htmlEntities: true,
  // Never resolve external entities; cap what internal DOCTYPE entities may expand to.
  processEntities: { enabled: true, maxEntitySize: 10_000, maxExpansionDepth: 5, maxTotalExpansions: 1000, maxExpandedLength: 100_000, maxEntityCount: 100 },
  // Keep the raw markup of text constructs: they hold escaped or inline HTML.
  stopNodes: RAW_TAGS.map((t) => `*.${t}`),
  isArray: (name) => ['item', 'entry', 'link', 'category', 'author', 'enclosure'].includes(name),
});

function text(node: Node): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return node.map(text).find((s) => s) ?? '';
  const o = node as Record<string, Node>;
  if ('#text' in o) return text(o['#text']);
  return '';
}

function attr(node: Node, name: string): string | null {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return null;
  const v = (node as Record<string, Node>)[`@_${name}`];
  return v === undefined ? null : String(v);
}

/** Raw stop-node content → HTML string, unwrapping CDATA or decoding one level of escaping. */
function rawHtml(node: Node, type?: string | null): string {
  let raw = text(node);
  if (!raw) return '';
  raw = raw.trim();
  if (/^<!\[CDATA\[/.test(raw)) return raw.replace(/<!\[CDATA\[([\s\S]*?)(\]\]>|$)/g, '$1');
  const t = (type ?? '').toLowerCase();
  if (t === 'xhtml' || t === 'application/xhtml+xml') return raw;
  // Atom: any other non-text, non-XML media type carries base64 (RFC 4287 §4.1.3.3).
  if (t && !['text', 'html', 'xhtml'].includes(t) && !t.startsWith('text/') && !/[+/]xml$/.test(t)) return Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (t === 'text' || t === 'text/plain') return escapeHtml(decodeXmlEntities(raw));
  if (t === 'base64') return Buffer.from(raw, 'base64').toString('utf8');
  // Escaped HTML (the common case) decodes to markup; inline markup passes through.
  return /&lt;|&gt;|&amp;|&#/i.test(raw) && !/<\w/.test(raw) ? decodeXmlEntities(raw) : raw;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function textOf(node: Node): string {
  const mode = attr(node, 'mode');
  return htmlToText(rawHtml(node, mode === 'base64' ? 'base64' : attr(node, 'type')));
}

function resolve(href: string | null, base: string): string | null {
  if (!href) return null;
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function parseDate(s: string | null | undefined, now: Date): { publishedAt: string | null; original: string | null } {
  const v = (s ?? '').trim();
  if (!v) return { publishedAt: null, original: null };
  let t = Date.parse(v);
  // "2024-03-07 10:00:00" and other near-ISO forms.
  if (Number.isNaN(t)) t = Date.parse(v.replace(' ', 'T'));
  if (Number.isNaN(t) || t < Date.UTC(1990, 0, 1)) return { publishedAt: null, original: v };
  if (t > now.getTime()) return { publishedAt: now.toISOString(), original: new Date(t).toISOString() };
  return { publishedAt: new Date(t).toISOString(), original: null };
}

function list(node: Node): Node[] {
  if (node === undefined || node === null) return [];
  return Array.isArray(node) ? node : [node];
}

function item(fields: { guid: string | null; url: string | null; title: string; author: string | null; date: string | null; summaryHtml: string; contentHtml: string; tags: string[]; now: Date }): FeedItem {
  const body = fields.contentHtml ? htmlToParagraphs(fields.contentHtml) : [];
  const summaryParas = fields.summaryHtml ? htmlToParagraphs(fields.summaryHtml) : [];
  const summary = summaryParas.join(' ') || null;
  const { publishedAt, original } = parseDate(fields.date, fields.now);
  const links = [...new Set([...(fields.contentHtml || fields.summaryHtml).matchAll(/href\s*=\s*["']?(https?:[^"'\s>]+)/gi)].map((m) => m[1]!))];
  return {
    guid: fields.guid?.trim() || null,
    url: fields.url,
    title: fields.title,
    author: fields.author?.trim() || null,
    publishedAt,
    originalPublishedAt: original,
    summary,
    body: body.length ? body : summaryParas,
    tags: fields.tags.filter(Boolean),
    links,
    hasFullText: body.length > 0,
  };
}

function parseRss(root: Record<string, Node>, kind: 'rss' | 'rdf', url: string, now: Date): ParsedFeed {
  const rssNode = root.rss ?? root.RDF;
  const rss = (rssNode && typeof rssNode === 'object' ? rssNode : {}) as Record<string, Node>;
  const channel = (list(rss.channel)[0] ?? {}) as Record<string, Node>;
  const rawItems = kind === 'rdf' ? list(rss.item) : list(channel.item).concat(list(rss.item));
  const feedLink = list(channel.link).map(text).find((l) => l) ?? null;
  const base = resolve(feedLink, url) ?? url;
  const items = rawItems.slice(0, MAX_ITEMS).map((n) => {
    const i = n as Record<string, Node>;
    const guidNode = list(i.guid)[0];
    const link = list(i.link).map(text).find((l) => l) ?? null;
    const guid = text(guidNode) || null;
    const permalink = guid && attr(guidNode, 'isPermaLink') !== 'false' && /^https?:/i.test(guid) ? guid : null;
    return item({
      guid,
      url: resolve(link, base) ?? resolve(permalink, base) ?? resolve(attr(i, 'about'), base),
      title: textOf(i.title),
      author: text(list(i.creator)[0]) || text(list(i.author)[0]) || null,
      date: text(i.pubDate) || text(i.date) || text(i.published) || text(i.updated) || null,
      summaryHtml: rawHtml(i.description),
      contentHtml: rawHtml(i.encoded) || rawHtml(i.body),
      tags: list(i.category).map((c) => text(c) || attr(c, 'term') || ''),
      now,
    });
  });
  const version = kind === 'rdf' ? '1.0' : (attr(rss, 'version') ?? '2.0');
  return { kind, version, title: textOf(channel.title) || null, link: feedLink, description: textOf(channel.description) || null, items };
}

function atomLink(links: Node[], base: string): string | null {
  const alt = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate' && (attr(l, 'type') ?? 'text/html').includes('html')) ?? links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate');
  return resolve(attr(alt, 'href') ?? (text(alt) || null), base);
}

function parseAtom(root: Record<string, Node>, url: string, now: Date): ParsedFeed {
  const feed = (root.feed && typeof root.feed === 'object' ? root.feed : {}) as Record<string, Node>;
  const base = resolve(attr(feed, 'xml:base') ?? attr(feed, 'base'), url) ?? url;
  const feedLink = atomLink(list(feed.link), base);
  const version = attr(feed, 'version') === '0.3' ? '0.3' : '1.0';
  const items = list(feed.entry)
    .slice(0, MAX_ITEMS)
    .map((n) => {
      const e = n as Record<string, Node>;
      const entryBase = resolve(attr(e, 'base'), base) ?? base;
      const content = list(e.content)[0];
      const author = list(e.author)[0] as Record<string, Node> | undefined;
      return item({
        guid: text(e.id) || null,
        url: atomLink(list(e.link), entryBase),
        title: textOf(e.title),
        author: author ? text(author.name) || text(author) : null,
        date: text(e.published) || text(e.issued) || text(e.updated) || text(e.modified) || text(e.created) || null,
        summaryHtml: rawHtml(e.summary, attr(e.summary, 'type')),
        contentHtml: attr(content, 'src') ? '' : rawHtml(content, attr(content, 'mode') === 'base64' ? 'base64' : attr(content, 'type')),
        tags: list(e.category).map((c) => attr(c, 'term') ?? text(c)),
        now,
      });
    });
  return { kind: 'atom', version, title: textOf(feed.title) || null, link: feedLink, description: textOf(feed.subtitle) || textOf(feed.tagline) || null, items };
}

function parseJsonFeed(text: string, url: string, now: Date): ParsedFeed {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new FeedParseError(`malformed JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new FeedParseError('not a feed: JSON without a feed object');
  const version = String(doc.version ?? '');
  if (!Array.isArray(doc.items)) throw new FeedParseError(version ? 'JSON Feed without items' : 'not a feed: JSON without "version" and "items"');
  const base = resolve(typeof doc.home_page_url === 'string' ? doc.home_page_url : null, url) ?? url;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const items = (doc.items as Array<Record<string, unknown>>).slice(0, MAX_ITEMS).filter((i) => i && typeof i === 'object').map((i) => {
    const authors = Array.isArray(i.authors) ? (i.authors as Array<Record<string, unknown>>) : i.author ? [i.author as Record<string, unknown>] : Array.isArray(doc.authors) ? (doc.authors as Array<Record<string, unknown>>) : doc.author ? [doc.author as Record<string, unknown>] : [];
    const html = str(i.content_html);
    const plain = str(i.content_text);
    return item({
      guid: i.id !== undefined && i.id !== null ? String(i.id) : null,
      url: resolve(str(i.url) ?? str(i.external_url), base),
      title: htmlToText(str(i.title) ?? ''),
      author: authors.map((a) => str(a?.name)).filter(Boolean).join(', ') || null,
      date: str(i.date_published) ?? str(i.date_modified),
      summaryHtml: str(i.summary) ? escapeHtml(str(i.summary)!) : '',
      contentHtml: html ?? (plain ? plain.split(/\n\s*\n/).map((p) => `<p>${escapeHtml(p)}</p>`).join('') : ''),
      tags: Array.isArray(i.tags) ? (i.tags as unknown[]).map(String) : [],
      now,
    });
  });
  const declared = /version\/(1(?:\.\d)?)/.exec(version)?.[1] ?? (/^1(\.\d)?$/.test(version) ? version : '1.0');
  const v = declared === '1' ? '1.0' : declared;
  return { kind: 'json', version: v, title: str(doc.title), link: str(doc.home_page_url), description: str(doc.description), items };
}

/**
 * Parses RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0 and JSON Feed 1.0/1.1 into items with
 * plain-text bodies. External entities are never resolved and entity expansion is capped.
 * Throws FeedParseError with a clear message for anything else.
 */
export function parseFeed(text: string, opts: { url: string; now: Date }): ParsedFeed {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (!trimmed) throw new FeedParseError('empty document');
  if (/^[{[]/.test(trimmed)) return parseJsonFeed(trimmed, opts.url, opts.now);
  if (!/^</.test(trimmed)) throw new FeedParseError('not a feed: the document is not XML or JSON');
  if (/^(?:<!--[\s\S]*?-->\s*)*<(!doctype html|html[\s>]|head[\s>]|body[\s>])/i.test(trimmed)) throw new FeedParseError('not a feed: this is an HTML page');
  // Strip a DOCTYPE's external subset references: they are never fetched.
  let root: Record<string, Node>;
  try {
    root = parser.parse(trimmed) as Record<string, Node>;
  } catch (err) {
    // Be as lenient as feed readers are with two common breakages: a truncated final end tag,
    // and a DOCTYPE internal subset the parser cannot read (its entities are then left alone).
    const repaired = trimmed
      .replace(/<\/(rss|feed|rdf:RDF)\s*$/, '</$1>')
      .replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '');
    try {
      if (repaired === trimmed) throw err;
      root = parser.parse(repaired) as Record<string, Node>;
    } catch {
      throw new FeedParseError(`malformed XML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const has = (k: string) => Object.prototype.hasOwnProperty.call(root, k);
  if (has('rss')) return parseRss(root, 'rss', opts.url, opts.now);
  if (has('RDF')) return parseRss(root, 'rdf', opts.url, opts.now);
  if (has('feed')) return parseAtom(root, opts.url, opts.now);
  if (has('channel')) return parseRss({ rss: root }, 'rss', opts.url, opts.now);
  if (has('html') || has('HTML')) throw new FeedParseError('not a feed: this is an HTML page');
  const valid = XMLValidator.validate(trimmed);
  if (valid !== true) throw new FeedParseError(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  const top = Object.keys(root).find((k) => !k.startsWith('?'));
  throw new FeedParseError(`not a feed: the root element is <${top ?? '?'}>, not <rss>, <rdf:RDF> or <feed>`);
}
