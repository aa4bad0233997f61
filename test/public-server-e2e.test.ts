/**
 * Safe on a public server, end to end: the real bot (src/main.ts) against the Discord emulator,
 * which computes permissions as Discord does. Members it has never met try to make it post where
 * they may not, create without limit, flood a channel, and smuggle a link through a feed.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator, type ApiMessage } from './discord-emulator/index.ts';
import { P } from './discord-emulator/permissions.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { BOT_START_MS, startBot, type BotProcess } from './helpers/bot-process.ts';

const GUILD = '420000000000000001';
const CMD = '420000000000000002';
const DESK = '420000000000000003';
const ANNOUNCE = '420000000000000004';
const BOTLESS = '420000000000000005';
const RECHECK = '420000000000000006';
const HOOKS = '420000000000000007';
const EDITORS = '420000000000000008';
const MOD = { id: '520000000000000001', username: 'editor' };
const M1 = { id: '520000000000000002', username: 'stranger1' };
const M2 = { id: '520000000000000003', username: 'stranger2' };
const M3 = { id: '520000000000000004', username: 'stranger3' };
const MANAGE_GUILD = String(P.MANAGE_GUILD);
const PER_MINUTE = 5;

let emu: DiscordEmulator;
let feeds: FeedServer;
let bot: BotProcess;

interface Item {
  guid: string;
  title: string;
  text: string;
  minute: number;
  link?: string;
}
const items = new Map<string, Item[]>();
function serve(name: string, title: string): string {
  feeds.route(`/${name}.xml`, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    res.end(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>${esc(title)}</title>` +
        (items.get(name) ?? [])
          .map((i) => `<item><guid>${i.guid}</guid><title>${esc(i.title)}</title><link>${esc(i.link ?? `https://${name}.example/${i.guid}`)}</link><pubDate>${new Date(Date.UTC(2026, 10, 1, 0, i.minute)).toUTCString()}</pubDate><description>${esc(i.text)}</description></item>`)
          .join('') +
        '</channel></rss>',
    );
  });
  return `${feeds.url}/${name}.xml`;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  emu = await DiscordEmulator.start({
    guilds: [
      {
        id: GUILD,
        name: 'Public',
        roles: [{ id: EDITORS, name: 'editors' }],
        channels: [
          { id: CMD, name: 'bot-commands' },
          { id: DESK, name: 'desk' },
          // Members read announcements; only editors write there.
          { id: ANNOUNCE, name: 'announcements', overwrites: [{ id: GUILD, type: 0, deny: P.SEND_MESSAGES }, { id: EDITORS, type: 0, allow: P.SEND_MESSAGES }] },
          { id: BOTLESS, name: 'no-bot' },
          { id: RECHECK, name: 'recheck' },
          { id: HOOKS, name: 'hooks' },
        ],
      },
    ],
  });
  emu.setBotPermissions(BOTLESS, { sendMessages: false });
  // The bot is one of the few who may write in announcements.
  emu.setChannelOverwrite(ANNOUNCE, { id: emu.botUserId, type: 1, allow: P.SEND_MESSAGES });
  bot = startBot({
    DISCORD_TOKEN: emu.token,
    DISCORD_API_URL: emu.url,
    DISCORD_GUILD_ID: GUILD,
    ALLOW_PRIVATE_SOURCES: 'true',
    LOG_LEVEL: 'debug',
    NEWSDESK_TICK_CRON: '* * * * * *',
    POSTS_PER_CHANNEL_PER_MINUTE: String(PER_MINUTE),
  });
  await bot.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
}, BOT_START_MS + 30_000);

afterAll(async () => {
  bot?.kill('SIGKILL');
  await emu?.stop();
  await feeds?.close();
  if (bot) fs.rmSync(bot.dataDir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the emulator answers with Discord's JSON
async function run(user: { id: string; username: string }, name: string, sub: string, options: Array<Record<string, unknown>>, permissions?: string): Promise<any> {
  return emu.sendCommand({ name, options: [{ type: 1, name: sub, options }] as never, guildId: GUILD, channelId: CMD, user, ...(permissions ? { permissions } : { permissions: '0' }) }).final(20_000);
}
const str = (name: string, value: string) => ({ type: 3, name, value });
const chan = (value: string) => ({ type: 7, name: 'channel', value });
const posts = (channelId: string): ApiMessage[] => emu.channelMessages(channelId);
/** Nothing more is posted after this: several more rounds of the bot's jobs have run (not a fixed sleep). */
const settle = () => bot.rounds(3);

async function addSource(url: string): Promise<string> {
  const added = await run(MOD, 'source', 'add', [str('url', url)], MANAGE_GUILD);
  const id = /`([a-z0-9]+)`/.exec(added.content)?.[1];
  if (!id) throw new Error(`source not added: ${JSON.stringify(added.content)}`);
  return id;
}

describe('who may make the bot post where', () => {
  it('refuses a member an alert in a channel they can read but not write, and saves nothing', async () => {
    const r = await run(M1, 'alert', 'add', [str('query', 'zorblat'), chan(ANNOUNCE)]);
    expect(r.flags).toBe(64);
    expect(r.content).toBe(`You can't send messages in <#${ANNOUNCE}> (missing Send Messages), so the bot won't post there for you. Pick a channel where you can write.`);
    const list = await run(MOD, 'alert', 'list', [], MANAGE_GUILD);
    expect(JSON.stringify(list)).not.toContain('zorblat');
  });

  it('lets an editor, who may write there, point an alert at the same channel', async () => {
    const r = await emu.sendCommand({ name: 'alert', options: [{ type: 1, name: 'add', options: [str('query', 'editorsonly'), chan(ANNOUNCE)] }] as never, guildId: GUILD, channelId: CMD, user: MOD, permissions: '0', roles: [EDITORS] }).final(20_000);
    expect(r.content).toMatch(/^Alert `[a-z0-9]+` saved: new articles matching \*\*editorsonly\*\* will be posted in <#420000000000000004>\.$/);
  });

  it("says at once when the bot itself cannot post in the channel", async () => {
    const r = await run(MOD, 'alert', 'add', [str('query', 'zorblat'), chan(BOTLESS)], MANAGE_GUILD);
    expect(r.content).toBe(`I can't post in <#${BOTLESS}>: missing Send Messages. Give the bot that permission in that channel, or pick another channel.`);
  });

  it('keeps deliveries and role pings with moderators', async () => {
    const delivery = await run(M1, 'alert', 'add', [str('source', 'anything'), chan(DESK)]);
    expect(delivery.content).toMatch(/^Only moderators .* can make a channel follow a source/);
    const changes = await run(M1, 'alert', 'add', [str('kind', 'changes'), chan(DESK)]);
    expect(changes.content).toMatch(/^Only moderators .* can add a change alert/);
  });
});

describe('caps and a flood that does not happen', () => {
  const WORDS = ['zorblat', 'convoy', 'river', 'border', 'night'];
  // Fifteen different searches that every one of the twenty articles matches.
  const queries = [...WORDS, ...WORDS.flatMap((a, i) => WORDS.slice(i + 1).map((b) => `${a} ${b}`))].slice(0, 15);
  let sourceId = '';

  it('caps a member at ten alerts, naming the limit and how to free a slot', async () => {
    for (const q of queries.slice(0, 10)) {
      const r = await run(M1, 'alert', 'add', [str('query', q), chan(DESK)]);
      expect(r.content).toMatch(/^Alert `[a-z0-9]+` saved/);
    }
    const eleventh = await run(M1, 'alert', 'add', [str('query', 'one more'), chan(DESK)]);
    expect(eleventh.flags).toBe(64);
    expect(eleventh.content).toBe('You already have 10 alerts in this server, the most one member may have. Remove one with `/alert remove` to add another.');
    for (const q of queries.slice(10)) expect((await run(M2, 'alert', 'add', [str('query', q), chan(DESK)])).content).toMatch(/^Alert `[a-z0-9]+` saved/);
  });

  it('15 alerts × 20 matching articles: the channel gets its budget of posts, each article once, the link inert', async () => {
    items.set('wire', [{ guid: 'w0', title: 'Calm day at the port', text: 'Nothing happened.', minute: 0 }]);
    sourceId = await addSource(serve('wire', 'Wire Service'));
    const twenty: Item[] = Array.from({ length: 20 }, (_, i) => ({ guid: `w${i + 1}`, title: `Report ${i + 1}`, text: `The zorblat convoy crossed the river border at night, report ${i + 1} says.`, minute: i + 1 }));
    // The newest item carries a link built to break out of a masked link and add another.
    twenty[19]!.link = 'https://wire.example/)**bold**||spoiler||[here](https://phish.example)';
    items.set('wire', [items.get('wire')![0]!, ...twenty]);
    const refreshed = await run(MOD, 'source', 'refresh', [str('id', sourceId)], MANAGE_GUILD);
    expect(refreshed.content).toMatch(/HTTP 200, 20 new/);
    await emu.waitFor(() => posts(DESK).length >= PER_MINUTE, 20_000);
    await settle();
    const desk = posts(DESK);
    expect(desk).toHaveLength(PER_MINUTE);
    const singles = desk.filter((m) => m.content.startsWith('🔔'));
    const roundups = desk.filter((m) => m.content.startsWith('**+'));
    expect(singles).toHaveLength(PER_MINUTE - 1);
    expect(roundups.map((m) => m.content)).toEqual(['**+16 more new matches for alerts in this channel** (oldest first)']);
    const titles = [...singles.map((m) => String(m.embeds[0]!.title)), ...[...String(roundups[0]!.embeds[0]!.description).matchAll(/\[(Report \d+)\]/g)].map((x) => x[1]!)];
    expect(titles.sort()).toEqual(twenty.map((t) => t.title).sort());
    const text = JSON.stringify(roundups[0]!.embeds);
    expect(text).not.toContain('](https://phish.example');
    expect(text).not.toContain(')**bold**');
    expect(String(roundups[0]!.embeds[0]!.description)).toContain('[Report 20](https://wire.example/%29%2A%2Abold%2A%2A%7C%7Cspoiler%7C%7C%5Bhere%5D%28https://phish.example%29)');
    expect(emu.refusals).toEqual([]);
  });
});

describe('re-checked before each post', () => {
  it("stops an alert's posts once its channel becomes read-only for its creator, and says so where it was made", async () => {
    const made = await run(M3, 'alert', 'add', [str('query', 'quokkafish'), chan(RECHECK)]);
    const id = /`([a-z0-9]+)`/.exec(made.content)![1]!;
    emu.setChannelOverwrite(RECHECK, { id: M3.id, type: 1, deny: P.SEND_MESSAGES });
    items.set('wire', [...items.get('wire')!, { guid: 'q1', title: 'Quokkafish sighted', text: 'A quokkafish was sighted near the pier.', minute: 30 }]);
    await run(MOD, 'source', 'refresh', [str('id', (await sourceOf('Wire Service'))!)], MANAGE_GUILD);
    await emu.waitFor(() => posts(CMD).some((m) => m.content.includes(`Alert \`${id}\``)), 20_000);
    expect(posts(CMD).find((m) => m.content.includes(`Alert \`${id}\``))!.content).toBe(
      `⚠️ Alert \`${id}\` to <#${RECHECK}> paused itself: its creator can no longer send messages in <#${RECHECK}>. Its posts are kept; \`/alert resume id:${id}\` once they can, or \`/alert remove id:${id}\`.`,
    );
    expect(posts(RECHECK)).toEqual([]);
  });
});

describe('names and links from feeds', () => {
  it('delivers a feed titled "Cl@yde News" through a webhook under a name Discord accepts', async () => {
    items.set('clyde', [{ guid: 'c0', title: 'First', text: 'First item.', minute: 0 }]);
    const id = await addSource(serve('clyde', 'Cl@yde News'));
    const r = await run(MOD, 'alert', 'add', [str('source', id), chan(HOOKS), str('identity', 'outlet')], MANAGE_GUILD);
    expect(r.content).toMatch(/^Delivery `[a-z0-9]+` saved/);
    items.set('clyde', [...items.get('clyde')!, { guid: 'c1', title: 'Second item', text: 'Second item text.', minute: 1 }]);
    await run(MOD, 'source', 'refresh', [str('id', id)], MANAGE_GUILD);
    await emu.waitFor(() => posts(HOOKS).length >= 1, 20_000);
    const [post] = posts(HOOKS);
    expect((post as unknown as { author: { username: string } }).author.username).toBe('News');
    expect(post!.webhook_id).toBeDefined();
    expect(emu.refusals).toEqual([]);
  });
});

async function sourceOf(name: string): Promise<string | undefined> {
  const list = await run(MOD, 'source', 'list', [], MANAGE_GUILD);
  const text = (list.embeds as Array<{ description?: string }>).map((e) => e.description ?? '').join('\n');
  return new RegExp(`\\*\\*${name}\\*\\* — \`([a-z0-9]+)\``).exec(text)?.[1];
}
