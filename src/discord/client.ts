import { Client, Events, GatewayIntentBits, REST, Routes } from 'discord.js';
import type { Command } from '../command.ts';
import type { Log } from '../core/deps.ts';
import type { Dispatcher } from '../dispatch.ts';
import { toApiCommands } from './register.ts';
import { InteractionRouter } from './router.ts';

export interface DiscordBotOptions extends ClientOptions {
  token: string;
  /** Register commands to this guild at start-up (instant; for development). */
  guildId: string | null;
  dispatcher: Dispatcher;
  commands: Command[];
  log: Log;
}

export interface DiscordBot {
  client: Client;
  router: InteractionRouter;
  /** Stop taking work, finish in-flight replies (≤ timeoutMs), disconnect. */
  stop(timeoutMs: number): Promise<void>;
}

export interface ClientOptions {
  /** REST base without version, e.g. https://discord.com/api (discord.js appends /v10). */
  apiUrl: string | null;
  /** The shards this process runs, of `shardCount` (both null: discord.js's default, one shard). */
  shards?: { ids: number[] | null; count: number | null };
  /** REST requests per second this process may make (its share of the bot's global 50). */
  globalRequestsPerSecond?: number;
}

/** Discord's routing of a guild to a shard: (guild_id >> 22) % shard_count; null for a non-snowflake id. */
export function shardOf(guildId: string, count: number): number | null {
  if (!/^\d{1,20}$/.test(guildId)) return null;
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** Discord's global REST limit per bot token, shared by every process using it. */
export const DISCORD_GLOBAL_PER_SECOND = 50;

/**
 * The REST requests per second one process may make: all of them behind a REST proxy that keeps
 * the global limit for everyone, else an equal share of the token's 50 per second.
 */
export function restShare(processes: number, proxied: boolean): number {
  return proxied ? DISCORD_GLOBAL_PER_SECOND : Math.max(1, Math.floor(DISCORD_GLOBAL_PER_SECOND / Math.max(1, processes)));
}

/**
 * Creates the discord.js client: only the Guilds intent (slash commands need nothing more) and no
 * mentions parsed by default, so nothing the bot posts can ping anyone unless a reply allows a role.
 */
export function createClient(opts: ClientOptions): Client {
  const rest = { ...(opts.apiUrl ? { api: opts.apiUrl } : {}), ...(opts.globalRequestsPerSecond ? { globalRequestsPerSecond: opts.globalRequestsPerSecond } : {}) };
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    ...(Object.keys(rest).length ? { rest } : {}),
    ...(opts.shards?.count ? { shardCount: opts.shards.count, shards: opts.shards.ids ?? [...Array(opts.shards.count).keys()] } : {}),
  });
}

/** Logs in, registers guild commands when a guild is configured, and routes interactions. */
export async function startDiscordBot(opts: DiscordBotOptions): Promise<DiscordBot> {
  const client = createClient(opts);
  const router = new InteractionRouter(opts.dispatcher, opts.log);
  client.on(Events.InteractionCreate, (i) => void router.handle(i));
  client.on(Events.Error, (err) => opts.log.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => opts.log.warn({ message }, 'discord client warning'));
  client.on(Events.ShardReconnecting, (shardId) => opts.log.warn({ shardId }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => opts.log.info({ shardId, replayed }, 'gateway resumed'));
  client.rest.on('rateLimited', (info) => opts.log.warn({ route: info.route, retryAfter: info.retryAfter, global: info.global }, 'rate limited'));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(opts.token);
  await ready;
  opts.log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
  if (opts.guildId) {
    const body = toApiCommands(opts.commands);
    await client.rest.put(Routes.applicationGuildCommands(client.application!.id, opts.guildId), { body });
    opts.log.info({ guildId: opts.guildId, commands: body.length }, 'guild commands registered');
  }
  return {
    client,
    router,
    async stop(timeoutMs: number) {
      const drained = await router.drain(timeoutMs);
      if (!drained) opts.log.warn({ pending: router.pending }, 'shutdown: gave up waiting for in-flight replies');
      await client.destroy();
    },
  };
}

/** Registers the commands globally (they reach every server within about an hour). */
export async function deployGlobalCommands(opts: { token: string; apiUrl: string | null; applicationId: string; commands: Command[] }): Promise<number> {
  const rest = new REST(opts.apiUrl ? { api: opts.apiUrl } : {}).setToken(opts.token);
  const body = toApiCommands(opts.commands);
  await rest.put(Routes.applicationCommands(opts.applicationId), { body });
  return body.length;
}
