/**
 * `npm run bench [-- --size 100000] [--store sqlite|postgres] [--queries 1000] [--index tiered|minisearch]
 * [--mixed-rate 20] [--hostile 250] [--no-memory-baselines] [--no-trend] [--no-reader]`: the search
 * benchmark over a deterministic synthetic corpus, streamed (generation and ingest never hold the
 * corpus in memory). Phases, each with its longest event-loop stall:
 * - ingest into store + both tiers (+ stories), at full speed;
 * - mixed: the rest of the corpus ingested at full speed while `--mixed-rate` searches a second
 *   (every kind, taking turns) arrive as interactions (latency from when each was due to its reply);
 * - snapshot write; every query kind one at a time (incl. top-5 excerpts, with the default hot
 *   window and restricted to the archive); /trend; typo tolerance;
 * - hostile: `--hostile` queries of each hostile kind (bench/queries.ts) one after another, while
 *   normal searches keep arriving as in the mixed phase;
 * - restart in a fresh process (bench/cold-start.ts);
 * and, in the same run, the baselines: raw FTS5 (SQLite) and, up to 150k, the MiniSearch-only
 * design and raw MiniSearch. The store is opened as the bot opens it (SQLite with its archive
 * reader thread; `--store postgres` runs an embedded PostgreSQL, test/helpers/postgres.ts).
 * Writes bench/results-<size>.json (results-pg-<size>.json on PostgreSQL), prints the tables and
 * issue 27's targets with pass/fail.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import MiniSearch from 'minisearch';
import pg from 'pg';
import type { Article } from '../src/core/article.ts';
import { silentLog } from '../src/core/deps.ts';
import { UserError } from '../src/core/errors.ts';
import { buildExcerpt } from '../src/core/excerpt.ts';
import { contentHash } from '../src/core/feeds/dedupe.ts';
import { DEFAULT_HOT_MAX_ARTICLES, MAX_PAGES, Newsroom } from '../src/core/newsroom/index.ts';
import { ftsQuote } from '../src/core/search-text/fts-text.ts';
import { parseQuery } from '../src/core/search/query.ts';
import type { AsyncStore } from '../src/core/store/async-store.ts';
import { openStore, type SqliteStore } from '../src/core/store/index.ts';
import { openAsyncStore } from '../src/core/store/open-async-store.ts';
import { fromSqlite } from '../src/core/store/sqlite-async.ts';
import { tokenize } from '../src/core/text/tokenize.ts';
import { startTestDatabase, type TestDatabase } from '../test/helpers/postgres.ts';
import { rng, streamCorpus } from './corpus.ts';
import { MAX_IN_FLIGHT, startLoad, withStall, type LoadResult, type Summary } from './load-gen.ts';
import { hostileQueries, makeQueries, trendQueries } from './queries.ts';
import { measureTrend, trendTable } from './trend.ts';
import { fmt, summarize } from './stats.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const size = Number(opt('--size', '10000')) || 10_000;
const perKind = Number(opt('--queries', '1000'));
const design = opt('--index', 'tiered') as 'tiered' | 'minisearch';
const storeKind = opt('--store', 'sqlite') as 'sqlite' | 'postgres';
if (storeKind !== 'sqlite' && storeKind !== 'postgres') throw new Error(`--store: sqlite or postgres, not ${String(storeKind)}`);
/** SQLite archive searches on the reader thread, as the bot runs them (--no-reader: on the event loop, as before). */
const reader = !args.includes('--no-reader');
/** Searches a second of every kind during the mixed and hostile phases. */
const mixedRate = Number(opt('--mixed-rate', '20'));
/** Hostile queries of each hostile kind. */
const hostilePerKind = Number(opt('--hostile', '250'));
const runTrend = !args.includes('--no-trend');
/** Baselines that rank every match (seconds per query at a million) get a smaller sample. */
const baselineQueries = Number(opt('--baseline-queries', size > 200_000 ? '100' : '200'));
const hotMax = Number(opt('--hot-max', String(DEFAULT_HOT_MAX_ARTICLES)));
/** Articles per store transaction: one feed fetch. */
const BATCH = Number(opt('--batch', '20'));
/**
 * Articles ingested into the store (with its archive tier) only, before the rest go through store
 * + both tiers: at a million, the first 900,000 would only pass through the hot window and be
 * evicted again, and ingesting them that way does not fit the run's time on this machine. The
 * ingest rate is measured on the articles that go through both tiers.
 */
const bulk = Number(opt('--bulk', String(size > 200_000 ? size - 100_000 : 0)));
// (They still get their stories and speakers, as stored by the bot, so the restart reads them back.)
/** The in-memory designs are measured up to this size (beyond it they need more heap than the machine has). */
const IN_MEMORY_MAX = args.includes('--no-memory-baselines') || storeKind !== 'sqlite' ? 0 : 150_000;
/**
 * The mixed phase lasts long enough for 1,000+ searches in all at the asked rate (with a margin for
 * the ingest slowing under them), and takes at most the second half of the corpus.
 */
const mixedMinSeconds = Math.max(65, (1000 / mixedRate) * 1.3);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const clock = { now: () => new Date() };
const began = performance.now();
const log = (s: string) => process.stderr.write(`[${((performance.now() - began) / 1000).toFixed(0)} s] ${s}\n`);
const MB = 1048576;
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').trim();
const sizeTag = size >= 1000 ? `${size / 1000}k` : String(size);
const resultName = `results-${storeKind === 'postgres' ? 'pg-' : ''}${sizeTag}`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-'));
const dbPath = path.join(dir, 'newsdesk.db');
const snapshotPath = `${dbPath}.hot`;
const scope = { guildId: 'bench' };
const uptimeStart = loadavg();

// ── the store, opened as the bot opens it ──────────────────────────────────
let sqlite: SqliteStore | null = null;
let pgDb: TestDatabase | null = null;
let store: AsyncStore;
if (storeKind === 'postgres') {
  log('starting embedded PostgreSQL…');
  pgDb = await startTestDatabase();
  store = await openAsyncStore({ databaseUrl: pgDb.url, sqlitePath: dbPath, clock, log: silentLog });
} else {
  sqlite = openStore({ path: dbPath, clock, log: silentLog });
  store = fromSqlite(sqlite, { reader });
}

// ── ingest, then mixed: corpus streamed into store + both tiers, in fetch-sized batches ──
log(`ingesting ${size.toLocaleString('en-US')} articles into ${storeKind}${storeKind === 'sqlite' ? (reader ? ' (archive reader thread)' : ' (no reader thread)') : ''} (design ${design}, hot window ${hotMax.toLocaleString('en-US')}, batches of ${BATCH})…`);
const corpus = streamCorpus(size);
const newsroom = new Newsroom({ store, clock, log: silentLog, search: { design, hotMaxArticles: hotMax, snapshotPath } });
await newsroom.buildIndex();
const search = (q: string, extra: { until?: string; page?: number } = {}) => newsroom.search(scope, { query: q, ...extra });
/** Sentences of a uniform sample of articles (with their number), for multi-word queries. */
const SAMPLE = 4000;
const sample: Array<{ n: number; sentence: string }> = [];
const sampler = rng(99);
const perArticle: number[] = [];
const ingestStall = monitorEventLoopDelay({ resolution: 10 });
let ingestPeakHeap = 0;
ingestStall.enable();
const ingestStart = performance.now();
let n = 0;
let batch: Article[] = [];
let bulkMs = 0;
let measuredStart = NaN;
/**
 * The mixed phase: from when the rest of the corpus would take `mixedMinSeconds` at the rate so
 * far, for at most that long (searches slow the ingest: what is left after it is ingested as in the
 * ingest phase, whose figures cover both stretches).
 */
interface Mixed {
  start: number;
  startN: number;
  end: number;
  endN: number;
  stall: ReturnType<typeof monitorEventLoopDelay>;
  load: ReturnType<typeof startLoad>;
  result: LoadResult | null;
  ended: Promise<void> | null;
  clearTimer?: () => void;
  kinds: ReturnType<typeof makeQueries>;
}
let mixed: Mixed | null = null;
/** Ingest-phase time and stalls before the mixed phase (the part after it adds to them). */
let pureBeforeMs = NaN;
let pureBeforeStallMs = 0;
const startMixed = () => {
  pureBeforeMs = performance.now() - measuredStart;
  pureBeforeStallMs = ingestStall.max / 1e6;
  ingestStall.disable();
  const kinds = makeQueries(corpus, sample, size, perKind);
  log(`  ingest phase: ${((n - bulk) / (pureBeforeMs / 1000)).toFixed(0)} articles/s over ${n - bulk}, longest stall ${pureBeforeStallMs.toFixed(0)} ms; mixed phase (at most ${mixedMinSeconds.toFixed(0)} s): ingest while ${mixedRate} searches/s arrive, the ${Object.keys(kinds.kinds).length} kinds taking turns…`);
  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  const m: Mixed = { start: performance.now(), startN: ingested, end: NaN, endN: NaN, stall, kinds, result: null, ended: null, load: startLoad(kinds.kinds, mixedRate, (q) => search(q)) };
  mixed = m;
  // On a timer, not between batches: a saturated bot may take long over a batch.
  const timer = setTimeout(() => void endMixed(m), mixedMinSeconds * 1000);
  m.clearTimer = () => clearTimeout(timer);
};
/** Articles whose batch has been stored and indexed. */
let ingested = 0;
const endMixed = (m: Mixed): Promise<void> =>
  (m.ended ??= (async () => {
    m.clearTimer?.();
    m.end = performance.now();
    m.endN = ingested;
    log(`  mixed phase: searches stop at ${ingested.toLocaleString('en-US')} articles; waiting for the unanswered ones…`);
    m.result = await m.load.stop();
    m.stall.disable();
    ingestStall.reset();
    ingestStall.enable();
  })());
const flush = async () => {
  const b0 = performance.now();
  const result = await store.ingest('seeds', batch.map((a) => ({ article: a, dedupeKey: `guid:${a.id}`, contentHash: contentHash({ ...a, guid: a.id, summary: null }) })), { announce: false });
  if (n > bulk) {
    if (Number.isNaN(measuredStart)) {
      measuredStart = b0;
      ingestStall.reset();
    }
    await newsroom.indexArticles(result.inserted.map((article) => ({ article })));
    if (!mixed || mixed.ended) perArticle.push((performance.now() - b0) / batch.length);
  } else {
    // Stories and speakers as the bot stores them on arrival (a restart reads them back), and the
    // archive index's merge steps: everything but the hot tier.
    await newsroom.deriveArticles(result.inserted.map((article) => ({ article })));
    bulkMs += performance.now() - b0;
  }
  ingested += batch.length;
  batch = [];
  await new Promise((r) => setImmediate(r));
  // The mixed phase takes the rest of the corpus once that lasts long enough at the rate so far.
  if (!mixed && n > bulk && n >= size / 2 && n < size) {
    const rate = (n - bulk) / ((performance.now() - measuredStart) / 1000);
    if (size - n <= rate * mixedMinSeconds) startMixed();
  }
};
for (const a of corpus.articles) {
  const sentences = a.body.flatMap((p) => p.split(/(?<=\.) /));
  const item = { n, sentence: sentences[Math.floor(sampler() * sentences.length)]! };
  if (sample.length < SAMPLE) sample.push(item);
  else {
    const j = Math.floor(sampler() * (n + 1));
    if (j < SAMPLE) sample[j] = item;
  }
  batch.push(a);
  n++;
  // The bulk part goes in larger transactions: it is loading, not the measured fetch pattern.
  if (batch.length === (n <= bulk ? 500 : BATCH) || n === bulk) await flush();
  if (n % 50_000 === 0 || (mixed && n % 5_000 === 0)) {
    const h = process.memoryUsage().heapUsed;
    if (h > ingestPeakHeap) ingestPeakHeap = h;
    log(`  ${n.toLocaleString('en-US')} articles, ${(n / ((performance.now() - ingestStart) / 1000)).toFixed(0)}/s, heap ${(h / MB).toFixed(0)} MB`);
  }
}
if (batch.length) await flush();
ingestPeakHeap = Math.max(ingestPeakHeap, process.memoryUsage().heapUsed);
if (!mixed) startMixed(); // a corpus too small to split: the mixed phase has no ingest left
const mixedRun: Mixed = mixed!;
await endMixed(mixedRun);
const ingestMs = performance.now() - ingestStart;
ingestStall.disable();
const mixedLoad = mixedRun.result!;
const ingestPhase = {
  articles: mixedRun.startN - bulk + (size - mixedRun.endN),
  ms: pureBeforeMs + (performance.now() - mixedRun.end),
  maxStallMs: Math.max(pureBeforeStallMs, mixedRun.endN < size ? ingestStall.max / 1e6 : 0),
};
const mixedPhase = {
  articles: mixedRun.endN - mixedRun.startN,
  articlesPerSec: (mixedRun.endN - mixedRun.startN) / ((mixedRun.end - mixedRun.start) / 1000),
  maxStallMs: mixedRun.stall.max / 1e6,
  searches: mixedLoad,
};
const { kinds, fuzzyPairs } = mixedRun.kinds;
for (const [k, qs] of Object.entries(kinds)) if (qs.length < perKind) log(`  note: only ${qs.length} distinct ${k} queries`);
log(`  ${(ingestMs / 1000).toFixed(1)} s; mixed phase: ${mixedPhase.articlesPerSec.toFixed(0)} articles/s over ${mixedPhase.articles}, searches p50 ${fmt(mixedLoad.all.p50)} p99 ${fmt(mixedLoad.all.p99)} ms (${mixedLoad.all.n}, ${mixedLoad.dropped} dropped), longest stall ${mixedPhase.maxStallMs.toFixed(0)} ms${bulk ? `; store + archive tier + stories and speakers (first ${bulk}): ${(bulk / (bulkMs / 1000)).toFixed(0)} articles/s` : ''}`);
const snap = await withStall(async () => {
  const s0 = performance.now();
  await newsroom.saveSnapshot();
  return performance.now() - s0;
});
const snapshotMs = snap.value;
const snapshotBytes = fs.existsSync(snapshotPath) ? fs.statSync(snapshotPath).size : 0;
/** Store size and its full-text index's (FTS5 tables; PostgreSQL's GIN indexes). */
let dbBytes = 0;
let ftsBytes = NaN;
let walBytes = 0;
if (sqlite) {
  const withWal = ['', '-wal'].reduce((sum, ext) => sum + (fs.existsSync(dbPath + ext) ? fs.statSync(dbPath + ext).size : 0), 0);
  sqlite.db.pragma('wal_checkpoint(TRUNCATE)');
  dbBytes = fs.statSync(dbPath).size;
  walBytes = withWal - dbBytes;
  try {
    ftsBytes = (sqlite.db.prepare("SELECT sum(pgsize) AS b FROM dbstat WHERE name LIKE 'articles_fts%'").get() as { b: number }).b;
  } catch {
    // dbstat is not compiled in
  }
} else {
  const c = new pg.Client({ connectionString: pgDb!.url });
  await c.connect();
  dbBytes = Number((await c.query<{ b: string }>('SELECT pg_database_size(current_database()) AS b')).rows[0]!.b);
  ftsBytes = Number((await c.query<{ b: string }>("SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0) AS b FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin'")).rows[0]!.b);
  await c.end();
}
log(`  snapshot ${(snapshotMs / 1000).toFixed(1)} s (${(snapshotBytes / MB).toFixed(0)} MB, longest stall ${snap.maxStallMs.toFixed(0)} ms), store ${(dbBytes / MB).toFixed(0)} MB (full-text index ${(ftsBytes / MB).toFixed(0)} MB)`);

const partial: Record<string, unknown> = { size, store: storeKind, design, hotMaxArticles: hotMax, loadavgStart: uptimeStart };
/** Results so far, so a run cut short still leaves its measurements. */
const savePartial = (key: string, value: unknown) => {
  partial[key] = value;
  partial.loadavg = loadavg();
  fs.writeFileSync(path.join(import.meta.dirname, `${resultName}.partial.json`), JSON.stringify(partial, null, 2));
};
savePartial('ingest', { ...ingestPhase, articlesPerSec: ingestPhase.articles / (ingestPhase.ms / 1000), bulk, bulkPerSec: bulk ? bulk / (bulkMs / 1000) : null, snapshotMs, snapshotStallMs: snap.maxStallMs, dbBytes, ftsBytes, snapshotBytes });
savePartial('mixed', mixedPhase);

// ── queries: ≥ perKind distinct per kind, one at a time ──────────────────
interface KindResult { p50: number; p95: number; p99: number; max: number; n: number; meanHits: number }
async function measure(label: string, run: (q: string) => { total: number } | Promise<{ total: number }>, queries: Record<string, string[]>, limit = Infinity): Promise<Record<string, KindResult>> {
  log(`querying: ${label}…`);
  const out: Record<string, KindResult> = {};
  for (const [kind, qs] of Object.entries(queries)) {
    const times: number[] = [];
    let hits = 0;
    for (const q of qs.slice(0, limit)) {
      const s = performance.now();
      hits += (await run(q)).total;
      times.push(performance.now() - s);
      // Interactions are separate events: let the loop turn between them.
      if (times.length % 50 === 0) await new Promise((res) => setImmediate(res));
    }
    out[kind] = { ...summarize(times), meanHits: hits / Math.max(1, times.length) };
    savePartial(`${label} / ${kind}`, out[kind]);
    log(`  ${kind}: p50 ${fmt(out[kind]!.p50)} p99 ${fmt(out[kind]!.p99)} ms (${times.length} queries)`);
  }
  return out;
}

for (const q of kinds['1-term']!.slice(0, 20)) await search(q); // warm-up
const mainRun = await withStall(() => measure(`${design}, default hot window`, (q) => search(q), kinds));
const main = mainRun.value;
// Archive only: the same queries restricted to articles published before the hot window.
const hotFloor = newsroom.index.floor;
const untilDate = new Date(corpus.start + ((hotFloor - 2) / size) * corpus.span - 86_400_000).toISOString().slice(0, 10);
const archiveOnly = design === 'tiered' && hotFloor > 1 ? await measure(`archive only (until ${untilDate})`, (q) => search(q, { until: untilDate }), kinds) : null;

// /trend and /trending (bench/trend.ts): the clock at the corpus's last day.
const trendEnd = new Date(corpus.start + corpus.span);
const trendResults = runTrend ? await measureTrend({ store, sqlite: sqlite ?? undefined, clock: { now: () => trendEnd }, visible: new Set(['seeds']), queries: trendQueries(kinds, Math.min(perKind, 200)), log }) : null;
if (trendResults) savePartial('trend', trendResults);

// Typo tolerance: the top result of a misspelt word against the exact spelling.
let sameTop = 0;
let fuzzyCounted = 0;
for (const t of kinds.fuzzy!) {
  const exact = (await search(fuzzyPairs.get(t)!)).items[0]?.article.id;
  if (!exact) continue;
  fuzzyCounted++;
  if ((await search(t)).items[0]?.article.id === exact) sameTop++;
}
const fuzzySameTop = fuzzyCounted ? sameTop / fuzzyCounted : NaN;
log(`  fuzzy same top result: ${(fuzzySameTop * 100).toFixed(1)} % of ${fuzzyCounted}`);

// ── hostile queries, one after another, while normal searches keep arriving ──
type Outcome = 'answered' | 'cut off' | 'refused' | 'failed';
interface HostileKindResult extends Summary { outcomes: Record<Outcome, number>; overOneSecond: number; refusedAs: Record<string, number>; example: string }
const hostile = hostileQueries(corpus, MAX_PAGES - 1, hostilePerKind);
log(`hostile queries: ${Object.entries(hostile).map(([k, qs]) => `${qs.length} ${k}`).join(', ')} (e.g. ${Object.values(hostile).map((qs) => `"${qs[0]?.query}" page ${(qs[0]?.page ?? 0) + 1}`).join('; ')}), with ${mixedRate} normal searches/s (every kind) meanwhile…`);
const hostileRun = await withStall(async () => {
  const load = startLoad(kinds, mixedRate, (q) => search(q));
  const perHostile: Record<string, HostileKindResult> = {};
  const allTimes: number[] = [];
  for (const [kind, qs] of Object.entries(hostile)) {
    const times: number[] = [];
    const outcomes: Record<Outcome, number> = { answered: 0, 'cut off': 0, refused: 0, failed: 0 };
    const refusedAs: Record<string, number> = {};
    for (const h of qs) {
      const t = performance.now();
      let outcome: Outcome;
      try {
        outcome = (await search(h.query, { page: h.page })).stopped ? 'cut off' : 'answered';
      } catch (err) {
        outcome = err instanceof UserError ? 'refused' : 'failed';
        if (err instanceof UserError) refusedAs[err.id] = (refusedAs[err.id] ?? 0) + 1;
        else log(`  hostile query failed: ${h.query}: ${err instanceof Error ? err.message : String(err)}`);
      }
      times.push(performance.now() - t);
      outcomes[outcome]++;
    }
    allTimes.push(...times);
    perHostile[kind] = { ...summarize(times), outcomes, overOneSecond: times.filter((x) => x > 1000).length, refusedAs, example: `${qs[0]?.query} (page ${(qs[0]?.page ?? 0) + 1})` };
    log(`  ${kind}: p50 ${fmt(perHostile[kind]!.p50)} p99 ${fmt(perHostile[kind]!.p99)} max ${fmt(perHostile[kind]!.max)} ms, ${JSON.stringify(outcomes)} (${times.length})`);
  }
  return { perHostile, all: summarize(allTimes), normal: await load.stop() };
});
const hostilePhase = { queriesPerKind: hostilePerKind, kinds: hostileRun.value.perHostile, all: hostileRun.value.all, maxStallMs: hostileRun.maxStallMs, normalSearches: hostileRun.value.normal };
log(`  hostile: ${hostilePhase.all.n} queries, slowest ${fmt(hostilePhase.all.max)} ms, longest stall ${fmt(hostilePhase.maxStallMs)} ms; normal searches meanwhile p50 ${fmt(hostilePhase.normalSearches.all.p50)} p99 ${fmt(hostilePhase.normalSearches.all.p99)} ms (${hostilePhase.normalSearches.all.n}, ${hostilePhase.normalSearches.dropped} dropped)`);
savePartial('hostile', hostilePhase);

// ── baseline: raw FTS5 (every token quoted, ORDER BY rank LIMIT 5, excerpts from the stored text) ──
let rawFtsResults: Record<string, KindResult> | null = null;
if (sqlite) {
  const db = sqlite;
  const rawFts = db.db.prepare('SELECT a.id AS id FROM articles_fts f JOIN articles a ON a.seq = f.rowid WHERE articles_fts MATCH ? ORDER BY f.rank LIMIT 5');
  rawFtsResults = await measure('raw FTS5', (q) => {
    const pq = parseQuery(q);
    const parts = [...pq.terms.map(ftsQuote), ...pq.phrases.map((p) => `"${p.join(' ')}"`)];
    const ids = rawFts.all(parts.join(' AND ')) as Array<{ id: string }>;
    // Counting every match would double the cost of the slowest queries: raw FTS5 is timed without it.
    const total = ids.length;
    const specs = [...pq.terms.map((t) => ({ query: t, forms: [t] })), ...pq.phrases.map((p) => ({ query: p.join(' '), forms: [p.join(' ')], phrase: true }))];
    for (const { id } of ids) buildExcerpt(db.getArticle(id)!, specs);
    return { total };
  }, kinds, baselineQueries);
}

// ── restart in a fresh process: snapshot present, then missing ─────────────
const probes = kinds['1-term']!.slice(0, 20);
const expected: string[][] = [];
for (const q of probes) expected.push((await search(q)).items.map((i) => i.article.id));
await store.close();
const probeFile = path.join(dir, 'probes.json');
fs.writeFileSync(probeFile, JSON.stringify({ probes, expected }));
/** One restart in a fresh process (see cold-start.ts for the two modes). */
const coldStart = <T>(label: string, mode: 'answers' | 'quiet'): T => {
  log(`restart (${label}, ${mode})…`);
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, 'cold-start.ts'), pgDb ? pgDb.url : dbPath, snapshotPath, probeFile, String(hotMax), design, mode, reader ? 'reader' : 'no-reader'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const res = JSON.parse(out.trim().split('\n').pop()!) as T;
  savePartial(`restart (${label}, ${mode})`, res);
  log(`  ${JSON.stringify(res)}`);
  return res;
};
interface Answers { firstAnswerMs: number; hotReadyMs: number; fullAnswersMs: number; sameAnswers: boolean; maxStallWithSearchesMs: number; hotArticles: number }
interface Quiet { derivedMs: number; sameAnswers: boolean; maxStallMs: number; hotArticles: number; heapMB: number; rssMB: number }
const restart = coldStart<Answers>('snapshot present', 'answers');
const restartQuiet = coldStart<Quiet>('snapshot present', 'quiet');
fs.rmSync(snapshotPath, { force: true });
const restartRebuild = coldStart<Answers>('snapshot missing: rebuild', 'answers');
// The first rebuild may have written a new snapshot (or part of one) before it exited.
fs.rmSync(snapshotPath, { force: true });
const restartRebuildQuiet = coldStart<Quiet>('snapshot missing: rebuild', 'quiet');

// ── baselines held fully in memory: the MiniSearch-only design and raw MiniSearch ──
let miniDesign: { buildMs: number; maxStallMs: number; heapMB: number; queries: Record<string, KindResult> } | null = null;
let rawMini: { buildMs: number; heapMB: number; queries: Record<string, KindResult> } | null = null;
if (size <= IN_MEMORY_MAX && design === 'tiered') {
  const reopened = openStore({ path: dbPath, clock, log: silentLog });
  log('baseline: MiniSearch-only design (every article in memory)…');
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const old = new Newsroom({ store: fromSqlite(reopened), clock, log: silentLog, search: { design: 'minisearch' } });
  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  const b0 = performance.now();
  await old.buildIndex();
  const buildMs = performance.now() - b0;
  stall.disable();
  gc();
  const heapMB = (process.memoryUsage().heapUsed - heap0) / MB;
  const queries = await measure('MiniSearch-only design', (q) => old.search(scope, { query: q }), kinds, baselineQueries);
  miniDesign = { buildMs, maxStallMs: stall.max / 1e6, heapMB, queries };
  log('baseline: raw MiniSearch (default options, title + body)…');
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  const raw = new MiniSearch<{ id: string; title: string; body: string }>({ fields: ['title', 'body'] });
  const r0 = performance.now();
  for (let after = 0; ; ) {
    const rows = reopened.scanArticles(after, 1000);
    if (rows.length === 0) break;
    raw.addAll(rows.map((x) => ({ id: x.article.id, title: x.article.title, body: x.article.body.join('\n') })));
    after = rows[rows.length - 1]!.rowid;
  }
  const rawBuildMs = performance.now() - r0;
  gc();
  const rawHeapMB = (process.memoryUsage().heapUsed - heap1) / MB;
  const rawQueries = await measure('raw MiniSearch', (q) => {
    const res = raw.search(q.replace(/"/g, ''), { fuzzy: 0.2, prefix: true });
    const specs = tokenize(q).map((t) => ({ query: t, forms: [t] }));
    for (const x of res.slice(0, 5)) buildExcerpt(reopened.getArticle(x.id as string)!, specs);
    return { total: res.length };
  }, kinds, baselineQueries);
  rawMini = { buildMs: rawBuildMs, heapMB: rawHeapMB, queries: rawQueries };
  reopened.close();
}
await pgDb?.close();

const per1k = size / 1000;
const ingestSum = summarize(perArticle);
const uptimeEnd = loadavg();
const summary = {
  date: new Date().toISOString(),
  size,
  store: storeKind,
  archiveReaderThread: storeKind === 'sqlite' ? reader : null,
  design,
  hotMaxArticles: hotMax,
  queriesPerKind: perKind,
  baselineQueriesPerKind: baselineQueries,
  batch: BATCH,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', totalMemGB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadavgStart: uptimeStart, loadavgEnd: uptimeEnd, shared: 'load average: 1, 5 and 15 min; the machine was shared with other work unless it stays near 0' },
  queries: main,
  queriesMaxStallMs: mainRun.maxStallMs,
  archiveOnly,
  archiveOnlyUntil: untilDate,
  fuzzySameTop: { rate: fuzzySameTop, queries: fuzzyCounted },
  ingest: { articlesPerSec: ingestPhase.articles / (ingestPhase.ms / 1000), measuredArticles: ingestPhase.articles, bulkArticles: bulk, bulkStoreOnlyPerSec: bulk ? bulk / (bulkMs / 1000) : null, wholeIngestSeconds: ingestMs / 1000, perBatchPerArticleMs: ingestSum, maxStallMs: ingestPhase.maxStallMs, peakHeapMB: ingestPeakHeap / MB },
  mixed: mixedPhase,
  hostile: hostilePhase,
  snapshot: { writeMs: snapshotMs, maxStallMs: snap.maxStallMs, bytes: snapshotBytes },
  restart: { ...restart, ...restartQuiet },
  restartRebuild: { ...restartRebuild, ...restartRebuildQuiet },
  disk: { storeBytes: dbBytes, ftsBytes, walBytesAtEnd: walBytes, storeMBPer1k: dbBytes / MB / per1k, ftsMBPer1k: ftsBytes / MB / per1k, snapshotMB: snapshotBytes / MB },
  baselines: { rawFts5: rawFtsResults, miniSearchDesign: miniDesign, rawMiniSearch: rawMini },
  trend: trendResults,
  targets: [] as Target[],
  totalSeconds: NaN,
};

// ── issue 27's targets ──────────────────────────────────────────────────────
interface Target { target: string; value: string; samples: number | null; pass: boolean }
const big = size >= 1_000_000;
const kindP50 = big ? 40 : 20;
const kindP99 = big ? 300 : 150;
const target = (t: string, value: number, limit: number, unit: string, samples: number | null, higherIsBetter = false): Target => ({
  target: `${t} ${higherIsBetter ? '≥' : '≤'} ${limit.toLocaleString('en-US')} ${unit}`,
  value: `${fmt(value, unit === 'articles/s' ? 0 : 1)} ${unit}`,
  samples,
  pass: higherIsBetter ? value >= limit : value <= limit,
});
const worst = (rs: Record<string, KindResult>, f: 'p50' | 'p99'): [string, number] => {
  let w: [string, number] = ['', -Infinity];
  for (const [k, r] of Object.entries(rs)) if (r[f] > w[1]) w = [k, r[f]];
  return w;
};
const [p50Kind, p50Worst] = worst(main, 'p50');
const [p99Kind, p99Worst] = worst(main, 'p99');
const minKindSamples = Math.min(...Object.values(main).map((r) => r.n));
summary.targets = [
  target('ingest, store + both tiers + stories', summary.ingest.articlesPerSec, 1000, 'articles/s', ingestPhase.articles, true),
  target('longest stall: ingest', ingestPhase.maxStallMs, 50, 'ms', null),
  target('longest stall: mixed', mixedPhase.maxStallMs, 50, 'ms', null),
  target('longest stall: snapshot write', snap.maxStallMs, 50, 'ms', null),
  target('longest stall: restart (snapshot, start-up alone)', restartQuiet.maxStallMs, 50, 'ms', null),
  target('longest stall: restart (rebuild, start-up alone)', restartRebuildQuiet.maxStallMs, 50, 'ms', null),
  target('longest stall: hostile queries', hostilePhase.maxStallMs, 50, 'ms', null),
  target('mixed-phase search p99', mixedLoad.all.p99, kindP99, 'ms', mixedLoad.all.n),
  target('mixed-phase searches dropped (bot saturated)', mixedLoad.dropped, 0, '', mixedLoad.all.n + mixedLoad.dropped),
  target(`every kind p50 (worst: ${p50Kind})`, p50Worst, kindP50, 'ms', minKindSamples),
  target(`every kind p99 (worst: ${p99Kind})`, p99Worst, kindP99, 'ms', minKindSamples),
  target('hostile: slowest answer or cut-off', hostilePhase.all.max, 1000, 'ms', hostilePhase.all.n),
  target('hostile: normal searches meanwhile, p99', hostilePhase.normalSearches.all.p99, kindP99, 'ms', hostilePhase.normalSearches.all.n),
  target('hostile: normal searches dropped (bot saturated)', hostilePhase.normalSearches.dropped, 0, '', hostilePhase.normalSearches.all.n + hostilePhase.normalSearches.dropped),
];
summary.totalSeconds = (performance.now() - began) / 1000;
fs.writeFileSync(path.join(import.meta.dirname, `${resultName}.json`), JSON.stringify(summary, null, 2));
fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(path.join(import.meta.dirname, `${resultName}.partial.json`), { force: true });

const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const pair = (k?: { p50: number; p99: number }) => (k ? `${fmt(k.p50)} / ${fmt(k.p99)}` : 'not run');
const out: string[] = [];
out.push(`Newsdesk benchmark — ${size.toLocaleString('en-US')} articles on ${storeKind}, ${summary.machine.cpus} × ${summary.machine.cpuModel}, Node ${process.version}, ${summary.date.slice(0, 10)}, load average ${uptimeStart} → ${uptimeEnd}`);
out.push('');
out.push(line(['target (issue 27)', 'measured', 'samples', 'pass']));
out.push(line(['---', '---:', '---:', '---']));
for (const t of summary.targets) out.push(line([t.target, t.value, t.samples?.toLocaleString('en-US') ?? '—', t.pass ? 'pass' : '**FAIL**']));
out.push('');
out.push(line(['query kind (incl. top-5 excerpts), p50 / p99 ms', `one at a time (hot ${hotMax.toLocaleString('en-US')})`, `mixed phase (${mixedRate}/s in all, during ingest)`, 'during hostile queries', 'archive only', 'MiniSearch-only design', 'raw MiniSearch', sqlite ? 'raw FTS5' : 'raw store', 'mean hits']));
out.push(line(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
for (const kind of Object.keys(kinds)) {
  out.push(line([`${kind} (${main[kind]!.n} / ${mixedLoad.perKind[kind]?.n ?? 0} / ${hostilePhase.normalSearches.perKind[kind]?.n ?? 0})`, pair(main[kind]), pair(mixedLoad.perKind[kind]), pair(hostilePhase.normalSearches.perKind[kind]), pair(archiveOnly?.[kind]), pair(miniDesign?.queries[kind]), pair(rawMini?.queries[kind]), pair(rawFtsResults?.[kind]), Math.round(main[kind]!.meanHits)]));
}
out.push(line([`every kind (${mixedLoad.all.n} in the mixed phase)`, '', pair(mixedLoad.all), pair(hostilePhase.normalSearches.all), '', '', '', '', '']));
out.push('');
out.push(line(['hostile kind (one at a time, normal searches meanwhile)', 'queries', 'p50 / p99 / max ms', 'answered', 'cut off', 'refused', 'over 1 s', 'example']));
out.push(line(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
for (const [k, r] of Object.entries(hostilePhase.kinds)) out.push(line([k, r.n, `${fmt(r.p50)} / ${fmt(r.p99)} / ${fmt(r.max)}`, r.outcomes.answered, r.outcomes['cut off'], r.outcomes.refused + (Object.keys(r.refusedAs).length ? ` (${Object.entries(r.refusedAs).map(([id, c]) => `${id} ${c}`).join(', ')})` : ''), r.overOneSecond, `\`${r.example}\``]));
out.push('');
out.push(line(['measure', 'value']));
out.push(line(['---', '---:']));
out.push(line(['longest event-loop stall: ingest / mixed / snapshot write / queries one at a time / hostile', `${fmt(ingestPhase.maxStallMs)} / ${fmt(mixedPhase.maxStallMs)} / ${fmt(snap.maxStallMs)} / ${fmt(mainRun.maxStallMs)} / ${fmt(hostilePhase.maxStallMs)} ms`]));
out.push(line(['ingest, sustained, store + both tiers', `${fmt(summary.ingest.articlesPerSec, 0)} articles/s over ${ingestPhase.articles.toLocaleString('en-US')} (batches of ${BATCH}; p99 ${fmt(ingestSum.p99, 2)} ms per article)${bulk ? `; first ${bulk.toLocaleString('en-US')} store + archive + stories and speakers: ${fmt(summary.ingest.bulkStoreOnlyPerSec!, 0)}/s` : ''}`]));
out.push(line(['mixed phase: ingest while searches arrive', `${fmt(mixedPhase.articlesPerSec, 0)} articles/s over ${mixedPhase.articles.toLocaleString('en-US')}, ${fmt(mixedLoad.seconds, 0)} s, ${mixedLoad.all.n.toLocaleString('en-US')} searches answered, ${mixedLoad.dropped.toLocaleString('en-US')} dropped (over ${MAX_IN_FLIGHT} unanswered)`]));
out.push(line(['fuzzy: same top result as the exact spelling', `${fmt(fuzzySameTop * 100)} % of ${fuzzyCounted}`]));
out.push(line(['restart to first answer / full answers (snapshot; a search every 50 ms meanwhile)', `${fmt(restart.firstAnswerMs)} ms / ${fmt(restart.fullAnswersMs / 1000, 2)} s (hot tier loaded ${fmt(restart.hotReadyMs / 1000, 2)} s), answers identical: ${restart.sameAnswers}`]));
out.push(line(['restart with the snapshot missing (rebuild): first answer / full answers', `${fmt(restartRebuild.firstAnswerMs)} ms / ${fmt(restartRebuild.fullAnswersMs / 1000, 2)} s`]));
out.push(line(['restart: start-up done, stories and speakers over the whole archive included (snapshot / rebuild)', `${fmt(restartQuiet.derivedMs / 1000, 1)} s / ${fmt(restartRebuildQuiet.derivedMs / 1000, 1)} s`]));
out.push(line(['longest event-loop stall caused by start-up (snapshot / rebuild; no searches)', `${fmt(restartQuiet.maxStallMs)} ms / ${fmt(restartRebuildQuiet.maxStallMs)} ms (with searches meanwhile: ${fmt(restart.maxStallWithSearchesMs)} / ${fmt(restartRebuild.maxStallWithSearchesMs)} ms)`]));
out.push(line(['heap / RSS after start-up incl. stories and speakers (fresh process)', `${fmt(restartQuiet.heapMB)} MB / ${fmt(restartQuiet.rssMB)} MB`]));
out.push(line(['heap peak during ingest (sampled every 50,000 articles and at the end)', `${fmt(ingestPeakHeap / MB, 0)} MB`]));
out.push(line([`disk per 1,000 articles: store incl. full-text index (${sqlite ? 'FTS5' : 'GIN indexes'} alone)`, `${fmt(summary.disk.storeMBPer1k, 2)} MB (${fmt(summary.disk.ftsMBPer1k, 2)} MB); hot snapshot ${fmt(summary.disk.snapshotMB)} MB`]));
if (miniDesign) out.push(line(['MiniSearch-only design: build / heap / longest stall', `${fmt(miniDesign.buildMs / 1000, 1)} s / ${fmt(miniDesign.heapMB)} MB / ${fmt(miniDesign.maxStallMs)} ms`]));
if (rawMini) out.push(line(['raw MiniSearch: build / heap', `${fmt(rawMini.buildMs / 1000, 1)} s / ${fmt(rawMini.heapMB)} MB`]));
out.push(line(['whole run', `${fmt(summary.totalSeconds / 60, 1)} min`]));
if (trendResults) out.push('', trendTable(trendResults));
console.log(out.join('\n'));
