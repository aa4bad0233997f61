// The writer thread of bench/ingest-split.ts: its own connection to the store, every write.
import { register } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

register();
const { silentLog } = await import('../src/core/deps.ts');
const { openStore } = await import('../src/core/store/index.ts');
const { contentHash } = await import('../src/core/feeds/dedupe.ts');
const store = openStore({ path: workerData.dbPath, clock: { now: () => new Date() }, log: silentLog });
let busy = 0;
parentPort.on('message', (m) => {
  const t = performance.now();
  if (m.stop) {
    store.close();
    parentPort.postMessage({ busy });
    return;
  }
  if (m.write) {
    store[m.write](m.rows);
    busy += performance.now() - t;
    parentPort.postMessage({});
    return;
  }
  const r = store.ingest('seeds', m.batch.map((x) => ({ article: x, dedupeKey: `guid:${x.id}`, contentHash: contentHash({ ...x, guid: x.id, summary: null }) })), { announce: false });
  for (let i = 0; i < 6; i++) if (!store.maintainArchive()) break;
  // Only ids and seqs go back: the main thread has the articles.
  const last = r.inserted.length ? store.db.prepare('SELECT max(seq) AS s FROM articles').get().s : 0;
  busy += performance.now() - t;
  parentPort.postMessage({ inserted: r.inserted.map((a, i) => [a.id, a.sourceId, last - r.inserted.length + 1 + i]) });
});
