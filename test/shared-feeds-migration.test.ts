/**
 * The shared-feeds migration on a database built by the schema before it, holding real articles
 * (the seeds) that three servers had each stored: two servers followed the same feed, one another.
 * Nothing a server could see or had set up is lost: every article id still opens, each server
 * searches what it searched before, deliveries, digests and fetch history carry over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { silentLog } from '../src/core/deps.ts';
import { ftsList, ftsText } from '../src/core/search-text/fts-text.ts';
import { loadSeedDir } from '../src/core/seeds/loader.ts';
import { articleContentHash } from '../src/core/seeds/import.ts';
import { openStore } from '../src/core/store/index.ts';
import { MIGRATIONS } from '../src/core/store/migrations.ts';
import { ROOT } from './helpers/bot-process.ts';

const clock = { now: () => new Date('2026-03-05T12:00:00.000Z') };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

it('turns per-server sources into subscriptions of shared feeds without losing articles, ids, history, deliveries or digests', async () => {
  const feedsMigration = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE feeds'));
  expect(feedsMigration).toBeGreaterThan(0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-feeds-'));
  dirs.push(dir);
  const file = path.join(dir, 'newsdesk.db');
  // The database as the previous Newsdesk left it.
  const old = new Database(file);
  old.function('newsdesk_fts_text', { deterministic: true }, (t: unknown) => ftsText(t as string | null));
  old.function('newsdesk_fts_list', { deterministic: true }, (t: unknown) => ftsList(t as string | null));
  for (const m of MIGRATIONS.slice(0, feedsMigration)) old.exec(m);
  old.pragma(`user_version = ${feedsMigration}`);
  const { articles } = await loadSeedDir(path.join(ROOT, 'seeds'));
  const addSource = old.prepare(
    `INSERT INTO sources (id, guild_id, channel_id, added_by, url, feed_url, name, kind, interval_minutes, full_text, etag, created_at, next_fetch_at, last_success_at)
     VALUES (?, ?, ?, 'u', ?, ?, ?, 'rss', ?, ?, ?, ?, ?, ?)`,
  );
  addSource.run('aaaaaa1', 'g1', 'c1', 'https://nk.example/', 'https://nk.example/feed.xml', 'NK desk', 30, 0, '"e1"', '2026-03-01T08:00:00.000Z', '2026-03-05T12:10:00.000Z', '2026-03-05T11:40:00.000Z');
  addSource.run('bbbbbb2', 'g2', 'c2', 'https://nk.example/feed.xml', 'https://nk.example/feed.xml', 'Korea wire', 15, 1, '"e2"', '2026-03-02T08:00:00.000Z', '2026-03-05T12:05:00.000Z', '2026-03-05T11:50:00.000Z');
  addSource.run('cccccc3', 'g3', 'c3', 'https://other.example/rss', null, 'Other', 60, 0, null, '2026-03-03T08:00:00.000Z', null, null);
  const addArticle = old.prepare(
    `INSERT INTO articles (id, source_id, dedupe_key, content_hash, title, byline, outlet, dateline, tags, caption, body, editors, url, published_at, first_seen_at, updated_at, announce)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const put = (id: string, sourceId: string, a: (typeof articles)[number]['article'], key: string, seen: string) =>
    addArticle.run(id, sourceId, key, articleContentHash(a), a.title, a.byline, a.outlet, a.dateline, JSON.stringify(a.tags), a.caption, JSON.stringify(a.body), JSON.stringify(a.editors), a.url, a.publishedAt, seen, seen);
  // g1 stored all five items; g2 (following the same feed later) the last three of them; g3 one of its own.
  articles.forEach(({ article: a, fileName }, i) => put(`g1-${i}`, 'aaaaaa1', a, `guid:${fileName}`, '2026-03-01T09:00:00.000Z'));
  articles.slice(2).forEach(({ article: a, fileName }, i) => put(`g2-${i + 2}`, 'bbbbbb2', a, `guid:${fileName}`, '2026-03-02T09:00:00.000Z'));
  put('g3-0', 'cccccc3', { ...articles[0]!.article, title: 'Another outlet on the same day' }, 'guid:other', '2026-03-03T09:00:00.000Z');
  old.prepare("INSERT INTO article_versions (article_id, version, title, body, seen_at, replaced_at, kinds) VALUES ('g1-0', 1, 'Old headline', '[]', '2026-03-01T09:00:00.000Z', '2026-03-01T10:00:00.000Z', '[\"headline\"]')").run();
  old.prepare("INSERT INTO fetch_log (source_id, at, http_status, new_items) VALUES ('aaaaaa1', '2026-03-05T11:40:00.000Z', 200, 5), ('bbbbbb2', '2026-03-05T11:50:00.000Z', 304, 0)").run();
  old.prepare("INSERT INTO alerts (id, guild_id, channel_id, query, created_by, created_at, last_seq, source_id) VALUES ('dlv0001', 'g2', 'c2', '', 'u', '2026-03-02T08:00:00.000Z', 7, 'bbbbbb2')").run();
  old.prepare("INSERT INTO subscriptions (id, guild_id, channel_id, schedule_label, cron, timezone, source_ids, max_items, created_by, created_at, last_window_end) VALUES ('sub0001', 'g2', 'c2', 'daily 08:00', '0 8 * * *', 'UTC', '[\"bbbbbb2\",\"Daily NK\"]', 10, 'u', '2026-03-02T08:00:00.000Z', '2026-03-05T08:00:00.000Z')").run();
  const before = { articles: old.prepare('SELECT COUNT(*) AS n FROM articles').get() as { n: number } };
  old.close();
  expect(before.articles.n).toBe(9);

  const store = openStore({ path: file, clock, log: silentLog });
  try {
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    const [g1, g2, g3] = ['aaaaaa1', 'bbbbbb2', 'cccccc3'].map((id) => store.getSource(id)!);
    // Two servers, one feed (named after its first follower); each keeps its own settings.
    expect(g1!.feedId).toBe('faaaaaa1');
    expect(g2!.feedId).toBe('faaaaaa1');
    expect(g3!.feedId).toBe('fcccccc3');
    expect([g1, g2, g3].map((s) => [s!.name, s!.channelId, s!.intervalMinutes, s!.fullText, s!.status])).toEqual([
      ['NK desk', 'c1', 30, false, 'active'], ['Korea wire', 'c2', 15, true, 'active'], ['Other', 'c3', 60, false, 'active'],
    ]);
    // The feed's fetch state is its first follower's; its next poll the earliest any follower had.
    expect(g2).toMatchObject({ etag: '"e1"', nextFetchAt: '2026-03-05T12:05:00.000Z', lastSuccessAt: '2026-03-05T11:40:00.000Z' });
    expect(store.allSources().map((s) => s.id)).toEqual(['aaaaaa1', 'bbbbbb2', 'cccccc3', 'seeds']);
    // Each item once: g2's three copies merged into g1's, whose ids still open the merged article.
    expect(store.countArticles()).toBe(6);
    expect(store.getArticle('g2-3')).toEqual(store.getArticle('g1-3'));
    expect(store.getArticle('g2-3')!.sourceId).toBe('faaaaaa1');
    expect(store.listVersions('g1-0').map((v) => v.title)).toEqual(['Old headline']);
    // What each server sees: g2 now sees the whole feed (five items), g3 only its own.
    expect(store.sourceIdsForGuild('g2')).toEqual(['faaaaaa1']);
    expect(store.countArticles(store.sourceIdsForGuild('g1'))).toBe(5);
    expect(store.countArticles(store.sourceIdsForGuild('g3'))).toBe(1);
    expect(store.searchText({ terms: ['outlet'], phrases: [], excluded: [] }, { sourceIds: store.sourceIdsForGuild('g3') }, { limit: 5 }).hits.map((h) => h.id)).toEqual(['g3-0']);
    // History of both followers is the feed's; deliveries and digest beats follow the feed.
    expect(store.fetchHistory('bbbbbb2', 10).map((f) => f.httpStatus)).toEqual([304, 200]);
    expect(store.getAlert('dlv0001')!.sourceId).toBe('bbbbbb2');
    expect(store.articlesAfterSeq(['bbbbbb2'], 0, 100).length).toBe(5);
    expect(store.getSubscription('sub0001')!.sourceIds).toEqual(['faaaaaa1', 'Daily NK']);
    // The archive index still matches the table.
    expect(() => store.db.prepare("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    // A new server following the same URL joins the feed instead of fetching it again.
    const g4 = store.createSource({ guildId: 'g4', channelId: 'c4', addedBy: 'u', url: 'https://nk.example/feed.xml', feedUrl: 'https://nk.example/feed.xml', name: 'NK', kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
    expect(g4.feedId).toBe('faaaaaa1');
    expect(store.dueSources(new Date('2026-03-05T13:00:00.000Z'), 10).map((s) => [s.id, s.intervalMinutes, s.fullText])).toEqual([['cccccc3', 60, false], ['aaaaaa1', 15, true]]);
  } finally {
    store.close();
  }
});
