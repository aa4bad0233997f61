import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../src/core/feeds/charset.ts';
import { dedupeKey } from '../src/core/feeds/dedupe.ts';
import { detectDocument } from '../src/core/feeds/detect.ts';
import { COMMON_FEED_PATHS, discoverFeeds } from '../src/core/feeds/discover.ts';
import { htmlToContent, htmlToParagraphs } from '../src/core/feeds/html-text.ts';
import { FeedParseError, parseFeed, type ParsedFeed } from '../src/core/feeds/parse-feed.ts';

const CORPORA = path.resolve(import.meta.dirname, '../../shared/corpora');
const FEEDPARSER = path.join(CORPORA, 'feeds/feedparser');
const NOW = new Date('2030-01-01T00:00:00Z');

const read = (rel: string) => fs.readFileSync(path.join(CORPORA, rel));
function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}
/** Bytes → text the way production does (charset.ts), then the feed parser. */
function parseBytes(bytes: Uint8Array, url: string, contentType: string | null = null): ParsedFeed {
  return parseFeed(decodeBody(bytes, contentType).text, { url, now: NOW });
}
/** feedparser serves its files from this address; expected absolute URLs derive from it. */
const feedparserUrl = (rel: string) => `http://127.0.0.1:8097/tests/${rel}`;
const parseFeedparser = (rel: string) => parseBytes(fs.readFileSync(path.join(FEEDPARSER, rel)), feedparserUrl(rel));
/** What parseFeed threw, or null when it parsed. */
function failure(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (err) {
    return err;
  }
}

describe('rss-parser corpus: every input with an expected output', () => {
  interface Case { input: string; expected: string | null }
  interface Item { title?: string; link?: string; isoDate?: string; creator?: string }
  const { cases } = JSON.parse(read('feeds/rss-parser/cases.json').toString('utf8')) as { cases: Case[] };
  // rss-parser keeps markup and character references in titles; FeedItem titles are plain text.
  const plain = (s: string | undefined) =>
    (s ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(/\s+/g, ' ')
      .trim();
  const withExpected = cases.filter((c): c is Case & { expected: string } => c.expected !== null);

  it('covers all 29 expected outputs', () => {
    expect(withExpected).toHaveLength(29);
  });

  it.each(withExpected.map((c) => [c.input, c.expected]))('%s', (input, expectedFile) => {
    // output/encoding.json is itself stored in ISO-8859-1 (README).
    const expected = JSON.parse(read(`feeds/rss-parser/${expectedFile}`).toString(expectedFile.endsWith('encoding.json') ? 'latin1' : 'utf8')).feed as { items: Item[] };
    const url = 'https://feeds.example.test/feed';
    const feed = parseBytes(read(`feeds/rss-parser/${input}`), url);
    expect(feed.items).toHaveLength(expected.items.length);
    const want = expected.items.map((i) => plain(i.title));
    if (input.endsWith('uolNoticias.rss')) {
      // Upstream read this ISO-8859-1 file as UTF-8, so its titles hold U+FFFD where the accented
      // letters are; we decode them. Compare with each U+FFFD as a one-letter wildcard.
      feed.items.forEach((item, n) => {
        const pattern = want[n]!.split('\uFFFD').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.');
        expect(item.title).toMatch(new RegExp(`^${pattern}$`, 'u'));
        expect(item.title).not.toContain('\uFFFD');
      });
    } else {
      // Our one departure: an opinion piece's " | Author Name" suffix (the Guardian's) is furniture
      // when it repeats the item's own author, and is cut.
      expect(feed.items.map((i) => i.title)).toEqual(want.map((t, n) => withoutAuthorSuffix(t, feed.items[n]!.author)));
    }
    // Links: upstream keeps them verbatim (relative, padded); ours are absolute.
    expect(feed.items.map((i) => i.url)).toEqual(expected.items.map((i) => (i.link ? new URL(i.link.trim(), url).toString() : null)));
    expect(feed.items.map((i) => i.publishedAt)).toEqual(expected.items.map((i) => i.isoDate ?? null));
    // Authors agree wherever upstream found a creator.
    feed.items.forEach((item, n) => {
      const creator = expected.items[n]!.creator?.trim();
      // A byline never shows an e-mail address: a creator that is only an address is no byline.
      if (creator) expect(item.author).toBe(/^\S+@\S+$/.test(creator) ? null : creator);
    });
  });

  it('reads the podcast without an expected file (empty <itunes:image>)', () => {
    const feed = parseBytes(read('feeds/rss-parser/input/itunes-missing-image.rss'), 'http://www.taverncast.com/feed');
    expect(feed.title).toBe('Taverncast - Happy Hour in Your Head - Since 2005');
    expect(feed.items[0]).toMatchObject({ title: 'Taverncast 62 - Temporal Anomaly', guid: 'http://taverncast.com/shows/taverncast-62.mp3', publishedAt: '2015-11-07T17:00:00.000Z', hasFullText: true });
  });

  it('refuses the HTML "Document Moved" page with a clear "not a feed" error', () => {
    const text = decodeBody(read('feeds/rss-parser/input/unrecognized.rss'), 'application/rss+xml').text;
    expect(detectDocument(text, 'application/rss+xml')).toBe('html');
    const err = failure(() => parseFeed(text, { url: 'http://x/', now: NOW }));
    expect(err).toBeInstanceOf(FeedParseError);
    expect((err as Error).message).toBe('not a feed: this is an HTML page');
  });
});

describe('feedparser corpus', () => {
  const wellformed = walk(path.join(FEEDPARSER, 'wellformed')).map((f) => path.relative(FEEDPARSER, f));

  it('has the well-formed files the README lists', () => {
    expect(wellformed.length).toBeGreaterThanOrEqual(170);
  });

  it.each(wellformed)('parses %s', (rel) => {
    expect(() => parseFeedparser(rel)).not.toThrow();
  });

  // Each row is the value a file's `Expect:` comment checks, mapped onto ParsedFeed/FeedItem.
  const first = (f: ParsedFeed) => f.items[0]!;
  it.each<[string, (f: ParsedFeed) => unknown, unknown]>([
    ['wellformed/rss/item_title.xml', (f) => first(f).title, 'Item 1 title'],
    ['wellformed/rss/item_link.xml', (f) => first(f).url, 'http://example.com/'],
    ['wellformed/rss/item_guid.xml', (f) => first(f).guid, 'http://guid.example.com/'],
    ['wellformed/rss/item_guid_isPermaLink_map_link.xml', (f) => first(f).url, 'http://guid.example.com/'],
    ['wellformed/rss/item_guid_not_permalink.xml', (f) => [first(f).guid, first(f).url], ['http://guid.example.com/', null]],
    ['wellformed/rss/item_pubDate.xml', (f) => first(f).publishedAt, '2004-01-01T19:48:21.000Z'],
    ['wellformed/rss/item_pubDate_map_updated_parsed.xml', (f) => first(f).publishedAt, '2004-01-01T19:48:21.000Z'],
    ['wellformed/rss/item_dc_date.xml', (f) => first(f).publishedAt, '2003-12-31T10:14:55.000Z'],
    ['wellformed/rss/item_dc_date_parsed.xml', (f) => first(f).publishedAt, '2003-12-31T10:14:55.000Z'],
    ['wellformed/rss/item_author.xml', (f) => first(f).author, 'Example editor'],
    ['wellformed/rss/item_dc_creator.xml', (f) => first(f).author, 'Example editor'],
    ['wellformed/rss/item_category.xml', (f) => first(f).tags, ['Example category']],
    ['wellformed/rss/item_category_multiple.xml', (f) => first(f).tags, ['Example category 1', 'Example category 2']],
    ['wellformed/rss/item_content_encoded.xml', (f) => [first(f).body, first(f).hasFullText], [['Example content'], true]],
    ['wellformed/rss/item_fullitem.xml', (f) => first(f).body, ['Example content']],
    ['wellformed/rss/item_xhtml_body.xml', (f) => first(f).body, ['Example content']],
    ['wellformed/rss/item_description.xml', (f) => [first(f).summary, first(f).hasFullText], ['Example description', false]],
    ['wellformed/rss/item_description_br.xml', (f) => first(f).body, ['article title', 'article byline', 'text of article']],
    ['wellformed/rss/item_description_escaped_markup.xml', (f) => first(f).summary, 'Example description'],
    ['wellformed/rss/item_description_naked_markup.xml', (f) => first(f).summary, 'Example description'],
    ['wellformed/rss/entity_in_doctype.xml', (f) => first(f).guid, 'tag:example.com,2006-05-04:/blog/'],
    ['wellformed/rss/channel_title.xml', (f) => f.title, 'Example feed'],
    ['wellformed/rss/channel_title_lt.xml', (f) => f.title, '1 < 2'],
    ['wellformed/rss/channel_link.xml', (f) => f.link, 'http://example.com/'],
    ['wellformed/rss/channel_description.xml', (f) => f.description, 'Example description'],
    ['wellformed/rss/rss_version_090.xml', (f) => [f.kind, f.version], ['rdf', '0.90']],
    ['wellformed/rss/rss_version_091_netscape.xml', (f) => [f.kind, f.version], ['rss', '0.91']],
    ['wellformed/rss/rss_version_091_userland.xml', (f) => [f.kind, f.version], ['rss', '0.91']],
    ['wellformed/rss/rss_version_092.xml', (f) => [f.kind, f.version], ['rss', '0.92']],
    ['wellformed/rss/rss_version_093.xml', (f) => [f.kind, f.version], ['rss', '0.93']],
    ['wellformed/rss/rss_version_094.xml', (f) => [f.kind, f.version], ['rss', '0.94']],
    ['wellformed/rss/rss_version_20.xml', (f) => [f.kind, f.version], ['rss', '2.0']],
    ['wellformed/rss/rss_version_201.xml', (f) => [f.kind, f.version], ['rss', '2.01']],
    ['wellformed/rss/rss_version_21.xml', (f) => [f.kind, f.version], ['rss', '2.1']],
    ['wellformed/namespace/rss2.0NSwithModules.xml', (f) => first(f).title, 'Test Item - RSS2.0 w/ NS'],
    ['wellformed/namespace/rss2.0noNSwithModulesLocalNameClash.xml', (f) => first(f).summary, 'correct description'],
    ['wellformed/namespace/rss2.0withAtomNS.xml', (f) => [f.kind, f.version], ['rss', '2.0']],
    ['wellformed/media-rss/item_media_title3.xml', (f) => first(f).title, 'foo'],
    ['wellformed/media-rss/item_media_category_term.xml', (f) => first(f).tags, ['cat1']],
    ['wellformed/media-rss/item_media_category_multiple.xml', (f) => first(f).tags, ['cat1', 'cat2']],
    ['wellformed/rdf/rdf_channel_title.xml', (f) => [f.kind, f.title], ['rdf', 'Example feed']],
    ['wellformed/rdf/rdf_channel_link.xml', (f) => f.link, 'http://example.com/'],
    ['wellformed/rdf/rdf_item_title.xml', (f) => first(f).title, 'Example title'],
    ['wellformed/rdf/rdf_item_description.xml', (f) => first(f).summary, 'Example description'],
    ['wellformed/rdf/rdf_item_rdf_about.xml', (f) => first(f).guid, 'http://example.org/1'],
    ['wellformed/rdf/rss090_channel_title.xml', (f) => [f.version, f.title], ['0.90', 'Example title']],
    ['wellformed/rdf/rss090_item_title.xml', (f) => first(f).title, 'Item title'],
    ['wellformed/rdf/rss_version_10_not_default_ns.xml', (f) => [f.kind, f.version], ['rdf', '1.0']],
    ['wellformed/atom/atom_namespace_1.xml', (f) => f.title, 'Example Atom'],
    ['wellformed/atom/feed_title.xml', (f) => [f.kind, f.version, f.title], ['atom', '0.3', 'Example Atom']],
    ['wellformed/atom/feed_link_href.xml', (f) => f.link, 'http://www.example.com/'],
    ['wellformed/atom/entry_id.xml', (f) => first(f).guid, 'http://example.com/'],
    ['wellformed/atom/entry_title.xml', (f) => first(f).title, 'Example Atom'],
    ['wellformed/atom/entry_link_href.xml', (f) => first(f).url, 'http://www.example.com/'],
    ['wellformed/atom/entry_summary.xml', (f) => first(f).summary, 'Example Atom'],
    ['wellformed/atom/entry_issued_parsed.xml', (f) => first(f).publishedAt, '2003-12-31T10:14:55.000Z'],
    ['wellformed/atom/entry_created_parsed.xml', (f) => first(f).publishedAt, '2003-12-31T10:14:55.000Z'],
    ['wellformed/atom/entry_modified_map_updated_parsed.xml', (f) => first(f).publishedAt, '2004-01-01T19:48:21.000Z'],
    ['wellformed/atom/entry_content_mode_base64.xml', (f) => first(f).body, ['Example Atom']],
    ['wellformed/atom/entry_content_mode_escaped.xml', (f) => first(f).body, ['Example Atom']],
    ['wellformed/atom10/atom10_namespace.xml', (f) => f.title, 'Example Atom'],
    ['wellformed/atom10/atom10_version.xml', (f) => [f.kind, f.version], ['atom', '1.0']],
    ['wellformed/atom10/feed_title.xml', (f) => f.title, 'Example Atom'],
    ['wellformed/atom10/feed_subtitle.xml', (f) => f.description, 'Example Atom'],
    ['wellformed/atom10/feed_link_href.xml', (f) => f.link, 'http://www.example.com/'],
    ['wellformed/atom10/entry_title.xml', (f) => first(f).title, 'Example Atom'],
    ['wellformed/atom10/entry_id.xml', (f) => first(f).guid, 'http://example.com/'],
    ['wellformed/atom10/entry_author_name.xml', (f) => first(f).author, 'Example author'],
    ['wellformed/atom10/entry_category_term.xml', (f) => first(f).tags, ['atom10']],
    ['wellformed/atom10/entry_summary.xml', (f) => first(f).summary, 'Example Atom'],
    ['wellformed/atom10/entry_link_href.xml', (f) => first(f).url, 'http://www.example.com/'],
    ['wellformed/atom10/entry_link_alternate_map_link.xml', (f) => first(f).url, 'http://www.example.com/'],
    ['wellformed/atom10/entry_link_multiple.xml', (f) => first(f).url, 'http://www.example.com/'],
    ['wellformed/atom10/entry_content_value.xml', (f) => first(f).body, ['Example Atom']],
    ['wellformed/atom10/entry_content_escaped_markup.xml', (f) => first(f).body, ['Example Atom']],
    ['wellformed/atom10/entry_content_inline_markup.xml', (f) => first(f).body, ['Example Atom']],
    ['wellformed/atom10/entry_content_base64.xml', (f) => first(f).body, ['Example Atom']],
    ['wellformed/atom10/entry_content_src.xml', (f) => [first(f).body, first(f).hasFullText], [[], false]],
    ['wellformed/atom10/quote_in_attr.xml', (f) => f.title, 'test'],
    ['wellformed/atom10/missing_quote_in_attr.xml', (f) => f.title, 'example'],
    ['wellformed/atom10/relative_uri.xml', (f) => f.title, 'Example test'],
    ['wellformed/node_precedence/atom10_title.xml', (f) => f.items.map((i) => i.title), ['Correct Value', 'Correct Value']],
    ['wellformed/amp/amp06.xml', (f) => first(f).title, '&'],
    ['wellformed/amp/amp18.xml', (f) => first(f).title, '&'],
    ['wellformed/amp/amp41.xml', (f) => first(f).title, '&'],
    ['wellformed/amp/attr01.xml', (f) => first(f).title, '&'],
    ['wellformed/sgml/charref_uppercase_x.xml', (f) => first(f).summary, 'a'],
    ['wellformed/xml/empty_xmlns_uri.xml', (f) => f.title, 'empty'],
    ['wellformed/xml/escaped_apos.xml', (f) => f.title, "it's correct"],
    ['wellformed/xml/xlink_ns_no_prefix.xml', (f) => f.title, 'xlink'],
    // Relative links resolve against the document address, or xml:base where one is given.
    ['wellformed/base/http_channel_link_base_docuri.xml', (f) => f.link, 'http://127.0.0.1:8097/relative/uri'],
    ['wellformed/base/http_item_link_base_docuri.xml', (f) => first(f).url, 'http://127.0.0.1:8097/relative/uri'],
    ['wellformed/base/http_entry_link_base_docuri.xml', (f) => first(f).url, 'http://127.0.0.1:8097/relative/link'],
    ['wellformed/base/http_entry_content_base_docuri.xml', (f) => [first(f).body, first(f).links], [['click here'], ['http://127.0.0.1:8097/relative/uri']]],
    ['wellformed/base/http_item_content_encoded_base_docuri.xml', (f) => first(f).links, ['http://127.0.0.1:8097/relative/uri']],
    ['wellformed/base/http_item_description_base_docuri.xml', (f) => first(f).links, ['http://127.0.0.1:8097/relative/uri']],
    ['wellformed/base/http_item_description_spaces.xml', (f) => first(f).links, ['http://127.0.0.1:8097/relative/uri']],
    ['wellformed/base/entry_content_xml_base.xml', (f) => first(f).links, ['http://example.com/test/test.html']],
    ['wellformed/base/entry_content_xml_base_inherit.xml', (f) => first(f).links, ['http://example.com/test/test.html']],
    ['wellformed/base/entry_summary_xml_base.xml', (f) => first(f).links, ['http://example.com/test/test.html']],
    // CDF, the pre-RSS Microsoft format, read leniently as RSS.
    ['wellformed/cdf/channel_title.xml', (f) => [f.kind, f.version, f.title], ['rss', 'cdf', 'Example feed']],
    ['wellformed/cdf/channel_href_map_link.xml', (f) => f.link, 'http://www.example.org/'],
    ['wellformed/cdf/channel_abstract_map_description.xml', (f) => f.description, 'Example description'],
    ['wellformed/cdf/item_title.xml', (f) => first(f).title, 'Example item'],
    ['wellformed/cdf/item_href_map_link.xml', (f) => first(f).url, 'http://www.example.org/'],
    ['wellformed/cdf/item_abstract_map_description.xml', (f) => first(f).summary, 'Example description'],
    ['wellformed/cdf/item_lastmod.xml', (f) => first(f).publishedAt, '2004-04-07T04:05:43.000Z'],
    ['illformed/always_strip_doctype.xml', (f) => f.title, 'found'],
  ])('Expect: %s', (rel, pick, expected) => {
    expect(pick(parseFeedparser(rel))).toEqual(expected);
  });

  describe('ill-formed documents parse leniently or fail with a clear FeedParseError', () => {
    const illformed = walk(path.join(FEEDPARSER, 'illformed')).map((f) => path.relative(FEEDPARSER, f));
    it.each(illformed)('%s', (rel) => {
      const err = failure(() => parseFeedparser(rel));
      if (err === null) return;
      expect(err).toBeInstanceOf(FeedParseError);
      expect((err as Error).message).toMatch(/^(not a feed: |malformed XML at line \d+: )/);
    });

    it.each([
      ['illformed/rss_empty_document.xml', 'not a feed: the document is empty'],
      ['illformed/rss_incomplete_cdata.xml', 'malformed XML at line 13: the document ends inside <rss><channel><item><title>'],
    ])('%s → %s', (rel, message) => {
      expect(() => parseFeedparser(rel)).toThrow(new FeedParseError(message));
    });

    it('reads the undeclared legacy encodings without crashing (mojibake is expected: nothing declares them)', () => {
      const feed = parseFeedparser('illformed/chardet/koi8r.xml');
      expect(feed.items).toHaveLength(1);
      expect(feed.items[0]!.title.length).toBeGreaterThan(0);
    });
  });

  it('never throws anything but FeedParseError on any file of the corpus (encoding/ included)', () => {
    const files = walk(FEEDPARSER).filter((f) => /\.(xml|json)$/.test(f));
    expect(files.length).toBe(238);
    const unexpected = files.filter((f) => {
      const err = failure(() => parseBytes(fs.readFileSync(f), 'http://127.0.0.1:8097/tests/x.xml'));
      return err !== null && !(err instanceof FeedParseError);
    });
    expect(unexpected.map((f) => path.relative(FEEDPARSER, f))).toEqual([]);
  });

  it.each([
    ['hellip', 'testing \u2026 entity'],
    ['eacute', 'testing \u00e9 entity'],
    ['copy', 'testing \u00a9 entity'],
    ['euro', 'testing \u20ac entity'],
    ['mdash', 'testing \u2014 entity'],
    ['8217', 'testing \u2019 entity'],
    ['8220', 'testing \u201c entity'],
    // A no-break space resolves and then collapses with its neighbours, like all whitespace.
    ['nbsp', 'testing entity'],
    ['160', 'testing entity'],
    // An entity nobody defines stays literal text rather than failing the feed.
    ['doesnotexist', 'testing &doesnotexist; entity'],
  ])('entities/%s.xml resolves the HTML entity in the title', (name, title) => {
    expect(parseFeedparser(`entities/${name}.xml`).title).toBe(title);
  });

  describe('sanitize/: no script, iframe or event-handler text survives', () => {
    const sanitize = walk(path.join(FEEDPARSER, 'wellformed/sanitize')).map((f) => path.relative(FEEDPARSER, f));
    it.each(sanitize)('%s', (rel) => {
      const feed = parseFeedparser(rel);
      const text = JSON.stringify([feed.title, feed.description, feed.items.map((i) => [i.title, i.summary, i.body, i.author])]);
      expect(text).not.toMatch(/<script|<iframe|<object|<embed|javascript:|\bon[a-z]+\s*=|alert\(|location\.href|executeMe|am_i_javascript|expression\(/i);
    });

    it.each<[string, (f: ParsedFeed) => unknown, unknown]>([
      ['wellformed/sanitize/entry_content_script.xml', (f) => f.items[0]!.body, ['safe description']],
      ['wellformed/sanitize/entry_content_script_base64.xml', (f) => f.items[0]!.body, ['safe description']],
      ['wellformed/sanitize/entry_content_script_inline.xml', (f) => f.items[0]!.body, ['safe description']],
      ['wellformed/sanitize/entry_content_meta.xml', (f) => f.items[0]!.body, ['safe description']],
      ['wellformed/sanitize/entry_title_script.xml', (f) => f.items[0]!.title, 'safe description'],
      ['wellformed/sanitize/item_content_encoded_script.xml', (f) => f.items[0]!.body, ['safe description']],
      ['wellformed/sanitize/item_content_encoded_embed.xml', (f) => f.items[0]!.body, ['safe description']],
      ['wellformed/sanitize/item_description_script.xml', (f) => f.items[0]!.summary, 'safe description'],
      ['wellformed/sanitize/item_description_script_cdata.xml', (f) => f.items[0]!.summary, 'safe description'],
      ['wellformed/sanitize/item_description_style.xml', (f) => f.items[0]!.summary, 'never trust your upstream platypus'],
      ['wellformed/sanitize/style_color_008.xml', (f) => f.items[0]!.summary, 'Some text'],
      ['wellformed/sanitize/feed_title_unacceptable_uri.xml', (f) => f.title, 'safe'],
      // An unclosed <iframe>/<object> swallows the rest as HTML parsers do; nothing of it is kept.
      ['wellformed/sanitize/item_content_encoded_iframe.xml', (f) => f.items[0]!.body, ['safe']],
      ['wellformed/sanitize/item_description_iframe.xml', (f) => f.items[0]!.summary, 'safe'],
      ['wellformed/sanitize/item_content_encoded_crazy.xml', (f) => f.items[0]!.body, ['Did The Javascript Execute?', 'I will execute here, too, if you mouse over me']],
    ])('%s', (rel, pick, expected) => {
      expect(pick(parseFeedparser(rel))).toEqual(expected);
    });
  });

  it('reads the feedparser JSON Feed sample and drops its script', () => {
    const feed = parseFeedparser('json/example.json');
    expect([feed.kind, feed.title, feed.items.length]).toEqual(['json', 'My Example Feed', 2]);
    expect(feed.items[1]).toMatchObject({ guid: '1', author: 'you', body: ['Hello, world!'] });
    expect(feed.items[0]).toMatchObject({ title: 'post 2', author: 'me', tags: ['test', 'JSON'] });
  });
});

describe('JSON Feed', () => {
  const spec = (name: string) => parseBytes(read(`feeds/jsonfeed/spec-examples/${name}`), 'https://example.org/feed.json');

  it.each([
    ['jsonfeed-1.0-simple.json', '1.0', ['This is a second item.', 'Hello, world!'], 'https://example.org/initial-post'],
    ['jsonfeed-1.1-simple.json', '1.1', ['This is a second item.', 'Hello, world!'], 'https://example.org/initial-post'],
    ['jsonfeed-1.0-podcast.json', '1.0', [], 'http://therecord.co/chris-parrish'],
    ['jsonfeed-1.1-podcast.json', '1.1', [], 'http://therecord.co/chris-parrish'],
  ])('spec example %s', (file, version, bodies, lastUrl) => {
    const feed = spec(file);
    expect([feed.kind, feed.version]).toEqual(['json', version]);
    if (bodies.length) expect(feed.items.map((i) => i.body.join(' '))).toEqual(bodies);
    expect(feed.items.at(-1)!.url).toBe(lastUrl);
  });

  it('reads the podcast: HTML content, plain summary, links kept apart', () => {
    const item = spec('jsonfeed-1.1-podcast.json').items[0]!;
    expect(item).toMatchObject({
      guid: 'http://therecord.co/chris-parrish',
      title: 'Special #1 - Chris Parrish',
      summary: 'Brent interviews Chris Parrish, co-host of The Record and one-half of Aged & Distilled.',
      publishedAt: '2014-05-09T21:04:00.000Z',
      hasFullText: true,
      links: ['http://adobe.com/', 'http://aged-and-distilled.com/napkin/', 'http://www.ci.bainbridge-isl.wa.us/'],
    });
    expect(item.body[0]).toMatch(/^Chris has worked at Adobe and as a founder of Rogue Sheep/);
  });

  it.each([
    // 1.0 has a single feed-level `author`, 1.1 an `authors` array; both reach the items.
    ['jsonfeed-1.0-microblog.json', '1.0'],
    ['jsonfeed-1.1-microblog.json', '1.1'],
  ])('microblog %s: untitled item, feed author, text paragraphs and bare links', (file, version) => {
    const feed = spec(file);
    expect(feed.version).toBe(version);
    expect(feed.title).toBe('Brent Simmons’s Microblog');
    expect(feed.items).toEqual([
      {
        guid: '2347259',
        url: 'https://example.org/2347259',
        title: '',
        author: 'Brent Simmons',
        publishedAt: '2016-02-09T21:22:00.000Z',
        originalPublishedAt: null,
        summary: null,
        body: ['Cats are neat.', 'https://example.org/cats'],
        tags: [],
        links: ['https://example.org/cats'],
        hasFullText: true,
      },
    ]);
  });

  it.each(['version_json_10', 'version_json_11', 'version_json_11_deprecated_author'])('gofeed sample %s matches its expected parse', (name) => {
    interface Expected {
      title: string;
      home_page_url: string;
      items: Array<{ id: string; title: string; url: string; date_published: string; content_html: string; summary: string; tags: string[]; authors?: Array<{ name: string }>; author?: { name: string } }>;
    }
    const expected = JSON.parse(read(`feeds/jsonfeed/gofeed/${name}_expected.json`).toString('utf8')) as Expected;
    const feed = parseBytes(read(`feeds/jsonfeed/gofeed/${name}.json`), 'https://sample-json-feed.com/feed.json');
    expect([feed.title, feed.link]).toEqual([expected.title, new URL(expected.home_page_url).toString()]);
    expect(feed.items.map((i) => ({ guid: i.guid, title: i.title, url: i.url, publishedAt: i.publishedAt, summary: i.summary, body: i.body, tags: i.tags, author: i.author }))).toEqual(
      expected.items.map((i) => ({
        guid: i.id,
        title: i.title,
        url: i.url,
        publishedAt: new Date(i.date_published).toISOString(),
        summary: i.summary,
        body: [i.content_html.replace(/<[^>]+>/g, '')],
        tags: i.tags,
        author: (i.authors ?? (i.author ? [i.author] : [])).map((a) => a.name).join(', '),
      })),
    );
  });

  it('refuses the broken gofeed sample with a clear error', () => {
    expect(() => parseBytes(read('feeds/jsonfeed/gofeed/invalid/invalid.json'), 'http://x/')).toThrow(/^malformed JSON: /);
  });

  it.each([
    ['{"version":"https://jsonfeed.org/version/1.1","title":"x"}', 'JSON Feed without items'],
    ['{"hello":"world"}', 'not a feed: JSON without a JSON Feed "version" and "items"'],
    ['[1,2,3]', 'not a feed: JSON that is not a JSON Feed object'],
  ])('%s → %s', (json, message) => {
    expect(() => parseFeed(json, { url: 'http://x/', now: NOW })).toThrow(new FeedParseError(message));
  });
});

describe('charset corpus (miniflux): the expected title of item n, decoded with decodeBody', () => {
  interface Case { file: string; content_type: string | null; charset_label: string | null; expect_item_title?: { index?: number; title: string } }
  const { cases } = JSON.parse(read('feeds/encodings/expectations.json').toString('utf8')) as { cases: Case[] };
  const titled = cases.filter((c) => c.expect_item_title);
  it('has the six reader-parser expectations', () => expect(titled).toHaveLength(6));
  it.each(titled.map((c) => [`${c.file} (${c.content_type ?? c.charset_label ?? 'no header'})`, c] as const))('%s', (_name, c) => {
    const contentType = c.content_type ?? (c.charset_label ? `text/xml; charset=${c.charset_label}` : null);
    const feed = parseBytes(read(`feeds/encodings/${c.file}`), 'http://x/', contentType);
    expect(feed.items[c.expect_item_title!.index ?? 0]!.title).toBe(c.expect_item_title!.title);
  });
});

describe('hostile feeds', () => {
  const rss = (items: string, head = '') => `<?xml version="1.0"?>${head}<rss version="2.0"><channel><title>T</title>${items}</channel></rss>`;

  it('billion laughs: entities are not expanded; the document stays small', () => {
    const decls = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('');
    const doc = rss('<item><title>&lol9;</title><guid>&lol9;</guid><description>&lol9;</description></item>', `<!DOCTYPE rss [<!ENTITY lol "lol">${decls}]>`);
    const feed = parseFeed(doc, { url: 'http://x/', now: NOW });
    // Capped expansion made the parser refuse the DOCTYPE; the references remain as text.
    expect(feed.items[0]).toMatchObject({ title: '&lol9;', guid: '&lol9;', summary: '&lol9;' });
    expect(JSON.stringify(feed).length).toBeLessThan(2000);
  });

  it('a large entity referenced thousands of times (quadratic blow-up) is not expanded either', () => {
    const doc = rss(`<item><title>t</title><guid>${'&big;'.repeat(5000)}</guid></item>`, `<!DOCTYPE rss [<!ENTITY big "${'x'.repeat(9000)}">]>`);
    const feed = parseFeed(doc, { url: 'http://x/', now: NOW });
    expect(feed.items[0]!.guid).not.toContain('xxxx');
    // A hostile GUID this long is hashed in the dedupe key, not stored verbatim.
    expect(dedupeKey(feed.items[0]!)).toMatch(/^guid#[0-9a-f]{40}$/);
  });

  it.each([
    ['general entity', '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', '&xxe;'],
    ['parameter entity', '<!DOCTYPE rss [<!ENTITY % xxe SYSTEM "file:///etc/passwd"> %xxe;]>', ''],
    ['public identifier', '<!DOCTYPE rss [<!ENTITY xxe PUBLIC "-//X//Y" "file:///etc/hostname">]>', '&xxe;'],
  ])('XXE (%s): the external file is never read', (_name, doctype, ref) => {
    const feed = parseFeed(rss(`<item><title>t ${ref}</title><description>${ref}</description></item>`, doctype), { url: 'http://x/', now: NOW });
    const text = JSON.stringify(feed);
    expect(text).not.toMatch(/root:|\/bin\/(ba)?sh/);
    expect(feed.items[0]!.title).toBe(`t ${ref}`.trim());
  });

  it('parses a generated 10,000-item feed completely', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => `<item><title>Story ${i} &amp; more</title><link>https://news.example/${i}?utm_source=rss</link><guid isPermaLink="false">g-${i}</guid><pubDate>Mon, 02 Jun 2025 10:00:00 +0200</pubDate><description>&lt;p&gt;Text ${i}&lt;/p&gt;</description></item>`).join('');
    const feed = parseFeed(rss(items), { url: 'https://news.example/feed', now: NOW });
    expect(feed.items).toHaveLength(10_000);
    expect(feed.items[9999]).toMatchObject({ title: 'Story 9999 & more', guid: 'g-9999', url: 'https://news.example/9999?utm_source=rss', publishedAt: '2025-06-02T08:00:00.000Z', summary: 'Text 9999' });
    expect(new Set(feed.items.map(dedupeKey)).size).toBe(10_000);
  });

  it('keeps a date up to a day ahead, drops one further ahead and keeps the claimed date', () => {
    const feed = parseFeed(
      rss(`<item><title>a</title><pubDate>Tue, 01 Jan 2999 00:00:00 GMT</pubDate></item><item><title>soon</title><pubDate>${new Date(NOW.getTime() + 20 * 60_000).toUTCString()}</pubDate></item><item><title>b</title><pubDate>Sat, 01 Jun 2024 12:00:00 GMT</pubDate></item><item><title>c</title><pubDate>sometime soon</pubDate></item><item><title>d</title><pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate></item>`),
      { url: 'http://x/', now: NOW },
    );
    expect(feed.items.map((i) => [i.publishedAt, i.originalPublishedAt])).toEqual([
      // Far ahead: no publication date (never the fetch time), the claim kept for the record.
      [null, '2999-01-01T00:00:00.000Z'],
      // Twenty minutes ahead (a publisher's clock slip): the feed's own date.
      [new Date(NOW.getTime() + 20 * 60_000).toISOString(), null],
      ['2024-06-01T12:00:00.000Z', null],
      // Unreadable and placeholder dates: no date, the raw value kept for the record.
      [null, 'sometime soon'],
      [null, 'Thu, 01 Jan 1970 00:00:00 GMT'],
    ]);
  });

  it.each([
    ['2024-03-07T10:00:00Z', '2024-03-07T10:00:00.000Z'],
    ['2024-03-07T10:00:00.5+01:00', '2024-03-07T09:00:00.500Z'],
    // No zone means UTC, whatever the server's local time zone.
    ['2024-03-07T10:00:00', '2024-03-07T10:00:00.000Z'],
    ['2024-03-07 10:00:00', '2024-03-07T10:00:00.000Z'],
    ['2024-03-07', '2024-03-07T00:00:00.000Z'],
    ['Thu, 07 Mar 2024 10:00:00 GMT', '2024-03-07T10:00:00.000Z'],
    ['Thu, 07 Mar 2024 10:00:00 -0500', '2024-03-07T15:00:00.000Z'],
    ['Thu, 07 Mar 2024 10:00:00 EST', '2024-03-07T15:00:00.000Z'],
    ['Thu, 07 Mar 2024 10:00:00 CEST', '2024-03-07T08:00:00.000Z'],
    ['07 Mar 2024 10:00:00', '2024-03-07T10:00:00.000Z'],
  ])('reads the date %s', (raw, iso) => {
    expect(parseFeed(rss(`<item><title>x</title><pubDate>${raw}</pubDate></item>`), { url: 'http://x/', now: NOW }).items[0]!.publishedAt).toBe(iso);
  });

  it('gives duplicate GUIDs equal dedupe keys', () => {
    const feed = parseFeed(rss('<item><title>First</title><guid>same</guid></item><item><title>Second, edited</title><guid>same</guid><link>https://x.example/other</link></item>'), { url: 'http://x/', now: NOW });
    expect(feed.items).toHaveLength(2);
    expect(dedupeKey(feed.items[0]!)).toBe(dedupeKey(feed.items[1]!));
    expect(dedupeKey(feed.items[0]!)).toBe('guid:same');
  });

  it('strips HTML from titles, scripts and pixels from bodies, and keeps links apart', () => {
    const feed = parseFeed(
      rss(
        '<item><title>&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;title</title><description><![CDATA[<p>See <a href="/story?id=1">this</a><img src="https://t.example/pixel.gif" width="1" height="1"></p><script>track()</script><p style="display:none">hidden spam</p><iframe src="https://ads.example/"></iframe><p>More <a href="javascript:alert(1)">bad</a> <a href="mailto:x@y.z">mail</a></p>]]></description></item>' +
          '<item><title>x&lt;y is not a tag</title></item><item><title><![CDATA[AT&T <em>news</em>]]></title></item>',
      ),
      { url: 'https://news.example/feed', now: NOW },
    );
    expect(feed.items.map((i) => i.title)).toEqual(['Bold title', 'x<y is not a tag', 'AT&T news']);
    expect(feed.items[0]!.body).toEqual(['See this', 'More bad mail']);
    expect(feed.items[0]!.links).toEqual(['https://news.example/story?id=1']);
  });

  // Inputs that made earlier regular expressions backtrack for minutes; answered at once now
  // (a regression would hit the test time limit).
  it.each<[string, () => string, unknown]>([
    ['60 comments before the root', () => parseFeed(`${'<!-- c -->'.repeat(60)}<rss version="2.0"><channel><title>ok</title></channel></rss>`, { url: 'http://x/', now: NOW }).title ?? '', 'ok'],
    ['60 comments before a broken root', () => String(failure(() => parseFeed(`${'<!-- c -->'.repeat(60)}<x`, { url: 'http://x/', now: NOW }))), "FeedParseError: malformed XML at line 1: Unclosed tag 'x'."],
    ['20,000 unterminated DOCTYPEs', () => String(failure(() => parseFeed(`<rss><channel><title>&a;</title>${'<!DOCTYPE x ['.repeat(20_000)}</channel></rss>`, { url: 'http://x/', now: NOW }))), 'FeedParseError: malformed XML at line 1: the document ends inside <rss><channel>'],
    ['100,000 escaped comment openers in a title', () => parseFeed(`<rss version="2.0"><channel><item><title>${'&lt;!--'.repeat(100_000)}</title></item></channel></rss>`, { url: 'http://x/', now: NOW }).items[0]!.title, ''],
    ['JSON nested 100,000 deep', () => String(failure(() => parseFeed('['.repeat(100_000), { url: 'http://x/', now: NOW }))), 'FeedParseError: malformed JSON: Unexpected end of JSON input'],
  ])('%s', (_what, run, expected) => {
    expect(run()).toBe(expected);
  });

  it('splits 50,000 single <br> lines without quadratic work', () => {
    expect(htmlToParagraphs('line<br>'.repeat(50_000))).toEqual([Array.from({ length: 50_000 }, () => 'line').join(' ')]);
  });

  it('refuses XML nested beyond reason with a clear error', () => {
    const err = failure(() => parseFeed(rss(`<item><title>t</title>${'<x>'.repeat(20_000)}${'</x>'.repeat(20_000)}</item>`), { url: 'http://x/', now: NOW }));
    expect(err).toBeInstanceOf(FeedParseError);
    expect((err as Error).message).toMatch(/^malformed XML/);
  });

  it.each([
    ['', 'not a feed: the document is empty'],
    ['<!-- nothing -->', 'not a feed: the document is empty'],
    ['hello world', 'not a feed: the document is neither XML nor JSON'],
    ['<!doctype html><html><body>hi</body></html>', 'not a feed: this is an HTML page'],
    ['<?xml version="1.0"?><note><to>x</to></note>', 'not a feed: the root element is <note>, not <rss>, <rdf:RDF>, <feed> or a JSON Feed'],
    ['<rss version="2.0"><channel><title>a</titl></channel></rss>', "malformed XML at line 1: Expected closing tag 'title' (opened in line 1, col 29) instead of closing tag 'titl'."],
    ['<rss version="2.0">\n<channel>\n<item><title a="1>x</title></item></channel></rss>', "malformed XML at line 3: Attributes for 'title' have open quote."],
  ])('%j → %s', (doc, message) => {
    expect(() => parseFeed(doc, { url: 'http://x/', now: NOW })).toThrow(new FeedParseError(message));
  });
});

describe('detectDocument', () => {
  it.each<[string, string, string | null, string]>([
    ['comment before the prolog', '<!-- c -->\n<?xml version="1.0"?><rss version="2.0"></rss>', 'text/html', 'rss'],
    ['BOM, DOCTYPE with internal subset', '\uFEFF<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "b">]>\n<rdf:RDF xmlns:rdf="x"></rdf:RDF>', null, 'rdf'],
    ['Atom served as text/plain', '<feed xmlns="http://www.w3.org/2005/Atom"></feed>', 'text/plain', 'atom'],
    ['prefixed Atom', '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"></atom:feed>', null, 'atom'],
    ['CDF', '<CHANNEL HREF="http://x/"></CHANNEL>', null, 'rss'],
    ['JSON Feed', '  {"version":"https://jsonfeed.org/version/1.1","items":[]}', 'text/plain', 'json-feed'],
    ['other JSON', '{"some":"json"}', 'application/json', 'unknown'],
    ['HTML served as RSS', '<!doctype html><html></html>', 'application/rss+xml', 'html'],
    ['XHTML', '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"></html>', 'application/xml', 'html'],
    ['HTML fragment labelled HTML', '<p>fragment</p>', 'text/html; charset=utf-8', 'html'],
    ['unlabelled fragment', '<p>fragment</p>', null, 'unknown'],
    ['plain text', 'hello', null, 'unknown'],
    // Answered by a linear scan: no input can make it backtrack.
    ['50,000 unterminated processing instructions', '<?'.repeat(50_000), null, 'unknown'],
  ])('%s → %s', (_label, text, contentType, kind) => {
    expect(detectDocument(text, contentType)).toBe(kind);
  });

  it('recognises every rss-parser input by content, whatever its extension', () => {
    const kinds = fs
      .readdirSync(path.join(CORPORA, 'feeds/rss-parser/input'))
      .sort()
      .map((f) => `${f}:${detectDocument(decodeBody(read(`feeds/rss-parser/input/${f}`), null).text, null)}`);
    expect(kinds).toEqual([
      'atom-customfields.atom:atom', 'content-encoded.rss:rss', 'craigslist.rss:rdf', 'customfields.rss:rss', 'encoding.rss:rss', 'feedburner.atom:atom',
      'giantbomb-podcast.rss:rss', 'guardian.rss:rss', 'gulp-atom.atom:atom', 'heise.atom:atom', 'heraldsun.rss:rss', 'incomplete-fields.atom:atom',
      'instant-article.rss:rss', 'item-itunes-episodeType.rss:rss', 'itunes-category.rss:rss', 'itunes-href.rss:rss', 'itunes-keywords-array.rss:rss',
      'itunes-keywords-astext.rss:rss', 'itunes-keywords.rss:rss', 'itunes-missing-image.rss:rss', 'many-links.rss:atom', 'missing-fields.atom:atom',
      'narro.rss:rss', 'pagination-links.rss:rss', 'reddit-atom.rss:rss', 'reddit-home.rss:atom', 'reddit.rss:rss', 'rss-1.rss:rdf', 'unrecognized.rss:html',
      'uolNoticias.rss:rss', 'xml2js-options.rss:rdf',
    ]);
  });
});

describe('discoverFeeds', () => {
  it('finds <link rel="alternate"> feeds, resolved against <base>, deduplicated, comment feeds last', () => {
    const html = `<html><head>
      <base href="https://news.example/sub/">
      <link rel="alternate" type="application/rss+xml" title="Site » Comments Feed" href="/comments/feed/">
      <link rel="alternate" type="application/rss+xml" title="All news" href="feed.xml">
      <link rel="Alternate" type="application/atom+xml" href="/atom.xml#top">
      <link rel="alternate" type="application/feed+json" title="JSON" href="https://news.example/feed.json">
      <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/7">
      <link rel="alternate" type="application/json+oembed" href="/oembed?url=x">
      <link rel="alternate" hreflang="de" href="/de/">
      <link rel="stylesheet" type="text/css" href="x.css">
      <link rel="alternate" type="application/rss+xml" href="feed.xml">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    </head><body></body></html>`;
    expect(discoverFeeds(html, 'https://news.example/page')).toEqual([
      { url: 'https://news.example/sub/feed.xml', type: 'application/rss+xml', title: 'All news' },
      { url: 'https://news.example/atom.xml', type: 'application/atom+xml', title: null },
      { url: 'https://news.example/feed.json', type: 'application/feed+json', title: 'JSON' },
      { url: 'https://news.example/comments/feed/', type: 'application/rss+xml', title: 'Site » Comments Feed' },
    ]);
  });

  it('resolves against the page URL when there is no <base>', () => {
    expect(discoverFeeds('<link rel="alternate" type="application/rss+xml" href="rss">', 'https://a.example/x/y')).toEqual([{ url: 'https://a.example/x/rss', type: 'application/rss+xml', title: null }]);
  });

  it.each<[string, Array<[string, string, string | null]>]>([
    ['001', [
      ['http://fakehost/code/feed/', 'application/rss+xml', 'Code (RSS)'],
      ['http://fakehost/photography/feed/', 'application/rss+xml', 'Photography (RSS)'],
      ['http://fakehost/talks/feed/', 'application/rss+xml', 'Talks (RSS)'],
      ['http://fakehost/carnet/feed/', 'application/rss+xml', 'Carnet (RSS)'],
      ['http://fakehost/feed/', 'application/rss+xml', 'Everything (RSS)'],
    ]],
    ['heise', [
      ['http://www.heise.de/mac-and-i/news-atom.xml', 'application/atom+xml', 'Aktuelle News von Mac & i'],
      ['http://www.heise.de/mac-and-i/news.rdf', 'application/rss+xml', 'Aktuelle News von Mac & i (für ältere RSS-Reader)'],
    ]],
    // A JSON Feed announced as plain application/json is recognised by its title.
    ['medicalnewstoday', [
      ['https://rss.medicalnewstoday.com/featurednews.xml', 'application/rss+xml', 'Medical News Today - Health News Headlines RSS Feed'],
      ['https://rss.medicalnewstoday.com/json/featurednews.json', 'application/json', 'Medical News Today - Health News Headlines JSON Feed'],
    ]],
    // WordPress: the site feed first, comment feeds after it.
    ['seattletimes-1', [
      ['https://www.seattletimes.com/feed/', 'application/rss+xml', 'The Seattle Times » Feed'],
      ['https://www.seattletimes.com/comments/feed/', 'application/rss+xml', 'The Seattle Times » Comments Feed'],
      ['https://www.seattletimes.com/business/amazon/alaskan-halibut-caught-by-a-century-old-seattle-boat-provides-a-glimpse-of-amazons-strategy-with-whole-foods/feed/', 'application/rss+xml', 'The Seattle Times » Alaskan halibut, caught by a century-old Seattle boat, provides a glimpse of Amazon’s strategy with Whole Foods Comments Feed'],
    ]],
    ['theverge', [['http://fakehost/rss/index.xml', 'application/rss+xml', 'The Verge']]],
    ['bbc-1', []],
    ['guardian-1', []],
  ])('readability page %s announces its feeds', (page, feeds) => {
    const html = fs.readFileSync(path.join(CORPORA, 'pages/readability', page, 'source.html'), 'utf8');
    expect(discoverFeeds(html, 'http://fakehost/test/page.html')).toEqual(feeds.map(([url, type, title]) => ({ url, type, title })));
  });

  it('lists the common feed paths to probe next', () => {
    expect(COMMON_FEED_PATHS).toEqual(['/feed', '/rss', '/atom.xml', '/index.xml', '/feed.xml', '/rss.xml', '/feed.json']);
  });
});

describe('htmlToParagraphs / htmlToContent', () => {
  it.each<[string, string, string[]]>([
    ['blocks and double <br> make paragraphs; script and style go', '<p>One &amp; <b>two</b></p><div>Three<br><br>Four</div><script>x()</script><style>p{}</style>', ['One & two', 'Three', 'Four']],
    ['plain text keeps its blank-line paragraphs', 'Plain text\n\nin two paragraphs', ['Plain text', 'in two paragraphs']],
    ['entities decode; an empty &nbsp; paragraph vanishes', '<p>&nbsp;</p><p>caf&eacute; &hellip; &#8217; &#x2014;</p>', ['café … ’ —']],
    ['list items are paragraphs, table cells words', '<ul><li>a</li><li>b</li></ul><table><tr><td>c</td><td>d</td></tr></table>', ['a', 'b', 'c d']],
    ['hidden nodes, noscript and forms go', '<p hidden>x</p><p aria-hidden="true">y</p><span style="display: none">z</span>ok<noscript>n</noscript><form><input value="v">f</form>', ['ok']],
    ['5,000 nested elements (no recursion)', '<div>' + '<div>'.repeat(5000) + 'deep' + '</div>'.repeat(5001), ['deep']],
  ])('%s', (_label, html, paragraphs) => {
    expect(htmlToParagraphs(html)).toEqual(paragraphs);
  });

  it('collects http(s) anchors only, resolved and deduplicated, never image sources', () => {
    expect(htmlToContent('<a href="/a">1</a><a href="/a#x">2</a><a href="/a">3</a><a href="ftp://f/">4</a><a href="data:text/html,x">5</a><img src="https://pixel.example/p.gif"><a href="HTTPS://B.example">6</a>', 'https://s.example/dir/')).toEqual({
      paragraphs: ['123456'],
      links: ['https://s.example/a', 'https://s.example/a#x', 'https://b.example/'],
    });
  });
});

/** A title without a trailing " | <author>" (how the Guardian's feed titles opinion pieces). */
function withoutAuthorSuffix(title: string, author: string | null): string {
  return author && title.endsWith(` | ${author}`) ? title.slice(0, -(author.length + 3)) : title;
}
