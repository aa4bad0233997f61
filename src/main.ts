/**
 * Composition root: config → logger → store → newsroom → Discord (with DISCORD_TOKEN) or the
 * local console (without). Everything else receives its dependencies from here.
 */
import os from 'node:os';
import path from 'node:path';
import { REST } from 'discord.js';
import { commandList } from '../commands/index.ts';
import type { CommandContext } from './command.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { DataDirError, ensureDataDir } from './data-dir.ts';
import { runConsole } from './console/console.ts';
import { Alerts } from './core/alerts/index.ts';
import { ChangeAlerts } from './core/alerts/change-alerts.ts';
import { WorkerChartRenderer } from './core/charts/renderer.ts';
import { Trends } from './core/trend/trends.ts';
import fs from 'node:fs';
import { systemClock, type Clock } from './core/deps.ts';
import { Digests } from './core/digest/digests.ts';
import { ParsePool } from './core/feeds/parse-pool.ts';
import { safeFetch } from './core/feeds/safe-fetch.ts';
import { Newsroom } from './core/newsroom/index.ts';
import { outboxNonce, Outbox, WebhookUnavailableError, type ChannelPoster, type CrashPoint } from './core/outbox/index.ts';
import type { Reply } from './core/reply.ts';
import { importSeeds } from './core/seeds/import.ts';
import { Sources } from './core/sources/index.ts';
import { openAsyncStore } from './core/store/open-async-store.ts';
import { ConsolePoster } from './console/poster.ts';
import { restShare, shardOf, startDiscordBot, type DiscordBot } from './discord/client.ts';
import { SEED_SOURCE_ID } from './core/article.ts';
import { DiscordChannelPoster } from './discord/poster.ts';
import { DiscordGuildAccess } from './discord/access.ts';
import type { GuildAccess } from './core/policy/access.ts';
import { Dispatcher } from './dispatch.ts';
import { followArticles } from './core/cluster/follow-articles.ts';
import { startJobs, type Jobs } from './jobs.ts';
import { createLogger } from './logger.ts';
import { createMetrics, startMetricsServer } from './metrics.ts';
import { scrubSecrets } from './core/text/secrets.ts';

const SHUTDOWN_GRACE_MS = 8000;
/** How often the hot tier's snapshot is refreshed (when articles changed). */
const SNAPSHOT_INTERVAL_MS = 10 * 60_000;

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${scrubSecrets(err.message)}\nSee .env.example for every setting and its default.\n`);
      return 1;
    }
    throw err;
  }
  try {
    ensureDataDir(config.dataDir);
  } catch (err) {
    if (err instanceof DataDirError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const consoleMode = !config.discordToken;
  const log = createLogger(config.logLevel ?? (consoleMode ? 'warn' : 'info'));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => log.fatal({ err }, 'uncaught exception'));

  const clock = config.clockFile ? offsetClock(config.clockFile) : systemClock;
  // PostgreSQL with DATABASE_URL (scale-out), else the SQLite file in DATA_DIR (the default).
  const store = await openAsyncStore({ databaseUrl: config.databaseUrl, sqlitePath: path.join(config.dataDir, 'newsdesk.db'), clock, log });
  // Prometheus metrics and health endpoints, when METRICS_PORT is set (every role).
  const metrics = config.metricsPort !== null ? createMetrics(store, () => clock.now()) : null;
  const telemetry = metrics?.telemetry;
  const crashPoint = crashPointFrom(config.crashPoints);
  // Scale-out: who this process is when it claims work (feed fetches, posts) from the shared database.
  const role = config.role;
  const worker = { id: `${role}:${os.hostname()}:${process.pid}`, leaseMs: config.leaseSeconds * 1000 };
  const clustered = store.kind === 'postgres';
  /** Filing digests and alerts: one process of the cluster at a time (SQLite: one process anyway). */
  const lock = clustered ? (name: string) => store.tryLock(name) : undefined;
  // A shard's in-memory index keeps only what its servers can see: the seeds and the feeds its
  // servers follow (a guild's sources are only ever added through the shard that serves it).
  const shardFeeds = new Set<string>();
  const sharded = role === 'shard' && config.shardCount !== null;
  /** Re-reads the shard's feeds; returns those new to it (a server here began to follow them). */
  const refreshShardFeeds = async (): Promise<string[]> => {
    if (!sharded) return [];
    const mine = new Set(config.shardIds ?? [...Array(config.shardCount!).keys()]);
    const feeds = new Set<string>();
    for (const s of await store.allSources()) {
      const shard = s.guildId ? shardOf(s.guildId, config.shardCount!) : null;
      if (shard !== null && mine.has(shard)) feeds.add(s.feedId ?? s.id);
    }
    const added = [...feeds].filter((f) => !shardFeeds.has(f));
    shardFeeds.clear();
    for (const f of feeds) shardFeeds.add(f);
    return added;
  };
  const newsroom = new Newsroom({
    store,
    clock,
    log,
    ...(sharded ? { keep: (a: { sourceId: string }) => a.sourceId === SEED_SOURCE_ID || shardFeeds.has(a.sourceId) } : {}),
    search: { design: config.searchIndex, hotDays: config.hotDays, hotMaxArticles: config.hotMaxArticles, snapshotPath: path.join(config.dataDir, 'hot-index.snapshot'), wordnetCache: path.join(config.dataDir, 'wordnet.cache') },
    ...(telemetry ? { telemetry } : {}),
  });
  // The hot tier's snapshot is refreshed now and then, so a crash costs at most a rebuild of the
  // changes since (and at shutdown, so a planned restart loads it at once).
  const snapshotTimer = setInterval(() => void newsroom.saveSnapshot(), SNAPSHOT_INTERVAL_MS);
  snapshotTimer.unref();
  const parser = new ParsePool({ size: 1, timeoutMs: 15_000 });
  // The poster is chosen once we know whether Discord is there; posts wait in the outbox until then.
  let poster: ChannelPoster | null = null;
  // Permissions outside an interaction come from Discord once it is connected; the console has none.
  let discordAccess: DiscordGuildAccess | null = null;
  const access: GuildAccess | undefined = consoleMode
    ? undefined
    : {
        botPermissions: async (g, c) => (discordAccess ? discordAccess.botPermissions(g, c) : null),
        memberPermissions: async (g, c, u) => (discordAccess ? discordAccess.memberPermissions(g, c, u) : null),
      };
  const alerts = new Alerts({ store, clock, log, newsroom, crashPoint, postsPerMinute: config.deliveryPostsPerMinute, ...(access ? { access } : {}) });
  const notify = (refId: string) => (channelId: string, key: string, text: string, guildId?: string) => {
    return store.enqueueOutbox({ kind: 'notice', refId, windowKey: key, channelId, guildId: guildId ?? null, payload: { content: text } satisfies Reply, nonce: outboxNonce('notice', refId, key) });
  };
  const outbox = new Outbox({
    store,
    clock,
    log,
    crashPoint,
    poster: {
      post: (channelId: string, reply: Reply, nonce: string) => {
        if (!poster) throw new Error('not connected yet');
        return poster.post(channelId, reply, nonce);
      },
      postAs: (channelId, reply, as) => {
        if (!poster) throw new Error('not connected yet');
        if (!poster.postAs) throw new WebhookUnavailableError('this front end posts as the bot only');
        return poster.postAs(channelId, reply, as);
      },
      findPost: async (channelId, marker) => {
        if (!poster) throw new Error('not connected yet');
        return poster.findPost ? poster.findPost(channelId, marker) : null;
      },
    },
    deliveries: alerts.hooks(notify('delivery')),
    postsPerMinute: config.deliveryPostsPerMinute,
    ...(telemetry ? { telemetry } : {}),
    worker,
  });
  const changeAlerts = new ChangeAlerts({ store, clock, log, newsroom });
  // Charts (/trend, /trending, digests' outlet charts) are laid out and rasterised on a worker thread.
  const charts = new WorkerChartRenderer();
  const trends = new Trends({ store, newsroom, clock, log, charts });
  const digests = new Digests({ store, clock, log, newsroom, defaultTimezone: config.defaultTimezone, crashPoint, charts });
  const sources = new Sources({
    store,
    clock,
    log,
    fetch: safeFetch,
    parser,
    fetchOptions: { allowPrivate: config.allowPrivateSources, timeoutMs: config.fetchTimeoutMs },
    defaultIntervalMinutes: config.sourceIntervalMinutes,
    worker,
    ...(telemetry ? { telemetry } : {}),
    onIngest: async (_sourceId, result) => {
      telemetry?.ingested(result.inserted.length + result.updated.length);
      // A worker keeps no search index: the shards hear of new articles and index them.
      if (role !== 'worker') {
        // A feed other shards' servers already followed: its stored articles join this shard's index.
        for (const feedId of await refreshShardFeeds()) {
          await newsroom.indexArticles((await store.latestArticles(feedId, config.hotMaxArticles)).map((e) => ({ article: e.article, firstSeenAt: e.firstSeenAt, seq: e.seq })));
        }
        const items = [];
        for (const article of [...result.inserted, ...result.updated]) items.push({ article, firstSeenAt: (await store.articleMeta(article.id))?.firstSeenAt });
        await newsroom.indexArticles(items);
      }
      const release = lock ? await lock('publish') : async () => {};
      if (release) {
        try {
          await alerts.check();
          await changeAlerts.check();
        } finally {
          await release();
        }
      }
      void outbox.deliverPending();
    },
    onRemove: (ids) => newsroom.unindexArticles(ids),
    notify: notify('source'),
  });
  const ctx: CommandContext = { newsroom, sources, digests, alerts, changeAlerts, trends, outbox, moderatorRoleId: config.moderatorRoleId, limits: config.limits, ...(access ? { access } : {}) };
  const commands = commandList();
  const dispatcher = new Dispatcher(ctx, log, commands, metrics ? (c, o, s) => metrics.interaction(c, o, s) : undefined);
  let jobs: Jobs | undefined;
  let bot: DiscordBot | undefined;
  const metricsServer = metrics
    ? await startMetricsServer({
        port: config.metricsPort!,
        host: config.metricsHost,
        metrics,
        store,
        log,
        readiness: () => ({
          gateway: consoleMode || role === 'worker' ? null : Boolean(bot?.client.isReady()),
          hotTier: role === 'worker' ? null : newsroom.hotReady,
        }),
      })
    : null;

  /** The newest article the index was built from: a shard catches up from here. */
  let indexedUpTo = 0;
  const ready = (async () => {
    await importSeeds({ store, log }, config.seedsDir);
    if (role === 'worker') return;
    await refreshShardFeeds();
    indexedUpTo = await store.maxSeq();
    await newsroom.buildIndex();
    // What counting over time reads of every article, read ahead in small steps.
    void trends.prepare().catch((err: unknown) => log.warn({ err }, 'trend counts not prepared'));
    // WordNet for query expansion: from DATA_DIR's cache in tens of milliseconds; on a first start
    // parsed in steps (seconds) while interactions are already answered, without expansion. Part of
    // `ready`, so a search after it expands the same way on every start.
    await newsroom.loadExpansion();
  })();
  const startWork = () => startJobs({ sources, digests, alerts, outbox, log, fetchConcurrency: config.fetchConcurrency, cron: config.tickCron, ...(lock ? { lock } : {}) });

  if (consoleMode) {
    poster = new ConsolePoster(process.stdout, Boolean(process.stdout.isTTY), () => clock.now());
    const interactive = Boolean(process.stdin.isTTY);
    if (interactive) {
      // Sources, digests and alerts keep running while a person uses the console.
      void ready.then(() => {
        jobs = startWork();
      });
    }
    try {
      await runConsole({ dispatcher, log, ready, now: () => clock.now(), historyFile: path.join(config.dataDir, 'console_history'), exportDir: path.join(config.dataDir, 'exports') });
    } finally {
      await jobs?.stop();
      await metricsServer?.close();
      await parser.close();
      await charts.close();
      clearInterval(snapshotTimer);
      await newsroom.saveSnapshot();
      await store.close();
    }
    return 0;
  }

  let following: { stop(): Promise<void> } | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const hardStop = setTimeout(() => {
      log.error({}, 'shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + 1500);
    hardStop.unref();
    await jobs?.stop();
    await following?.stop();
    await bot?.stop(SHUTDOWN_GRACE_MS);
    await metricsServer?.close();
    await parser.close();
    await charts.close();
    clearInterval(snapshotTimer);
    await newsroom.saveSnapshot();
    await store.close();
    log.info({}, 'stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  const share = restShare(config.clusterProcesses, config.restProxy);
  if (role === 'worker') {
    // No gateway: posts go out over REST alone, within this process's share of the rate limit.
    const rest = new REST({ ...(config.discordApiUrl ? { api: config.discordApiUrl } : {}), globalRequestsPerSecond: share }).setToken(config.discordToken!);
    poster = new DiscordChannelPoster(rest, () => config.discordApplicationId);
    discordAccess = new DiscordGuildAccess(rest, null, () => config.discordApplicationId, log);
    await ready;
    jobs = startWork();
    await jobs.runOnce();
    log.info({ role, worker: worker.id }, 'ready');
    return -1;
  }

  // Connect while the index loads: interactions are answered ("loading, N% done") meanwhile.
  bot = await startDiscordBot({
    token: config.discordToken!,
    apiUrl: config.discordApiUrl,
    shards: { ids: config.shardIds, count: config.shardCount },
    globalRequestsPerSecond: share,
    guildId: config.discordGuildId,
    dispatcher,
    commands,
    log,
  });
  poster = new DiscordChannelPoster(bot.client.rest, () => bot?.client.application?.id ?? null);
  discordAccess = new DiscordGuildAccess(bot.client.rest, bot.client, () => bot?.client.user?.id ?? null, log);
  await ready;
  if (clustered) following = await followArticles({ store, newsroom, log, clock }, indexedUpTo);
  // A shard only answers its servers: polling, filing and posting are the workers'.
  if (role === 'all') {
    jobs = startWork();
    await jobs.runOnce();
  }
  log.info({ role, articles: newsroom.index.size, shards: config.shardIds ?? null }, 'ready');
  return -1; // keep running until a signal
}

main().then(
  (code) => {
    // Exit at once: the console's stdin (a terminal, or a pipe still open after /exit) and idle
    // timers would otherwise keep the process alive after the store is closed. stdout and stderr
    // are synchronous for files, pipes and terminals on Linux, so nothing written is lost.
    if (code >= 0) process.exit(code);
  },
  (err) => {
    // Printed before (or instead of) the logger: the same masking of passwords and tokens.
    process.stderr.write(`newsdesk failed to start: ${scrubSecrets(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    process.exit(1);
  },
);

/**
 * Test-only fault injection (NEWSDESK_CRASH_POINTS=name[,name…]): the process SIGKILLs itself at
 * the named point, the way a power cut would, so crash tests can prove exactly-once delivery.
 */
function crashPointFrom(names: string[]): CrashPoint | undefined {
  if (names.length === 0) return undefined;
  const wanted = new Set(names);
  return (name) => {
    if (wanted.has(name)) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * Test-only clock: real time plus an offset (ms) read from a file, so an end-to-end test can move
 * the running bot's time forward across digest windows. Re-read at most every 100 ms.
 */
function offsetClock(file: string): Clock {
  let offset = 0;
  let readAt = 0;
  return {
    now() {
      const t = Date.now();
      if (t - readAt > 100) {
        readAt = t;
        try {
          offset = Number(fs.readFileSync(file, 'utf8').trim()) || 0;
        } catch {
          offset = 0;
        }
      }
      return new Date(t + offset);
    },
  };
}
