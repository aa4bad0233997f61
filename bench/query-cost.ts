/**
 * What hostile queries cost: `node --import tsx bench/query-cost.ts [db] [size] [code root]`.
 * Builds (once; kept at `db`) a store of the benchmark's synthetic corpus (default 30,000
 * articles), opens it as the bot does (hot tier over the newest 20,000, archive tier for the
 * rest; stories and speakers left out), and runs each query of the table below `RUNS` times,
 * printing the median time, the longest event-loop stall seen while it ran (a 5 ms timer's
 * largest gap) and what the user was told. A code root runs another version of the code against
 * the same store (e.g. `git archive <commit> | tar -x -C /tmp/before`, node_modules linked).
 * Results go to docs/security.md by hand; the machine is shared, so read them as orders of magnitude.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

const [dbArg, sizeArg, rootArg] = process.argv.slice(2);
const dbPath = dbArg ?? '/tmp/newsdesk-query-cost.db';
const size = Number(sizeArg ?? 30_000);
const root = rootArg ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const RUNS = Number(process.env.RUNS ?? 3);
const { silentLog } = await import(`${root}/src/core/deps.ts`);
const { Newsroom } = await import(`${root}/src/core/newsroom/index.ts`);
const { openStore } = await import(`${root}/src/core/store/index.ts`);
const { openAsyncStore } = await import(`${root}/src/core/store/open-async-store.ts`);
const { contentHash } = await import(`${root}/src/core/feeds/dedupe.ts`);
const { streamCorpus } = await import(`${new URL('..', import.meta.url).pathname}bench/corpus.ts`);
const log = (s: string) => process.stderr.write(`${s}\n`);
const clock = { now: () => new Date() };

if (!fs.existsSync(dbPath)) {
  log(`building ${dbPath} with ${size} articles…`);
  const store = openStore({ path: dbPath, clock, log: silentLog });
  const corpus = streamCorpus(size);
  let batch: unknown[] = [];
  const flush = () => {
    store.ingest('seeds', batch as never, { announce: false });
    batch = [];
  };
  for (const a of corpus.articles) {
    batch.push({ article: a, dedupeKey: `guid:${a.id}`, contentHash: contentHash({ ...a, guid: a.id, summary: null }) });
    if (batch.length === 500) flush();
  }
  if (batch.length) flush();
  store.close();
}

// The store as the bot opens it (on SQLite, with whatever reader the code under test has).
const store = await openAsyncStore({ databaseUrl: null, sqlitePath: dbPath, clock, log: silentLog });
const newsroom = new Newsroom({ store, clock, log: silentLog, search: {} });
(newsroom as unknown as { derived: { build: () => Promise<void> } }).derived.build = async () => {};
await newsroom.buildIndex();
// Give a reader thread, if the code has one, time to start before anything is measured.
await (store as { readerReady?: () => Promise<unknown> }).readerReady?.();
log(`hot tier ${newsroom.index.size} articles, floor seq ${newsroom.index.floor}`);

const letters = 'abcdefghijklmnopqrst'.split('');
const cases: Array<{ label: string; query: string; page?: number; until?: string }> = [
  { label: '20 one-letter wildcards', query: letters.map((l) => `${l}*`).join(' ') },
  { label: '20 one-letter wildcards, archive only', query: letters.map((l) => `${l}*`).join(' '), until: '2021-06-30' },
  { label: 'a*, page 5,000', query: 'a*', page: 4999 },
  { label: 'six common words', query: 'officials government report people country military' },
  { label: 'six common words, archive only', query: 'officials government report people country military', until: '2021-06-30' },
  { label: 'four 3-letter wildcards, archive only', query: 'bra* tra* sha* sta*', until: '2021-06-30' },
  { label: 'twelve words, archive only', query: 'bran trou shea stal dren pran vion sain gron brea toun chal', until: '2021-06-30' },
  { label: 'troops, page 40', query: 'troops', page: 39 },
  { label: 'troops, page 5,000', query: 'troops', page: 4999 },
  // The widest query the limits let through on this corpus: four of its most common 3-letter prefixes.
  { label: 'pro* bri* sta* bra*', query: 'pro* bri* sta* bra*' },
  { label: 'pro* bri* sta* bra*, archive only', query: 'pro* bri* sta* bra*', until: '2021-06-30' },
];

for (const c of cases) {
  const times: number[] = [];
  const stalls: number[] = [];
  let told = '';
  for (let run = 0; run < RUNS; run++) {
    let last = performance.now();
    let worst = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    try {
      const r = await newsroom.search({ guildId: 'bench' }, { query: c.query, ...(c.page ? { page: c.page } : {}), ...(c.until ? { until: c.until } : {}) });
      told = `${r.approximate ? 'about ' : ''}${r.total} results, ${r.items.length} shown${r.stopped ? `; ${r.stopped}` : ''}`;
    } catch (err) {
      told = `refused: ${(err as Error).message}`;
    }
    const ms = performance.now() - t0;
    worst = Math.max(worst, performance.now() - last);
    clearInterval(timer);
    times.push(ms);
    stalls.push(worst);
  }
  times.sort((a, b) => a - b);
  stalls.sort((a, b) => a - b);
  const med = (a: number[]) => a[Math.floor(a.length / 2)]!;
  console.log(`| ${c.label} | ${med(times).toFixed(0)} ms | ${med(stalls).toFixed(0)} ms | ${told.replace(/\|/g, '\\|').slice(0, 160)} |`);
}
await store.close();
