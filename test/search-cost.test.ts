import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { streamCorpus } from '../bench/corpus.ts';
import type { Article } from '../src/core/article.ts';
import { silentLog } from '../src/core/deps.ts';
import { UserError } from '../src/core/errors.ts';
import { contentHash } from '../src/core/feeds/dedupe.ts';
import { MAX_PAGES, Newsroom, type SearchOptions } from '../src/core/newsroom/index.ts';
import { parseQuery } from '../src/core/search/query.ts';
import { importSeeds } from '../src/core/seeds/import.ts';
import { openStore, type SqliteStore } from '../src/core/store/index.ts';
import { fromSqlite, type SqliteAsyncStore } from '../src/core/store/sqlite-async.ts';
import type { TextFilters, TextQuery } from '../src/core/store/types.ts';
import { renderSearchReply } from '../src/replies/search-reply.ts';
import { ROOT } from './helpers/bot-process.ts';
import { FakeClock } from './helpers/newsroom-fixture.ts';
import { turnsDuring } from './helpers/turns.ts';

const scope = { guildId: 'g' };
const dirs: string[] = [];
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A store file with the seeds, `synthetic` articles of the benchmark's corpus and `extra` ones. */
async function storeFile(opts: { synthetic?: number; extra?: Array<Partial<Article> & { title: string; body: string[] }> } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-cost-'));
  dirs.push(dir);
  const clock = new FakeClock(Date.parse('2026-03-02T06:00:00Z'));
  const store = openStore({ path: path.join(dir, 'newsdesk.db'), clock, log: silentLog });
  closers.push(() => store.close());
  await importSeeds({ store, log: silentLog }, path.join(ROOT, 'seeds'));
  const source = store.createSource({ guildId: 'g', channelId: 'c', addedBy: 'u', url: 'https://wire.example/feed', feedUrl: 'https://wire.example/feed', name: 'Wire', kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
  const items = [];
  if (opts.synthetic) {
    let n = 0;
    for (const a of streamCorpus(opts.synthetic).articles) items.push({ article: { ...a, id: '', sourceId: source.id }, dedupeKey: `guid:s${n++}`, contentHash: contentHash({ ...a, guid: a.id, summary: null }) });
  }
  for (const [i, a] of (opts.extra ?? []).entries()) {
    items.push({
      article: { id: '', sourceId: source.id, byline: null, outlet: 'Wire', dateline: null, tags: [], caption: null, editors: [], url: `https://wire.example/${i}`, publishedAt: null, ...a },
      dedupeKey: `guid:${i}`,
      contentHash: `${a.title}:${a.body.join(' ')}`,
    });
  }
  if (items.length) store.ingest(source.id, items, { announce: true });
  return { store, clock };
}

async function newsroomOver(store: SqliteStore | SqliteAsyncStore, clock: FakeClock, search: SearchOptions = {}) {
  const n = new Newsroom({ store: 'db' in store ? fromSqlite(store) : store, clock, log: silentLog, search });
  await n.buildIndex();
  return n;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected the search to be refused');
}

describe('a search has a cost limit', () => {
  it('refuses 20 one-letter wildcards, too many wildcard forms and pages past the last served one, naming the limit', async () => {
    // One article holding 1,600 words that start with "strat": a wildcard standing for all of them.
    const { store, clock } = await storeFile({ extra: [{ title: 'Strategy words', body: [Array.from({ length: 1600 }, (_, i) => `strat${i.toString(36)}`).join(' ')] }] });
    const n = await newsroomOver(store, clock);
    const letters = 'abcdefghijklmnopqrst'.split('').map((l) => `${l}*`).join(' ');
    expect(await refusal(n.search(scope, { query: letters }))).toBe('The wildcard `a*` is too short: type at least 3 letters before the *, e.g. `secur*`.');
    expect(await refusal(n.search(scope, { query: 'strat*' }))).toBe('The wildcard `strat*` stands for 1,601 different words; the limit is 1,500. Type more of the word.');
    expect(await refusal(n.search(scope, { query: 'strat* troops' }))).toBe('The wildcard `strat*` stands for 1,601 different words; the limit is 1,500. Type more of the word.');
    // Narrower: served.
    expect((await n.search(scope, { query: 'strat1*' })).total).toBe(1);
    expect(await refusal(n.search(scope, { query: 'the', page: MAX_PAGES }))).toBe(`Results are served up to page ${MAX_PAGES} (the first ${MAX_PAGES * 5}); page ${MAX_PAGES + 1} is past that. Narrow the search with more words, source:, since: or until:.`);
    expect(await refusal(n.search(scope, { query: 'the', page: 4999 }))).toMatch(/^Results are served up to page 50 \(the first 250\); page 5000 is past that\./);
    // The last page served says so: its Next button is disabled.
    const last = await n.search(scope, { query: 'the', page: MAX_PAGES - 1 });
    expect(last.pageCount).toBeLessThanOrEqual(MAX_PAGES);
  });

  it('answers with what the hot tier found, and says so, when the archive tier does not answer within the time budget', async () => {
    const { store, clock } = await storeFile({ extra: [{ title: 'Troops move to the border', body: ['Troops were seen moving north.'] }] });
    const real = fromSqlite(store);
    let asked = 0;
    // The store of record, with an archive search that never answers (a stuck query).
    const stuck = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'searchText') return () => (asked++, new Promise(() => {}));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const n = await newsroomOver(stuck as SqliteAsyncStore, clock, { budgetMs: 50 });
    const results = await n.search(scope, { query: 'troops' });
    expect(asked).toBeGreaterThan(0);
    expect(results.stopped).toBe('stopped after 0.1 s — showing what was found');
    expect(results.items.map((i) => i.article.title)).toContain('Troops move to the border');
    const reply = renderSearchReply(results, 'u1', 'troops');
    expect(reply.content).toMatch(/\n⏱️ Search stopped after 0\.1 s — showing what was found\.$/);
    // Nothing found before the budget ran out (hot tier not loaded: the archive answers everything).
    const cold = new Newsroom({ store: stuck as SqliteAsyncStore, clock, log: silentLog, search: { budgetMs: 50 } });
    const none = await cold.search(scope, { query: 'troops' });
    expect([none.total, none.stopped]).toEqual([0, 'stopped after 0.1 s — showing what was found']);
    expect(renderSearchReply(none, 'u1', 'troops').content).toMatch(/^No articles found for \*\*troops\*\* before the search stopped after 0\.1 s\./);
  });
});

describe('archive searches off the main thread (SQLite reader thread)', () => {
  const queries: Array<[TextQuery, TextFilters]> = [
    [parseQuery('troops'), {}],
    [{ ...parseQuery('letters encouragement'), alternatives: new Map([['letters', ['letter']]]) }, {}],
    [parseQuery('"human trash"'), {}],
    [parseQuery('secur* -russia'), {}],
    [parseQuery('bra* tra* officials'), { since: new Date('2021-01-01T00:00:00Z'), until: new Date('2022-12-31T00:00:00Z') }],
    [parseQuery('government report people'), { sourceIds: ['seeds'] }],
    [parseQuery('military border'), { toSeq: 200 }],
  ];

  it('gives the same pages as the main connection, and answers on its own thread', async () => {
    const { store, clock } = await storeFile({ synthetic: 200 });
    const reading = fromSqlite(store, { reader: true });
    closers.push(() => reading.close());
    expect(await reading.readerReady()).toBe(true);
    store.denseMinMatches = 50;
    for (const [q, f] of queries) {
      for (const mode of ['all', 'any'] as const) {
        expect(await reading.searchText(q, f, { limit: 7, mode }), `${JSON.stringify(q.terms)} ${mode}`).toEqual(store.searchText(q, f, { limit: 7, mode }));
      }
    }
    // Whole searches, archive tier only (a hot window of one article), with and without the reader.
    const viaReader = await newsroomOver(reading, clock, { hotMaxArticles: 100 });
    const onMain = await newsroomOver(store, clock, { hotMaxArticles: 100 });
    for (const query of ['troops', 'letters of encouragement', '"human trash"', 'bra* tra*', 'officials government report']) {
      const a = await viaReader.search(scope, { query });
      const b = await onMain.search(scope, { query });
      expect(a.items.map((i) => [i.article.id, i.excerpt.text]), query).toEqual(b.items.map((i) => [i.article.id, i.excerpt.text]));
      expect([a.total, a.approximate]).toEqual([b.total, b.approximate]);
    }
  }, 120_000);

  it('keeps the event loop turning while an archive search is pending (it did not on the main connection)', async () => {
    const { store } = await storeFile({ synthetic: 200 });
    const reading = fromSqlite(store, { reader: true });
    closers.push(() => reading.close());
    expect(await reading.readerReady()).toBe(true);
    const main = fromSqlite(store);
    const [q, f] = queries[4]!;
    const search = (s: SqliteAsyncStore) => turnsDuring(() => s.searchText(q, f, { limit: 5 }));
    const off = await search(reading);
    const on = await search(main);
    expect(off.result).toEqual(on.result);
    expect(off.turns).toBeGreaterThan(0);
    expect(on.turns).toBe(0);
  }, 120_000);
});
