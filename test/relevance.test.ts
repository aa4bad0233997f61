import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../src/core/deps.ts';
import { Newsroom, type SearchResults } from '../src/core/newsroom/index.ts';
import { Lexicon } from '../src/core/search/lexicon.ts';
import { capitalisedTerms, expandTerm, RELEVANCE_WEIGHTS } from '../src/core/search/relevance.ts';
import type { WordNet } from '../src/core/search/wordnet.ts';
import type { TextFilters, TextQuery, TextSearchOptions } from '../src/core/store/types.ts';
import { inflect, lemmasOf } from '../src/core/search/morphology.ts';
import { renderSearchReply } from '../src/replies/search-reply.ts';
import { newsroomFixture } from './helpers/newsroom-fixture.ts';

/**
 * Query expansion on real articles: pages of the extraction benchmark (../shared/corpora, their
 * ground-truth text and the titles of test/data/stories-labelled.json) beside the seeds, searched
 * through Newsroom.search with expansion on and off.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const labels = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/data/stories-labelled.json'), 'utf8')) as { items: Array<{ page: string; host: string; title: string }> };
const truth = JSON.parse(fs.readFileSync(path.resolve(ROOT, '../shared/corpora/pages/extraction-benchmark/ground-truth.json'), 'utf8')) as Record<string, { articleBody: string; url: string }>;
// The first 40 pages in the labels' order (English news and blogs, many topics), plus the three below.
const BINGE = 'e593d7fe88f9f5cd';
const POWER = 'd0382c0d9573a0a7';
const CAT = 'ef2b3f268a67950c';
const pages = labels.items.filter((i, n) => n < 40 || [BINGE, POWER, CAT].some((p) => i.page.startsWith(p)));

async function corpus(opts: { without?: string[] } = {}) {
  const f = await newsroomFixture();
  const src = await f.source('g1', 'Benchmark', 'https://benchmark.example/feed');
  await f.ingest(
    src.id,
    pages
      .filter((p) => !opts.without?.some((w) => p.page.startsWith(w)))
      .map((p) => ({ title: p.title, body: truth[p.page]!.articleBody.split(/\n+/).filter(Boolean), outlet: p.host, url: truth[p.page]!.url })),
  );
  const off = new Newsroom({ store: f.store, clock: f.clock, log: silentLog, search: { expansion: false } });
  await off.buildIndex();
  expect(await f.newsroom.loadExpansion()).toBe(true);
  const titleOf = (r: SearchResults) => r.items.map((i) => i.article.title);
  return { ...f, off, titleOf };
}

let wn: WordNet;
beforeAll(async () => {
  wn = (await new Lexicon().load())!;
});

describe('query expansion on real articles', () => {
  let c: Awaited<ReturnType<typeof corpus>>;
  beforeAll(async () => {
    c = await corpus();
  });

  it.each([
    ['ways to stop uncontrolled gorging', '15 Tips to Overcome Binge Eating'],
    ['utility cuts electricity to prevent wildfires', 'PG&E begins new mass power shutoff over fire danger'],
  ])('"%s" finds "%s" first with expansion, not without', async (query, title) => {
    const on = await c.newsroom.search({ guildId: 'g1' }, { query });
    const off = await c.off.search({ guildId: 'g1' }, { query });
    expect(c.titleOf(on)[0]).toBe(title);
    expect(c.titleOf(off)[0]).not.toBe(title);
  });

  it('says which related words decided a result, in the reply', async () => {
    const results = await c.newsroom.search({ guildId: 'g1' }, { query: 'ways to stop uncontrolled gorging' });
    const first = results.items[0]!;
    expect(first.alsoMatched).toEqual(expect.arrayContaining(['binge']));
    // Every word named is in the article and none was typed.
    const text = `${first.article.title} ${first.article.body.join(' ')}`.toLowerCase();
    for (const w of first.alsoMatched!) {
      expect(text).toContain(w);
      expect(['ways', 'stop', 'uncontrolled', 'gorging']).not.toContain(w);
    }
    const reply = renderSearchReply(results, 'u', 'ways to stop uncontrolled gorging');
    expect(reply.cards![0]!.description).toMatch(/^also matched: .*binge/m);
    // The excerpt marks the related words it shows.
    expect(first.terms.find((t) => t.query === 'gorging')!.forms).toEqual(expect.arrayContaining(['binge']));
    // Without expansion no card has the line.
    const off = renderSearchReply(await c.off.search({ guildId: 'g1' }, { query: 'ways to stop uncontrolled gorging' }), 'u', 'q');
    expect(off.cards!.some((card) => /also matched/.test(card.description ?? ''))).toBe(false);
  });

  it('leaves queries whose typed words fill the page as they were', async () => {
    for (const query of ['troops', 'president', 'north korea']) {
      const on = await c.newsroom.search({ guildId: 'g1' }, { query });
      const off = await c.off.search({ guildId: 'g1' }, { query });
      expect(c.titleOf(on)).toEqual(c.titleOf(off));
      expect(on.items.every((i) => !i.alsoMatched)).toBe(true);
    }
  });

  it('never expands a name: a capitalised word is taken as typed', async () => {
    const lower = await c.newsroom.search({ guildId: 'g1' }, { query: 'gorging' });
    const named = await c.newsroom.search({ guildId: 'g1' }, { query: 'Gorging' });
    expect(c.titleOf(lower)[0]).toBe('15 Tips to Overcome Binge Eating');
    expect(named.total).toBe(0);
    expect(capitalisedTerms('Trump tariffs and the Fed')).toEqual(new Set(['trump', 'fed']));
    // Names to WordNet (every use capitalised) expand to nothing even when typed in lower case.
    expect(expandTerm('hitler', wn, RELEVANCE_WEIGHTS)).toEqual([]);
    expect(expandTerm('oregon', wn, RELEVANCE_WEIGHTS)).toEqual([]);
    expect(expandTerm('dictator', wn, RELEVANCE_WEIGHTS).map((f) => f.form)).toContain('hitler');
  });
});

describe('expansion needs support in the archive', () => {
  it('searches only related words the archive holds', async () => {
    const c = await corpus({ without: [BINGE] });
    // What each newsroom asks the archive to search, recorded on the way to the real store.
    const searched: string[][] = [];
    const recording = () =>
      new Proxy(c.store, {
        get(target, key) {
          const value = Reflect.get(target, key) as unknown;
          if (key === 'searchText') {
            return (q: TextQuery, f: TextFilters, o: TextSearchOptions) => {
              searched.push([...q.terms, ...[...(q.alternatives?.values() ?? [])].flat()]);
              return target.searchText(q, f, o);
            };
          }
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    const newsroom = new Newsroom({ store: recording(), clock: c.clock, log: silentLog });
    const off = new Newsroom({ store: recording(), clock: c.clock, log: silentLog, search: { expansion: false } });
    await newsroom.buildIndex();
    await off.buildIndex();
    await newsroom.loadExpansion();
    // "walrus" has related words (pinniped, seal, tusk…), none of them in this archive; "stop" has many that are.
    const walrus = expandTerm('walrus', wn, RELEVANCE_WEIGHTS).map((f) => f.form);
    const stop = expandTerm('stop', wn, RELEVANCE_WEIGHTS).map((f) => f.form);
    const df = await c.store.termFrequencies([...walrus, ...stop]);
    expect(walrus.length).toBeGreaterThan(3);
    expect(walrus.every((f) => df.get(f) === 0)).toBe(true);
    await newsroom.search({ guildId: 'g1' }, { query: 'walrus stop kimchaek' });
    const words = new Set(searched.flat());
    // The expanded ranking ran (forms of "stop" were searched) but no form of "walrus" was.
    expect(stop.filter((f) => words.has(f)).length).toBeGreaterThan(0);
    expect(stop.filter((f) => words.has(f)).every((f) => (df.get(f) ?? 0) > 0)).toBe(true);
    expect(walrus.filter((f) => words.has(f))).toEqual([]);
    // A query whose related words are all missing from the archive is the tiered search's alone:
    // the same searches of the archive, the same page.
    const calls = async (n: Newsroom) => {
      const from = searched.length;
      const r = await n.search({ guildId: 'g1' }, { query: 'walrus kimchaek' });
      return { titles: c.titleOf(r), total: r.total, searches: searched.slice(from) };
    };
    expect(await calls(newsroom)).toEqual(await calls(off));
  });
});

describe('morphology', () => {
  it.each([
    ['officers', 'n', ['officer']],
    ['born', 'v', ['bear']],
    ['stopped', 'v', ['stop']],
    ['cities', 'n', ['city']],
  ] as const)('lemmas of %s (%s)', (word, pos, want) => {
    expect(lemmasOf(word, pos, (l, p) => wn.has(l, p))).toEqual(expect.arrayContaining([...want]));
  });

  it.each([
    ['bear', 'v', ['born', 'bore', 'bears', 'bearing']],
    ['binge', 'v', ['binges', 'binged', 'binging']],
    ['city', 'n', ['cities']],
    ['stop', 'v', ['stopped', 'stopping']],
  ] as const)('forms of %s (%s)', (lemma, pos, want) => {
    expect(inflect(lemma, pos)).toEqual(expect.arrayContaining([...want]));
  });
});
