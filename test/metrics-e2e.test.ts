/**
 * The operator's port end to end: the real bot with METRICS_PORT, scraped while it works. The
 * series an operator alerts on move when interactions are answered, feeds fetched and posts sent.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator } from './discord-emulator/index.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { BOT_START_MS, startBot, type BotProcess } from './helpers/bot-process.ts';

const GUILD = '430000000000000001';
const DESK = '430000000000000002';
const MOD = { id: '530000000000000001', username: 'editor' };
let emu: DiscordEmulator;
let feeds: FeedServer;
let bot: BotProcess;
let base = '';

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/wire.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end('<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><guid>m1</guid><title>Metrics are scraped</title><link>https://wire.example/m1</link><description>An operator scrapes the bot.</description></item></channel></rss>');
  });
  emu = await DiscordEmulator.start({ guilds: [{ id: GUILD, channels: [{ id: DESK, name: 'desk' }] }] });
  bot = startBot({ DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.url, DISCORD_GUILD_ID: GUILD, ALLOW_PRIVATE_SOURCES: 'true', LOG_LEVEL: 'info', METRICS_PORT: '0' });
  const listening = await bot.waitForLog((l) => l.msg === 'metrics and health endpoints listening', BOT_START_MS);
  base = `http://127.0.0.1:${listening.port as number}`;
  await bot.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
}, BOT_START_MS + 30_000);

afterAll(async () => {
  bot?.kill('SIGKILL');
  await emu?.stop();
  await feeds?.close();
  if (bot) fs.rmSync(bot.dataDir, { recursive: true, force: true });
});

async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) series.set(m[1]!, Number(m[2]));
  }
  return series;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Discord's JSON
function run(name: string, options: Array<Record<string, unknown>>): Promise<any> {
  return emu.sendCommand({ name, options: options as never, guildId: GUILD, channelId: DESK, user: MOD, permissions: String(1n << 5n) }).final(20_000);
}

describe('metrics and health', () => {
  it('answers /healthz and /readyz once connected and loaded', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', store: true });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: true, gateway: true, hotTier: true });
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });

  it('counts interactions by command and outcome, with their latency', async () => {
    const before = await scrape();
    await run('search', [{ type: 3, name: 'query', value: 'troops' }]);
    await run('search', [{ type: 3, name: 'query', value: 'troops', }, { type: 3, name: 'since', value: 'not a date' }]);
    const after = await scrape();
    const ok = 'newsdesk_interactions_total{command="search",outcome="ok"}';
    const userError = 'newsdesk_interactions_total{command="search",outcome="user_error"}';
    expect((after.get(ok) ?? 0) - (before.get(ok) ?? 0)).toBe(1);
    expect((after.get(userError) ?? 0) - (before.get(userError) ?? 0)).toBe(1);
    expect(after.get('newsdesk_interaction_duration_seconds_count{command="search"}')).toBeGreaterThanOrEqual(2);
    expect(after.get('newsdesk_search_duration_seconds_count{tier="all"}')).toBeGreaterThanOrEqual(1);
    expect(after.has('newsdesk_nodejs_eventloop_lag_seconds')).toBe(true);
    expect(after.get('newsdesk_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts fetches, articles ingested, and the outbox backlog per kind', async () => {
    const before = await scrape();
    const added = await run('source', [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: `${feeds.url}/wire.xml` }] }]);
    const id = /`([a-z0-9]+)`/.exec(added.content)![1]!;
    await run('source', [{ type: 1, name: 'refresh', options: [{ type: 3, name: 'id', value: id }] }]);
    const after = await scrape();
    const delta = (k: string) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
    // Adding fetched one new item; the refresh found the same item again.
    expect(delta('newsdesk_fetches_total{result="ok"}')).toBe(1);
    expect(delta('newsdesk_fetches_total{result="unchanged"}')).toBe(1);
    expect(delta('newsdesk_articles_ingested_total')).toBe(1);
    expect(after.get('newsdesk_outbox_pending{kind="digest"}')).toBe(0);
    expect(after.has('newsdesk_outbox_oldest_pending_seconds{kind="alert"}')).toBe(true);
  });
});
