/**
 * One contract for the store of record, run against SQLite (through the async adapter) and a real
 * PostgreSQL server (embedded, or TEST_DATABASE_URL): the same calls, the same expected values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_SOURCE_ID, type Article } from '../src/core/article.ts';
import { silentLog } from '../src/core/deps.ts';
import { parseQuery, type ParsedQuery } from '../src/core/search/query.ts';
import { articleContentHash } from '../src/core/seeds/import.ts';
import { loadSeedDir } from '../src/core/seeds/loader.ts';
import type { AsyncStore } from '../src/core/store/async-store.ts';
import { openStore, StoreError } from '../src/core/store/index.ts';
import { PG_MIGRATIONS } from '../src/core/store/postgres/migrations.ts';
import { PostgresStore } from '../src/core/store/postgres/postgres-store.ts';
import { fromSqlite } from '../src/core/store/sqlite-async.ts';
import { openAsyncStore } from '../src/core/store/open-async-store.ts';
import type { NewOutbox, SourceRow, TextFilters } from '../src/core/store/types.ts';
import { ROOT } from './helpers/bot-process.ts';
import { startTestDatabase, type TestDatabase } from './helpers/postgres.ts';

class FakeClock {
  constructor(public t = Date.parse('2026-03-01T10:00:00.000Z')) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

const { articles: seedFiles } = await loadSeedDir(path.join(ROOT, 'seeds'));
/** "000" … "004" → the parsed seed. */
const seeds = new Map(seedFiles.map(({ fileName, article }) => [fileName.slice(0, 3), { fileName, article }]));
const seedItems = () =>
  seedFiles.map(({ fileName, article }) => ({ article, dedupeKey: `file:${fileName}`, contentHash: articleContentHash(article) }));
const fileOf = (id: string) => [...seeds.entries()].find(([, s]) => s.article.id === id)?.[0] ?? id;

function article(over: Partial<Article> = {}): Article {
  return {
    id: over.id ?? '',
    sourceId: 'x',
    title: 'Troops sent to Russia',
    byline: null,
    outlet: 'Daily NK',
    dateline: null,
    tags: ['troops'],
    caption: null,
    body: ['First paragraph.', 'Second paragraph.'],
    editors: [],
    url: 'https://example.org/a',
    publishedAt: '2026-02-28T08:00:00.000Z',
    ...over,
  };
}
const item = (key: string, over: Partial<Article> = {}, hash = `h-${key}`, textOrigin?: 'feed' | 'page' | 'summary' | 'stale') => ({
  article: article(over),
  dedupeKey: key,
  contentHash: hash,
  ...(textOrigin ? { textOrigin } : {}),
});
const outbox = (over: Partial<NewOutbox> = {}): NewOutbox => ({
  kind: 'digest',
  refId: 'sub1',
  windowKey: '2026-03-01T10:00:00.000Z',
  channelId: 'chan1',
  payload: { title: 'Morning digest', items: [{ z: 1, a: 2 }] },
  nonce: 'n-1',
  ...over,
});

/** What an alert made without delivery fields holds in them. */
const PLAIN_ALERT = {
  sourceId: null, filters: '{}', template: null, identity: 'bot', identityNote: null, notifyChannelId: null,
  status: 'active', pausedReason: null, delivered: 0, skipped: 0, failed: 0, lastError: null, lastDeliveredAt: null,
} as const;
const PARKED = '9999-12-31T00:00:00.000Z';

interface Harness {
  store: AsyncStore;
  /** Another connection (pool, or SQLite handle) to the same database. */
  second(): Promise<AsyncStore>;
  /**
   * Another concurrent caller as deployed: for SQLite the same process's store (one connection,
   * whose synchronous busy wait would block the event loop the open transaction needs), for
   * PostgreSQL another pool.
   */
  concurrent(): Promise<AsyncStore>;
  dispose(): Promise<void>;
}

const timings: Record<string, number> = {};

/** Every row but the migrations' own (the seed source), with sequences back at 1. */
async function emptyDatabase(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ t: string }>("SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('schema_migrations', 'sources')");
    await c.query(`TRUNCATE ${rows.map((r) => r.t).join(', ')} RESTART IDENTITY CASCADE`);
    await c.query(`DELETE FROM sources WHERE id <> '${SEED_SOURCE_ID}'`);
  } finally {
    await c.end();
  }
}

describe.each(['sqlite', 'postgres'] as const)('store contract: %s', (kind) => {
  let pgServer: TestDatabase | undefined;
  let h: Harness;
  let store: AsyncStore;
  let clock: FakeClock;
  const suiteStart = performance.now();

  beforeAll(async () => {
    // Started once per suite so its cost shows separately from the tests'.
    if (kind === 'postgres') {
      // One migrated database per suite, emptied before each test (copying a database costs
      // ~0.6 s here, emptying it well under 0.1 s).
      pgServer = await startTestDatabase();
      timings.pgStartMs = pgServer.server.startMs;
      const t0 = performance.now();
      await (await PostgresStore.open({ url: pgServer.url, clock: new FakeClock(), log: silentLog })).close();
      timings.pgMigrateMs = Math.round(performance.now() - t0);
    }
    // A server start (copying the data directory, PostgreSQL's own start-up) beside other test
    // files' servers and bots on a busy machine: well over the default hook timeout.
  }, 180_000);
  afterAll(async () => {
    await pgServer?.close();
    timings[`${kind}SuiteMs`] = Math.round(performance.now() - suiteStart);
    if (kind === 'postgres') console.info(`store contract timings: ${JSON.stringify(timings)}`);
  });

  beforeEach(async () => {
    clock = new FakeClock();
    if (kind === 'sqlite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-contract-'));
      const file = path.join(dir, 'nd.db');
      const opened: AsyncStore[] = [];
      const open = () => {
        const s = fromSqlite(openStore({ path: file, clock, log: silentLog }));
        opened.push(s);
        return s;
      };
      // The first through the composition root's chooser: no DATABASE_URL → SQLite.
      const first = await openAsyncStore({ databaseUrl: null, sqlitePath: file, clock, log: silentLog });
      opened.push(first);
      h = {
        store: first,
        second: async () => open(),
        concurrent: async () => first,
        async dispose() {
          for (const s of opened) await s.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } else {
      const url = pgServer!.url;
      await emptyDatabase(url);
      const opened: AsyncStore[] = [];
      const open = async () => {
        const s = await openAsyncStore({ databaseUrl: url, sqlitePath: '/nonexistent/never-used.db', clock, log: silentLog });
        expect(s.kind).toBe('postgres');
        opened.push(s);
        return s;
      };
      h = {
        store: await open(),
        second: open,
        concurrent: open,
        async dispose() {
          for (const s of opened) await s.close();
        },
      };
    }
    store = h.store;
  });
  afterEach(async () => {
    await h.dispose();
  });

  const addSource = (guildId: string, url = 'https://example.org/feed', over: { nextFetchAt?: string | null; fullText?: boolean } = {}) =>
    store.createSource({ guildId, channelId: 'c1', addedBy: 'u1', url, feedUrl: url, name: 'Example', kind: 'rss', intervalMinutes: 30, fullText: over.fullText ?? false, nextFetchAt: over.nextFetchAt ?? null });

  it('starts migrated with the seed archive as its one source', async () => {
    expect(store.kind).toBe(kind);
    expect(await store.schemaVersion()).toBeGreaterThan(0);
    const all = await store.allSources();
    expect(all.map((s) => [s.id, s.guildId, s.kind, s.status, s.name])).toEqual([['seeds', null, 'seeds', 'paused', 'Seed archive']]);
    await expect(store.deleteSource(SEED_SOURCE_ID)).rejects.toThrow(new StoreError('the seed archive cannot be removed'));
    expect(await store.maxSeq()).toBe(0);
    expect(await store.countArticles()).toBe(0);
  });

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

  it('tracks full text: pending pages, failures, a fetched page kept over a changed teaser, coverage', async () => {
    const s = await addSource('g1', 'https://ft/feed', { fullText: true });
    await store.ingest(s.id, [
      item('p1', { id: 'p1', url: 'https://ft/1', body: ['Teaser one.'] }, 'h1', 'summary'),
      item('p2', { id: 'p2', url: 'https://ft/2', body: ['Teaser two.'] }, 'h2', 'summary'),
      item('p3', { id: 'p3', url: null, body: ['No link.'] }, 'h3', 'summary'),
      item('f1', { id: 'f1' }, 'h4'),
    ], { announce: true });
    expect(await store.pendingFullText(s.id, 3, 10)).toEqual([{ id: 'p2', url: 'https://ft/2' }, { id: 'p1', url: 'https://ft/1' }]);
    expect(await store.sourcesWithPendingFullText(3)).toEqual([s.id]);
    expect(await store.fullTextCoverage(s.id, 3)).toEqual({ total: 4, complete: 1, pending: 2, failed: 1, lastError: null });
    const page = await store.setFullText('p1', ['Whole paragraph one.', 'Whole paragraph two.'], 'Jane Roe');
    expect(page).toMatchObject({ id: 'p1', body: ['Whole paragraph one.', 'Whole paragraph two.'], byline: 'Jane Roe' });
    expect(await store.setFullText('gone', ['x'], null)).toBeUndefined();
    for (let i = 0; i < 3; i++) await store.recordFullTextFailure('p2', `page "https://ft/2": HTTP 503 (try ${i + 1})`);
    expect(await store.fullTextCoverage(s.id, 3)).toEqual({ total: 4, complete: 2, pending: 0, failed: 2, lastError: 'page "https://ft/2": HTTP 503 (try 3)' });
    expect(await store.sourcesWithPendingFullText(3)).toEqual([]);
    await store.resetFullTextFailures(s.id);
    expect(await store.pendingFullText(s.id, 3, 10)).toEqual([{ id: 'p2', url: 'https://ft/2' }]);
    // The feed changes p1's teaser: the fetched page text stays, marked stale.
    const r = await store.ingest(s.id, [item('p1', { id: 'p1', url: 'https://ft/1', title: 'New title', body: ['New teaser.'] }, 'h1b', 'summary')], { announce: true });
    expect(r.updated.map((a) => [a.id, a.title, a.body])).toEqual([['p1', 'New title', ['Whole paragraph one.', 'Whole paragraph two.']]]);
    expect((await store.getArticle('p1'))!.body).toEqual(['Whole paragraph one.', 'Whole paragraph two.']);
    expect(await store.pendingFullText(s.id, 3, 10)).toEqual([{ id: 'p2', url: 'https://ft/2' }, { id: 'p1', url: 'https://ft/1' }]);
  });

  it('keeps digest subscriptions and alerts per guild', async () => {
    const sub = await store.createSubscription({ guildId: 'g1', channelId: 'c1', scheduleLabel: 'daily 08:00', cron: '0 8 * * *', timezone: 'Europe/Paris', query: 'troops', sourceIds: ['seeds', 'abc1234'], maxItems: 10, createdBy: 'u1', lastWindowEnd: '2026-03-01T08:00:00.000Z' });
    expect(sub).toEqual({ id: sub.id, guildId: 'g1', channelId: 'c1', scheduleLabel: 'daily 08:00', cron: '0 8 * * *', timezone: 'Europe/Paris', query: 'troops', sourceIds: ['seeds', 'abc1234'], maxItems: 10, createdBy: 'u1', createdAt: '2026-03-01T10:00:00.000Z', lastWindowEnd: '2026-03-01T08:00:00.000Z' });
    clock.advance(1);
    const sub2 = await store.createSubscription({ ...sub, guildId: 'g2', query: null, sourceIds: [] });
    expect(await store.getSubscription(sub.id)).toEqual(sub);
    expect((await store.listSubscriptions('g1')).map((s) => s.id)).toEqual([sub.id]);
    expect((await store.listSubscriptions()).map((s) => s.id)).toEqual([sub.id, sub2.id]);
    expect((await store.getSubscription(sub2.id))!.sourceIds).toEqual([]);
    // A digest with its outlet chart on (off unless asked: absent above).
    const charted = await store.createSubscription({ ...sub2, chart: true });
    expect(await store.getSubscription(charted.id)).toMatchObject({ id: charted.id, chart: true });
    expect(await store.deleteSubscription(charted.id)).toBe(true);
    expect(await store.deleteSubscription(sub.id)).toBe(true);
    expect(await store.deleteSubscription(sub.id)).toBe(false);
    const alert = await store.createAlert({ guildId: 'g1', channelId: 'c1', query: '"human trash"', roleId: null, createdBy: 'u1', lastSeq: 7 });
    expect(alert).toEqual({
      id: alert.id, guildId: 'g1', channelId: 'c1', query: '"human trash"', roleId: null, createdBy: 'u1', createdAt: '2026-03-01T10:00:00.001Z', lastSeq: 7,
      ...PLAIN_ALERT,
    });
    expect((await store.listAlerts('g1')).map((a) => a.id)).toEqual([alert.id]);
    expect(await store.listAlerts('g2')).toEqual([]);
    expect(await store.deleteAlert(alert.id)).toBe(true);
    expect(await store.getAlert(alert.id)).toBeUndefined();
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

  it('creates deliveries with filters, template and identity, lists them per source, and removes them with their source', async () => {
    const s = await addSource('g1');
    const t = await addSource('g1', 'https://other/feed');
    const filters = JSON.stringify({ include: ['troops'], exclude: ['sport'], minWords: 50 });
    const d1 = await store.createAlert({
      guildId: 'g1', channelId: 'c-news', query: '', roleId: 'r1', createdBy: 'u1', lastSeq: 3,
      sourceId: s.id, filters, template: '**{title}**\n{url}', identity: 'outlet', notifyChannelId: 'c-mods',
    });
    expect(d1).toEqual({
      ...PLAIN_ALERT, id: d1.id, guildId: 'g1', channelId: 'c-news', query: '', roleId: 'r1', createdBy: 'u1', createdAt: '2026-03-01T10:00:00.000Z', lastSeq: 3,
      sourceId: s.id, filters, template: '**{title}**\n{url}', identity: 'outlet', notifyChannelId: 'c-mods',
    });
    clock.advance(1000);
    const d2 = await store.createAlert({ guildId: 'g1', channelId: 'c-other', query: 'troops', roleId: null, createdBy: 'u2', lastSeq: 0, sourceId: s.id });
    expect(d2).toMatchObject({ ...PLAIN_ALERT, sourceId: s.id, query: 'troops', createdAt: '2026-03-01T10:00:01.000Z' });
    clock.advance(1000);
    const d3 = await store.createAlert({ guildId: 'g1', channelId: 'c-news', query: '', roleId: null, createdBy: 'u1', lastSeq: 0, sourceId: t.id });
    clock.advance(1000);
    const plain = await store.createAlert({ guildId: 'g1', channelId: 'c-news', query: 'troops', roleId: null, createdBy: 'u1', lastSeq: 0 });
    expect(plain).toMatchObject(PLAIN_ALERT);
    expect((await store.alertsForSource(s.id)).map((a) => a.id)).toEqual([d1.id, d2.id]);
    expect((await store.alertsForSource(t.id)).map((a) => a.id)).toEqual([d3.id]);
    expect(await store.alertsForSource('none')).toEqual([]);
    expect((await store.listAlerts('g1')).map((a) => a.id)).toEqual([d1.id, d2.id, d3.id, plain.id]);
    await store.setAlertIdentityNote(d1.id, 'no Manage Webhooks in <#c-news>: posting as the bot');
    expect((await store.getAlert(d1.id))!.identityNote).toBe('no Manage Webhooks in <#c-news>: posting as the bot');
    await store.setAlertIdentityNote(d1.id, null);
    expect(await store.getAlert(d1.id)).toEqual(d1);
    // Removing a source removes its deliveries, not other sources' nor plain alerts.
    await store.deleteSource(s.id);
    expect(await store.getAlert(d1.id)).toBeUndefined();
    expect(await store.getAlert(d2.id)).toBeUndefined();
    expect((await store.listAlerts()).map((a) => a.id)).toEqual([d3.id, plain.id]);
  });

  it("counts a delivery's posts, skips and failures, and keeps or clears its last error as asked", async () => {
    const s = await addSource('g1');
    const d = await store.createAlert({ guildId: 'g1', channelId: 'c1', query: '', roleId: null, createdBy: 'u1', lastSeq: 0, sourceId: s.id });
    await store.countAlert(d.id, 'delivered', 1, { deliveredAt: '2026-03-01T10:01:00.000Z' });
    await store.countAlert(d.id, 'delivered', 2, { deliveredAt: '2026-03-01T10:02:00.000Z' });
    expect(await store.getAlert(d.id)).toMatchObject({ delivered: 3, skipped: 0, failed: 0, lastError: null, lastDeliveredAt: '2026-03-01T10:02:00.000Z' });
    await store.countAlert(d.id, 'failed', 1, { lastError: 'Missing Permissions (50013)' });
    await store.countAlert(d.id, 'skipped', 4);
    expect(await store.getAlert(d.id)).toMatchObject({ delivered: 3, skipped: 4, failed: 1, lastError: 'Missing Permissions (50013)', lastDeliveredAt: '2026-03-01T10:02:00.000Z' });
    await store.countAlert(d.id, 'delivered', 1, { lastError: null });
    expect(await store.getAlert(d.id)).toMatchObject({ delivered: 4, skipped: 4, failed: 1, lastError: null, lastDeliveredAt: '2026-03-01T10:02:00.000Z' });
    await store.countAlert('missing', 'delivered', 1);
    expect(await store.getAlert('missing')).toBeUndefined();
  });

  it("pauses a delivery parking its pending posts, and resumes it with parked and failed posts due now", async () => {
    const s = await addSource('g1');
    const d = await store.createAlert({ guildId: 'g1', channelId: 'c9', query: '', roleId: null, createdBy: 'u1', lastSeq: 0, sourceId: s.id });
    const e = await store.createAlert({ guildId: 'g1', channelId: 'c9', query: '', roleId: null, createdBy: 'u1', lastSeq: 0, sourceId: s.id });
    const delivery = (alertId: string, windowKey: string) => outbox({ kind: 'delivery', refId: alertId, windowKey, channelId: 'c9' });
    const [r1, r2] = await store.enqueueAlerts(d.id, 4, [delivery(d.id, 'a1'), delivery(d.id, 'a2')]);
    const r3 = await store.enqueueOutbox(delivery(e.id, 'a1'));
    const posted = await store.enqueueOutbox(delivery(d.id, 'a0'));
    await store.markPosted(posted.id, 'm-0');
    await store.markAttemptFailed(r2!.id, 'Unknown Channel (10003)', null);
    expect(await store.pendingPostsForChannel('c9')).toBe(2);
    expect(await store.pendingPostsForChannel('c-none')).toBe(0);

    clock.advance(60_000);
    expect(await store.pauseAlert(d.id, 'channel gone', 'Unknown Channel (10003)')).toBe(true);
    expect(await store.getAlert(d.id)).toMatchObject({ status: 'paused', pausedReason: 'channel gone', lastError: 'Unknown Channel (10003)', lastSeq: 4 });
    expect(await store.getOutbox(r1!.id)).toMatchObject({ status: 'pending', nextAttemptAt: PARKED, attempts: 0 });
    expect(await store.getOutbox(r2!.id)).toMatchObject({ status: 'failed', nextAttemptAt: '2026-03-01T10:00:00.000Z' });
    expect(await store.getOutbox(posted.id)).toMatchObject({ status: 'posted', nextAttemptAt: '2026-03-01T10:00:00.000Z' });
    expect((await store.pendingOutbox(clock.now(), 10)).map((r) => r.id)).toEqual([r3.id]);
    expect(await store.pendingPostsForChannel('c9')).toBe(1);
    // Already paused: nothing changes, and a null error keeps the recorded one.
    expect(await store.pauseAlert(d.id, 'again', null)).toBe(false);
    expect(await store.getAlert(d.id)).toMatchObject({ status: 'paused', pausedReason: 'channel gone', lastError: 'Unknown Channel (10003)' });
    expect(await store.getAlert(e.id)).toMatchObject({ status: 'active' });

    clock.advance(60_000);
    await store.resumeAlert(d.id);
    expect(await store.getAlert(d.id)).toMatchObject({ status: 'active', pausedReason: null, lastError: 'Unknown Channel (10003)' });
    expect(await store.getOutbox(r1!.id)).toMatchObject({ status: 'pending', nextAttemptAt: '2026-03-01T10:02:00.000Z', attempts: 0 });
    expect(await store.getOutbox(r2!.id)).toMatchObject({ status: 'pending', nextAttemptAt: '2026-03-01T10:02:00.000Z', attempts: 0, lastError: 'Unknown Channel (10003)' });
    expect(await store.getOutbox(posted.id)).toMatchObject({ status: 'posted', attempts: 1, nextAttemptAt: '2026-03-01T10:00:00.000Z' });
    expect((await store.pendingOutbox(clock.now(), 10)).map((r) => r.id)).toEqual([r1!.id, r2!.id, r3.id]);
    expect(await store.pendingPostsForChannel('c9')).toBe(3);
    // A pause with no error recorded yet keeps lastError as it is (here: the old one).
    expect(await store.pauseAlert(d.id, 'webhook deleted', null)).toBe(true);
    expect(await store.getAlert(d.id)).toMatchObject({ status: 'paused', pausedReason: 'webhook deleted', lastError: 'Unknown Channel (10003)' });
  });

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

  it('keeps every earlier version a reader could tell apart, deletions, and lists changes after a watermark', async () => {
    const s = await addSource('g1');
    const other = await addSource('g2', 'https://example.org/elsewhere');
    await store.ingest(s.id, [item('a', { id: 'art', title: 'Troops sent to Russia' })], { announce: true });
    await store.ingest(other.id, [item('b', { id: 'other', title: 'Elsewhere' })], { announce: true });
    expect(await store.maxVersionId()).toBe(0);
    // Only whitespace differs: a new hash, not a new version.
    clock.advance(60_000);
    const cosmetic = await store.ingest(s.id, [item('a', { id: 'art', title: 'Troops  sent to Russia ' }, 'h-a2')], { announce: true });
    expect(cosmetic.changes).toBeUndefined();
    clock.advance(60_000);
    const edited = await store.ingest(s.id, [item('a', { id: 'art', title: 'Troops recalled from Russia' }, 'h-a3')], { announce: true });
    expect(edited.changes).toEqual([{ articleId: 'art', versionId: 1, kinds: ['headline'] }]);
    await store.ingest(other.id, [item('b', { id: 'other', title: 'Elsewhere, again' }, 'h-b2')], { announce: true });
    const versions = await store.listVersions('art');
    expect(versions).toEqual([
      {
        id: 1, articleId: 'art', version: 1, title: 'Troops  sent to Russia ', byline: null, publishedAt: '2026-02-28T08:00:00.000Z',
        body: ['First paragraph.', 'Second paragraph.'], url: 'https://example.org/a', seenAt: '2026-03-01T10:00:00.000Z', replacedAt: '2026-03-01T10:02:00.000Z',
        kinds: ['headline'], share: 0, note: null, afterBody: null,
      },
    ]);
    expect(await store.articleState('art')).toEqual({ firstSeenAt: '2026-03-01T10:00:00.000Z', versionSeenAt: '2026-03-01T10:02:00.000Z', deletedAt: null, storyId: null, edits: 1 });
    expect(await store.maxVersionId()).toBe(2);
    const changes = await store.changesAfter([s.id], 0, 2);
    expect(changes.map((c) => [c.version.id, c.article.id, c.article.title])).toEqual([[1, 'art', 'Troops recalled from Russia']]);
    expect(await store.changesAfter([s.id], 1, 2)).toEqual([]);
    expect(await store.changesAfter([], 0, 2)).toEqual([]);
    // Deleted at the source: its last version kept as "deleted", once.
    expect(await store.vanishedItems(s.id, new Set(['zzz']), '2026-03-01T00:00:00.000Z', 5)).toEqual([{ id: 'art', url: 'https://example.org/a' }]);
    expect(await store.vanishedItems(s.id, new Set(['a']), '2026-03-01T00:00:00.000Z', 5)).toEqual([]);
    clock.advance(60_000);
    const gone = await store.markDeleted('art');
    expect(gone).toMatchObject({ id: 3, version: 2, title: 'Troops recalled from Russia', kinds: ['deleted'], seenAt: '2026-03-01T10:02:00.000Z', replacedAt: '2026-03-01T10:03:00.000Z' });
    expect(await store.markDeleted('art')).toBeUndefined();
    expect(await store.articleState('art')).toMatchObject({ deletedAt: '2026-03-01T10:03:00.000Z', edits: 1 });
    expect(await store.vanishedItems(s.id, new Set(), '2026-03-01T00:00:00.000Z', 5)).toEqual([]);
    await store.markGoneChecked('other');
    expect(await store.vanishedItems(other.id, new Set(), '2026-03-01T00:00:00.000Z', 5)).toEqual([]);
    expect(await store.articleState('nothing')).toBeUndefined();
  });

  it('keeps a re-fetched page that reads differently as a new version', async () => {
    const s = await addSource('g1', undefined, { fullText: true });
    await store.ingest(s.id, [item('a', { id: 'p', body: ['Teaser.'] }, 'h1', 'summary')], { announce: true });
    await store.setFullText('p', ['The whole page text about troops.'], null);
    // The teaser changed: the page text is kept, marked stale, until the page is fetched again.
    await store.ingest(s.id, [item('a', { id: 'p', body: ['Another teaser.'] }, 'h2', 'summary')], { announce: true });
    expect(await store.listVersions('p')).toEqual([]);
    clock.advance(1000);
    await store.setFullText('p', ['The whole page text about troops, corrected and rewritten entirely.'], null);
    const v = await store.listVersions('p');
    expect(v.map((x) => [x.version, x.body, x.kinds])).toEqual([[1, ['The whole page text about troops.'], ['body']]]);
    expect((await store.articleState('p'))!.versionSeenAt).toBe('2026-03-01T10:00:01.000Z');
  });

  it('keeps the text a change was compared with when the page\'s full text replaces it later', async () => {
    const s = await addSource('g1', undefined, { fullText: true });
    await store.ingest(s.id, [item('a', { id: 'f', title: 'Rice prices climb', body: ['Rice prices climbed.'] }, 'h1', 'summary')], { announce: true });
    clock.advance(1000);
    await store.ingest(s.id, [item('a', { id: 'f', title: 'Rice prices climb', body: ['Rice prices climbed.', 'Correction: an earlier version misstated the price.'] }, 'h2', 'summary')], { announce: true });
    expect((await store.listVersions('f')).map((v) => v.afterBody)).toEqual([null]);
    // The first page fetch replaces the feed's text: not an edit, but the diff must not change.
    await store.setFullText('f', ['The whole page, which words things differently.'], null);
    const [v1] = await store.listVersions('f');
    expect(v1!.body).toEqual(['Rice prices climbed.']);
    expect(v1!.afterBody).toEqual(['Rice prices climbed.', 'Correction: an earlier version misstated the price.']);
    await store.setFullText('f', ['Fetched again.'], null);
    expect((await store.listVersions('f'))[0]!.afterBody).toEqual(['Rice prices climbed.', 'Correction: an earlier version misstated the price.']);
  });

  it('keeps change alerts per guild, files their posts once and only raises their watermark', async () => {
    const c1 = await store.createChangeAlert({ guildId: 'g1', channelId: 'ch1', createdBy: 'u1', lastVersionId: 0 });
    clock.advance(1000);
    const c2 = await store.createChangeAlert({ guildId: 'g2', channelId: 'ch2', createdBy: 'u2', lastVersionId: 4 });
    expect(c1).toEqual({ id: c1.id, guildId: 'g1', channelId: 'ch1', createdBy: 'u1', createdAt: '2026-03-01T10:00:00.000Z', lastVersionId: 0 });
    expect((await store.listChangeAlerts('g2')).map((c) => c.id)).toEqual([c2.id]);
    expect((await store.listChangeAlerts()).map((c) => c.id)).toEqual([c1.id, c2.id]);
    const rows = [outbox({ kind: 'alert', refId: c1.id, windowKey: 'v1' }), outbox({ kind: 'alert', refId: c1.id, windowKey: 'v2' })];
    const first = await store.enqueueChangeAlerts(c1.id, 7, rows);
    const again = await store.enqueueChangeAlerts(c1.id, 3, rows);
    expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect((await store.listChangeAlerts('g1'))[0]!.lastVersionId).toBe(7);
    expect(await store.deleteChangeAlert(c1.id)).toBe(true);
    expect(await store.deleteChangeAlert(c1.id)).toBe(false);
  });

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
