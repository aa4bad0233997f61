/**
 * The ingest-rate ceiling of the writer-thread design, measured before building it:
 * `node --import tsx bench/ingest-split.ts [articles] [single|split] [hot window]`. `single` is
 * today's path (commit, then hot tier, stories and speakers, all on the event loop); `split` puts
 * every store write (the fetch's commit, FTS5 merge steps, story ids and signatures, speakers) on
 * a worker thread with its own connection, pipelined with the main thread's hot tier, stories and
 * speakers, only ids and seqs posted back. Prints articles/s and the writer thread's busy time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Article } from '../src/core/article.ts';
import { silentLog } from '../src/core/deps.ts';
import { contentHash } from '../src/core/feeds/dedupe.ts';
import { Newsroom } from '../src/core/newsroom/index.ts';
import { openStore } from '../src/core/store/index.ts';
import { fromSqlite } from '../src/core/store/sqlite-async.ts';
import { streamCorpus } from './corpus.ts';

const size = Number(process.argv[2] ?? 30_000);
const mode = process.argv[3] === 'single' ? 'single' : 'split';
const hot = Number(process.argv[4] ?? 10_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-split-'));
const dbPath = path.join(dir, 'newsdesk.db');
const clock = { now: () => new Date() };
const store = openStore({ path: dbPath, clock, log: silentLog });
const async = fromSqlite(store);
const newsroom = new Newsroom({ store: async, clock, log: silentLog, search: { hotMaxArticles: hot, snapshotPath: `${dbPath}.hot` } });
await newsroom.buildIndex();
const BATCH = 20;
const t0 = performance.now();
let writerBusy = NaN;
if (mode === 'single') {
  let batch: Article[] = [];
  for (const a of streamCorpus(size).articles) {
    batch.push(a);
    if (batch.length < BATCH) continue;
    const r = store.ingest('seeds', batch.map((x) => ({ article: x, dedupeKey: `guid:${x.id}`, contentHash: contentHash({ ...x, guid: x.id, summary: null }) })), { announce: false });
    await newsroom.indexArticles(r.inserted.map((article) => ({ article })));
    batch = [];
    await new Promise((r) => setImmediate(r));
  }
} else {
  const worker = new Worker(new URL('./ingest-split-worker.mjs', import.meta.url), { workerData: { dbPath } });
  const replies: Array<(m: { inserted?: Array<[string, string, number]>; busy?: number }) => void> = [];
  worker.on('message', (m) => replies.shift()!(m));
  worker.on('error', (err) => {
    console.error('writer thread:', err);
    process.exit(1);
  });
  const send = (msg: object) => new Promise<{ inserted?: Array<[string, string, number]>; busy?: number }>((res) => (replies.push(res), worker.postMessage(msg)));
  // Every write through the writer: the main connection writing meanwhile would wait on its lock.
  const forward = (write: string) => async (rows: Iterable<unknown>) => void (await send({ write, rows: [...rows] }));
  Object.assign(async, { maintainArchive: undefined, setStoryIds: forward('setStoryIds'), setStorySignatures: forward('setStorySignatures'), setSpeakers: forward('setSpeakers') });
  let indexing = Promise.resolve();
  const inflight: Array<Promise<void>> = [];
  let batch: Article[] = [];
  for (const a of streamCorpus(size).articles) {
    batch.push(a);
    if (batch.length < BATCH) continue;
    const sent = new Map(batch.map((x) => [x.id, x]));
    const stored = send({ batch });
    batch = [];
    indexing = indexing.then(async () => {
      const { inserted = [] } = await stored;
      await newsroom.indexArticles(inserted.map(([id, sourceId, seq]) => ({ article: { ...sent.get(id)!, id, sourceId }, seq })));
    });
    inflight.push(indexing);
    // A few fetches in flight, as a bot with many feeds would have.
    if (inflight.length >= 3) await inflight.shift();
    await new Promise((r) => setImmediate(r));
  }
  await indexing;
  // Story ids and speakers still on their way to the writer.
  await newsroom.storiesStored();
  writerBusy = (await send({ stop: true })).busy!;
  await worker.terminate();
}
await newsroom.storiesStored();
const seconds = (performance.now() - t0) / 1000;
console.log(`${mode}: ${(size / seconds).toFixed(0)} articles/s over ${size.toLocaleString('en-US')} (hot window ${hot.toLocaleString('en-US')})${Number.isNaN(writerBusy) ? '' : `; writer thread busy ${(writerBusy / size).toFixed(2)} ms per article (${((writerBusy / 1000 / seconds) * 100).toFixed(0)} % of the time)`}`);
store.close();
fs.rmSync(dir, { recursive: true, force: true });
