// The store contract for the archive tier: search, term counts, counts over time (see contract-harness.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import { SEED_SOURCE_ID } from '../../src/core/article.ts';
import { parseQuery, type ParsedQuery } from '../../src/core/search/query.ts';
import type { AsyncStore } from '../../src/core/store/async-store.ts';
import type { TextFilters } from '../../src/core/store/types.ts';
import { contractSuite, addSourceTo, type SourceOptions, FakeClock, seeds, seedItems, fileOf, article, item, type Harness } from './contract-harness.ts';

contractSuite('archive', (live) => {
  let kind: 'sqlite' | 'postgres';
  let store: AsyncStore;
  let h: Harness;
  let clock: FakeClock;
  beforeEach(() => {
    ({ kind, store, h, clock } = live());
  });

  const addSource = (guildId: string, url?: string, over?: SourceOptions) => addSourceTo(store, guildId, url, over);

  it('counts from a seq, counts article changes, and finds the hot floor by age and by count', async () => {
    const g0 = await store.articlesGeneration();
    const s = await addSource('g1');
    await store.ingest(s.id, [item('a', { id: 'a' }), item('b', { id: 'b' })], { announce: true });
    const g1 = await store.articlesGeneration();
    expect(g1).toBeGreaterThan(g0);
    clock.advance(3_600_000);
    await store.ingest(s.id, [item('c', { id: 'c' }), item('d', { id: 'd' })], { announce: true });
    const seqs = (await store.scanArticles(0, 10)).map((r) => r.rowid);
    expect(await store.countFromSeq(seqs[1]!)).toBe(3);
    expect(await store.hotFloorSeq(new Date('2026-03-01T10:30:00.000Z'), 0)).toBe(seqs[2]);
    expect(await store.hotFloorSeq(new Date('2026-03-01T09:00:00.000Z'), 3)).toBe(seqs[1]);
    expect(await store.hotFloorSeq(new Date('2026-03-02T00:00:00.000Z'), 0)).toBe(seqs[3]! + 1);
    await store.ingest(s.id, [item('a', { id: 'a', title: 'Changed' }, 'h-a2')], { announce: true });
    expect(await store.articlesGeneration()).toBeGreaterThan(g1);
  });

  describe('searchText over the seeds', () => {
    beforeEach(async () => {
      await store.ingest(SEED_SOURCE_ID, seedItems(), { announce: false });
    });
    /** As the tiered search asks: articles with every part first, then (without phrases) those with some. */
    const top = async (q: string | ParsedQuery, filters: TextFilters = {}, limit = 5) => {
      const parsed = typeof q === 'string' ? parseQuery(q) : q;
      const all = await store.searchText(parsed, filters, { limit });
      let hits = all.hits;
      if (parsed.terms.length + (parsed.prefixes?.length ?? 0) > 1 && parsed.phrases.length === 0 && hits.length < limit) {
        hits = hits.concat((await store.searchText(parsed, filters, { limit, mode: 'any' })).hits);
      }
      return hits.slice(0, limit).map((h) => fileOf(h.id));
    };

    // The relevance table of test/search.test.ts: realistic reporter queries → expected top article.
    const RELEVANCE: Array<[string, string]> = [
      ['letters of encouragement', '000'], ['Kimchaek party committee', '000'], ['unfamiliar voices phone calls', '000'],
      ['captured soldiers rumors', '001'], ['Military Security Command', '001'], ['General Political Bureau', '001'],
      ['ideological inspection families', '001'], ['troop deployment rumours', '001'],
      ['Storm Corps', '002'], ['death notices', '002'], ['guilt by association', '002'], ['French travel blogger', '002'], ['Zelenskyy', '002'],
      ['Pentagon 10,000 troops', '003'], ['Kim Il Sung University', '003'], ['Pyongyang University of Music and Dance', '003'], ['Moon Sung Whui', '003'],
      ['Kim Yo Jong defectors', '004'], ['"human trash"', '004'], ['pork candy alcohol', '004'], ['propaganda leaflets', '004'],
    ];
    it(`puts the expected article first for all ${RELEVANCE.length} reporter queries`, async () => {
      const got: Array<[string, string | undefined]> = [];
      for (const [query] of RELEVANCE) got.push([query, (await top(query))[0]]);
      expect(got).toEqual(RELEVANCE);
    });

    it('matches phrases only as consecutive words', async () => {
      expect(await top('"human trash"', {}, 10)).toEqual(['004']);
      expect(await top('"trash human"', {}, 10)).toEqual([]);
      expect(await top('"Kim Il Sung University"', {}, 10)).toEqual(['003']);
    });

    it('excludes -words, filters by visible source, outlet, seq range and date, and counts the total', async () => {
      const all = await top('troops', {}, 10);
      expect(all).toContain('003');
      expect(await top('troops -Pentagon', {}, 10)).toEqual(all.filter((f) => f !== '003'));
      expect(await top('troops', { sourceIds: ['nothing-here'] })).toEqual([]);
      expect(await top('troops', { sourceIds: [SEED_SOURCE_ID] }, 10)).toEqual(all);
      const page = await store.searchText(parseQuery('troops'), {}, { limit: 2 });
      expect(page).toMatchObject({ total: all.length, approximate: false });
      expect(page.hits.map((h) => fileOf(h.id))).toEqual(all.slice(0, 2));
      const seqs = (await store.scanArticles(0, 10)).map((r) => r.rowid);
      const upTo3 = await store.searchText(parseQuery('troops'), { fromSeq: seqs[0], toSeq: seqs[3] }, { limit: 10 });
      expect(upTo3.hits.map((h) => fileOf(h.id)).sort()).toEqual(all.filter((f) => f < '003').sort());
      expect(upTo3.hits.every((h) => h.seq < seqs[3]!)).toBe(true);
      const outlet = (await store.getArticle(seeds.get('003')!.article.id))!.outlet!;
      expect((await top('troops', { source: `  ${outlet.toUpperCase()} ` }, 10)).sort()).toEqual(all.filter((f) => seeds.get(f)!.article.outlet === outlet).sort());
      // The seeds carry no date: they are dated by when they were first stored (the test clock).
      expect([...seeds.values()].every((s) => s.article.publishedAt === null)).toBe(true);
      const stored = new Date('2026-03-01T10:00:00.000Z');
      expect(await top('troops', { since: stored, until: stored }, 10)).toEqual(all);
      expect(await top('troops', { since: new Date(stored.getTime() + 1) })).toEqual([]);
      expect(await top('troops', { until: new Date(stored.getTime() - 1) })).toEqual([]);
      const s = await addSource('g1');
      await store.ingest(s.id, [item('d', { id: 'dated', title: 'Troops in 2024', publishedAt: '2024-05-01T10:00:00.000Z' })], { announce: true });
      expect(await top('troops', { since: new Date('2024-05-01T10:00:00.000Z'), until: new Date('2024-05-01T10:00:00.000Z') })).toEqual(['dated']);
    });

    it('ranks articles with every term first, matches some-but-not-all in "any" mode, prefixes and alternatives', async () => {
      const both = await store.searchText(parseQuery('troops Pentagon'), {}, { limit: 10 });
      const some = await store.searchText(parseQuery('troops Pentagon'), {}, { limit: 10, mode: 'any' });
      expect(both.hits.map((h) => fileOf(h.id))).toEqual(['003']);
      expect(some.hits.map((h) => h.id)).not.toContain(both.hits[0]!.id);
      expect(some.total).toBeGreaterThan(0);
      expect((await store.searchText(parseQuery('troops'), {}, { limit: 10, mode: 'any' })).hits).toEqual([]);
      expect((await top('encourag*', {}, 10)).sort()).toEqual(['000', '004']);
      // A misspelt word with its correction as an alternative form (the hot tier supplies them).
      expect(await top({ ...parseQuery('Zelensky'), alternatives: new Map([['zelensky', ['zelenskyy']]]) } as ParsedQuery)).toEqual(['002']);
    });

    it('counts the articles holding each term (query expansion asks which related words the archive holds)', async () => {
      const df = await store.termFrequencies(['troops', 'pentagon', 'zzyzx', 'troops']);
      expect([...df.keys()].sort()).toEqual(['pentagon', 'troops', 'zzyzx']);
      for (const w of ['troops', 'pentagon']) expect(df.get(w)).toBe((await store.searchText(parseQuery(w), {}, { limit: 10 })).total);
      expect(df.get('pentagon')).toBe(1);
      expect(df.get('zzyzx')).toBe(0);
      expect((await store.termFrequencies([])).size).toBe(0);
    });

    it('finds articles stored, changed and removed', async () => {
      expect(await top('Zanzibar')).toEqual([]);
      const s = await addSource('g1');
      await store.ingest(s.id, [item('z', { id: 'zanz', title: 'Zanzibar troops story', body: ['Troops landed in Zanzibar.'] })], { announce: true });
      expect(await top('Zanzibar')).toEqual(['zanz']);
      await store.ingest(s.id, [item('z', { id: 'zanz', title: 'Harbour story', body: ['Boats landed in the harbour.'] }, 'h-z2')], { announce: true });
      expect(await top('Zanzibar')).toEqual([]);
      expect(await top('harbour')).toEqual(['zanz']);
      await store.deleteSource(s.id);
      expect(await top('harbour')).toEqual([]);
    });

    it('treats query syntax and SQL in words as plain words', async () => {
      const q = { raw: 'x', terms: ["trash'", "');drop", '!&|', 'human:*'], phrases: [], excluded: ['<->'] };
      expect((await top(q, {}, 10))[0]).toBe('004');
      expect(await store.countArticles()).toBe(5);
    });

    it('searches a dense word newest-first and stops early: top hits from the newest articles, an estimated total', async () => {
      const s = await addSource('g1');
      const many = Array.from({ length: 3000 }, (_, i) => item(`m${i}`, { id: `m${i}`, title: `Harbour report ${i}`, body: [i === 5 ? 'Old walrus sighting.' : 'Ships.'] }));
      await store.ingest(s.id, many, { announce: false });
      const hi = (await store.maxSeq()) + 1;
      const dense = await store.searchText(parseQuery('harbour'), {}, { limit: 5 });
      expect(dense.approximate).toBe(true);
      expect(dense.hits).toHaveLength(5);
      expect(dense.hits.every((h) => h.seq >= hi - 1000)).toBe(true);
      expect(Math.abs(dense.total - 3000)).toBeLessThan(300);
      // A rare word in an old article is still found, counted exactly.
      expect(await store.searchText(parseQuery('walrus'), {}, { limit: 5 })).toMatchObject({ total: 1, approximate: false, hits: [{ id: 'm5' }] });
    });
  });

  describe('countText: matches over time', () => {
    const walrus = (key: string, publishedAt: string, outlet: string | null, title = `Walrus ${key}`) => item(key, { id: key, title, publishedAt, outlet });
    let feed: string;
    beforeEach(async () => {
      const s = await addSource('g1');
      feed = s.feedId!;
      await store.ingest(s.id, [
        walrus('a', '2024-10-09T08:00:00.000Z', 'Daily NK', 'Walrus seen'),
        walrus('b', '2024-10-09T20:00:00.000Z', '  daily   NK '),
        walrus('c', '2024-10-14T01:00:00.000Z', 'NK News', 'Walrus in the harbour'),
        walrus('d', '2024-11-02T00:00:00.000Z', null),
        item('e', { id: 'e', title: 'Harbour closed', publishedAt: '2024-10-10T00:00:00.000Z', outlet: 'NK News' }),
      ], { announce: false });
    });
    const count = (q: string | null, filters: TextFilters = {}, opts: { interval: 'day' | 'week' | 'month'; by?: 'outlet' | 'source' } = { interval: 'day' }) =>
      store.countText(q === null ? null : parseQuery(q), filters, opts);

    it('counts every match per day, week (from Monday) and month, per outlet as written in its earliest match, and names the earliest', async () => {
      expect(await count('walrus', {}, { interval: 'day', by: 'outlet' })).toEqual({
        rows: [
          { bucket: '2024-10-09', key: 'Daily NK', count: 2 },
          { bucket: '2024-10-14', key: 'NK News', count: 1 },
          { bucket: '2024-11-02', key: null, count: 1 },
        ],
        total: 4,
        first: { id: 'a', at: '2024-10-09T08:00:00.000Z', outlet: 'Daily NK', sourceId: feed },
      });
      expect((await count('walrus', {}, { interval: 'week' })).rows).toEqual([
        { bucket: '2024-10-07', key: null, count: 2 },
        { bucket: '2024-10-14', key: null, count: 1 },
        { bucket: '2024-10-28', key: null, count: 1 },
      ]);
      expect((await count('walrus', {}, { interval: 'month', by: 'outlet' })).rows).toEqual([
        { bucket: '2024-10-01', key: 'Daily NK', count: 2 },
        { bucket: '2024-10-01', key: 'NK News', count: 1 },
        { bucket: '2024-11-01', key: null, count: 1 },
      ]);
      expect((await count('walrus', {}, { interval: 'month', by: 'source' })).rows).toEqual([
        { bucket: '2024-10-01', key: feed, count: 3 },
        { bucket: '2024-11-01', key: feed, count: 1 },
      ]);
      // Every article (the archive's volume), phrases, exclusions.
      expect((await count(null, {}, { interval: 'month' })).rows).toEqual([
        { bucket: '2024-10-01', key: null, count: 4 },
        { bucket: '2024-11-01', key: null, count: 1 },
      ]);
      expect((await count('"walrus seen"')).total).toBe(1);
      expect((await count('walrus -harbour')).total).toBe(3);
      expect(await count('narwhal')).toEqual({ rows: [], total: 0, first: null });
    });

    it('applies the search filters: visible sources, a source or outlet, dates', async () => {
      expect((await count('walrus', { sourceIds: ['nothing-here'] })).total).toBe(0);
      expect((await count('walrus', { sourceIds: [feed] })).total).toBe(4);
      expect((await count('walrus', { source: 'nk news' })).total).toBe(1);
      expect((await count('walrus', { source: ' DAILY NK' })).total).toBe(2);
      const sub = (await store.listSources('g1'))[0]!;
      expect((await count('walrus', { source: sub.id })).total).toBe(4);
      const late = await count('walrus', { since: new Date('2024-10-09T20:00:00.000Z'), until: new Date('2024-10-14T01:00:00.000Z') });
      expect([late.total, late.first?.id]).toEqual([2, 'b']);
      // A seq floor (what /trending reads from): the articles stored from c on.
      const fromC = (await store.scanArticles(0, 10)).find((r) => r.article.id === 'c')!.rowid;
      expect(await count('walrus', { fromSeq: fromC })).toMatchObject({ total: 2, first: { id: 'c' } });
      expect((await count(null, { fromSeq: fromC })).total).toBe(3);
    });

    it('follows articles changed and removed', async () => {
      await count('walrus');
      const s = (await store.listSources('g1'))[0]!;
      await store.ingest(s.id, [walrus('c', '2024-12-24T00:00:00.000Z', 'Yonhap', 'Walrus in the harbour')].map((i) => ({ ...i, contentHash: 'h-c2' })), { announce: false });
      expect((await count('walrus', {}, { interval: 'month', by: 'outlet' })).rows).toEqual([
        { bucket: '2024-10-01', key: 'Daily NK', count: 2 },
        { bucket: '2024-11-01', key: null, count: 1 },
        { bucket: '2024-12-01', key: 'Yonhap', count: 1 },
      ]);
      // Changed through another connection to the same database.
      const other = await h.second();
      await other.ingest(s.id, [{ ...walrus('a', '2025-01-01T00:00:00.000Z', 'Yonhap', 'Walrus seen'), contentHash: 'h-a2' }], { announce: false });
      const after = await count('walrus', {}, { interval: 'month', by: 'outlet' });
      expect([after.rows[0], after.rows.at(-1), after.first?.id]).toEqual([{ bucket: '2024-10-01', key: 'daily NK', count: 1 }, { bucket: '2025-01-01', key: 'Yonhap', count: 1 }, 'b']);
      await store.deleteSource(s.id);
      expect(await count('walrus')).toEqual({ rows: [], total: 0, first: null });
    });
  });
});
