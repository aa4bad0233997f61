import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParsePool } from '../src/core/feeds/parse-pool.ts';
import { MAX_CONSECUTIVE_FAILURES } from '../src/core/sources/index.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { newsroomFixture, sourcesFor } from './helpers/newsroom-fixture.ts';

let server: FeedServer;
let pool: ParsePool;
let feedVersion = 1;

function rss(items: Array<{ guid: string; title: string; body: string }>): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk Wire</title><link>https://deskwire.example/</link>${items
    .map((i) => `<item><guid>${i.guid}</guid><title>${i.title}</title><link>https://deskwire.example/${i.guid}</link><pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate><description>${i.body}</description></item>`)
    .join('')}</channel></rss>`;
}

beforeAll(async () => {
  server = await startFeedServer();
  pool = new ParsePool({ size: 1, timeoutMs: 10_000 });
  server.route('/wire.xml', (req, res) => {
    const items = [
      { guid: 'a', title: 'Troops move north', body: 'Troops moved north on Monday.' },
      { guid: 'b', title: 'Harvest falls', body: feedVersion >= 3 ? 'The harvest fell sharply, officials now say.' : 'The harvest fell.' },
      ...(feedVersion >= 2 ? [{ guid: 'c', title: 'Kim Yo Jong speaks', body: 'Kim Yo Jong issued a statement about the Wonsan quarry.' }] : []),
    ];
    const etag = `"v${feedVersion}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml', etag });
    res.end(rss(items));
  });
  server.route('/home', { type: 'text/html', body: '<html><head><title>Desk Wire home</title><link rel="alternate" type="application/rss+xml" href="/wire.xml"></head><body><p>Welcome</p></body></html>' });
  server.route('/story', {
    type: 'text/html',
    body: `<html><head><title>A single story</title><meta property="og:site_name" content="Lone Gazette"></head><body><article><h1>A single story</h1>${'<p>Reporters in the border town described long queues at the market and rising prices for rice and fuel this week. </p>'.repeat(8)}</article></body></html>`,
  });
  server.route('/not-a-feed', { type: 'application/octet-stream', body: 'just some bytes\u0000\u0001' });
  server.route('/broken', { status: 500, body: 'down' });
});
afterAll(async () => {
  await pool.close();
  await server.close();
});

async function fixture(opts: { allowPrivate?: boolean } = {}) {
  const f = await newsroomFixture('2026-03-02T06:00:00Z');
  const notices: Array<{ channelId: string; key: string; text: string }> = [];
  const sources = sourcesFor(f, pool, { allowPrivate: opts.allowPrivate ?? true, notify: (channelId, key, text) => void notices.push({ channelId, key, text }) });
  return { ...f, sources, notices };
}

describe('Sources', () => {
  it('adds a feed with a preview; its items are searchable at once but not announced', async () => {
    feedVersion = 1;
    const f = await fixture();
    const p = await f.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url: `${server.url}/wire.xml` });
    expect([p.kind, p.title, p.items, p.newest]).toEqual(['rss', 'Desk Wire', 2, ['Troops move north', 'Harvest falls']]);
    expect(p.source).toMatchObject({ guildId: 'g1', channelId: 'c1', name: 'Desk Wire', status: 'active', intervalMinutes: 30, etag: '"v1"' });
    expect((await f.newsroom.search({ guildId: 'g1' }, { query: 'harvest' })).total).toBe(1);
    expect((await f.store.newArticles([p.source.id], { fromExclusive: '2000-01-01', toInclusive: '2100-01-01' }))).toEqual([]);
    // Adding the same URL twice in one server is refused, naming the existing source.
    await expect(f.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url: `${server.url}/wire.xml` })).rejects.toThrow(`"${server.url}/wire.xml" is already a source here (id ${p.source.id}, Desk Wire).`);
  });

  it('announces existing items when backfill is asked for', async () => {
    feedVersion = 1;
    const f = await fixture();
    const p = await f.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url: `${server.url}/wire.xml`, backfill: true });
    expect((await f.store.newArticles([p.source.id], { fromExclusive: '2000-01-01', toInclusive: '2100-01-01' }))).toHaveLength(2);
  });

  it('finds the feed a page links to, and takes a page with no feed as one article', async () => {
    const f = await fixture();
    const viaPage = await f.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url: `${server.url}/home` });
    expect([viaPage.kind, viaPage.source.feedUrl, viaPage.discoveredFrom]).toEqual(['rss', `${server.url}/wire.xml`, `${server.url}/home`]);
    const single = await f.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url: `${server.url}/story` });
    expect([single.kind, single.items, single.newest]).toEqual(['page', 1, ['A single story']]);
    expect((await f.newsroom.search({ guildId: 'g1' }, { query: 'rice fuel queues' })).items[0]!.article.outlet).toBe('Lone Gazette');
  });

  describe('full text', () => {
    const teaser = (guid: string, title: string, path: string) =>
      `<item><guid>${guid}</guid><title>${title}</title><link>${server.url}${path}</link><description>Only a teaser.</description></item>`;
    const feed = (items: string) => ({ type: 'application/rss+xml', body: `<rss version="2.0"><channel><title>Teasers</title>${items}</channel></rss>` });
    const page = (words: string) => ({
      type: 'text/html',
      body: `<html><head><title>Story</title></head><body><article><h1>Story</h1>${`<p>Reporters in the border town described ${words} at the market this week, and officials said prices would keep rising. </p>`.repeat(6)}</article></body></html>`,
    });
    const phrase = async (f: Awaited<ReturnType<typeof fixture>>, q: string) =>
      (await f.newsroom.search({ guildId: 'g1' }, { query: q })).items.filter((i) => i.allTerms).map((i) => i.article.title);

    it('fetches the pages of the items present when the source is added, in the background, and indexes each as it arrives', async () => {
      server.route('/ft-add.xml', feed(teaser('a1', 'First story', '/ft-page-a') + teaser('a2', 'Second story', '/ft-page-b') + teaser('a3', 'Dead story', '/missing')));
      server.route('/ft-page-a', page('long rice queues'));
      server.route('/ft-page-b', page('empty fuel depots'));
      const f = await fixture();
      const p = await f.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url: `${server.url}/ft-add.xml`, fullText: true });
      // The reply comes before any page is fetched: three pages to go.
      expect(p.fullTextPending).toBe(3);
      expect(await phrase(f, '"long rice queues"')).toEqual([]);
      await f.sources.idle();
      expect(await phrase(f, '"long rice queues"')).toEqual(['First story']);
      expect(await phrase(f, '"empty fuel depots"')).toEqual(['Second story']);
      // The dead page keeps its teaser, counted as waiting until its attempts run out.
      expect(await phrase(f, '"only a teaser"')).toEqual(['Dead story']);
      expect((await f.sources.health(p.source.id, 1)).fullText).toEqual({ total: 3, complete: 2, pending: 1, failed: 0, lastError: `"${server.url}/missing": HTTP 404` });
      await f.sources.fullText.drainDue();
      await f.sources.fullText.drainDue();
      expect((await f.sources.health(p.source.id, 1)).fullText).toMatchObject({ complete: 2, pending: 0, failed: 1 });
      // A later refresh of the unchanged feed neither re-fetches pages nor replaces page text with teasers.
      const hitsBefore = server.hits('/ft-page-a');
      await f.sources.refresh(p.source.id);
      expect(server.hits('/ft-page-a')).toBe(hitsBefore);
      expect(await phrase(f, '"long rice queues"')).toEqual(['First story']);
      // A manual refresh gives failed pages another chance.
      server.route('/missing', page('a recovered page'));
      const again = await f.sources.refresh(p.source.id, { manual: true });
      expect(again.fullTextPending).toBe(1);
      await f.sources.idle();
      expect(await phrase(f, '"recovered page"')).toEqual(['Dead story']);
      server.route('/missing', { status: 404, body: 'gone' });
    });

    it('fills existing items when full text is switched on later, and fetches new items inline on refresh', async () => {
      server.route('/ft-later.xml', feed(teaser('l1', 'Older story', '/ft-page-c')));
      server.route('/ft-page-c', page('frozen water pipes'));
      const f = await fixture();
      const p = await f.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url: `${server.url}/ft-later.xml` });
      expect([p.fullTextPending, server.hits('/ft-page-c')]).toEqual([0, 0]);
      expect((await f.sources.health(p.source.id, 1)).fullText).toMatchObject({ total: 1, complete: 0, pending: 1 });
      const on = (await f.sources.configure('g1', p.source.id, { fullText: true }));
      expect([on.source.fullText, on.fullTextPending]).toEqual([true, 1]);
      await f.sources.idle();
      expect(await phrase(f, '"frozen water pipes"')).toEqual(['Older story']);
      // A new item in a later fetch gets its page at once, before alerts and digests see it.
      server.route('/ft-later.xml', feed(teaser('l2', 'Newer story', '/ft-page-d') + teaser('l1', 'Older story', '/ft-page-c')));
      server.route('/ft-page-d', page('closed border crossings'));
      f.clock.advance(60_000);
      const r = await f.sources.refresh(p.source.id);
      expect([r.inserted, r.updated, r.fullTextPending]).toEqual([1, 0, 0]);
      expect(await phrase(f, '"closed border crossings"')).toEqual(['Newer story']);
      // Switched off: nothing more is fetched, whatever is pending.
      const off = (await f.sources.configure('g1', p.source.id, { fullText: false }));
      expect(off.fullTextPending).toBe(0);
      // A changed teaser keeps the fetched page text (marked stale) instead of shrinking to the teaser.
      server.route('/ft-later.xml', feed(teaser('l1', 'Older story, updated', '/ft-page-c')));
      f.clock.advance(60_000);
      const upd = await f.sources.refresh(p.source.id);
      expect(upd.updated).toBe(1);
      expect(await phrase(f, '"frozen water pipes"')).toEqual(['Older story, updated']);
    });

    it('refuses an edit of another server\'s source or to an empty name, and has nothing to fetch for a page source', async () => {
      const f = await fixture();
      const p = await f.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url: `${server.url}/story` });
      await expect(f.sources.configure('g2', p.source.id, { fullText: true })).rejects.toMatchObject({
        message: `No source with id or name "${p.source.id}" in this server.`,
        id: 'source.not-found',
        values: { wanted: p.source.id },
      });
      await expect(f.sources.configure('g1', p.source.id, { name: '   ' })).rejects.toThrow('A source name cannot be empty.');
      // A page source is its own full text.
      const on = (await f.sources.configure('g1', p.source.id, { fullText: true, name: 'Gazette' }));
      expect([on.source.name, on.fullTextPending, (await f.sources.health(p.source.id, 1)).fullText.complete]).toEqual(['Gazette', 0, 1]);
    });
  });

  it('explains what it cannot add and stores nothing', async () => {
    const f = await fixture();
    const cases: Array<[string, string]> = [
      [`${server.url}/missing`, `"${server.url}/missing": HTTP 404`],
      [`${server.url}/not-a-feed`, `"${server.url}/not-a-feed": not a feed`],
      ['ftp://example.org/feed', '"ftp://example.org/feed": only http and https URLs can be sources'],
    ];
    for (const [url, message] of cases) await expect(f.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url })).rejects.toThrow(message);
    const strict = await fixture({ allowPrivate: false });
    await expect(strict.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url: `${server.url}/wire.xml` })).rejects.toThrow(/blocked: 127\.0\.0\.1 is a private or reserved address/);
    expect((await f.store.listSources('g1'))).toEqual([]);
  });

  it('refreshes with conditional GET, stores new items, updates changed ones, and keeps what it had', async () => {
    feedVersion = 1;
    const f = await fixture();
    const { source } = await f.sources.add({ guildId: 'g1', channelId: 'c1', userId: 'u', url: `${server.url}/wire.xml` });
    const same = await f.sources.refresh(source.id);
    expect([same.attempt.httpStatus, same.inserted, same.updated]).toEqual([304, 0, 0]);
    feedVersion = 3;
    f.clock.advance(60_000);
    const next = await f.sources.refresh(source.id);
    expect([next.attempt.httpStatus, next.inserted, next.updated]).toEqual([200, 1, 1]);
    expect((await f.newsroom.search({ guildId: 'g1' }, { query: 'sharply' })).total).toBe(1);
    expect((await f.newsroom.search({ guildId: 'g1' }, { query: 'Wonsan quarry' })).total).toBe(1);
    // New items are announced; the updated one is not news again.
    expect((await f.store.newArticles([source.id], { fromExclusive: '2000-01-01', toInclusive: '2100-01-01' })).map((r) => r.article.title)).toEqual(['Kim Yo Jong speaks']);
    expect((await f.sources.health(source.id, 10)).attempts.map((a) => [a.httpStatus, a.newItems, a.updatedItems, a.error])).toEqual([
      [200, 1, 1, null],
      [304, 0, 0, null],
      [200, 2, 0, null],
    ]);
  });

  it('backs off on failure, pauses after 10 in a row and warns the channel once, then resumes', async () => {
    feedVersion = 1;
    const f = await fixture();
    const { source } = await f.sources.add({ guildId: 'g1', channelId: 'c-desk', userId: 'u', url: `${server.url}/wire.xml` });
    (await f.store.updateSource(source.id, { feedUrl: `${server.url}/broken` }));
    const waits: number[] = [];
    for (let i = 1; i <= MAX_CONSECUTIVE_FAILURES; i++) {
      const r = await f.sources.refresh(source.id);
      expect(r.attempt.error).toBe(`"${server.url}/broken": HTTP 500`);
      waits.push((Date.parse(r.source.nextFetchAt!) - f.clock.now().getTime()) / 60_000);
    }
    // 30 min doubling per failure, capped at a day (jitter fixed at 0 by the injected random).
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1440, 1440, 1440, 1440]);
    const paused = (await f.store.getSource(source.id))!;
    expect([paused.status, paused.pausedReason, paused.consecutiveFailures]).toEqual(['paused', 'paused after 10 failed fetches in a row', 10]);
    expect(f.notices).toHaveLength(1);
    expect(f.notices[0]!.channelId).toBe('c-desk');
    expect(f.notices[0]!.text).toContain(`Last error: "${server.url}/broken": HTTP 500`);
    expect(f.notices[0]!.text).toContain(`/source resume id:${source.id}`);
    // Articles already stored are untouched by the failures.
    expect((await f.newsroom.search({ guildId: 'g1' }, { query: 'harvest' })).total).toBe(1);
    expect((await f.store.dueSources(new Date('2030-01-01'), 10))).toEqual([]);
    const resumed = (await f.sources.resume('g1', source.id));
    expect([resumed.status, resumed.consecutiveFailures]).toEqual(['active', 0]);
    await expect(f.sources.refresh(source.id, { manual: true })).rejects.toThrow(`Refresh of Desk Wire (${source.id}) failed: "${server.url}/broken": HTTP 500`);
  });

  it('keeps servers apart: same URL in two servers, removing it in one leaves the other', async () => {
    feedVersion = 2;
    const f = await fixture();
    const a = await f.sources.add({ guildId: 'guild-a', channelId: 'ca', userId: 'u', url: `${server.url}/wire.xml` });
    expect((await f.newsroom.search({ guildId: 'guild-b' }, { query: 'Wonsan quarry' })).total).toBe(0);
    expect((await f.newsroom.suggestQueries({ guildId: 'guild-b' }, 'harv'))).not.toContain('harvest');
    expect((await f.newsroom.suggestQueries({ guildId: 'guild-a' }, 'harv'))).toContain('harvest');
    expect((await f.newsroom.sourceChoices({ guildId: 'guild-b' })).map((c) => c.name)).toEqual(['Daily NK (outlet)', 'Radio Free Asia (outlet)']);
    const b = await f.sources.add({ guildId: 'guild-b', channelId: 'cb', userId: 'u', url: `${server.url}/wire.xml` });
    await expect(f.sources.remove('guild-b', a.source.id)).rejects.toThrow(`No source with id or name "${a.source.id}" in this server.`);
    (await f.sources.remove('guild-a', a.source.id));
    expect((await f.newsroom.search({ guildId: 'guild-a' }, { query: 'Wonsan quarry' })).total).toBe(0);
    expect((await f.newsroom.search({ guildId: 'guild-b' }, { query: 'Wonsan quarry' })).total).toBe(1);
    expect((await f.store.getSource(b.source.id))?.status).toBe('active');
  });

  it('polls due sources with a concurrency limit and leaves paused ones alone', async () => {
    feedVersion = 1;
    const f = await fixture();
    const one = await f.sources.add({ guildId: 'g1', channelId: 'c', userId: 'u', url: `${server.url}/wire.xml` });
    const two = await f.sources.add({ guildId: 'g1', channelId: 'c', userId: 'u', url: `${server.url}/story`, name: 'Story' });
    (await f.sources.pause('g1', two.source.id));
    expect(await f.sources.pollDue(2)).toBe(0);
    f.clock.advance(31 * 60_000);
    expect(await f.sources.pollDue(2)).toBe(1);
    expect((await f.sources.health(one.source.id, 1)).attempts[0]!.httpStatus).toBe(304);
  });
});

describe('hostile feeds through a local server, added as sources', () => {
  it('bounds billion laughs, decodes a lying charset, stores a 10,000-item feed, drops far-future dates and dedupes GUIDs', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 8 }, (_, i) => `<!ENTITY l${i + 1} "${`&${i === 0 ? 'a' : `l${i}`};`.repeat(10)}">`).join('')}]><rss version="2.0"><channel><title>Laughs</title><item><guid>x</guid><title>&l8;</title><description>d</description></item></channel></rss>`;
    server.route('/laughs.xml', { type: 'application/rss+xml', body: lol });
    // Declared ISO-8859-1 in the header, bytes are UTF-8: the bytes win (valid multi-byte UTF-8).
    server.route('/charset.xml', { type: 'application/rss+xml; charset=ISO-8859-1', body: Buffer.from('<rss version="2.0"><channel><title>Café Wire</title><item><guid>c1</guid><title>Jürgen in Pyongyang</title><description>Überraschung.</description></item></channel></rss>', 'utf8') });
    const big = Array.from({ length: 10_000 }, (_, i) => `<item><guid>${i % 9_000}</guid><title>Item ${i}</title><pubDate>${i === 1 ? 'Tue, 01 Jan 2999 00:00:00 GMT' : 'Mon, 01 Jun 2025 00:00:00 GMT'}</pubDate><description>Body ${i}</description></item>`).join('');
    server.route('/big.xml', { type: 'application/rss+xml', body: `<rss version="2.0"><channel><title>Big</title>${big}</channel></rss>` });
    const f = await fixture();
    await f.sources.add({ guildId: 'g1', channelId: 'c', userId: 'u', url: `${server.url}/laughs.xml` }).then(
      async (p) => expect((await f.store.getArticle((await f.store.scanArticles(0, 10_000)).find((r) => r.article.sourceId === p.source.feedId)!.article.id))!.title.length).toBeLessThan(200_000),
      (err: Error) => expect(err.message).toMatch(/laughs\.xml|malformed|not a feed/),
    );
    const cafe = await f.sources.add({ guildId: 'g1', channelId: 'c', userId: 'u', url: `${server.url}/charset.xml` });
    expect([cafe.title, cafe.newest]).toEqual(['Café Wire', ['Jürgen in Pyongyang']]);
    const bigSource = await f.sources.add({ guildId: 'g1', channelId: 'c', userId: 'u', url: `${server.url}/big.xml` });
    expect(bigSource.items).toBe(10_000);
    // 1,000 repeated GUIDs collapse: 9,000 distinct articles.
    expect((await f.sources.articleCount(bigSource.source.id))).toBe(9_000);
    const future = (await f.store.scanArticles(0, 20_000)).find((r) => r.article.title === 'Item 1')!.article;
    // A date centuries ahead is no publication date: undated, never the fetch time.
    expect(future.publishedAt).toBeNull();
  }, 60_000);
});

describe('ParsePool', () => {
  it('stops a job past its time limit and keeps working', async () => {
    const p = new ParsePool({ size: 1, timeoutMs: 300 });
    try {
      expect(await p.hangForTest()).toEqual({ type: 'error', message: 'parsing timed out after 0.3 s' });
      const after = await p.parse({ kind: 'auto', bytes: new TextEncoder().encode(rss([{ guid: 'x', title: 'After', body: 'b' }])), contentType: null, url: 'http://x/', now: '2026-03-02T06:00:00.000Z' });
      expect(after.type === 'feed' && after.feed.items[0]!.title).toBe('After');
    } finally {
      await p.close();
    }
  });
});
