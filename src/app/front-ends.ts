import path from 'node:path';
import { REST } from 'discord.js';
import { commandList } from '../../commands/index.ts';
import { followArticles } from '../core/cluster/follow-articles.ts';
import { importSeeds } from '../core/seeds/import.ts';
import { runConsole } from '../console/console.ts';
import { ConsolePoster } from '../console/poster.ts';
import { DiscordGuildAccess } from '../discord/access.ts';
import { restShare, startDiscordBot, type DiscordBot } from '../discord/client.ts';
import { DiscordChannelPoster } from '../discord/poster.ts';
import { Dispatcher } from '../dispatch.ts';
import { startJobs, type Jobs } from '../jobs.ts';
import { startMetricsServer, type Metrics } from '../metrics.ts';
import type { Runtime } from './runtime.ts';
import { commandContext, type Services } from './services.ts';

const SHUTDOWN_GRACE_MS = 8000;

/** What runs once started, for readiness and for shutdown. */
export interface Running {
  jobs?: Jobs;
  bot?: DiscordBot;
  following?: { stop(): Promise<void> };
  metricsServer?: { close(): Promise<void> } | null;
}

/** The commands, the dispatcher that runs them for either front end, and the metrics endpoint. */
export async function serving(rt: Runtime, s: Services, metrics: Metrics | null, running: Running) {
  const { config, consoleMode, log } = rt;
  const role = config.role;
  const commands = commandList();
  const dispatcher = new Dispatcher(commandContext(rt, s), log, commands, metrics ? (c, o, sec) => metrics.interaction(c, o, sec) : undefined);
  running.metricsServer = metrics
    ? await startMetricsServer({
        port: config.metricsPort!,
        host: config.metricsHost,
        metrics,
        store: s.store,
        log,
        readiness: () => ({
          gateway: consoleMode || role === 'worker' ? null : Boolean(running.bot?.client.isReady()),
          hotTier: role === 'worker' ? null : s.newsroom.hotReady,
        }),
      })
    : null;
  return { commands, dispatcher };
}

/**
 * Loads the seeds and builds the search index; resolves with the newest article the index was
 * built from (a shard catches up from there). Interactions are answered meanwhile ("loading").
 */
export async function prepare({ config, log }: Runtime, { store, newsroom, trends, refreshShardFeeds }: Services): Promise<number> {
  // The archive reader starts now, beside the seeds and the index, not at the first search:
  // until it serves, archive searches run on the event loop and every server waits on them.
  if (config.role !== 'worker' && store.readerReady) {
    void store.readerReady().then((started) => (started ? log.info({ started }, 'archive reader started') : log.warn({ started }, 'archive reader not started; archive searches run on the main connection')));
  }
  await importSeeds({ store, log }, config.seedsDir);
  if (config.role === 'worker') return 0;
  await refreshShardFeeds();
  const indexedUpTo = await store.maxSeq();
  await newsroom.buildIndex();
  // What counting over time reads of every article, read ahead in small steps.
  void trends.prepare().catch((err: unknown) => log.warn({ err }, 'trend counts not prepared'));
  // WordNet for query expansion: from DATA_DIR's cache in tens of milliseconds; on a first start
  // parsed in steps (seconds) while interactions are already answered, without expansion. Part of
  // `ready`, so a search after it expands the same way on every start.
  await newsroom.loadExpansion();
  return indexedUpTo;
}

/** Polling feeds, filing digests and alerts, posting the outbox (src/jobs.ts). */
export function startWork({ config, log }: Runtime, { sources, digests, alerts, outbox, lock }: Services): Jobs {
  return startJobs({ sources, digests, alerts, outbox, log, fetchConcurrency: config.fetchConcurrency, cron: config.tickCron, ...(lock ? { lock } : {}) });
}

/** Stops everything in order: work first, then the front end, then what they write to. */
export async function closeAll(s: Services, running: Running): Promise<void> {
  await running.jobs?.stop();
  await running.following?.stop();
  await running.bot?.stop(SHUTDOWN_GRACE_MS);
  await running.metricsServer?.close();
  await s.parser.close();
  await s.charts.close();
  clearInterval(s.snapshotTimer);
  await s.newsroom.saveSnapshot();
  await s.store.close();
}

/** Without DISCORD_TOKEN: the local console over the same commands, until /exit or end of input. */
export async function runConsoleMode(rt: Runtime, s: Services, running: Running, dispatcher: Dispatcher, ready: Promise<unknown>): Promise<number> {
  const { config, clock, log } = rt;
  s.front.poster = new ConsolePoster(process.stdout, Boolean(process.stdout.isTTY), () => clock.now());
  const interactive = Boolean(process.stdin.isTTY);
  if (interactive) {
    // Sources, digests and alerts keep running while a person uses the console.
    void ready.then(() => {
      running.jobs = startWork(rt, s);
    });
  }
  try {
    await runConsole({ dispatcher, log, ready, now: () => clock.now(), historyFile: path.join(config.dataDir, 'console_history'), exportDir: path.join(config.dataDir, 'exports') });
  } finally {
    await closeAll(s, running);
  }
  return 0;
}

/** SIGTERM / SIGINT: a graceful stop within the grace period, else a hard exit. */
export function stopOnSignals({ log }: Runtime, s: Services, running: Running): void {
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
    await closeAll(s, running);
    log.info({}, 'stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/** ROLE=worker: no gateway; posts go out over REST alone, within this process's share of the rate limit. */
export async function runWorker(rt: Runtime, s: Services, running: Running, ready: Promise<unknown>): Promise<number> {
  const { config, log, worker } = rt;
  const share = restShare(config.clusterProcesses, config.restProxy);
  const rest = new REST({ ...(config.discordApiUrl ? { api: config.discordApiUrl } : {}), globalRequestsPerSecond: share }).setToken(config.discordToken!);
  s.front.poster = new DiscordChannelPoster(rest, () => config.discordApplicationId);
  s.front.access = new DiscordGuildAccess(rest, null, () => config.discordApplicationId, log);
  await ready;
  running.jobs = startWork(rt, s);
  await running.jobs.runOnce();
  log.info({ role: config.role, worker: worker.id }, 'ready');
  return -1;
}

/** The Discord gateway (ROLE=all or shard): connects while the index loads, then starts the work. */
export async function runDiscord(rt: Runtime, s: Services, running: Running, served: Awaited<ReturnType<typeof serving>>, ready: Promise<number>): Promise<number> {
  const { config, log, clock } = rt;
  const share = restShare(config.clusterProcesses, config.restProxy);
  // Connect while the index loads: interactions are answered ("loading, N% done") meanwhile.
  const bot = await startDiscordBot({
    token: config.discordToken!,
    apiUrl: config.discordApiUrl,
    shards: { ids: config.shardIds, count: config.shardCount },
    globalRequestsPerSecond: share,
    guildId: config.discordGuildId,
    dispatcher: served.dispatcher,
    commands: served.commands,
    log,
  });
  running.bot = bot;
  s.front.poster = new DiscordChannelPoster(bot.client.rest, () => running.bot?.client.application?.id ?? null);
  s.front.access = new DiscordGuildAccess(bot.client.rest, bot.client, () => running.bot?.client.user?.id ?? null, log);
  const indexedUpTo = await ready;
  if (s.store.kind === 'postgres') running.following = await followArticles({ store: s.store, newsroom: s.newsroom, log, clock }, indexedUpTo);
  // A shard only answers its servers: polling, filing and posting are the workers'.
  if (config.role === 'all') {
    running.jobs = startWork(rt, s);
    await running.jobs.runOnce();
  }
  log.info({ role: config.role, articles: s.newsroom.index.size, shards: config.shardIds ?? null }, 'ready');
  return -1; // keep running until a signal
}
