import path from 'node:path';
import { Alerts } from '../../src/core/alerts/index.ts';
import type { Article } from '../../src/core/article.ts';
import { silentLog } from '../../src/core/deps.ts';
import { Digests } from '../../src/core/digest/digests.ts';
import { Newsroom } from '../../src/core/newsroom/index.ts';
import { Outbox, type ChannelPoster } from '../../src/core/outbox/index.ts';
import type { Reply } from '../../src/core/reply.ts';
import { importSeeds } from '../../src/core/seeds/import.ts';
import { openStore } from '../../src/core/store/index.ts';
import { fromSqlite } from '../../src/core/store/sqlite-async.ts';
import type { ParsePool } from '../../src/core/feeds/parse-pool.ts';
import { safeFetch } from '../../src/core/feeds/safe-fetch.ts';
import { Sources, type SourcesDeps } from '../../src/core/sources/index.ts';
import { ROOT } from './bot-process.ts';

export class FakeClock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  set(iso: string) {
    this.t = Date.parse(iso);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

export class RecordingPoster implements ChannelPoster {
  posts: Array<{ channelId: string; reply: Reply; nonce: string }> = [];
  fail: Error | null = null;
  async post(channelId: string, reply: Reply, nonce: string) {
    if (this.fail) throw this.fail;
    this.posts.push({ channelId, reply, nonce });
    return { messageIds: [`m${this.posts.length}`] };
  }
}

/** A newsroom over an in-memory store with the seeds imported and indexed, and a fake clock. */
export async function newsroomFixture(startIso = '2026-03-02T06:00:00Z') {
  const clock = new FakeClock(Date.parse(startIso));
  // The SQLite store behind the async contract, as main.ts opens it without DATABASE_URL.
  const sqlite = openStore({ path: ':memory:', clock, log: silentLog });
  const store = fromSqlite(sqlite);
  await importSeeds({ store, log: silentLog }, path.join(ROOT, 'seeds'));
  const newsroom = new Newsroom({ store, clock, log: silentLog });
  await newsroom.buildIndex();
  const poster = new RecordingPoster();
  const outbox = new Outbox({ store, clock, log: silentLog, poster });
  const digests = new Digests({ store, clock, log: silentLog, newsroom, defaultTimezone: 'UTC' });
  const alerts = new Alerts({ store, clock, log: silentLog, newsroom });
  const source = (guildId: string, name = 'Wire', url = `https://${name.toLowerCase()}.example/feed`) =>
    store.createSource({ guildId, channelId: 'c-notices', addedBy: 'u', url, feedUrl: url, name, kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
  /** Stores and indexes articles as a fetch would. */
  const ingest = async (sourceId: string, articles: Array<Partial<Article> & { title: string; body: string[] }>, announce = true) => {
    const result = await store.ingest(
      sourceId,
      articles.map((a, i) => ({
        article: { id: '', sourceId, byline: null, outlet: 'Wire', dateline: null, tags: [], caption: null, editors: [], url: `https://wire.example/${encodeURIComponent(a.title)}`, publishedAt: null, ...a },
        dedupeKey: `guid:${a.title}:${i}`,
        contentHash: a.body.join(' '),
      })),
      { announce },
    );
    const items = [];
    for (const article of result.inserted) items.push({ article, firstSeenAt: (await store.articleMeta(article.id))!.firstSeenAt });
    await newsroom.indexArticles(items);
    return result;
  };
  return { clock, store, sqlite, newsroom, poster, outbox, digests, alerts, source, ingest };
}

/**
 * The sources service over a fixture, wired as main.ts wires it (ingests and removals reach the
 * index), fetching through the real safe fetch with private addresses allowed for local servers.
 */
export function sourcesFor(
  f: Pick<Awaited<ReturnType<typeof newsroomFixture>>, 'store' | 'clock' | 'newsroom'>,
  parser: Pick<ParsePool, 'parse'>,
  opts: { allowPrivate?: boolean; notify?: SourcesDeps['notify'] } = {},
): Sources {
  return new Sources({
    store: f.store,
    clock: f.clock,
    log: silentLog,
    fetch: safeFetch,
    parser,
    fetchOptions: { allowPrivate: opts.allowPrivate ?? true, timeoutMs: 5000 },
    defaultIntervalMinutes: 30,
    random: () => 0.5,
    onIngest: async (_id, r) => {
      const items = [];
      for (const article of [...r.inserted, ...r.updated]) items.push({ article, firstSeenAt: (await f.store.articleMeta(article.id))?.firstSeenAt });
      await f.newsroom.indexArticles(items);
    },
    onRemove: (ids) => f.newsroom.unindexArticles(ids),
    notify: opts.notify ?? (() => {}),
  });
}
