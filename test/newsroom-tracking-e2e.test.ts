import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArticleId } from '../src/core/article.ts';
import { DiscordEmulator } from './discord-emulator/index.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { startBot, type BotProcess, BOT_START_MS } from './helpers/bot-process.ts';

/**
 * Changes, stories and citations end to end: the real bot (src/main.ts) against the Discord
 * emulator, its sources served by the local feed server.
 */
const GUILD = '600000000000000001';
const DESK = '600000000000000002';
const CHANGES = '600000000000000003';
const MOD = { id: '700000000000000001', username: 'editor' };
const MANAGE_GUILD = String(1n << 5n);

/**
 * The bot's clock is pinned to shortly after the fixtures' dates (the story window is days long,
 * and an undated item counts from its fetch time), so the test reads the same on any day it runs.
 */
const BOT_NOW = Date.parse('2026-11-28T12:00:00Z');
let clockDir = '';

let emu: DiscordEmulator;
let feeds: FeedServer;
let bot: BotProcess;
let version = 1;
let pageGone = false;

/** The desk feed: v2 edits a headline, adds a correction, drops an item (whose page then answers 404) and reflows whitespace. */
function deskFeed(): string {
  const item = (guid: string, title: string, paras: string[], query = '') =>
    `<item><guid isPermaLink="false">${guid}</guid><title>${title}</title><link>${feeds.url}/desk/${guid}${query}</link><pubDate>Sat, 28 Nov 2026 06:00:00 GMT</pubDate><content:encoded><![CDATA[${paras.map((p) => `<p>${p}</p>`).join('')}]]></content:encoded></item>`;
  const items = [
    item('desk-1', version === 1 ? 'Troops gather at Wonsan' : 'Troops mass near Wonsan port', ['Troops gathered at Wonsan on Tuesday, two witnesses said.', 'Trucks carried equipment to the harbour through the night.']),
    item('desk-2', 'Rice prices climb in Hyesan', [
      'Rice prices climbed to 6,200 won per kilogram in Hyesan markets this week, traders said.',
      ...(version === 1 ? [] : ['Correction: An earlier version of this story misstated the price of rice in Hyesan.']),
    ]),
    // Only whitespace, markup and a tracking parameter change: the feed item changes, the article does not.
    item('desk-4', 'Border guards rotated', version === 1 ? ['Border guards were rotated <b>on Sunday</b>.'] : ['Border   guards were rotated on Sunday.'], version === 1 ? '' : '?utm_source=rss&amp;utm_medium=feed'),
    ...(version === 1 ? [item('desk-3', 'Port reopens in Nampo', ['The port of Nampo reopened to cargo ships on Monday.'])] : []),
  ];
  return `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Desk Wire</title>${items.join('')}</channel></rss>`;
}

const WIRE_PARAS = [
  'Flooding along the Taedong River forced thousands of residents of Kaesong province to leave their homes on Friday, state media reported.',
  'The Korean Central News Agency said heavy rain since Wednesday had breached embankments in three counties and damaged about 1,500 hectares of farmland.',
  'Rescue teams and soldiers were sent to evacuate villages near the river, the agency said, without giving a number of casualties.',
  'Satellite images reviewed by analysts showed standing water around collective farms south of the provincial capital.',
  'Aid groups said the floods could worsen food shortages ahead of the winter.',
];

/** The same wire story as three outlets run it: different headlines, cuts, bylines and times. */
const WIRE = {
  alpha: { outlet: 'Alpha Times', title: 'Floods force thousands from homes in Kaesong', byline: null, date: null as string | null, paras: [...WIRE_PARAS.slice(0, 4), 'Alpha Times could not independently verify the reports from the area.'] },
  beta: { outlet: 'Beta Post', title: 'North Korea floods: thousands evacuated in Kaesong province', byline: 'Jane Q. Doe', date: 'Sat, 28 Nov 2026 08:00:00 GMT', paras: WIRE_PARAS },
  gamma: { outlet: 'Gamma Herald', title: 'Kaesong floods drive thousands from homes, state media says', byline: 'Lee Min-jun and Sam Roe', date: 'Sat, 28 Nov 2026 10:30:00 GMT', paras: [...WIRE_PARAS.slice(0, 3), 'Officials in Seoul said they had offered help through the Red Cross.'] },
};

function wireFeed(key: keyof typeof WIRE): string {
  const w = WIRE[key];
  return `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${w.outlet}</title>
  <item><guid isPermaLink="false">${key}-floods</guid><title>${w.title}</title><link>https://${key}.example/floods</link>${w.byline ? `<dc:creator>${w.byline}</dc:creator>` : ''}${w.date ? `<pubDate>${w.date}</pubDate>` : ''}
  <content:encoded><![CDATA[${w.paras.map((p) => `<p>${p}</p>`).join('')}]]></content:encoded></item></channel></rss>`;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/desk.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(deskFeed());
  });
  for (const key of ['alpha', 'beta', 'gamma'] as const) {
    feeds.route(`/${key}.xml`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(wireFeed(key));
    });
  }
  feeds.route('/desk/desk-3', (_req, res) => {
    res.writeHead(pageGone ? 404 : 200, { 'content-type': 'text/html' });
    res.end(pageGone ? 'gone' : '<html><body><p>The port of Nampo reopened.</p></body></html>');
  });
  emu = await DiscordEmulator.start({ guilds: [{ id: GUILD, name: 'Newsroom', channels: [{ id: DESK, name: 'desk' }, { id: CHANGES, name: 'changes' }] }] });
  clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clock-'));
  fs.writeFileSync(path.join(clockDir, 'offset'), String(BOT_NOW - Date.now()));
  // Jobs every second, logged at debug: a test waits for whole rounds of them instead of sleeping.
  bot = startBot({ DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.url, DISCORD_GUILD_ID: GUILD, ALLOW_PRIVATE_SOURCES: 'true', LOG_LEVEL: 'debug', NEWSDESK_TICK_CRON: '* * * * * *', NEWSDESK_CLOCK_FILE: path.join(clockDir, 'offset') });
  await bot.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
}, BOT_START_MS + 30_000);

afterAll(async () => {
  bot?.kill('SIGKILL');
  await emu?.stop();
  await feeds?.close();
  if (bot) fs.rmSync(bot.dataDir, { recursive: true, force: true });
  if (clockDir) fs.rmSync(clockDir, { recursive: true, force: true });
});

type Msg = {
  id: string;
  content: string;
  flags?: number;
  embeds: Array<{ title?: string; description?: string; footer?: { text: string }; fields?: Array<{ name: string; value: string }> }>;
  components: Array<{ components: Array<{ custom_id: string; label: string; disabled?: boolean }> }>;
  attachments: Array<{ filename: string; size: number; url: string; content_type: string }>;
};

function command(name: string, options: Array<Record<string, unknown>>): Promise<Msg> {
  return emu.sendCommand({ name, options: options as never, guildId: GUILD, channelId: DESK, user: MOD, permissions: MANAGE_GUILD }).final(20_000);
}

function sub(name: string, subcommand: string, options: Array<Record<string, unknown>>): Promise<Msg> {
  return command(name, [{ type: 1, name: subcommand, options }]);
}

function click(message: Msg, customId: string): Promise<Msg> {
  return emu.clickButton({ customId, message: message as never, user: MOD, guildId: GUILD, channelId: DESK }).final(15_000);
}

function buttonIds(m: Msg): string[] {
  return m.components.flatMap((r) => r.components.map((b) => b.custom_id));
}

let deskSource = '';
const articleId = (guid: string) => makeArticleId(deskSource, `guid:${guid}`);

describe('changes: headline edits, corrections and deletions', () => {
  it('keeps versions, posts each headline change and correction once, and ignores whitespace and markup', async () => {
    const alert = await sub('alert', 'add', [{ type: 3, name: 'kind', value: 'changes' }, { type: 7, name: 'channel', value: CHANGES }]);
    expect(alert.content).toMatch(/^Alert `[a-z0-9]+` saved: headline changes and corrections in this server's sources will be posted in <#600000000000000003>\.$/);
    // A second change alert for the same channel would only repeat the first.
    const again = await sub('alert', 'add', [{ type: 3, name: 'kind', value: 'changes' }, { type: 7, name: 'channel', value: CHANGES }]);
    expect(again.content).toBe(`Change alert \`${/`([a-z0-9]+)`/.exec(alert.content)![1]}\` already posts headline changes and corrections in <#${CHANGES}>.`);
    const added = await sub('source', 'add', [{ type: 3, name: 'url', value: `${feeds.url}/desk.xml` }]);
    deskSource = /`([a-z0-9]+)`/.exec(added.content)![1]!;
    version = 2;
    pageGone = true;
    const refreshed = await sub('source', 'refresh', [{ type: 3, name: 'id', value: deskSource }]);
    expect(refreshed.content).toMatch(/HTTP 200, 0 new, 3 updated\./);
    await emu.waitFor(() => emu.channelMessages(CHANGES).length >= 2, 15_000);
    // A second refresh of the same feed changes nothing: still exactly one post per change.
    await sub('source', 'refresh', [{ type: 3, name: 'id', value: deskSource }]);
    await bot.rounds(3);
    const posts = emu.channelMessages(CHANGES) as unknown as Msg[];
    expect(posts.map((p) => p.content)).toEqual(['✏️ Headline changed', '✏️ Correction or update note added, 32 % of the text edited']);
    expect(posts[0]!.embeds[0]!.title).toBe('Troops mass near Wonsan port');
    expect(posts[0]!.embeds[0]!.description).toBe('*Desk Wire*\n**Headline:** Troops ~~gather at~~ **mass near** Wonsan **port**');
    expect(posts[1]!.embeds[0]!.fields).toEqual([{ name: 'Note', value: '> Correction: An earlier version of this story misstated the price of rice in Hyesan.' }]);
    expect(posts[1]!.embeds[0]!.footer!.text).toBe(`change alert ${/`([a-z0-9]+)`/.exec(alert.content)![1]} · article ${articleId('desk-2')} · version 2 · /changes id:${articleId('desk-2')}`);
  }, 60_000);

  it('shows /changes with versions, times and a word diff', async () => {
    const m = await command('changes', [{ type: 3, name: 'id', value: articleId('desk-1') }]);
    expect(m.content).toBe('**Troops mass near Wonsan port** — edited 1 time');
    expect(m.embeds[0]!.title).toBe('Versions');
    expect(m.embeds[0]!.description).toMatch(/^v1 · \d{4}-\d\d-\d\d \d\d:\d\d UTC · Troops gather at Wonsan\nv2 \(now\) · \d{4}-\d\d-\d\d \d\d:\d\d UTC · Troops mass near Wonsan port$/);
    expect(m.embeds[1]!.title).toBe('Version 1 → 2: headline changed');
    expect(m.embeds[1]!.description).toBe('**Headline:** Troops ~~gather at~~ **mass near** Wonsan **port**');
    const unchanged = await command('changes', [{ type: 3, name: 'id', value: articleId('desk-4') }]);
    expect(unchanged.flags).toBe(64);
    expect(unchanged.content).toMatch(/^No changes seen to \*\*Border guards rotated\*\* \(`[0-9a-f]{12}`\) since it was first seen on /);
  });

  it('marks an item that left the feed and answers 404 as deleted', async () => {
    const m = await command('changes', [{ type: 3, name: 'id', value: articleId('desk-3') }]);
    expect(m.content).toBe('**Port reopens in Nampo** — edited 0 times, then deleted at the source');
    expect(m.embeds[1]!.title).toBe('Version 1 → deleted: deleted at the source');
    expect(m.embeds[1]!.description).toMatch(/^The item left its feed and its page answered 404\/410 on \d{4}-\d\d-\d\d \d\d:\d\d UTC\. This was its last version\.$/);
  });

  it('says "edited N times" on /article with a button that opens the changes privately', async () => {
    const m = await command('article', [{ type: 3, name: 'id', value: articleId('desk-2') }]);
    expect(m.embeds[0]!.description).toContain('✏️ Edited 1 time since first seen');
    const [changesButton] = m.components.flatMap((r) => r.components).filter((b) => b.label.startsWith('Changes'));
    expect(changesButton).toMatchObject({ label: 'Changes (1 edit)', custom_id: `ch:${articleId('desk-2')}:0` });
    const opened = await click(m, changesButton!.custom_id);
    expect(opened.flags).toBe(64);
    expect(opened.embeds[1]!.description).toContain('**Note added:** Correction: An earlier version of this story misstated the price of rice in Hyesan.');
    expect(opened.embeds[1]!.description).toBe(
      '**Note added:** Correction: An earlier version of this story misstated the price of rice in Hyesan.\n' +
        '**Text** (32 % of words changed):\n… Hyesan markets this week, traders said. **¶ Correction: An earlier version of this story misstated the price of rice in Hyesan.**',
    );
  });
});

describe('stories: one wire story from three outlets', () => {
  let results: Msg;
  it('shows one card per story, the earliest report first, with the other outlets', async () => {
    for (const key of ['alpha', 'beta', 'gamma']) await sub('source', 'add', [{ type: 3, name: 'url', value: `${feeds.url}/${key}.xml` }]);
    results = await command('search', [{ type: 3, name: 'query', value: 'Kaesong floods' }]);
    expect(results.content).toBe('**1** result for **Kaesong floods** — showing 1–1, page 1/1');
    expect(results.embeds).toHaveLength(1);
    expect(results.embeds[0]!.title).toBe('1. North Korea floods: thousands evacuated in Kaesong province');
    expect(results.embeds[0]!.description!.split('\n').slice(0, 2)).toEqual(['Beta Post · 2026-11-28 · By Jane Q. Doe', 'also: Gamma Herald, Alpha Times']);
    // One page: no paging row; the Read, Cite and Story ids are unique.
    const ids = buttonIds(results);
    expect(new Set(ids).size).toBe(ids.length);
    expect(results.components.map((r) => r.components.map((b) => b.label))).toEqual([['Read 1'], ['Cite 1'], ['Story 1 (3 reports)']]);
  }, 60_000);

  it('lists every outlet\'s version with its time and what it adds', async () => {
    const storyButton = results.components[2]!.components[0]!.custom_id;
    const m = await click(results, storyButton);
    expect(m.flags).toBe(64);
    expect(m.content).toMatch(/^📰 \*\*North Korea floods: thousands evacuated in Kaesong province\*\* — 3 reports from 3 outlets \(story `[0-9a-f]{12}`\), earliest first$/);
    const blocks = m.embeds[0]!.description!.split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toMatch(/^\*\*Beta Post\*\* · 2026-11-28 08:00 UTC · \[North Korea floods: thousands evacuated in Kaesong province\]\(https:\/\/beta\.example\/floods\)\n> first report: Flooding along the Taedong River/);
    expect(blocks[1]).toMatch(/^\*\*Gamma Herald\*\* · 2026-11-28 10:30 UTC · .*\n> adds: Officials in Seoul said they had offered help through the Red Cross\.\n-# id [0-9a-f]{12}$/);
    // Alpha Times gave no date: "undated", never the time it was fetched.
    expect(blocks[2]).toMatch(/^\*\*Alpha Times\*\* · undated · .*\n> adds: Alpha Times could not independently verify the reports from the area\.\n-# id [0-9a-f]{12}$/);
    const byCommand = await command('story', [{ type: 3, name: 'id', value: /-# id ([0-9a-f]{12})$/.exec(blocks[2]!)![1]! }]);
    expect(byCommand.embeds[0]!.description).toBe(m.embeds[0]!.description);
  });
});

describe('citations and export', () => {
  const today = () => {
    const d = new Date(BOT_NOW);
    return { apa: `${['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`, mla: `${d.getUTCDate()} ${['Jan.', 'Feb.', 'Mar.', 'Apr.', 'May', 'June', 'July', 'Aug.', 'Sept.', 'Oct.', 'Nov.', 'Dec.'][d.getUTCMonth()]} ${d.getUTCFullYear()}` };
  };

  it('cites an article with byline and date in all four styles from the Cite button', async () => {
    const results = await command('search', [{ type: 3, name: 'query', value: 'Kaesong floods' }]);
    const m = await click(results, results.components[1]!.components[0]!.custom_id);
    expect(m.flags).toBe(64);
    const plain = m.embeds[1]!.description!;
    expect(plain).toBe(
      '```\n' +
        'AP: “North Korea floods: thousands evacuated in Kaesong province,” Beta Post, Nov. 28, 2026, by Jane Q. Doe. https://beta.example/floods (accessed ' + apDate() + ')\n\n' +
        'APA 7: Doe, J. Q. (2026, November 28). North Korea floods: thousands evacuated in Kaesong province. Beta Post. https://beta.example/floods\n\n' +
        'Chicago: Doe, Jane Q. “North Korea floods: thousands evacuated in Kaesong province.” Beta Post, November 28, 2026. https://beta.example/floods.\n\n' +
        `MLA 9: Doe, Jane Q. “North Korea floods: thousands evacuated in Kaesong province.” Beta Post, 28 Nov. 2026, beta.example/floods. Accessed ${today().mla}.\n` +
        '```',
    );
    // Formatted: the title in italics (APA), the outlet in italics (Chicago, MLA); parentheses escaped for Discord.
    expect(m.embeds[0]!.description).toContain('**APA 7**\nDoe, J. Q. \\(2026, November 28\\). *North Korea floods: thousands evacuated in Kaesong province.* Beta Post. https://beta.example/floods');
    expect(m.embeds[0]!.description).toContain('**MLA 9**\nDoe, Jane Q. “North Korea floods: thousands evacuated in Kaesong province.” *Beta Post*, 28 Nov. 2026, beta.example/floods.');
  });

  it('cites an article without byline or date by each style\'s rule', async () => {
    const alpha = makeArticleId((await sourceIdFor('Alpha Times'))!, 'guid:alpha-floods');
    const apa = await command('cite', [{ type: 3, name: 'id', value: alpha }, { type: 3, name: 'style', value: 'apa' }]);
    expect(apa.embeds[1]!.description).toBe(`\`\`\`\nAPA 7: Floods force thousands from homes in Kaesong. (n.d.). Alpha Times. Retrieved ${today().apa}, from https://alpha.example/floods\n\`\`\``);
    const mla = await command('cite', [{ type: 3, name: 'id', value: alpha }, { type: 3, name: 'style', value: 'mla' }]);
    expect(mla.embeds[1]!.description).toBe(`\`\`\`\nMLA 9: “Floods force thousands from homes in Kaesong.” Alpha Times, alpha.example/floods. Accessed ${today().mla}.\n\`\`\``);
    expect(mla.embeds[0]!.footer!.text).toMatch(/ · no byline, no publication date: each style's rule for it applied$/);
  });

  it('attaches the results as CSV and Markdown with export:true', async () => {
    const m = await command('search', [{ type: 3, name: 'query', value: 'rice' }, { type: 5, name: 'export', value: true }]);
    expect(m.content).toMatch(/\n📎 \d+ results? attached as CSV and Markdown\.$/);
    expect(m.attachments.map((a) => [a.filename, a.content_type])).toEqual([
      ['search-results.csv', 'text/csv; charset=utf-8'],
      ['search-results.md', 'text/markdown; charset=utf-8'],
    ]);
    const csv = emu.attachmentData(m.attachments[0]!.url)!.toString('utf8');
    expect(csv.startsWith('\uFEFFtitle,outlet,date,url,excerpt\r\n')).toBe(true);
    // "rice" is a short word, matched as typed: the excerpt is the sentence about rice, not the
    // one that also says "price".
    expect(csv).toContain(`Rice prices climb in Hyesan,Desk Wire,2026-11-28,${feeds.url}/desk/desk-2,"Rice prices climbed to 6,200 won per kilogram in Hyesan markets this week, traders said."\r\n`);
    const md = emu.attachmentData(m.attachments[1]!.url)!.toString('utf8');
    expect(md).toContain(`1. [Rice prices climb in Hyesan](<${feeds.url}/desk/desk-2>) — Desk Wire, 2026-11-28\n`);
  });
});

function apDate(): string {
  const d = new Date(BOT_NOW);
  return `${['Jan.', 'Feb.', 'March', 'April', 'May', 'June', 'July', 'Aug.', 'Sept.', 'Oct.', 'Nov.', 'Dec.'][d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

async function sourceIdFor(name: string): Promise<string | undefined> {
  const list = await sub('source', 'list', []);
  const text = list.embeds.map((e) => e.description ?? '').join('\n');
  return new RegExp(`\\*\\*${name}\\*\\* — \`([a-z0-9]+)\``).exec(text)?.[1];
}
