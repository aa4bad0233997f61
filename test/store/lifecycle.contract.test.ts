// The store contract for transactions, closing, meta (see contract-harness.ts).
import { beforeEach, expect, it } from 'vitest';
import type { AsyncStore } from '../../src/core/store/async-store.ts';
import { contractSuite, addSourceTo, type SourceOptions, item, outbox, type Harness } from './contract-harness.ts';

contractSuite('lifecycle', (live) => {
  let kind: 'sqlite' | 'postgres';
  let store: AsyncStore;
  let h: Harness;
  beforeEach(() => {
    ({ kind, store, h } = live());
  });

  const addSource = (guildId: string, url?: string, over?: SourceOptions) => addSourceTo(store, guildId, url, over);

  it('rolls a failed transaction back whole, including an ingest whose `after` throws', async () => {
    const s = await addSource('g1');
    await expect(
      store.transaction(async (tx) => {
        await tx.createSource({ guildId: 'g9', channelId: null, addedBy: null, url: 'https://gone/feed', feedUrl: null, name: 'Gone', kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
        await tx.ingest(s.id, [item('k1', { id: 'k1' })], { announce: true });
        await tx.enqueueOutbox(outbox({ windowKey: 'rolled-back' }));
        await tx.setMeta('k', 'v');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.listSources('g9')).toEqual([]);
    expect(await store.getArticle('k1')).toBeUndefined();
    expect(await store.listOutbox()).toEqual([]);
    expect(await store.getMeta('k')).toBeUndefined();
    await expect(
      store.ingest(s.id, [item('k2', { id: 'k2' })], {
        announce: true,
        after: async (r, tx) => {
          await tx.recordFetch(s.id, { at: '2026-03-01T10:00:00.000Z', durationMs: 5, httpStatus: 200, newItems: r.inserted.length, updatedItems: 0, error: null });
          throw new Error('after failed');
        },
      }),
    ).rejects.toThrow('after failed');
    expect(await store.getArticle('k2')).toBeUndefined();
    expect(await store.fetchHistory(s.id, 5)).toEqual([]);
    // The same calls without a failure commit together.
    const r = await store.ingest(s.id, [item('k2', { id: 'k2' })], {
      announce: true,
      after: (res, tx) => tx.recordFetch(s.id, { at: '2026-03-01T10:00:00.000Z', durationMs: 5, httpStatus: 200, newItems: res.inserted.length, updatedItems: 0, error: null }),
    });
    expect(r.inserted.map((a) => a.id)).toEqual(['k2']);
    expect((await store.fetchHistory(s.id, 5)).map((f) => f.newItems)).toEqual([1]);
  });

  it('closes idempotently, and not from inside a transaction', async () => {
    const other = await h.second();
    await other.transaction(async (tx) => {
      await tx.close();
      await tx.setMeta('still', 'open');
    });
    expect(await other.getMeta('still')).toBe('open');
    await other.close();
    await other.close();
  });

  it('stores meta values and overwrites them', async () => {
    expect(await store.getMeta('index.version')).toBeUndefined();
    await store.setMeta('index.version', '1');
    await store.setMeta('index.version', '2');
    expect(await store.getMeta('index.version')).toBe('2');
  });
});
