import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commandList } from '../commands/index.ts';
import { DiscordEmulator } from './discord-emulator/index.ts';
import { startBot, type BotProcess, BOT_START_MS } from './helpers/bot-process.ts';
import { startTestDatabase, type TestDatabase } from './helpers/postgres.ts';

/**
 * The store the bot runs on: SQLite (this file), or PostgreSQL when bot-discord-postgres.test.ts
 * runs the same suite with DATABASE_URL pointing at a real (embedded) server.
 */
const STORE = (globalThis as { newsdeskE2EStore?: 'sqlite' | 'postgres' }).newsdeskE2EStore ?? 'sqlite';
let db: TestDatabase | undefined;

const GUILD = '100000000000000001';
const CHANNEL = '100000000000000002';
const ALICE = { id: '200000000000000001', username: 'alice' };
const BOB = { id: '200000000000000002', username: 'bob' };
const MANAGE_GUILD = String(1n << 5n);
const NO_PERMISSIONS = '0';

let emu: DiscordEmulator;
let clockDir: string | undefined;
let bot: BotProcess;
let slow: http.Server;
let slowUrl: string;
let wireUrl: string;

/** Two summary-only feeds about unrelated events, whose item pages carry a phrase found nowhere else. */
const TEASER_STORIES: Record<string, { title: string; teaser: string; page: (phrase: string) => string }> = {
  alpha: {
    title: 'County inspectors audit grain stores',
    teaser: 'Inspectors opened the books of county granaries.',
    page: (phrase) => `Inspectors in the county opened the ${phrase} on Tuesday and found the stocks far below what officials had reported to the capital.`,
  },
  bravo: {
    title: 'River farms report a thin harvest',
    teaser: 'Farmers along the eastern river expect rations to shrink.',
    page: (phrase) => `Farmers near the eastern river said the ${phrase} showed a harvest half the size of last year, and village rations were cut again in November.`,
  },
};

/** A wire feed with enough troop stories to page through. */
function wireFeed(): string {
  const items = Array.from({ length: 12 }, (_, i) => `<item><title>Troops report ${i + 1} from the border</title><link>http://wire.test/story/${i + 1}</link><guid>wire-${i + 1}</guid><pubDate>Mon, 0${(i % 9) + 1} Jun 2025 08:00:00 GMT</pubDate><description>Soldiers and troops were seen near the border in report ${i + 1}, a witness told the wire.</description></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Border Wire</title><link>http://wire.test/</link>${items.join('')}</channel></rss>`;
}

beforeAll(async () => {
  // /wire.xml answers at once; anything else takes 2.5 s, so slow work must be deferred inside Discord's 3 s deadline.
  slow = http.createServer((req, res) => {
    // Summary-only feeds whose items link to pages on this server, for full text.
    const teasers = /^\/teasers-(\w+)\.xml$/.exec(req.url ?? '');
    if (teasers) {
      const base = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
      // Each feed's items are about their own story (teasers of different feeds must not look alike).
      const story = TEASER_STORIES[teasers[1]!]!;
      const items = [1, 2, 3].map((n) => `<item><guid>${teasers[1]}-${n}</guid><title>${story.title} ${n}</title><link>${base}/page/${teasers[1]}-${n}</link><description>${story.teaser}</description></item>`);
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers ${teasers[1]}</title>${items.join('')}</channel></rss>`);
      return;
    }
    const page = /^\/page\/(\w+)-(\d)$/.exec(req.url ?? '');
    if (page) {
      const phrase = `${page[1]} granary ledger ${page[2]}`;
      const story = TEASER_STORIES[page[1]!]!;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<html><head><title>Story ${page[2]}</title></head><body><article><h1>Story ${page[2]}</h1>${`<p>${story.page(phrase)}</p>`.repeat(5)}</article></body></html>`);
      return;
    }
    if (req.url?.startsWith('/wire.xml')) {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(wireFeed());
      return;
    }
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Slow Wire</title><link>http://slow.test/</link>
        <item><title>Troops rumor spreads</title><link>http://slow.test/1</link><guid>s1</guid><description>Rumors about troops spread in the border provinces.</description></item>
      </channel></rss>`);
    }, 2500);
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/feed.xml`;
  wireUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/wire.xml`;
  emu = await DiscordEmulator.start({ guilds: [{ id: GUILD, name: 'Newsroom', channels: [{ id: CHANNEL, name: 'desk' }] }] });
  if (STORE === 'postgres') db = await startTestDatabase();
  // The bot's clock starts on a fixed day, whatever today is (undated items take its time).
  clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-clock-'));
  fs.writeFileSync(path.join(clockDir, 'offset'), String(Date.parse('2026-03-02T06:00:00Z') - Date.now()));
  bot = startBot({
    NEWSDESK_CLOCK_FILE: path.join(clockDir, 'offset'),
    ...(db ? { DATABASE_URL: db.url } : {}),
    DISCORD_TOKEN: emu.token,
    DISCORD_API_URL: emu.url,
    DISCORD_GUILD_ID: GUILD,
    ALLOW_PRIVATE_SOURCES: 'true',
    LOG_LEVEL: 'info',
  });
  await bot.waitForLog((l) => l.msg === 'ready', BOT_START_MS);
}, BOT_START_MS + 30_000);

afterAll(async () => {
  bot?.kill('SIGKILL');
  await emu?.stop();
  await new Promise((r) => slow?.close(r));
  if (bot) fs.rmSync(bot.dataDir, { recursive: true, force: true });
  if (clockDir) fs.rmSync(clockDir, { recursive: true, force: true });
  // The killed bot's connections are gone once its process is; the database can be dropped.
  await bot?.exited;
  await db?.close();
});

function command(name: string, options: Array<Record<string, unknown>> = [], user = ALICE, permissions = MANAGE_GUILD) {
  return emu.sendCommand({ name, options: options as never, guildId: GUILD, channelId: CHANNEL, user, permissions });
}

// Discord refuses what the emulator refuses: any refused payload fails the test that caused it.
afterEach(() => {
  expect(emu.refusals.map((r) => `${r.method} ${r.path}: ${r.lines.join('; ')}`)).toEqual([]);
});

describe(`Newsdesk on Discord (real discord.js client against the local emulator, ${STORE} store)`, () => {

  it(`keeps its records in the ${STORE} store`, () => {
    // With DATABASE_URL no SQLite file is made; without it, the file in DATA_DIR is the store.
    expect(fs.existsSync(`${bot.dataDir}/newsdesk.db`)).toBe(STORE === 'sqlite');
  });

  it(`starts the archive reader thread at start-up, before any search, only on SQLite`, async () => {
    // Until it serves, archive searches run on the event loop: the first ones after a restart
    // would hold every server's interactions.
    if (STORE === 'sqlite') await bot.waitForLog((l) => l.msg === 'archive reader started' && l.started === true, 30_000);
    else expect(bot.logs().some((l) => typeof l.msg === 'string' && l.msg.startsWith('archive reader'))).toBe(false);
  });

  it('registers every command to the guild with valid names, options and short descriptions', () => {
    const registered = emu.commands(GUILD);
    expect(registered.map((c) => c.name).sort()).toEqual(commandList().map((c) => c.definition.name).sort());
    const walk = (opts: Array<{ name: string; description: string; options?: unknown[] }> | undefined) => {
      for (const o of opts ?? []) {
        expect(o.description.length).toBeGreaterThan(0);
        expect(o.description.length).toBeLessThanOrEqual(100);
        walk(o.options as never);
      }
    };
    for (const c of registered) {
      expect(c.description.length).toBeLessThanOrEqual(100);
      walk(c.options as never);
    }
    expect(registered.find((c) => c.name === 'source')?.default_member_permissions).toBe(MANAGE_GUILD);
  });

  it('lets a moderator add a feed, with a preview', async () => {
    const msg = await command('source', [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: wireUrl }] }]).final(15_000);
    expect(msg.content).toMatch(/^Added source `[a-z0-9]+`\. Existing items are searchable now/);
    expect(msg.embeds[0].title).toBe('Border Wire');
    expect(msg.embeds[0].description).toContain('**Items:** 12');
  }, 20_000);

  it('answers /search with ranked cards, quoted bold excerpts and paging buttons', async () => {
    const i = command('search', [{ type: 3, name: 'query', value: 'troops' }]);
    const ack = await i.ack();
    expect(ack.type).toBe(4);
    const msg = (await i.final()) as { content: string; embeds: Array<{ title: string; description: string; footer?: { text: string } }>; components: Array<{ components: Array<{ custom_id: string; label: string; disabled?: boolean }> }> };
    expect(msg.content).toBe('**16** results for **troops** — showing 1–5, page 1/4');
    expect(msg.embeds).toHaveLength(5);
    expect(msg.embeds[0]!.title).toMatch(/^1\. /);
    for (const e of msg.embeds) expect(e.description).toMatch(/^> .*\*\*troops?\*\*/im);
    const [paging, reading] = msg.components;
    expect(paging!.components.map((b) => b.label)).toEqual(['◀ Previous', 'Next ▶']);
    expect(paging!.components[0]!.disabled).toBe(true);
    expect(reading!.components.map((b) => b.label)).toEqual(['Read 1', 'Read 2', 'Read 3', 'Read 4', 'Read 5']);
    for (const row of msg.components) for (const b of row.components) expect(b.custom_id.length).toBeLessThanOrEqual(100);
  });

  it('pages with ▶ for the searcher, and tells anyone else privately that they cannot', async () => {
    const i = command('search', [{ type: 3, name: 'query', value: 'troops' }]);
    const msg = (await i.final()) as never as { id: string; components: Array<{ components: Array<{ custom_id: string }> }> };
    const next = msg.components[0]!.components[1]!.custom_id;
    const byBob = emu.clickButton({ customId: next, message: msg as never, user: BOB, guildId: GUILD, channelId: CHANNEL });
    const bobAck = await byBob.ack();
    expect(bobAck.type).toBe(4);
    expect(bobAck.data.flags).toBe(64);
    expect(bobAck.data.content).toMatch(/^Only the person who ran this search can page/);
    const byAlice = emu.clickButton({ customId: next, message: msg as never, user: ALICE, guildId: GUILD, channelId: CHANNEL });
    const aliceAck = await byAlice.ack();
    expect(aliceAck.type).toBe(7);
    expect(aliceAck.data.content).toBe('**16** results for **troops** — showing 6–10, page 2/4');
    expect(aliceAck.data.embeds[0].title).toMatch(/^6\. /);
  });

  it('answers a one-page /search that Discord accepts (no duplicate custom_ids), and pages through first, middle and last pages', async () => {
    // `/search troops` over the seeds alone has 4 results: one page. The emulator refuses duplicate custom_ids like Discord.
    const one = command('search', [{ type: 3, name: 'query', value: 'troops' }, { type: 3, name: 'source', value: 'Daily NK' }]);
    const ack = await one.ack();
    expect(ack.type).toBe(4);
    const msg = (await one.final()) as never as { content: string; components: Array<{ components: Array<{ custom_id: string; label: string }> }> };
    expect(msg.content).toMatch(/^\*\*[1-5]\*\* results? for \*\*troops\*\* \(in Daily NK\) — showing 1–[1-5], page 1\/1$/);
    // No paging row: the Read and Cite rows only (each id distinct).
    expect(msg.components.map((r) => r.components[0]!.label.replace(/ \d+$/, ''))).toEqual(['Read', 'Cite']);
    // Every page of a 4-page result: first, middle, last — accepted, ids distinct, disabled ends.
    let page = (await command('search', [{ type: 3, name: 'query', value: 'troops' }]).final()) as never as { id: string; content: string; components: Array<{ components: Array<{ custom_id: string; disabled?: boolean }> }> };
    const seen: string[] = [];
    for (let p = 1; p <= 4; p++) {
      seen.push(page.content.replace(/^.*page /, ''));
      const [paging] = page.components;
      const ids = page.components.flatMap((r) => r.components.map((b) => b.custom_id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(paging!.components.map((b) => b.disabled ?? false)).toEqual([p === 1, p === 4]);
      if (p === 4) break;
      const next = await emu.clickButton({ customId: paging!.components[1]!.custom_id, message: page as never, user: ALICE, guildId: GUILD, channelId: CHANNEL }).ack();
      expect(next.type).toBe(7);
      page = { ...page, ...next.data } as never;
    }
    expect(seen).toEqual(['1/4', '2/4', '3/4', '4/4']);
    // After a 429 on the callback route, the retried one-page reply is still accepted.
    emu.injectRestFault({ method: 'POST', path: /\/interactions\/.*\/callback$/ }, { status: 429, retryAfter: 0.2 });
    const retried = (await command('search', [{ type: 3, name: 'query', value: 'Storm Corps' }]).final()) as never as { components: unknown[] };
    expect(retried.components).toHaveLength(2);
  });

  it('opens the whole article privately from a search result', async () => {
    const msg = (await command('search', [{ type: 3, name: 'query', value: 'Storm Corps' }]).final()) as never as { components: Array<{ components: Array<{ custom_id: string }> }> };
    // One result: no paging row, only the Read button.
    expect(msg.components.map((r) => r.components.map((b) => (b as { label?: string }).label))).toEqual([['Read 1'], ['Cite 1']]);
    const read = msg.components[0]!.components[0]!.custom_id;
    const ack = await emu.clickButton({ customId: read, message: msg as never, user: BOB, guildId: GUILD, channelId: CHANNEL }).ack();
    expect(ack.type).toBe(4);
    expect(ack.data.flags).toBe(64);
    expect(ack.data.embeds[0].title).toContain('thousands of soldiers North Korea sent to Russia');
    expect(ack.data.embeds[0].description).toContain('TAIPEI');
  });

  it('autocompletes queries and sources', async () => {
    const q = await emu.sendAutocomplete({ name: 'search', options: [{ type: 3, name: 'query', value: 'tro', focused: true }] as never, guildId: GUILD, channelId: CHANNEL, user: ALICE }).final();
    expect((q as { choices: Array<{ name: string }> }).choices.map((c) => c.name)).toContain('troops');
    const s = await emu.sendAutocomplete({ name: 'search', options: [{ type: 3, name: 'query', value: 'x' }, { type: 3, name: 'source', value: 'daily', focused: true }] as never, guildId: GUILD, channelId: CHANNEL, user: ALICE }).final();
    expect((s as { choices: Array<{ name: string }> }).choices.map((c) => c.name)).toEqual(['Daily NK (outlet)']);
    const wire = await emu.sendAutocomplete({ name: 'search', options: [{ type: 3, name: 'query', value: 'x' }, { type: 3, name: 'source', value: 'wire', focused: true }] as never, guildId: GUILD, channelId: CHANNEL, user: ALICE }).final();
    expect((wire as { choices: Array<{ name: string }> }).choices.map((c) => c.name)).toEqual([expect.stringMatching(/^Border Wire \(source [a-z0-9]+\)$/), 'Border Wire (outlet)']);
  });

  it('echoes a hostile query without pinging anyone or breaking formatting', async () => {
    const i = command('search', [{ type: 3, name: 'query', value: '@everyone **x** <@&1> [a](http://e.vil)' }]);
    const ack = await i.ack();
    const content: string = ack.data.content;
    expect(content).not.toMatch(/@everyone/);
    expect(content).toContain('@\u200beveryone');
    expect(content).not.toMatch(/<@&1>/);
    expect(content).toContain('\\*\\*x\\*\\*');
    expect(content).not.toMatch(/(?<!\\)\[a\]\(http/);
    expect(ack.data.allowed_mentions).toEqual({ parse: [] });
  });

  it('explains user errors privately', async () => {
    const ack = await command('search', [{ type: 3, name: 'query', value: 'troops' }, { type: 3, name: 'since', value: 'yesterday-ish' }]).ack();
    expect(ack.data.flags).toBe(64);
    expect(ack.data.content).toMatch(/^since "yesterday-ish" is not a date I understand/);
    const art = await command('article', [{ type: 3, name: 'id', value: 'nope' }]).ack();
    expect(art.data.flags).toBe(64);
    expect(art.data.content).toMatch(/^No article with id "nope"/);
    // Logged by kind for the operator, without what the member typed.
    const logged = await bot.waitForLog((l) => l.msg === 'user error' && l.userError === 'article.not-found', 10_000);
    expect(logged).toMatchObject({ command: 'article', guild: GUILD });
    expect(JSON.stringify(bot.logs().filter((l) => l.msg === 'user error'))).not.toContain('yesterday-ish');
  });

  it('answers /quote, /help and /stats', async () => {
    const quote = (await command('quote', [{ type: 3, name: 'query', value: 'rumor' }]).final()) as { content: string; embeds: Array<{ description: string }> };
    expect(quote.content).toMatch(/quotations? matching \*\*rumor\*\*/);
    expect(quote.embeds[0]!.description).toMatch(/^> “/);
    const help = (await command('help').final()) as { embeds: Array<{ description: string }> };
    expect(help.embeds[0]!.description).toContain('**/search**');
    const stats = (await command('stats').final()) as { embeds: Array<{ description: string }> };
    expect(stats.embeds[0]!.description).toMatch(/\*\*Articles:\*\* 17\b/);
  });

  it('shows who said each quotation, resolved, and filters /quote by an autocompleted speaker', async () => {
    const quote = (await command('quote', [{ type: 3, name: 'query', value: 'rumors' }]).final()) as { embeds: Array<{ description: string }> };
    const speakers = quote.embeds.map((e) => e.description.split('\n')[1]);
    expect(speakers).toContain('— a university student in Ryanggang province (told RFA Korean)');
    expect(speakers).toContain('— a military source (told Daily NK)');
    for (const line of speakers) expect(line).not.toMatch(/^— (he|she|they|the source) (said|says|added|revealed)/);
    const ac = await emu.sendAutocomplete({ name: 'quote', options: [{ type: 3, name: 'speaker', value: 'kim', focused: true }] as never, guildId: GUILD, channelId: CHANNEL, user: ALICE }).final();
    const choices = (ac as { choices: Array<{ name: string; value: string }> }).choices;
    expect(choices.map((c) => c.value)).toEqual(['Kim Yo Jong', 'Kim Yo Jong’s order']);
    expect(choices[0]!.name).toBe('Kim Yo Jong (2 quotations)');
    const byKim = (await command('quote', [{ type: 3, name: 'query', value: 'defectors' }, { type: 3, name: 'speaker', value: 'Kim Yo Jong' }]).final()) as { content: string; embeds: Array<{ description: string }> };
    expect(byKim.content).toBe('**2** quotations matching **defectors** said by **Kim Yo Jong**');
    expect(byKim.embeds.map((e) => e.description.split('\n')[1])).toEqual(['— Kim Yo Jong', '— Kim Yo Jong’s order']);
  });

  it('keeps the raw attribution clause in /article', async () => {
    const quote = (await command('quote', [{ type: 3, name: 'query', value: 'faculty department' }]).final()) as { embeds: Array<{ footer: { text: string } }> };
    const id = /id (\w+)/.exec(quote.embeds[0]!.footer.text)![1]!;
    const art = (await command('article', [{ type: 3, name: 'id', value: id }]).final()) as { embeds: Array<{ title?: string; description?: string }> };
    const listing = art.embeds.find((e) => e.title?.startsWith('Quotations'))!;
    expect(listing.description!.split('\n')).toContain('“On Oct. 23, students at my…” — a university student in Ryanggang province (told RFA Korean) · “he said”');
  });

  it('refuses /source to non-moderators, ephemerally', async () => {
    const ack = await command('source', [{ type: 1, name: 'list', options: [] }], BOB, NO_PERMISSIONS).ack();
    expect(ack.data.flags).toBe(64);
    expect(ack.data.content).toMatch(/^Only moderators/);
  });

  it('defers slow work inside the 3 s deadline and then answers', async () => {
    const i = command('source', [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: slowUrl }] }]);
    const ack = await i.ack();
    expect(ack.type).toBe(5);
    const msg = (await i.final(20_000)) as { content: string; embeds: Array<{ title: string; description: string }> };
    expect(msg.content).toMatch(/^Added source `[a-z0-9]+`/);
    expect(msg.embeds[0]!.title).toBe('Slow Wire');
    expect(msg.embeds[0]!.description).toContain('**Items:** 1');
  }, 30_000);

  it('still answers after a 429 on the reply route and a gateway RECONNECT', async () => {
    const before = emu.requests.length;
    emu.injectRestFault({ method: 'POST', path: /\/interactions\/\d+\/[^/]+\/callback/ }, { status: 429, retryAfter: 0.3 }, 1);
    const first = await command('search', [{ type: 3, name: 'query', value: 'Kimchaek' }]).final();
    expect((first as { content: string }).content).toMatch(/result/);
    emu.reconnectGateway();
    await bot.waitForLog((l) => l.msg === 'gateway resumed', 15_000);
    // The client resumed its session (op 6) instead of identifying again (op 2).
    expect(emu.resumes).toBe(1);
    expect(emu.identifies).toBe(1);
    const second = await command('search', [{ type: 3, name: 'query', value: 'Pentagon' }]).final();
    expect((second as { content: string }).content).toMatch(/result/);
    expect(emu.requests.slice(before).filter((r) => r.status === 429)).toHaveLength(1);
  }, 30_000);
});

describe('secrets stay out of the log', () => {
  it('logs a reply Discord refuses (a 400, not 10062/40060) with its code and route, never the interaction or webhook token', async () => {
    const invalid = { status: 400 as const, code: 50035, message: 'Invalid Form Body' };
    // The first answer (interaction callback: the token is in its path).
    emu.injectRestFault({ method: 'POST', path: /^\/interactions\/\d+\/[^/]+\/callback$/ }, invalid, 1);
    const direct = command('search', [{ type: 3, name: 'query', value: 'Kimchaek' }]);
    const first = await bot.waitForLog((l) => l.msg === 'interaction failed' && l.interaction === direct.id, 15_000);
    expect(first.err).toMatchObject({ type: 'DiscordAPIError', code: 50035, status: 400, method: 'POST', route: `/api/v10/interactions/${direct.id}/:token/callback?with_response=false` });
    // A deferred command's private answer (a follow-up through the interaction's webhook).
    emu.injectRestFault({ method: 'POST', path: /^\/webhooks\/\d+\/[^/]+$/ }, invalid, 1);
    const deferred = command('source', [{ type: 1, name: 'refresh', options: [{ type: 3, name: 'id', value: 'nosuchsource' }] }]);
    const second = await bot.waitForLog((l) => l.msg === 'interaction failed' && l.interaction === deferred.id, 15_000);
    expect(second.err).toMatchObject({ type: 'DiscordAPIError', code: 50035, status: 400, method: 'POST', route: `/api/v10/webhooks/${emu.applicationId}/:token?wait=true` });
    for (const secret of [direct.token, deferred.token, emu.token]) expect(bot.stderr()).not.toContain(secret);
    expect(bot.stderr()).not.toContain('requestBody');
  }, 30_000);
});

describe('/source management through Discord', () => {
  it('lists, pauses, shows health, resumes and removes (with confirmation) a source', async () => {
    const added = await command('source', [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: `${wireUrl}?copy=2` }, { type: 3, name: 'name', value: 'Wire Copy' }] }]).final(15_000);
    const id = /`([a-z0-9]+)`/.exec(added.content)![1]!;
    const list = await command('source', [{ type: 1, name: 'list', options: [] }]).final();
    expect(list.content).toMatch(/^\*\*\d+\*\* sources?$/);
    expect(list.embeds[0].description).toContain(`**Wire Copy** — \`${id}\` · rss · 🟢 active`);
    expect(list.embeds[0].description).toContain('12 articles · every 30 min · last success <t:');

    const paused = await command('source', [{ type: 1, name: 'pause', options: [{ type: 3, name: 'id', value: id }] }]).final();
    expect(paused.content).toBe(`Paused **Wire Copy** (\`${id}\`). Resume with \`/source resume id:${id}\`.`);
    const health = await command('source', [{ type: 1, name: 'health', options: [{ type: 3, name: 'id', value: id }] }]).final();
    expect(health.flags).toBe(64);
    expect(health.embeds[0].title).toBe(`Health of Wire Copy (${id})`);
    expect(health.embeds[0].description).toContain('⏸️ paused (paused by a moderator)');
    expect(health.embeds[0].description).toMatch(/✅ \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · HTTP 200 · \d+ ms · 12 new/);
    const resumed = await command('source', [{ type: 1, name: 'resume', options: [{ type: 3, name: 'id', value: id }] }]).final();
    expect(resumed.content).toMatch(/^Resumed \*\*Wire Copy\*\*/);

    const ac = await emu.sendAutocomplete({ name: 'source', options: [{ type: 1, name: 'remove', options: [{ type: 3, name: 'id', value: 'copy', focused: true }] }] as never, guildId: GUILD, channelId: CHANNEL, user: ALICE, permissions: MANAGE_GUILD }).final();
    expect(ac.choices).toEqual([{ name: `Wire Copy (${id}, active)`, value: id }]);
    // People type quotes into Discord's option fields too: around a name they are not part of it.
    const quoted = await emu.sendAutocomplete({ name: 'source', options: [{ type: 1, name: 'remove', options: [{ type: 3, name: 'id', value: '“wire co', focused: true }] }] as never, guildId: GUILD, channelId: CHANNEL, user: ALICE, permissions: MANAGE_GUILD }).final();
    expect(quoted.choices).toEqual(ac.choices);
    const byName = await command('source', [{ type: 1, name: 'health', options: [{ type: 3, name: 'id', value: '"Wire Copy"' }] }]).final();
    expect(byName.embeds[0].title).toBe(`Health of Wire Copy (${id})`);

    const ask = await command('source', [{ type: 1, name: 'remove', options: [{ type: 3, name: 'id', value: id }] }]).final();
    expect(ask.flags).toBe(64);
    expect(ask.content).toBe(`Remove **Wire Copy** (\`${id}\`) and its 12 articles from this server? This cannot be undone.`);
    const [removeButton, keepButton] = ask.components[0].components;
    expect(keepButton.custom_id).toBe(`src:keep:${id}`);
    // A member without Manage Server cannot press it.
    const refused = await emu.clickButton({ customId: removeButton.custom_id, message: ask, user: BOB, guildId: GUILD, channelId: CHANNEL, permissions: NO_PERMISSIONS }).ack();
    expect(refused.data.content).toBe('Only moderators can remove sources.');
    const done = await emu.clickButton({ customId: removeButton.custom_id, message: ask, user: ALICE, guildId: GUILD, channelId: CHANNEL, permissions: MANAGE_GUILD }).ack();
    expect(done.type).toBe(7);
    expect(done.data.content).toBe(`Removed **Wire Copy** (\`${id}\`) and its articles.`);
    expect(done.data.components).toEqual([]);
    const gone = await command('source', [{ type: 1, name: 'health', options: [{ type: 3, name: 'id', value: id }] }]).ack();
    expect(gone.data.content).toBe(`No source with id or name "${id}" in this server. /source list shows them.`);
  }, 30_000);
});

describe('full text through Discord', () => {
  async function searchUntil(query: string, want: number): Promise<string> {
    for (let tries = 0; tries < 100; tries++) {
      const reply = (await command('search', [{ type: 3, name: 'query', value: query }]).final()) as { content: string };
      const m = /^\*\*(\d+)\*\* results?/.exec(reply.content);
      if (m && Number(m[1]) >= want) return reply.content;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`"${query}" never reached ${want} results`);
  }
  const base = () => wireUrl.replace('/wire.xml', '');

  it('fetches the pages of the items present when a full-text source is added, answering at once', async () => {
    const i = command('source', [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: `${base()}/teasers-alpha.xml` }, { type: 5, name: 'full_text', value: true }] }]);
    const added = await i.final(15_000);
    const id = /`([a-z0-9]+)`/.exec(added.content)![1]!;
    expect(added.content).toBe(
      `Added source \`${id}\`. Fetching the full text of 3 items in the background; each becomes searchable as it arrives (progress: \`/source health id:${id}\`). Existing items are searchable now; digests and alerts will only announce new ones.`,
    );
    // A phrase found only on the items' pages becomes searchable as the pages arrive.
    expect(await searchUntil('"alpha granary ledger"', 3)).toMatch(/^\*\*3\*\* results for \*\*"alpha granary ledger"\*\*/);
    const health = await command('source', [{ type: 1, name: 'health', options: [{ type: 3, name: 'id', value: id }] }]).final();
    expect(health.embeds[0].description).toContain('Full text: 3 of 3 articles (100 %)');
  }, 30_000);

  it('fills the existing items when full text is switched on later', async () => {
    const added = await command('source', [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: `${base()}/teasers-bravo.xml` }] }]).final(15_000);
    const id = /`([a-z0-9]+)`/.exec(added.content)![1]!;
    const before = await command('source', [{ type: 1, name: 'health', options: [{ type: 3, name: 'id', value: id }] }]).final();
    // Off, nothing is "waiting": the items are summaries until full text is switched on.
    expect(before.embeds[0].description).toContain('Full text: 0 of 3 articles (0 %) · fetching pages is off (`/source edit full_text:true`)');
    expect(before.embeds[0].description).not.toContain('waiting');
    const none = (await command('search', [{ type: 3, name: 'query', value: '"bravo granary ledger"' }]).final()) as { content: string };
    expect(none.content).toMatch(/^No articles match/);
    const edited = await command('source', [{ type: 1, name: 'edit', options: [{ type: 3, name: 'id', value: id }, { type: 5, name: 'full_text', value: true }] }]).final();
    expect(edited.content).toContain('full text on. Fetching the full text of 3 items in the background');
    expect(await searchUntil('"bravo granary ledger"', 3)).toMatch(/^\*\*3\*\* results/);
  }, 30_000);
});

describe('npm run deploy-commands', () => {
  it('registers every command globally', async () => {
    const { execFile } = await import('node:child_process');
    const { ROOT } = await import('./helpers/bot-process.ts');
    // Asynchronous: the emulator lives in this process and must keep answering.
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', 'src/discord/deploy-commands.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.url },
        encoding: 'utf8',
      }, (_err, stdout) => resolve({ code: child.exitCode, stdout }));
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Registered ${commandList().length} global commands for application ${emu.applicationId}. They can take up to an hour to appear in every server.\n`);
    expect(emu.commands().map((c) => c.name)).toEqual(commandList().map((c) => c.definition.name));
  });
});

describe('graceful shutdown', () => {
  it('finishes the in-flight reply on SIGTERM and exits 0 (not through the hard stop, which exits 1)', async () => {
    const i = command('source', [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: slowUrl.replace('feed.xml', 'other.xml') }] }]);
    await i.ack();
    bot.kill('SIGTERM');
    const final = (await i.final(15_000)) as { content: string };
    expect(final.content).toMatch(/^Added source/);
    const { code } = await bot.exited;
    expect(code).toBe(0);
    expect(bot.logs().some((l) => l.msg === 'stopped')).toBe(true);
  }, 30_000);
});
