import { describe, expect, it } from 'vitest';
import { newsroomFixture } from './helpers/newsroom-fixture.ts';

const HOUR = 3_600_000;

describe('digests with a fake clock', () => {
  it('posts one digest per window with exactly the articles first seen in it, and nothing for an empty window', async () => {
    const f = await newsroomFixture('2026-03-02T05:00:00Z');
    const src = (await f.source('g1'));
    const { subscription } = (await f.digests.subscribe({ guildId: 'g1', channelId: 'c1', userId: 'u', schedule: 'daily 08:00', timezone: 'Europe/Berlin' }));
    f.clock.advance(HOUR);
    (await f.ingest(src.id, [
      { title: 'Border troops put on alert', body: ['Troops along the border were put on alert on Monday.'], publishedAt: '2026-03-02T05:40:00Z' },
      { title: 'Harvest report', body: ['The harvest was smaller than expected.'] },
    ]));
    // 07:00 Berlin = 06:00 UTC: not yet due.
    expect((await f.digests.tick())).toBe(0);
    f.clock.set('2026-03-02T07:00:00Z'); // 08:00 in Berlin (CET)
    expect((await f.digests.tick())).toBe(1);
    expect((await f.digests.tick())).toBe(0); // the same window is never filed twice
    await f.outbox.deliverPending();
    expect(f.poster.posts).toHaveLength(1);
    const post = f.poster.posts[0]!;
    expect(post.channelId).toBe('c1');
    expect(post.nonce).toHaveLength(22);
    expect(post.reply.content).toBe('🗞️ **Digest** — 2 new articles since Mon 2 Mar, 06:00 (Europe/Berlin)');
    const text = post.reply.cards!.map((c) => `${c.title}\n${c.description}`).join('\n');
    // Publication time (06:40 in Berlin), not the fetch time; no date from the feed says so.
    expect(text).toContain('**[Border troops put on alert](https://wire.example/Border%20troops%20put%20on%20alert)** · 06:40');
    expect(text).toContain('**[Harvest report](https://wire.example/Harvest%20report)** · undated');
    expect(text).toContain('> Troops along the border were put on alert on Monday.');
    // The seeds are never digest material.
    expect(text).not.toContain('Daily NK');
    // Next day, nothing new: the window advances, nothing is posted.
    f.clock.set('2026-03-03T07:00:00Z');
    expect((await f.digests.tick())).toBe(0);
    await f.outbox.deliverPending();
    expect(f.poster.posts).toHaveLength(1);
    expect((await f.store.getSubscription(subscription.id))!.lastWindowEnd).toBe('2026-03-03T07:00:00.000Z');
  });

  it('posts one labelled catch-up digest after downtime spanning many windows', async () => {
    const f = await newsroomFixture('2026-03-02T00:00:00Z');
    const src = (await f.source('g1'));
    (await f.digests.subscribe({ guildId: 'g1', channelId: 'c1', userId: 'u', schedule: 'hourly', timezone: 'UTC' }));
    f.clock.advance(30 * 60_000);
    (await f.ingest(src.id, [{ title: 'Early story', body: ['Something happened early.'] }]));
    f.clock.advance(3 * 24 * HOUR - HOUR); // the bot was down for three days
    (await f.ingest(src.id, [{ title: 'Late story', body: ['Something happened late.'] }]));
    f.clock.advance(HOUR);
    expect((await f.digests.tick())).toBe(1);
    await f.outbox.deliverPending();
    expect(f.poster.posts).toHaveLength(1);
    expect(f.poster.posts[0]!.reply.content).toMatch(/^🗞️ \*\*Catch-up digest\*\* — 2 new articles since .* covering 72 missed hourly digests$/);
  });

  it('ranks by the beat query, keeps only matches, and says "…and N more" past max_items', async () => {
    const f = await newsroomFixture('2026-03-02T06:00:00Z');
    const src = (await f.source('g1'));
    (await f.digests.subscribe({ guildId: 'g1', channelId: 'c1', userId: 'u', schedule: 'daily 08:00', timezone: 'UTC', query: 'troops', maxItems: 2 }));
    f.clock.advance(HOUR);
    (await f.ingest(src.id, [
      { title: 'Troops troops troops', body: ['Troops moved. More troops followed, and troops again.'] },
      { title: 'Weather', body: ['Rain is expected.'] },
      { title: 'Troop rotation', body: ['A troop rotation was announced.'] },
      { title: 'Troops in the north', body: ['Troops were seen in the north.'] },
    ]));
    f.clock.set('2026-03-02T08:00:00Z');
    (await f.digests.tick());
    await f.outbox.deliverPending();
    const reply = f.poster.posts[0]!.reply;
    expect(reply.content).toContain('Beat: **troops**');
    const text = reply.cards!.map((c) => c.description).join('\n');
    expect(text).not.toContain('Weather');
    expect(reply.cards!.at(-1)!.footer).toBe('…and 1 more. Use /search to see everything.');
  });

  it('ranks every article of the window, also one the in-memory index no longer holds (the archive tier)', async () => {
    const f = await newsroomFixture('2026-03-02T06:00:00Z');
    const src = (await f.source('g1'));
    (await f.digests.subscribe({ guildId: 'g1', channelId: 'c1', userId: 'u', schedule: 'daily 08:00', timezone: 'UTC', query: 'granary', maxItems: 5 }));
    f.clock.advance(HOUR);
    const { inserted } = (await f.ingest(src.id, [
      { title: 'Granary audit', body: ['Inspectors audited the county granary.'] },
      { title: 'Granary fire', body: ['A granary burned near the river.'] },
    ]));
    // As when a large archive pushes the article out of the hot window: stored, not in memory.
    f.newsroom.unindexArticles([inserted[0]!.id]);
    await f.newsroom.indexArticles([]);
    f.clock.set('2026-03-02T08:00:00Z');
    (await f.digests.tick());
    await f.outbox.deliverPending();
    const text = f.poster.posts[0]!.reply.cards!.map((c) => c.description).join('\n');
    expect(text).toContain('Granary audit');
    expect(text).toContain('Granary fire');
  });

  it('never shows one server another server\'s articles', async () => {
    const f = await newsroomFixture('2026-03-02T06:00:00Z');
    const a = (await f.source('guild-a', 'A Wire'));
    (await f.digests.subscribe({ guildId: 'guild-b', channelId: 'cb', userId: 'u', schedule: 'hourly', timezone: 'UTC' }));
    f.clock.advance(10 * 60_000);
    (await f.ingest(a.id, [{ title: 'Only for A', body: ['Zanzibar is known only to A.'] }]));
    f.clock.set('2026-03-02T07:00:00Z');
    (await f.digests.tick());
    await f.outbox.deliverPending();
    expect(f.poster.posts).toHaveLength(0);
    expect((await f.newsroom.search({ guildId: 'guild-b' }, { query: 'Zanzibar' })).total).toBe(0);
    expect((await f.newsroom.search({ guildId: 'guild-a' }, { query: 'Zanzibar' })).total).toBe(1);
  });

  it('validates schedules, time zones and queries with clear messages', async () => {
    const f = await newsroomFixture();
    await expect(f.digests.subscribe({ guildId: 'g', channelId: 'c', userId: 'u', schedule: 'daily 25:00' })).rejects.toThrow(/daily 25:00/);
    await expect(f.digests.subscribe({ guildId: 'g', channelId: 'c', userId: 'u', schedule: 'hourly', timezone: 'Mars/Base' })).rejects.toThrow(/Mars\/Base/);
    await expect(f.digests.subscribe({ guildId: 'g', channelId: 'c', userId: 'u', schedule: 'hourly', maxItems: 0 })).rejects.toMatchObject({ id: 'digest.max-items', message: 'the number of items must be a whole number from 1 to 50 (got 0).' });
    await expect(f.digests.subscribe({ guildId: 'g', channelId: 'c', userId: 'u', schedule: 'hourly', sources: 'Nonexistent Times' })).rejects.toThrow('No source or outlet called "Nonexistent Times" here.');
  });
});

describe('alerts', () => {
  it('posts each new matching article once, with only the configured role allowed to ping', async () => {
    const f = await newsroomFixture('2026-03-02T06:00:00Z');
    const src = (await f.source('g1'));
    const alert = (await f.alerts.add({ guildId: 'g1', channelId: 'c-alerts', userId: 'u', query: 'Kim Yo Jong', roleId: '300000000000000001' }));
    (await f.ingest(src.id, [
      { title: 'Kim Yo Jong statement', body: ['Kim Yo Jong issued a statement on Tuesday.'] },
      { title: 'Unrelated', body: ['Nothing to see.'] },
    ]));
    expect((await f.alerts.check())).toBe(1);
    expect((await f.alerts.check())).toBe(0);
    await f.outbox.deliverPending();
    expect(f.poster.posts).toHaveLength(1);
    const post = f.poster.posts[0]!;
    expect(post.reply.content).toBe('🔔 <@&300000000000000001> New match for **Kim Yo Jong**');
    expect(post.reply.allowRoleMention).toBe('300000000000000001');
    expect(post.reply.cards![0]!.description).toContain('> **Kim Yo Jong** issued a statement on Tuesday.');
    expect(post.reply.cards![0]!.footer).toBe(`alert ${alert.id} · article ${(await f.store.scanArticles(0, 100)).find((r) => r.article.title === 'Kim Yo Jong statement')!.article.id}`);
  });

  it('ignores articles ingested before the alert existed and articles of other servers', async () => {
    const f = await newsroomFixture();
    const mine = (await f.source('g1'));
    const theirs = (await f.source('g2', 'Other'));
    (await f.ingest(mine.id, [{ title: 'Troops before', body: ['Troops before the alert.'] }]));
    (await f.alerts.add({ guildId: 'g1', channelId: 'c', userId: 'u', query: 'troops' }));
    (await f.ingest(theirs.id, [{ title: 'Troops elsewhere', body: ['Troops in the other server.'] }]));
    expect((await f.alerts.check())).toBe(0);
  });
});
