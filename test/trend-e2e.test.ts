import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode } from 'fast-png';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_COLOR, SERIES_COLORS } from '../src/core/charts/theme.ts';
import { loadSeedDir } from '../src/core/seeds/loader.ts';
import { DiscordEmulator } from './discord-emulator/index.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { ROOT, startBot, type BotProcess } from './helpers/bot-process.ts';
import { OUTLETS, TREND_NOW, feedPath, trendFeed, trendItems } from './helpers/trend-feeds.ts';

/**
 * /trend, /trending and a digest's outlet chart end to end: the real bot against the Discord
 * emulator, seven outlets' feeds from the local feed server, the bot's clock pinned to the
 * feeds' last day. Every chart is decoded from the PNG Discord received.
 */
const GUILD = '610000000000000001';
const DESK = '610000000000000002';
const DIGESTS = '610000000000000003';
const MOD = { id: '710000000000000001', username: 'editor' };
const MANAGE_GUILD = String(1n << 5n);

let emu: DiscordEmulator;
let feeds: FeedServer;
let bot: BotProcess;
let clockDir = '';
let lateVersion = 1;
const items = trendItems();
/** The seed archive every server sees, dated by its import (the bot's clock at start). */
const seeds = (await loadSeedDir(path.join(ROOT, 'seeds'))).articles.map(({ article: a }) => ({ outlet: a.outlet ?? '', text: [a.title, ...a.tags, a.byline ?? '', a.outlet ?? '', ...a.body].join(' '), published: TREND_NOW }));

beforeAll(async () => {
  feeds = await startFeedServer();
  for (const outlet of [...OUTLETS, 'Late Wire']) {
    feeds.route(feedPath(outlet), (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(outlet === 'Late Wire' ? lateWire() : trendFeed(outlet, items));
    });
  }
  emu = await DiscordEmulator.start({ guilds: [{ id: GUILD, name: 'Newsroom', channels: [{ id: DESK, name: 'desk' }, { id: DIGESTS, name: 'digests' }] }] });
  clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clock-'));
  fs.writeFileSync(path.join(clockDir, 'offset'), String(TREND_NOW - Date.now()));
  bot = startBot({ DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.url, DISCORD_GUILD_ID: GUILD, ALLOW_PRIVATE_SOURCES: 'true', LOG_LEVEL: 'info', NEWSDESK_CLOCK_FILE: path.join(clockDir, 'offset') });
  await bot.waitForLog((l) => l.msg === 'ready', 60_000);
  for (const outlet of OUTLETS) {
    const added = await command('source', [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: `${feeds.url}${feedPath(outlet)}` }] }]);
    expect(added.content).toMatch(/^Added source `[a-z0-9]+`\./);
  }
}, 120_000);

// Discord refuses what the emulator refuses: any refused payload fails the test that caused it.
afterEach(() => {
  expect(emu.refusals.map((r) => `${r.method} ${r.path}: ${r.lines.join('; ')}`)).toEqual([]);
});

afterAll(async () => {
  bot?.kill('SIGKILL');
  await emu?.stop();
  await feeds?.close();
  if (bot) fs.rmSync(bot.dataDir, { recursive: true, force: true });
  if (clockDir) fs.rmSync(clockDir, { recursive: true, force: true });
});

type Msg = {
  content: string;
  flags?: number;
  embeds: Array<{ title?: string; description?: string; footer?: { text: string }; image?: { url: string } }>;
  attachments: Array<{ filename: string; size: number; url: string; content_type: string; description?: string }>;
};

function command(name: string, options: Array<Record<string, unknown>>): Promise<Msg> {
  return emu.sendCommand({ name, options: options as never, guildId: GUILD, channelId: DESK, user: MOD, permissions: MANAGE_GUILD }).final(60_000);
}

/** An eighth outlet: one report at first, two more after a digest subscribes. */
function lateWire(): string {
  const item = (g: string, t: string, d: string) => `<item><guid>${g}</guid><title>${t}</title><link>https://late.example/${g}</link><pubDate>${new Date(TREND_NOW).toUTCString()}</pubDate><description>${d}</description></item>`;
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Late Wire</title>
  ${lateVersion >= 2 ? `${item('late-2', 'Troops return home', 'The first troops returned home.')}${item('late-3', 'Markets reopen', 'Markets reopened in Hyesan.')}` : ''}${item('late-1', 'Ferry resumes', 'The ferry resumed service.')}</channel></rss>`;
}

interface Picture {
  width: number;
  height: number;
  /** Share of pixels that are not the white background. */
  inked: number;
  /** Pixels of each colour (series palette and "other" grey), drawn solid or at the areas' 90 % opacity. */
  colours: Map<string, number>;
}

/** The chart as Discord received it, decoded. */
function picture(m: Msg, name: string): Picture {
  const a = m.attachments.find((x) => x.filename === name);
  expect(a, `attachment ${name}`).toBeDefined();
  expect(a!.content_type).toBe('image/png');
  const png = decode(emu.attachmentData(a!.url)!);
  const channels = png.channels;
  const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const palette = [...SERIES_COLORS, OTHER_COLOR].map((c) => ({ c, solid: hex(c), area: hex(c).map((v) => Math.round(0.9 * v + 0.1 * 255)) }));
  const colours = new Map(palette.map((p) => [p.c, 0]));
  let inked = 0;
  const near = (px: number[], want: number[]) => px.every((v, i) => Math.abs(v - want[i]!) <= 6);
  for (let i = 0; i < png.width * png.height; i++) {
    const px = [png.data[i * channels]!, png.data[i * channels + 1]!, png.data[i * channels + 2]!];
    if (px.some((v) => v < 250)) inked++;
    for (const p of palette) if (near(px, p.solid) || near(px, p.area)) colours.set(p.c, colours.get(p.c)! + 1);
  }
  return { width: png.width, height: png.height, inked: inked / (png.width * png.height), colours };
}

/** The palette colours a chart shows (in a series or its legend swatch). */
function seriesShown(p: Picture): string[] {
  return [...p.colours].filter(([, n]) => n >= 300).map(([c]) => c);
}

const monday = (t: number) => {
  const d = Math.floor(t / 86_400_000);
  return new Date((d - ((d + 3) % 7)) * 86_400_000).toISOString().slice(0, 10);
};

/** What the feeds and the seeds hold about a word: matching articles, their outlets, first, peak week. */
function expected(word: RegExp) {
  const hits = [...items.map((i) => ({ outlet: i.outlet, text: `${i.title} ${i.paragraphs.join(' ')}`, published: i.published, guid: i.guid })), ...seeds.map((s) => ({ ...s, guid: '' }))]
    .filter((i) => word.test(i.text))
    .sort((a, b) => a.published - b.published);
  const weeks = new Map<string, number>();
  for (const h of hits) weeks.set(monday(h.published), (weeks.get(monday(h.published)) ?? 0) + 1);
  const peak = [...weeks].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
  const perOutlet = new Map<string, number>();
  for (const h of hits) perOutlet.set(h.outlet, (perOutlet.get(h.outlet) ?? 0) + 1);
  return { total: hits.length, first: hits[0]!, peak, perOutlet };
}

describe('/trend', () => {
  const troops = expected(/\btroops\b/i);

  it('charts one query by outlet: the five biggest outlets and "other", the first report and the peak', async () => {
    const m = await command('trend', [{ type: 3, name: 'query', value: 'troops' }]);
    expect(m.flags ?? 0).toBe(0);
    expect(m.content).toBe(`**${troops.total}** articles match **troops** — weekly, 2024-09-30 to 2024-12-16, whole archive`);
    expect(troops.first).toMatchObject({ outlet: 'Daily NK', guid: '0-t-first' });
    const card = m.embeds[0]!;
    expect(card.image).toEqual({ url: 'attachment://trend.png' });
    expect(card.description!.split('\n')[0]).toBe(`First: Daily NK, 2024-10-09 · peak week of ${troops.peak[0]} \\(${troops.peak[1]} articles\\) · ${troops.perOutlet.size} outlets`);
    expect(card.description!.split('\n')[1]).toMatch(/^First report: \[Troops ordered to prepare for deployment\]\(https:\/\/daily-nk\.example\/0-t-first\) — Daily NK, 2024-10-09 \(`[0-9a-f]{12}`\)$/);
    const alt = m.attachments[0]!.description!;
    expect(alt.length).toBeLessThanOrEqual(1024);
    expect(alt).toMatch(/^Stacked area chart of weekly articles matching “troops”, 2024-09-30 to 2024-12-16, \d+ articles in all, by outlet: Daily NK \d+, /);
    const png = picture(m, 'trend.png');
    expect([png.width, png.height]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(png.width).toBeGreaterThan(1200);
    expect(png.height).toBeGreaterThan(600);
    expect(png.inked).toBeGreaterThan(0.05);
    // Seven outlets and more: five series in their own colours and "other" for the smallest.
    expect(troops.perOutlet.size).toBeGreaterThan(5);
    expect(seriesShown(png)).toEqual([...SERIES_COLORS.slice(0, 5), OTHER_COLOR]);
  }, 90_000);

  it('compares several queries on one chart, one line each', async () => {
    const defectors = expected(/\bdefectors\b/i);
    const m = await command('trend', [{ type: 3, name: 'query', value: '"troops, defectors"' }]);
    const from = monday(Math.min(troops.first.published, defectors.first.published) - 7 * 86_400_000);
    expect(m.content).toBe(`Comparing **troops** (${troops.total}), **defectors** (${defectors.total}) — weekly, ${from} to 2024-12-16, whole archive`);
    expect(m.embeds[0]!.title).toBe('Coverage compared');
    expect(m.embeds[0]!.description).toContain(`“troops”: ${troops.total} articles, first Daily NK 2024-10-09, peak week of ${troops.peak[0]}`);
    const png = picture(m, 'trend.png');
    expect(png.inked).toBeGreaterThan(0.03);
    expect(seriesShown(png)).toEqual(SERIES_COLORS.slice(0, 2));
  }, 90_000);

  it('splits by outlet on request and exports the counts behind the chart', async () => {
    const m = await command('trend', [{ type: 3, name: 'query', value: 'troops' }, { type: 3, name: 'by', value: 'outlet' }, { type: 3, name: 'interval', value: 'month' }, { type: 5, name: 'export', value: true }]);
    expect(m.attachments.map((a) => [a.filename, a.content_type])).toEqual([['trend.png', 'image/png'], ['trend.csv', 'text/csv; charset=utf-8']]);
    const csv = emu.attachmentData(m.attachments[1]!.url)!.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
    const [head, ...rows] = csv;
    const ranked = [...troops.perOutlet].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    expect(head).toEqual(['interval start', ...ranked.slice(0, 5).map(([o]) => o), 'other', 'all articles']);
    expect(rows.map((r) => r[0])).toEqual(['2024-09-01', '2024-10-01', '2024-11-01', '2024-12-01']);
    const columnTotal = (c: number) => rows.reduce((n, r) => n + Number(r[c]), 0);
    expect(ranked.slice(0, 5).map((_, i) => columnTotal(i + 1))).toEqual(ranked.slice(0, 5).map(([, n]) => n));
    expect(columnTotal(6)).toBe(ranked.slice(5).reduce((n, [, c]) => n + c, 0));
    expect(seriesShown(picture(m, 'trend.png'))).toEqual([...SERIES_COLORS.slice(0, 5), OTHER_COLOR]);
  }, 90_000);

  it('says so when nothing matches, and refuses a day chart over years', async () => {
    const none = await command('trend', [{ type: 3, name: 'query', value: 'zanzibar' }]);
    expect([none.flags, none.content, none.attachments]).toEqual([64, "No articles match **zanzibar** in this server's archive. Check the spelling, use fewer words, or widen since/until.", []]);
    const long = await command('trend', [{ type: 3, name: 'query', value: 'rice' }, { type: 3, name: 'since', value: '2020' }, { type: 3, name: 'interval', value: 'day' }]);
    expect(long.content).toBe('That chart would have over 400 days; use `interval:week` or `interval:month`, or a shorter since/until range.');
  }, 60_000);
});

describe('/trending', () => {
  it('lists the name the feeds made rise, folded with its short form, with its count, rise and top article', async () => {
    const m = await command('trending', []);
    expect(m.content).toBe('📈 **Rising names and phrases** in the last 24h');
    const lines = m.embeds[0]!.description!.split('\n');
    const kim = expected(/Kim Yo Jong/);
    const recent = kim.total - 1;
    expect(lines[0]).toMatch(new RegExp(`^\\*\\*1\\. Kim Yo Jong\\*\\* — ${recent} articles, ×\\d+ its usual rate \\(1 in the 30 days before\\) · also as “Kim”$`));
    // The article mentioning her most: the seed archive's report on her order (imported today).
    expect(lines[1]).toMatch(/^ {3}Kim Yo Jong, the sister of North Korean leader Kim Jong Un, .*… — Daily NK$/);
    const text = m.embeds[0]!.description!;
    // A phrase rises too: her words, quoted in the day's reports.
    expect(text).toMatch(/\*\*\d+\. human trash\*\* — 3 articles, new — none in the 30 days before\n {3}\[Kim Yo Jong statement targets defectors\]\(https:\/\/[a-z-]+\.example\/\d-k-\d\) — /);
    // Named in two of the day's reports only: not a trend. Everyday names are not rising.
    expect(text).not.toMatch(/Choe Son Hui|Pyongyang|\*\*\d+\. Kim\*\*/);
  }, 60_000);

  it('charts the top names per day on request', async () => {
    const m = await command('trending', [{ type: 3, name: 'since', value: '24h' }, { type: 5, name: 'chart', value: true }]);
    expect(m.embeds[0]!.image).toEqual({ url: 'attachment://trending.png' });
    const png = picture(m, 'trending.png');
    expect(png.inked).toBeGreaterThan(0.03);
    expect(m.attachments[0]!.description).toMatch(/^Line chart of articles per day mentioning “Kim Yo Jong”/);
  }, 60_000);
});

describe('digests', () => {
  let lateSource = '';
  it('carry a chart of the window\'s coverage by outlet when asked to', async () => {
    const added = await command('source', [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: `${feeds.url}${feedPath('Late Wire')}` }] }]);
    lateSource = /`([a-z0-9]+)`/.exec(added.content)![1]!;
    const sub = await command('digest', [{ type: 1, name: 'subscribe', options: [{ type: 7, name: 'channel', value: DIGESTS }, { type: 3, name: 'schedule', value: 'daily 08:00' }, { type: 5, name: 'chart', value: true }] }]);
    expect(sub.content).toMatch(/with a chart by outlet\./);
    const id = /`([a-z0-9]+)`/.exec(sub.content)![1]!;
    lateVersion = 2;
    await command('source', [{ type: 1, name: 'refresh', options: [{ type: 3, name: 'id', value: lateSource }] }]);
    await command('digest', [{ type: 1, name: 'now', options: [{ type: 3, name: 'id', value: id }] }]);
    await emu.waitFor(() => emu.channelMessages(DIGESTS).length >= 1, 20_000);
    const post = emu.channelMessages(DIGESTS)[0] as unknown as Msg;
    expect(post.embeds[0]!.image).toEqual({ url: 'attachment://digest-outlets.png' });
    expect(post.attachments[0]).toMatchObject({ filename: 'digest-outlets.png', content_type: 'image/png', description: "Bar chart of this digest's 2 articles by outlet: Late Wire 2." });
    const png = picture(post, 'digest-outlets.png');
    expect(png.inked).toBeGreaterThan(0.02);
    expect(seriesShown(png)).toEqual([SERIES_COLORS[0]]);
  }, 60_000);
});
