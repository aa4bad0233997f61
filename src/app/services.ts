import path from 'node:path';
import type { CommandContext } from '../command.ts';
import { SEED_SOURCE_ID } from '../core/article.ts';
import { ChangeAlerts } from '../core/alerts/change-alerts.ts';
import { Alerts } from '../core/alerts/index.ts';
import { WorkerChartRenderer } from '../core/charts/renderer.ts';
import { Digests } from '../core/digest/digests.ts';
import { ParsePool } from '../core/feeds/parse-pool.ts';
import { safeFetch } from '../core/feeds/safe-fetch.ts';
import { Newsroom } from '../core/newsroom/index.ts';
import { outboxNonce, Outbox, WebhookUnavailableError, type ChannelPoster } from '../core/outbox/index.ts';
import type { GuildAccess } from '../core/policy/access.ts';
import type { Reply } from '../core/reply.ts';
import { Sources, type SourcesDeps } from '../core/sources/index.ts';
import type { AsyncStore } from '../core/store/async-store.ts';
import { Trends } from '../core/trend/trends.ts';
import type { DiscordGuildAccess } from '../discord/access.ts';
import { shardOf } from '../discord/client.ts';
import type { Metrics } from '../metrics.ts';
import type { Telemetry } from '../core/telemetry/index.ts';
import type { Runtime } from './runtime.ts';

/** How often the hot tier's snapshot is refreshed (when articles changed). */
const SNAPSHOT_INTERVAL_MS = 10 * 60_000;

/** The newsroom and the services around it, wired to one store; the front end is plugged in later. */
export interface Services {
  store: AsyncStore;
  newsroom: Newsroom;
  alerts: Alerts;
  changeAlerts: ChangeAlerts;
  outbox: Outbox;
  sources: Sources;
  digests: Digests;
  trends: Trends;
  parser: ParsePool;
  charts: WorkerChartRenderer;
  snapshotTimer: NodeJS.Timeout;
  /** The poster is chosen once we know whether Discord is there; posts wait in the outbox until then. */
  front: { poster: ChannelPoster | null; access: DiscordGuildAccess | null };
  /** Permissions outside an interaction, from Discord once connected; the console has none. */
  access: GuildAccess | undefined;
  /** Filing digests and alerts: one process of the cluster at a time (SQLite: one process anyway). */
  lock: ((name: string) => Promise<(() => Promise<void>) | null>) | undefined;
  /** Re-reads a shard's feeds; returns those new to it (a server here began to follow them). */
  refreshShardFeeds(): Promise<string[]>;
}

/** Builds the newsroom (search tiers over the store) and the services that feed and post from it. */
export function services(rt: Runtime, store: AsyncStore, metrics: Metrics | null): Services {
  const { config, clock, log, crashPoint, worker, consoleMode } = rt;
  const telemetry = metrics?.telemetry;
  const { newsroom, snapshotTimer, refreshShardFeeds } = newsroomFor(rt, store, telemetry);
  const parser = new ParsePool({ size: 1, timeoutMs: 15_000 });
  const front: Services['front'] = { poster: null, access: null };
  const access = consoleMode ? undefined : lateAccess(front);
  const alerts = new Alerts({ store, clock, log, newsroom, crashPoint, postsPerMinute: config.deliveryPostsPerMinute, ...(access ? { access } : {}) });
  const notify = noticeFiler(store);
  const outbox = new Outbox({
    store,
    clock,
    log,
    crashPoint,
    poster: latePoster(front),
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
  const lock = store.kind === 'postgres' ? (name: string) => store.tryLock(name) : undefined;
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
    onIngest: afterIngest(rt, { store, newsroom, alerts, changeAlerts, outbox, lock, refreshShardFeeds, telemetry }),
    onRemove: (ids) => newsroom.unindexArticles(ids),
    notify: notify('source'),
  });
  return { store, newsroom, alerts, changeAlerts, outbox, sources, digests, trends, parser, charts, snapshotTimer, front, access, lock, refreshShardFeeds };
}

/** The newsroom over the store, its snapshot timer, and (on a shard) which feeds its index keeps. */
function newsroomFor({ config, clock, log }: Runtime, store: AsyncStore, telemetry: Telemetry | undefined) {
  // A shard's in-memory index keeps only what its servers can see: the seeds and the feeds its
  // servers follow (a guild's sources are only ever added through the shard that serves it).
  const shardFeeds = new Set<string>();
  const sharded = config.role === 'shard' && config.shardCount !== null;
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
  return { newsroom, snapshotTimer, refreshShardFeeds };
}

/** After a fetch stored new or changed articles: index them (not on a worker), check alerts, post. */
function afterIngest(
  { config }: Runtime,
  s: Pick<Services, 'store' | 'newsroom' | 'alerts' | 'changeAlerts' | 'outbox' | 'lock' | 'refreshShardFeeds'> & { telemetry: Telemetry | undefined },
): SourcesDeps['onIngest'] {
  const { store, newsroom, alerts, changeAlerts, outbox, lock, refreshShardFeeds, telemetry } = s;
  return async (_sourceId, result) => {
    telemetry?.ingested(result.inserted.length + result.updated.length);
    // A worker keeps no search index: the shards hear of new articles and index them.
    if (config.role !== 'worker') {
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
  };
}

/** Files a moderator notice (a source or delivery that needs attention) in the outbox. */
function noticeFiler(store: AsyncStore) {
  return (refId: string) => (channelId: string, key: string, text: string, guildId?: string) => {
    return store.enqueueOutbox({ kind: 'notice', refId, windowKey: key, channelId, guildId: guildId ?? null, payload: { content: text } satisfies Reply, nonce: outboxNonce('notice', refId, key) });
  };
}

/** Permissions outside an interaction: Discord's once connected, unknown (null) until then. */
function lateAccess(front: Services['front']): GuildAccess {
  return {
    botPermissions: async (g, c) => (front.access ? front.access.botPermissions(g, c) : null),
    memberPermissions: async (g, c, u) => (front.access ? front.access.memberPermissions(g, c, u) : null),
  };
}

/** What the commands are given: the services and the server's rules. */
export function commandContext({ config }: Runtime, s: Services): CommandContext {
  const { newsroom, sources, digests, alerts, changeAlerts, trends, outbox, access } = s;
  return { newsroom, sources, digests, alerts, changeAlerts, trends, outbox, moderatorRoleId: config.moderatorRoleId, limits: config.limits, ...(access ? { access } : {}) };
}

/** The outbox's poster: whichever front end connects; until then posting fails and is retried. */
function latePoster(front: Services['front']): ChannelPoster {
  return {
    post: (channelId: string, reply: Reply, nonce: string) => {
      if (!front.poster) throw new Error('not connected yet');
      return front.poster.post(channelId, reply, nonce);
    },
    postAs: (channelId, reply, as) => {
      if (!front.poster) throw new Error('not connected yet');
      if (!front.poster.postAs) throw new WebhookUnavailableError('this front end posts as the bot only');
      return front.poster.postAs(channelId, reply, as);
    },
    findPost: async (channelId, marker) => {
      if (!front.poster) throw new Error('not connected yet');
      return front.poster.findPost ? front.poster.findPost(channelId, marker) : null;
    },
  };
}
