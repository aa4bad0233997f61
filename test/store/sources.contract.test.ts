// The store contract for sources and feeds: adding, sharing, scheduling, fetch history (see contract-harness.ts).
import { beforeEach, expect, it } from 'vitest';
import { SEED_SOURCE_ID } from '../../src/core/article.ts';
import type { AsyncStore } from '../../src/core/store/async-store.ts';
import { StoreError } from '../../src/core/store/index.ts';
import { contractSuite, addSourceTo, type SourceOptions, FakeClock, item } from './contract-harness.ts';

contractSuite('sources', (live) => {
  let kind: 'sqlite' | 'postgres';
  let store: AsyncStore;
  let clock: FakeClock;
  beforeEach(() => {
    ({ kind, store, clock } = live());
  });

  const addSource = (guildId: string, url?: string, over?: SourceOptions) => addSourceTo(store, guildId, url, over);

  it('starts migrated with the seed archive as its one source', async () => {
    expect(store.kind).toBe(kind);
    expect(await store.schemaVersion()).toBeGreaterThan(0);
    const all = await store.allSources();
    expect(all.map((s) => [s.id, s.guildId, s.kind, s.status, s.name])).toEqual([['seeds', null, 'seeds', 'paused', 'Seed archive']]);
    await expect(store.deleteSource(SEED_SOURCE_ID)).rejects.toThrow(new StoreError('the seed archive cannot be removed'));
    expect(await store.maxSeq()).toBe(0);
    expect(await store.countArticles()).toBe(0);
  });

  it('shares a feed: the same URL in two guilds is two sources following one feed, fetched and stored once; the last removal takes its articles and history', async () => {
    const a = await addSource('g1', 'https://example.org/feed');
    clock.advance(1000);
    const b = await addSource('g2', 'https://example.org/feed', { nextFetchAt: '2026-03-01T12:00:00.000Z' });
    clock.advance(1000);
    const c = await addSource('g3', 'https://example.org/another');
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[0-9a-z]{7}$/);
    expect(b.feedId).toBe(a.feedId);
    expect(c.feedId).not.toBe(a.feedId);
    // The second follower joins the feed's schedule (its own next fetch is not the feed's).
    expect(b).toMatchObject({ guildId: 'g2', status: 'active', fullText: false, consecutiveFailures: 0, createdAt: '2026-03-01T10:00:01.000Z', nextFetchAt: null, etag: null });
    expect((await store.findSourceByUrl('g1', 'https://example.org/feed'))!.id).toBe(a.id);
    expect((await store.findSourceByUrl('g2', 'https://example.org/feed'))!.id).toBe(b.id);
    expect(await store.findSourceByUrl('g4', 'https://example.org/feed')).toBeUndefined();
    expect((await store.listSources('g1')).map((s) => s.id)).toEqual([a.id]);
    expect((await store.followersOf(b.id)).map((s) => s.id)).toEqual([a.id, b.id]);
    // Oldest first: the seed row was made at migration time (the real clock), these at the test clock's.
    expect((await store.allSources()).map((s) => s.id)).toEqual([a.id, b.id, c.id, 'seeds']);
    // Fetch state is the feed's: one server's fetch is every follower's.
    await store.updateSource(a.id, { etag: '"v1"', nextFetchAt: '2026-03-01T10:30:00.000Z', name: 'Mine' });
    expect(await store.getSource(b.id)).toMatchObject({ etag: '"v1"', nextFetchAt: '2026-03-01T10:30:00.000Z', name: 'Example' });
    expect((await store.dueSources(new Date('2026-03-01T11:00:00.000Z'), 10)).map((s) => s.id)).toEqual([c.id, a.id]);
    await store.ingest(a.id, [item('k1', { id: 'a1' }), item('k2', { id: 'a2' })], { announce: true });
    const again = await store.ingest(b.id, [item('k1', { id: 'b1' })], { announce: true });
    expect(again).toEqual({ inserted: [], updated: [], unchanged: 1 });
    expect((await store.sourceIdsForGuild('g2'))).toEqual([a.feedId]);
    expect(await store.countArticles([b.id])).toBe(2);
    await store.recordFetch(a.id, { at: '2026-03-01T10:00:00.000Z', durationMs: 12, httpStatus: 200, newItems: 2, updatedItems: 0, error: null });
    expect((await store.fetchHistory(b.id, 10)).map((f) => f.newItems)).toEqual([2]);
    expect(await store.deleteSource(a.id)).toEqual({ articleIds: [] });
    expect(await store.getSource(a.id)).toBeUndefined();
    expect((await store.getArticle('a1'))!.sourceId).toBe(b.feedId);
    expect((await store.deleteSource(b.id)).articleIds.sort()).toEqual(['a1', 'a2']);
    expect(await store.getArticle('a1')).toBeUndefined();
    expect(await store.fetchHistory(b.id, 10)).toEqual([]);
    expect((await store.allSources()).map((s) => s.id)).toEqual([c.id, 'seeds']);
    expect(await store.deleteSource('nope')).toEqual({ articleIds: [] });
  });

  it('updates sources field by field and refuses unknown fields and missing sources', async () => {
    const s = await addSource('g1');
    const u = await store.updateSource(s.id, {
      status: 'paused', pausedReason: 'HTTP 410', fullText: true, etag: '"abc"', lastModified: 'Sat, 28 Feb 2026 08:00:00 GMT',
      lastAttemptAt: '2026-03-01T10:05:00.000Z', nextFetchAt: '2026-03-01T10:35:00.000Z', consecutiveFailures: 3, lastError: 'HTTP 410', intervalMinutes: 60, name: 'Renamed',
    });
    expect(u).toEqual({
      ...s, status: 'paused', pausedReason: 'HTTP 410', fullText: true, etag: '"abc"', lastModified: 'Sat, 28 Feb 2026 08:00:00 GMT',
      lastAttemptAt: '2026-03-01T10:05:00.000Z', nextFetchAt: '2026-03-01T10:35:00.000Z', consecutiveFailures: 3, lastError: 'HTTP 410', intervalMinutes: 60, name: 'Renamed',
    });
    expect(await store.updateSource(s.id, { nextFetchAt: null, lastError: null })).toMatchObject({ nextFetchAt: null, lastError: null });
    expect(await store.updateSource(s.id, {})).toEqual(await store.getSource(s.id));
    await expect(store.updateSource(s.id, { guildId: 'x' } as never)).rejects.toThrow(new StoreError('updateSource: unknown field guildId'));
    await expect(store.updateSource('missing', { name: 'x' })).rejects.toThrow(new StoreError('source "missing" does not exist'));
  });

  it('lists due sources: never fetched first, then most overdue; paused and future ones wait', async () => {
    const late = await addSource('g1', 'https://a/1', { nextFetchAt: '2026-03-01T09:00:00.000Z' });
    const later = await addSource('g1', 'https://a/2', { nextFetchAt: '2026-03-01T09:30:00.000Z' });
    const never = await addSource('g2', 'https://a/3');
    const future = await addSource('g2', 'https://a/4', { nextFetchAt: '2026-03-01T11:00:00.000Z' });
    const paused = await addSource('g2', 'https://a/5', { nextFetchAt: '2026-03-01T08:00:00.000Z' });
    await store.updateSource(paused.id, { status: 'paused' });
    const now = new Date('2026-03-01T10:00:00.000Z');
    expect((await store.dueSources(now, 10)).map((s) => s.id)).toEqual([never.id, late.id, later.id]);
    expect((await store.dueSources(now, 2)).map((s) => s.id)).toEqual([never.id, late.id]);
    expect((await store.dueSources(new Date('2026-03-01T11:00:00.000Z'), 10)).map((s) => s.id)).toContain(future.id);
  });

  it('keeps fetch history newest first, bounded to the newest 200 per source', async () => {
    const s = await addSource('g1');
    for (let i = 0; i < 205; i++) {
      await store.recordFetch(s.id, { at: new Date(Date.parse('2026-03-01T00:00:00.000Z') + i * 60_000).toISOString(), durationMs: i, httpStatus: i % 2 ? 200 : null, newItems: i, updatedItems: 0, error: i % 2 ? null : `HTTP timeout ${i}` });
    }
    const hist = await store.fetchHistory(s.id, 500);
    expect(hist).toHaveLength(200);
    expect(hist[0]).toEqual({ at: '2026-03-01T03:24:00.000Z', durationMs: 204, httpStatus: null, newItems: 204, updatedItems: 0, error: 'HTTP timeout 204' });
    expect(hist[199]!.durationMs).toBe(5);
    expect((await store.fetchHistory(s.id, 2)).map((a) => a.durationMs)).toEqual([204, 203]);
  });
});
