/**
 * The /trend and /trending measurements, for bench/run.ts and on their own against a kept store
 * of the benchmark's corpus: `node --expose-gc --import tsx bench/trend.ts <db> <size> [per kind]`
 * (build the store first with bench/trend-store.ts). The bot's clock is the corpus's last day, so
 * /trending's window is that day against the 30 days before it. Each /trend is what a user waits
 * for: the query's counts, the archive's volume, and the chart rendered on the worker thread.
 * Prints a table and writes bench/results-trend-<size>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { inlineChartRenderer, WorkerChartRenderer } from '../src/core/charts/renderer.ts';
import type { Clock } from '../src/core/deps.ts';
import { silentLog } from '../src/core/deps.ts';
import type { AsyncStore } from '../src/core/store/async-store.ts';
import type { SqliteStore } from '../src/core/store/sqlite-store.ts';
import { Trends } from '../src/core/trend/trends.ts';
import { fmt, summarize } from './stats.ts';

type Summary = ReturnType<typeof summarize>;

export interface TrendBench {
  /** The first count after opening the store: what it reads of every article (SQLite: into memory). */
  prepareMs: number;
  /** Longest single step of reading ahead (prepareTextCounts), an event-loop stall at start-up. */
  prepareStepMaxMs: number;
  /** Per query kind: the whole /trend, and the store's counting alone (the query's and the volume's). */
  trend: Record<string, { total: Summary; counting: Summary; meanMatches: number }>;
  /** Rendering one chart: on the worker (round trip) and on the calling thread (what the worker takes off it). */
  renderWorker: Summary;
  renderInline: Summary;
  /** CPU time of one render on the main thread (what it costs whatever the machine's load). */
  renderInlineCpu: Summary;
  /**
   * Per query kind, the CPU time of counting (the query's and the volume's) done synchronously on
   * one connection: what a quiet machine would take, FTS5 included.
   */
  countingCpu: Record<string, Summary> | null;
  /** Longest event-loop stall while /trend ran with the worker renderer. */
  trendStallMs: number;
  trending: { total: Summary; stallMs: number; entries: number; windowArticles: number; baselineArticles: number };
}

/** CPU milliseconds (all threads of the process) spent in `fn`. */
function cpuMs<T>(fn: () => T): { value: T; ms: number } {
  const c = process.cpuUsage();
  const value = fn();
  const d = process.cpuUsage(c);
  return { value, ms: (d.user + d.system) / 1000 };
}

export async function measureTrend(opts: {
  store: AsyncStore;
  /** The same store's synchronous side, to time counting's CPU alone (SQLite). */
  sqlite?: { countText: SqliteStore['countText'] };
  clock: Clock;
  visible: Set<string>;
  queries: Record<string, string[]>;
  log?: (s: string) => void;
}): Promise<TrendBench> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const newsroom = { visibleSources: async () => opts.visible, resolveSource: async () => { throw new Error('no source filter in the benchmark'); } };
  // The store's counting, timed on its own.
  let countingMs = 0;
  const timed: AsyncStore = Object.create(opts.store);
  timed.countText = async (...a: Parameters<AsyncStore['countText']>) => {
    const t = performance.now();
    const r = await opts.store.countText(...a);
    countingMs += performance.now() - t;
    return r;
  };
  const worker = new WorkerChartRenderer({ timeoutMs: 60_000 });
  const trends = new Trends({ store: timed, newsroom, clock: opts.clock, log: silentLog, charts: worker });

  log('trend: reading ahead what counting needs…');
  let stepMax = 0;
  const p0 = performance.now();
  if (opts.store.prepareTextCounts) {
    for (;;) {
      const s = performance.now();
      const done = await opts.store.prepareTextCounts();
      stepMax = Math.max(stepMax, performance.now() - s);
      if (done) break;
      await new Promise((r) => setImmediate(r));
    }
  }
  const prepareMs = performance.now() - p0;
  log(`  ${(prepareMs / 1000).toFixed(1)} s, longest step ${fmt(stepMax)} ms`);

  // The worker's start (tsx, Vega, resvg) is paid once per process, before the first chart.
  await trends.trend({ guildId: 'bench' }, { query: Object.values(opts.queries)[0]![0]! });

  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  const trend: TrendBench['trend'] = {};
  for (const [kind, qs] of Object.entries(opts.queries)) {
    const total: number[] = [];
    const counting: number[] = [];
    let matches = 0;
    for (const q of qs) {
      countingMs = 0;
      const t = performance.now();
      const r = await trends.trend({ guildId: 'bench' }, { query: q });
      total.push(performance.now() - t);
      counting.push(countingMs);
      matches += r.queries[0]!.total;
      await new Promise((res) => setImmediate(res));
    }
    trend[kind] = { total: summarize(total), counting: summarize(counting), meanMatches: matches / Math.max(1, qs.length) };
    log(`  /trend ${kind}: p50 ${fmt(trend[kind]!.total.p50)} p99 ${fmt(trend[kind]!.total.p99)} ms (counting p50 ${fmt(trend[kind]!.counting.p50)} p99 ${fmt(trend[kind]!.counting.p99)} ms), ${qs.length} queries, ${Math.round(trend[kind]!.meanMatches)} matches on average`);
  }
  stall.disable();
  const trendStallMs = stall.max / 1e6;

  // Rendering alone: the same chart specs on the worker and on this thread.
  const charts: Parameters<typeof worker.render>[0][] = [];
  const capture = new Trends({ store: opts.store, newsroom, clock: opts.clock, log: silentLog, charts: { render: async (spec) => (charts.push(spec), inlineChartRenderer.render(spec)), close: async () => {} } });
  for (const q of Object.values(opts.queries).flat().slice(0, 30)) await capture.trend({ guildId: 'bench' }, { query: q });
  const renderWorker: number[] = [];
  const renderInline: number[] = [];
  const renderInlineCpu: number[] = [];
  for (const spec of charts) {
    let t = performance.now();
    await worker.render(spec);
    renderWorker.push(performance.now() - t);
    t = performance.now();
    const c = process.cpuUsage();
    await inlineChartRenderer.render(spec);
    const d = process.cpuUsage(c);
    renderInline.push(performance.now() - t);
    renderInlineCpu.push((d.user + d.system) / 1000);
  }
  // Counting's CPU, synchronously (nothing else runs meanwhile): the query's and the volume's.
  let countingCpu: TrendBench['countingCpu'] = null;
  if (opts.sqlite) {
    countingCpu = {};
    const { parseQuery } = await import('../src/core/search/query.ts');
    const filters = { sourceIds: [...opts.visible] };
    for (const [kind, qs] of Object.entries(opts.queries)) {
      // As /trend asks over the corpus's five years: per month, by outlet.
      const samples = qs.map((q) => cpuMs(() => opts.sqlite!.countText(parseQuery(q), filters, { interval: 'month', by: 'outlet' })).ms + cpuMs(() => opts.sqlite!.countText(null, filters, { interval: 'month' })).ms);
      countingCpu[kind] = summarize(samples);
    }
  }
  log(`  render: worker p50 ${fmt(summarize(renderWorker).p50)} p99 ${fmt(summarize(renderWorker).p99)} ms; on the main thread p50 ${fmt(summarize(renderInline).p50)} p99 ${fmt(summarize(renderInline).p99)} ms (CPU p50 ${fmt(summarize(renderInlineCpu).p50)} p99 ${fmt(summarize(renderInlineCpu).p99)} ms)`);
  for (const [kind, c] of Object.entries(countingCpu ?? {})) log(`  counting CPU ${kind}: p50 ${fmt(c.p50)} p99 ${fmt(c.p99)} ms`);

  const trendingStall = monitorEventLoopDelay({ resolution: 10 });
  trendingStall.enable();
  const trendingMs: number[] = [];
  let last = await trends.trending({ guildId: 'bench' }, {});
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    last = await trends.trending({ guildId: 'bench' }, {});
    trendingMs.push(performance.now() - t);
  }
  trendingStall.disable();
  const trending = { total: summarize(trendingMs), stallMs: trendingStall.max / 1e6, entries: last.entries.length, windowArticles: last.articles, baselineArticles: last.baselineArticles };
  log(`  /trending: p50 ${fmt(trending.total.p50)} max ${fmt(trending.total.max)} ms, longest stall ${fmt(trending.stallMs)} ms (${trending.windowArticles} articles in the last day against ${trending.baselineArticles}, ${trending.entries} rising)`);
  await worker.close();
  return { prepareMs, prepareStepMaxMs: stepMax, trend, renderWorker: summarize(renderWorker), renderInline: summarize(renderInline), renderInlineCpu: summarize(renderInlineCpu), countingCpu, trendStallMs, trending };
}

/** The results as README/docs table rows. */
export function trendTable(r: TrendBench): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  const out = [line(['/trend query kind', 'whole /trend p50 / p99 ms', 'counting p50 / p99 ms', 'counting CPU p50 / p99 ms', 'mean matches', 'queries']), line(['---', '---:', '---:', '---:', '---:', '---:'])];
  for (const [kind, k] of Object.entries(r.trend)) {
    const cpu = r.countingCpu?.[kind];
    out.push(line([kind, `${fmt(k.total.p50)} / ${fmt(k.total.p99)}`, `${fmt(k.counting.p50)} / ${fmt(k.counting.p99)}`, cpu ? `${fmt(cpu.p50)} / ${fmt(cpu.p99)}` : '—', Math.round(k.meanMatches).toLocaleString('en-US'), k.total.n]));
  }
  out.push('');
  out.push(line(['measure', 'value']), line(['---', '---:']));
  out.push(line(['first count after start (reading every article\'s date, source, outlet)', `${fmt(r.prepareMs / 1000, 2)} s, longest step ${fmt(r.prepareStepMaxMs)} ms`]));
  out.push(line(['chart rendering p50 / p99: worker round trip / on the main thread (its CPU time)', `${fmt(r.renderWorker.p50)} / ${fmt(r.renderWorker.p99)} ms · ${fmt(r.renderInline.p50)} / ${fmt(r.renderInline.p99)} ms (${fmt(r.renderInlineCpu.p50)} / ${fmt(r.renderInlineCpu.p99)} ms CPU)`]));
  out.push(line(['longest event-loop stall during /trend (worker renderer)', `${fmt(r.trendStallMs)} ms`]));
  out.push(line(['/trending (last day vs 30 days before) p50 / max, longest stall', `${fmt(r.trending.total.p50)} / ${fmt(r.trending.total.max)} ms, ${fmt(r.trending.stallMs)} ms`]));
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dbPath, sizeArg, perKindArg] = process.argv.slice(2);
  const size = Number(sizeArg);
  const { openStore } = await import('../src/core/store/index.ts');
  const { fromSqlite } = await import('../src/core/store/sqlite-async.ts');
  const { rng, streamCorpus } = await import('./corpus.ts');
  const { makeQueries, trendQueries } = await import('./queries.ts');
  // The corpus is regenerated (not stored) for its vocabulary and sentences, as archive-only.ts does.
  const corpus = streamCorpus(size);
  const sample: Array<{ n: number; sentence: string }> = [];
  const sampler = rng(99);
  let n = 0;
  for (const a of corpus.articles) {
    const sentences = a.body.flatMap((p: string) => p.split(/(?<=\.) /));
    const item = { n, sentence: sentences[Math.floor(sampler() * sentences.length)]! };
    if (sample.length < 4000) sample.push(item);
    else {
      const j = Math.floor(sampler() * (n + 1));
      if (j < 4000) sample[j] = item;
    }
    n++;
  }
  const { kinds } = makeQueries(corpus, sample, size, 1000);
  // The corpus's last day, or the store's latest date when it holds only the first part of it (a
  // build stopped early: its dates follow the corpus size it was built for).
  let end = new Date(corpus.start + corpus.span);
  const clock = { now: () => end };
  const sqlite = openStore({ path: dbPath!, clock, log: silentLog });
  const latest = Date.parse((sqlite.db.prepare('SELECT max(coalesce(published_at, first_seen_at)) AS m FROM articles').get() as { m: string }).m);
  if (latest < end.getTime()) end = new Date(latest + 60_000);
  const store = fromSqlite(sqlite);
  const results = await measureTrend({ store, sqlite, clock, visible: new Set(['seeds']), queries: trendQueries(kinds, Number(perKindArg ?? 100)) });
  await store.close();
  const load = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  fs.writeFileSync(path.join(import.meta.dirname, `results-trend-${size >= 1000 ? `${size / 1000}k` : size}.json`), JSON.stringify({ date: new Date().toISOString(), size, loadavg: load, ...results }, null, 2));
  console.log(`/trend at ${size.toLocaleString('en-US')} articles (load average ${load})\n\n${trendTable(results)}`);
}
