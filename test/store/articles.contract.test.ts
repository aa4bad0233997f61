// The store contract for articles: ingest, reads, digest and alert material (see contract-harness.ts).
import { beforeEach, expect, it } from 'vitest';
import { SEED_SOURCE_ID, type Article } from '../../src/core/article.ts';
import { articleContentHash } from '../../src/core/seeds/import.ts';
import type { AsyncStore } from '../../src/core/store/async-store.ts';
import { contractSuite, addSourceTo, type SourceOptions, FakeClock, seeds, seedItems, fileOf, article, item, type Harness } from './contract-harness.ts';

contractSuite('articles', (live) => {
  let kind: 'sqlite' | 'postgres';
  let store: AsyncStore;
  let h: Harness;
  let clock: FakeClock;
  beforeEach(() => {
    ({ kind, store, h, clock } = live());
  });

  const addSource = (guildId: string, url?: string, over?: SourceOptions) => addSourceTo(store, guildId, url, over);

  it('imports the seeds once: inserted, then unchanged, then an edited seed updated in place', async () => {
    const first = await store.ingest(SEED_SOURCE_ID, seedItems(), { announce: false });
    expect(first.inserted.map((a) => fileOf(a.id))).toEqual(['000', '001', '002', '003', '004']);
    expect([first.updated.length, first.unchanged]).toEqual([0, 0]);
    const again = await store.ingest(SEED_SOURCE_ID, seedItems(), { announce: false });
    expect([again.inserted.length, again.updated.length, again.unchanged]).toEqual([0, 0, 5]);
    // Every field survives the round trip exactly.
    for (const { article: a } of seeds.values()) expect(await store.getArticle(a.id)).toEqual({ ...a, sourceId: SEED_SOURCE_ID });
    const s2 = seeds.get('002')!;
    const edited = { ...s2.article, title: `${s2.article.title} (corrected)` };
    const upd = await store.ingest(SEED_SOURCE_ID, [{ article: edited, dedupeKey: `file:${s2.fileName}`, contentHash: articleContentHash(edited) }], { announce: false });
    expect(upd.updated.map((a) => [a.id, a.title])).toEqual([[s2.article.id, edited.title]]);
    expect((await store.getArticle(s2.article.id))!.title).toBe(edited.title);
    expect(await store.countArticles()).toBe(5);
    expect(await store.countBySource()).toEqual(new Map([[SEED_SOURCE_ID, 5]]));
    const meta = await store.articleMeta(s2.article.id);
    expect(meta).toEqual({ seq: 3, firstSeenAt: '2026-03-01T10:00:00.000Z', announce: false, sourceId: SEED_SOURCE_ID });
  });

  it('keeps the first of duplicate keys in one fetch, and gives a colliding article id a derived one', async () => {
    const a = await addSource('g1');
    const b = await addSource('g2', 'https://example.org/other-feed');
    const r = await store.ingest(a.id, [item('k1', { id: 'same', title: 'First' }), item('k1', { id: 'other', title: 'Second' }), item('k2', { id: 'two' })], { announce: true });
    expect(r.inserted.map((x) => [x.id, x.title])).toEqual([['same', 'First'], ['two', 'Troops sent to Russia']]);
    const r2 = await store.ingest(b.id, [item('k1', { id: 'same' })], { announce: true });
    expect(r2.inserted[0]!.id).not.toBe('same');
    expect(r2.inserted[0]!.id).toMatch(/^[0-9a-f]{12}$/);
    expect((await store.getArticle('same'))!.sourceId).toBe(a.feedId);
    expect(await store.hasArticleKey(a.id, 'k1')).toBe(true);
    expect(await store.hasArticleKey(a.id, 'k3')).toBe(false);
    expect(await store.countArticles([a.id])).toBe(2);
    expect(await store.countArticles([a.id, b.id])).toBe(3);
    expect(await store.countArticles([])).toBe(0);
  });

  it('serves digest windows (from, to] of announced articles, and alert material after a seq', async () => {
    const s = await addSource('g1');
    const other = await addSource('g2', 'https://other/feed');
    await store.ingest(s.id, [item('old', { id: 'old' })], { announce: false });
    clock.advance(60_000); // 10:01
    await store.ingest(s.id, [item('a', { id: 'a' }), item('b', { id: 'b' })], { announce: true });
    await store.ingest(other.id, [item('x', { id: 'x' })], { announce: true });
    clock.advance(60_000); // 10:02
    await store.ingest(s.id, [item('c', { id: 'c' })], { announce: true });
    const ids = (rows: Array<{ article: Article }>) => rows.map((r) => r.article.id);
    expect(ids(await store.newArticles([s.id], { fromExclusive: '2026-03-01T10:00:00.000Z', toInclusive: '2026-03-01T10:01:00.000Z' }))).toEqual(['a', 'b']);
    expect(ids(await store.newArticles([s.id], { fromExclusive: '2026-03-01T10:01:00.000Z', toInclusive: '2026-03-01T10:02:00.000Z' }))).toEqual(['c']);
    expect(ids(await store.newArticles([s.id, other.id], { fromExclusive: '2026-03-01T09:00:00.000Z', toInclusive: '2026-03-01T11:00:00.000Z' }, 3))).toEqual(['a', 'b', 'x']);
    expect(await store.newArticles([], { fromExclusive: '2026-03-01T09:00:00.000Z', toInclusive: '2026-03-01T11:00:00.000Z' })).toEqual([]);
    const w = await store.newArticles([s.id], { fromExclusive: '2026-03-01T10:00:00.000Z', toInclusive: '2026-03-01T10:01:00.000Z' });
    expect(w.map((r) => [r.seq, r.firstSeenAt])).toEqual([[2, '2026-03-01T10:01:00.000Z'], [3, '2026-03-01T10:01:00.000Z']]);
    expect(await store.maxSeq()).toBe(5);
    expect(ids(await store.articlesAfterSeq([s.id], 2, 5))).toEqual(['b', 'c']);
    expect(ids(await store.articlesAfterSeq([s.id, other.id], 0, 4))).toEqual(['a', 'b', 'x']);
    expect(ids(await store.articlesAfterSeq([s.id], 0, 5, 1))).toEqual(['a']);
    const scanned: string[] = [];
    for (let after = 0; ; ) {
      const chunk = await store.scanArticles(after, 2);
      if (!chunk.length) break;
      scanned.push(...chunk.map((c) => c.article.id));
      after = chunk[chunk.length - 1]!.rowid;
    }
    expect(scanned).toEqual(['old', 'a', 'b', 'x', 'c']);
    expect((await store.sourceIdsForGuild('g1')).sort()).toEqual([s.feedId]);
    expect(await store.sourcesForGuild('g1')).toEqual([
      { id: 'seeds', feedId: 'seeds', name: 'Seed archive', url: 'seeds/', articles: 0 },
      { id: s.id, feedId: s.feedId, name: 'Example', url: 'https://example.org/feed', articles: 4 },
    ]);
  });

  it("keeps an article's picture and a source's icon: stored, kept when a change has none, filled by a page only when empty", async () => {
    const s = await addSource('g1', 'https://img/feed', { fullText: true });
    expect(s).not.toHaveProperty('imageUrl');
    expect(await store.updateSource(s.id, { imageUrl: 'https://img/icon.png' })).toEqual({ ...s, imageUrl: 'https://img/icon.png' });
    expect((await store.getSource(s.id))!.imageUrl).toBe('https://img/icon.png');
    expect(await store.updateSource(s.id, { imageUrl: null })).toEqual(s);
    const r = await store.ingest(s.id, [
      item('i1', { id: 'i1', image: 'https://img/1.jpg' }),
      item('i2', { id: 'i2', url: 'https://img/2' }, 'h-i2', 'summary'),
    ], { announce: true });
    expect(r.inserted.map((a) => a.image)).toEqual(['https://img/1.jpg', undefined]);
    expect(await store.getArticle('i1')).toEqual(article({ id: 'i1', sourceId: s.feedId, image: 'https://img/1.jpg' }));
    expect(await store.getArticle('i2')).toEqual(article({ id: 'i2', sourceId: s.feedId, url: 'https://img/2' }));
    expect(await store.getArticle('i2')).not.toHaveProperty('image');
    // A changed item without a picture keeps the stored one; with one, replaces it.
    await store.ingest(s.id, [item('i1', { id: 'i1', title: 'Changed' }, 'h-i1b')], { announce: true });
    expect((await store.getArticle('i1'))!.image).toBe('https://img/1.jpg');
    await store.ingest(s.id, [item('i1', { id: 'i1', title: 'Changed again', image: 'https://img/1b.jpg' }, 'h-i1c')], { announce: true });
    expect((await store.getArticle('i1'))!.image).toBe('https://img/1b.jpg');
    // The page's og:image fills an empty picture, never replaces the feed's.
    expect(await store.setFullText('i2', ['Page text.'], null, 'https://img/og2.jpg')).toEqual(article({ id: 'i2', sourceId: s.feedId, url: 'https://img/2', body: ['Page text.'], image: 'https://img/og2.jpg' }));
    expect((await store.setFullText('i1', ['Page text.'], null, 'https://img/og1.jpg'))!.image).toBe('https://img/1b.jpg');
    expect((await store.setFullText('i1', ['Page text again.'], null))!.image).toBe('https://img/1b.jpg');
    expect((await store.scanArticles(0, 10)).map((x) => x.article.image)).toEqual(['https://img/1b.jpg', 'https://img/og2.jpg']);
  });

  it("lists a source's latest articles newest first (published, else first seen), ties by seq", async () => {
    const s = await addSource('g1');
    const other = await addSource('g2', 'https://other/feed');
    await store.ingest(s.id, [
      item('old', { id: 'old', publishedAt: '2026-02-20T08:00:00.000Z' }),
      item('a', { id: 'a', publishedAt: '2026-02-28T08:00:00.000Z' }),
      item('undated', { id: 'undated', publishedAt: null }),
      item('a2', { id: 'a2', publishedAt: '2026-02-28T08:00:00.000Z' }),
    ], { announce: true });
    await store.ingest(other.id, [item('x', { id: 'x', publishedAt: '2026-03-01T09:00:00.000Z' })], { announce: true });
    const latest = await store.latestArticles(s.id, 10);
    // The undated item counts as first seen (10:00 on the test clock), after every published date.
    expect(latest.map((e) => [e.article.id, e.seq, e.firstSeenAt])).toEqual([
      ['undated', 3, '2026-03-01T10:00:00.000Z'], ['a2', 4, '2026-03-01T10:00:00.000Z'], ['a', 2, '2026-03-01T10:00:00.000Z'], ['old', 1, '2026-03-01T10:00:00.000Z'],
    ]);
    expect((await store.latestArticles(s.id, 2)).map((e) => e.article.id)).toEqual(['undated', 'a2']);
    expect(await store.latestArticles('none', 5)).toEqual([]);
  });

  it('stores each item once when two connections ingest the same fetch at once', async () => {
    const s = await addSource('g1');
    const other = await h.second();
    const items = Array.from({ length: 8 }, (_, i) => item(`k${i}`, { id: `race-${i}` }));
    const results = await Promise.all([store.ingest(s.id, items, { announce: true }), other.ingest(s.id, [...items].reverse(), { announce: true })]);
    expect(results.flatMap((r) => r.inserted.map((a) => a.id)).sort()).toEqual(items.map((i) => i.article.id).sort());
    expect(results.reduce((n, r) => n + r.unchanged, 0)).toBe(8);
    expect(await store.countArticles([s.id])).toBe(8);
  });

  it('never lets a later seq become visible before an earlier one (alert watermarks cannot skip)', async () => {
    const a = await addSource('g1', 'https://a/feed');
    const b = await addSource('g2', 'https://b/feed');
    const other = await h.concurrent();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let stored!: () => void;
    const inside = new Promise<void>((r) => (stored = r));
    const first = store.transaction(async (tx) => {
      await tx.ingest(a.id, [item('early', { id: 'early' })], { announce: true });
      stored();
      await held;
    });
    await inside;
    let laterDone = false;
    const later = other.ingest(b.id, [item('late', { id: 'late' })], { announce: true }).then((r) => ((laterDone = true), r));
    try {
      await new Promise((r) => setTimeout(r, 150));
      // While the earlier insert is uncommitted, the later one waits, and a reader sees neither.
      expect(laterDone).toBe(false);
      expect(await (await h.second()).maxSeq()).toBe(0);
    } finally {
      release();
      await Promise.all([first, later]);
    }
    const early = (await store.articleMeta('early'))!.seq;
    const late = (await store.articleMeta('late'))!.seq;
    expect(late).toBeGreaterThan(early);
  });
});
