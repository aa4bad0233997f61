/**
 * Rate limits across processes: Discord's global limit (50 requests/s) is per bot token, so every
 * process of a cluster keeps to its share unless a REST proxy keeps the limit for all of them.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createClient, restShare } from '../src/discord/client.ts';

describe('REST share per process', () => {
  it.each([
    [1, false, 50],
    [2, false, 25],
    [3, false, 16],
    [4, false, 12],
    [7, false, 7],
    [60, false, 1],
    [4, true, 50],
  ])('%i process(es), proxy %s → %i requests/s', (processes, proxied, share) => {
    expect(restShare(processes, proxied)).toBe(share);
  });

  it('is applied to the discord.js REST client of a process, with its shards', async () => {
    const config = loadConfig({ CLUSTER_PROCESSES: '4', SHARD_COUNT: '2', SHARD_IDS: '1', ROLE: 'shard', DATABASE_URL: 'postgres://db/nd', DISCORD_TOKEN: 't' }, '/x');
    const client = createClient({ apiUrl: 'http://127.0.0.1:9/api', shards: { ids: config.shardIds, count: config.shardCount }, globalRequestsPerSecond: restShare(config.clusterProcesses, config.restProxy) });
    try {
      expect(client.rest.options.globalRequestsPerSecond).toBe(12);
      expect(client.rest.options.api).toBe('http://127.0.0.1:9/api');
      expect(client.options.shards).toEqual([1]);
      expect(client.options.shardCount).toBe(2);
    } finally {
      await client.destroy();
    }
    const single = createClient({ apiUrl: null, globalRequestsPerSecond: restShare(loadConfig({}, '/x').clusterProcesses, false) });
    expect(single.rest.options.globalRequestsPerSecond).toBe(50);
    await single.destroy();
  });

  it('validates the cluster settings with messages naming the variable', () => {
    expect(() => loadConfig({ ROLE: 'worker' }, '/x')).toThrow('ROLE: "worker" shares the work with other processes and needs DATABASE_URL (PostgreSQL)');
    expect(() => loadConfig({ ROLE: 'shard', DATABASE_URL: 'postgres://db/nd' }, '/x')).toThrow('ROLE: "shard" answers Discord and needs DISCORD_TOKEN');
    expect(() => loadConfig({ SHARD_IDS: '0,1' }, '/x')).toThrow('SHARD_IDS: needs SHARD_COUNT, the number of shards of the whole bot (got "0,1")');
    expect(() => loadConfig({ SHARD_IDS: '0,2', SHARD_COUNT: '2' }, '/x')).toThrow('SHARD_IDS: every shard must be below SHARD_COUNT 2 (got "0,2")');
    expect(() => loadConfig({ SHARD_IDS: 'one' }, '/x')).toThrow('SHARD_IDS: must be shard numbers separated by commas, such as 0,1 (got "one")');
    expect(() => loadConfig({ ROLE: 'boss' }, '/x')).toThrow(/ROLE: .*got "boss"/);
    expect(loadConfig({ DISCORD_REST_PROXY: 'yes', CLUSTER_PROCESSES: '8' }, '/x')).toMatchObject({ role: 'all', restProxy: true, clusterProcesses: 8, shardCount: null, shardIds: null });
  });
});
