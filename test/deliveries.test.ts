import { isUserError } from '../src/core/errors.ts';
import { userErrorText } from '../src/replies/user-errors.ts';
import fc from 'fast-check';
/**
 * The parts of a feed delivery, over real inputs: item pictures from real feeds and pages, the
 * lead of the seed articles, filters and their reasons, templates (validation, escaping, limits),
 * webhook names, burst planning, and the emulator's webhook validation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextSlot, planBurst } from '../src/core/outbox/bursts.ts';
import { filterVerdict, parseFilters, NO_FILTERS } from '../src/core/alerts/filters.ts';
import { webhookName } from '../src/core/outbox/identity.ts';
import { leadOf, renderItemPost, renderRoundups } from '../src/core/alerts/render.ts';
import { placeholderValues, renderTemplate, validateTemplate } from '../src/core/alerts/templates.ts';
import { checkEach, pagePastWatermark } from '../src/core/alerts/watermark.ts';
import type { Article } from '../src/core/article.ts';
import { extractPage } from '../src/core/feeds/extract-page.ts';
import { parseFeed } from '../src/core/feeds/parse-feed.ts';
import { formatReply } from '../src/discord/format.ts';
import { validateMessage } from './discord-emulator/validate.ts';
import { validateWebhookCreate, validateWebhookExecute } from './discord-emulator/validate-webhook.ts';

import { seedArticles } from './helpers/seed-articles.ts';
const channelPostProblems = (m: unknown) => validateMessage(m, { mode: 'create', interaction: false })?.lines ?? [];
const createProblems = (b: Record<string, unknown>) => validateWebhookCreate(b)?.lines ?? [];
const executeProblems = (b: Record<string, unknown>) => validateWebhookExecute(b)?.lines ?? [];

const CORPORA = path.resolve(import.meta.dirname, '../../shared/corpora');
const feed = (rel: string) => parseFeed(fs.readFileSync(path.join(CORPORA, 'feeds', rel), 'utf8'), { url: 'https://feed.example/', now: new Date('2026-01-01T00:00:00Z') });
const seeds = seedArticles();
const seed = (k: string) => seeds.get(k)!;

describe('item pictures (https only, never fetched)', () => {
  it.each([
    ['rss-parser/input/reddit.rss', 0, 'https://b.thumbs.redditmedia.com/z4zzFBqZ54WT-rFfKXVor4EraZtJVw7AodDvOZ7kitQ.jpg'],
    ['rss-parser/input/reddit.rss', 1, undefined],
    ['rss-parser/input/many-links.rss', 8, 'https://2.bp.blogspot.com/-ZSpYiLN8VOU/WRCII1KSWmI/AAAAAAAAARk/uVk7QKXqHqQmbTIhgCeaJ4Z0q8-OeVQWQCLcB/s72-c/Copy_of0.png'],
    ['rss-parser/input/many-links.rss', 10, undefined],
    // BBC Urdu: media:thumbnail on every item, but over http: not shown.
    ['encodings/reader-parser/urdu_UTF8.xml', 0, undefined],
    // An image enclosure over http: not shown either.
    ['feedparser/wellformed/rss/item_enclosure_type.xml', 0, undefined],
    ['jsonfeed/gofeed/version_json_11.json', 0, 'https://sample-json-feed.com/image.png'],
  ])('%s item %i → %s', (file, index, image) => {
    expect(feed(file).items[index]!.image).toBe(image);
  });

  it('counts: every reddit thumbnail is https, no BBC Urdu item has a picture', () => {
    expect(feed('rss-parser/input/reddit.rss').items.filter((i) => i.image).length).toBe(16);
    expect(feed('encodings/reader-parser/urdu_UTF8.xml').items.filter((i) => i.image).length).toBe(0);
    expect(feed('rss-parser/input/reddit.rss').image).toBe('https://www.redditstatic.com/reddit.com.header.png');
  });

  it.each([
    ['medicalnewstoday', 'https://cdn1.medicalnewstoday.com/content/images/headlines/318/318674/hand-holding-brain-lightbulb.jpg'],
    ['telegraph', undefined],
    ['wapo-1', undefined],
  ])('og:image of the %s page → %s', (name, image) => {
    const html = fs.readFileSync(path.join(CORPORA, 'pages/readability', name, 'source.html'), 'utf8');
    expect(extractPage(html, `https://${name}.example/article`).image).toBe(image);
  });
});

describe('the lead: first sentences, not the whole body', () => {
  it.each([
    ['000', 'Families with sons and daughters serving in the military have been ordered to write letters of encouragement, Daily NK has learned.'],
    ['003', 'Authorities in North Korea are searching for the source of reports that North Korean soldiers had been sent to Russia to join in the Ukraine conflict, according to people with knowledge of the situation.'],
  ])('seed %s', (k, lead) => {
    expect(leadOf(seed(k))).toBe(lead);
  });

  it.each([
    [{ title: 'T', body: ['One. Two. Three.'] }, 'One. Two. Three.'],
    [{ title: 'Same title', body: ['Same title', 'The real first sentence. Another.'] }, 'The real first sentence. Another.'],
    [{ title: 'Long', body: [`${'word '.repeat(120)}end.`] }, `${'word '.repeat(79).trim()}…`],
    [{ title: 'Empty', body: [] }, ''],
  ])('%j', (a, lead) => {
    expect(leadOf(a)).toBe(lead);
  });
});

describe('filters', () => {
  const f = (o: Parameters<typeof parseFilters>[0]) => parseFilters(o);
  it.each([
    ['001', f({ include: 'crackdown, missile' }), { pass: true }],
    ['000', f({ include: 'crackdown, missile' }), { pass: false, reason: 'none of "crackdown", "missile" in title' }],
    ['000', f({ include: 'defectors', matchText: true }), { pass: false, reason: 'none of "defectors" in title or text' }],
    ['004', f({ include: 'defectors', matchText: true }), { pass: true }],
    ['002', f({ exclude: 'ukraine' }), { pass: false, reason: '"ukraine" in title' }],
    // Whole words: "war" is not "warning"; "Moscow’s war" matches.
    ['002', f({ exclude: 'war' }), { pass: false, reason: '"war" in title' }],
    ['003', f({ exclude: 'war' }), { pass: true }],
    ['003', f({ exclude: 'soldier deployment' }), { pass: false, reason: '"soldier deployment" in title' }],
    ['001', f({ minWords: 400 }), { pass: false, reason: '357 words, fewer than 400' }],
    ['003', f({ minWords: 400 }), { pass: true }],
    ['001', f({ bylineRequired: true }), { pass: false, reason: 'no byline' }],
    ['003', f({ bylineRequired: true }), { pass: true }],
    ['003', NO_FILTERS, { pass: true }],
  ])('seed %s with %j', (k, filters, verdict) => {
    expect(filterVerdict(seed(k), filters)).toEqual(verdict);
  });

  it.each([
    [{ include: 'war', exclude: 'War' }, '"war" is both included and excluded; keep it in one of the two.'],
    [{ include: Array.from({ length: 21 }, (_, i) => `w${i}`).join(',') }, 'include: at most 20 words or phrases (got 21).'],
    [{ exclude: 'x'.repeat(61) }, `exclude: "${'x'.repeat(61)}" is longer than 60 characters.`],
  ])('%j is refused', (o, message) => {
    expect(() => parseFilters(o)).toThrow(message);
  });
});

describe('templates', () => {
  it.each([
    ['{title} by {author}', 'template: unknown placeholder {author}. Use {title} {link} {outlet} {byline} {date} {lead} {tags}.'],
    ['{Title}', 'template: unknown placeholder {Title}. Use {title} {link} {outlet} {byline} {date} {lead} {tags}.'],
    ['News!', 'template: no placeholder, so every post would be the same text. Use {title} {link} {outlet} {byline} {date} {lead} {tags}.'],
    ['   ', 'template: it is empty; leave the option out to use the standard post.'],
    [`{title}${'x'.repeat(1000)}`, 'template: 1007 characters, more than 1000.'],
  ])('%j is refused on save', (t, message) => {
    expect(() => validateTemplate(t)).toThrow(message);
  });

  it('fills every placeholder, escaped, with \\n as a line break', () => {
    const a = seed('003');
    const t = validateTemplate('**{outlet}** | {title} — {byline}\\n{date} {tags}\\n> {lead}\\n{link}');
    const out = renderTemplate(t, placeholderValues({ ...a, url: 'https://www.rfa.org/x', publishedAt: '2024-10-10T12:00:00.000Z', tags: ['war', 'a*b'] }, leadOf(a), 'Radio Free Asia'));
    expect(out).toBe(
      '**Radio Free Asia** | North Korea Hunting For Source Of Reports On Soldier Deployment To Ukraine Conflict — Moon Sung Whui\n' +
        '<t:1728561600:f> war, a\\*b\n> Authorities in North Korea are searching for the source of reports that North Korean soldiers had been sent to Russia to join in the Ukraine conflict, according to people with knowledge of the situation.\nhttps://www.rfa.org/x',
    );
  });

  it('hostile titles cannot ping or format', () => {
    const a: Article = { ...seed('000'), title: '@everyone **breaking** <@&123> [x](https://evil.example)', url: 'javascript:alert(1)' };
    expect(renderTemplate('{title} {link}', placeholderValues(a, '', 'X'))).toBe('@\u200beveryone \\*\\*breaking\\*\\* \\<@&123\\> \\[x\\]\\(https://evil.example\\) ');
  });

  it('stays within 2,000 characters: the lead gives way, the link survives', () => {
    const a: Article = { ...seed('004'), url: 'https://www.dailynk.com/english/long' };
    const out = renderTemplate('{title}\n{lead}\n{lead}\n{link}', placeholderValues(a, 'word '.repeat(800), 'Daily NK'));
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out.endsWith('\nhttps://www.dailynk.com/english/long')).toBe(true);
    expect(channelPostProblems(formatReply({ content: out })[0])).toEqual([]);
  });
});

describe('posts', () => {
  it('the standard post of a seed article with a picture', () => {
    const a: Article = { ...seed('003'), url: 'https://www.rfa.org/english/news/korea/source.html', publishedAt: '2024-10-10T12:00:00.000Z', image: 'https://www.rfa.org/photo.jpg' };
    const [message] = formatReply(renderItemPost(a, { outlet: 'Radio Free Asia', marker: 'ref abcdefghij', template: null, roleId: null, firstSeenAt: '2024-10-10T13:00:00.000Z' }));
    expect(message).toEqual({
      embeds: [
        {
          color: 0x2f855a,
          author: { name: 'Radio Free Asia · By Moon Sung Whui' },
          title: 'North Korea Hunting For Source Of Reports On Soldier Deployment To Ukraine Conflict',
          url: 'https://www.rfa.org/english/news/korea/source.html',
          description:
            'Authorities in North Korea are searching for the source of reports that North Korean soldiers had been sent to Russia to join in the Ukraine conflict, according to people with knowledge of the situation.',
          timestamp: '2024-10-10T12:00:00.000Z',
          footer: { text: 'Radio Free Asia · ref abcdefghij' },
          thumbnail: { url: 'https://www.rfa.org/photo.jpg' },
        },
      ],
      components: [],
      allowed_mentions: { parse: [] },
    });
  });

  it('an http picture never reaches Discord', () => {
    const [message] = formatReply({ cards: [{ title: 't', thumbnail: 'http://x.example/a.jpg', image: 'https://x.example/b.jpg' }] });
    expect(message!.embeds[0]).toEqual({ color: 0x2b6cb0, title: 't', image: { url: 'https://x.example/b.jpg' } });
  });

  it('a grouped post of 200 links is cut into messages Discord accepts, nothing lost', () => {
    const items = Array.from({ length: 200 }, (_, i): Article => ({ ...seed('000'), id: `a${i}`, title: `${'Long headline '.repeat(8)}${i}`, url: `https://wire.example/${i}` }));
    const groups = renderRoundups(items, 'AP');
    expect(groups.map((g) => g.articles.length)).toEqual([43, 43, 43, 43, 28]);
    for (const [i, g] of groups.entries()) {
      const parts = formatReply(g.post('ref x', i + 1, groups.length));
      expect(parts).toHaveLength(1);
      expect(channelPostProblems(parts[0])).toEqual([]);
    }
    expect(groups[0]!.post('ref x', 1, 5).content).toBe('**+200 more from AP** (part 1 of 5, oldest first)');
    expect(groups.flatMap((g) => g.articles.map((a) => a.id))).toEqual(items.map((a) => a.id));
  });
});

describe('webhook names and bursts', () => {
  it.each([
    ['AP', 'AP'],
    ['Discord Daily', 'Daily'],
    ['The CLYDE report', 'The report'],
    ['discord', 'Newsdesk'],
    ['@everyone', 'Newsdesk'],
    ['News #1: today', 'News 1 today'],
    ['x'.repeat(100), 'x'.repeat(80)],
    // Removing the characters first: they must not leave a reserved word behind.
    ['cl@yde News', 'News'],
    ['Dis#cord Daily', 'Daily'],
    ['Dis`cord: the ```clyde``` hour', 'the hour'],
    ['discclydeord', 'Newsdesk'],
    ['CLclydeYDE Times', 'Times'],
  ])('%j → %j', (outlet, name) => {
    expect(webhookName(outlet)).toBe(name);
    expect(executeProblems({ username: name })).toEqual([]);
  });

  it('makes every outlet name one Discord accepts (property)', () => {
    const alphabet = fc.constantFrom(...'discordclydeDISCORDCLYDE@#:` everyonehere xé\u200b'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: alphabet, maxLength: 120 }), fc.string({ maxLength: 120 })), (outlet) => executeProblems({ username: webhookName(outlet) }).length === 0),
      { numRuns: 2000 },
    );
  });

  it.each([
    [5, 5, 5, 0],
    [10, 5, 4, 6],
    [40, 4, 3, 37],
    [40, 0, 0, 40],
    [1, 0, 1, 0],
    [2, 1, 0, 2],
  ])('%i items with a budget of %i → %i single posts and %i grouped', (n, budget, singles, grouped) => {
    const plan = planBurst(Array.from({ length: n }, (_, i) => i), budget);
    expect([plan.singles.length, plan.grouped.length]).toEqual([singles, grouped]);
    expect([...plan.singles, ...plan.grouped]).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it.each([
    [[], null],
    [['2026-01-01T00:00:10.000Z', '2026-01-01T00:00:20.000Z'], null],
    [['2026-01-01T00:00:10.000Z', '2026-01-01T00:00:20.000Z', '2026-01-01T00:00:30.000Z'], '2026-01-01T00:01:10.001Z'],
  ])('posted at %j with 3 a minute → next slot %s', (posted, slot) => {
    expect(nextSlot(posted, new Date('2026-01-01T00:00:40Z'), 3)?.toISOString() ?? null).toBe(slot);
  });
});

describe('the watermark loop both alert kinds share', () => {
  // Items are their own positions; upto 100. Search alerts read and take 3 (a full read may stop
  // short of upto); change alerts read 5 and take 2.
  it.each<[string, number[], { read: number; take: number }, number[], number]>([
    ['nothing new: the watermark moves to upto', [], { read: 3, take: 3 }, [], 100],
    ['all read: to upto', [4, 7], { read: 3, take: 3 }, [4, 7], 100],
    ['a full read may have stopped short: to its last item', [4, 7, 9], { read: 3, take: 3 }, [4, 7, 9], 9],
    ['more than one check takes: to the last one taken', [4, 7, 9], { read: 5, take: 2 }, [4, 7], 7],
    ['exactly what one check takes: to upto', [4, 7], { read: 5, take: 2 }, [4, 7], 100],
  ])('%s', (_name, items, limits, taken, through) => {
    expect(pagePastWatermark(items, limits, 100, (n) => n)).toEqual({ taken, through });
  });

  it('checks every unit, sums what each filed, and logs a failing one without stopping', async () => {
    const failed: string[] = [];
    const between: string[] = [];
    const check = async (u: string) => {
      if (u === 'b') throw new Error('boom');
      return u.length;
    };
    const filed = await checkEach(['a', 'b', 'ccc'], check, (u, err) => failed.push(`${u}: ${(err as Error).message}`), async () => between.push('.'));
    expect([filed, failed, between.length]).toEqual([4, ['b: boom'], 3]);
  });
});

describe('emulator webhook validation (as strict as Discord)', () => {
  it.each([
    [{ name: 'Newsdesk deliveries' }, []],
    [{}, ['name: This field is required']],
    [{ name: '' }, ['name: Must be between 1 and 80 in length.']],
    [{ name: 'x'.repeat(81) }, ['name: Must be between 1 and 80 in length.']],
    [{ name: 'My Discord hook' }, ['name: Username cannot contain "discord"']],
    [{ name: 'clyde' }, ['name: Username cannot contain "clyde"']],
  ])('create %j', (body, problems) => {
    expect(createProblems(body)).toEqual(problems);
  });

  it.each([
    [{ content: 'x', username: 'AP', avatar_url: 'https://ap.example/a.png' }, []],
    [{ content: 'x', avatar_url: 'ftp://ap.example/a.png' }, ['avatar_url: Not a well formed URL.']],
    [{ content: 'x', avatar_url: 'not a url' }, ['avatar_url: Not a well formed URL.']],
    [{ content: 'x', username: 'Discord News' }, ['username: Username cannot contain "discord"']],
    [{ content: 'x', username: 'here' }, ['username: Username cannot be "here"']],
    [{ content: 'x', username: 'cl@yde' }, ['username: Username cannot contain "@"']],
    [{ content: 'x', username: 'News #1' }, ['username: Username cannot contain "#"']],
    [{ content: 'x', username: 'A: B' }, ['username: Username cannot contain ":"']],
    [{ content: 'x', username: '   ' }, ['username: Username cannot be blank']],
    [{ content: 'x', nonce: 'abc' }, ['nonce: Not accepted by webhook execution']],
  ])('execute %j', (body, problems) => {
    expect(executeProblems(body)).toEqual(problems);
  });
});

describe('deliveries over the real store and outbox (in-memory SQLite, fake clock)', () => {
  async function setup() {
    const { newsroomFixture } = await import('./helpers/newsroom-fixture.ts');
    const { Alerts } = await import('../src/core/alerts/index.ts');
    const { Outbox } = await import('../src/core/outbox/index.ts');
    const { silentLog } = await import('../src/core/deps.ts');
    const f = await newsroomFixture('2026-03-02T06:00:00Z');
    const alerts = new Alerts({ store: f.store, clock: f.clock, log: silentLog, newsroom: f.newsroom, postsPerMinute: 3 });
    const notices: Array<{ channelId: string; text: string }> = [];
    const outbox = new Outbox({
      store: f.store,
      clock: f.clock,
      log: silentLog,
      poster: f.poster,
      postsPerMinute: 3,
      deliveries: alerts.hooks(async (channelId, key, text) => {
        notices.push({ channelId, text });
        (await f.store.enqueueOutbox({ kind: 'notice', refId: 'delivery', windowKey: key, channelId, payload: { content: text }, nonce: key.slice(0, 22) }));
      }),
    });
    return { ...f, alerts, outbox, notices };
  }
  const items = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ title: `Story ${from + i}`, body: [`Story ${from + i} happened. More follows.`], publishedAt: new Date(Date.UTC(2026, 2, 1, 0, from + i)).toISOString() }));
  const linksIn = (reply: import('../src/core/reply.ts').Reply) =>
    [...JSON.stringify(reply).matchAll(/https:\/\/wire\.example\/Story%20(\d+)/g)].map((m) => Number(m[1]));

  it('refuses a search alert that matches most of what the server can search, with the numbers', async () => {
    const f = await setup();
    const src = await f.source('g1');
    await f.ingest(src.id, items(1, 20));
    await expect(f.alerts.add({ guildId: 'g1', channelId: 'c', userId: 'u', query: 'happened' })).rejects.toThrow(
      /^\*\*happened\*\* matches 20 of the 25 articles this server can search \(80 %\): an alert for it would post almost everything new\./,
    );
    expect((await f.alerts.add({ guildId: 'g1', channelId: 'c', userId: 'u', query: 'story 7' })).query).toBe('story 7');
  });

  it('bursts: 3 a minute per channel, the rest grouped and held, every item once, oldest first', async () => {
    const f = await setup();
    const src = (await f.source('g1'));
    const d = (await f.alerts.add({ guildId: 'g1', channelId: 'c-wire', userId: 'u', sourceId: src.id }));
    (await f.ingest(src.id, items(1, 7).reverse()));
    expect((await f.alerts.check())).toBe(3);
    expect(await f.outbox.deliverPending()).toBe(3);
    (await f.ingest(src.id, items(8, 9)));
    expect((await f.alerts.check())).toBe(1);
    expect(await f.outbox.deliverPending()).toBe(0);
    f.clock.advance(61_000);
    expect(await f.outbox.deliverPending()).toBe(1);
    const posts = f.poster.posts.filter((p) => p.channelId === 'c-wire');
    expect(posts.map((p) => p.reply.content ?? null)).toEqual([null, null, '**+5 more from Wire** (oldest first)', '**+2 more from Wire** (oldest first)']);
    expect(posts.flatMap((p) => linksIn(p.reply))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await f.store.getAlert(d.id))).toMatchObject({ delivered: 4, skipped: 0, failed: 0, status: 'active' });
  });

  it('a deleted channel pauses the delivery, holds its posts and tells the source channel; resume sends them', async () => {
    const { PermanentPostError } = await import('../src/core/outbox/index.ts');
    const f = await setup();
    const src = (await f.source('g1'));
    const d = (await f.alerts.add({ guildId: 'g1', channelId: 'c-gone', userId: 'u', sourceId: src.id, filters: parseFilters({ exclude: 'story 2' }) }));
    (await f.ingest(src.id, items(1, 3)));
    (await f.alerts.check());
    f.poster.fail = new PermanentPostError('channel c-gone: Unknown Channel (code 10003)', 10003);
    expect(await f.outbox.deliverPending()).toBe(0);
    expect((await f.store.getAlert(d.id))).toMatchObject({ status: 'paused', pausedReason: 'paused after a failed post: channel c-gone: Unknown Channel (code 10003)', failed: 1, skipped: 1 });
    expect(f.notices).toEqual([
      {
        channelId: 'c-notices',
        text: `⚠️ Delivery \`${d.id}\` to <#c-gone> paused itself: channel c-gone: Unknown Channel \\(code 10003\\)\nIts posts are kept. Give the bot access to the channel (or remove the delivery with \`/alert remove id:${d.id}\`), then run \`/alert resume id:${d.id}\`.`,
      },
    ]);
    // While paused: new items wait behind the watermark, held posts are not tried.
    (await f.ingest(src.id, items(4, 4)));
    expect((await f.alerts.check())).toBe(0);
    f.poster.fail = null;
    await f.outbox.deliverPending();
    expect(f.poster.posts.filter((p) => p.channelId === 'c-gone')).toEqual([]);
    (await f.alerts.resume('g1', d.id));
    (await f.alerts.check());
    await f.outbox.deliverPending();
    expect(f.poster.posts.filter((p) => p.channelId === 'c-gone').flatMap((p) => linksIn(p.reply))).toEqual([1, 3, 4]);
  });

  it('removing the source removes its deliveries; their held posts are dropped, not sent', async () => {
    const f = await setup();
    const src = (await f.source('g1'));
    (await f.alerts.add({ guildId: 'g1', channelId: 'c-wire', userId: 'u', sourceId: src.id }));
    (await f.ingest(src.id, items(1, 2)));
    (await f.alerts.check());
    (await f.store.deleteSource(src.id));
    expect((await f.alerts.list('g1'))).toEqual([]);
    expect(await f.outbox.deliverPending()).toBe(0);
    expect((await f.store.listOutbox({ kind: 'delivery' })).map((r) => [r.status, r.lastError])).toEqual([
      ['failed', 'the delivery was removed'],
      ['failed', 'the delivery was removed'],
    ]);
  });

  it.each([
    [{ guildId: 'g1', channelId: 'c', userId: 'u' }, 'Give a `query`, a `source`, or both: with only a source, every new item of it is posted.'],
    [{ guildId: 'g1', channelId: 'c', userId: 'u', sourceId: 'nope123' }, 'No source with id or name "nope123" in this server. /source list shows them.'],
    [{ guildId: 'g1', channelId: 'c', userId: 'u', query: 'troops', template: '{title}' }, 'Filters, templates and the outlet identity belong to a delivery: add `source:` to follow a source.'],
    [{ guildId: 'g1', channelId: 'c', userId: 'u', query: 'the' }, '**the** has only the commonest words, so an alert for it would post almost everything new. Add a word that names your subject.'],
    [{ guildId: 'g1', channelId: 'c', userId: 'u', query: '"of the" and' }, '**"of the" and** has only the commonest words, so an alert for it would post almost everything new. Add a word that names your subject.'],
  ])('refuses %j, in the words the user reads', async (req, message) => {
    const f = await setup();
    const err = await f.alerts.add(req).then(() => null, (e: unknown) => e);
    expect(isUserError(err) ? userErrorText(err) : err).toBe(message);
  });
});
