// The store contract for the outbox: exactly-once filing and posting (see contract-harness.ts).
import { beforeEach, expect, it } from 'vitest';
import type { AsyncStore } from '../../src/core/store/async-store.ts';
import { contractSuite, addSourceTo, type SourceOptions, FakeClock, item, outbox, type Harness } from './contract-harness.ts';

contractSuite('outbox', (live) => {
  let kind: 'sqlite' | 'postgres';
  let store: AsyncStore;
  let h: Harness;
  let clock: FakeClock;
  beforeEach(() => {
    ({ kind, store, h, clock } = live());
  });

  const addSource = (guildId: string, url?: string, over?: SourceOptions) => addSourceTo(store, guildId, url, over);

  it('claims a failed post of a resumed alert again at once, whoever claimed it before', async () => {
    const s = await addSource('g1');
    const d = await store.createAlert({ guildId: 'g1', channelId: 'c7', query: '', roleId: null, createdBy: 'u1', lastSeq: 0, sourceId: s.id });
    const lease = (owner: string) => ({ owner, until: new Date(clock.now().getTime() + 300_000) });
    const [row] = await store.enqueueAlerts(d.id, 1, [outbox({ kind: 'delivery', refId: d.id, windowKey: 'x1', channelId: 'c7' })]);
    expect((await store.claimOutbox(clock.now(), 10, lease('w1'))).map((r) => r.id)).toEqual([row!.id]);
    await store.markAttemptFailed(row!.id, 'Missing Permissions (50013)', null);
    await store.pauseAlert(d.id, 'paused after a failed post', 'Missing Permissions (50013)');
    await store.resumeAlert(d.id);
    expect((await store.claimOutbox(clock.now(), 10, lease('w2'))).map((r) => r.id)).toEqual([row!.id]);
  });

  it("marks a post in flight, defers it without counting an attempt, and lists a channel's posts in its rate window", async () => {
    const row = await store.enqueueOutbox(outbox({ kind: 'delivery', refId: 'd1', windowKey: 'w1', channelId: 'c1' }));
    expect(row.sentAt).toBeNull();
    clock.advance(1500);
    await store.markSending(row.id);
    expect(await store.getOutbox(row.id)).toMatchObject({ status: 'pending', attempts: 0, sentAt: '2026-03-01T10:00:01.500Z' });
    await store.deferOutbox(row.id, new Date('2026-03-01T10:00:30.000Z'));
    expect(await store.getOutbox(row.id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: '2026-03-01T10:00:30.000Z', sentAt: '2026-03-01T10:00:01.500Z' });
    expect(await store.pendingOutbox(clock.now(), 10)).toEqual([]);
    expect((await store.pendingOutbox(new Date('2026-03-01T10:00:30.000Z'), 10)).map((r) => r.id)).toEqual([row.id]);
    clock.advance(500);
    await store.markPosted(row.id, 'm-1');
    // sentAt stays: the row is no longer pending, so it is never reconciled again.
    expect(await store.getOutbox(row.id)).toMatchObject({ status: 'posted', attempts: 1, postedAt: '2026-03-01T10:00:02.000Z', sentAt: '2026-03-01T10:00:01.500Z' });
    clock.advance(60_000);
    const digest = await store.enqueueOutbox(outbox({ kind: 'digest', windowKey: 'w2', channelId: 'c1' }));
    await store.markPosted(digest.id, 'm-2');
    const elsewhere = await store.enqueueOutbox(outbox({ kind: 'delivery', refId: 'd1', windowKey: 'w3', channelId: 'c2' }));
    await store.markPosted(elsewhere.id, 'm-3');
    const failed = await store.enqueueOutbox(outbox({ kind: 'delivery', refId: 'd1', windowKey: 'w4', channelId: 'c1' }));
    await store.markAttemptFailed(failed.id, 'Discord 500', null);
    expect(await store.postedToChannelSince('c1', new Date('2026-03-01T09:00:00.000Z'))).toEqual(['2026-03-01T10:00:02.000Z', '2026-03-01T10:01:02.000Z']);
    // The window's start is exclusive.
    expect(await store.postedToChannelSince('c1', new Date('2026-03-01T10:00:02.000Z'))).toEqual(['2026-03-01T10:01:02.000Z']);
    expect(await store.postedToChannelSince('c3', new Date(0))).toEqual([]);
  });

  it('files a digest window and its post exactly once, advancing the window in the same transaction', async () => {
    const sub = await store.createSubscription({ guildId: 'g1', channelId: 'c1', scheduleLabel: 'hourly', cron: '0 * * * *', timezone: 'UTC', query: null, sourceIds: ['seeds'], maxItems: 5, createdBy: 'u1', lastWindowEnd: '2026-03-01T09:00:00.000Z' });
    const row = await store.enqueueDigest(sub.id, '2026-03-01T10:00:00.000Z', outbox({ refId: sub.id }));
    expect(row).toMatchObject({ kind: 'digest', refId: sub.id, status: 'pending', attempts: 0, messageId: null, postedAt: null, createdAt: '2026-03-01T10:00:00.000Z', nextAttemptAt: '2026-03-01T10:00:00.000Z' });
    expect(JSON.stringify(row!.payload)).toBe('{"title":"Morning digest","items":[{"z":1,"a":2}]}');
    expect((await store.getSubscription(sub.id))!.lastWindowEnd).toBe('2026-03-01T10:00:00.000Z');
    // The same window filed again (a restart mid-way): the same row, no second post.
    const again = await store.enqueueDigest(sub.id, '2026-03-01T10:00:00.000Z', outbox({ refId: sub.id, nonce: 'n-2', payload: { other: true } }));
    expect(again).toEqual(row);
    expect(await store.listOutbox({ refId: sub.id })).toHaveLength(1);
    // An empty window only advances.
    expect(await store.enqueueDigest(sub.id, '2026-03-01T11:00:00.000Z', null)).toBeNull();
    expect((await store.getSubscription(sub.id))!.lastWindowEnd).toBe('2026-03-01T11:00:00.000Z');
    expect(await store.listOutbox({ kind: 'digest' })).toHaveLength(1);
  });

  it('files alert posts and only ever raises the watermark', async () => {
    const alert = await store.createAlert({ guildId: 'g1', channelId: 'c1', query: 'troops', roleId: 'r1', createdBy: 'u1', lastSeq: 5 });
    const rows = await store.enqueueAlerts(alert.id, 9, [outbox({ kind: 'alert', refId: alert.id, windowKey: 'a1' }), outbox({ kind: 'alert', refId: alert.id, windowKey: 'a2' })]);
    expect(rows.map((r) => [r.kind, r.windowKey])).toEqual([['alert', 'a1'], ['alert', 'a2']]);
    expect((await store.getAlert(alert.id))!.lastSeq).toBe(9);
    await store.enqueueAlerts(alert.id, 7, [outbox({ kind: 'alert', refId: alert.id, windowKey: 'a1' })]);
    expect((await store.getAlert(alert.id))!.lastSeq).toBe(9);
    expect(await store.listOutbox({ kind: 'alert', refId: alert.id })).toHaveLength(2);
    expect(await store.listOutbox({ kind: 'digest' })).toEqual([]);
  });

  it("takes turns across servers, so one server's backlog does not delay another's posts", async () => {
    const busy = [];
    for (let i = 0; i < 4; i++) busy.push(await store.enqueueOutbox(outbox({ windowKey: `busy${i}`, guildId: 'g-busy', channelId: `c-busy${i % 2}` })));
    const quiet = await store.enqueueOutbox(outbox({ windowKey: 'quiet', guildId: 'g-quiet', channelId: 'c-quiet' }));
    const other = await store.enqueueOutbox(outbox({ windowKey: 'other', guildId: 'g-other', channelId: 'c-other' }));
    const order = [busy[0]!.id, quiet.id, other.id, busy[1]!.id, busy[2]!.id, busy[3]!.id];
    expect((await store.pendingOutbox(clock.now(), 10)).map((r) => r.id)).toEqual(order);
    expect((await store.claimOutbox(clock.now(), 3, { owner: 'w', until: new Date(clock.now().getTime() + 60_000) })).map((r) => r.id)).toEqual(order.slice(0, 3));
    expect((await store.getOutbox(quiet.id))!.guildId).toBe('g-quiet');
  });

  it('files an item for a channel once, whatever number of alerts claim it', async () => {
    expect(await store.claimChannelItems('c1', ['a1', 'a2', 'a1'])).toEqual(['a1', 'a2']);
    expect(await store.claimChannelItems('c1', ['a2', 'a3'])).toEqual(['a3']);
    expect(await store.claimChannelItems('c2', ['a2'])).toEqual(['a2']);
    expect(await store.claimChannelItems('c1', [])).toEqual([]);
    // Inside a transaction that fails, nothing is claimed.
    await expect(store.transaction(async (tx) => {
      expect(await tx.claimChannelItems('c3', ['a9'])).toEqual(['a9']);
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect(await store.claimChannelItems('c3', ['a9'])).toEqual(['a9']);
  });

  it('moves outbox rows pending → retry → posted, or → failed, and lists only what is due', async () => {
    const a = await store.enqueueOutbox(outbox({ windowKey: 'w1' }));
    const b = await store.enqueueOutbox(outbox({ windowKey: 'w2' }));
    const c = await store.enqueueOutbox(outbox({ kind: 'notice', windowKey: 'w3' }));
    expect(b.id).toBeGreaterThan(a.id);
    const now = clock.now();
    // A moderator notice goes before ordinary posts.
    expect((await store.pendingOutbox(now, 10)).map((r) => r.id)).toEqual([c.id, a.id, b.id]);
    await store.markAttemptFailed(a.id, 'Discord 503', new Date('2026-03-01T10:05:00.000Z'));
    expect(await store.getOutbox(a.id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Discord 503', nextAttemptAt: '2026-03-01T10:05:00.000Z' });
    expect((await store.pendingOutbox(now, 10)).map((r) => r.id)).toEqual([c.id, b.id]);
    expect((await store.pendingOutbox(new Date('2026-03-01T10:05:00.000Z'), 10)).map((r) => r.id)).toEqual([c.id, a.id, b.id]);
    clock.advance(5 * 60_000);
    await store.markPosted(a.id, 'm-123');
    expect(await store.getOutbox(a.id)).toMatchObject({ status: 'posted', attempts: 2, messageId: 'm-123', postedAt: '2026-03-01T10:05:00.000Z' });
    await store.markAttemptFailed(b.id, 'Missing Access (50001)', null);
    expect(await store.getOutbox(b.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'Missing Access (50001)' });
    expect((await store.pendingOutbox(clock.now(), 10)).map((r) => r.id)).toEqual([c.id]);
    expect(await store.getOutbox(999_999)).toBeUndefined();
    expect((await store.listOutbox()).map((r) => r.status)).toEqual(['posted', 'failed', 'pending']);
  });

  it('enqueues the same window from two connections at once as one row', async () => {
    const other = await h.second();
    const attempts = Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).enqueueOutbox(outbox({ windowKey: 'race', nonce: `n-${i}` })));
    const rows = await Promise.all(attempts);
    expect(new Set(rows.map((r) => r.id)).size).toBe(1);
    expect(rows.every((r) => r.nonce === rows[0]!.nonce)).toBe(true);
    expect(await other.listOutbox({ refId: 'sub1' })).toHaveLength(1);
  });

  it('enqueues a window held by an open transaction elsewhere as that same row once it commits', async () => {
    const other = await h.concurrent();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let filed!: () => void;
    const insideFiled = new Promise<void>((r) => (filed = r));
    const tx = store.transaction(async (t) => {
      const row = await t.enqueueOutbox(outbox({ windowKey: 'held', nonce: 'first' }));
      filed();
      await held;
      return row;
    });
    await insideFiled;
    // SQLite: the second handle waits on the write lock (busy_timeout); PostgreSQL: on the row's unique key.
    const late = other.enqueueOutbox(outbox({ windowKey: 'held', nonce: 'second' }));
    await new Promise((r) => setTimeout(r, 100));
    release();
    const [first, second] = await Promise.all([tx, late]);
    expect(second.id).toBe(first.id);
    expect(second.nonce).toBe('first');
  });
});
