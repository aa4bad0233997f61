import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandList } from '../commands/index.ts';
import { inlineChartRenderer } from '../src/core/charts/renderer.ts';
import { Trends } from '../src/core/trend/trends.ts';
import type { ButtonResult, CommandContext, Invocation, OptionDef } from '../src/command.ts';
import type { Article } from '../src/core/article.ts';
import { silentLog } from '../src/core/deps.ts';
import { ParsePool } from '../src/core/feeds/parse-pool.ts';
import type { Reply } from '../src/core/reply.ts';
import { formatChoices, formatReply } from '../src/discord/format.ts';
import { toApiCommands } from '../src/discord/register.ts';
import { Dispatcher } from '../src/dispatch.ts';
import { QUERY_MAX_LENGTH } from '../src/replies/custom-id.ts';
import { validateAutocomplete, validateCommands, validateMessage } from './discord-emulator/validate.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { newsroomFixture, sourcesFor } from './helpers/newsroom-fixture.ts';

/**
 * Every payload the bot can build is one Discord accepts: every command, subcommand, button and
 * autocomplete, over a matrix of states (0, 1, 5, 6, 11 and 26 results; first, middle, last and only
 * page; text at and over every length limit; Markdown, mentions, emoji, RTL and CJK; the longest
 * queries with every filter), plus a property over random articles and queries. Each outgoing
 * message is checked by the emulator's validator (test/discord-emulator/validate.ts), which is
 * separate code from the formatter; a refusal fails with Discord's error path.
 */

const GUILD = '500000000000000001';
const CHANNEL = '500000000000000002';
const ROLE = '500000000000000003';
const MOD = { id: '18446744073709551615', name: 'moderator' };
const MANAGE_GUILD = 1n << 5n;

const HOSTILE =
  '**bold** __under__ ~~gone~~ `code` ||spoiler|| > quoted -# subtext @everyone @here <@123456789012345678> <@&123456789012345678> <#123456789012345678> <t:0:R> ' +
  '[masked](https://evil.example/) 😀👍🏽🇰🇷 مرحبا بالعالم 北朝鮮の兵士 김정은 위원장 \u202Ereversed\u202C zero\u200Bwidth \\ backslash';

let server: FeedServer;
let pool: ParsePool;
let f: Awaited<ReturnType<typeof newsroomFixture>>;
let dispatcher: Dispatcher;
let ctx: CommandContext;
let sourceId: string;
const checked = { messages: 0, autocompletes: 0, presses: 0 };

/** Fails with Discord's error lines if Discord would refuse any message this reply becomes. */
function expectAccepted(reply: Reply | ButtonResult, where: string): void {
  // Replies are built with distinct ids: the formatter's drop-a-duplicate net must never be needed.
  const ids = (reply.buttons ?? []).flat().map((b) => b.id).filter((id): id is string => id !== undefined);
  expect(new Set(ids).size, `${where}: duplicate custom_id in ${JSON.stringify(ids)}`).toBe(ids.length);
  const messages = formatReply(reply);
  const sentButtons = messages.flatMap((m) => m.components.flatMap((r) => r.components));
  expect(sentButtons.length, `${where}: the formatter dropped a button`).toBe((reply.buttons ?? []).flat().filter((b) => b.style !== 'link' || (b.url && b.url.length <= 512)).length);
  messages.forEach((m, i) => {
    const refused = validateMessage(m, { mode: 'create', interaction: true, files: m.files?.length ?? 0, fileNames: (m.files ?? []).map((x) => x.name) });
    expect(refused?.lines ?? [], `${where}, message ${i + 1}`).toEqual([]);
    checked.messages++;
  });
}

function inv(subcommand: string | undefined, options: Invocation['options'], user = MOD, permissions = MANAGE_GUILD): Invocation {
  return { user, guildId: GUILD, channelId: CHANNEL, permissions, roles: [], ...(subcommand ? { subcommand } : {}), options };
}

/** Runs a command, checks its reply, then presses every button reachable from it (breadth first, bounded). */
async function drive(name: string, invocation: Invocation, maxPresses = 40): Promise<Reply> {
  const reply = await dispatcher.run(name, invocation);
  const where = `/${name}${invocation.subcommand ? ` ${invocation.subcommand}` : ''} ${JSON.stringify(invocation.options)}`;
  expectAccepted(reply, where);
  const queue: Array<{ reply: Reply; path: string }> = [{ reply, path: where }];
  const pressed = new Set<string>();
  while (queue.length && pressed.size < maxPresses) {
    const { reply: current, path } = queue.shift()!;
    for (const b of (current.buttons ?? []).flat()) {
      if (!b.id || b.disabled || pressed.has(b.id) || pressed.size >= maxPresses) continue;
      // Destructive confirmations are pressed once, at the end of their own test.
      if (b.id.startsWith('src:rm:')) continue;
      pressed.add(b.id);
      const result = await dispatcher.button({ customId: b.id, user: invocation.user, guildId: GUILD, channelId: CHANNEL, permissions: invocation.permissions, roles: [], originalUserId: invocation.user.id });
      checked.presses++;
      expectAccepted(result, `${path} → [${b.label}] ${b.id}`);
      queue.push({ reply: result, path: `${path} → [${b.label}]` });
    }
  }
  return reply;
}

function article(i: number, words: string[], over: Partial<Article> = {}): Partial<Article> & { title: string; body: string[] } {
  return {
    title: `Report ${i} on ${words.join(' ')}`,
    outlet: 'Matrix Wire',
    byline: `By Reporter ${i}`,
    publishedAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
    body: [`The ${words.join(' and ')} story number ${i} was filed from the border town this week.`, `Officials said: “We will not comment on ${words[0]} today,” a spokesman added.`],
    ...over,
  };
}

beforeAll(async () => {
  server = await startFeedServer();
  server.route('/matrix.xml', {
    type: 'application/rss+xml',
    body: `<rss version="2.0"><channel><title>Matrix Wire ${'🗞️'.repeat(3)}</title><item><guid>m1</guid><title>Feed item</title><link>${'https://wire.example/'}m1</link><description>A feed item about bravo.</description></item></channel></rss>`,
  });
  pool = new ParsePool({ size: 1, timeoutMs: 10_000 });
  f = await newsroomFixture('2026-03-02T06:00:00Z');
  const sources = sourcesFor(f, pool);
  const trends = new Trends({ store: f.store, newsroom: f.newsroom, clock: f.clock, log: silentLog, charts: inlineChartRenderer });
  ctx = { newsroom: f.newsroom, sources, digests: f.digests, alerts: f.alerts, outbox: f.outbox, trends, moderatorRoleId: null } as CommandContext;
  dispatcher = new Dispatcher(ctx, silentLog, commandList());
  sourceId = (await f.source(GUILD, 'Matrix Wire', 'https://matrix.example/feed')).id;
  // Result counts by word: alpha 1, bravo 5, charlie 6, delta 11, echo 26.
  const counts: Array<[string, number]> = [['alpha', 1], ['bravo', 5], ['charlie', 6], ['delta', 11], ['echo', 26]];
  const arts = [];
  let i = 0;
  for (const [word, n] of counts) for (let k = 0; k < n; k++) arts.push(article(i++, [word]));
  // Text at and over every limit, hostile text, and URLs Discord would refuse in some places.
  arts.push(
    article(i++, ['foxtrot'], { title: `${'T'.repeat(255)} foxtrot`, outlet: 'O'.repeat(300), byline: 'B'.repeat(300), url: `https://wire.example/${'p'.repeat(3000)}` }),
    article(i++, ['foxtrot'], { title: `foxtrot ${HOSTILE} ${HOSTILE}`, outlet: HOSTILE, byline: HOSTILE, url: 'javascript:alert(1)', body: [`foxtrot ${HOSTILE}`.repeat(20), ...Array.from({ length: 60 }, (_, k) => `Paragraph ${k} about foxtrot ${HOSTILE}`)] }),
    article(i++, ['foxtrot'], { title: 'foxtrot', outlet: null, byline: null, publishedAt: null, url: null, body: [`“${'Quoted foxtrot words '.repeat(120)},” said ${'Someone '.repeat(60)}.`] }),
    article(i++, ['golf'], { title: `golf ${'長'.repeat(400)}`, body: ['golf '.repeat(3000)], tags: Array.from({ length: 80 }, (_, k) => `tag${k}`), caption: HOSTILE.repeat(10), editors: [HOSTILE] }),
  );
  (await f.ingest(sourceId, arts));
  await f.newsroom.indexArticles([]);
});

afterAll(async () => {
  await pool.close();
  await server.close();
});

describe('every command schema is one Discord accepts', () => {
  it('registers without a refusal', () => {
    expect(validateCommands(toApiCommands(commandList()))?.lines ?? []).toEqual([]);
  });
});

describe('every reply Discord receives is accepted', () => {
  it.each([
    ['0 results', 'zzyzxqq'],
    ['1 result (only page)', 'alpha'],
    ['5 results (only page, full)', 'bravo'],
    ['6 results (two pages)', 'charlie'],
    ['11 results (first, middle, last)', 'delta'],
    ['26 results (many pages)', 'echo'],
    ['limits and hostile text', 'foxtrot'],
    ['over-long everything', 'golf'],
    ['a phrase', '"story number"'],
    ['an excluded word', 'echo -delta'],
    ['typos', 'chralie'],
    ['hostile query', '@everyone **x** <@&1> [a](http://e.vil) 😀 北朝鮮'],
  ])('/search: %s', async (_state, query) => {
    await drive('search', inv(undefined, { query }));
  });

  it('/search export:true attaches results that Discord accepts', async () => {
    for (const query of ['echo', 'foxtrot', 'golf', 'zzyzxqq']) {
      const reply = await drive('search', inv(undefined, { query, export: true }), 10);
      if (query !== 'zzyzxqq') expect(reply.attachments?.length ?? 0, query).toBe(2);
    }
  });

  it('/search with the longest query and every filter, by the longest user id', async () => {
    const query = `echo ${'delta '.repeat(60)}`.slice(0, QUERY_MAX_LENGTH);
    expect(query.length).toBe(QUERY_MAX_LENGTH);
    for (const source of [sourceId, 'Matrix Wire', 'Daily NK']) {
      await drive('search', inv(undefined, { query, source, since: '2000-01-01', until: '2099-12-31' }));
    }
    await drive('search', inv(undefined, { query: 'echo', since: '30d' }));
  });

  it('/search user errors are accepted too', async () => {
    const cases: Array<Record<string, string>> = [{ query: 'x'.repeat(QUERY_MAX_LENGTH + 1) }, { query: '!!!' }, { query: '-echo' }, { query: 'echo', since: 'soon' }, { query: 'echo', since: '2030-01-01', until: '2020-01-01' }, { query: 'echo', source: 'nowhere' }];
    for (const options of cases) {
      const reply = await drive('search', inv(undefined, options));
      expect(reply.ephemeral).toBe(true);
    }
  });

  it('/quote, /article (one and many pages), /stats and /help', async () => {
    for (const query of ['comment', 'foxtrot', 'quoted', 'nothingmatches', HOSTILE.slice(0, QUERY_MAX_LENGTH)]) await drive('quote', inv(undefined, { query }));
    const speakers: Array<Record<string, string>> = [{ speaker: 'Kim Yo Jong' }, { speaker: 'a spokesman', query: 'comment' }, { speaker: 'Someone' }, { speaker: HOSTILE.slice(0, 100) }, { query: 'defectors', speaker: 'nobody at all' }];
    for (const options of speakers) await drive('quote', inv(undefined, options));
    const ids = (await f.newsroom.search({ guildId: GUILD }, { query: 'foxtrot' })).items.map((x) => x.article.id);
    const golf = (await f.newsroom.search({ guildId: GUILD }, { query: 'golf' })).items.map((x) => x.article.id);
    for (const id of [...ids, ...golf, 'missing', HOSTILE.slice(0, 100)]) await drive('article', inv(undefined, { id }), 80);
    // Citations in every style, the changes of an edited article, and stories.
    for (const id of [...ids.slice(0, 3), 'missing']) {
      for (const style of [undefined, 'ap', 'apa', 'chicago', 'mla']) await drive('cite', inv(undefined, style ? { id, style } : { id }));
      await drive('changes', inv(undefined, { id }));
      await drive('story', inv(undefined, { id }));
    }
    const key = 'guid:edited-story';
    const edit = async (title: string, body: string[]) =>
      (await f.store.ingest(sourceId, [{ article: { id: '', sourceId, title, byline: null, outlet: 'Matrix Wire', dateline: null, tags: [], caption: null, editors: [], url: 'https://wire.example/edited', publishedAt: null, body }, dedupeKey: key, contentHash: title + body.join(' ') }], { announce: true }));
    const first = await edit(`Hostile headline ${HOSTILE}`, [`First version of the kilo story. ${HOSTILE}`, 'Officials said nothing.']);
    await edit('A calmer kilo headline', ['Correction: An earlier version of this article misstated the date.', `Second version of the kilo story. ${HOSTILE}`]);
    await edit('A calmer kilo headline, updated', ['Correction: An earlier version of this article misstated the date.', 'Third version, entirely rewritten, of the kilo story with many new words in it.'.repeat(30)]);
    const editedId = first.inserted[0]!.id;
    const changes = await drive('changes', inv(undefined, { id: editedId }), 20);
    expect(changes.content).toBe('**A calmer kilo headline, updated** — edited 2 times');
    await drive('article', inv(undefined, { id: editedId }), 20);
    await drive('stats', inv(undefined, {}));
    await drive('help', inv(undefined, {}));
  });

  it('/trend and /trending: charts, comparisons, hostile outlets and queries, user errors', async () => {
    const charted: Array<Record<string, string | boolean>> = [
      { query: 'echo' },
      { query: 'echo', by: 'source', export: true },
      { query: 'foxtrot' },
      { query: 'alpha, bravo, charlie, delta, echo', interval: 'day' },
      { query: 'echo', since: '2026-01-01', until: '2026-02-28', interval: 'month' },
      { query: HOSTILE.slice(0, 200) },
      { query: 'zzyzxqq' },
      { query: 'a, b, c, d, e, f' },
      { query: 'echo, delta', by: 'outlet' },
      { query: 'echo', since: '2020', interval: 'day' },
    ];
    for (const options of charted) await drive('trend', inv(undefined, options));
    const chart = await dispatcher.run('trend', inv(undefined, { query: 'echo' }));
    expect(chart.attachments?.map((a) => [a.name, a.encoding])).toEqual([['trend.png', 'base64']]);
    for (const options of [{}, { since: '7d', chart: true }, { source: sourceId }, { source: 'nowhere' }] as Array<Record<string, string | boolean>>) await drive('trending', inv(undefined, options));
  }, 60_000);

  it('/source: add, list, health, edit, refresh, pause, resume and remove with its confirmation', async () => {
    const added = await drive('source', inv('add', { url: `${server.url}/matrix.xml`, name: HOSTILE.slice(0, 100), full_text: true }));
    const id = /`([a-z0-9]+)`/.exec(added.content ?? '')![1]!;
    await ctx.sources.idle();
    for (const [sub, options] of [
      ['list', {}],
      ['health', { id }],
      ['health', { id, limit: 25 }],
      ['edit', { id, full_text: false, interval: 5, name: HOSTILE.slice(0, 100) }],
      ['edit', { id }],
      ['refresh', { id }],
      ['pause', { id }],
      ['resume', { id }],
      ['add', { url: 'ftp://nope.example/' }],
      ['add', { url: `${server.url}/missing` }],
      ['health', { id: 'nope' }],
    ] as const) {
      await drive('source', inv(sub, options));
    }
    // Enough sources with long names that the list needs several embeds and more than 6,000 characters.
    for (let k = 0; k < 45; k++) (await f.source(GUILD, `${HOSTILE.slice(0, 60)} ${k}`, `https://many.example/${k}/${'q'.repeat(150)}`));
    const list = await drive('source', inv('list', {}));
    expect(formatReply(list).length).toBeGreaterThan(1);
    // Non-moderators are refused, privately and acceptably.
    await drive('source', inv('list', {}, { id: '1', name: 'reader' }, 0n));
    const confirm = await drive('source', inv('remove', { id }));
    const rm = confirm.buttons!.flat().find((b) => b.id?.startsWith('src:rm:'))!;
    expectAccepted(await dispatcher.button({ customId: rm.id!, user: MOD, guildId: GUILD, channelId: CHANNEL, permissions: MANAGE_GUILD, roles: [] }), 'remove confirmed');
  });

  it('/digest: subscribe, list, preview, now and unsubscribe, with a hostile beat', async () => {
    const sub = await drive('digest', inv('subscribe', { channel: CHANNEL, schedule: 'daily 08:00', timezone: 'Asia/Seoul', query: 'echo', sources: `${sourceId},Daily NK`, max_items: 50 }));
    const id = /`([a-z0-9]+)`/.exec(sub.content ?? '')?.[1] ?? /id ([a-z0-9]+)/.exec(JSON.stringify(sub))?.[1];
    expect(id).toBeTruthy();
    await drive('digest', inv('subscribe', { channel: CHANNEL, schedule: 'hourly', query: HOSTILE.slice(0, 100) }));
    await drive('digest', inv('subscribe', { channel: CHANNEL, schedule: '*/1 * * * *' }));
    await drive('digest', inv('subscribe', { channel: CHANNEL, schedule: 'daily', timezone: 'Mars/Olympus' }));
    for (const s of ['list', 'preview', 'now', 'unsubscribe']) await drive('digest', inv(s, s === 'list' ? {} : { id: id! }));
  });

  it('/alert: add (with a role, and refused without moderation), list and remove', async () => {
    const added = await drive('alert', inv('add', { query: 'echo delta', channel: CHANNEL, role: ROLE }));
    await drive('alert', inv('add', { query: HOSTILE.slice(0, 100) }));
    await drive('alert', inv('add', { query: 'x', role: ROLE }, { id: '2', name: 'reader' }, 0n));
    // Source deliveries: filters, a template at its longest, outlet identity, preview and resume.
    const delivery = await drive('alert', inv('add', { source: sourceId, include: 'echo, delta, foxtrot', exclude: 'rumour, 北朝鮮, @everyone, **bold**, <@&1>', match_text: true, min_words: 3, byline_required: true, template: `{title} {outlet} {byline} {date} {lead} {tags} {link} ${HOSTILE}`.slice(0, 1000), identity: 'outlet' }));
    expect(delivery.ephemeral, delivery.content).not.toBe(true);
    await drive('alert', inv('add', { source: sourceId, template: '{nope}' }));
    await drive('alert', inv('add', { source: 'missing' }));
    const previews: Array<Record<string, string>> = [{ source: sourceId }, { source: sourceId, query: 'echo' }, { source: sourceId, query: HOSTILE.slice(0, 100) }, { source: 'missing' }];
    for (const options of previews) await drive('alert', inv('preview', options));
    await drive('alert', inv('list', {}));
    const id = /`([a-z0-9]+)`/.exec(added.content ?? '')?.[1] ?? 'none';
    const deliveryId = /`([a-z0-9]+)`/.exec(delivery.content ?? '')?.[1] ?? 'none';
    await drive('alert', inv('resume', { id: deliveryId }));
    await drive('alert', inv('remove', { id }));
  });

  it('every autocomplete answer, for every option that has one, with empty, short, long and hostile input', async () => {
    const inputs = ['', 'e', 'ech', 'Matrix', 'daily', 'Asia/', HOSTILE.slice(0, 100), 'x'.repeat(100)];
    const walk = async (name: string, sub: string | undefined, options: OptionDef[] | undefined) => {
      for (const o of options ?? []) {
        if (!o.autocomplete) continue;
        for (const value of inputs) {
          const choices = formatChoices(await dispatcher.autocomplete(name, inv(sub, { [o.name]: value }), { name: o.name, value }));
          expect(validateAutocomplete({ choices })?.lines ?? [], `/${name} ${sub ?? ''} ${o.name}=${JSON.stringify(value)}`).toEqual([]);
          checked.autocompletes++;
        }
      }
    };
    for (const c of commandList()) {
      await walk(c.definition.name, undefined, c.definition.options);
      for (const s of c.definition.subcommands ?? []) await walk(c.definition.name, s.name, s.options);
    }
    expect(checked.autocompletes).toBeGreaterThan(40);
  });

  it('scheduled posts (digests and alerts) are accepted as channel posts', async () => {
    const posted = f.poster.posts;
    f.clock.advance(2 * 86_400_000);
    (await f.ingest(sourceId, [article(900, ['echo', 'delta'], { title: `echo delta ${HOSTILE}` })]));
    (await f.digests.tick());
    (await f.alerts.check());
    await f.outbox.deliverPending();
    expect(posted.length).toBeGreaterThan(0);
    for (const p of posted) {
      for (const m of formatReply(p.reply)) expect(validateMessage({ ...m, nonce: p.nonce.slice(0, 25), enforce_nonce: true }, { mode: 'create', interaction: false })?.lines ?? [], `post to ${p.channelId}`).toEqual([]);
    }
  });
});

describe('property: random articles and queries always give accepted replies', () => {
  it('search, every button and the whole article', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 400 });
    const word = fc.stringMatching(/^[a-z]{3,9}$/);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ title: text, outlet: fc.option(text, { nil: null }), byline: fc.option(text, { nil: null }), body: fc.array(text, { minLength: 1, maxLength: 8 }), extra: word }), { minLength: 1, maxLength: 12 }),
        fc.array(word, { minLength: 1, maxLength: 3 }),
        async (arts, words) => {
          const src = (await f.source(GUILD, `Random ${run}`, `https://random.example/${run++}`)).id;
          const marker = words[0]!;
          (await f.ingest(src, arts.map((a, i) => ({ title: a.title || '(untitled)', outlet: a.outlet, byline: a.byline, body: [...a.body, `${marker} ${a.extra} ${i}`] }))));
          await drive('search', inv(undefined, { query: words.join(' ').slice(0, QUERY_MAX_LENGTH), source: src }), 12);
        },
      ),
      { numRuns: Number(process.env.CONFORMANCE_RUNS ?? 60), seed: 20261129 },
    );
  });

  afterAll(() => {
    // How much was checked, for the README.
    console.log(JSON.stringify({ conformance: checked }));
  });
});
