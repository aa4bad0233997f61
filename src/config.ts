import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_LIMITS, type Limits } from './core/policy/limits.ts';
import { maskDatabaseUrl } from './core/text/secrets.ts';

/**
 * Every setting Newsdesk reads from the environment, validated once at start-up.
 * All problems are reported together, each naming its variable, so a new user fixes
 * `.env` in one pass instead of one restart per mistake.
 */
export interface Config {
  discordToken: string | null;
  /** postgres://… — the PostgreSQL store of record (scale-out); null: SQLite in dataDir. */
  databaseUrl: string | null;
  discordApiUrl: string | null;
  discordGuildId: string | null;
  discordApplicationId: string | null;
  moderatorRoleId: string | null;
  dataDir: string;
  seedsDir: string;
  /** null when unset: the bot logs at info, the console at warn (its answers own the terminal). */
  logLevel: LogLevel | null;
  defaultTimezone: string;
  allowPrivateSources: boolean;
  sourceIntervalMinutes: number;
  fetchConcurrency: number;
  fetchTimeoutMs: number;
  /** Posts per channel per minute, every kind but moderator notices; the rest of a burst is grouped into link posts. */
  deliveryPostsPerMinute: number;
  /** What one member and one server may create. */
  limits: Limits;
  /** Search: the hot tier (in memory) holds articles first seen in the last `hotDays` days, at most `hotMaxArticles`. */
  hotDays: number;
  hotMaxArticles: number;
  /** Search design: 'tiered' (hot MiniSearch + archive FTS5) or 'minisearch' (everything in memory; small archives). */
  searchIndex: 'tiered' | 'minisearch';
  /**
   * What this process does (scale-out): 'all' (default) the bot and every background job;
   * 'shard' answers its shards' servers (no polling); 'worker' polls feeds, backfills full text,
   * files and posts digests and alerts (no gateway).
   */
  role: 'all' | 'shard' | 'worker';
  /** discord.js shards of the whole bot, and the ones this process runs (null: discord.js decides). */
  shardCount: number | null;
  shardIds: number[] | null;
  /** Processes sharing the bot token: each keeps to floor(50 / n) REST requests per second. */
  clusterProcesses: number;
  /** DISCORD_API_URL is a REST proxy that keeps the global limit for every process. */
  restProxy: boolean;
  /** How long a process's claim on a feed fetch or a batch of posts holds (a dead process's work waits this long). */
  leaseSeconds: number;
  /** Test-only: named points where the process kills itself (crash tests). */
  crashPoints: string[];
  /** Test-only: a file holding a clock offset in ms, so tests can move the bot's time. */
  clockFile: string | null;
  /** Test-only: the background jobs' cron (default every minute). */
  tickCron: string;
  /** Prometheus metrics, /healthz and /readyz on this port (null: off), bound to metricsHost. */
  metricsPort: number | null;
  metricsHost: string;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');
const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
  .transform((s) => s === 'true' || s === '1' || s === 'yes');
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const schema = z.object({
  DISCORD_TOKEN: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .refine((u) => {
      try {
        const url = new URL(u);
        return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
      } catch {
        return false;
      }
    }, 'must be a PostgreSQL URL such as postgres://user:password@host:5432/newsdesk (unset: SQLite in DATA_DIR)')
    .optional(),
  DISCORD_API_URL: z
    .string()
    .url('must be a URL such as https://discord.com/api')
    .refine((u) => !/\/v\d+\/?$/.test(u), 'must not end in a version (/v10): discord.js adds it')
    .optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  MODERATOR_ROLE_ID: snowflake.optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SEEDS_DIR: z.string().min(1).default('./seeds'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  DEFAULT_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC'),
  ALLOW_PRIVATE_SOURCES: bool.default(false),
  SOURCE_INTERVAL_MINUTES: int(5, 1440).default(30),
  FETCH_CONCURRENCY: int(1, 16).default(4),
  FETCH_TIMEOUT_MS: int(1000, 120000).default(20000),
  POSTS_PER_CHANNEL_PER_MINUTE: int(1, 30).optional(),
  // The earlier name, from when the budget applied to deliveries only.
  DELIVERY_POSTS_PER_MINUTE: int(1, 30).optional(),
  LIMIT_ALERTS_PER_MEMBER: int(1, 1000).default(DEFAULT_LIMITS.alertsPerMember),
  LIMIT_ALERTS_PER_SERVER: int(1, 10_000).default(DEFAULT_LIMITS.alertsPerServer),
  LIMIT_SOURCES_PER_SERVER: int(1, 10_000).default(DEFAULT_LIMITS.sourcesPerServer),
  LIMIT_DIGESTS_PER_SERVER: int(1, 1000).default(DEFAULT_LIMITS.digestsPerServer),
  HOT_DAYS: int(1, 3650).default(90),
  HOT_MAX_ARTICLES: int(100, 1_000_000).default(20000),
  SEARCH_INDEX: z.enum(['tiered', 'minisearch']).default('tiered'),
  ROLE: z.enum(['all', 'shard', 'worker']).default('all'),
  SHARD_COUNT: int(1, 100_000).optional(),
  SHARD_IDS: z
    .string()
    .regex(/^\d+(\s*,\s*\d+)*$/, 'must be shard numbers separated by commas, such as 0,1')
    .transform((s) => s.split(',').map((x) => Number(x.trim())))
    .optional(),
  CLUSTER_PROCESSES: int(1, 1000).default(1),
  DISCORD_REST_PROXY: bool.default(false),
  LEASE_SECONDS: int(5, 3600).default(300),
  METRICS_PORT: int(0, 65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  NEWSDESK_CRASH_POINTS: z.string().optional(),
  NEWSDESK_CLOCK_FILE: z.string().optional(),
  NEWSDESK_TICK_CRON: z.string().optional(),
});

/** Reads and validates the environment. Throws {@link ConfigError} listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  // An empty variable (`FOO=` in .env) means "not set", as users expect from .env files.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') cleaned[k] = v.trim();
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      // Secrets are never echoed back.
      const shown = name === 'DISCORD_TOKEN' ? '' : name === 'DATABASE_URL' && cleaned[name] ? ` (got "${maskDatabaseUrl(cleaned[name])}")` : cleaned[name] !== undefined ? ` (got "${cleaned[name]}")` : '';
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const clusterProblems: string[] = [];
  if (e.SHARD_IDS && !e.SHARD_COUNT) clusterProblems.push(`SHARD_IDS: needs SHARD_COUNT, the number of shards of the whole bot (got "${cleaned.SHARD_IDS}")`);
  if (e.SHARD_IDS && e.SHARD_COUNT && e.SHARD_IDS.some((id) => id >= e.SHARD_COUNT!)) {
    clusterProblems.push(`SHARD_IDS: every shard must be below SHARD_COUNT ${e.SHARD_COUNT} (got "${cleaned.SHARD_IDS}")`);
  }
  if (e.ROLE !== 'all' && !e.DATABASE_URL) clusterProblems.push(`ROLE: "${e.ROLE}" shares the work with other processes and needs DATABASE_URL (PostgreSQL)`);
  if (e.ROLE !== 'all' && !e.DISCORD_TOKEN) clusterProblems.push(`ROLE: "${e.ROLE}" ${e.ROLE === 'shard' ? 'answers Discord' : 'posts digests and alerts'} and needs DISCORD_TOKEN`);
  if (clusterProblems.length) throw new ConfigError(clusterProblems);
  return {
    discordToken: e.DISCORD_TOKEN ?? null,
    databaseUrl: e.DATABASE_URL ?? null,
    discordApiUrl: e.DISCORD_API_URL?.replace(/\/+$/, '') ?? null,
    discordGuildId: e.DISCORD_GUILD_ID ?? null,
    discordApplicationId: e.DISCORD_APPLICATION_ID ?? null,
    moderatorRoleId: e.MODERATOR_ROLE_ID ?? null,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    seedsDir: path.resolve(cwd, e.SEEDS_DIR),
    logLevel: e.LOG_LEVEL ?? null,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    allowPrivateSources: e.ALLOW_PRIVATE_SOURCES,
    sourceIntervalMinutes: e.SOURCE_INTERVAL_MINUTES,
    fetchConcurrency: e.FETCH_CONCURRENCY,
    fetchTimeoutMs: e.FETCH_TIMEOUT_MS,
    deliveryPostsPerMinute: e.POSTS_PER_CHANNEL_PER_MINUTE ?? e.DELIVERY_POSTS_PER_MINUTE ?? 5,
    limits: { alertsPerMember: e.LIMIT_ALERTS_PER_MEMBER, alertsPerServer: e.LIMIT_ALERTS_PER_SERVER, sourcesPerServer: e.LIMIT_SOURCES_PER_SERVER, digestsPerServer: e.LIMIT_DIGESTS_PER_SERVER },
    hotDays: e.HOT_DAYS,
    hotMaxArticles: e.HOT_MAX_ARTICLES,
    searchIndex: e.SEARCH_INDEX,
    role: e.ROLE,
    shardCount: e.SHARD_COUNT ?? null,
    shardIds: e.SHARD_IDS ?? null,
    clusterProcesses: e.CLUSTER_PROCESSES,
    restProxy: e.DISCORD_REST_PROXY,
    leaseSeconds: e.LEASE_SECONDS,
    crashPoints: e.NEWSDESK_CRASH_POINTS ? e.NEWSDESK_CRASH_POINTS.split(',').map((s) => s.trim()).filter(Boolean) : [],
    clockFile: e.NEWSDESK_CLOCK_FILE ? path.resolve(cwd, e.NEWSDESK_CLOCK_FILE) : null,
    tickCron: e.NEWSDESK_TICK_CRON ?? '* * * * *',
    metricsPort: e.METRICS_PORT ?? null,
    metricsHost: e.METRICS_HOST,
  };
}
