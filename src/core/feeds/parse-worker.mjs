// Worker entry for the parse pool. Plain JavaScript so it starts under any runner; it registers
// tsx itself and then loads the TypeScript parsing code.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runParseJob } = await import('./parse-job.ts');

parentPort.on('message', (msg) => {
  if (msg && msg.type === 'hang-for-test') {
    // Lets tests prove the time limit: a job that never finishes.
    for (;;) {
      /* spin */
    }
  }
  const response = runParseJob(msg.req);
  parentPort.postMessage({ id: msg.id, response });
});
parentPort.postMessage({ ready: true });
