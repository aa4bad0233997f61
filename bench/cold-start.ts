/**
 * Cold start as the bot does it: process start → store opened → index rebuilt from the store →
 * ready to answer. Prints one JSON line; run as a child process by bench/run.ts.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const { silentLog, systemClock } = await import('../src/core/deps.ts');
const { Newsroom } = await import('../src/core/newsroom.ts');
const { openStore } = await import('../src/core/store/index.ts');
// From here on the bot would be connected and answering: stalls after this point are what users feel.
const stall = monitorEventLoopDelay({ resolution: 10 });
stall.enable();
const store = openStore({ path: process.argv[2]!, clock: systemClock, log: silentLog });
const newsroom = new Newsroom({ store, clock: systemClock, log: silentLog });
// Interactions keep being answered during the build: measure how long the loop is ever blocked.
await newsroom.buildIndex();
const readyMs = performance.now();
stall.disable();
const mem = process.memoryUsage();
console.log(JSON.stringify({ coldStartMs: readyMs, maxStallMs: stall.max / 1e6, articles: newsroom.index.size, heapMB: mem.heapUsed / 1048576, rssMB: mem.rss / 1048576 }));
store.close();
