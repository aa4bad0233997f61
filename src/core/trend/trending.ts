import { performance } from 'node:perf_hooks';
import type { Article } from '../article.ts';
import type { ChartRenderer, RenderedChart } from '../charts/renderer.ts';
import { timeSeriesSpec } from '../charts/specs.ts';
import { parseDateOption } from '../dates.ts';
import { nextTurn, type Clock } from '../deps.ts';
import { UserError } from '../errors.ts';
import type { Newsroom, Scope } from '../newsroom/index.ts';
import type { ParsedQuery } from '../search/query.ts';
import type { AsyncStore } from '../store/async-store.ts';
import { dayFromString, dayNumber, dayString } from '../store/archive/text-counts.ts';
import type { TextFilters } from '../store/types.ts';
import { mentionsIn, type CandidateKind } from './phrases.ts';

/** The baseline a window is compared with: the days before it. */
export const BASELINE_DAYS = 30;
/** Fewer mentions than this in the window never trend ("seen twice" is not news). */
export const MIN_COUNT = 3;
/** The log-likelihood ratio (G², one degree of freedom) a rise must reach: p < 0.001. */
export const MIN_G2 = 10.83;
/** Pseudo-count added to both sides of the rise before its logarithm: small counts rise less. */
export const SMOOTHING = 3;
/** Baseline articles below which there is no baseline to rise against. */
export const MIN_BASELINE_ARTICLES = 20;
/** Stored articles read for the window's candidates at most (the newest stored first). */
const MAX_WINDOW_ARTICLES = 5000;
const SCAN_STEP = 500;
/** Work between two yields to the event loop while reading the window. */
const TURN_MS = 15;
/** Candidates counted exactly in the archive, the most mentioned first: names, then phrases. */
const MAX_NAMES_CHECKED = 40;
const MAX_PHRASES_CHECKED = 20;
export const MAX_ENTRIES = 10;
/** Entries drawn on the optional chart. */
export const CHART_ENTRIES = 5;

export interface TrendingRequest {
  /** The window: a span back from now (`24h`, `7d`); default 24h. */
  since?: string;
  /** Only this source or outlet. */
  source?: string;
  /** Also draw the top entries' daily mentions. */
  chart?: boolean;
}

export interface TrendingEntry {
  /** As most often written in the window. */
  name: string;
  kind: CandidateKind;
  /** Articles mentioning it in the window (exact, whole archive). */
  count: number;
  /** Articles mentioning it in the baseline before the window. */
  baseline: number;
  /** How many times more often than in the baseline (per article); null when it is new. */
  rise: number | null;
  /** Shorter names folded into this one ("Kim" into "Kim Yo Jong"). */
  also: string[];
  /** The window's article that mentions it most. */
  top: { id: string; title: string; url: string | null; outlet: string | null } | null;
  score: number;
  g2: number;
}

export interface TrendingResult {
  since: Date;
  until: Date;
  /** As typed (`24h`). */
  label: string;
  baselineSince: Date;
  /** Articles in the window and in the baseline. */
  articles: number;
  baselineArticles: number;
  /** Window articles read for candidates, and candidates counted. */
  read: number;
  checked: number;
  entries: TrendingEntry[];
  /** Why there is nothing to show, when there is not. */
  empty?: 'no-articles' | 'no-history';
  chart: RenderedChart | null;
  alt: string;
  sourceLabel?: string;
}

export interface TrendingDeps {
  store: Pick<AsyncStore, 'countText' | 'hotFloorSeq' | 'scanArticles' | 'maxSeq'>;
  newsroom: Pick<Newsroom, 'visibleSources' | 'resolveSource'>;
  clock: Clock;
  charts: ChartRenderer;
}

/** Dunning's log-likelihood ratio of `r` of `nR` against `b` of `nB` (Rayson's two-cell form). */
export function logLikelihood(r: number, nR: number, b: number, nB: number): number {
  const n = nR + nB;
  if (n === 0 || r + b === 0) return 0;
  const e1 = (nR * (r + b)) / n;
  const e2 = (nB * (r + b)) / n;
  const part = (o: number, e: number) => (o > 0 && e > 0 ? o * Math.log(o / e) : 0);
  return 2 * (part(r, e1) + part(b, e2));
}

/**
 * Whether a candidate rises, and by how much: at least MIN_COUNT articles, more often than in the
 * baseline, significant (G² ≥ MIN_G2), scored by the smoothed log-ratio of its articles to those
 * the baseline rate predicts (log2((r + k) / (expected + k))), so three articles of a name never
 * seen before score lower than thirty of one seen a few times.
 */
export function riseOf(r: number, nR: number, b: number, nB: number): { rising: boolean; score: number; g2: number; rise: number | null } {
  const expected = nB > 0 ? (b * nR) / nB : 0;
  const g2 = logLikelihood(r, nR, b, nB);
  const rising = r >= MIN_COUNT && r > expected && g2 >= MIN_G2;
  return { rising, score: Math.log2((r + SMOOTHING) / (expected + SMOOTHING)), g2, rise: b > 0 ? r / nR / (b / nB) : null };
}

interface Scored {
  key: string;
  tokens: string[];
  name: string;
  kind: CandidateKind;
  count: number;
  baseline: number;
  rise: number | null;
  score: number;
  g2: number;
}

/** True when `inner`'s words appear, in order and together, inside `outer`'s. */
function contains(outer: string[], inner: string[]): boolean {
  if (inner.length >= outer.length) return false;
  for (let i = 0; i + inner.length <= outer.length; i++) if (inner.every((w, j) => outer[i + j] === w)) return true;
  return false;
}

/**
 * One entry per name: a rising candidate whose words lie inside a longer rising one ("Kim" in
 * "Kim Yo Jong") is folded into the best such one, listed under `also`.
 */
export function groupRising<T extends { tokens: string[]; name: string; score: number }>(rising: T[]): Array<T & { also: string[] }> {
  const sorted = [...rising].sort((a, b) => b.score - a.score);
  const kept = new Map<T, string[]>();
  for (const c of sorted) {
    const container = sorted.find((d) => d !== c && contains(d.tokens, c.tokens));
    if (!container) kept.set(c, kept.get(c) ?? []);
  }
  for (const c of sorted) {
    if (kept.has(c)) continue;
    const container = sorted.filter((d) => kept.has(d) && contains(d.tokens, c.tokens))[0];
    if (container) kept.get(container)!.push(c.name);
  }
  return sorted.filter((c) => kept.has(c)).map((c) => ({ ...c, also: kept.get(c)! }));
}

const DAY_MS = 86_400_000;

/** What a candidate is counted as in the archive: a word, or its words as a phrase. */
function queryOf(tokens: string[]): ParsedQuery {
  return { raw: tokens.join(' '), terms: tokens.length === 1 ? tokens : [], phrases: tokens.length > 1 ? [tokens] : [], excluded: [] };
}

export async function findTrending(deps: TrendingDeps, scope: Scope, req: TrendingRequest): Promise<TrendingResult> {
  const now = deps.clock.now();
  const label = (req.since ?? '24h').trim() || '24h';
  const since = parseDateOption('since', label, 'start', now);
  if (since >= now) throw new UserError(`since "${label}" is not in the past; use a span like 24h or 7d.`, { id: 'trending.since-future', values: { label } });
  if (now.getTime() - since.getTime() > BASELINE_DAYS * DAY_MS) throw new UserError(`since "${label}" is longer than the ${BASELINE_DAYS}-day baseline it is compared with; use at most ${BASELINE_DAYS}d.`, { id: 'trending.since-too-long', values: { label, baselineDays: BASELINE_DAYS } });
  const baselineSince = new Date(since.getTime() - BASELINE_DAYS * DAY_MS);
  const visible = await deps.newsroom.visibleSources(scope);
  const source = req.source ? await deps.newsroom.resolveSource(scope, req.source) : undefined;
  // An article dated after a time was first seen after it: the seq range bounds what is read.
  const fromSeq = await deps.store.hotFloorSeq(baselineSince, 0);
  const base: TextFilters = { sourceIds: [...visible], fromSeq, ...(source ? { source: source.filter } : {}) };
  const recent: TextFilters = { ...base, since, until: now };
  const before: TextFilters = { ...base, since: baselineSince, until: new Date(since.getTime() - 1) };
  const count = async (q: ParsedQuery | null, f: TextFilters) => (await deps.store.countText(q, f, { interval: 'day' })).total;
  const articles = await count(null, recent);
  const baselineArticles = await count(null, before);
  const result: TrendingResult = { since, until: now, label, baselineSince, articles, baselineArticles, read: 0, checked: 0, entries: [], chart: null, alt: '', ...(source ? { sourceLabel: source.label } : {}) };
  if (articles === 0) return { ...result, empty: 'no-articles' };
  if (baselineArticles < MIN_BASELINE_ARTICLES) return { ...result, empty: 'no-history' };

  // The window's articles, for candidates and for each entry's top article: read newest stored
  // first (an archive imported today is stored after older news but dated long before the window).
  const windowFloor = await deps.store.hotFloorSeq(since, 0);
  const outlet = source?.filter.toLowerCase();
  const inWindow: Array<{ seq: number; article: Article; mentions: ReturnType<typeof mentionsIn> }> = [];
  let scanned = 0;
  let turn = performance.now();
  for (let top = await deps.store.maxSeq(); top >= windowFloor && scanned < MAX_WINDOW_ARTICLES; top -= SCAN_STEP) {
    const rows = (await deps.store.scanArticles(Math.max(windowFloor, top - SCAN_STEP + 1) - 1, SCAN_STEP)).filter((r) => r.rowid <= top);
    for (const r of rows) {
      // Finding names reads whole articles: other interactions get a turn every few milliseconds.
      if (performance.now() - turn > TURN_MS) {
        await nextTurn();
        turn = performance.now();
      }
      scanned++;
      const a = r.article;
      if (!visible.has(a.sourceId)) continue;
      if (source && a.sourceId !== source.filter && a.outlet?.toLowerCase().trim() !== outlet) continue;
      const at = Date.parse(a.publishedAt ?? r.firstSeenAt);
      if (!(at >= since.getTime() && at <= now.getTime())) continue;
      inWindow.push({ seq: r.rowid, article: a, mentions: mentionsIn(a.title, a.body) });
    }
  }
  result.read = inWindow.length;

  // Candidates mentioned in enough articles, the most mentioned first.
  const df = new Map<string, { kind: CandidateKind; docs: number; forms: Map<string, number> }>();
  for (const { mentions } of inWindow) {
    for (const [key, m] of mentions) {
      let c = df.get(key);
      if (!c) df.set(key, (c = { kind: m.kind, docs: 0, forms: new Map() }));
      c.docs++;
      c.forms.set(m.shown, (c.forms.get(m.shown) ?? 0) + m.count);
    }
  }
  const byDocs = [...df].filter(([, c]) => c.docs >= MIN_COUNT).sort((a, b) => b[1].docs - a[1].docs || (a[0] < b[0] ? -1 : 1));
  const candidates = [...byDocs.filter(([, c]) => c.kind === 'name').slice(0, MAX_NAMES_CHECKED), ...byDocs.filter(([, c]) => c.kind === 'phrase').slice(0, MAX_PHRASES_CHECKED)];
  result.checked = candidates.length;

  const rising: Scored[] = [];
  for (const [key, c] of candidates) {
    const tokens = key.split(' ');
    const r = await count(queryOf(tokens), recent);
    const b = await count(queryOf(tokens), before);
    const rise = riseOf(r, articles, b, baselineArticles);
    if (!rise.rising) continue;
    const name = [...c.forms].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]![0];
    rising.push({ key, tokens, name, kind: c.kind, count: r, baseline: b, rise: rise.rise, score: rise.score, g2: rise.g2 });
  }
  const grouped = groupRising(rising).slice(0, MAX_ENTRIES);
  result.entries = grouped.map((g) => {
    const keys = [g.key, ...g.also.map((n) => rising.find((x) => x.name === n)?.key).filter((k): k is string => Boolean(k))];
    let best: (typeof inWindow)[number] | null = null;
    let bestScore = 0;
    for (const w of inWindow) {
      let s = 0;
      for (const k of keys) {
        const m = w.mentions.get(k);
        if (m) s += m.count + 2 * m.inTitle;
      }
      if (s > bestScore || (s === bestScore && s > 0 && best && w.seq > best.seq)) {
        best = w;
        bestScore = s;
      }
    }
    const top = best ? { id: best.article.id, title: best.article.title, url: best.article.url, outlet: best.article.outlet } : null;
    return { name: g.name, kind: g.kind, count: g.count, baseline: g.baseline, rise: g.rise, also: g.also, top, score: g.score, g2: g.g2 };
  });
  if (req.chart && result.entries.length) Object.assign(result, await chartOf(deps, result, grouped.slice(0, CHART_ENTRIES), base));
  return result;
}

/** The top entries' mentions per day over the baseline and the window. */
async function chartOf(deps: TrendingDeps, result: TrendingResult, top: Scored[], base: TextFilters): Promise<{ chart: RenderedChart; alt: string }> {
  const from = dayNumber(result.baselineSince.getTime());
  const to = dayNumber(result.until.getTime());
  const buckets: string[] = [];
  for (let d = from; d <= to; d++) buckets.push(dayString(d));
  const all: TextFilters = { ...base, since: result.baselineSince, until: result.until };
  const series = [];
  for (const e of top) {
    const counts = new Array<number>(buckets.length).fill(0);
    for (const r of (await deps.store.countText(queryOf(e.tokens), all, { interval: 'day' })).rows) counts[dayFromString(r.bucket) - from]! += r.count;
    series.push({ name: e.name, counts });
  }
  const volume = new Array<number>(buckets.length).fill(0);
  for (const r of (await deps.store.countText(null, all, { interval: 'day' })).rows) volume[dayFromString(r.bucket) - from]! += r.count;
  const window = `the last ${result.label}`;
  const spec = timeSeriesSpec({
    title: `Rising in ${window}`,
    subtitle: `Articles per day mentioning each, over the ${BASELINE_DAYS} days before and ${window}`,
    interval: 'day',
    buckets,
    series,
    stacked: false,
    yTitle: 'articles per day',
    volume,
    marker: { date: dayString(dayNumber(result.since.getTime())), label: `${window} →` },
  });
  const alt = `Line chart of articles per day mentioning ${top.map((e) => `“${e.name}”`).join(', ')} from ${buckets[0]} to ${buckets.at(-1)}. ${top
    .map((e) => `“${e.name}”: ${e.count} in ${window}, ${e.baseline} in the ${BASELINE_DAYS} days before.`)
    .join(' ')} A dotted line shows all articles per day on the right axis.`;
  return { chart: await deps.charts.render(spec), alt: alt.length > 1000 ? `${alt.slice(0, 999)}…` : alt };
}
