/**
 * Scale-out end to end: one PostgreSQL (embedded), the Discord emulator with four servers split
 * over two shard processes (guild routing (id >> 22) % 2), two worker processes, and the local feed
 * server — every process through the real entry point (src/main.ts) with its ROLE.
 *
 * - each server's /search sees only what its own sources follow, and each shard's in-memory index
 *   holds only what its servers can see;
 * - a feed followed by three servers is fetched once per interval, by whichever worker claims it;
 * - kill -9 of the worker in the middle of a fetch: its lease runs out and the other worker fetches
 *   the feed, storing each item once;
 * - kill -9 of a worker right after it posted a digest (before it could record the post): the next
 *   worker reconciles the post by its nonce — the channel gets the digest exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../src/core/deps.ts';
import { PostgresStore } from '../src/core/store/postgres/postgres-store.ts';
import type { SourceRow } from '../src/core/store/types.ts';
import { DiscordEmulator } from './discord-emulator/index.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { startBot, type BotProcess, BOT_START_MS } from './helpers/bot-process.ts';
import { startTestDatabase, type TestDatabase } from './helpers/postgres.ts';

/** Guild ids whose shard under 2 shards is n % 2 (Discord routes by (id >> 22) % shard_count). */
const gid = (n: number) => String((BigInt(1_100_000_000 + n) << 22n) | 1n);
const GUILDS = ['A', 'B', 'C', 'D'].map((name, n) => ({ id: gid(n), name, channel: String((BigInt(1_200_000_000 + n) << 22n) | 2n) }));
const [A, B, C, D] = GUILDS as [(typeof GUILDS)[number], (typeof GUILDS)[number], (typeof GUILDS)[number], (typeof GUILDS)[number]];
/**
 * Long enough that a worker finishes a claimed fetch (parse thread start-up and ingest included)
 * on a busy machine before its lease runs out: with 6 s, two workers fetched one feed under load.
 */
const LEASE_SECONDS = 20;
/** Shorter than the lease: a hung fetch gives up (and releases its claim) before anyone else may take it. */
const FETCH_TIMEOUT_MS = 2000;

function rss(title: string, items: Array<{ guid: string; title: string; body: string }>): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>http://feeds.test/</link>${items
    .map((i) => `<item><guid>${i.guid}</guid><title>${i.title}</title><link>http://feeds.test/${i.guid}</link><description>${i.body}</description></item>`)
    .join('')}</channel></rss>`;
}

let db: TestDatabase;
let emu: DiscordEmulator;
let feeds: FeedServer;
let store: PostgresStore;
let clockFile: string;
const procs: BotProcess[] = [];
let slowHeld = 0;
/** When the second fetch of the slow feed arrived (wall clock; the bots' clock offset is 0 then). */
let slowRefetchedAt = 0;
let shared: SourceRow[] = [];
let slow: SourceRow;

function start(role: 'shard' | 'worker', extra: Record<string, string> = {}): BotProcess {
  const p = startBot({
    DATABASE_URL: db.url,
    DISCORD_TOKEN: emu.token,
    DISCORD_API_URL: emu.url,
    ROLE: role,
    CLUSTER_PROCESSES: '4',
    ALLOW_PRIVATE_SOURCES: 'true',
    // debug: the jobs' round markers, which a test waits for instead of sleeping.
    LOG_LEVEL: 'debug',
    LEASE_SECONDS: String(LEASE_SECONDS),
    FETCH_TIMEOUT_MS: String(FETCH_TIMEOUT_MS),
    NEWSDESK_TICK_CRON: '* * * * * *',
    NEWSDESK_CLOCK_FILE: clockFile,
    ...(role === 'shard' ? { SHARD_COUNT: '2' } : {}),
    ...extra,
  });
  procs.push(p);
  return p;
}

const until = async <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${procs.map((p) => p.stderr().slice(-1500)).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const count = async (sql: string, params: unknown[] = []) => {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return Number((await c.query(sql, params)).rows[0].n);
  } finally {
    await c.end();
  }
};

beforeAll(async () => {
  db = await startTestDatabase();
  clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-cluster-clock-')), 'offset');
  fs.writeFileSync(clockFile, '0');
  feeds = await startFeedServer();
  feeds.route('/shared.xml', { type: 'application/rss+xml', body: rss('Shared Wire', [
    { guid: 's1', title: 'Harbour cranes idle after strike', body: 'Dockworkers at the harbour stopped the cranes for a third day.' },
    { guid: 's2', title: 'Ferry timetable cut', body: 'The harbour ferry runs twice a day from Monday.' },
  ]) });
  feeds.route('/solo.xml', { type: 'application/rss+xml', body: rss('Solo Wire', [{ guid: 'o1', title: 'Glacier walkers rescued', body: 'Mountain guides rescued two glacier walkers overnight.' }]) });
  // The first fetch of this feed hangs (the worker holding it is killed meanwhile); later ones answer.
  feeds.route('/slow.xml', (_req, res) => {
    const body = rss('Slow Wire', [{ guid: 'w1', title: 'Lighthouse keeper retires', body: 'The last lighthouse keeper of the coast retired on Friday.' }]);
    if (slowHeld++ === 0) return void setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body), 10_000).unref();
    if (slowHeld === 2) slowRefetchedAt = Date.now();
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
  });
  emu = await DiscordEmulator.start({ guilds: GUILDS.map((g) => ({ id: g.id, name: g.name, channels: [{ id: g.channel, name: 'desk' }] })) });
  store = await PostgresStore.open({ url: db.url, clock: { now: () => new Date() }, log: silentLog });
  // Three servers follow one feed, the fourth its own two.
  const add = (g: (typeof GUILDS)[number], file: string) =>
    store.createSource({ guildId: g.id, channelId: g.channel, addedBy: 'u', url: `${feeds.url}/${file}`, feedUrl: `${feeds.url}/${file}`, name: file, kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
  shared = [await add(A, 'shared.xml'), await add(B, 'shared.xml'), await add(C, 'shared.xml')];
  await add(D, 'solo.xml');
  start('shard', { SHARD_IDS: '0' });
  start('shard', { SHARD_IDS: '1' });
  start('worker');
  start('worker');
  await Promise.all(procs.map((p) => p.waitForLog((l) => l.msg === 'ready', BOT_START_MS)));
}, BOT_START_MS + 60_000);

afterAll(async () => {
  for (const p of procs) p.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  await store?.close();
  await emu?.stop();
  await feeds?.close();
  await db?.close();
  for (const p of procs) fs.rmSync(p.dataDir, { recursive: true, force: true });
  if (clockFile) fs.rmSync(path.dirname(clockFile), { recursive: true, force: true });
});

afterEach(() => {
  expect(emu.refusals.map((r) => `${r.method} ${r.path}: ${r.lines.join('; ')}`)).toEqual([]);
});

const search = async (g: (typeof GUILDS)[number], query: string): Promise<string> => {
  const msg = await emu.sendCommand({ name: 'search', guildId: g.id, channelId: g.channel, options: [{ type: 3, name: 'query', value: query }] }).final(15_000);
  return [msg.content ?? '', ...(msg.embeds ?? []).map((e: { title?: string; description?: string }) => `${e.title ?? ''}\n${e.description ?? ''}`)].join('\n');
};

describe('a cluster: 2 shard processes, 2 worker processes, one PostgreSQL', () => {
  it('connects each shard with its own servers', () => {
    expect(emu.shards).toEqual([[0, 2], [1, 2]]);
    expect(GUILDS.map((g) => DiscordEmulator.shardOf(g.id, 2))).toEqual([0, 1, 0, 1]);
  });

  it('fetches the feed three servers follow once, stores its items once, and each server searches only what it follows', async () => {
    await until('the feeds fetched', async () => (await count("SELECT COUNT(*) AS n FROM articles WHERE source_id <> 'seeds'")) >= 3);
    expect(feeds.hits('/shared.xml')).toBe(1);
    expect(feeds.hits('/solo.xml')).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM articles WHERE source_id = $1', [shared[0]!.feedId])).toBe(2);
    // Answered by shard 0 (A, C) and shard 1 (B, D).
    for (const g of [A, B, C]) expect(await search(g, 'harbour cranes')).toContain('Harbour cranes idle after strike');
    expect(await search(D, 'harbour cranes')).not.toContain('Harbour cranes');
    expect(await search(D, 'glacier walkers')).toContain('Glacier walkers rescued');
    expect(await search(A, 'glacier walkers')).not.toContain('Glacier walkers');
    // The shards heard of the workers' articles and indexed them (LISTEN/NOTIFY).
    for (const s of procs.slice(0, 2)) await s.waitForLog((l) => l.msg === 'index caught up with other processes', 10_000);
    // Each shard's in-memory index holds what its servers can see: the seeds and their feeds.
    const indexed = async (g: (typeof GUILDS)[number]) => {
      const msg = await emu.sendCommand({ name: 'stats', guildId: g.id, channelId: g.channel }).final(15_000);
      return Number(/\*\*Index:\*\* ([\d,]+) documents/.exec(msg.embeds[0].description)![1]!.replace(/,/g, ''));
    };
    expect(await indexed(A)).toBe(5 + 2); // shard 0 (A, C): seeds + the shared feed
    expect(await indexed(B)).toBe(5 + 2 + 1); // shard 1 (B, D): seeds + shared + D's own feed
    // A server on shard 0 follows D's feed: the feed is shared, its stored items join shard 0's index.
    const added = await emu.sendCommand({ name: 'source', guildId: A.id, channelId: A.channel, options: [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: `${feeds.url}/solo.xml` }] }] }).final(15_000);
    expect(added.content).toMatch(/^Added source `[a-z0-9]+`/);
    expect(await count('SELECT COUNT(*) AS n FROM feeds')).toBe(2);
    expect(await indexed(A)).toBe(5 + 2 + 1);
    expect(await search(A, 'glacier walkers')).toContain('Glacier walkers rescued');
  }, 40_000);

  it('takes over the fetch of a worker killed in the middle of it once its lease runs out, storing each item once', async () => {
    slow = await store.createSource({ guildId: D.id, channelId: D.channel, addedBy: 'u', url: `${feeds.url}/slow.xml`, feedUrl: `${feeds.url}/slow.xml`, name: 'slow.xml', kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
    await until('the slow feed claimed', () => slowHeld >= 1, 5_000);
    const lease = await until('the lease owner', async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const row = (await c.query('SELECT lease_owner, lease_until FROM feeds WHERE id = $1', [slow.feedId])).rows[0] as { lease_owner: string | null; lease_until: Date | null } | undefined;
        return row?.lease_owner && row.lease_until ? { owner: row.lease_owner, until: row.lease_until.getTime() } : undefined;
      } finally {
        await c.end();
      }
    });
    const owner = lease.owner;
    const victim = procs.find((p) => owner.endsWith(`:${p.child.pid}`))!;
    expect(victim).toBeDefined();
    victim.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    await until('the slow feed fetched again', async () => (await count('SELECT COUNT(*) AS n FROM articles WHERE source_id = $1', [slow.feedId])) === 1, (LEASE_SECONDS + 30) * 1000);
    // Not before the lease ran out: never two fetches of one feed at once. (An order of two
    // recorded events, not a duration: a slow machine only moves both later.)
    expect(slowRefetchedAt).toBeGreaterThanOrEqual(lease.until);
    expect(feeds.hits('/slow.xml')).toBe(2);
  }, (LEASE_SECONDS + 60) * 1000);

  it('fetches the shared feed once per interval, whichever worker is alive', async () => {
    // 40 minutes on: every feed is due again (30 min ± 10 % jitter).
    fs.writeFileSync(clockFile, String(40 * 60_000));
    await until('the second round', () => feeds.hits('/shared.xml') >= 2);
    // Every live worker has polled a few more rounds since: a second fetch would have happened.
    await Promise.all(procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null && p.logs().some((l) => l.msg === 'ready' && l.role === 'worker')).map((p) => p.rounds(3)));
    expect(feeds.hits('/shared.xml')).toBe(2);
    expect(await count('SELECT COUNT(*) AS n FROM articles WHERE source_id = $1', [shared[0]!.feedId])).toBe(2);
  }, 30_000);

  it('posts a digest exactly once when the worker that posted it is killed before it could record the post', async () => {
    // The surviving worker leaves; one that dies right after posting a digest takes over.
    for (const p of procs.slice(2)) if (p.child.exitCode === null && p.child.signalCode === null) p.kill('SIGKILL');
    await Promise.all(procs.slice(2).map((p) => p.exited));
    const crashing = start('worker', { NEWSDESK_CRASH_POINTS: 'outbox:after-post:digest' });
    await crashing.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
    // The articles were first seen before the next hour: move the bots' clock past it.
    const t = Date.now();
    const nextHour = Math.ceil((t + 40 * 60_000) / 3_600_000) * 3_600_000;
    fs.writeFileSync(clockFile, String(nextHour + 60_000 - t));
    await store.createSubscription({
      guildId: A.id, channelId: A.channel, scheduleLabel: 'hourly', cron: '0 * * * *', timezone: 'UTC', query: null, sourceIds: [], maxItems: 10, createdBy: 'u',
      lastWindowEnd: new Date(nextHour - 3 * 3_600_000).toISOString(),
    });
    expect((await crashing.exited).signal).toBe('SIGKILL');
    expect(emu.channelMessages(A.channel)).toHaveLength(1);
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'digest' AND status = 'pending'")).toBe(1);
    // The next worker finds the post in flight once the lease runs out and settles it by its nonce.
    // (The bots' clock moves past the lease rather than the test waiting it out.)
    fs.writeFileSync(clockFile, String(nextHour + 60_000 - t + LEASE_SECONDS * 1000));
    const next = start('worker');
    await until('the digest recorded as posted', async () => (await count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'digest' AND status = 'posted'")) === 1, BOT_START_MS);
    await next.waitForLog((l) => l.msg === 'posted' && l.kind === 'digest', 5_000);
    expect(emu.channelMessages(A.channel)).toHaveLength(1);
    expect(JSON.stringify(emu.channelMessages(A.channel)[0])).toContain('Harbour cranes idle after strike');
  }, 2 * BOT_START_MS + 30_000);
});
