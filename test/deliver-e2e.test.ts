/**
 * Feed deliveries end to end: the real entry point (src/main.ts) against the Discord emulator and
 * the local feed server. A source-only delivery, filters and preview, a template, pictures,
 * a 40-item burst under the per-channel rate limit, a deleted channel, webhook identity and its
 * fallback, and exactly-once posting across kill -9 for bot and webhook posts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator, type ApiMessage } from './discord-emulator/index.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { startBot, tempDataDir, type BotProcess, BOT_START_MS } from './helpers/bot-process.ts';
import { startTestDatabase, type TestDatabase } from './helpers/postgres.ts';

/** test/deliver-e2e-postgres.test.ts runs every scenario again with the bot on PostgreSQL. */
const STORE = (globalThis as { newsdeskE2EStore?: 'sqlite' | 'postgres' }).newsdeskE2EStore ?? 'sqlite';
/** One database per data directory: a restarted bot finds what it stored. */
const databases = new Map<string, TestDatabase>();

const GUILD = '410000000000000001';
const DESK = '410000000000000002';
const WIRE = '410000000000000003';
const FILTERED = '410000000000000004';
const BURST = '410000000000000005';
const GONE = '410000000000000006';
const HOOKED = '410000000000000007';
const NOHOOK = '410000000000000008';
const CRASH_BOT = '410000000000000010';
const CRASH_HOOK = '410000000000000011';
const LOCKED = '410000000000000012';
const BUSY = '410000000000000013';
const GONE2 = '410000000000000014';
const MOD = { id: '510000000000000001', username: 'editor' };
const MANAGE_GUILD = String(1n << 5n);
const PER_MINUTE = 4;

const MANY_LINKS = path.resolve(import.meta.dirname, '../../shared/corpora/feeds/rss-parser/input/many-links.rss');

let emu: DiscordEmulator;
let feeds: FeedServer;
const cleanup: string[] = [];
const bots: BotProcess[] = [];

interface WireItem {
  guid: string;
  title: string;
  text: string;
  date: string;
  author?: string;
  image?: string;
}

/** A dynamic RSS feed per path: tests set its items, the bot fetches it on /source refresh. */
const wires = new Map<string, WireItem[]>();
function wire(name: string, title: string, items: WireItem[]): string {
  wires.set(name, items);
  if (!feedsRouted.has(name)) {
    feedsRouted.add(name);
    feeds.route(`/${name}.xml`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(
        `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${title}</title>` +
          `<image><url>https://${name}.example/logo.png</url><title>${title}</title><link>https://${name}.example/</link></image>` +
          (wires.get(name) ?? [])
            .map(
              (i) =>
                `<item><guid>${i.guid}</guid><title>${i.title}</title><link>https://${name}.example/${i.guid}</link><pubDate>${new Date(i.date).toUTCString()}</pubDate>` +
                `${i.author ? `<dc:creator>${i.author}</dc:creator>` : ''}<description>${i.text}</description>${i.image ? `<media:thumbnail url="${i.image}"/>` : ''}</item>`,
            )
            .join('') +
          '</channel></rss>',
      );
    });
  }
  return `${feeds.url}/${name}.xml`;
}
const feedsRouted = new Set<string>();

/** many-links.rss (a real Blogger feed) without entries 8–10 at first; `full` serves all 25. */
let manyLinksFull = false;

beforeAll(async () => {
  feeds = await startFeedServer();
  const source = fs.readFileSync(MANY_LINKS, 'utf8');
  feeds.route('/many-links.xml', (_req, res) => {
    let n = -1;
    const body = manyLinksFull ? source : source.replace(/<entry>[\s\S]*?<\/entry>/g, (e) => (++n >= 8 && n <= 10 ? '' : e));
    res.writeHead(200, { 'content-type': 'application/atom+xml' });
    res.end(body);
  });
  emu = await DiscordEmulator.start({
    guilds: [
      {
        id: GUILD,
        name: 'Newsroom',
        channels: [DESK, WIRE, FILTERED, BURST, GONE, HOOKED, NOHOOK, CRASH_BOT, CRASH_HOOK, LOCKED, BUSY, GONE2].map((id, i) => ({ id, name: `ch${i}` })),
      },
    ],
  });
  emu.setBotPermissions(NOHOOK, { manageWebhooks: false });
});

afterAll(async () => {
  for (const b of bots) b.kill('SIGKILL');
  await emu.stop();
  await feeds.close();
  for (const d of cleanup) fs.rmSync(d, { recursive: true, force: true });
  for (const db of databases.values()) await db.close();
});

async function launch(dataDir: string, extra: Record<string, string> = {}): Promise<BotProcess> {
  if (STORE === 'postgres' && !databases.has(dataDir)) databases.set(dataDir, await startTestDatabase());
  const db = databases.get(dataDir);
  const bot = startBot(
    {
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.url,
      DISCORD_GUILD_ID: GUILD,
      ALLOW_PRIVATE_SOURCES: 'true',
      // debug: the jobs' round markers, which the tests wait for instead of sleeping.
      LOG_LEVEL: 'debug',
      NEWSDESK_TICK_CRON: '* * * * * *',
      DELIVERY_POSTS_PER_MINUTE: String(PER_MINUTE),
      // A killed process's claims on posts hold until their lease ends: short here, so the
      // restarted bot takes them over within the test (production: LEASE_SECONDS, 5 minutes).
      ...(db ? { DATABASE_URL: db.url, LEASE_SECONDS: '5' } : {}),
      ...extra,
    },
    { dataDir },
  );
  bots.push(bot);
  return bot;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the emulator answers with Discord's JSON
function run(name: string, sub: string, options: Array<Record<string, unknown>>): Promise<any> {
  return emu.sendCommand({ name, options: [{ type: 1, name: sub, options }] as never, guildId: GUILD, channelId: DESK, user: MOD, permissions: MANAGE_GUILD }).final(20_000);
}

const str = (name: string, value: string) => ({ type: 3, name, value });
const chan = (value: string) => ({ type: 7, name: 'channel', value });

async function addSource(url: string): Promise<string> {
  const added = await run('source', 'add', [str('url', url)]);
  const id = /`([a-z0-9]+)`/.exec(added.content)?.[1];
  if (!id) throw new Error(`source not added: ${JSON.stringify(added)}`);
  return id;
}

async function addDelivery(options: Array<Record<string, unknown>>): Promise<string> {
  const r = await run('alert', 'add', options);
  const id = /^Delivery `([a-z0-9]+)` saved/.exec(r.content)?.[1];
  if (!id) throw new Error(`delivery not added: ${JSON.stringify(r.content ?? r)}`);
  return id;
}

const posts = (channelId: string) => emu.channelMessages(channelId);
const linksOf = (m: ApiMessage) => [...`${m.content}\n${m.embeds.map((e) => `${e.url ?? ''} ${e.description ?? ''}`).join('\n')}`.matchAll(/https:\/\/wire\d*\.example\/[\w-]+/g)].map((x) => x[0]);

function item(n: number, extra: Partial<WireItem> = {}): WireItem {
  return { guid: `item-${n}`, title: `Item ${n} from the wire`, text: `Item ${n} reports something. A second sentence follows here. A third sentence closes.`, date: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), ...extra };
}

describe('feed deliveries through the real bot', () => {
  let bot: BotProcess;
  /** Nothing more is posted after this: several more rounds of the bot's jobs have run (not a fixed sleep). */
  const settle = () => bot.rounds(3);
  let clockFile: string;
  beforeAll(async () => {
    const dataDir = tempDataDir();
    cleanup.push(dataDir);
    clockFile = path.join(dataDir, 'clock-offset');
    fs.writeFileSync(clockFile, '0');
    bot = await launch(dataDir, { NEWSDESK_CLOCK_FILE: clockFile });
    await bot.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
  }, BOT_START_MS + 30_000);

  it('a source-only delivery posts each new item once, as an embed with the picture as thumbnail', async () => {
    manyLinksFull = false;
    const sourceId = await addSource(`${feeds.url}/many-links.xml`);
    const choices = await emu
      .sendAutocomplete({ name: 'alert', options: [{ type: 1, name: 'add', options: [{ type: 3, name: 'source', value: 'testing', focused: true }] }] as never, guildId: GUILD, channelId: DESK, user: MOD, permissions: MANAGE_GUILD })
      .final();
    expect(choices.choices).toEqual([{ name: `Google Testing Blog (${sourceId})`, value: sourceId }]);
    const id = await addDelivery([str('source', sourceId), chan(WIRE)]);
    manyLinksFull = true;
    const refreshed = await run('source', 'refresh', [str('id', sourceId)]);
    expect(refreshed.content).toMatch(/HTTP 200, 3 new, 0 updated\./);
    await emu.waitFor(() => posts(WIRE).length >= 3, 15_000);
    await settle();
    const wirePosts = posts(WIRE);
    expect(wirePosts).toHaveLength(3);
    // Oldest first; one embed each; the two items with an https media:thumbnail show it.
    expect(wirePosts.map((m) => m.embeds[0]!.title)).toEqual([
      'Code Health: Google\'s Internal Code Quality Efforts',
      'Where do our flaky tests come from?',
      'OSS-Fuzz: Five Months Later, and Rewarding Projects',
    ]);
    const embeds = wirePosts.map((m) => m.embeds[0]!);
    for (const [i, e] of embeds.entries()) {
      expect(wirePosts[i]!.embeds).toHaveLength(1);
      expect(e.url).toMatch(/^http:\/\/feedproxy\.google\.com\/~r\/blogspot\/RLXA\//);
      expect(e.author).toEqual({ name: 'Google Testing Blog · By Google Testing Bloggers' });
      expect((e.footer as { text: string }).text).toMatch(/^Google Testing Blog · ref [\w-]{10}$/);
      expect(String(e.description).length).toBeLessThanOrEqual(400);
      expect(e.timestamp).toMatch(/^20\d\d-/);
    }
    const dates = embeds.map((e) => Date.parse(String(e.timestamp)));
    expect([...dates].sort((a, b) => a - b)).toEqual(dates);
    expect(embeds.map((e) => (e.thumbnail as { url: string } | undefined)?.url ?? null)).toEqual([
      null,
      'https://2.bp.blogspot.com/-weRP8mmxN0M/WPUZSHM-MzI/AAAAAAAAARA/gp9_OPT6nrw-kjF0-YwTvQLli5Y9R0PpwCLcB/s72-c/Copy_of0.png',
      'https://2.bp.blogspot.com/-ZSpYiLN8VOU/WRCII1KSWmI/AAAAAAAAARk/uVk7QKXqHqQmbTIhgCeaJ4Z0q8-OeVQWQCLcB/s72-c/Copy_of0.png',
    ]);
    expect(wirePosts.every((m) => m.webhook_id === undefined && /^[\w-]{22}$/.test(String(m.nonce)))).toBe(true);
    // A second refresh finds nothing new: still three posts.
    await run('source', 'refresh', [str('id', sourceId)]);
    await settle();
    expect(posts(WIRE)).toHaveLength(3);
    const list = await run('alert', 'list', []);
    const text = list.embeds.map((e: { description: string }) => e.description).join('\n');
    expect(text).toContain(`\`${id}\` · 📰 **Google Testing Blog**: every new item → <#${WIRE}> · 🟢 active`);
    expect(text).toMatch(/3 posted · 0 skipped by filters · 0 failed · last delivery <t:\d+:R>/);
  }, 60_000);

  it('filters skip items (previewed first, with reasons) and a template shapes the post', async () => {
    const url = wire('wire', 'Wire Service', [item(1, { author: 'Ann Lee' }), item(2)]);
    const sourceId = await addSource(url);
    const preview = await run('alert', 'preview', [str('source', sourceId), str('exclude', 'sport'), { type: 5, name: 'byline_required', value: true }]);
    expect(preview.content).toBe('Nothing was saved. The newest item that passes would be posted like this:');
    expect(preview.embeds[0].title).toBe('Preview: Wire Service, last 2 items');
    expect(preview.embeds[0].description).toBe(
      '1 of 2 would be posted · none of "sport" in title · with a byline\n\n⛔ Item 2 from the wire — *no byline*\n✅ Item 1 from the wire',
    );
    // The sample is the newest item that passes, rendered as it would be posted.
    expect(preview.embeds[1]).toMatchObject({ author: { name: 'Wire Service · By Ann Lee' }, title: 'Item 1 from the wire', url: 'https://wire.example/item-1' });
    const templated = await run('alert', 'preview', [str('source', sourceId), str('template', '{title} | {byline}\\n{link}')]);
    expect(templated.embeds[1].description).toBe('Item 2 from the wire | \nhttps://wire.example/item-2');
    const bad = await emu.sendCommand({ name: 'alert', options: [{ type: 1, name: 'add', options: [str('source', sourceId), str('template', '{title} by {author}')] }] as never, guildId: GUILD, channelId: DESK, user: MOD, permissions: MANAGE_GUILD }).final();
    expect(bad.content).toBe('template: unknown placeholder {author}. Use {title} {link} {outlet} {byline} {date} {lead} {tags}.');
    const id = await addDelivery([str('source', sourceId), chan(FILTERED), str('exclude', 'sport, weather'), { type: 4, name: 'min_words', value: 8 }, str('template', '📰 **{outlet}** — {title} ({byline})\\n{lead}\\n{link}')]);
    wire('wire', 'Wire Service', [
      item(1, { author: 'Ann Lee' }),
      item(2),
      item(3, { title: 'Sport results for *Monday*', author: 'Bo Kim' }),
      item(4, { title: 'Short <@&123> item', text: 'Too short.' }),
      item(5, { title: 'Ceasefire talks resume', author: 'Cy Park', image: 'https://wire.example/photo5.jpg' }),
      item(6, { title: 'Weather warning issued', image: 'http://wire.example/photo6.jpg' }),
    ]);
    await run('source', 'refresh', [str('id', sourceId)]);
    await emu.waitFor(() => posts(FILTERED).length >= 1, 15_000);
    await settle();
    const got = posts(FILTERED);
    expect(got).toHaveLength(1);
    expect(got[0]!.content).toBe('📰 **Wire Service** — Ceasefire talks resume (Cy Park)\nItem 5 reports something. A second sentence follows here. A third sentence closes.\nhttps://wire.example/item-5');
    expect(got[0]!.embeds).toEqual([
      { color: 0x2f855a, footer: { text: expect.stringMatching(/^Wire Service · ref [\w-]{10}$/) }, timestamp: '2026-01-01T00:05:00.000Z', image: { url: 'https://wire.example/photo5.jpg' } },
    ]);
    expect(got[0]!.allowed_mentions).toEqual({ parse: [] });
    const list = await run('alert', 'list', []);
    const text = list.embeds.map((e: { description: string }) => e.description).join('\n');
    expect(text).toContain(`\`${id}\` · 📰 **Wire Service**: every new item → <#${FILTERED}> · 🟢 active\n  none of "sport", "weather" in title · at least 8 words · template · as the bot`);
    expect(text).toMatch(new RegExp(`\`${id}\`[^]*?1 posted · 3 skipped by filters · 0 failed`));
  }, 60_000);

  it('a 40-item burst: at most N posts a minute, the rest grouped oldest first, nothing lost', async () => {
    const url = wire('wire2', 'AP', [item(0)]);
    const sourceId = await addSource(url);
    await addDelivery([str('source', sourceId), chan(BURST)]);
    const burst = Array.from({ length: 40 }, (_, i) => item(i + 1));
    wire('wire2', 'AP', [item(0), ...[...burst].reverse()]);
    await run('source', 'refresh', [str('id', sourceId)]);
    await emu.waitFor(() => posts(BURST).length >= PER_MINUTE, 15_000);
    await settle();
    const got = posts(BURST);
    expect(got).toHaveLength(PER_MINUTE);
    expect(got.slice(0, 3).map((m) => m.embeds[0]!.title)).toEqual(['Item 1 from the wire', 'Item 2 from the wire', 'Item 3 from the wire']);
    expect(got[3]!.content).toBe('**+37 more from AP** (oldest first)');
    const all = got.flatMap(linksOf);
    expect(all).toEqual(burst.map((i) => `https://wire2.example/${i.guid}`));
    const times = emu.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${BURST}/messages` && r.status === 200).map((r) => r.at);
    expect(times).toHaveLength(PER_MINUTE);
    // Two more within the same minute: over the budget, so they wait, grouped, for the next minute.
    wire('wire2', 'AP', [item(0), ...[...burst].reverse(), item(41), item(42)]);
    await run('source', 'refresh', [str('id', sourceId)]);
    await settle();
    expect(posts(BURST)).toHaveLength(PER_MINUTE);
    // The bot's clock moves a minute on: the held post goes out, and every item is there once.
    fs.writeFileSync(clockFile, '61000');
    await emu.waitFor(() => posts(BURST).length > PER_MINUTE, 15_000);
    await settle();
    const after = posts(BURST);
    expect(after).toHaveLength(PER_MINUTE + 1);
    expect(after[PER_MINUTE]!.content).toBe('**+2 more from AP** (oldest first)');
    expect(after.flatMap(linksOf)).toEqual([...burst, item(41), item(42)].map((i) => `https://wire2.example/${i.guid}`));
  }, 60_000);

  it('a deleted channel pauses the delivery and tells the moderators where it was made', async () => {
    const url = wire('wire3', 'Gone News', [item(1)]);
    const sourceId = await addSource(url);
    const id = await addDelivery([str('source', sourceId), chan(GONE)]);
    emu.deleteChannel(GONE);
    const before = posts(DESK).length;
    wire('wire3', 'Gone News', [item(1), item(2), item(3)]);
    await run('source', 'refresh', [str('id', sourceId)]);
    const notice = await emu.waitFor(() => posts(DESK).slice(before).find((m) => m.content.startsWith('⚠️ Delivery')), 15_000);
    expect(notice.content).toBe(
      // Discord's error text is escaped like any text the bot did not write (\( renders as "(").
      `⚠️ Delivery \`${id}\` to <#${GONE}> paused itself: channel ${GONE}: Unknown Channel \\(code 10003\\)\n` +
        `Its posts are kept. Give the bot access to the channel (or remove the delivery with \`/alert remove id:${id}\`), then run \`/alert resume id:${id}\`.`,
    );
    await settle();
    // One failed post, then nothing more is tried while paused.
    expect(emu.requests.filter((r) => r.path === `/channels/${GONE}/messages`)).toHaveLength(1);
    const list = await run('alert', 'list', []);
    const text = list.embeds.map((e: { description: string }) => e.description).join('\n');
    expect(text).toContain(`\`${id}\` · 📰 **Gone News**: every new item → <#${GONE}> · ⏸️ paused after a failed post: channel ${GONE}: Unknown Channel \\(code 10003\\)`);
    expect(text).toMatch(new RegExp(`\`${id}\`[^]*?0 posted · 0 skipped by filters · 1 failed · last delivery never`));
    const health = await run('source', 'health', [str('id', sourceId)]);
    expect(health.embeds[0].description).toContain(`**Deliveries**\n\`${id}\` · 📰 **Gone News**`);
    expect(health.embeds[0].description).toContain('0 posted · 0 skipped by filters · 1 failed');
  }, 60_000);

  it('a deleted channel is told within seconds while another delivery has a backlog', async () => {
    const url = wire('wire7', 'Busy Wire', [item(1)]);
    const sourceId = await addSource(url);
    await addDelivery([str('source', sourceId), chan(BUSY)]);
    const gone = await addDelivery([str('source', sourceId), chan(GONE2)]);
    emu.deleteChannel(GONE2);
    const before = posts(DESK).length;
    wire('wire7', 'Busy Wire', Array.from({ length: 30 }, (_, i) => item(i + 1)));
    await run('source', 'refresh', [str('id', sourceId)]);
    // The notice is not queued behind the busy channel's backlog nor its per-minute budget.
    const notice = await emu.waitFor(() => posts(DESK).slice(before).find((m) => m.content.startsWith(`⚠️ Delivery \`${gone}\``)), 10_000);
    expect(notice.content).toContain('paused itself: channel 410000000000000014: Unknown Channel');
    await emu.waitFor(() => posts(BUSY).length >= PER_MINUTE, 10_000);
    await settle();
    expect(posts(BUSY)).toHaveLength(PER_MINUTE);
  }, 60_000);

  it('a post refused for missing permission pauses the delivery; /alert resume sends the held posts', async () => {
    const url = wire('wire6', 'Locked Wire', [item(1)]);
    const sourceId = await addSource(url);
    const id = await addDelivery([str('source', sourceId), chan(LOCKED)]);
    emu.setBotPermissions(LOCKED, { sendMessages: false });
    wire('wire6', 'Locked Wire', [item(1), item(2), item(3)]);
    await run('source', 'refresh', [str('id', sourceId)]);
    await emu.waitFor(() => posts(DESK).find((m) => m.content.startsWith(`⚠️ Delivery \`${id}\``)), 15_000);
    const listed = await run('alert', 'list', []);
    expect(listed.embeds.map((e: { description: string }) => e.description).join('\n')).toContain(`<#${LOCKED}> · ⏸️ paused after a failed post: channel ${LOCKED}: Missing Permissions \\(code 50013\\)`);
    emu.setBotPermissions(LOCKED, { sendMessages: true });
    const resumed = await run('alert', 'resume', [str('id', id)]);
    expect(resumed.content).toBe(`Delivery \`${id}\` resumed: its held posts and the items since it paused go to <#${LOCKED}> now.`);
    await emu.waitFor(() => posts(LOCKED).length >= 2, 15_000);
    await settle();
    expect(posts(LOCKED).map((m) => m.embeds[0]!.title)).toEqual(['Item 2 from the wire', 'Item 3 from the wire']);
  }, 60_000);

  it('posts as the outlet through a channel webhook when allowed, and as the bot with a note when not', async () => {
    const url = wire('wire4', 'Discord Daily', [item(1)]);
    const sourceId = await addSource(url);
    const hooked = await addDelivery([str('source', sourceId), chan(HOOKED), str('identity', 'outlet')]);
    const fallback = await addDelivery([str('source', sourceId), chan(NOHOOK), str('identity', 'outlet')]);
    wire('wire4', 'Discord Daily', [item(1), item(2, { image: 'https://wire4.example/p2.png' })]);
    await run('source', 'refresh', [str('id', sourceId)]);
    await emu.waitFor(() => posts(HOOKED).length >= 1 && posts(NOHOOK).length >= 1, 15_000);
    await settle();
    const [viaHook] = posts(HOOKED);
    expect(posts(HOOKED)).toHaveLength(1);
    const hooks = emu.channelWebhooks(HOOKED);
    expect(hooks.map((h) => h.name)).toEqual(['Newsdesk deliveries']);
    expect(viaHook!.webhook_id).toBe(hooks[0]!.id);
    // "discord" is not allowed in a webhook username: the outlet's name is cleaned.
    expect(viaHook!.author).toMatchObject({ username: 'Daily', avatar_url: 'https://wire4.example/logo.png' });
    expect(viaHook!.embeds[0]!.thumbnail).toEqual({ url: 'https://wire4.example/p2.png' });
    const execute = emu.requests.find((r) => r.method === 'POST' && r.path === `/webhooks/${hooks[0]!.id}/${hooks[0]!.token}`)!;
    expect(execute.query).toEqual({ wait: 'true' });
    const [asBot] = posts(NOHOOK);
    expect(posts(NOHOOK)).toHaveLength(1);
    expect(asBot!.webhook_id).toBeUndefined();
    expect(asBot!.embeds[0]!.title).toBe('Item 2 from the wire');
    const list = await run('alert', 'list', []);
    const text = list.embeds.map((e: { description: string }) => e.description).join('\n');
    expect(text).toMatch(new RegExp(`\`${hooked}\`[^\`]*as the outlet \\(webhook\\)\\n  1 posted`));
    expect(text).toContain(`\`${fallback}\` · 📰 **Discord Daily**: every new item → <#${NOHOOK}> · 🟢 active\n  no filters · as the outlet (webhook)\n  1 posted · 0 skipped by filters · 0 failed · last delivery`);
    expect(text).toContain(`  ⚠️ posts as the bot: the bot lacks Manage Webhooks in <#${NOHOOK}>`);
  }, 60_000);
});

describe('exactly once across kill -9', () => {
  it('bot posts (nonce) and webhook posts (marker lookup) are not repeated after a crash mid-post', async () => {
    const dataDir = tempDataDir();
    cleanup.push(dataDir);
    const first = await launch(dataDir);
    await first.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
    const url = wire('wire5', 'Crash Wire', [item(1)]);
    const sourceId = await addSource(url);
    await addDelivery([str('source', sourceId), chan(CRASH_BOT)]);
    await addDelivery([str('source', sourceId), chan(CRASH_HOOK), str('identity', 'outlet')]);
    first.kill('SIGKILL');
    await first.exited;
    // The bot kills itself right after Discord accepted a bot post, before recording it …
    wire('wire5', 'Crash Wire', [item(1), item(2), item(3)]);
    const crashing = await launch(dataDir, { NEWSDESK_CRASH_POINTS: 'outbox:after-post:delivery' });
    await crashing.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
    // The reply may never come: the process dies as soon as the first post is out.
    await run('source', 'refresh', [str('id', sourceId)]).catch(() => null);
    expect((await crashing.exited).signal).toBe('SIGKILL');
    // … then right after a webhook post.
    const crashingHook = await launch(dataDir, { NEWSDESK_CRASH_POINTS: 'outbox:after-post:delivery-webhook' });
    expect((await crashingHook.exited).signal).toBe('SIGKILL');
    const last = await launch(dataDir);
    await last.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
    await emu.waitFor(() => posts(CRASH_BOT).length >= 2 && posts(CRASH_HOOK).length >= 2, 20_000);
    await last.rounds(3);
    const titles = (c: string) => posts(c).map((m) => m.embeds[0]!.title);
    expect(titles(CRASH_BOT)).toEqual(['Item 2 from the wire', 'Item 3 from the wire']);
    expect(titles(CRASH_HOOK)).toEqual(['Item 2 from the wire', 'Item 3 from the wire']);
    expect(posts(CRASH_HOOK).every((m) => m.webhook_id !== undefined)).toBe(true);
    // The webhook post of unknown outcome was looked up among the channel's messages, not re-sent.
    const hook = emu.channelWebhooks(CRASH_HOOK)[0]!;
    expect(emu.requests.filter((r) => r.method === 'POST' && r.path === `/webhooks/${hook.id}/${hook.token}` && r.status === 200)).toHaveLength(2);
    expect(emu.requests.some((r) => r.method === 'GET' && r.path === `/channels/${CRASH_HOOK}/messages`)).toBe(true);
    // The bot post of unknown outcome was found the same way (its nonce would also have held, for a few minutes).
    expect(emu.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${CRASH_BOT}/messages`)).toHaveLength(2);
    // Each post of unknown outcome was found at least once: the two channels are posted to side by
    // side, so the bot post's finding may be repeated by the next process when the webhook lane's
    // crash came before it was recorded — found again, never sent again (the counts above).
    const found = (b: BotProcess) => b.logs().filter((l) => l.msg === 'post of unknown outcome found in the channel; not sent again').map((l) => l.channelId);
    expect(new Set([...found(crashingHook), ...found(last)])).toEqual(new Set([CRASH_BOT, CRASH_HOOK]));
    last.kill('SIGKILL');
  }, 4 * BOT_START_MS);
});
