import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({}, '/srv/nd');
    expect(c).toEqual({
      discordToken: null,
      databaseUrl: null,
      discordApiUrl: null,
      discordGuildId: null,
      discordApplicationId: null,
      moderatorRoleId: null,
      dataDir: path.resolve('/srv/nd', './data'),
      seedsDir: path.resolve('/srv/nd', './seeds'),
      logLevel: null,
      defaultTimezone: 'UTC',
      allowPrivateSources: false,
      sourceIntervalMinutes: 30,
      fetchConcurrency: 4,
      fetchTimeoutMs: 20000,
      deliveryPostsPerMinute: 5,
      limits: { alertsPerMember: 10, alertsPerServer: 50, sourcesPerServer: 50, digestsPerServer: 20 },
      hotDays: 90,
      hotMaxArticles: 20000,
      searchIndex: 'tiered',
      role: 'all',
      shardCount: null,
      shardIds: null,
      clusterProcesses: 1,
      restProxy: false,
      leaseSeconds: 300,
      crashPoints: [],
      clockFile: null,
      tickCron: '* * * * *',
      metricsPort: null,
      metricsHost: '127.0.0.1',
    });
  });

  it('reads the posting budget under its name and its earlier one, and the limits', () => {
    expect(loadConfig({ POSTS_PER_CHANNEL_PER_MINUTE: '7' }, '/x').deliveryPostsPerMinute).toBe(7);
    expect(loadConfig({ DELIVERY_POSTS_PER_MINUTE: '8' }, '/x').deliveryPostsPerMinute).toBe(8);
    expect(loadConfig({ POSTS_PER_CHANNEL_PER_MINUTE: '7', DELIVERY_POSTS_PER_MINUTE: '8' }, '/x').deliveryPostsPerMinute).toBe(7);
    expect(loadConfig({ LIMIT_ALERTS_PER_MEMBER: '3', LIMIT_ALERTS_PER_SERVER: '30', LIMIT_SOURCES_PER_SERVER: '5', LIMIT_DIGESTS_PER_SERVER: '2' }, '/x').limits).toEqual({
      alertsPerMember: 3,
      alertsPerServer: 30,
      sourcesPerServer: 5,
      digestsPerServer: 2,
    });
    expect(() => loadConfig({ LIMIT_ALERTS_PER_MEMBER: '0' }, '/x')).toThrow('LIMIT_ALERTS_PER_MEMBER: must be at least 1 (got "0")');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DISCORD_TOKEN: '', DATA_DIR: '  ' }, '/x').discordToken).toBeNull();
  });

  it('reads every setting', () => {
    const c = loadConfig(
      {
        DISCORD_TOKEN: 'abc.def',
        DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
        DISCORD_GUILD_ID: '123456789012345678',
        MODERATOR_ROLE_ID: '223456789012345678',
        DATA_DIR: '/var/nd',
        LOG_LEVEL: 'debug',
        DEFAULT_TIMEZONE: 'Europe/Berlin',
        ALLOW_PRIVATE_SOURCES: 'true',
        SOURCE_INTERVAL_MINUTES: '15',
      },
      '/x',
    );
    expect(c.discordApiUrl).toBe('http://127.0.0.1:9999/api');
    expect(c.discordGuildId).toBe('123456789012345678');
    expect(c.dataDir).toBe('/var/nd');
    expect(c.logLevel).toBe('debug');
    expect(c.defaultTimezone).toBe('Europe/Berlin');
    expect(c.allowPrivateSources).toBe(true);
    expect(c.sourceIntervalMinutes).toBe(15);
  });

  it.each([
    ['12', null],
    ['0', 'DELIVERY_POSTS_PER_MINUTE: must be at least 1 (got "0")'],
    ['31', 'DELIVERY_POSTS_PER_MINUTE: must be at most 30 (got "31")'],
    ['five', 'DELIVERY_POSTS_PER_MINUTE: must be a whole number (got "five")'],
  ])('DELIVERY_POSTS_PER_MINUTE=%s', (value, problem) => {
    if (problem === null) {
      expect(loadConfig({ DELIVERY_POSTS_PER_MINUTE: value }, '/x').deliveryPostsPerMinute).toBe(12);
      return;
    }
    expect(() => loadConfig({ DELIVERY_POSTS_PER_MINUTE: value }, '/x')).toThrow(problem);
  });

  it('reports every problem at once, naming each variable and value', () => {
    let error: unknown;
    try {
      loadConfig({
        DISCORD_GUILD_ID: 'my-server',
        LOG_LEVEL: 'loud',
        DEFAULT_TIMEZONE: 'Mars/Olympus',
        ALLOW_PRIVATE_SOURCES: 'maybe',
        SOURCE_INTERVAL_MINUTES: '2',
        DISCORD_API_URL: 'https://discord.com/api/v10',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(6);
    expect(problems).toContain('DISCORD_GUILD_ID: must be a Discord id (17–20 digits) (got "my-server")');
    expect(problems).toContain('DEFAULT_TIMEZONE: must be an IANA time zone such as Europe/Berlin (got "Mars/Olympus")');
    expect(problems).toContain('SOURCE_INTERVAL_MINUTES: must be at least 5 (got "2")');
    expect(problems).toContain('DISCORD_API_URL: must not end in a version (/v10): discord.js adds it (got "https://discord.com/api/v10")');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toMatch(/got "loud"/);
    expect(problems.find((p) => p.startsWith('ALLOW_PRIVATE_SOURCES:'))).toMatch(/got "maybe"/);
    expect((error as Error).message).toMatch(/^invalid configuration:\n  - /);
  });

  it('validates the search tiers', () => {
    const c = loadConfig({ HOT_DAYS: '30', HOT_MAX_ARTICLES: '50000', SEARCH_INDEX: 'minisearch' }, '/x');
    expect([c.hotDays, c.hotMaxArticles, c.searchIndex]).toEqual([30, 50000, 'minisearch']);
    let error: unknown;
    try {
      loadConfig({ HOT_DAYS: '0', HOT_MAX_ARTICLES: 'lots', SEARCH_INDEX: 'elastic' });
    } catch (err) {
      error = err;
    }
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems).toContain('HOT_DAYS: must be at least 1 (got "0")');
    expect(problems).toContain('HOT_MAX_ARTICLES: must be a whole number (got "lots")');
    expect(problems.find((p) => p.startsWith('SEARCH_INDEX:'))).toMatch(/got "elastic"/);
  });

  it.each([
    ['postgres://nd:pw@db:5432/newsdesk', null],
    ['postgresql://db/newsdesk', null],
    ['mysql://nd:pw@db/newsdesk', 'DATABASE_URL: must be a PostgreSQL URL such as postgres://user:password@host:5432/newsdesk (unset: SQLite in DATA_DIR) (got "mysql://nd:***@db/newsdesk")'],
    ['postgres:///newsdesk', 'DATABASE_URL: must be a PostgreSQL URL such as postgres://user:password@host:5432/newsdesk (unset: SQLite in DATA_DIR) (got "postgres:///newsdesk")'],
    ['newsdesk.db', 'DATABASE_URL: must be a PostgreSQL URL such as postgres://user:password@host:5432/newsdesk (unset: SQLite in DATA_DIR) (got "newsdesk.db")'],
  ])('DATABASE_URL=%s', (value, problem) => {
    if (problem === null) {
      expect(loadConfig({ DATABASE_URL: value }, '/x').databaseUrl).toBe(value);
      return;
    }
    expect(() => loadConfig({ DATABASE_URL: value }, '/x')).toThrow(problem);
  });

  it.each([
    [{ DISCORD_TOKEN: 'super-secret', LOG_LEVEL: 'nope' }, 'LOG_LEVEL'],
    [{ DISCORD_TOKEN: 'super-secret', ROLE: 'worker' }, 'ROLE'],
  ])('never echoes the token (%j)', (env, named) => {
    // The token is valid; the configuration fails on something else, and the message must still
    // not carry the token. (A missing throw fails this test as much as an echoed token.)
    let message: string | null = null;
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain(named);
    expect(message).not.toContain('super-secret');
  });
});
