// The store contract for derived data: stories and speakers (see contract-harness.ts).
import { beforeEach, expect, it } from 'vitest';
import type { AsyncStore } from '../../src/core/store/async-store.ts';
import { contractSuite, addSourceTo, type SourceOptions, article, item, type Harness } from './contract-harness.ts';

contractSuite('derived', (live) => {
  let kind: 'sqlite' | 'postgres';
  let store: AsyncStore;
  let h: Harness;
  beforeEach(() => {
    ({ kind, store, h } = live());
  });

  const addSource = (guildId: string, url?: string, over?: SourceOptions) => addSourceTo(store, guildId, url, over);

  it('stores story signatures and ids, lists a story earliest first, and scans them back', async () => {
    const s = await addSource('g1');
    await store.ingest(s.id, [
      item('a', { id: 'a1', publishedAt: '2026-02-28T09:00:00.000Z' }),
      item('b', { id: 'b1', publishedAt: '2026-02-28T07:00:00.000Z' }),
      item('c', { id: 'c1', publishedAt: null }),
    ], { announce: true });
    await store.setStorySignatures([['a1', new Uint8Array([1, 2, 3])], ['b1', new Uint8Array([255, 0])]]);
    expect(await store.setStoryIds([['a1', 'st1'], ['b1', 'st1'], ['c1', 'st2']])).toBe(3);
    expect(await store.setStoryIds([['a1', 'st1'], ['b1', 'st2']])).toBe(1);
    expect(await store.setStoryIds([])).toBe(0);
    await store.setStoryIds([['b1', 'st1'], ['c1', 'st1']]);
    expect((await store.storyMembers('st1')).map((m) => [m.article.id, m.storyId])).toEqual([['b1', 'st1'], ['a1', 'st1'], ['c1', 'st1']]);
    const scanned = await store.scanArticles(0, 10);
    expect(scanned.map((r) => [r.article.id, r.storySig ? [...r.storySig] : null, r.storyId])).toEqual([['a1', [1, 2, 3], 'st1'], ['b1', [255, 0], 'st1'], ['c1', null, 'st1']]);
    expect((await store.articlesAfterSeq([s.id], 0, 10)).map((a) => a.storyId)).toEqual(['st1', 'st1', 'st1']);
  });

  it('stores entity signatures beside word signatures and scans both back: none when not given, empty when the article names nothing', async () => {
    const s = await addSource('g1');
    await store.ingest(s.id, [item('a', { id: 'a1' }), item('b', { id: 'b1' }), item('c', { id: 'c1' })], { announce: true });
    await store.setStorySignatures([
      ['a1', new Uint8Array([1, 2, 3, 4]), new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2])],
      ['b1', new Uint8Array([5, 6, 7, 8]), new Uint8Array(0)],
      ['c1', new Uint8Array([0, 0, 0, 1])],
    ]);
    const bytes = (b: Uint8Array | null) => (b ? [...b] : null);
    expect((await store.scanDerived(0, 10)).map((r) => [r.id, bytes(r.storySig), bytes(r.storyEntities)])).toEqual([
      ['a1', [1, 2, 3, 4], [9, 8, 7, 6, 5, 4, 3, 2]],
      ['b1', [5, 6, 7, 8], []],
      ['c1', [0, 0, 0, 1], null],
    ]);
    // Stored again (an article grouped anew), both signatures are replaced together.
    await store.setStorySignatures([['a1', new Uint8Array([4, 3, 2, 1])]]);
    expect((await store.scanDerived(0, 1)).map((r) => [r.id, bytes(r.storySig), bytes(r.storyEntities)])).toEqual([['a1', [4, 3, 2, 1], null]]);
  });

  it('stores who is quoted in each article, scans what start-up derives from without the text, and forgets the speakers when the text changes', async () => {
    const s = await addSource('g1');
    await store.ingest(s.id, [
      item('a', { id: 'a1', title: 'Talks resume', publishedAt: '2026-02-28T09:00:00.000Z' }),
      item('b', { id: 'b1', title: 'Border shut', publishedAt: null }),
      item('c', { id: 'c1', title: 'Ports reopen' }),
    ], { announce: true });
    await store.setSpeakers([['a1', [['Kim Yo Jong', 2], ['a spokesman', 1]]], ['b1', []], ['c1', [['O’Brien', 1]]]]);
    await store.setStorySignatures([['a1', new Uint8Array([1, 2, 3])]]);
    await store.setStoryIds([['a1', 'a1'], ['b1', 'a1']]);
    const derived = await store.scanDerived(0, 10);
    expect(derived.map(({ rowid, firstSeenAt, storySig, storyEntities, ...r }) => ({ ...r, sig: storySig ? [...storySig] : null, ents: storyEntities, seen: typeof firstSeenAt, seq: typeof rowid }))).toEqual([
      { id: 'a1', sourceId: s.feedId, title: 'Talks resume', publishedAt: '2026-02-28T09:00:00.000Z', storyId: 'a1', speakers: [['Kim Yo Jong', 2], ['a spokesman', 1]], sig: [1, 2, 3], ents: null, seen: 'string', seq: 'number' },
      { id: 'b1', sourceId: s.feedId, title: 'Border shut', publishedAt: null, storyId: 'a1', speakers: [], sig: null, ents: null, seen: 'string', seq: 'number' },
      { id: 'c1', sourceId: s.feedId, title: 'Ports reopen', publishedAt: '2026-02-28T08:00:00.000Z', storyId: null, speakers: [['O’Brien', 1]], sig: null, ents: null, seen: 'string', seq: 'number' },
    ]);
    expect((await store.scanDerived(derived[0]!.rowid, 1)).map((r) => r.id)).toEqual(['b1']);
    // An edit of the feed item, and a page's full text, each clear that article's speakers.
    await store.ingest(s.id, [item('a', { id: 'a1', title: 'Talks resume', body: ['“We will talk,” Kim said.'] }, 'h-a2')], { announce: true });
    await store.setFullText('c1', ['A page.'], null);
    expect((await store.scanDerived(0, 10)).map((r) => [r.id, r.speakers, r.storyId])).toEqual([['a1', null, 'a1'], ['b1', [], 'a1'], ['c1', null, null]]);
  });
});
