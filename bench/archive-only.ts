/**
 * Query attribution over an existing store of the benchmark's corpus (e.g. one kept from a run):
 * `node --import tsx bench/archive-only.ts <db> <size> [kinds,…] [code root]` runs the benchmark's
 * queries of those kinds restricted to the archive (`MAIN=1`: with the hot window), `LIMIT` of
 * each (default 300), and prints p50 / p99 with the time spent in the store's text search and its
 * statements. `NO_DERIVED=1` skips stories and speakers (a store loaded without them). A code
 * root lets two versions run against the same store.
 */
import { performance } from 'node:perf_hooks';
const [dbPath, sizeArg, kindsArg, rootArg] = process.argv.slice(2);
const root = rootArg ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const { silentLog } = await import(`${root}/src/core/deps.ts`);
const { Newsroom } = await import(`${root}/src/core/newsroom/index.ts`);
const { openStore } = await import(`${root}/src/core/store/index.ts`);
const { fromSqlite } = await import(`${root}/src/core/store/sqlite-async.ts`);
const { rng, streamCorpus } = await import(`${root}/bench/corpus.ts`);
const { makeQueries } = await import(`${root}/bench/queries.ts`);
const size = Number(sizeArg);
const corpus = streamCorpus(size);
const SAMPLE = 4000;
const sample: Array<{ n: number; sentence: string }> = [];
const sampler = rng(99);
let n = 0;
for (const a of corpus.articles) {
  const sentences = a.body.flatMap((p: string) => p.split(/(?<=\.) /));
  const item = { n, sentence: sentences[Math.floor(sampler() * sentences.length)]! };
  if (sample.length < SAMPLE) sample.push(item);
  else { const j = Math.floor(sampler() * (n + 1)); if (j < SAMPLE) sample[j] = item; }
  n++;
}
const { kinds } = makeQueries(corpus, sample, size, 1000);
const clock = { now: () => new Date() };
const store = openStore({ path: dbPath!, clock, log: silentLog });
const newsroom = new Newsroom({ store: fromSqlite(store), clock, log: silentLog, search: { snapshotPath: `${dbPath}.hot` } });
if (process.env.NO_DERIVED) (newsroom as any).derived.build = async () => {};
await newsroom.buildIndex();
const hotFloor = newsroom.index.floor;
const untilDate = new Date(corpus.start + ((hotFloor - 2) / size) * corpus.span - 86_400_000).toISOString().slice(0, 10);
let textMs = 0, textCalls = 0;
const bySql = new Map<string, { n: number; ms: number }>();
const st = store as any;
const origStmt = st.stmt.bind(st);
st.stmt = (sql: string) => {
  const s = origStmt(sql);
  const key = sql.replace(/\s+/g, ' ').slice(0, 110);
  const timed = (fn: (...a: unknown[]) => unknown) => (...a: unknown[]) => { const t = performance.now(); const r = fn(...a); const e = bySql.get(key) ?? { n: 0, ms: 0 }; e.n++; e.ms += performance.now() - t; bySql.set(key, e); return r; };
  return { all: timed(s.all.bind(s)), get: timed(s.get.bind(s)), run: timed(s.run.bind(s)), iterate: s.iterate?.bind(s) };
};
const origText = st.searchText.bind(st);
st.searchText = (...a: unknown[]) => { const t = performance.now(); const r = origText(...a); textMs += performance.now() - t; textCalls++; return r; };
const wanted = (kindsArg ?? '3-term,phrase,common,entity').split(',');
const limit = Number(process.env.LIMIT ?? 300);
for (const k of wanted) {
  textMs = 0; textCalls = 0; bySql.clear();
  const times: number[] = [];
  for (const q of kinds[k]!.slice(0, limit)) {
    const t = performance.now();
    await newsroom.search({ guildId: 'bench' }, process.env.MAIN ? { query: q } : { query: q, until: untilDate });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const qn = times.length;
  console.log(`${k}: p50 ${times[Math.floor(qn / 2)]!.toFixed(1)} p99 ${times[Math.floor(qn * 0.99)]!.toFixed(1)} | searchText ${(textMs / qn).toFixed(1)} ms/q in ${(textCalls / qn).toFixed(2)} calls`);
  for (const [sql, e] of [...bySql].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6)) console.log(`   ${(e.ms / qn).toFixed(2)} ms/q ${(e.n / qn).toFixed(2)}×  ${sql}`);
}
store.close();
