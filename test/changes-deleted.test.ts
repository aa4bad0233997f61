import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParsePool } from '../src/core/feeds/parse-pool.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { newsroomFixture, sourcesFor } from './helpers/newsroom-fixture.ts';

let server: FeedServer;
let pool: ParsePool;
let present = [1, 2, 3, 4, 5, 6];
/** What each item's page answers once the item has left the feed. */
const PAGE_STATUS: Record<number, number> = { 1: 404, 2: 410, 3: 200, 4: 404, 5: 404, 6: 200 };

beforeAll(async () => {
  server = await startFeedServer();
  pool = new ParsePool({ size: 1, timeoutMs: 10_000 });
  server.route('/desk.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk Wire</title>${present
        .map((n) => `<item><guid>d${n}</guid><title>Item ${n}</title><link>${server.url}/p/${n}</link><description>Report number ${n} from the desk.</description></item>`)
        .join('')}</channel></rss>`,
    );
  });
  for (const [n, status] of Object.entries(PAGE_STATUS)) {
    server.route(`/p/${n}`, (_req, res) => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(status === 200 ? '<html><body><p>Still here.</p></body></html>' : 'gone');
    });
  }
});
afterAll(async () => {
  await pool.close();
  await server.close();
});

describe('items deleted at the source', () => {
  it('checks at most 3 vanished items per refresh, each once, and marks only 404/410 as deleted', async () => {
    const f = await newsroomFixture('2026-11-29T06:00:00Z');
    const sources = sourcesFor(f, pool);
    present = [1, 2, 3, 4, 5, 6];
    const { source } = await sources.add({ guildId: 'g', channelId: 'c', userId: 'u', url: `${server.url}/desk.xml` });
    const pageHits = () => [1, 2, 3, 4, 5, 6].map((n) => server.hits(`/p/${n}`));
    const deleted = () => f.sqlite.db.prepare('SELECT title FROM articles WHERE deleted_at IS NOT NULL ORDER BY seq').all().map((r) => (r as { title: string }).title);
    await sources.refresh(source.id);
    expect(pageHits()).toEqual([0, 0, 0, 0, 0, 0]); // nothing vanished
    present = [6];
    await sources.refresh(source.id);
    expect(pageHits()).toEqual([0, 0, 1, 1, 1, 0]); // the newest three vanished items
    expect(deleted()).toEqual(['Item 4', 'Item 5']);
    await sources.refresh(source.id);
    expect(pageHits()).toEqual([1, 1, 1, 1, 1, 0]);
    expect(deleted()).toEqual(['Item 1', 'Item 2', 'Item 4', 'Item 5']);
    await sources.refresh(source.id);
    expect(pageHits()).toEqual([1, 1, 1, 1, 1, 0]); // each page checked once
    const item5 = f.sqlite.db.prepare("SELECT id FROM articles WHERE title = 'Item 5'").get() as { id: string };
    expect((await f.store.listVersions(item5.id)).map((v) => [v.version, v.title, v.kinds])).toEqual([[1, 'Item 5', ['deleted']]]);
    expect((await f.store.articleState(item5.id))).toMatchObject({ edits: 0, deletedAt: '2026-11-29T06:00:00.000Z' });
  });
});
