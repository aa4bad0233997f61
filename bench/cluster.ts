/**
 * npm run bench:cluster — the scale-out mode under load, on one machine:
 * 10,000 simulated servers following 2,000 distinct local feeds (5 servers per feed) in one
 * PostgreSQL (embedded), polled by 1, 2 and 4 worker processes (ROLE=worker, the real entry point).
 *
 * Prints a table: per worker count, the time for one full round of the 2,000 due feeds, the
 * fetches per minute that makes, fetches per feed in the round (1.00 = no double fetch) and the
 * database size; then the time for a new article to be searchable in every shard process (2 shards,
 * LISTEN/NOTIFY). Options: --feeds N (default 2000), --followers N (default 5), --workers 1,2,4.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { silentLog } from '../src/core/deps.ts';
import { PostgresStore } from '../src/core/store/postgres/postgres-store.ts';
import { DiscordEmulator } from '../test/discord-emulator/index.ts';
import { startTestDatabase } from '../test/helpers/postgres.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const FEEDS = Number(arg('feeds', '2000'));
const FOLLOWERS = Number(arg('followers', '5'));
const WORKERS = arg('workers', '1,2,4').split(',').map(Number);
const log = (m: string) => process.stderr.write(`${m}\n`);

// ── a local feed server: feed N has 5 items; "fresh" feeds get a new one on demand ─────────────
const hits = new Map<number, number>();
/** When the first fetch of the current round arrived. */
let firstHitAt = 0;
const extra = new Map<number, string>();
const feedServer = http.createServer((req, res) => {
  const m = /^\/feed\/(\d+)\.xml$/.exec(req.url ?? '');
  if (!m) return void res.writeHead(404).end();
  const n = Number(m[1]);
  if (hits.size === 0) firstHitAt = Date.now();
  hits.set(n, (hits.get(n) ?? 0) + 1);
  const items = Array.from({ length: 5 }, (_, i) => `<item><guid>f${n}-${i}</guid><title>Feed ${n} report ${i} on harbour traffic</title><link>http://feeds.test/${n}/${i}</link><description>Dockworkers in port ${n} counted ${i * 7 + n} ships this week, officials said.</description></item>`);
  if (extra.has(n)) items.unshift(`<item><guid>f${n}-new</guid><title>${extra.get(n)}</title><link>http://feeds.test/${n}/new</link><description>${extra.get(n)} was reported this morning.</description></item>`);
  res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${n}</title>${items.join('')}</channel></rss>`);
});
await new Promise<void>((r) => feedServer.listen(0, '127.0.0.1', r));
const feedBase = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;

const db = await startTestDatabase();
log(`postgres ${db.server.kind} (${db.server.startMs} ms); seeding ${FOLLOWERS * FEEDS} servers following ${FEEDS} feeds…`);
await (await PostgresStore.open({ url: db.url, clock: { now: () => new Date() }, log: silentLog })).close();
const sql = new pg.Client({ connectionString: db.url });
await sql.connect();
const seedStart = performance.now();
// The shapes createSource makes, in bulk: a feed's archive row, the feed, its followers.
await sql.query(
  `INSERT INTO sources (id, guild_id, url, feed_url, name, kind, status, paused_reason, interval_minutes, full_text, created_at)
   SELECT 'f' || n, NULL, $1 || '/feed/' || n || '.xml', $1 || '/feed/' || n || '.xml', 'Feed ' || n, 'rss', 'paused', 'feed archive', 30, false, now() FROM generate_series(0, $2 - 1) n`,
  [feedBase, FEEDS],
);
await sql.query(`INSERT INTO feeds (id, url, kind, created_at) SELECT 'f' || n, $1 || '/feed/' || n || '.xml', 'rss', now() FROM generate_series(0, $2 - 1) n`, [feedBase, FEEDS]);
await sql.query(
  `INSERT INTO sources (id, guild_id, channel_id, added_by, url, feed_url, name, kind, interval_minutes, full_text, created_at, feed_id)
   SELECT 's' || g, ((1300000000 + g)::bigint << 22 | 1)::text, '1', 'u', $1 || '/feed/' || (g % $2) || '.xml', $1 || '/feed/' || (g % $2) || '.xml', 'Feed ' || (g % $2), 'rss', 30, false, now(), 'f' || (g % $2)
   FROM generate_series(0, $3 - 1) g`,
  [feedBase, FEEDS, FEEDS * FOLLOWERS],
);
log(`  seeded in ${Math.round(performance.now() - seedStart)} ms`);

interface Proc {
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  at: (pred: (l: Record<string, unknown>) => boolean) => number | undefined;
}
function startProcess(env: Record<string, string>): Proc {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-cluster-'));
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(DISCORD_|DATABASE_URL|ROLE$|SHARD_|LOG_LEVEL|DATA_DIR|NEWSDESK_)/.test(k)) base[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], { cwd: ROOT, env: { ...base, DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const logs: Proc['logs'] = [];
  let buf = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith('{')) {
        try {
          logs.push({ ...(JSON.parse(line) as Record<string, unknown>), seenAt: Date.now() });
        } catch {
          /* not a log line */
        }
      }
    }
  });
  child.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  return { child, logs, at: (pred) => logs.find(pred)?.seenAt as number | undefined };
}
const waitFor = async <T>(fn: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const stop = async (procs: Proc[]) => {
  for (const p of procs) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => new Promise((r) => (p.child.exitCode !== null || p.child.signalCode !== null ? r(null) : p.child.once('exit', r)))));
};

const rows: Array<{ workers: number; roundS: number; perMinute: number; perFeed: number; dbMB: number }> = [];
for (const n of WORKERS) {
  // Every feed due now, nothing stored yet: one full round of fetches.
  await sql.query("DELETE FROM articles WHERE source_id <> 'seeds'");
  await sql.query('DELETE FROM fetch_log');
  await sql.query('VACUUM FULL');
  // Every feed due at the same moment, once every worker has started (start-up is not polling).
  await sql.query("UPDATE feeds SET next_fetch_at = now() + interval '45 seconds', lease_until = NULL, lease_owner = NULL, etag = NULL, last_modified = NULL, consecutive_failures = 0");
  hits.clear();
  log(`${n} worker${n === 1 ? '' : 's'}: polling ${FEEDS} feeds…`);
  const procs = Array.from({ length: n }, () =>
    startProcess({ ROLE: 'worker', DISCORD_TOKEN: 'bench', DISCORD_API_URL: 'http://127.0.0.1:9/api', NEWSDESK_TICK_CRON: '* * * * * *', ALLOW_PRIVATE_SOURCES: 'true', CLUSTER_PROCESSES: String(n), FETCH_CONCURRENCY: '8' }),
  );
  await waitFor(() => procs.every((p) => p.at((l) => l.msg === 'ready')) || hits.size > 0, 120_000, 'workers ready');
  await waitFor(() => hits.size >= FEEDS, 900_000, 'a full round');
  // From the first fetch to the last feed's first fetch (workers start polling before they log ready).
  const roundMs = Math.max(1, Date.now() - firstHitAt);
  let stored = 0;
  for (let i = 0; i < 200 && stored < FEEDS * 5; i++) {
    stored = Number((await sql.query("SELECT COUNT(*) AS n FROM articles WHERE source_id <> 'seeds'")).rows[0].n);
    if (stored < FEEDS * 5) await new Promise((r) => setTimeout(r, 100));
  }
  const fetches = [...hits.values()].reduce((a, b) => a + b, 0);
  await stop(procs);
  const dbMB = Number((await sql.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b) / 1048576;
  if (!procs.every((p) => p.at((l) => l.msg === 'ready'))) log('  (a worker was still starting when the round began)');
  rows.push({ workers: n, roundS: roundMs / 1000, perMinute: Math.round((FEEDS * 60_000) / roundMs), perFeed: fetches / FEEDS, dbMB });
  log(`  round ${(roundMs / 1000).toFixed(1)} s, ${fetches} fetches, ${stored} articles stored, ${dbMB.toFixed(1)} MB`);
}

// ── a new article reaching every shard's index ──────────────────────────────────────────────
log('new article → searchable in every shard (2 shard processes, 1 worker)…');
const guilds = [0, 1].map((i) => ({ id: String((BigInt(1_300_000_000 + i) << 22n) | 1n), channels: [{ id: String((BigInt(1_400_000_000 + i) << 22n) | 2n) }] }));
const emu = await DiscordEmulator.start({ guilds });
const common = { DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.url, NEWSDESK_TICK_CRON: '* * * * * *', ALLOW_PRIVATE_SOURCES: 'true', CLUSTER_PROCESSES: '3' };
const shards = [0, 1].map((i) => startProcess({ ...common, ROLE: 'shard', SHARD_COUNT: '2', SHARD_IDS: String(i) }));
const worker = startProcess({ ...common, ROLE: 'worker' });
await waitFor(() => [...shards, worker].every((p) => p.at((l) => l.msg === 'ready')), 180_000, 'shards and worker ready');
const latencies: number[][] = [];
for (let trial = 0; trial < 5; trial++) {
  const feed = trial; // feeds 0 and 1 are followed by guilds 0..4 — shard routing does not matter for indexing
  const title = `Lighthouse ${trial} relit after storm`;
  extra.set(feed, title);
  const before = shards.map((s) => s.logs.length);
  const hitsBefore = hits.get(feed) ?? 0;
  await sql.query('UPDATE feeds SET next_fetch_at = now() - interval \'1 second\' WHERE id = $1', [`f${feed}`]);
  const fetchedAt = await waitFor(() => (hits.get(feed) ?? 0) > hitsBefore && Date.now(), 30_000, 'the fetch');
  const seen = await Promise.all(
    shards.map((s, i) => waitFor(() => s.logs.slice(before[i]).find((l) => l.msg === 'index caught up with other processes' && Number(l.added) > 0)?.seenAt as number | undefined, 30_000, 'a shard catching up')),
  );
  latencies.push(seen.map((t) => t - fetchedAt));
}
await stop([...shards, worker]);
await emu.stop();
await sql.end();
await db.close();
feedServer.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const every = latencies.map((l) => Math.max(...l));
const table = [
  `| workers | full round of ${FEEDS.toLocaleString('en-US')} feeds | fetches / minute | fetches per feed in the round | database size |`,
  '| ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.workers} | ${r.roundS.toFixed(1)} s | ${r.perMinute.toLocaleString('en-US')} | ${r.perFeed.toFixed(2)} | ${r.dbMB.toFixed(1)} MB |`),
  '',
  `New article searchable in every shard's in-memory index (2 shards, from the worker's fetch of the feed to the last shard's catch-up; 5 trials): median ${median(every)} ms, max ${Math.max(...every)} ms.`,
  `(${(FEEDS * FOLLOWERS).toLocaleString('en-US')} servers following ${FEEDS.toLocaleString('en-US')} feeds; ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'cpu'}; PostgreSQL ${db.server.kind}.)`,
].join('\n');
process.stdout.write(`${table}\n`);
