import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Article } from '../src/core/article.ts';
import { silentLog, type Log } from '../src/core/deps.ts';
import { UserError } from '../src/core/errors.ts';
import { Newsroom, type SearchOptions } from '../src/core/newsroom/index.ts';
import { importSeeds } from '../src/core/seeds/import.ts';
import { parseQuery } from '../src/core/search/query.ts';
import { openStore, type SqliteStore } from '../src/core/store/index.ts';
import { fromSqlite } from '../src/core/store/sqlite-async.ts';
import { ROOT } from './helpers/bot-process.ts';
import { FakeClock } from './helpers/newsroom-fixture.ts';
import { turnsDuring } from './helpers/turns.ts';

const scope = { guildId: 'g' };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-archive-'));
  dirs.push(d);
  return d;
}

/** A log that keeps its messages, to see which way the hot tier was loaded. */
function recordingLog(): Log & { messages: Array<{ msg: string; obj: Record<string, unknown> }> } {
  const messages: Array<{ msg: string; obj: Record<string, unknown> }> = [];
  const rec = (obj: object, msg?: string) => void messages.push({ msg: msg ?? '', obj: obj as Record<string, unknown> });
  const log = { trace: rec, debug: rec, info: rec, warn: rec, error: rec, fatal: rec, child: () => log, messages };
  return log;
}

/** The seeds, then the given articles from a guild's source (announced as a fetch would be). */
async function storeWith(extra: Array<Partial<Article> & { title: string; body: string[] }>, file = ':memory:', seeds = true) {
  const clock = new FakeClock(Date.parse('2026-03-02T06:00:00Z'));
  const store = openStore({ path: file, clock, log: silentLog });
  if (seeds) await importSeeds({ store, log: silentLog }, path.join(ROOT, 'seeds'));
  const source = store.createSource({ guildId: 'g', channelId: 'c', addedBy: 'u', url: 'https://wire.example/feed', feedUrl: 'https://wire.example/feed', name: 'Wire', kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
  if (extra.length) {
    store.ingest(
      source.id,
      extra.map((a, i) => ({
        article: { id: '', sourceId: source.id, byline: null, outlet: 'Wire', dateline: null, tags: [], caption: null, editors: [], url: `https://wire.example/${i}`, publishedAt: null, ...a },
        dedupeKey: `guid:${i}`,
        contentHash: `${a.title}:${a.body.join(' ')}`,
      })),
      { announce: true },
    );
  }
  return { store, clock, source };
}

async function newsroomOver(store: SqliteStore, clock: FakeClock, search: SearchOptions = {}, log: Log = silentLog) {
  const n = new Newsroom({ store: fromSqlite(store), clock, log, search });
  await n.buildIndex();
  return n;
}

const titleOf = async (n: Newsroom, q: string, extra: object = {}) => (await n.search(scope, { query: q, ...extra })).items.map((i) => i.article.title.slice(0, 40));

describe('two tiers: an article outside the hot window is found, ranked and excerpted like one inside', () => {
  const relevance: Array<[string, string]> = [
    ['letters of encouragement', '000'],
    ['Kimchaek party committee', '000'],
    ['captured soldiers rumors', '001'],
    ['Military Security Command', '001'],
    ['Storm Corps', '002'],
    ['guilt by association', '002'],
    ['Zelenskyy', '002'],
    ['Pentagon 10,000 troops', '003'],
    ['Kim Il Sung University', '003'],
    ['Kim Yo Jong defectors', '004'],
    ['"human trash"', '004'],
    ['propaganda leaflets', '004'],
    ['troop deployment rumours', '001'],
  ];

  it.each(relevance)('%s → seed %s, with the same excerpt from either tier', async (query, seed) => {
    const { store, clock } = await storeWith([]);
    const seedFile = fs.readdirSync(path.join(ROOT, 'seeds')).find((f) => f.startsWith(seed))!;
    const hot = await newsroomOver(store, clock);
    // A hot window of one article: every seed but the newest is in the archive tier only.
    const archive = await newsroomOver(store, clock, { hotMaxArticles: 1 });
    expect(hot.index.size).toBe(5);
    expect(archive.index.size).toBe(1);
    const inHot = (await hot.search(scope, { query }));
    const inArchive = (await archive.search(scope, { query }));
    expect(inArchive.items[0]!.article.url ?? inArchive.items[0]!.article.id).toBe(inHot.items[0]!.article.url ?? inHot.items[0]!.article.id);
    expect(store.getArticle(inArchive.items[0]!.article.id)!.title).toBe(store.getArticle(inHot.items[0]!.article.id)!.title);
    expect(inArchive.items[0]!.excerpt).toEqual(inHot.items[0]!.excerpt);
    expect(inHot.items[0]!.article.title).toBe(store.getArticle(inHot.items[0]!.article.id)!.title);
    expect(seedFile).toBeTruthy();
    store.close();
  });

  it('marks the words of a page of archive hits one article per event-loop turn', async () => {
    const { store, clock } = await storeWith([]);
    const archive = await newsroomOver(store, clock, { hotMaxArticles: 1 });
    // Turns other work gets while the search runs: matching every word of each article against the
    // query's typo forms would otherwise run for the whole page in one turn.
    const { turns, result: found } = await turnsDuring(() => archive.search(scope, { query: 'korean troops ukraine' }));
    // A hot window of one article: all but at most one hit come from the archive tier.
    expect(found.items.length).toBeGreaterThanOrEqual(3);
    expect(turns).toBeGreaterThanOrEqual(found.items.length - 2);
    store.close();
  });

  it('walks the hot vocabulary for a long query one word per event-loop turn', async () => {
    const { store, clock } = await storeWith([]);
    const newsroom = await newsroomOver(store, clock);
    const words = ['authorities', 'searching', 'reports', 'soldiers', 'deployment', 'university', 'students', 'rumors'];
    const { turns, result: found } = await turnsDuring(() => newsroom.search(scope, { query: words.join(' ') }));
    expect(found.total).toBeGreaterThan(0);
    expect(turns).toBeGreaterThanOrEqual(words.length - 1);
    store.close();
  });

  it('a misspelt word is corrected for the archive tier from the hot vocabulary', async () => {
    const { store, clock } = await storeWith([{ title: 'Propaganda balloons again', body: ['More propaganda balloons crossed the border on Tuesday.'] }]);
    const archive = await newsroomOver(store, clock, { hotMaxArticles: 1 });
    const exact = (await archive.search(scope, { query: 'propaganda leaflets' })).items.map((i) => i.article.id);
    expect((await archive.search(scope, { query: 'propagnda leaflets' })).items.map((i) => i.article.id)).toEqual(exact);
    store.close();
  }, 180_000);
});

describe('two tiers: filters and paging across the boundary', () => {
  const wire = Array.from({ length: 12 }, (_, i) => ({
    title: `Border market report ${i + 1}`,
    body: [`Traders at the border market said rice prices moved again (report ${i + 1}).`, i % 2 ? 'Officials declined to comment.' : 'Soldiers watched the crossing.'],
    publishedAt: `2026-02-${String(10 + i).padStart(2, '0')}T08:00:00.000Z`,
    outlet: i % 3 === 0 ? 'Daily NK' : 'Wire',
  }));

  // The wire articles only (no seeds): the archive tier matches exact words plus the hot
  // vocabulary's completions and corrections, MiniSearch every prefix and typo form ("rice" →
  // "price"); over one shared vocabulary both match the same articles.
  it('pages through every match exactly once, with the same totals and pages as a single tier', async () => {
    const { store, clock } = await storeWith(wire, ':memory:', false);
    const single = await newsroomOver(store, clock);
    const split = await newsroomOver(store, clock, { hotMaxArticles: 6 });
    expect(split.index.size).toBe(6);
    for (const query of ['traders', 'rice', 'officials', 'soldiers crossing', 'declined comment', 'report market']) {
      const pages = async (n: Newsroom) => {
        const first = (await n.search(scope, { query }));
        const out = [{ total: first.total, ids: first.items.map((i) => i.article.id) }];
        for (let page = 1; page < first.pageCount; page++) {
          const r = (await n.search(scope, { query, page }));
          out.push({ total: r.total, ids: r.items.map((i) => i.article.id) });
        }
        return out;
      };
      const got = await pages(split);
      const want = await pages(single);
      expect(got.map((p) => p.total)).toEqual(want.map((p) => p.total));
      const seen = got.flatMap((p) => p.ids);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(want.flatMap((p) => p.ids).sort());
    }
    store.close();
  });

  it('applies source, outlet and date filters to both tiers alike', async () => {
    const { store, clock, source } = await storeWith(wire, ':memory:', false);
    const single = await newsroomOver(store, clock);
    const split = await newsroomOver(store, clock, { hotMaxArticles: 6 });
    const cases: Array<Record<string, string>> = [
      { source: source.id },
      { source: 'Daily NK' },
      { since: '2026-02-14', until: '2026-02-18' },
      { source: 'Wire', since: '2026-02-16' },
    ];
    const everyPage = async (n: Newsroom, filter: object) => {
      const first = (await n.search(scope, { query: 'traders rice', ...filter }));
      const items = [...first.items];
      for (let page = 1; page < first.pageCount; page++) items.push(...(await n.search(scope, { query: 'traders rice', page, ...filter })).items);
      return { total: first.total, items };
    };
    for (const filter of cases) {
      const got = await everyPage(split, filter);
      const want = await everyPage(single, filter);
      expect([got.total, got.items.map((i) => i.article.id).sort()]).toEqual([want.total, want.items.map((i) => i.article.id).sort()]);
      expect(got.total).toBeGreaterThan(0);
      for (const item of got.items) {
        if (filter.source === 'Daily NK') expect(item.article.outlet).toBe('Daily NK');
        if (filter.since) expect(item.article.publishedAt! >= `${filter.since}T00:00:00.000Z`).toBe(true);
        if (filter.until) expect(item.article.publishedAt! <= `${filter.until}T23:59:59.999Z`).toBe(true);
      }
    }
    // Another guild never sees this guild's source, from either tier.
    expect((await split.search({ guildId: 'other' }, { query: 'traders rice' })).items.every((i) => i.article.sourceId === 'seeds')).toBe(true);
    store.close();
  }, 180_000);

  it('answers a date range before every hot article from the archive alone, with the same results', async () => {
    const { store, clock } = await storeWith(wire, ':memory:', false);
    const split = await newsroomOver(store, clock, { hotMaxArticles: 6 });
    // The same tiers without the shortcut: the hot tier searched (and finding nothing in the range).
    const both = await newsroomOver(store, clock, { hotMaxArticles: 6 });
    (both.index as unknown as { excludesAll: () => boolean }).excludesAll = () => false;
    const hot = split.index as unknown as { rank: (...a: unknown[]) => unknown; excludesAll: (f: object) => boolean };
    let ranked = 0;
    const rank = hot.rank.bind(split.index);
    hot.rank = (...a: unknown[]) => (ranked++, rank(...a));
    const answer = async (n: Newsroom, req: object) => {
      const r = await n.search(scope, { query: 'traders rice', ...req });
      return [r.total, r.items.map((i) => i.article.id)];
    };
    // The hot six were published 02-16 … 02-21: a range ending the 15th holds none of them.
    for (const req of [{ until: '2026-02-15' }, { since: '2026-02-11', until: '2026-02-14' }, { query: 'tradrs', until: '2026-02-15' }, { query: 'soldiers', until: '2026-02-15', page: 1 }]) {
      expect(await answer(split, req)).toEqual(await answer(both, req));
    }
    expect((await answer(split, { until: '2026-02-15' }))[0]).toBeGreaterThan(0);
    // A typo is still corrected from the hot vocabulary for the archive.
    expect((await answer(split, { query: 'tradrs', until: '2026-02-15' }))[1]).toEqual((await answer(split, { query: 'traders', until: '2026-02-15' }))[1]);
    expect(ranked).toBe(0);
    expect(await answer(split, { until: '2026-02-16' })).toEqual(await answer(both, { until: '2026-02-16' }));
    expect(ranked).toBeGreaterThan(0);
    // The date bounds follow removals: without the oldest hot article, the 16th is outside too.
    const oldestHot = (await split.search(scope, { query: 'traders', since: '2026-02-16', until: '2026-02-16' })).items[0]!.article.id;
    expect(hot.excludesAll({ until: new Date('2026-02-16T12:00:00Z') })).toBe(false);
    split.index.remove(oldestHot);
    expect(hot.excludesAll({ until: new Date('2026-02-16T12:00:00Z') })).toBe(true);
    expect(hot.excludesAll({ since: new Date('2026-02-22T00:00:00Z') })).toBe(true);
    expect(hot.excludesAll({})).toBe(false);
    store.close();
  });
});

describe('pruned paths give the answers of the full ones', () => {
  it('words in most hot articles are ranked from the postings exactly as MiniSearch ranks their exact matches', async () => {
    const wire = Array.from({ length: 12 }, (_, i) => ({
      title: `Border market report ${i + 1}`,
      body: [`Traders at the border market said rice prices moved again (report ${i + 1}).`, i % 2 ? 'Officials declined to comment at the border.' : 'Soldiers watched the crossing.'],
    }));
    const { store, clock } = await storeWith(wire, ':memory:', false);
    const n = await newsroomOver(store, clock);
    for (const q of ['border', 'border market', 'traders officials', 'nothinglikeit']) {
      const query = parseQuery(q);
      const exact = n.index.rankExact(query, undefined, 20);
      const mini = n.index.rank(query, undefined, 20, 'all');
      expect(exact.total).toBe(mini.total);
      expect(exact.hits.map((h) => h.id)).toEqual(mini.hits.map((h) => h.id));
      exact.hits.forEach((h, i) => expect(h.score).toBeCloseTo(mini.hits[i]!.score, 9));
    }
    expect(n.index.rankExact(parseQuery('border'), undefined, 20).total).toBe(12);
    store.close();
  });

  it('a phrase with a page of matches in the hot window is answered there: only articles holding it, counted', async () => {
    const wire = Array.from({ length: 12 }, (_, i) => ({
      title: `Market report ${i + 1}`,
      body: [i % 2 ? `Traders said rice prices moved again (report ${i + 1}).` : `Traders said the prices of rice moved again (report ${i + 1}).`],
    }));
    const { store, clock } = await storeWith(wire, ':memory:', false);
    const n = await newsroomOver(store, clock);
    const holding = new Set(store.scanArticles(0, 50).filter((r) => r.article.body[0]!.includes('rice prices')).map((r) => r.article.id));
    expect(holding.size).toBe(6);
    for (const q of ['"rice prices"', 'traders "rice prices"']) {
      const r = await n.search(scope, { query: q });
      expect(r.total).toBe(6);
      expect(r.items).toHaveLength(5);
      for (const item of r.items) expect(holding.has(item.article.id)).toBe(true);
    }
    store.close();
  });

  it('a phrase search reads each candidate once per search, and leaves the hot window early when its sample cannot fill the page', async () => {
    const count = (store: SqliteStore) => {
      const reads: string[] = [];
      const async = fromSqlite(store);
      const getArticle = async.getArticle.bind(async);
      async.getArticle = (id: string) => (reads.push(id), getArticle(id));
      return { async, reads };
    };
    // Twelve candidates, six holding the phrase: a search asked again for more hits (as story
    // grouping does) with the same memo reads none of them again.
    {
      const wire = Array.from({ length: 12 }, (_, i) => ({ title: `Market report ${i + 1}`, body: [i % 2 ? `Traders said rice prices moved again (report ${i + 1}).` : `Traders said the prices of rice moved again (report ${i + 1}).`] }));
      const { store, clock } = await storeWith(wire, ':memory:', false);
      const { async, reads } = count(store);
      const n = new Newsroom({ store: async, clock, log: silentLog });
      await n.buildIndex();
      reads.length = 0;
      const tiered = (n as unknown as { tiered: { search: (q: unknown, f: object, p: object) => Promise<{ hits: Array<{ id: string }>; total: number }> } }).tiered;
      const memo = {};
      const first = await tiered.search(parseQuery('"rice prices"'), {}, { offset: 0, limit: 2, memo });
      expect(first.hits).toHaveLength(2);
      expect(new Set(reads).size).toBe(reads.length);
      const before = reads.length;
      const again = await tiered.search(parseQuery('"rice prices"'), {}, { offset: 0, limit: 5, memo });
      expect(again.hits.slice(0, 2)).toEqual(first.hits);
      expect(again.hits).toHaveLength(5);
      expect(reads.length).toBe(before);
      // Without the memo the texts are read again.
      await tiered.search(parseQuery('"rice prices"'), {}, { offset: 0, limit: 5 });
      expect(reads.length).toBeGreaterThan(before);
      store.close();
    }
    // Sixty candidates, two holding the phrase: after the 40-article sample the rest could not fill
    // a page, so the archive search answers without the other twenty being read.
    {
      const wire = Array.from({ length: 60 }, (_, i) => ({ title: `Market report ${i + 1}`, body: [i % 30 === 7 ? `Traders said rice prices moved (report ${i + 1}).` : `Rice traders said prices moved (report ${i + 1}).`] }));
      const { store, clock } = await storeWith(wire, ':memory:', false);
      const { async, reads } = count(store);
      const n = new Newsroom({ store: async, clock, log: silentLog });
      await n.buildIndex();
      reads.length = 0;
      const r = await n.search(scope, { query: '"rice prices"' });
      expect(r.total).toBe(2);
      expect(r.items.map((i) => i.article.body[0]!.includes('rice prices'))).toEqual([true, true]);
      expect(new Set(reads).size).toBeLessThan(50);
      store.close();
    }
  });

  it('a phrase of common words is verified in the raw text, and by the tokenizer where the raw text can mislead', async () => {
    // Every article holds both words, so the store verifies candidates instead of asking FTS5.
    const bodies: Array<[string, boolean]> = [
      ['The rice price rose again.', true],
      ['The price of rice fell.', false],
      ['They sold rice. Price controls followed.', true],
      ["The rice's price doubled.", true],
      ['Ricé price lists were posted.', true],
      ["The rice'n price was odd, the price rice too.", false],
      ['RICE PRICE, said the banner.', true],
    ];
    const { store } = await storeWith(bodies.map(([body], i) => ({ title: `Market note ${i}`, body: [body] })), ':memory:', false);
    const page = store.searchText({ terms: [], phrases: [['rice', 'price']], excluded: [] }, {}, { limit: 20 });
    const want = bodies.flatMap(([, hit], i) => (hit ? [`Market note ${i}`] : []));
    expect(page.hits.map((h) => store.getArticle(h.id)!.title).sort()).toEqual(want);
    store.close();
  });
});

describe('archive tier: FTS5 stays in step with the articles table', () => {
  it('follows insert, update and source removal, and passes the FTS5 integrity check', async () => {
    const { store, source } = await storeWith([{ title: 'Quokka sighting', body: ['A quokka was seen near the zebrafish tank.'] }]);
    const q = (text: string) => store.searchText({ ...parseQuery(text) }, {}, { limit: 10 }).hits.length;
    const integrity = () => store.db.prepare("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)").run();
    expect([q('quokka'), q('zebrafish'), q('axolotl')]).toEqual([1, 1, 0]);
    store.ingest(source.id, [{ article: { id: '', sourceId: source.id, title: 'Quokka sighting', byline: null, outlet: 'Wire', dateline: null, tags: [], caption: null, body: ['An axolotl, not a quokka.'], editors: [], url: 'https://wire.example/0', publishedAt: null }, dedupeKey: 'guid:0', contentHash: 'changed' }], { announce: true });
    expect([q('quokka'), q('zebrafish'), q('axolotl')]).toEqual([1, 0, 1]);
    integrity();
    const before = store.articlesGeneration();
    store.deleteSource(source.id);
    expect([q('quokka'), q('axolotl')]).toEqual([0, 0]);
    expect(store.articlesGeneration()).toBe(before + 1);
    integrity();
    store.close();
  });

  it('parses a trailing * as a prefix and searches it in both tiers', async () => {
    expect(parseQuery('Secur* troops')).toEqual({ raw: 'Secur* troops', terms: ['troops'], phrases: [], excluded: [], prefixes: ['secur'] });
    const { store, clock } = await storeWith([{ title: 'Border security tightened', body: ['Security units were moved to the border.'] }]);
    const archive = await newsroomOver(store, clock, { hotMaxArticles: 1 });
    const hot = await newsroomOver(store, clock);
    expect((await titleOf(archive, 'propagand*')).length).toBeGreaterThan(0);
    expect(await titleOf(archive, 'propagand*')).toEqual(await titleOf(hot, 'propagand*'));
    store.close();
  });

  it('hostile query text never reaches FTS5 as syntax', async () => {
    const { store, clock } = await storeWith([{ title: 'Near the border', body: ['Title: NEAR the border OR AND NOT column.'] }]);
    const newsroom = await newsroomOver(store, clock, { hotMaxArticles: 1 });
    const hostile = ['NEAR(border crossing, 2)', '"unclosed', 'title:border', 'border OR troops', '*', 'border*', '^border', ')))(((', 'AND', 'NOT border', '"" ""', 'rank:1', "'; DROP TABLE articles; --", 'border \u0000 troops', '{title body}: border', 'x" OR "y', '-border troops', 'bord* "human trash"'];
    // Each is searched as the words it holds (our own syntax — quotes, -word, word* — kept), finding
    // what those words find; only text with nothing to look for is refused. Had FTS5 syntax leaked
    // through, the store would have thrown or matched something else.
    const sameAs: Record<string, string | null> = {
      'NEAR(border crossing, 2)': 'near border crossing 2',
      '"unclosed': 'unclosed',
      'title:border': 'title border',
      'border OR troops': 'border or troops',
      '*': null,
      'border*': 'border*',
      '^border': 'border',
      ')))(((': null,
      AND: 'and',
      'NOT border': 'not border',
      '"" ""': null,
      'rank:1': 'rank 1',
      "'; DROP TABLE articles; --": 'drop table articles',
      'border \u0000 troops': 'border troops',
      '{title body}: border': 'title body border',
      'x" OR "y': 'x or y',
      '-border troops': '-border troops',
      'bord* "human trash"': 'bord* "human trash"',
    };
    expect(Object.keys(sameAs)).toEqual(hostile);
    const found = async (query: string): Promise<string[] | 'refused'> => {
      try {
        return (await newsroom.exportSearch(scope, { query }, 50)).map((r) => r.article.id);
      } catch (err) {
        expect(err, query).toBeInstanceOf(UserError);
        return 'refused';
      }
    };
    let answered = 0;
    for (const query of hostile) {
      const plain = sameAs[query]!;
      const got = await found(query);
      expect(got, query).toEqual(plain === null ? 'refused' : await found(plain));
      if (got !== 'refused' && got.length > 0) answered++;
    }
    expect(answered).toBeGreaterThanOrEqual(10);
    // Tokens that are FTS5 syntax themselves, handed straight to the store.
    const r = store.searchText({ terms: ['border', 'or"', 'near('], phrases: [['the', 'border"']], excluded: ['not*'], prefixes: ['bo"'], alternatives: new Map([['border', ['a" OR "b', ')']]]) }, { sourceIds: ['x") OR 1=1 --'] }, { limit: 5 });
    expect(r.hits).toEqual([]);
    expect((await newsroom.search(scope, { query: 'NEAR the border' })).items[0]!.article.title).toBe('Near the border');
    store.close();
  }, 180_000);
});

describe('hot tier snapshot', () => {
  it('is loaded when it matches the store, and rebuilt when stale, missing or corrupt', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'nd.db');
    const snap = `${db}.hot`;
    const { store, clock, source } = await storeWith([{ title: 'Border market report', body: ['Rice prices moved again at the border market.'] }], db);
    const load = async () => {
      const log = recordingLog();
      const n = await newsroomOver(store, clock, { snapshotPath: snap }, log);
      const how = log.messages.find((m) => m.msg === 'hot index loaded from snapshot') ? 'snapshot' : String(log.messages.find((m) => m.msg.includes('rebuilding'))?.obj.reason);
      return { n, how };
    };
    const built = await load();
    expect(built.how).toBe('missing');
    expect(fs.existsSync(snap)).toBe(true);
    const loaded = await load();
    expect(loaded.how).toBe('snapshot');
    expect(await titleOf(loaded.n, 'rice prices')).toEqual(await titleOf(built.n, 'rice prices'));
    expect(await titleOf(loaded.n, 'rice prices')).toContain('Border market report');
    store.ingest(source.id, [{ article: { id: '', sourceId: source.id, title: 'Rice prices fall', byline: null, outlet: 'Wire', dateline: null, tags: [], caption: null, body: ['Rice prices fell at the market.'], editors: [], url: 'https://wire.example/9', publishedAt: null }, dedupeKey: 'guid:9', contentHash: 'x' }], { announce: true });
    const stale = await load();
    expect(stale.how).toMatch(/^stale \(generation \d+, store \d+\)$/);
    expect(await titleOf(stale.n, 'rice prices')).toContain('Rice prices fall');
    expect(stale.n.index.size).toBe(store.countArticles());
    expect((await load()).how).toBe('snapshot');
    fs.writeFileSync(snap, fs.readFileSync(snap).subarray(0, Math.floor(fs.statSync(snap).size / 2)));
    expect((await load()).how).toMatch(/^cut short$|^unreadable/);
    fs.writeFileSync(snap, 'not a snapshot\n');
    expect((await load()).how).toMatch(/^unreadable/);
    const again = await load();
    expect(again.how).toBe('snapshot');
    expect(again.n.index.size).toBe(store.countArticles());
    store.close();
  });

  it('a restart from the snapshot groups stories and knows who is quoted as before', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'nd.db');
    const seedStore = openStore({ path: ':memory:', clock: new FakeClock(Date.parse('2026-03-02T06:00:00Z')), log: silentLog });
    await importSeeds({ store: seedStore, log: silentLog }, path.join(ROOT, 'seeds'));
    // Another outlet's copy of a seed: one story across two sources.
    const original = seedStore.scanArticles(0, 1)[0]!.article;
    seedStore.close();
    const { store, clock } = await storeWith([{ title: original.title, body: original.body, publishedAt: original.publishedAt }], db);
    const copyId = store.scanArticles(0, 100).map((r) => r.article).find((a) => a.sourceId !== original.sourceId)!.id;
    const seedId = store.scanArticles(0, 100).map((r) => r.article).find((a) => a.sourceId === original.sourceId && a.title === original.title)!.id;
    const log = recordingLog();
    const firstLog = recordingLog();
    const built = await newsroomOver(store, clock, { snapshotPath: `${db}.hot` }, firstLog);
    await built.storiesStored();
    // The first start read every article's text (nothing was stored yet); the restart reads none.
    expect(firstLog.messages.find((m) => m.msg === 'stories and speakers indexed')?.obj.textsRead).toBe(store.countArticles());
    const loaded = await newsroomOver(store, clock, { snapshotPath: `${db}.hot` }, log);
    expect(log.messages.some((m) => m.msg === 'hot index loaded from snapshot')).toBe(true);
    expect(log.messages.find((m) => m.msg === 'stories and speakers indexed')?.obj.textsRead).toBe(0);
    expect(built.stories.storyOf(copyId)).toBe(built.stories.storyOf(seedId));
    expect(loaded.stories.storyOf(copyId)).toBe(built.stories.storyOf(copyId));
    expect(loaded.stories.size).toBe(store.countArticles());
    expect(built.speakers.size).toBeGreaterThan(0);
    expect(loaded.speakers.size).toBe(built.speakers.size);
    expect(await loaded.suggestSpeakers(scope, '')).toEqual(await built.suggestSpeakers(scope, ''));
    store.close();
  });

  it('a kill -9 while the snapshot is being written leaves a usable store and a correct hot tier', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'nd.db');
    const snap = `${db}.hot`;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/snapshot-writer.ts'), db, snap], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // Killed right after the third write started: mid-write, with the previous snapshot stale.
        if (/writing 202\n/.test(out) && !child.killed) setImmediate(() => child.kill('SIGKILL'));
      });
      child.on('exit', () => resolve());
    });
    // The writer's clock: a fixed day.
    const clock = new FakeClock(Date.parse('2026-03-02T06:00:00Z'));
    const store = openStore({ path: db, clock, log: silentLog });
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.db.prepare("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)").run();
    const log = recordingLog();
    const newsroom = await newsroomOver(store, clock, { snapshotPath: snap }, log);
    expect(fs.existsSync(`${snap}.tmp`)).toBe(false);
    expect(newsroom.index.size).toBe(store.countArticles());
    const last = store.scanArticles(store.maxSeq() - 1, 1)[0]!.article;
    expect((await newsroom.search({ guildId: 'x' }, { query: `"${last.body[0]!.split(' ').slice(0, 3).join(' ')}"` })).items.map((i) => i.article.id)).toContain(last.id);
    store.close();
  }, 180_000);
});
