// What only the PostgreSQL store does: concurrent migration, leases and locks across processes,
// LISTEN/NOTIFY, upgrades of old schemas, NUL characters, connection errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { silentLog } from '../../src/core/deps.ts';
import { StoreError } from '../../src/core/store/index.ts';
import { PG_MIGRATIONS } from '../../src/core/store/postgres/migrations.ts';
import { PostgresStore } from '../../src/core/store/postgres/postgres-store.ts';
import type { SourceRow } from '../../src/core/store/types.ts';
import { startTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { FakeClock, PLAIN_ALERT, article, item, outbox } from './contract-harness.ts';

describe('PostgresStore only', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await startTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('migrates once when several processes open a new database together, and reopens idempotently', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ url: db.url, clock: new FakeClock(), log: silentLog })));
    expect(await Promise.all(stores.map((s) => s.schemaVersion()))).toEqual([PG_MIGRATIONS.length, PG_MIGRATIONS.length, PG_MIGRATIONS.length]);
    expect((await stores[0]!.allSources()).map((s) => s.id)).toEqual(['seeds']);
    for (const s of stores) await s.close();
  });

  it('leases due feeds and posts to one process at a time (SKIP LOCKED); an expired lease is claimed again; job locks are exclusive', async () => {
    const clock = new FakeClock();
    const p1 = await PostgresStore.open({ url: db.url, clock, log: silentLog });
    const p2 = await PostgresStore.open({ url: db.url, clock, log: silentLog });
    try {
      const feeds: SourceRow[] = [];
      for (let i = 0; i < 6; i++) feeds.push(await p1.createSource({ guildId: `lease-${i}`, channelId: 'c', addedBy: 'u', url: `https://lease.example/${i}`, feedUrl: `https://lease.example/${i}`, name: `F${i}`, kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null }));
      // A second server on feed 0: still one claim for the feed.
      clock.advance(1000);
      await p2.createSource({ guildId: 'lease-x', channelId: 'c', addedBy: 'u', url: 'https://lease.example/0', feedUrl: 'https://lease.example/0', name: 'F0 again', kind: 'rss', intervalMinutes: 10, fullText: true, nextFetchAt: null });
      const now = clock.now();
      const until = new Date(now.getTime() + 60_000);
      const [a, b] = await Promise.all([p1.claimDueSources(now, 4, { owner: 'w1', until }), p2.claimDueSources(now, 4, { owner: 'w2', until })]);
      const ids = [...a, ...b].map((s) => s.feedId).sort();
      expect(ids).toEqual(feeds.map((f) => f.feedId).sort());
      expect(new Set(ids).size).toBe(6);
      expect([...a, ...b].find((s) => s.feedId === feeds[0]!.feedId)).toMatchObject({ id: feeds[0]!.id, intervalMinutes: 10, fullText: true });
      expect(await p1.claimDueSources(now, 10, { owner: 'w3', until })).toEqual([]);
      await p2.releaseSource(feeds[1]!.id, 'w-other');
      await p1.releaseSource(feeds[2]!.id, a.some((s) => s.feedId === feeds[2]!.feedId) ? 'w1' : 'w2');
      expect((await p1.claimDueSources(now, 10, { owner: 'w3', until })).map((s) => s.id)).toEqual([feeds[2]!.id]);
      // w1 and w2 "died": their leases run out and the feeds are due to the next claimant.
      const later = new Date(until.getTime() + 1);
      expect((await p2.claimDueSources(later, 10, { owner: 'w4', until: new Date(later.getTime() + 60_000) })).length).toBe(6);
      // Posts: each claimed once across processes.
      for (let i = 0; i < 5; i++) await p1.enqueueOutbox(outbox({ refId: `lease-sub`, windowKey: `w${i}`, nonce: `n${i}` }));
      const [o1, o2] = await Promise.all([p1.claimOutbox(now, 3, { owner: 'w1', until }), p2.claimOutbox(now, 3, { owner: 'w2', until })]);
      expect([...o1, ...o2].map((r) => r.windowKey).sort()).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
      expect(await p1.claimOutbox(now, 10, { owner: 'w3', until })).toEqual([]);
      await p1.markAttemptFailed(o1[0]!.id, 'HTTP 500', now);
      expect((await p2.claimOutbox(now, 10, { owner: 'w3', until })).map((r) => r.id)).toEqual([o1[0]!.id]);
      // Job locks: one holder across processes, free again once released.
      const release = await p1.tryLock('publish');
      expect(release).not.toBeNull();
      expect(await p2.tryLock('publish')).toBeNull();
      await release!();
      const again = await p2.tryLock('publish');
      expect(again).not.toBeNull();
      await again!();
    } finally {
      await p1.close();
      await p2.close();
    }
  });

  it('tells other processes about stored and changed articles (LISTEN/NOTIFY) when the writer commits', async () => {
    const clock = new FakeClock();
    const writer = await PostgresStore.open({ url: db.url, clock, log: silentLog });
    const reader = await PostgresStore.open({ url: db.url, clock, log: silentLog });
    const heard: Array<{ maxSeq: number; updated: string[] }> = [];
    const stop = await reader.onArticles((c) => heard.push(c));
    try {
      const s = await writer.createSource({ guildId: 'notify', channelId: 'c', addedBy: 'u', url: 'https://notify.example/feed', feedUrl: null, name: 'N', kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
      await writer.transaction(async (tx) => {
        await tx.ingest(s.id, [item('n1', { id: 'n1' })], { announce: true });
        await new Promise((r) => setTimeout(r, 100));
        expect(heard).toEqual([]); // not before the commit
      });
      await writer.ingest(s.id, [item('n1', { id: 'n1', title: 'Changed' }, 'h-n1b')], { announce: true });
      await writer.ingest(s.id, [item('n1', { id: 'n1', title: 'Changed' }, 'h-n1b')], { announce: true }); // unchanged: nothing to tell
      for (let i = 0; i < 100 && heard.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      const seq = await writer.maxSeq();
      expect(heard).toEqual([{ maxSeq: seq, updated: [] }, { maxSeq: seq, updated: ['n1'] }]);
    } finally {
      await stop();
      await writer.close();
      await reader.close();
    }
  });

  it('upgrades a database at migration 1 (before deliveries) keeping its alerts and posts, with the new fields at their defaults', async () => {
    const old = await startTestDatabase();
    try {
      const c = new pg.Client({ connectionString: old.url });
      await c.connect();
      try {
        await c.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
        await c.query(PG_MIGRATIONS[0]!);
        await c.query('INSERT INTO schema_migrations (version) VALUES (1)');
        await c.query("INSERT INTO alerts (id, guild_id, channel_id, query, role_id, created_by, created_at, last_seq) VALUES ('old1', 'g1', 'c1', 'troops', NULL, 'u1', '2026-02-01T00:00:00Z', 12)");
        await c.query(
          "INSERT INTO outbox (kind, ref_id, window_key, channel_id, payload, nonce, created_at, next_attempt_at) VALUES ('alert', 'old1', 'a1', 'c1', '{}', 'n', '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z')",
        );
      } finally {
        await c.end();
      }
      const s = await PostgresStore.open({ url: old.url, clock: new FakeClock(), log: silentLog });
      try {
        expect(await s.schemaVersion()).toBe(PG_MIGRATIONS.length);
        expect(await s.getAlert('old1')).toEqual({
          id: 'old1', guildId: 'g1', channelId: 'c1', query: 'troops', roleId: null, createdBy: 'u1', createdAt: '2026-02-01T00:00:00.000Z', lastSeq: 12, ...PLAIN_ALERT,
        });
        expect((await s.listOutbox())[0]).toMatchObject({ refId: 'old1', status: 'pending', sentAt: null });
      } finally {
        await s.close();
      }
    } finally {
      await old.close();
    }
  });

  it('upgrades per-server sources to shared feeds (migration 4) keeping every article id, history, delivery and digest beat', async () => {
    const feedsMigration = PG_MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE feeds'));
    const old = await startTestDatabase();
    try {
      const c = new pg.Client({ connectionString: old.url });
      await c.connect();
      try {
        await c.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
        for (let v = 0; v < feedsMigration; v++) {
          await c.query(PG_MIGRATIONS[v]!);
          await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
        }
        const src = "INSERT INTO sources (id, guild_id, channel_id, url, feed_url, name, kind, interval_minutes, full_text, etag, created_at, next_fetch_at) VALUES ($1, $2, 'c', $3, $3, $4, 'rss', $5, false, $6, $7, $8)";
        await c.query(src, ['aaaaaa1', 'g1', 'https://nk.example/feed', 'NK desk', 30, '"e1"', '2026-03-01T08:00:00Z', '2026-03-05T12:10:00Z']);
        await c.query(src, ['bbbbbb2', 'g2', 'https://nk.example/feed', 'Korea wire', 15, '"e2"', '2026-03-02T08:00:00Z', '2026-03-05T12:05:00Z']);
        await c.query(src, ['cccccc3', 'g3', 'https://other.example/rss', 'Other', 60, null, '2026-03-03T08:00:00Z', null]);
        const art = `INSERT INTO articles (id, source_id, dedupe_key, content_hash, title, tags, body, editors, first_seen_at, updated_at, announce)
          VALUES ($1, $2, $3, 'h', $4, '[]', '["Body."]', '[]', $5, $5, true)`;
        await c.query(art, ['g1-a', 'aaaaaa1', 'k1', 'Troops at the border', '2026-03-01T09:00:00Z']);
        await c.query(art, ['g1-b', 'aaaaaa1', 'k2', 'Rations cut', '2026-03-01T09:00:00Z']);
        await c.query(art, ['g2-a', 'bbbbbb2', 'k1', 'Troops at the border', '2026-03-02T09:00:00Z']);
        await c.query(art, ['g3-a', 'cccccc3', 'k1', 'Glacier rescue', '2026-03-03T09:00:00Z']);
        await c.query("INSERT INTO fetch_log (source_id, at, http_status, new_items) VALUES ('aaaaaa1', '2026-03-05T11:40:00Z', 200, 2), ('bbbbbb2', '2026-03-05T11:50:00Z', 304, 0)");
        await c.query("INSERT INTO alerts (id, guild_id, channel_id, query, created_by, created_at, last_seq, source_id) VALUES ('dlv0001', 'g2', 'c', '', 'u', '2026-03-02T08:00:00Z', 0, 'bbbbbb2')");
        await c.query("INSERT INTO subscriptions (id, guild_id, channel_id, schedule_label, cron, timezone, source_ids, max_items, created_by, created_at, last_window_end) VALUES ('sub0001', 'g2', 'c', 'daily', '0 8 * * *', 'UTC', ARRAY['bbbbbb2', 'Daily NK'], 10, 'u', '2026-03-02T08:00:00Z', '2026-03-05T08:00:00Z')");
      } finally {
        await c.end();
      }
      const s = await PostgresStore.open({ url: old.url, clock: new FakeClock(), log: silentLog });
      try {
        expect(await s.schemaVersion()).toBe(PG_MIGRATIONS.length);
        const [g1, g2, g3] = await Promise.all(['aaaaaa1', 'bbbbbb2', 'cccccc3'].map(async (id) => (await s.getSource(id))!));
        expect([g1!.feedId, g2!.feedId, g3!.feedId]).toEqual(['faaaaaa1', 'faaaaaa1', 'fcccccc3']);
        expect([g1!.name, g2!.name, g2!.intervalMinutes]).toEqual(['NK desk', 'Korea wire', 15]);
        expect(g2).toMatchObject({ etag: '"e1"', nextFetchAt: '2026-03-05T12:05:00.000Z' });
        expect(await s.countArticles()).toBe(3);
        expect((await s.getArticle('g2-a'))).toEqual(await s.getArticle('g1-a'));
        expect((await s.getArticle('g1-a'))!.sourceId).toBe('faaaaaa1');
        expect(await s.sourceIdsForGuild('g2')).toEqual(['faaaaaa1']);
        expect((await s.fetchHistory('bbbbbb2', 5)).map((f) => f.httpStatus)).toEqual([304, 200]);
        expect((await s.articlesAfterSeq(['bbbbbb2'], 0, 100)).map((a) => a.article.id).sort()).toEqual(['g1-a', 'g1-b']);
        expect((await s.getAlert('dlv0001'))!.sourceId).toBe('bbbbbb2');
        expect((await s.getSubscription('sub0001'))!.sourceIds).toEqual(['faaaaaa1', 'Daily NK']);
        expect((await s.allSources()).map((x) => x.id)).toEqual(['aaaaaa1', 'bbbbbb2', 'cccccc3', 'seeds']);
      } finally {
        await s.close();
      }
    } finally {
      await old.close();
    }
  });

  it('stores feed text containing NUL characters without them (PostgreSQL text cannot hold U+0000)', async () => {
    const s = await PostgresStore.open({ url: db.url, clock: new FakeClock(), log: silentLog });
    try {
      const src = await s.createSource({ guildId: 'g1', channelId: null, addedBy: null, url: 'https://nul/feed', feedUrl: null, name: 'Nul', kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
      const r = await s.ingest(src.id, [item('n1', { id: 'nul1', title: 'Bad\u0000 title', body: ['Body\u0000 text'], tags: ['t\u0000ag'] })], { announce: true });
      expect(r.inserted.map((a) => [a.title, a.body, a.tags])).toEqual([['Bad title', ['Body text'], ['tag']]]);
      expect(await s.getArticle('nul1')).toMatchObject({ title: 'Bad title', body: ['Body text'], tags: ['tag'] });
      expect((await s.setFullText('nul1', ['Page\u0000 text'], 'A\u0000B'))!.body).toEqual(['Page text']);
    } finally {
      await s.close();
    }
  });

  it('refuses a schema newer than the code, and names an unreachable server without its password', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query('INSERT INTO schema_migrations (version) VALUES (99)');
    await c.end();
    await expect(PostgresStore.open({ url: db.url, clock: new FakeClock(), log: silentLog })).rejects.toThrow(
      new StoreError(`store: schema version 99 is newer than this Newsdesk (${PG_MIGRATIONS.length}); upgrade the bot`),
    );
    // Nothing listens on port 9 (discard) here: the connection is refused whatever server the tests use.
    const err = await PostgresStore.open({ url: 'postgres://newsdesk:secret-pw@127.0.0.1:9/newsdesk', clock: new FakeClock(), log: silentLog }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toBe('store "postgres://newsdesk:***@127.0.0.1:9/newsdesk": cannot open (connect ECONNREFUSED 127.0.0.1:9)');
  });
});
