import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeArticleId } from '../../src/core/article.ts';
import { parseFeed } from '../../src/core/feeds/parse-feed.ts';
import type { FetchResult } from '../../src/core/feeds/safe-fetch.ts';
import { fromFeed, toIngestItems } from '../../src/core/sources/items.ts';
import { planIngest, uniqueItems, wantedId, type StoredItem } from '../../src/core/store/ingest-plan.ts';
import type { IngestItem, SourceRow, TextOrigin } from '../../src/core/store/index.ts';

// The one place that decides unchanged / rewrite (with or without a kept version) / insert, over
// real feeds from ../shared/corpora edited the way publishers edit them.
const FEEDS = path.resolve(import.meta.dirname, '../../../shared/corpora/feeds/rss-parser/input');
const NOW = new Date('2030-01-01T00:00:00Z');
const SOURCE = { id: 'src-1', name: 'Feed' } as SourceRow;

const read = (name: string): string => fs.readFileSync(path.join(FEEDS, name), 'utf8');
const GUARDIAN = read('guardian.rss');
const CRAIGSLIST = read('craigslist.rss');

function itemsOf(xml: string, url = 'https://feeds.example/rss'): IngestItem[] {
  const fetched = { url, status: 200, headers: {}, body: new Uint8Array() } as unknown as FetchResult;
  return toIngestItems(SOURCE, fromFeed(parseFeed(xml, { url, now: NOW }), fetched, null));
}

/** The store after `items` were inserted (optionally with another text origin and body). */
function storedOf(items: IngestItem[], over: { textOrigin?: TextOrigin; body?: string[] } = {}): Map<string, StoredItem> {
  return new Map(
    items.map((i) => [
      i.dedupeKey,
      { id: wantedId(SOURCE.id, i), contentHash: i.contentHash, textOrigin: over.textOrigin ?? i.textOrigin ?? 'feed', article: { ...i.article, body: over.body ?? i.article.body } },
    ]),
  );
}

/** The nth <item> of an RSS document edited by `edit`. */
function editItem(xml: string, n: number, edit: (item: string) => string): string {
  let seen = -1;
  return xml.replace(/<item[\s>][\s\S]*?<\/item>/g, (item) => (++seen === n ? edit(item) : item));
}

const summary = (plan: ReturnType<typeof planIngest>) => ({
  unchanged: plan.unchanged,
  rewrites: plan.rewrites.map((r) => ({ key: r.item.dedupeKey, kinds: r.change?.kinds ?? null, textOrigin: r.textOrigin })),
  inserts: plan.inserts.length,
});

describe('planIngest over real feeds', () => {
  const first = itemsOf(GUARDIAN);
  const stored = storedOf(first);

  it('a first fetch inserts every item in feed order, each under the id it asks for', () => {
    expect(first.length).toBeGreaterThan(20);
    const plan = planIngest(SOURCE.id, first, new Map(), new Set());
    expect(summary(plan)).toEqual({ unchanged: 0, rewrites: [], inserts: first.length });
    expect(plan.inserts.map((i) => i.id)).toEqual(first.map((i) => wantedId(SOURCE.id, i)));
    expect(plan.inserts.map((i) => i.item)).toEqual(first);
  });

  it('the same fetch again changes nothing', () => {
    expect(summary(planIngest(SOURCE.id, itemsOf(GUARDIAN), stored, new Set()))).toEqual({ unchanged: first.length, rewrites: [], inserts: 0 });
  });

  type Case = [what: string, xml: string, expected: { kinds: string[] | null; textOrigin: TextOrigin }];
  const cases: Case[] = [
    ['a new headline is a headline version', editItem(GUARDIAN, 0, (i) => i.replace(/<title>[^<]*/, '<title>Trump speech promised unity, showed discord')), { kinds: ['headline'], textOrigin: 'summary' }],
    [
      're-dated with a new headline: a headline and date version',
      editItem(GUARDIAN, 1, (i) => i.replace(/<pubDate>[^<]*/, '<pubDate>Thu, 01 Feb 2018 09:00:00 GMT').replace(/<title>[^<]*/, '<title>Updated headline')),
      { kinds: ['headline', 'date'], textOrigin: 'summary' },
    ],
    [
      'a correction note appended to the text is a correction and a body version',
      editItem(GUARDIAN, 2, (i) => i.replace('</description>', '&lt;p&gt;Correction: an earlier version of this article misnamed the senator.&lt;/p&gt;</description>')),
      { kinds: ['correction', 'body'], textOrigin: 'summary' },
    ],
    [
      'only the quote style changed: rewritten, no version kept',
      editItem(GUARDIAN, 0, (i) => i.replace(/<description>[\s\S]*?<\/description>/, (d) => d.replaceAll('’', "'"))),
      { kinds: null, textOrigin: 'summary' },
    ],
  ];
  it.each(cases)('%s', (_what, xml, expected) => {
    const next = itemsOf(xml);
    const plan = planIngest(SOURCE.id, next, stored, new Set());
    expect(plan.unchanged).toBe(first.length - 1);
    expect(plan.inserts).toEqual([]);
    expect(plan.rewrites).toHaveLength(1);
    const [r] = plan.rewrites;
    expect({ kinds: r!.change?.kinds ?? null, textOrigin: r!.textOrigin }).toEqual(expected);
    // The rewrite keeps the stored article's id and writes the feed's new text.
    expect(r!.stored.id).toBe(stored.get(r!.item.dedupeKey)!.id);
    expect(r!.body).toEqual(r!.item.article.body);
  });

  it.each([
    ['re-dated only', (i: string) => i.replace(/<pubDate>[^<]*/, '<pubDate>Thu, 01 Feb 2018 09:00:00 GMT')],
    ['re-tagged only', (i: string) => i.replace(/(<category[^>]*>)[^<]*/, '$1Retagged')],
  ])('an item %s is unchanged: the content hash covers what a reader sees', (_what, edit) => {
    expect(summary(planIngest(SOURCE.id, itemsOf(editItem(GUARDIAN, 1, edit)), stored, new Set()))).toEqual({ unchanged: first.length, rewrites: [], inserts: 0 });
  });

  it('an item gone from the feed is left alone (vanished items are handled apart)', () => {
    const next = itemsOf(editItem(GUARDIAN, 0, () => ''));
    expect(summary(planIngest(SOURCE.id, next, stored, new Set()))).toEqual({ unchanged: first.length - 1, rewrites: [], inserts: 0 });
  });

  it('a new item at the top of the feed is the only insert', () => {
    const xml = GUARDIAN.replace('<item>', '<item><title>Breaking: a new story</title><link>https://www.theguardian.com/us-news/2018/feb/01/new</link><description>First words.</description></item><item>');
    const plan = planIngest(SOURCE.id, itemsOf(xml), stored, new Set());
    expect(summary(plan)).toEqual({ unchanged: first.length, rewrites: [], inserts: 1 });
    expect(plan.inserts[0]!.item.article.title).toBe('Breaking: a new story');
  });

  describe('full text fetched from the page', () => {
    const page = ['The whole article as extracted from its page.', 'A second paragraph only the page has.'];
    const fetchedPage = storedOf(first, { textOrigin: 'page', body: page });

    it('an unchanged teaser leaves the page text alone', () => {
      expect(summary(planIngest(SOURCE.id, itemsOf(GUARDIAN), fetchedPage, new Set()))).toEqual({ unchanged: first.length, rewrites: [], inserts: 0 });
    });

    it('an edited teaser keeps the page text and marks it stale, to be fetched again', () => {
      const next = itemsOf(editItem(GUARDIAN, 0, (i) => i.replace(/<title>[^<]*/, '<title>Trump speech promised unity, showed discord')));
      const plan = planIngest(SOURCE.id, next, fetchedPage, new Set());
      expect(summary(plan).rewrites).toEqual([{ key: next[0]!.dedupeKey, kinds: ['headline'], textOrigin: 'stale' }]);
      expect(plan.rewrites[0]!.body).toEqual(page);
    });

    it('a stale page stays stale when the teaser changes again', () => {
      const stale = storedOf(first, { textOrigin: 'stale', body: page });
      const next = itemsOf(editItem(GUARDIAN, 0, (i) => i.replace(/<title>[^<]*/, '<title>Another headline')));
      const plan = planIngest(SOURCE.id, next, stale, new Set());
      expect(plan.rewrites.map((r) => [r.textOrigin, r.body])).toEqual([['stale', page]]);
    });

    it('a feed that starts carrying the full text replaces the stored teaser', () => {
      const summaries = storedOf(first, { textOrigin: 'summary' });
      const full = first.map((i, n) => (n === 0 ? { ...i, contentHash: `${i.contentHash}-full`, textOrigin: 'feed' as const, article: { ...i.article, body: page } } : i));
      const plan = planIngest(SOURCE.id, full, summaries, new Set());
      expect(summary(plan).rewrites).toEqual([{ key: first[0]!.dedupeKey, kinds: ['body'], textOrigin: 'feed' }]);
      expect(plan.rewrites[0]!.body).toEqual(page);
    });
  });

  describe('undated items (an RSS 1.0 feed without dates)', () => {
    const undatedXml = CRAIGSLIST.replace(/<(dc:date|dcterms:issued)>[^<]*<\/\1>\n?/g, '');
    const undated = itemsOf(undatedXml);

    it('are keyed and inserted like dated ones', () => {
      expect(undated.length).toBe(25);
      expect(undated.every((i) => i.article.publishedAt === null)).toBe(true);
      expect(new Set(undated.map((i) => i.dedupeKey)).size).toBe(undated.length);
      expect(summary(planIngest(SOURCE.id, undated, new Map(), new Set()))).toEqual({ unchanged: 0, rewrites: [], inserts: undated.length });
    });

    it('gaining a date later keeps the same articles, unchanged (dates are not in the content hash)', () => {
      const dated = itemsOf(CRAIGSLIST);
      expect(dated.map((i) => i.dedupeKey)).toEqual(undated.map((i) => i.dedupeKey));
      expect(summary(planIngest(SOURCE.id, dated, storedOf(undated), new Set()))).toEqual({ unchanged: undated.length, rewrites: [], inserts: 0 });
    });

    it('an undated item edited later is a body version, its date untouched', () => {
      const edited = itemsOf(editItem(undatedXml, 0, (i) => i.replace('Updated 3+ Bedroom', 'Renovated 3+ Bedroom')));
      const plan = planIngest(SOURCE.id, edited, storedOf(undated), new Set());
      expect(summary(plan).rewrites.map((r) => r.kinds)).toEqual([['body']]);
      expect(plan.rewrites[0]!.item.article.publishedAt).toBeNull();
    });
  });
});

describe('uniqueItems and article ids', () => {
  const items = itemsOf(GUARDIAN);

  it('the same key twice in one fetch (duplicate GUIDs): the first wins', () => {
    const edited = itemsOf(editItem(GUARDIAN, 0, (i) => i.replace(/<title>[^<]*/, '<title>Later copy')));
    const unique = uniqueItems([...items, edited[0]!]);
    expect(unique).toEqual(items);
  });

  it('an id another article holds, or an earlier item of this fetch took, becomes a derived one', () => {
    const [a, b] = items;
    const twin = { ...b!, article: { ...b!.article, id: a!.article.id } };
    const plan = planIngest(SOURCE.id, [a!, twin], new Map(), new Set());
    expect(plan.inserts.map((i) => i.id)).toEqual([a!.article.id, makeArticleId(SOURCE.id, twin.dedupeKey, a!.article.id)]);
    const taken = planIngest(SOURCE.id, [a!], new Map(), new Set([a!.article.id]));
    expect(taken.inserts.map((i) => i.id)).toEqual([makeArticleId(SOURCE.id, a!.dedupeKey, a!.article.id)]);
  });

  it('an item without an id asks for the one its source and key give', () => {
    const bare = { ...items[0]!, article: { ...items[0]!.article, id: '' } };
    expect(planIngest(SOURCE.id, [bare], new Map(), new Set()).inserts[0]!.id).toBe(makeArticleId(SOURCE.id, bare.dedupeKey));
  });
});
