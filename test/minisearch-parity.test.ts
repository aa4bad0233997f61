import fs from 'node:fs';
import path from 'node:path';
import MiniSearch, { type Query, type SearchOptions } from 'minisearch';
import { describe, expect, it } from 'vitest';
import { makeArticleId, type Article } from '../src/core/article.ts';
import { dedupeKey } from '../src/core/feeds/dedupe.ts';
import { parseFeed } from '../src/core/feeds/parse-feed.ts';
import { ArticleIndex } from '../src/core/search/article-index.ts';
import { cleanTitle } from '../src/core/sources/items.ts';
import { seedArticles } from './helpers/seed-articles.ts';

/**
 * The hot tier adds articles with `FastMiniSearch.addCounted` (through `ArticleIndex.add`), which
 * writes MiniSearch's protected tables itself. It must build exactly the index `MiniSearch.add`
 * builds: same postings, field lengths, averages, and so the same results and scores. MiniSearch is
 * pinned to one version; upgrading it makes this test the judge of whether the fast add still holds.
 */

const CORPORA = path.resolve('../shared/corpora/feeds');
/** Feeds with articles of every shape: full text, summary only, no author, no tags, no title, no outlet. */
const FEEDS = ['rss-parser/input/guardian.rss', 'rss-parser/input/heise.atom', 'rss-parser/input/reddit.rss', 'rss-parser/input/missing-fields.atom', 'rss-parser/input/incomplete-fields.atom', 'jsonfeed/spec-examples/jsonfeed-1.1-microblog.json', 'jsonfeed/spec-examples/jsonfeed-1.0-podcast.json'];

/** A feed's items as the store would make them into articles (see `toIngestItems`). */
function feedArticles(file: string): Article[] {
  const feed = parseFeed(fs.readFileSync(path.join(CORPORA, file), 'utf8'), { url: 'http://127.0.0.1/feed', now: new Date('2026-01-01T00:00:00Z') });
  return feed.items.map((item) => {
    const body = item.body.length ? item.body : item.summary ? [item.summary] : [];
    return {
      id: makeArticleId(file, dedupeKey(item)),
      sourceId: file,
      title: cleanTitle(item.title, body),
      byline: item.author,
      outlet: feed.title,
      dateline: null,
      tags: item.tags,
      caption: null,
      body,
      editors: [],
      url: item.url,
      publishedAt: item.publishedAt,
    };
  });
}

const articles = [...seedArticles().values(), ...FEEDS.flatMap(feedArticles)];
// Articles that only differ from the ones above by what they lack: empty fields of every kind.
const bare = articles.slice(0, 3).map((a, k) => ({ ...a, id: `${a.id}-bare`, byline: null, outlet: k === 0 ? null : '', tags: [], ...(k === 1 ? { body: [] } : {}), ...(k === 2 ? { title: '—' } : {}) }));
const all = [...articles, ...bare];

function plainIndex(docs: Article[]): MiniSearch<Article> {
  const mini = new MiniSearch<Article>(ArticleIndex.options());
  for (const a of docs) mini.add(a);
  return mini;
}

function fastIndex(docs: Article[]): ArticleIndex {
  const index = new ArticleIndex(() => undefined);
  for (const [k, a] of docs.entries()) index.add(a, { seq: k + 1 });
  return index;
}

/** A query's results as the hot tier reads them: id, score, matched terms and where. */
function run(mini: MiniSearch<Article>, query: Query, options?: SearchOptions) {
  return mini.search(query, options).map((r) => ({ id: r.id as string, score: r.score, terms: r.terms, queryTerms: r.queryTerms, match: r.match }));
}

/** Everything MiniSearch holds (its public `toJSON`), terms in alphabetical order rather than radix-tree order. */
function tables(mini: MiniSearch<Article>) {
  const json = mini.toJSON();
  return { ...json, index: [...json.index].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}

const term = (t: string) => ({ queries: [t], combineWith: 'OR' as const });
const exact = (t: string) => ({ queries: [t], prefix: false, fuzzy: false, combineWith: 'OR' as const });
const some = new Set(all.filter((_, k) => k % 3 === 0).map((a) => a.id));

/** The kinds of query `ArticleIndex` sends MiniSearch, each with words the articles hold. */
const QUERIES: Array<[string, Query, SearchOptions?]> = [
  ['one word', 'korea'],
  ['several words, any', 'north korea missile'],
  ['every term, each a subquery (search/rank AND)', { combineWith: 'AND', queries: [term('north'), term('korea')] }],
  ['some terms (search/rank OR)', { combineWith: 'OR', queries: [term('taiwan'), term('election'), term('linux')] }],
  ['a strict term and a phrase word', { combineWith: 'AND', queries: [exact('kim'), term('government')] }],
  ['a prefix (word*)', { combineWith: 'AND', queries: [{ queries: ['gov'], prefix: true, fuzzy: false, combineWith: 'OR' }] }],
  ['a prefix completion by default', 'minis'],
  ['a typo', 'goverment'],
  ['a German word', 'sichern'],
  ['excluded words', { combineWith: 'OR', queries: ['police', 'reddit'] }, { prefix: false, fuzzy: false }],
  ['title only (autocomplete)', 'korea', { fields: ['title'], prefix: true, fuzzy: 0.2, combineWith: 'AND' }],
  ['byline field', 'guardian', { fields: ['byline', 'outlet'] }],
  ['another boost', 'korea', { boost: { body: 4, title: 1 } }],
  ['filtered', 'the', { filter: (r) => some.has(r.id as string) }],
  ['last word as prefix (suggest)', 'north kor', { combineWith: 'AND', prefix: (_t, i, terms) => i === terms.length - 1, fuzzy: false }],
];

describe('FastMiniSearch.addCounted builds the index MiniSearch.add builds', () => {
  const plain = plainIndex(all);
  const fast = fastIndex(all);

  it('over articles with empty fields (no byline, outlet, tags, body; a title with no words)', () => {
    expect(all.some((a) => a.byline === null)).toBe(true);
    expect(all.some((a) => a.outlet === null)).toBe(true);
    expect(all.some((a) => a.tags.length === 0)).toBe(true);
    expect(all.some((a) => a.body.length === 0)).toBe(true);
    expect(all.length).toBeGreaterThan(100);
  });

  it('the same tables: documents, field lengths, average field lengths, postings', () => {
    expect(fast.size).toBe(plain.documentCount);
    expect(fast.termCount).toBe(plain.termCount);
    // toJSON is MiniSearch's public view of everything it holds.
    expect(fast.engine.toJSON()).toEqual(plain.toJSON());
  });

  it.each(QUERIES)('the same results and scores: %s', (_name, query, options) => {
    const want = run(plain, query, options);
    expect(want.length).toBeGreaterThan(0);
    expect(run(fast.engine, query, options)).toEqual(want);
  });

  it('the same suggestions', () => {
    for (const prefix of ['kor', 'north ko', 'goverment']) {
      const want = plain.autoSuggest(prefix);
      expect(want.length).toBeGreaterThan(0);
      expect(fast.engine.autoSuggest(prefix)).toEqual(want);
    }
  });

  // Removing deletes a document's postings at once, where MiniSearch leaves them (counted in its
  // document frequencies) until a vacuum: the two agree once MiniSearch has vacuumed.
  it('replacing and removing articles leaves the index MiniSearch leaves after its vacuum', async () => {
    const replaced = { ...articles[1]!, body: ['A replaced body about submarines.'], byline: null };
    const plainChurned = plainIndex(all);
    const fastChurned = fastIndex(all);
    plainChurned.discard(replaced.id);
    plainChurned.add(replaced);
    fastChurned.add(replaced);
    for (const a of [articles[4]!, bare[0]!]) {
      plainChurned.discard(a.id);
      fastChurned.remove(a.id);
    }
    await plainChurned.vacuum();
    // Deleting a term and adding it again moves it in the radix tree's iteration order, nothing else.
    expect(tables(fastChurned.engine)).toEqual(tables(plainChurned));
    for (const [, query, options] of QUERIES) expect(run(fastChurned.engine, query, options)).toEqual(run(plainChurned, query, options));
  });
});
