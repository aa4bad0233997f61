/**
 * Restart as the bot does it, in a fresh process: store opened → newsroom created → hot tier
 * loading in the background while searches are answered. Prints one JSON line: time to the first
 * answer, to the hot tier loaded, to answers identical to those before the restart and to stories
 * and speakers derived over the whole archive; the longest event-loop stall and the heap after all of it. Run as a child process by bench/run.ts:
 * `cold-start.ts <db> <snapshot> <probes.json> <hotMax> <design> [wait|skip]` (wait: derived data included).
 */
import fs from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const [dbPath, snapshotPath, probeFile, hotMax, design, derived] = process.argv.slice(2) as [string, string, string, string, 'tiered' | 'minisearch', 'wait' | 'skip' | undefined];
const { silentLog, systemClock } = await import('../src/core/deps.ts');
const { Newsroom } = await import('../src/core/newsroom.ts');
const { openStore } = await import('../src/core/store/index.ts');
const { probes, expected } = JSON.parse(fs.readFileSync(probeFile, 'utf8')) as { probes: string[]; expected: string[][] };
// From here on the bot would be connected and answering: stalls after this point are what users feel.
const stall = monitorEventLoopDelay({ resolution: 10 });
stall.enable();
const store = openStore({ path: dbPath, clock: systemClock, log: silentLog });
const { fromSqlite } = await import('../src/core/store/sqlite-async.ts');
const newsroom = new Newsroom({ store: fromSqlite(store), clock: systemClock, log: silentLog, search: { design, hotMaxArticles: Number(hotMax), snapshotPath } });
const scope = { guildId: 'bench' };
/** The probe searches, one interaction per event-loop turn. */
const answers = async () => {
  const out: string[][] = [];
  for (const q of probes) {
    out.push((await newsroom.search(scope, { query: q })).items.map((i) => i.article.id));
    await new Promise((r) => setImmediate(r));
  }
  return out;
};
const same = (a: string[][]) => JSON.stringify(a) === JSON.stringify(expected);
const building = newsroom.buildIndex();
let firstAnswerMs = NaN;
if (newsroom.isReady) {
  await newsroom.search(scope, { query: probes[0]! });
  firstAnswerMs = performance.now();
}
// Keep answering while the hot tier loads, as interactions would.
let fullAnswersMs = NaN;
let hotReadyMs = NaN;
let done = false;
void building.then(() => (done = true));
// Until full answers with the hot tier loaded.
while (!done && !(newsroom.hotReady && !Number.isNaN(fullAnswersMs))) {
  await new Promise((r) => setTimeout(r, 20));
  if (Number.isNaN(hotReadyMs) && newsroom.hotReady) hotReadyMs = performance.now();
  if (newsroom.isReady) {
    const a = await answers();
    if (Number.isNaN(firstAnswerMs)) firstAnswerMs = performance.now();
    if (Number.isNaN(fullAnswersMs) && same(a)) fullAnswersMs = performance.now();
  }
}
if (Number.isNaN(hotReadyMs)) hotReadyMs = performance.now();
const sameAnswers = same(await answers());
if (Number.isNaN(firstAnswerMs)) firstAnswerMs = performance.now();
if (Number.isNaN(fullAnswersMs) && sameAnswers) fullAnswersMs = performance.now();
// Stories and speakers over the whole archive go on being derived in the background; the heap
// and the stalls are measured until that is done too (a restart's whole cost, not its first part)
// unless the caller skips it (the second restart of a run, to keep a million-article run in time).
if (derived !== 'skip') await building;
const derivedMs = derived === 'skip' ? NaN : performance.now();
const derivedDone = done;
stall.disable();
(globalThis as { gc?: () => void }).gc?.();
const mem = process.memoryUsage();
console.log(JSON.stringify({ firstAnswerMs, hotReadyMs, fullAnswersMs, derivedMs, sameAnswers, derivedDone, maxStallMs: stall.max / 1e6, hotArticles: newsroom.index.size, heapMB: mem.heapUsed / 1048576, rssMB: mem.rss / 1048576 }));
if (derivedDone) store.close();
process.exit(0);
