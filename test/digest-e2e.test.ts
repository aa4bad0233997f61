import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator } from './discord-emulator/index.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { startBot, tempDataDir, type BotProcess, BOT_START_MS } from './helpers/bot-process.ts';

const GUILD = '400000000000000001';
const DESK = '400000000000000002';
const DIGESTS = '400000000000000003';
const ALERTS = '400000000000000004';
const ROLE = '400000000000000009';
const MOD = { id: '500000000000000001', username: 'editor' };
const MANAGE_GUILD = String(1n << 5n);

let emu: DiscordEmulator;
let feeds: FeedServer;
let version = 1;
const cleanup: string[] = [];
const bots: BotProcess[] = [];

function feed(): string {
  const items = [
    ['old-1', 'Old harvest report', 'The harvest was reported last week.'],
    ['old-2', 'Old border note', 'A note about the border from last week.'],
    ...(version >= 2
      ? [
          ['new-1', 'Troops gather at Wonsan', 'Troops gathered at Wonsan on Tuesday, witnesses said.'],
          ['new-2', 'Rice prices climb in Hyesan', 'Rice prices climbed again in Hyesan markets.'],
        ]
      : []),
  ];
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk Wire</title>${items
    .map(([g, t, d]) => `<item><guid>${g}</guid><title>${t}</title><link>https://deskwire.example/${g}</link><description>${d}</description></item>`)
    .join('')}</channel></rss>`;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/desk.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(feed());
  });
  emu = await DiscordEmulator.start({
    guilds: [{ id: GUILD, name: 'Newsroom', channels: [{ id: DESK, name: 'desk' }, { id: DIGESTS, name: 'digests' }, { id: ALERTS, name: 'alerts' }], roles: [{ id: ROLE, name: 'north-korea' }] }],
  });
});
// Discord refuses what the emulator refuses: any refused payload fails the test that caused it.
afterEach(() => {
  expect(emu.refusals.map((r) => `${r.method} ${r.path}: ${r.lines.join('; ')}`)).toEqual([]);
});

afterAll(async () => {
  for (const b of bots) b.kill('SIGKILL');
  await emu.stop();
  await feeds.close();
  for (const d of cleanup) fs.rmSync(d, { recursive: true, force: true });
});

function launch(dataDir: string, clockFile: string, extra: Record<string, string> = {}): BotProcess {
  const bot = startBot(
    {
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.url,
      DISCORD_GUILD_ID: GUILD,
      ALLOW_PRIVATE_SOURCES: 'true',
      // debug: the jobs' round markers, which the tests wait for instead of sleeping.
      LOG_LEVEL: 'debug',
      NEWSDESK_CLOCK_FILE: clockFile,
      NEWSDESK_TICK_CRON: '* * * * * *',
      ...extra,
    },
    { dataDir },
  );
  bots.push(bot);
  return bot;
}

function run(name: string, sub: string, options: Array<Record<string, unknown>>) {
  return emu.sendCommand({ name, options: [{ type: 1, name: sub, options }] as never, guildId: GUILD, channelId: DESK, user: MOD, permissions: MANAGE_GUILD }).final(15_000);
}

/** Moves the bot's clock to just after the next 08:00 UTC. */
function jumpPastNext8(clockFile: string): void {
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 8, 0, 0));
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  fs.writeFileSync(clockFile, String(next.getTime() + 20_000 - Date.now()));
}

/** A bot with a source and a daily digest, new articles fetched, the clock still before 08:00. */
async function prepare(extra: Record<string, string> = {}) {
  version = 1;
  const dataDir = tempDataDir();
  const clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clock-')), 'offset');
  cleanup.push(dataDir, path.dirname(clockFile));
  fs.writeFileSync(clockFile, '0');
  const bot = launch(dataDir, clockFile, extra);
  await bot.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
  const added = await run('source', 'add', [{ type: 3, name: 'url', value: `${feeds.url}/desk.xml?run=${cleanup.length}` }]);
  const sourceId = /`([a-z0-9]+)`/.exec(added.content)![1]!;
  const sub = await run('digest', 'subscribe', [
    { type: 7, name: 'channel', value: DIGESTS },
    { type: 3, name: 'schedule', value: 'daily 08:00' },
    { type: 3, name: 'timezone', value: 'UTC' },
  ]);
  expect(sub.content).toMatch(/^Digest `[a-z0-9]+` subscribed: \*\*daily 08:00\*\* \(UTC\) in <#400000000000000003>, up to 10 articles\.\nNext run: /);
  version = 2;
  const refreshed = await run('source', 'refresh', [{ type: 3, name: 'id', value: sourceId }]);
  expect(refreshed.content).toMatch(/HTTP 200, 2 new, 0 updated\.$/);
  return { bot, dataDir, clockFile };
}

const digestPosts = () => emu.channelMessages(DIGESTS);

describe('scheduled digests end to end', () => {
  it('posts exactly one digest with the new articles when its time comes', async () => {
    const { bot, clockFile } = await prepare();
    const before = digestPosts().length;
    jumpPastNext8(clockFile);
    await emu.waitFor(() => digestPosts().length > before, 20_000);
    await bot.rounds(3); // several more rounds of the jobs: still one
    const posts = digestPosts().slice(before);
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.content).toMatch(/^🗞️ \*\*Digest\*\* — 2 new articles since .* \(UTC\)$/);
    const text = post.embeds.map((e) => `${e.title}\n${e.description}`).join('\n');
    expect(text).toContain('**[Troops gather at Wonsan](https://deskwire.example/new-1)**');
    expect(text).toContain('**[Rice prices climb in Hyesan](https://deskwire.example/new-2)**');
    expect(text).not.toContain('Old harvest report');
    expect(post.nonce).toMatch(/^[\w-]{22}$/);
    expect(post.allowed_mentions).toEqual({ parse: [] });
    bot.kill('SIGKILL');
  }, 2 * BOT_START_MS);

  it.each(['outbox:after-post:digest', 'digest:after-enqueue', 'outbox:before-post:digest'])(
    'posts exactly once when the bot is killed at %s and restarted',
    async (point) => {
      const { bot, dataDir, clockFile } = await prepare({ NEWSDESK_CRASH_POINTS: point });
      const before = digestPosts().length;
      jumpPastNext8(clockFile);
      const exit = await bot.exited;
      expect(exit.signal).toBe('SIGKILL');
      const restarted = launch(dataDir, clockFile);
      await restarted.waitForLog((l) => l.msg === 'posted' && l.kind === 'digest', 30_000);
      await restarted.rounds(3);
      const posts = digestPosts().slice(before);
      expect(posts).toHaveLength(1);
      expect(posts[0]!.content).toMatch(/— 2 new articles since/);
      restarted.kill('SIGKILL');
    },
    2 * BOT_START_MS,
  );
});

describe('Discord faults during a digest post', () => {
  it('a 429 burst, 5xx answers and a gateway drop still give exactly one post', async () => {
    const { bot, clockFile } = await prepare();
    const before = digestPosts().length;
    emu.injectRestFault({ method: 'POST', path: new RegExp(`/channels/${DIGESTS}/messages`) }, { status: 429, retryAfter: 0.2 }, 3);
    emu.injectRestFault({ method: 'POST', path: new RegExp(`/channels/${DIGESTS}/messages`) }, { status: 502 }, 2);
    emu.dropGateway();
    jumpPastNext8(clockFile);
    await emu.waitFor(() => digestPosts().length > before, 30_000);
    await bot.rounds(3);
    expect(digestPosts().slice(before)).toHaveLength(1);
    const attempts = emu.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${DIGESTS}/messages`).slice(-6);
    expect(attempts.map((r) => r.status)).toEqual([429, 429, 429, 502, 502, 200]);
    // Every attempt carried the same nonce, so a retry could never have posted twice.
    expect(new Set(attempts.map((r) => (r.body as { nonce: string }).nonce)).size).toBe(1);
    bot.kill('SIGKILL');
  }, 2 * BOT_START_MS);
});

describe('alerts end to end', () => {
  it('posts a matching new article once, pinging only the configured role', async () => {
    version = 1;
    const dataDir = tempDataDir();
    cleanup.push(dataDir);
    const clockFile = path.join(dataDir, 'offset');
    fs.writeFileSync(clockFile, '0');
    const bot = launch(dataDir, clockFile);
    await bot.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
    const added = await run('source', 'add', [{ type: 3, name: 'url', value: `${feeds.url}/desk.xml?alerts=1` }]);
    const sourceId = /`([a-z0-9]+)`/.exec(added.content)![1]!;
    const alert = await run('alert', 'add', [
      { type: 3, name: 'query', value: 'Wonsan' },
      { type: 7, name: 'channel', value: ALERTS },
      { type: 8, name: 'role', value: ROLE },
    ]);
    expect(alert.content).toMatch(/^Alert `[a-z0-9]+` saved: new articles matching \*\*Wonsan\*\* will be posted in <#400000000000000004> mentioning <@&400000000000000009>\.$/);
    // A member without Manage Server cannot attach a role ping.
    const refused = await emu.sendCommand({ name: 'alert', options: [{ type: 1, name: 'add', options: [{ type: 3, name: 'query', value: 'x' }, { type: 8, name: 'role', value: ROLE }] }] as never, guildId: GUILD, channelId: DESK, user: { id: '500000000000000002' }, permissions: '0' }).ack();
    expect(refused.data.content).toBe('Only moderators can make an alert mention a role. Add it without a role, or ask a moderator.');
    version = 2;
    await run('source', 'refresh', [{ type: 3, name: 'id', value: sourceId }]);
    await emu.waitFor(() => emu.channelMessages(ALERTS).length > 0, 15_000);
    await bot.rounds(3);
    const posts = emu.channelMessages(ALERTS);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.content).toBe(`🔔 <@&${ROLE}> New match for **Wonsan**`);
    expect(posts[0]!.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    expect(posts[0]!.embeds[0]!.title).toBe('Troops gather at Wonsan');
    expect(posts[0]!.embeds[0]!.description).toContain('> Troops gathered at **Wonsan** on Tuesday, witnesses said.');
    bot.kill('SIGKILL');
  }, 2 * BOT_START_MS);
});
