/**
 * `node --import tsx bench/trend-store.ts <db> <size>`: builds (or completes) a kept store of the
 * benchmark's corpus for measurements that need only the store and its archive index (the
 * `/trend` benchmark, bench/trend.ts): every article goes into the store in transactions of 500,
 * with the archive index's merge steps the bot would run after them (no hot tier, no stories or
 * speakers). A store that already holds articles is completed from where it stopped, so a long
 * build can be resumed.
 */
import { performance } from 'node:perf_hooks';
import type { Article } from '../src/core/article.ts';
import { silentLog } from '../src/core/deps.ts';
import { contentHash } from '../src/core/feeds/dedupe.ts';
import { openStore } from '../src/core/store/index.ts';
import { streamCorpus } from './corpus.ts';

export async function buildTrendStore(dbPath: string, size: number, log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): Promise<void> {
  const store = openStore({ path: dbPath, clock: { now: () => new Date() }, log: silentLog });
  const have = store.countArticles();
  if (have >= size) {
    store.close();
    return;
  }
  log(`building ${dbPath}: ${have.toLocaleString('en-US')} → ${size.toLocaleString('en-US')} articles`);
  const began = performance.now();
  const corpus = streamCorpus(size);
  let n = 0;
  let batch: Article[] = [];
  const flush = () => {
    store.ingest('seeds', batch.map((a) => ({ article: a, dedupeKey: `guid:${a.id}`, contentHash: contentHash({ ...a, guid: a.id, summary: null }) })), { announce: false });
    // The merge work the bot's upkeep does after an ingest of this size (Newsroom.maintainArchive).
    for (let i = 0; i < Math.ceil(batch.length / 4) + 1; i++) if (!store.maintainArchive()) break;
    batch = [];
  };
  for (const a of corpus.articles) {
    n++;
    if (n <= have) continue;
    batch.push(a);
    if (batch.length === 500) flush();
    if (n % 50_000 === 0) log(`  ${n.toLocaleString('en-US')} articles, ${((n - have) / ((performance.now() - began) / 1000)).toFixed(0)}/s`);
  }
  if (batch.length) flush();
  store.close();
  log(`  built in ${((performance.now() - began) / 1000).toFixed(0)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dbPath, sizeArg] = process.argv.slice(2);
  await buildTrendStore(dbPath!, Number(sizeArg));
}
