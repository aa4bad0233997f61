import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEED_SOURCE_ID, type Article } from '../src/core/article.ts';
import { silentLog } from '../src/core/deps.ts';
import { openStore, SqliteStore, StoreError } from '../src/core/store/index.ts';
import { MIGRATIONS } from '../src/core/store/migrations.ts';
import { startWalCheckpointer } from '../src/core/store/wal-checkpointer.ts';

class FakeClock {
  constructor(public t = Date.parse('2026-03-01T10:00:00Z')) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

function article(over: Partial<Article> = {}): Article {
  return {
    id: over.id ?? `id-${Math.random().toString(36).slice(2, 10)}`,
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

let dir: string;
let clock: FakeClock;
let store: SqliteStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-store-'));
  clock = new FakeClock();
  store = openStore({ path: path.join(dir, 'nd.db'), clock, log: silentLog });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function addSource(guildId: string, url = 'https://example.org/feed') {
  return store.createSource({ guildId, channelId: 'c1', addedBy: 'u1', url, feedUrl: url, name: 'Example', kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
}

describe('SqliteStore: archive upkeep off the ingest commits', () => {
  it('merges the archive index in steps after ingests (none inside them) and keeps it whole', () => {
    const s = addSource('g1');
    expect(store.db.prepare("SELECT v FROM articles_fts_config WHERE k = 'automerge'").get()).toEqual({ v: 0 });
    // One fetch per transaction: each leaves a new index segment, none merged by the commit.
    for (let i = 0; i < 40; i++) store.ingest(s.id, [{ article: article({ id: `m${i}`, title: `Border market report ${i}` }), dedupeKey: `k${i}`, contentHash: `h${i}` }], { announce: true });
    let steps = 0;
    while (store.maintainArchive(16)) if (++steps > 500) break;
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(500);
    expect(store.maintainArchive(16)).toBe(false);
    store.db.exec("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)");
    const page = store.searchText({ terms: ['market'], phrases: [], prefixes: [], excluded: [] }, {}, { limit: 50 });
    expect(page.total).toBe(40);
  });

  it('keeps the write-ahead log bounded while fetches commit back to back', () => {
    const s = addSource('g1');
    const wal = path.join(dir, 'nd.db-wal');
    let largest = 0;
    for (let t = 0; t < 60; t++) {
      // ~1 MB per fetch, then the upkeep step the newsroom runs after indexing it.
      store.ingest(s.id, Array.from({ length: 10 }, (_, i) => ({ article: article({ id: `b${t}-${i}`, body: [`Paragraph ${t} ${i} `.repeat(2000)] }), dedupeKey: `b${t}-${i}`, contentHash: `b${t}-${i}` })), { announce: true });
      store.maintainArchive();
      largest = Math.max(largest, fs.statSync(wal).size);
    }
    // Without the restart the log holds every fetch (> 60 MB here); with it, at most the threshold plus a fetch or two.
    expect(largest).toBeLessThan(40 * 1024 * 1024);
    expect(store.countArticles()).toBe(600 + store.countArticles([SEED_SOURCE_ID]));
  });

  it('checkpoints on the writer only while the log is past the threshold, not for ever after it once was', () => {
    // The writer's rule alone: the thread is replaced by one that never checkpoints, so when the
    // log restarts is decided here, not by how fast this machine is (with the thread running, a
    // busy machine lets it keep up and the log never reaches the threshold, or its checkpoint
    // meets the writer's and one gives way: either way a count of steps measures the machine).
    store.checkpointer?.stop();
    store.checkpointer = { stop: () => {} };
    const s = addSource('g1');
    const wal = path.join(dir, 'nd.db-wal');
    const fetch = (t: number, size: number) =>
      store.ingest(s.id, Array.from({ length: 10 }, (_, i) => ({ article: article({ id: `w${t}-${i}`, body: [`Paragraph ${t} ${i} `.repeat(size)] }), dedupeKey: `w${t}-${i}`, contentHash: `w${t}-${i}` })), { announce: true });
    const LIMIT = 32 * 1024 * 1024;
    const calls: string[] = [];
    const pragma = store.db.pragma.bind(store.db);
    store.db.pragma = ((source: string, options?: object) => (calls.push(source), pragma(source, options as never))) as typeof store.db.pragma;
    const checkpointsOf = (step: () => void) => {
      const before = calls.length;
      step();
      return calls.slice(before).filter((c) => c.startsWith('wal_checkpoint')).length;
    };
    // ~1 MB fetches, each followed by the upkeep step: no checkpoint while the log is below the
    // threshold, then one on the step that finds it past.
    const perStep: number[] = [];
    let t = 0;
    while (t < 60 && !perStep.includes(1)) perStep.push(checkpointsOf(() => (fetch(t++, 2000), store.maintainArchive())));
    expect(perStep.at(-1)).toBe(1);
    expect(perStep.slice(0, -1).every((n) => n === 0)).toBe(true);
    expect(perStep.length).toBeGreaterThan(20);
    // The next commit restarts the log and cuts the file back to the threshold (without
    // journal_size_limit it would stay at its largest, and every later step would checkpoint).
    const small = () => checkpointsOf(() => (fetch(t++, 10), store.maintainArchive()));
    expect(Array.from({ length: 16 }, small)).toEqual(new Array(16).fill(0));
    expect(fs.statSync(wal).size).toBeLessThanOrEqual(LIMIT);
  });

  it('checkpoints the write-ahead log from another thread, not inside commits', async () => {
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const s = addSource('g1');
    const file = path.join(dir, 'nd.db');
    // Copy what earlier commits left in the log first, so that a tick of the thread during the
    // ingest below (a busy machine) has nothing to copy until the ingest commits.
    for (let i = 0; i < 250; i++) {
      const [r] = store.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      if (r && !r.busy && r.log === r.checkpointed) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const before = fs.statSync(file).size;
    store.ingest(s.id, Array.from({ length: 200 }, (_, i) => ({ article: article({ id: `w${i}`, body: [`Paragraph ${i} `.repeat(300)] }), dedupeKey: `w${i}`, contentHash: `w${i}` })), { announce: true });
    // The commit wrote the write-ahead log only; the database file grows when the checkpointer copies it.
    expect(fs.statSync(file).size).toBe(before);
    const deadline = Date.now() + 10_000;
    while (fs.statSync(file).size === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(fs.statSync(file).size).toBeGreaterThan(before + 200 * 1000);
  });

  it('checkpoints every few milliseconds while the log is near its restart threshold, at the slow pace otherwise', async () => {
    const open = (name: string) => {
      const db = new Database(path.join(dir, name));
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      db.exec('CREATE TABLE t (x TEXT)');
      db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(400_000));
      return { db, file: path.join(dir, name), before: fs.statSync(path.join(dir, name)).size };
    };
    const near = open('near.db');
    const far = open('far.db');
    // Both wait a minute between checkpoints; only one log is past its (tiny) threshold.
    const a = startWalCheckpointer(near.file, { everyMs: 60_000, nearBytes: 0 });
    const b = startWalCheckpointer(far.file, { everyMs: 60_000, nearBytes: Infinity });
    try {
      const grown = async (f: { file: string }, from: number) => {
        const deadline = Date.now() + 10_000;
        while (fs.statSync(f.file).size === from && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        return fs.statSync(f.file).size;
      };
      // The log near its threshold is copied within milliseconds, again after more writes; the other waits its minute.
      const nearSize = await grown(near, near.before);
      expect(nearSize).toBeGreaterThan(near.before);
      for (const f of [near, far]) f.db.prepare('INSERT INTO t VALUES (?)').run('y'.repeat(400_000));
      expect(await grown(near, nearSize)).toBeGreaterThan(nearSize);
      expect(fs.statSync(far.file).size).toBe(far.before);
    } finally {
      a.stop();
      b.stop();
      near.db.close();
      far.db.close();
    }
  });
});

describe('SqliteStore: words in most articles (the archive tier leaves them out of bm25)', () => {
  // 400 articles: "harbour" in 90 % of them (dense), "walrus" in every 7th, "pier" in a few with
  // "harbour" many times in the title.
  const seed = () => {
    const s = addSource('g1');
    const items = Array.from({ length: 400 }, (_, i) => {
      const words = [i % 10 === 3 ? 'Quay' : 'Harbour', i % 7 === 0 ? 'walrus seen' : 'ships moored', i % 50 === 1 ? 'pier' : 'dock'];
      const title = i % 50 === 1 ? 'Harbour harbour harbour pier' : `Report ${i}`;
      return { article: article({ id: `d${i}`, title, tags: [], body: [`${words.join(' ')} near the water, report ${i}.`, 'Crews worked through the night.'] }), dedupeKey: `d${i}`, contentHash: `d${i}` };
    });
    store.ingest(s.id, items, { announce: false });
    // The threshold that makes leaving bm25() pay is a large archive's; lowered to this one's size.
    store.denseMinMatches = 300;
  };
  const q = (terms: string[]) => ({ terms, phrases: [], prefixes: [], excluded: [] });
  const ftsOrder = (match: string) => (store.db.prepare('SELECT a.id AS id FROM articles_fts f JOIN articles a ON a.seq = f.rowid WHERE articles_fts MATCH ? ORDER BY f.rank, f.rowid DESC').all(match) as Array<{ id: string }>).map((r) => r.id);

  it('ranks the other words by bm25 and keeps only candidates that hold the dense word: the same order FTS5 gives', () => {
    seed();
    const page = store.searchText(q(['harbour', 'walrus']), {}, { limit: 10 });
    const want = ftsOrder('"harbour" AND "walrus"');
    expect(want.length).toBeGreaterThan(40);
    expect(page.hits.map((h) => h.id)).toEqual(want.slice(0, 10));
    // Articles with "walrus" but no "harbour" (the quays) are never returned.
    expect(page.hits.every((h) => Number(h.id.slice(1)) % 10 !== 3)).toBe(true);
    // Beyond the page, the share of checked candidates that hold it estimates the total.
    expect(page.approximate).toBe(true);
    expect(Math.abs(page.total - want.length)).toBeLessThanOrEqual(want.length * 0.15);
  });

  it('matches a common phrase as its words, its dense words left out of bm25 too, and keeps only articles holding the phrase', () => {
    seed();
    const exact = (phrase: string) => new Set(ftsOrder(`"${phrase}"`));
    const phrase = (words: string[]) => store.searchText({ terms: [], phrases: [words], prefixes: [], excluded: [] }, {}, { limit: 10 });
    // One dense word (harbour) and one that is not (walrus): ranked by walrus, verified on the text.
    const ranked: unknown[] = [];
    const internals = store as unknown as { stmt: (sql: string) => { all: (...a: unknown[]) => unknown } };
    const stmt = internals.stmt.bind(store);
    internals.stmt = (sql: string) => {
      const st = stmt(sql);
      return sql.includes('f.rank') ? { ...st, all: (...a: unknown[]) => (ranked.push(a[0]), st.all(...a)) } : st;
    };
    const some = phrase(['harbour', 'walrus']);
    expect(ranked).toEqual(['"walrus"']);
    const holding = exact('harbour walrus');
    expect(holding.size).toBeGreaterThan(30);
    expect(some.hits).toHaveLength(10);
    expect(some.hits.every((h) => holding.has(h.id))).toBe(true);
    expect(Math.abs(some.total - holding.size)).toBeLessThanOrEqual(holding.size * 0.2);
    // Dense words only: the newest candidates that hold the phrase.
    const all = phrase(['near', 'the']);
    expect(all.hits.map((h) => h.id)).toHaveLength(10);
    expect(all.hits.every((h) => exact('near the').has(h.id))).toBe(true);
    expect(Math.abs(all.total - 400)).toBeLessThanOrEqual(40);
    // Both words in every article, never in this order: nothing.
    expect(phrase(['water', 'near'])).toMatchObject({ hits: [] });
  });

  it('keeps the usual ranked query below the size where leaving bm25() pays', () => {
    seed();
    store.denseMinMatches = 100_000;
    const page = store.searchText(q(['harbour', 'walrus']), {}, { limit: 10 });
    expect([page.total, page.approximate]).toEqual([ftsOrder('"harbour" AND "walrus"').length, false]);
  });

  it('ranks a query of dense words only by their counts in the newest candidates, the way bm25 weighs them', () => {
    seed();
    const page = store.searchText(q(['harbour']), {}, { limit: 5 });
    // The newest pier article (harbour three times in its title, weighed 3 each) comes first.
    expect(page.hits[0]!.id).toBe('d351');
    expect(page.hits.map((h) => h.id)).not.toContain('d353');
    expect([page.total, page.approximate]).toEqual([360, false]);
    // Filters still apply, through the narrow index.
    const none = store.searchText(q(['harbour']), { sourceIds: ['nobody'] }, { limit: 5 });
    expect(none).toEqual({ hits: [], total: 0, approximate: false });
  });
});

describe('SqliteStore', () => {
  it('migrates an empty file, records the schema version and reopens idempotently', () => {
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.close();
    const again = openStore({ path: path.join(dir, 'nd.db'), clock, log: silentLog });
    expect(again.schemaVersion).toBe(MIGRATIONS.length);
    expect(again.getSource('seeds')?.name).toBe('Seed archive');
    again.close();
    store = openStore({ path: ':memory:', clock, log: silentLog });
  });

  it('refuses a schema newer than the code and a file that is not a database, with clear messages', () => {
    store.db.pragma('user_version = 99');
    store.close();
    expect(() => openStore({ path: path.join(dir, 'nd.db'), clock, log: silentLog })).toThrow(`schema version 99 is newer than this Newsdesk (${MIGRATIONS.length}); upgrade the bot`);
    const junk = path.join(dir, 'junk.db');
    fs.writeFileSync(junk, 'this is not sqlite at all'.repeat(100));
    expect(() => openStore({ path: junk, clock, log: silentLog })).toThrow(StoreError);
    expect(() => openStore({ path: junk, clock, log: silentLog })).toThrow(/junk\.db": cannot open/);
    store = openStore({ path: ':memory:', clock, log: silentLog });
  });

  it('inserts, leaves unchanged, and updates in place keeping the article id', () => {
    const src = addSource('g1');
    const a = article({ id: 'aaa111' });
    const first = store.ingest(src.id, [{ article: a, dedupeKey: 'guid:1', contentHash: 'h1' }], { announce: true });
    expect(first.inserted.map((x) => x.id)).toEqual(['aaa111']);
    expect(first.inserted[0]!.sourceId).toBe(src.feedId);
    const same = store.ingest(src.id, [{ article: a, dedupeKey: 'guid:1', contentHash: 'h1' }], { announce: true });
    expect(same).toEqual({ inserted: [], updated: [], unchanged: 1 });
    clock.advance(60_000);
    const changed = store.ingest(src.id, [{ article: article({ id: 'different', title: 'Troops sent to Russia (updated)' }), dedupeKey: 'guid:1', contentHash: 'h2' }], { announce: true });
    expect(changed.updated.map((x) => x.id)).toEqual(['aaa111']);
    expect(store.getArticle('aaa111')?.title).toBe('Troops sent to Russia (updated)');
    expect(store.countArticles()).toBe(1);
    // first_seen_at does not move on update: a corrected article is not news again.
    expect(store.articleMeta('aaa111')?.firstSeenAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('keeps duplicates within one fetch out (first wins)', () => {
    const src = addSource('g1');
    const r = store.ingest(src.id, [
      { article: article({ id: 'd1' }), dedupeKey: 'guid:dup', contentHash: 'a' },
      { article: article({ id: 'd2' }), dedupeKey: 'guid:dup', contentHash: 'b' },
    ], { announce: true });
    expect(r.inserted.map((x) => x.id)).toEqual(['d1']);
  });

  it('shares a feed: the same URL in two guilds is two sources storing each item once, and removing one leaves the other its articles', () => {
    const a = addSource('guild-a');
    const b = addSource('guild-b');
    expect(b.feedId).toBe(a.feedId);
    store.ingest(a.id, [{ article: article({ id: 'x1' }), dedupeKey: 'guid:1', contentHash: 'h' }], { announce: true });
    store.ingest(b.id, [{ article: article({ id: 'x1' }), dedupeKey: 'guid:1', contentHash: 'h' }], { announce: true });
    expect(store.countArticles()).toBe(1);
    const removed = store.deleteSource(a.id);
    expect(removed.articleIds).toEqual([]);
    expect(store.getSource(a.id)).toBeUndefined();
    expect(store.getArticle('x1')?.sourceId).toBe(b.feedId);
    expect(store.sourceIdsForGuild('guild-b')).toEqual([b.feedId]);
    expect(store.sourceIdsForGuild('guild-a')).toEqual([]);
    expect(store.deleteSource(b.id).articleIds).toEqual(['x1']);
    expect(store.countArticles()).toBe(0);
  });

  it('re-imports a seed with a changed body in place', () => {
    store.ingest('seeds', [{ article: article({ id: 's1', sourceId: 'seeds' }), dedupeKey: 'file:000.txt', contentHash: 'v1' }], { announce: false });
    const r = store.ingest('seeds', [{ article: article({ id: 's1-new', sourceId: 'seeds', body: ['Edited.'] }), dedupeKey: 'file:000.txt', contentHash: 'v2' }], { announce: false });
    expect(r.updated.map((x) => x.id)).toEqual(['s1']);
    expect(store.getArticle('s1')?.body).toEqual(['Edited.']);
    expect(store.countArticles(['seeds'])).toBe(1);
  });

  it('serves digest windows: announced articles of visible sources first seen in the range', () => {
    const g1 = addSource('g1');
    const g2 = addSource('g2');
    store.ingest(g1.id, [{ article: article({ id: 'old' }), dedupeKey: 'k0', contentHash: 'h' }], { announce: false });
    clock.advance(60_000);
    store.ingest(g1.id, [{ article: article({ id: 'new1' }), dedupeKey: 'k1', contentHash: 'h' }], { announce: true });
    store.ingest(g2.id, [{ article: article({ id: 'other' }), dedupeKey: 'k1', contentHash: 'h' }], { announce: true });
    clock.advance(60_000);
    store.ingest(g1.id, [{ article: article({ id: 'new2' }), dedupeKey: 'k2', contentHash: 'h' }], { announce: true });
    const all = store.newArticles(['seeds', g1.id], { fromExclusive: '2026-03-01T00:00:00.000Z', toInclusive: '2026-03-01T11:00:00.000Z' });
    expect(all.map((r) => r.article.id)).toEqual(['new1', 'new2']);
    const firstOnly = store.newArticles([g1.id], { fromExclusive: '2026-03-01T00:00:00.000Z', toInclusive: '2026-03-01T10:01:00.000Z' });
    expect(firstOnly.map((r) => r.article.id)).toEqual(['new1']);
    const seq = store.articleMeta('new1')!.seq;
    expect(store.articlesAfterSeq([g1.id], seq, store.maxSeq()).map((r) => r.article.id)).toEqual(['new2']);
  });

  it('scans every article exactly once in chunks', () => {
    const src = addSource('g1');
    const items = Array.from({ length: 1234 }, (_, i) => ({ article: article({ id: `n${i}` }), dedupeKey: `k${i}`, contentHash: 'h' }));
    store.ingest(src.id, items, { announce: true });
    const seen: string[] = [];
    let after = 0;
    for (;;) {
      const rows = store.scanArticles(after, 100);
      if (!rows.length) break;
      seen.push(...rows.map((r) => r.article.id));
      after = rows.at(-1)!.rowid;
    }
    expect(seen).toHaveLength(1234);
    expect(new Set(seen).size).toBe(1234);
  });

  it('records fetch history newest first and finds due sources', () => {
    const src = addSource('g1');
    store.recordFetch(src.id, { at: '2026-03-01T10:00:00.000Z', durationMs: 120, httpStatus: 200, newItems: 3, updatedItems: 0, error: null });
    store.recordFetch(src.id, { at: '2026-03-01T10:30:00.000Z', durationMs: 80, httpStatus: 404, newItems: 0, updatedItems: 0, error: '"https://example.org/feed": HTTP 404' });
    expect(store.fetchHistory(src.id, 5).map((a) => a.httpStatus)).toEqual([404, 200]);
    expect(store.dueSources(clock.now(), 10).map((s) => s.id)).toEqual([src.id]);
    store.updateSource(src.id, { nextFetchAt: '2026-03-01T11:00:00.000Z', consecutiveFailures: 1 });
    expect(store.dueSources(clock.now(), 10)).toEqual([]);
    store.updateSource(src.id, { status: 'paused' });
    clock.advance(3_600_000 * 2);
    expect(store.dueSources(clock.now(), 10)).toEqual([]);
  });

  it('enqueues an outbox row once per (kind, ref, window) and moves it pending → posted', () => {
    const first = store.enqueueOutbox({ kind: 'digest', refId: 'sub1', windowKey: 'w1', channelId: 'c', payload: { a: 1 }, nonce: 'n1' });
    const again = store.enqueueOutbox({ kind: 'digest', refId: 'sub1', windowKey: 'w1', channelId: 'c', payload: { a: 2 }, nonce: 'n2' });
    expect(again.id).toBe(first.id);
    expect(again.payload).toEqual({ a: 1 });
    expect(store.pendingOutbox(clock.now(), 10).map((r) => r.id)).toEqual([first.id]);
    store.markPosted(first.id, 'm1');
    expect(store.pendingOutbox(clock.now(), 10)).toEqual([]);
    expect(store.getOutbox(first.id)).toMatchObject({ status: 'posted', messageId: 'm1', attempts: 1 });
  });

  it('files a digest window and advances the subscription in one transaction', () => {
    const sub = store.createSubscription({ guildId: 'g1', channelId: 'c1', scheduleLabel: 'daily 08:00', cron: '0 8 * * *', timezone: 'UTC', query: null, sourceIds: [], maxItems: 10, createdBy: 'u', lastWindowEnd: '2026-03-01T08:00:00.000Z' });
    const row = store.enqueueDigest(sub.id, '2026-03-02T08:00:00.000Z', { kind: 'digest', refId: sub.id, windowKey: '2026-03-02T08:00:00.000Z', channelId: 'c1', payload: {}, nonce: 'n' });
    expect(row?.status).toBe('pending');
    expect(store.getSubscription(sub.id)?.lastWindowEnd).toBe('2026-03-02T08:00:00.000Z');
    // A failure inside the transaction leaves neither the row nor the window.
    expect(() =>
      store.transaction(() => {
        store.enqueueDigest(sub.id, '2026-03-03T08:00:00.000Z', { kind: 'digest', refId: sub.id, windowKey: 'w3', channelId: 'c1', payload: {}, nonce: 'n3' });
        throw new Error('crash');
      }),
    ).toThrow('crash');
    expect(store.getSubscription(sub.id)?.lastWindowEnd).toBe('2026-03-02T08:00:00.000Z');
    expect(store.listOutbox({ refId: sub.id }).map((r) => r.windowKey)).toEqual(['2026-03-02T08:00:00.000Z']);
  });
});
