/**
 * `npx tsx scripts/trend-example.ts [out.png]`: renders the README's /trend example
 * (docs/trend-example.png) from the end-to-end test's feeds (test/helpers/trend-feeds.ts): seven
 * outlets' half year, stored in a throwaway SQLite store, charted by the bot's own code path.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inlineChartRenderer } from '../src/core/charts/renderer.ts';
import { silentLog } from '../src/core/deps.ts';
import { articleContentHash } from '../src/core/seeds/import.ts';
import { openAsyncStore } from '../src/core/store/open-async-store.ts';
import { Trends } from '../src/core/trend/trends.ts';
import { OUTLETS, TREND_NOW, trendItems } from '../test/helpers/trend-feeds.ts';

const out = process.argv[2] ?? path.join(import.meta.dirname, '..', 'docs', 'trend-example.png');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trend-example-'));
const clock = { now: () => new Date(TREND_NOW) };
const store = await openAsyncStore({ databaseUrl: null, sqlitePath: path.join(dir, 'example.db'), clock, log: silentLog });
try {
  const items = trendItems();
  const sources = new Set<string>();
  for (const outlet of OUTLETS) {
    const url = `https://${outlet.toLowerCase().replace(/\s+/g, '-')}.example/feed.xml`;
    const s = await store.createSource({ guildId: 'example', channelId: null, addedBy: null, url, feedUrl: url, name: outlet, kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
    sources.add(s.feedId ?? s.id);
    const articles = items.filter((i) => i.outlet === outlet).map((i) => ({
      id: '', sourceId: s.id, title: i.title, byline: null, outlet, dateline: null, tags: [], caption: null, body: i.paragraphs, editors: [], url: `${url.replace('feed.xml', '')}${i.guid}`, publishedAt: new Date(i.published).toISOString(),
    }));
    await store.ingest(s.id, articles.map((a, n) => ({ article: a, dedupeKey: `guid:${items.filter((i) => i.outlet === outlet)[n]!.guid}`, contentHash: articleContentHash(a) })), { announce: false });
  }
  const trends = new Trends({ store, clock, log: silentLog, charts: inlineChartRenderer, newsroom: { visibleSources: async () => sources, resolveSource: async () => { throw new Error('unused'); } } });
  const result = await trends.trend({ guildId: 'example' }, { query: 'troops', since: '2024-09-01' });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, result.chart!.png);
  console.log(`${out}: ${result.chart!.width}×${result.chart!.height}, ${result.chart!.png.length} bytes\n${result.summary}\nalt: ${result.alt}`);
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
