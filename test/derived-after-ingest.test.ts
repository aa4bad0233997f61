import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../src/core/deps.ts';
import { Newsroom } from '../src/core/newsroom/index.ts';
import { importSeeds } from '../src/core/seeds/import.ts';
import { openStore } from '../src/core/store/index.ts';
import { fromSqlite } from '../src/core/store/sqlite-async.ts';
import { ROOT } from './helpers/bot-process.ts';
import { FakeClock } from './helpers/newsroom-fixture.ts';

describe('what an ingest promises, a search right after it sees', () => {
  it('story cards count every report of a story ingested together, however slowly story ids reach the store', async () => {
    const clock = new FakeClock(Date.parse('2026-03-02T06:00:00Z'));
    const store = openStore({ path: ':memory:', clock, log: silentLog });
    await importSeeds({ store, log: silentLog }, path.join(ROOT, 'seeds'));
    const original = store.scanArticles(0, 100).map((r) => r.article).find((a) => /letters of encouragement/i.test(a.title))!;
    const real = fromSqlite(store);
    // A slow machine: once the index is built, each write of story ids reaches the store only after
    // the next read of story members (or after a while) — so a search that does not wait for them
    // reads the store before they are there.
    let slowWrites = false;
    const reads: Array<() => void> = [];
    const nextRead = () =>
      new Promise<void>((resolve) => {
        reads.push(resolve);
        setTimeout(resolve, 300).unref();
      });
    const slow = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'setStoryIds') return async (rows: Iterable<[string, string]>) => (slowWrites && (await nextRead()), target.setStoryIds(rows));
        if (prop === 'storyMembers') {
          return (id: string, limit?: number) => {
            const read = target.storyMembers(id, limit);
            for (const r of reads.splice(0)) r();
            return read;
          };
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const newsroom = new Newsroom({ store: slow, clock, log: silentLog });
    await newsroom.buildIndex();
    await newsroom.storiesStored();
    slowWrites = true;
    // Two other outlets carry the same wire copy, ingested as one fetch each and indexed.
    for (const outlet of ['Alpha Times', 'Beta Post']) {
      const source = store.createSource({ guildId: 'g', channelId: 'c', addedBy: 'u', url: `https://${outlet.split(' ')[0]!.toLowerCase()}.example/feed`, feedUrl: `https://${outlet.split(' ')[0]!.toLowerCase()}.example/feed`, name: outlet, kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
      const result = store.ingest(source.id, [{ article: { ...original, id: '', sourceId: source.id, outlet, url: `https://x.example/${outlet}` }, dedupeKey: 'guid:copy', contentHash: outlet }], { announce: true });
      await newsroom.indexArticles(result.inserted.map((article) => ({ article })));
    }
    const results = await newsroom.search({ guildId: 'g' }, { query: 'letters of encouragement' });
    const card = results.items.find((i) => i.story);
    expect(card?.story?.reports).toBe(3);
    expect(card?.story?.otherOutlets.length).toBe(2);
  });
});
