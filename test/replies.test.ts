import { commandList } from '../commands/index.ts';
import { describe, expect, it } from 'vitest';
import type { Article } from '../src/core/article.ts';
import { composeDigest, groupEntries, type DigestEntry } from '../src/core/digest/compose.ts';
import { Dispatcher } from '../src/dispatch.ts';
import { silentLog } from '../src/core/deps.ts';
import { paginateArticle, renderArticleReply, ARTICLE_PAGE_CHARS } from '../src/replies/article-reply.ts';
import { CUSTOM_ID_MAX, QUERY_MAX_LENGTH, decodeSearchState, encodeSearchState, isSameUser } from '../src/replies/custom-id.ts';
import { formatReply } from '../src/discord/format.ts';
import { findQuotations } from '../src/core/quotes/index.ts';
import { renderQuoteReply, speakerLine } from '../src/replies/quote-reply.ts';
import { newsroomFixture } from './helpers/newsroom-fixture.ts';

function art(over: Partial<Article>): Article {
  return { id: 'a1', sourceId: 's', title: 'T', byline: null, outlet: 'Wire', dateline: null, tags: [], caption: null, body: ['Body.'], editors: [], url: null, publishedAt: null, ...over };
}

describe('search paging state in custom_id', () => {
  it('round-trips and always fits 100 characters, even at the longest query and filters', () => {
    const state = { page: 123, userId: '18446744073709551615', since: new Date('2021-01-01T00:00:00Z'), until: new Date('2099-12-31T23:59:59.999Z'), source: 'o1234567', query: 'x'.repeat(QUERY_MAX_LENGTH) };
    const id = encodeSearchState(state);
    expect(id.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
    const back = decodeSearchState(id)!;
    expect(back).toEqual({ page: 123, user: back.user, since: state.since, until: state.until, source: 'o1234567', query: state.query });
    expect(isSameUser(back.user, '18446744073709551615')).toBe(true);
    expect(isSameUser(back.user, '18446744073709551614')).toBe(false);
    expect(decodeSearchState('s:1:abc::::query: with: colons')?.query).toBe('query: with: colons');
    expect(decodeSearchState('garbage')).toBeNull();
  });
});

describe('article pages', () => {
  it('splits a long article at paragraph boundaries without losing a word', () => {
    const body = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} ${'word '.repeat(60 + (i % 7) * 20).trim()}.`);
    body.push(`A single huge paragraph ${'verylongword '.repeat(900).trim()}.`);
    const pages = paginateArticle(art({ body }));
    expect(pages.length).toBeGreaterThan(3);
    for (const p of pages) expect(p.length).toBeLessThanOrEqual(ARTICLE_PAGE_CHARS);
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    expect(words(pages.join(' '))).toEqual(words(body.join(' ')));
    const last = renderArticleReply(art({ body }), pages.length - 1, true);
    expect(last.cards![0]!.footer).toBe(`id a1 · page ${pages.length}/${pages.length}`);
    expect(last.buttons![0]!.map((b) => b.disabled ?? false)).toEqual([false, true]);
    for (let p = 0; p < pages.length; p++) for (const m of formatReply(renderArticleReply(art({ body }), p, true))) expect(m.embeds[0]!.description!.endsWith('…')).toBe(false);
  });
});

describe('no results', () => {
  it('is a helpful private message with suggestions, not an error', async () => {
    const f = await newsroomFixture();
    const r = (await f.newsroom.search({ guildId: 'g' }, { query: 'kimchak' }));
    expect(r.total).toBeGreaterThan(0); // fuzzy finds Kimchaek
    const none = (await f.newsroom.search({ guildId: 'g' }, { query: 'zzyzx qwerty' }));
    expect(none.total).toBe(0);
    const { renderSearchReply } = await import('../src/replies/search-reply.ts');
    const reply = renderSearchReply({ ...none, suggestions: ['troops'] }, 'u', 'zzyzx qwerty');
    expect(reply).toEqual({
      ephemeral: true,
      content: 'No articles match **zzyzx qwerty**.\nDid you mean: `troops`?\nTips: check the spelling, use fewer words, drop quotes around a phrase, or widen the date range.',
    });
  });
});

describe('index loading', () => {
  it('with tiers, answers searches from the archive tier while the hot tier loads, the same as after', async () => {
    const f = await newsroomFixture();
    const { Newsroom } = await import('../src/core/newsroom/index.ts');
    const fresh = new Newsroom({ store: f.store, clock: f.clock, log: silentLog });
    const d = new Dispatcher({ newsroom: fresh, sources: null as never, digests: f.digests, alerts: f.alerts, outbox: f.outbox, moderatorRoleId: null }, silentLog, commandList());
    const inv = { user: { id: 'u', name: 'u' }, guildId: 'g', channelId: 'c', permissions: 0n, roles: [], options: { query: 'troops' } };
    expect(fresh.hotReady).toBe(false);
    const during = await d.run('search', inv);
    expect(during.content).toMatch(/results? for \*\*troops\*\*/);
    await fresh.buildIndex();
    expect(fresh.hotReady).toBe(true);
    expect(await d.run('search', inv)).toEqual(during);
  });

  it('answers "loading, N% done" while the index builds (MiniSearch-only design), and help works meanwhile', async () => {
    const f = await newsroomFixture();
    const { Newsroom } = await import('../src/core/newsroom/index.ts');
    const fresh = new Newsroom({ store: f.store, clock: f.clock, log: silentLog, search: { design: 'minisearch' } });
    const d = new Dispatcher({ newsroom: fresh, sources: null as never, digests: f.digests, alerts: f.alerts, outbox: f.outbox, moderatorRoleId: null }, silentLog, commandList());
    const inv = { user: { id: 'u', name: 'u' }, guildId: 'g', channelId: 'c', permissions: 0n, roles: [], options: { query: 'troops' } };
    expect(await d.run('search', inv)).toEqual({ ephemeral: true, content: 'The archive index is loading, 0% done. Try again in a moment.' });
    expect((await d.run('help', { ...inv, options: {} })).cards![0]!.title).toBe('Newsdesk commands');
    await fresh.buildIndex();
    expect((await d.run('search', inv)).content).toMatch(/results? for \*\*troops\*\*/);
  });
});

describe('digest composition', () => {
  const at = '2026-03-02T07:41:00.000Z';
  const entry = (over: Partial<Article>): DigestEntry => ({ article: art(over), firstSeenAt: at });
  it('merges near-duplicate titles from different outlets into one story, keeps same-outlet updates apart', () => {
    const groups = groupEntries([
      entry({ id: '1', title: 'North Korea sends more troops to Russia', outlet: 'Daily NK' }),
      entry({ id: '2', title: 'North Korea sends more troops to Russia, South confirms', outlet: 'Radio Free Asia' }),
      entry({ id: '3', title: 'Rice prices climb in Hyesan', outlet: 'Daily NK' }),
      entry({ id: '4', title: 'Rice prices climb in Hyesan again', outlet: 'Daily NK' }),
    ]);
    expect(groups.map((g) => [g.story, g.label, g.entries.map((e) => e.article.id)])).toEqual([
      [true, 'North Korea sends more troops to Russia', ['1', '2']],
      [false, 'Daily NK', ['3', '4']],
    ]);
  });

  it('escapes hostile titles and excerpts and stays within limits when long', () => {
    const entries = Array.from({ length: 60 }, (_, i) =>
      entry({ id: `e${i}`, title: `@everyone **Breaking** <@&1> story ${i} ${'long '.repeat(30)}`, outlet: i % 2 ? 'Wire [x](javascript:1)' : 'Other', url: `https://x.example/${i}`, body: [`Sentence with @here and ||spoilers|| number ${i}. ${'more words '.repeat(40)}`] }),
    );
    const reply = composeDigest({ entries, timezone: 'Europe/Berlin', windowStart: new Date('2026-03-01T07:00:00Z'), windowEnd: new Date('2026-03-02T07:00:00Z'), missedRuns: 1, query: null, maxItems: 50, scheduleLabel: 'daily 08:00' })!;
    const text = JSON.stringify(reply);
    expect(text).not.toMatch(/@everyone|@here|(?<!\\\\)<@&|(?<!\\\\)\[x\]/);
    expect(reply.cards!.at(-1)!.footer).toBe('…and 10 more. Use /search to see everything.');
    const messages = formatReply(reply);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0)).toBeLessThanOrEqual(6000);
    // Nothing clamped: every card fits as built.
    for (const c of reply.cards!) expect(c.description!.length).toBeLessThanOrEqual(4096);
  });

  it('previews privately and posts now, counting as the window', async () => {
    const f = await newsroomFixture('2026-03-02T05:00:00Z');
    const src = (await f.source('g1'));
    const { subscription } = (await f.digests.subscribe({ guildId: 'g1', channelId: 'c1', userId: 'u', schedule: 'daily 08:00', timezone: 'UTC' }));
    expect((await f.digests.preview('g1', subscription.id)).content).toMatch(/^Nothing new for digest/);
    f.clock.advance(60_000);
    (await f.ingest(src.id, [{ title: 'Fresh story', body: ['Something fresh.'] }]));
    const preview = (await f.digests.preview('g1', subscription.id));
    expect(preview.ephemeral).toBe(true);
    expect(preview.content).toMatch(/^\*Preview — not posted\.\*\n🗞️ \*\*Digest\*\* — 1 new article since/);
    expect(f.poster.posts).toHaveLength(0);
    const { row } = (await f.digests.postNow('g1', subscription.id));
    await f.outbox.deliverPending();
    expect(row?.status).toBe('pending');
    expect(f.poster.posts).toHaveLength(1);
    f.clock.set('2026-03-02T08:00:00Z');
    expect((await f.digests.tick())).toBe(0); // the window was taken by "now"; nothing new since
    await expect(f.digests.preview('other-guild', subscription.id)).rejects.toThrow(`No digest subscription with id "${subscription.id}" in this server.`);
  });
});

describe('quotation speakers in replies', () => {
  it('renders the resolved speaker and channel, escaped and mention-safe', () => {
    const article = art({ body: ['“We will never ping @everyone about <@&1> things,” said **Bold** [x](http://e.vil), a trader in Sinuiju who told Daily_NK.'] });
    const reply = renderQuoteReply('ping', [{ article, quote: { ...findQuotations(article)[0]!, covered: 1, marked: 'We will never **ping**' } }]);
    const line = reply.cards![0]!.description!.split('\n')[1];
    expect(line).toBe('— \\*\\*Bold\\*\\* \\[x\\]');
    expect(speakerLine({ speaker: '@everyone', told: 'Daily_NK' })).toBe('@\u200beveryone (told Daily\\_NK)');
    expect(speakerLine({ speaker: null, told: null })).toBe('unattributed');
  });

  it('lists every quotation with its raw clause on the last /article page, in cards Discord accepts', () => {
    const body = Array.from({ length: 120 }, (_, i) => `“Quotation number ${i} has enough words,” the source number ${i} said in a long clause.`);
    const reply = renderArticleReply(art({ body: ['A source in Hyesan told RFA about it.', ...body] }), 99, false);
    const cards = reply.cards!.filter((c) => c.title?.startsWith('Quotations'));
    expect(cards.length).toBeGreaterThan(1);
    const lines = cards.flatMap((c) => c.description!.split('\n'));
    // Every one of the 120, none cut: "the source" points back to the source introduced first; the clause is kept as printed.
    expect(lines).toHaveLength(120);
    expect(lines[0]).toBe('“Quotation number 0 has enough words” — a source in Hyesan (told RFA) · “the source number 0 said in a long clause”');
    expect(lines.at(-1)).toMatch(/^“Quotation number 119 has enough words” — /);
    // Spread over messages within Discord's limits, each accepted as sent.
    for (const m of formatReply(reply)) expect(m.embeds.length).toBeLessThanOrEqual(10);
  });
});

describe('list cards', () => {
  it('packs whole blocks into as few cards as fit, and never leaves an empty card', async () => {
    const { packBlocks } = await import('../src/replies/card-pack.ts');
    const a = 'a'.repeat(2000);
    const b = 'b'.repeat(1798);
    const c = 'c'.repeat(3900);
    // 2000 + 2 + 1798 = 3800 fits one card; one more character does not.
    expect(packBlocks([a, b], '\n\n').map((x) => x.description!.length)).toEqual([3800]);
    expect(packBlocks([a, `${b}b`], '\n\n').map((x) => x.description!.length)).toEqual([2000, 1799]);
    // A block longer than a card gets a card of its own (the formatter clamps it), not an empty one before it.
    expect(packBlocks([c, a], '\n').map((x) => x.description!.length)).toEqual([3900, 2000]);
    expect(packBlocks([], '\n')).toEqual([]);
  });
});
