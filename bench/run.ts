/**
 * `npm run bench [-- --size 100000] [--queries 1000] [--index tiered|minisearch] [--no-memory-baselines]`: the search
 * benchmark over a deterministic synthetic corpus, streamed (generation and ingest never hold the
 * corpus in memory). Measures every query kind including top-5 excerpts (with the default hot
 * window and restricted to the archive), ingest into store + both tiers, restart in a fresh
 * process, event-loop stalls, heap and disk — and, in the same run, the baselines: the
 * MiniSearch-only design, raw MiniSearch and raw FTS5 (where they fit in memory and time).
 * Writes bench/results-<size>.json and prints the tables for docs/performance.md.
 */
import { fromSqlite } from '../src/core/store/sqlite-async.ts';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import MiniSearch from 'minisearch';
import type { Article } from '../src/core/article.ts';
import { silentLog } from '../src/core/deps.ts';
import { buildExcerpt } from '../src/core/excerpt.ts';
import { contentHash } from '../src/core/feeds/dedupe.ts';
import { DEFAULT_HOT_MAX_ARTICLES, Newsroom } from '../src/core/newsroom/index.ts';
import { ftsQuote } from '../src/core/search-text/fts-text.ts';
import { parseQuery } from '../src/core/search/query.ts';
import { openStore, type SqliteStore } from '../src/core/store/index.ts';
import { tokenize } from '../src/core/text/tokenize.ts';
import { rng, streamCorpus } from './corpus.ts';
import { makeQueries, trendQueries } from './queries.ts';
import { measureTrend, trendTable } from './trend.ts';
import { fmt, summarize } from './stats.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const size = Number(opt('--size', '10000')) || 10_000;
const perKind = Number(opt('--queries', '1000'));
const design = opt('--index', 'tiered') as 'tiered' | 'minisearch';
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
const IN_MEMORY_MAX = args.includes('--no-memory-baselines') ? 0 : 150_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const clock = { now: () => new Date() };
const began = performance.now();
const log = (s: string) => process.stderr.write(`[${((performance.now() - began) / 1000).toFixed(0)} s] ${s}\n`);
const MB = 1048576;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-'));
const dbPath = path.join(dir, 'newsdesk.db');
const snapshotPath = `${dbPath}.hot`;
const scope = { guildId: 'bench' };
const uptimeStart = fs.readFileSync('/proc/loadavg', 'utf8').trim();

// ── ingest: corpus streamed into store + both tiers, in fetch-sized batches ──
log(`ingesting ${size.toLocaleString('en-US')} articles (design ${design}, hot window ${hotMax.toLocaleString('en-US')}, batches of ${BATCH})…`);
const corpus = streamCorpus(size);
const store: SqliteStore = openStore({ path: dbPath, clock, log: silentLog });
const newsroom = new Newsroom({ store: fromSqlite(store), clock, log: silentLog, search: { design, hotMaxArticles: hotMax, snapshotPath } });
await newsroom.buildIndex();
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
const flush = async () => {
  const b0 = performance.now();
  const result = store.ingest('seeds', batch.map((a) => ({ article: a, dedupeKey: `guid:${a.id}`, contentHash: contentHash({ ...a, guid: a.id, summary: null }) })), { announce: false });
  if (n > bulk) {
    if (Number.isNaN(measuredStart)) {
      measuredStart = b0;
      ingestStall.reset();
    }
    await newsroom.indexArticles(result.inserted.map((article) => ({ article })));
    perArticle.push((performance.now() - b0) / batch.length);
  } else {
    // Stories and speakers as the bot stores them on arrival (a restart reads them back), and the
    // archive index's merge steps: everything but the hot tier.
    await newsroom.deriveArticles(result.inserted.map((article) => ({ article })));
    bulkMs += performance.now() - b0;
  }
  batch = [];
  await new Promise((r) => setImmediate(r));
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
  if (n % 50_000 === 0) {
    const h = process.memoryUsage().heapUsed;
    if (h > ingestPeakHeap) ingestPeakHeap = h;
    log(`  ${n.toLocaleString('en-US')} articles, ${(n / ((performance.now() - ingestStart) / 1000)).toFixed(0)}/s, heap ${(h / MB).toFixed(0)} MB`);
  }
}
if (batch.length) await flush();
const ingestMs = performance.now() - ingestStart;
const measuredMs = performance.now() - measuredStart;
const measuredCount = size - bulk;
ingestStall.disable();
log(`  ${(ingestMs / 1000).toFixed(1)} s; store + both tiers ${(measuredCount / (measuredMs / 1000)).toFixed(0)} articles/s over ${measuredCount} articles, longest stall ${(ingestStall.max / 1e6).toFixed(0)} ms${bulk ? `; store + archive tier + stories and speakers (first ${bulk}): ${(bulk / (bulkMs / 1000)).toFixed(0)} articles/s` : ''}`);
const snapStall = monitorEventLoopDelay({ resolution: 10 });
snapStall.enable();
const s0 = performance.now();
await newsroom.saveSnapshot();
const snapshotMs = performance.now() - s0;
snapStall.disable();
const diskBytes = ['', '-wal'].reduce((sum, ext) => sum + (fs.existsSync(dbPath + ext) ? fs.statSync(dbPath + ext).size : 0), 0);
store.db.pragma('wal_checkpoint(TRUNCATE)');
const dbBytes = fs.statSync(dbPath).size;
const snapshotBytes = fs.existsSync(snapshotPath) ? fs.statSync(snapshotPath).size : 0;
const ftsBytes = (() => {
  try {
    return (store.db.prepare("SELECT sum(pgsize) AS b FROM dbstat WHERE name LIKE 'articles_fts%'").get() as { b: number }).b;
  } catch {
    return NaN;
  }
})();
log(`  snapshot ${(snapshotMs / 1000).toFixed(1)} s (${(snapshotBytes / MB).toFixed(0)} MB, longest stall ${(snapStall.max / 1e6).toFixed(0)} ms), store ${(dbBytes / MB).toFixed(0)} MB (FTS ${(ftsBytes / MB).toFixed(0)} MB)`);

// ── queries: ≥ perKind distinct per kind ───────────────────────────────────
const { kinds, fuzzyPairs } = makeQueries(corpus, sample, size, perKind);
for (const [k, qs] of Object.entries(kinds)) if (qs.length < perKind) log(`  note: only ${qs.length} distinct ${k} queries`);

const partial: Record<string, unknown> = { size, design, hotMaxArticles: hotMax, loadavgStart: uptimeStart };
/** Results so far, so a run cut short still leaves its measurements. */
const savePartial = (key: string, value: unknown) => {
  partial[key] = value;
  partial.loadavg = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  fs.writeFileSync(path.join(import.meta.dirname, `results-${size >= 1000 ? `${size / 1000}k` : size}.partial.json`), JSON.stringify(partial, null, 2));
};
savePartial('ingest', { measuredArticlesPerSec: measuredCount / (measuredMs / 1000), measuredArticles: measuredCount, bulk, bulkPerSec: bulk ? bulk / (bulkMs / 1000) : null, maxStallMs: ingestStall.max / 1e6, snapshotMs, snapshotStallMs: snapStall.max / 1e6, dbBytes, ftsBytes, snapshotBytes });

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

const search = (q: string, extra: { until?: string } = {}) => newsroom.search(scope, { query: q, ...extra });
for (const q of kinds['1-term']!.slice(0, 20)) await search(q); // warm-up
const main = await measure(`${design}, default hot window`, (q) => search(q), kinds);
// Archive only: the same queries restricted to articles published before the hot window.
const hotFloor = newsroom.index.floor;
const untilDate = new Date(corpus.start + ((hotFloor - 2) / size) * corpus.span - 86_400_000).toISOString().slice(0, 10);
const archiveOnly = design === 'tiered' && hotFloor > 1 ? await measure(`archive only (until ${untilDate})`, (q) => search(q, { until: untilDate }), kinds) : null;

// /trend and /trending (bench/trend.ts): the clock at the corpus's last day.
const trendEnd = new Date(corpus.start + corpus.span);
const trendResults = await measureTrend({ store: fromSqlite(store), sqlite: store, clock: { now: () => trendEnd }, visible: new Set(['seeds']), queries: trendQueries(kinds, Math.min(perKind, 200)), log });
savePartial('trend', trendResults);

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

// ── baseline: raw FTS5 (every token quoted, ORDER BY rank LIMIT 5, excerpts from the stored text) ──
const rawFts = store.db.prepare('SELECT a.id AS id FROM articles_fts f JOIN articles a ON a.seq = f.rowid WHERE articles_fts MATCH ? ORDER BY f.rank LIMIT 5');
const rawFtsResults = await measure('raw FTS5', (q) => {
  const pq = parseQuery(q);
  const parts = [...pq.terms.map(ftsQuote), ...pq.phrases.map((p) => `"${p.join(' ')}"`)];
  const ids = rawFts.all(parts.join(' AND ')) as Array<{ id: string }>;
  // Counting every match would double the cost of the slowest queries: raw FTS5 is timed without it.
  const total = ids.length;
  const specs = [...pq.terms.map((t) => ({ query: t, forms: [t] })), ...pq.phrases.map((p) => ({ query: p.join(' '), forms: [p.join(' ')], phrase: true }))];
  for (const { id } of ids) buildExcerpt(store.getArticle(id)!, specs);
  return { total };
}, kinds, baselineQueries);

// ── restart in a fresh process: snapshot present, then missing ─────────────
const probes = kinds['1-term']!.slice(0, 20);
const expected: string[][] = [];
for (const q of probes) expected.push((await search(q)).items.map((i) => i.article.id));
store.close();
const probeFile = path.join(dir, 'probes.json');
fs.writeFileSync(probeFile, JSON.stringify({ probes, expected }));
/** One restart in a fresh process (see cold-start.ts for the two modes). */
const coldStart = <T>(label: string, mode: 'answers' | 'quiet'): T => {
  log(`restart (${label}, ${mode})…`);
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, 'cold-start.ts'), dbPath, snapshotPath, probeFile, String(hotMax), design, mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
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
const reopened = openStore({ path: dbPath, clock, log: silentLog });

// ── baselines held fully in memory: the MiniSearch-only design and raw MiniSearch ──
let miniDesign: { buildMs: number; maxStallMs: number; heapMB: number; queries: Record<string, KindResult> } | null = null;
let rawMini: { buildMs: number; heapMB: number; queries: Record<string, KindResult> } | null = null;
if (size <= IN_MEMORY_MAX && design === 'tiered') {
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
}
reopened.close();

const per1k = size / 1000;
const ingestSum = summarize(perArticle);
const uptimeEnd = fs.readFileSync('/proc/loadavg', 'utf8').trim();
const summary = {
  date: new Date().toISOString(),
  size,
  design,
  hotMaxArticles: hotMax,
  queriesPerKind: perKind,
  baselineQueriesPerKind: baselineQueries,
  batch: BATCH,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', totalMemGB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadavgStart: uptimeStart, loadavgEnd: uptimeEnd },
  queries: main,
  archiveOnly,
  archiveOnlyUntil: untilDate,
  fuzzySameTop: { rate: fuzzySameTop, queries: fuzzyCounted },
  ingest: { articlesPerSec: measuredCount / (measuredMs / 1000), measuredArticles: measuredCount, bulkArticles: bulk, bulkStoreOnlyPerSec: bulk ? bulk / (bulkMs / 1000) : null, wholeIngestSeconds: ingestMs / 1000, perArticleMs: ingestSum, maxStallMs: ingestStall.max / 1e6, peakHeapMB: ingestPeakHeap / MB },
  snapshot: { writeMs: snapshotMs, maxStallMs: snapStall.max / 1e6, bytes: snapshotBytes },
  restart: { ...restart, ...restartQuiet },
  restartRebuild: { ...restartRebuild, ...restartRebuildQuiet },
  disk: { storeBytes: dbBytes, ftsBytes, walBytesAtEnd: diskBytes - dbBytes, storeMBPer1k: dbBytes / MB / per1k, ftsMBPer1k: ftsBytes / MB / per1k, snapshotMB: snapshotBytes / MB },
  baselines: { rawFts5: rawFtsResults, miniSearchDesign: miniDesign, rawMiniSearch: rawMini },
  trend: trendResults,
  totalSeconds: (performance.now() - began) / 1000,
};
fs.writeFileSync(path.join(import.meta.dirname, `results-${size >= 1000 ? `${size / 1000}k` : size}.json`), JSON.stringify(summary, null, 2));
fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(path.join(import.meta.dirname, `results-${size >= 1000 ? `${size / 1000}k` : size}.partial.json`), { force: true });

const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const pair = (k?: KindResult) => (k ? `${fmt(k.p50)} / ${fmt(k.p99)}` : 'not run');
const out: string[] = [];
out.push(`Newsdesk benchmark — ${size.toLocaleString('en-US')} articles, ${summary.machine.cpus} × ${summary.machine.cpuModel}, Node ${process.version}, ${summary.date.slice(0, 10)}, load average ${uptimeStart} → ${uptimeEnd}`);
out.push('');
out.push(line(['query kind (incl. top-5 excerpts), p50 / p99 ms', `two tiers (hot ${hotMax.toLocaleString('en-US')})`, 'two tiers, archive only', 'MiniSearch-only design', 'raw MiniSearch', 'raw FTS5', 'mean hits']));
out.push(line(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
for (const kind of Object.keys(kinds)) {
  out.push(line([`${kind} (${main[kind]!.n} queries)`, pair(main[kind]), pair(archiveOnly?.[kind]), pair(miniDesign?.queries[kind]), pair(rawMini?.queries[kind]), pair(rawFtsResults[kind]), Math.round(main[kind]!.meanHits)]));
}
out.push('');
out.push(line(['measure', 'value']));
out.push(line(['---', '---:']));
out.push(line(['fuzzy: same top result as the exact spelling', `${fmt(fuzzySameTop * 100)} % of ${fuzzyCounted}`]));
out.push(line(['restart to first answer / full answers (snapshot; a search every 50 ms meanwhile)', `${fmt(restart.firstAnswerMs)} ms / ${fmt(restart.fullAnswersMs / 1000, 2)} s (hot tier loaded ${fmt(restart.hotReadyMs / 1000, 2)} s), answers identical: ${restart.sameAnswers}`]));
out.push(line(['restart with the snapshot missing (rebuild): first answer / full answers', `${fmt(restartRebuild.firstAnswerMs)} ms / ${fmt(restartRebuild.fullAnswersMs / 1000, 2)} s`]));
out.push(line(['restart: start-up done, stories and speakers over the whole archive included (snapshot / rebuild)', `${fmt(restartQuiet.derivedMs / 1000, 1)} s / ${fmt(restartRebuildQuiet.derivedMs / 1000, 1)} s`]));
out.push(line(['longest event-loop stall caused by start-up (snapshot / rebuild; no searches)', `${fmt(restartQuiet.maxStallMs)} ms / ${fmt(restartRebuildQuiet.maxStallMs)} ms (with searches meanwhile: ${fmt(restart.maxStallWithSearchesMs)} / ${fmt(restartRebuild.maxStallWithSearchesMs)} ms)`]));
out.push(line(['longest event-loop stall: ingest / snapshot write', `${fmt(ingestStall.max / 1e6)} ms / ${fmt(snapStall.max / 1e6)} ms`]));
out.push(line(['heap / RSS after start-up incl. stories and speakers (fresh process)', `${fmt(restartQuiet.heapMB)} MB / ${fmt(restartQuiet.rssMB)} MB`]));
out.push(line(['ingest, sustained, store + both tiers', `${fmt(summary.ingest.articlesPerSec, 0)} articles/s over the last ${measuredCount.toLocaleString('en-US')} (batches of ${BATCH}; p99 ${fmt(ingestSum.p99, 2)} ms per article)${bulk ? `; first ${bulk.toLocaleString('en-US')} store + archive + stories and speakers: ${fmt(summary.ingest.bulkStoreOnlyPerSec!, 0)}/s` : ''}`]));
out.push(line(['disk per 1,000 articles: store incl. FTS (FTS alone)', `${fmt(summary.disk.storeMBPer1k, 2)} MB (${fmt(summary.disk.ftsMBPer1k, 2)} MB); hot snapshot ${fmt(summary.disk.snapshotMB)} MB`]));
if (miniDesign) out.push(line(['MiniSearch-only design: build / heap / longest stall', `${fmt(miniDesign.buildMs / 1000, 1)} s / ${fmt(miniDesign.heapMB)} MB / ${fmt(miniDesign.maxStallMs)} ms`]));
if (rawMini) out.push(line(['raw MiniSearch: build / heap', `${fmt(rawMini.buildMs / 1000, 1)} s / ${fmt(rawMini.heapMB)} MB`]));
out.push(line(['whole run', `${fmt(summary.totalSeconds / 60, 1)} min`]));
out.push('', trendTable(trendResults));
console.log(out.join('\n'));
