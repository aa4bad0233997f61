/**
 * The parse pool's worker: decodes, detects and parses one fetched body per message, off the
 * main thread. Loaded through the pool's bootstrap (which registers tsx first), never imported
 * by the main thread for its side effects: it only serves when started as the pool's worker.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runParseJob, type ParseRequest, type ParseResponse } from './parse-job.ts';

/** Pool → worker. `hang-for-test` spins forever so tests can prove the time limit. */
export type WorkerRequest = { id: number; req: ParseRequest } | { id: number; type: 'hang-for-test' };

/** Worker → pool. */
export type WorkerReply = { ready: true } | { id: number; response: ParseResponse };

/** Marks the workers the pool starts, so importing this module anywhere else does nothing. */
export const PARSE_WORKER_FLAG = 'newsdeskParseWorker';

function serve(port: NonNullable<typeof parentPort>): void {
  port.on('message', (msg: WorkerRequest) => {
    if ('type' in msg) {
      for (;;) {
        // Busy forever: only termination ends this, which is the point.
      }
    }
    let response: ParseResponse;
    try {
      response = runParseJob(msg.req);
    } catch (err) {
      // runParseJob answers errors itself; this is the last line against a bug in it.
      response = { type: 'error', message: `could not parse: ${(err as Error).message}` };
    }
    port.postMessage({ id: msg.id, response } satisfies WorkerReply);
  });
  port.postMessage({ ready: true } satisfies WorkerReply);
}

if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[PARSE_WORKER_FLAG] === true) serve(parentPort);
