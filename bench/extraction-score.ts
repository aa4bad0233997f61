/**
 * `npm run extraction-score [-- --worst N] [-- --split]`: scores Newsdesk's page extraction on the
 * article-extraction benchmark pages with the benchmark's own metric, beside plain Readability
 * (same process, same pages) and every stored anchor. --worst N lists the N worst pages of ours;
 * --even / --odd score one half (rules were developed on the even-position pages).
 */
import { performance } from 'node:perf_hooks';
import { extractPage } from '../src/core/feeds/extract-page.ts';
import { matchPage, pagePrecision, pageRecall, scoreExtraction, type ExtractionScore, type PageMatch } from '../src/core/feeds/extraction-metric.ts';
import { loadAnchors, loadBenchmarkPages, type BenchmarkPage } from './extraction-corpus.ts';
import { summarize } from './stats.ts';

const args = process.argv.slice(2);
const worstIndex = args.indexOf('--worst');
const worst = worstIndex >= 0 ? Number(args[worstIndex + 1] ?? 15) || 15 : 0;
const only = args.includes('--even') ? 'even' : args.includes('--odd') ? 'odd' : 'all';

const all = loadBenchmarkPages();
const pages = all.filter((p) => only === 'all' || (only === 'even') === p.even);

function extractText(page: BenchmarkPage, clean: boolean): string {
  try {
    return extractPage(page.html, page.url, { clean }).paragraphs.join('\n');
  } catch {
    return '';
  }
}

// Wall time and this process's CPU time per page: on a shared machine the CPU figure is the steadier.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const timings = { ours: { wall: [] as number[], cpu: [] as number[] }, plain: { wall: [] as number[], cpu: [] as number[] } };
const ours = new Map<string, string>();
const plain = new Map<string, string>();
for (const page of pages) {
  for (const [which, out, clean] of [['ours', ours, true], ['plain', plain, false]] as const) {
    const w = performance.now();
    const c = cpuMs();
    out.set(page.id, extractText(page, clean));
    timings[which].cpu.push(cpuMs() - c);
    timings[which].wall.push(performance.now() - w);
  }
}

type Row = { name: string; all: ExtractionScore; even: ExtractionScore; odd: ExtractionScore; matches: Map<string, PageMatch> };
function row(name: string, output: Map<string, string>): Row {
  const matches = new Map(pages.map((p) => [p.id, matchPage(p.truth, output.get(p.id) ?? '')]));
  const of = (sel: (p: BenchmarkPage) => boolean) => scoreExtraction(pages.filter(sel).map((p) => matches.get(p.id)!));
  return { name, all: of(() => true), even: of((p) => p.even), odd: of((p) => !p.even), matches };
}

const rows = [row('newsdesk (ours)', ours), row('readability 0.6 (plain, here)', plain), ...loadAnchors().map((a) => row(`${a.name}${a.version ? ` ${a.version}` : ''} (stored)`, a.output))];
const f = (x: number) => x.toFixed(3);
const lines = [
  `Article extraction on ${pages.length} benchmark pages (${only}); F1 / precision / recall / accuracy, then F1 on even- and odd-position pages`,
  `${'extractor'.padEnd(34)} ${'F1'.padStart(6)} ${'prec'.padStart(6)} ${'recall'.padStart(6)} ${'acc'.padStart(6)}   ${'F1 even'.padStart(7)} ${'F1 odd'.padStart(7)}`,
  ...[...rows]
    .sort((a, b) => b.all.f1 - a.all.f1)
    .map((r) => `${r.name.padEnd(34)} ${f(r.all.f1).padStart(6)} ${f(r.all.precision).padStart(6)} ${f(r.all.recall).padStart(6)} ${f(r.all.accuracy).padStart(6)}   ${f(r.even.f1).padStart(7)} ${f(r.odd.f1).padStart(7)}`),
];
lines.push('');
for (const which of ['ours', 'plain'] as const) {
  const wall = summarize(timings[which].wall);
  const cpu = summarize(timings[which].cpu);
  lines.push(`${which === 'ours' ? 'ours             ' : 'plain Readability'}: ms/page wall p50 ${wall.p50.toFixed(1)}, p99 ${wall.p99.toFixed(1)}, max ${wall.max.toFixed(1)}; CPU p50 ${cpu.p50.toFixed(1)}, p99 ${cpu.p99.toFixed(1)}, max ${cpu.max.toFixed(1)}`);
}
if (only === 'all') {
  for (const half of ['even', 'odd'] as const) {
    const s = rows[0]![half];
    lines.push(`ours on ${half}-position pages (${half === 'even' ? 'development' : 'held out'}, ${s.pages}): F1 ${f(s.f1)}, precision ${f(s.precision)}, recall ${f(s.recall)}, accuracy ${f(s.accuracy)}`);
  }
}
if (worst > 0) {
  const mine = rows[0]!.matches;
  const base = rows[1]!.matches;
  lines.push('', `worst ${worst} pages of ours (by F1; readability F1 beside):`);
  const pf1 = (m: PageMatch) => {
    const p = pagePrecision(m);
    const r = pageRecall(m);
    return p + r > 0 ? (2 * p * r) / (p + r) : 0;
  };
  const ranked = pages.map((p) => ({ p, m: mine.get(p.id)! })).sort((a, b) => pf1(a.m) - pf1(b.m));
  for (const { p, m } of ranked.slice(0, worst)) {
    lines.push(`  ${p.id.slice(0, 10)} ${p.even ? 'E' : 'O'} F1 ${f(pf1(m))} P ${f(pagePrecision(m))} R ${f(pageRecall(m))}  (readability ${f(pf1(base.get(p.id)!))})  ${p.url}`);
  }
}
console.log(lines.join('\n'));
