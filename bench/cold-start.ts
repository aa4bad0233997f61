/**
 * Restart as the bot does it, in a fresh process: store opened → newsroom created → hot tier
 * loading in the background while searches are answered. Run as a child process by bench/run.ts:
 * `cold-start.ts <db> <snapshot> <probes.json> <hotMax> <design> <answers|quiet> [reader|no-reader]`, where
 * <db> is the SQLite file or a postgres:// URL, opened as the bot opens it. Prints one JSON line.
 *
 * Times are from the process's start (module loading included).
 * - `answers`: searches arrive as interactions would during the load (one every 50 ms, twenty a
 *   second: far above a newsroom's rate); measures the first answer, the hot tier loaded, and
 *   answers identical to those before the restart (the twenty probe queries).
 * - `quiet`: no searches until start-up is over, stories and speakers over the whole archive
 *   included; measures how long that takes, the longest event-loop stall start-up itself causes
 *   (a search's own time is a query latency, measured as such), and the heap after all of it.
 */
import fs from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const [dbPath, snapshotPath, probeFile, hotMax, design, mode, readerArg] = process.argv.slice(2) as [string, string, string, string, 'tiered' | 'minisearch', 'answers' | 'quiet', string | undefined];
const { silentLog, systemClock } = await import('../src/core/deps.ts');
const { Newsroom } = await import('../src/core/newsroom/index.ts');
const { openStore } = await import('../src/core/store/index.ts');
const { openAsyncStore } = await import('../src/core/store/open-async-store.ts');
const { fromSqlite } = await import('../src/core/store/sqlite-async.ts');
const { probes, expected } = JSON.parse(fs.readFileSync(probeFile, 'utf8')) as { probes: string[]; expected: string[][] };
// Times count from the process's start (performance.now()'s origin): module loading included.
const stall = monitorEventLoopDelay({ resolution: 10 });
stall.enable();
const postgres = /^postgres(ql)?:/.test(dbPath);
const store = postgres || readerArg !== 'no-reader'
  ? await openAsyncStore({ databaseUrl: postgres ? dbPath : null, sqlitePath: dbPath, clock: systemClock, log: silentLog })
  : fromSqlite(openStore({ path: dbPath, clock: systemClock, log: silentLog }));
const newsroom = new Newsroom({ store, clock: systemClock, log: silentLog, search: { design, hotMaxArticles: Number(hotMax), snapshotPath } });
const scope = { guildId: 'bench' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const answers = async () => {
  const out: string[][] = [];
  for (const q of probes) out.push((await newsroom.search(scope, { query: q })).items.map((i) => i.article.id));
  return out;
};
const same = (a: string[][]) => JSON.stringify(a) === JSON.stringify(expected);
const building = newsroom.buildIndex();
let done = false;
void building.then(() => (done = true));

if (mode === 'answers') {
  let firstAnswerMs = NaN;
  let hotReadyMs = NaN;
  let fullAnswersMs = NaN;
  let i = 0;
  while (Number.isNaN(fullAnswersMs) && !(done && !Number.isNaN(hotReadyMs))) {
    if (newsroom.isReady) {
      await newsroom.search(scope, { query: probes[i++ % probes.length]! });
      if (Number.isNaN(firstAnswerMs)) firstAnswerMs = performance.now();
    }
    if (Number.isNaN(hotReadyMs) && newsroom.hotReady) hotReadyMs = performance.now();
    // Full answers are checked once the hot tier is in (before, the archive tier ranks alone).
    if (newsroom.hotReady && same(await answers())) fullAnswersMs = performance.now();
    else await sleep(50);
  }
  const sameAnswers = same(await answers());
  stall.disable();
  console.log(JSON.stringify({ firstAnswerMs, hotReadyMs, fullAnswersMs, sameAnswers, maxStallWithSearchesMs: stall.max / 1e6, hotArticles: newsroom.index.size }));
} else {
  await building;
  const derivedMs = performance.now();
  stall.disable();
  const sameAnswers = same(await answers());
  (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  console.log(JSON.stringify({ derivedMs, sameAnswers, maxStallMs: stall.max / 1e6, hotArticles: newsroom.index.size, heapMB: mem.heapUsed / 1048576, rssMB: mem.rss / 1048576 }));
}
await store.close();
process.exit(0);
