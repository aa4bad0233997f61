/**
 * `npm run bench [-- --size 100000]`: measures search (with top-5 excerpts), excerpts, index
 * build, cold start, event-loop stalls, memory and ingest over a deterministic synthetic corpus,
 * beside a raw MiniSearch index with default options over the same documents.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import MiniSearch from 'minisearch';
import { silentLog } from '../src/core/deps.ts';
import { buildExcerpt } from '../src/core/excerpt.ts';
import { Newsroom } from '../src/core/newsroom.ts';
import { contentHash } from '../src/core/feeds/dedupe.ts';
import { parseQuery } from '../src/core/search/query.ts';
import { openStore } from '../src/core/store/index.ts';
import { generateCorpus, rng } from './corpus.ts';
import { fmt, summarize } from './stats.ts';

const args = process.argv.slice(2);
const size = Number(args[args.indexOf('--size') + 1] ?? 10_000) || 10_000;
const perKind = Number(args.includes('--queries') ? args[args.indexOf('--queries') + 1] : 60);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const clock = { now: () => new Date() };
const log = (s: string) => process.stderr.write(`${s}\n`);

log(`generating ${size.toLocaleString('en-US')} articles…`);
const t0 = performance.now();
const corpus = generateCorpus(size);
log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-'));
const dbPath = path.join(dir, 'newsdesk.db');

// ── ingest: store + index, in fetch-sized batches ─────────────────────────
log('ingesting…');
let store = openStore({ path: dbPath, clock, log: silentLog });
let newsroom = new Newsroom({ store, clock, log: silentLog });
const BATCH = 100;
const perArticle: number[] = [];
const ingestStall = monitorEventLoopDelay({ resolution: 10 });
ingestStall.enable();
const ingestStart = performance.now();
for (let i = 0; i < corpus.articles.length; i += BATCH) {
  const batch = corpus.articles.slice(i, i + BATCH);
  const b0 = performance.now();
  const result = store.ingest('seeds', batch.map((a) => ({ article: a, dedupeKey: `guid:${a.id}`, contentHash: contentHash({ ...a, guid: a.id, summary: null }) })), { announce: true });
  await newsroom.indexArticles(result.inserted.map((article) => ({ article })));
  perArticle.push((performance.now() - b0) / batch.length);
  await new Promise((r) => setImmediate(r));
}
const ingestMs = performance.now() - ingestStart;
ingestStall.disable();
log(`  ${(ingestMs / 1000).toFixed(1)} s, ${(size / (ingestMs / 1000)).toFixed(0)} articles/s, longest stall ${(ingestStall.max / 1e6).toFixed(0)} ms`);
store.close();

// ── rebuild from the store, as at start-up ────────────────────────────────
log('rebuilding the index from the store…');
gc();
store = openStore({ path: dbPath, clock, log: silentLog });
newsroom = new Newsroom({ store, clock, log: silentLog });
const buildStall = monitorEventLoopDelay({ resolution: 10 });
buildStall.enable();
const b0 = performance.now();
await newsroom.buildIndex();
const buildMs = performance.now() - b0;
buildStall.disable();
gc();
const mem = process.memoryUsage();
log(`  ${(buildMs / 1000).toFixed(1)} s, longest stall ${(buildStall.max / 1e6).toFixed(0)} ms, heap ${(mem.heapUsed / 1048576).toFixed(0)} MB, rss ${(mem.rss / 1048576).toFixed(0)} MB`);

// ── queries ───────────────────────────────────────────────────────────────
const r = rng(7);
const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
const vocab = corpus.vocabulary;
const df = corpus.docFreq;
const byDf = (lo: number, hi: number) => vocab.filter((w, i) => df[i]! >= lo && df[i]! <= hi && w.length >= 4);
let mid = byDf(Math.max(2, size * 0.005), size * 0.05);
if (mid.length < 20) mid = vocab.slice(200, 2000);
// The least frequent words that occur at all (a large corpus may have no word in only 1–3 articles).
const rare = vocab
  .map((w, i) => [w, df[i]!] as const)
  .filter(([w, n]) => n > 0 && w.length >= 4)
  .sort((a, b) => a[1] - b[1])
  .slice(0, 60)
  .map(([w]) => w);
const common = vocab.slice(18, 30);
function wordsOf(): string[] {
  const a = pick(corpus.articles);
  return pick(a.body).replace(/[.]/g, '').split(' ');
}
function typo(w: string): string {
  const i = 1 + Math.floor(r() * (w.length - 2));
  const c = 'aeioustrnl'[Math.floor(r() * 10)]!;
  return w.slice(0, i) + (w[i] === c ? 'x' : c) + w.slice(i + 1);
}
const kinds: Record<string, string[]> = {
  '1-term': Array.from({ length: perKind }, () => pick(mid)),
  '3-term': Array.from({ length: perKind }, () => {
    const ws = wordsOf().filter((w) => mid.includes(w.toLowerCase()) || w.length > 5);
    return [pick(ws), pick(ws), pick(ws)].join(' ');
  }),
  phrase: Array.from({ length: perKind }, () => {
    const ws = wordsOf();
    const i = Math.floor(r() * (ws.length - 2));
    return `"${ws[i]} ${ws[i + 1]}"`;
  }),
  fuzzy: Array.from({ length: perKind }, () => typo(pick(mid.filter((w) => w.length >= 6)))),
  rare: Array.from({ length: perKind }, () => pick(rare)),
  common: Array.from({ length: perKind }, () => pick(common)),
  entity: Array.from({ length: perKind }, () => pick(corpus.entities)),
};

log('querying…');
const scope = { guildId: 'bench' };
for (const q of kinds['1-term']!.slice(0, 5)) newsroom.search(scope, { query: q }); // warm-up
const rows: Array<Record<string, string | number>> = [];
const results: Record<string, unknown> = {};
const excerptTimes: number[] = [];
for (const [kind, queries] of Object.entries(kinds)) {
  const times: number[] = [];
  let hits = 0;
  for (const q of queries) {
    const s = performance.now();
    const res = newsroom.search(scope, { query: q });
    times.push(performance.now() - s);
    hits += res.total;
    for (const item of res.items) {
      const e0 = performance.now();
      buildExcerpt(item.article, item.terms);
      excerptTimes.push((performance.now() - e0) * 1000);
    }
  }
  const sum = summarize(times);
  results[kind] = { ...sum, meanHits: hits / queries.length };
  rows.push({ kind, p50: sum.p50, p95: sum.p95, p99: sum.p99, hits: Math.round(hits / queries.length) });
}

// ── baseline: raw MiniSearch, default options, same documents and queries ──
log('baseline: raw MiniSearch…');
gc();
const heapBefore = process.memoryUsage().heapUsed;
const raw = new MiniSearch<{ id: string; title: string; body: string }>({ fields: ['title', 'body'] });
const r0 = performance.now();
for (let i = 0; i < corpus.articles.length; i += 1000) raw.addAll(corpus.articles.slice(i, i + 1000).map((a) => ({ id: a.id, title: a.title, body: a.body.join('\n') })));
const rawBuildMs = performance.now() - r0;
gc();
const rawHeapMB = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
for (const row of rows) {
  const times: number[] = [];
  for (const q of kinds[row.kind as string]!) {
    const s = performance.now();
    raw.search(q.replace(/"/g, ''), row.kind === 'fuzzy' ? { fuzzy: 0.2 } : {});
    times.push(performance.now() - s);
  }
  const sum = summarize(times);
  row.rawP50 = sum.p50;
  row.rawP99 = sum.p99;
}

// ── cold start in a fresh process ──────────────────────────────────────────
log('cold start…');
store.close();
const cold = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'cold-start.ts'), dbPath], { encoding: 'utf8' }).trim().split('\n').pop()!) as { coldStartMs: number; maxStallMs: number; heapMB: number; rssMB: number };

const excerpt = summarize(excerptTimes);
const per1k = size / 1000;
const ingestPerSec = size / (ingestMs / 1000);
const ingestSum = summarize(perArticle);
const summary = {
  date: new Date().toISOString(),
  size,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', totalMemGB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
  queries: results,
  excerptMicros: excerpt,
  indexBuildMs: buildMs,
  indexBuildMaxStallMs: buildStall.max / 1e6,
  coldStart: cold,
  memory: { heapMB: mem.heapUsed / 1048576, rssMB: mem.rss / 1048576, heapMBPer1k: mem.heapUsed / 1048576 / per1k, rssMBPer1k: mem.rss / 1048576 / per1k },
  ingest: { articlesPerSec: ingestPerSec, perArticleMs: ingestSum, maxStallMs: ingestStall.max / 1e6 },
  baseline: { buildMs: rawBuildMs, heapMB: rawHeapMB },
};
fs.mkdirSync(path.join(import.meta.dirname), { recursive: true });
fs.writeFileSync(path.join(import.meta.dirname, 'results.json'), JSON.stringify(summary, null, 2));
fs.rmSync(dir, { recursive: true, force: true });

const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const out: string[] = [];
out.push(`Newsdesk benchmark — ${size.toLocaleString('en-US')} articles, ${summary.machine.cpus} × ${summary.machine.cpuModel}, Node ${process.version}, ${summary.date.slice(0, 10)}`);
out.push('');
out.push(line(['query kind', 'p50 ms', 'p95 ms', 'p99 ms', 'mean hits', 'raw MiniSearch p50 ms', 'raw p99 ms']));
out.push(line(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
for (const row of rows) out.push(line([row.kind!, fmt(row.p50 as number), fmt(row.p95 as number), fmt(row.p99 as number), row.hits!, fmt(row.rawP50 as number), fmt(row.rawP99 as number)]));
out.push('');
out.push(line(['measure', 'value']));
out.push(line(['---', '---:']));
out.push(line(['excerpt per result p50 / p99', `${fmt(excerpt.p50)} µs / ${fmt(excerpt.p99)} µs`]));
out.push(line(['index build from store', `${fmt(buildMs / 1000, 2)} s (longest event-loop stall ${fmt(buildStall.max / 1e6)} ms)`]));
out.push(line(['cold start to ready (fresh process)', `${fmt(cold.coldStartMs / 1000, 2)} s (longest stall ${fmt(cold.maxStallMs)} ms)`]));
out.push(line(['heap / RSS after load', `${fmt(summary.memory.heapMB)} MB / ${fmt(summary.memory.rssMB)} MB`]));
out.push(line(['heap / RSS per 1,000 articles', `${fmt(summary.memory.heapMBPer1k, 2)} MB / ${fmt(summary.memory.rssMBPer1k, 2)} MB`]));
out.push(line(['ingest (store + index)', `${fmt(ingestPerSec, 0)} articles/s, p99 ${fmt(ingestSum.p99, 2)} ms per article (batches of ${BATCH}), longest stall ${fmt(ingestStall.max / 1e6)} ms`]));
out.push(line(['raw MiniSearch build / heap', `${fmt(rawBuildMs / 1000, 2)} s / ${fmt(rawHeapMB)} MB`]));
console.log(out.join('\n'));
