import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the SQLite write-ahead log back into the database file from a second connection on its
 * own thread. SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 WAL pages,
 * on the event loop: measured 86–92 ms per 4 MB checkpoint (its fsync included) during ingest,
 * longer than an interaction may wait. A PASSIVE checkpoint never waits for locks and never
 * blocks the writer or readers, so moving it here takes that stall off the event loop.
 */
const SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick tries again */ }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `path` every `everyMs` on a worker thread (the caller disables autocheckpoint). */
export function startWalCheckpointer(path: string, everyMs = 500): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SOURCE, { eval: true, workerData: { path, driver, everyMs } });
  // Never what keeps the process alive; an error there (the file moved away) only ends checkpoints.
  worker.unref();
  worker.on('error', () => {});
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
        setTimeout(() => void worker.terminate(), 1_000).unref();
      }),
  };
}
