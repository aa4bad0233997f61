import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the SQLite write-ahead log back into the database file from a second connection on its
 * own thread. SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 WAL pages,
 * on the event loop, its fsync included: during ingest longer than an interaction may wait
 * (docs/performance.md). A PASSIVE checkpoint never waits for locks and never blocks the writer
 * or readers, so moving it here takes that stall off the event loop.
 */
const SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
let timer;
const near = () => {
  try { return fs.statSync(workerData.path + '-wal').size > workerData.nearBytes; } catch { return false; }
};
const tick = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick tries again */ }
  timer = setTimeout(tick, near() ? workerData.nearMs : workerData.everyMs);
};
timer = setTimeout(tick, near() ? workerData.nearMs : workerData.everyMs);
const closed = new Int32Array(workerData.closed);
parentPort.on('message', () => {
  clearTimeout(timer);
  try { db.close(); } finally { Atomics.store(closed, 0, 1); Atomics.notify(closed, 0); parentPort.close(); }
});
`;

export interface WalCheckpointer {
  /** Closes the checkpointer's connection before returning (a caller may delete the files next). */
  stop(): void;
}

/**
 * Starts checkpointing `path` every `everyMs` on a worker thread (the caller disables
 * autocheckpoint), every `nearMs` while the log file is larger than `nearBytes`: the writer
 * finishes a checkpoint itself once the log passes its restart threshold, and what it then copies
 * is what came since this thread's last one — cheap only if that is a few milliseconds' worth of
 * writes, so near the threshold this thread checkpoints every `nearMs` (docs/performance.md).
 */
export function startWalCheckpointer(path: string, opts: { everyMs?: number; nearMs?: number; nearBytes?: number } = {}): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const closed = new SharedArrayBuffer(4);
  const workerData = { path, driver, everyMs: opts.everyMs ?? 500, nearMs: opts.nearMs ?? 5, nearBytes: opts.nearBytes ?? Infinity, closed };
  const worker = new Worker(SOURCE, { eval: true, workerData });
  // Never what keeps the process alive; an error there (the file moved away) only ends checkpoints.
  worker.unref();
  worker.on('error', () => {
    Atomics.store(new Int32Array(closed), 0, 1);
  });
  return {
    stop: () => {
      worker.postMessage('stop');
      // Its connection must be closed before ours returns: a caller removing the directory next
      // would otherwise race SQLite deleting the -wal and -shm files.
      Atomics.wait(new Int32Array(closed), 0, 0, 2_000);
      void worker.terminate();
    },
  };
}
