/**
 * Child process for the snapshot crash test: fills a store, then keeps adding an article and
 * writing the hot-tier snapshot, announcing each write on stdout, until it is killed.
 * `tsx snapshot-writer.ts <db> <snapshot>`
 */
import { fromSqlite } from '../../src/core/store/sqlite-async.ts';
import { generateCorpus } from '../../bench/corpus.ts';
import { silentLog } from '../../src/core/deps.ts';
import { Newsroom } from '../../src/core/newsroom/index.ts';
import { openStore } from '../../src/core/store/index.ts';

const [dbPath, snapshotPath] = process.argv.slice(2) as [string, string];
/** The test's clock (a fixed day, whatever today is): the articles' first-seen times come from it. */
const clock = { now: () => new Date('2026-03-02T06:00:00Z') };
const store = openStore({ path: dbPath, clock, log: silentLog });
const corpus = generateCorpus(300);
const item = (a: (typeof corpus.articles)[number]) => ({ article: a, dedupeKey: a.id, contentHash: a.id });
store.ingest('seeds', corpus.articles.slice(0, 200).map(item), { announce: false });
const newsroom = new Newsroom({ store: fromSqlite(store), clock, log: silentLog, search: { snapshotPath } });
await newsroom.buildIndex();
for (let i = 200; i < corpus.articles.length; i++) {
  const result = store.ingest('seeds', [item(corpus.articles[i]!)], { announce: false });
  await newsroom.indexArticles(result.inserted.map((article) => ({ article })));
  process.stdout.write(`writing ${i}\n`);
  await newsroom.saveSnapshot();
  process.stdout.write(`wrote ${i}\n`);
}
