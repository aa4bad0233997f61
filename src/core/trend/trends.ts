import { SEED_SOURCE_ID } from '../article.ts';
import type { ChartRenderer, RenderedChart } from '../charts/renderer.ts';
import { timeSeriesSpec } from '../charts/specs.ts';
import { parseDateOption } from '../dates.ts';
import { nextTurn, type Clock, type Log } from '../deps.ts';
import { UserError } from '../errors.ts';
import type { Newsroom, Scope } from '../newsroom/index.ts';
import { parseQuery, type ParsedQuery } from '../search/query.ts';
import type { AsyncStore } from '../store/async-store.ts';
import { dayFromString, dayNumber, dayString, intervalStart, nextInterval, type TextCounts, type TrendInterval } from '../store/archive/text-counts.ts';
import type { TextFilters } from '../store/types.ts';
import { findTrending, type TrendingRequest, type TrendingResult } from './trending.ts';

/** Queries compared on one chart at most (each its own colour). */
export const MAX_QUERIES = 5;
/** Outlets or sources drawn on their own; the rest are "other". */
export const TOP_KEYS = 5;
/** Intervals on one chart at most, per interval kind (a day chart over years is unreadable). */
const MAX_BUCKETS: Record<TrendInterval, number> = { day: 400, week: 530, month: 1200 };

export interface TrendsDeps {
  store: Pick<AsyncStore, 'countText' | 'getArticle' | 'sourcesForGuild' | 'scanArticles' | 'hotFloorSeq' | 'maxSeq' | 'prepareTextCounts'>;
  newsroom: Pick<Newsroom, 'visibleSources' | 'resolveSource'>;
  clock: Clock;
  log: Log;
  charts: ChartRenderer;
}

export interface TrendRequest {
  /** One query, or several separated by commas (compared on one chart). */
  query: string;
  /** What one query's counts are split by (default: outlet). */
  by?: 'outlet' | 'source';
  since?: string;
  until?: string;
  /** Default: day up to 45 days, week up to 3 years, month beyond. */
  interval?: TrendInterval;
}

export interface FirstArticle {
  id: string;
  title: string;
  url: string | null;
  outlet: string | null;
  /** The article's date (published, else first seen), ISO. */
  at: string;
  /** False when the feed gave no publication date: `at` is when the archive first saw it. */
  dated: boolean;
}

/**
 * The first article's date after its outlet: ", 2024-10-09", or " (undated, first seen 2026-12-07)"
 * — an undated article is charted on the day it was first seen, and the summary says so rather than
 * passing that day off as its publication date.
 */
export function firstWhen(first: FirstArticle, separator = ', '): string {
  const day = first.at.slice(0, 10);
  return first.dated ? `${separator}${day}` : ` (undated, first seen ${day})`;
}

export interface TrendSeries {
  name: string;
  counts: number[];
  total: number;
  other?: boolean;
}

export interface QueryTrend {
  query: string;
  total: number;
  first: FirstArticle | null;
  /** The interval with the most matches (the earliest of equals). */
  peak: { bucket: string; count: number } | null;
}

export interface TrendResult {
  queries: QueryTrend[];
  /** What one query was split by; null when several queries are compared. */
  by: 'outlet' | 'source' | null;
  interval: TrendInterval;
  /** First day of each interval on the chart, oldest first. */
  buckets: string[];
  series: TrendSeries[];
  /** Every article per interval (the archive's volume, same sources and dates). */
  volume: number[];
  /** Outlets or sources with matches (one query). */
  keys: number;
  /** One line: first article, peak, outlets. */
  summary: string;
  /** The chart described in words (the attachment's alt text). */
  alt: string;
  chart: RenderedChart | null;
}

/** "troops, defectors" → the queries, as typed, each once. */
export function splitQueries(raw: string): string[] {
  const out: string[] = [];
  // `"troops, defectors"` typed with quotes around the whole list is the list, not one phrase.
  const whole = /^\s*["“]([^"“”]*,[^"“”]*)["”]\s*$/.exec(raw);
  for (const part of (whole ? whole[1]! : raw).split(',')) {
    const q = part.trim();
    if (q && !out.some((o) => o.toLowerCase() === q.toLowerCase())) out.push(q);
  }
  return out;
}

/** The interval a span of days is best read in (a few dozen points or more, never hundreds). */
export function autoInterval(days: number): TrendInterval {
  return days <= 45 ? 'day' : days <= 3 * 366 ? 'week' : 'month';
}

/** "peak week of 2024-10-21", "peak day 2024-10-21", "peak month 2024-10". */
export function describePeriod(bucket: string, interval: TrendInterval): string {
  return interval === 'week' ? `week of ${bucket}` : interval === 'day' ? `day ${bucket}` : `month ${bucket.slice(0, 7)}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** “a”, “a” and “b”, “a”, “b” and “c”. */
function quoted(list: string[]): string {
  const q = list.map((s) => `“${s}”`);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} and ${q.at(-1)}`;
}

/**
 * Coverage over time: `/trend` (matches per interval of one or several queries over the whole
 * archive, split by outlet or source, drawn as a chart) and `/trending` (names and phrases rising
 * against their own baseline). Counts come from the store (`countText`), both tiers at once.
 */
export class Trends {
  constructor(private readonly deps: TrendsDeps) {}

  /** Reads ahead what counting needs, a small step per event-loop turn (start-up). */
  async prepare(): Promise<void> {
    const step = this.deps.store.prepareTextCounts?.bind(this.deps.store);
    if (!step) return;
    while (!(await step())) await nextTurn();
  }

  async trend(scope: Scope, req: TrendRequest): Promise<TrendResult> {
    const texts = splitQueries(req.query);
    if (texts.length === 0) throw new UserError('Give a query to chart, e.g. `troops`, or several separated by commas: `troops, defectors`.', { id: 'trend.no-query' });
    if (texts.length > MAX_QUERIES) throw new UserError(`${texts.length} queries is too many for one chart; compare at most ${MAX_QUERIES}.`, { id: 'trend.too-many-queries', values: { textsLength: texts.length, maxQueries: MAX_QUERIES } });
    if (texts.length > 1 && req.by) throw new UserError('Compare several queries, or split one query by outlet or source — not both at once.', { id: 'trend.queries-and-split' });
    const parsed: ParsedQuery[] = texts.map((t) => parseQuery(t));
    const now = this.deps.clock.now();
    const since = req.since ? parseDateOption('since', req.since, 'start', now) : undefined;
    const until = req.until ? parseDateOption('until', req.until, 'end', now) : undefined;
    if (since && until && since > until) throw new UserError(`since (${req.since}) is after until (${req.until}): nothing can match.`, { id: 'dates.since-after-until', values: { since: req.since, until: req.until } });
    const filters: TextFilters = { sourceIds: [...(await this.deps.newsroom.visibleSources(scope))], ...(since ? { since } : {}), ...(until ? { until } : {}) };
    const by = texts.length === 1 ? (req.by ?? 'outlet') : null;
    // The store counts in the chart's interval (a day's rows for years would be thousands per
    // outlet). With no interval and no since, months first: the first match then tells the range,
    // and a short story is counted again by week or day.
    const sinceDay = since ? dayNumber(since.getTime()) : null;
    const today = dayNumber(now.getTime());
    const guessEnd = until ? dayNumber(until.getTime()) : today;
    let interval: TrendInterval = req.interval ?? (sinceDay !== null ? autoInterval(guessEnd - sinceDay) : 'month');
    const countAll = async (iv: TrendInterval) => {
      const out: TextCounts[] = [];
      for (const q of parsed) out.push(await this.deps.store.countText(q, filters, { interval: iv, ...(by ? { by } : {}) }));
      return out;
    };
    let counts = await countAll(interval);
    const total = counts.reduce((n, c) => n + c.total, 0);
    const firsts = await Promise.all(counts.map((c) => this.firstArticle(c)));
    if (total === 0) {
      return { queries: texts.map((query) => ({ query, total: 0, first: null, peak: null })), by, interval, buckets: [], series: [], volume: [], keys: 0, summary: '', alt: '', chart: null };
    }
    const firstDay = Math.min(...counts.filter((c) => c.first).map((c) => dayNumber(Date.parse(c.first!.at))));
    if (!req.interval && sinceDay === null) {
      const fitting = autoInterval(guessEnd - firstDay);
      if (fitting !== interval) {
        interval = fitting;
        counts = await countAll(interval);
      }
    }

    // The chart runs from one interval before the first match (or `since`) to `until` (or today).
    const lastDay = Math.max(...counts.flatMap((c) => c.rows.map((r) => dayFromString(r.bucket))));
    const endDay = until ? dayNumber(until.getTime()) : Math.max(lastDay, today);
    const startGuess = sinceDay ?? firstDay;
    let start = intervalStart(startGuess, interval);
    if (!since) start = intervalStart(start - 1, interval);
    const bucketDays: number[] = [];
    for (let b = start; b <= endDay; b = nextInterval(b, interval)) {
      bucketDays.push(b);
      if (bucketDays.length > MAX_BUCKETS[interval]) {
        throw new UserError(`That chart would have over ${MAX_BUCKETS[interval]} ${interval}s; use ${interval === 'day' ? 'weeks or months' : 'months'}, or a shorter time range.`, { id: 'trend.too-many-buckets', values: { interval, max: MAX_BUCKETS[interval] } });
      }
    }
    const index = new Map(bucketDays.map((d, i) => [d, i]));
    const slot = (bucket: string) => index.get(intervalStart(dayFromString(bucket), interval))!;
    const buckets = bucketDays.map(dayString);

    const volumeCounts = await this.deps.store.countText(null, filters, { interval });
    const volume = new Array<number>(buckets.length).fill(0);
    for (const r of volumeCounts.rows) {
      const i = slot(r.bucket);
      if (i !== undefined) volume[i]! += r.count;
    }

    const perQuery = counts.map((c) => {
      const series = new Array<number>(buckets.length).fill(0);
      for (const r of c.rows) series[slot(r.bucket)]! += r.count;
      return series;
    });
    const queries: QueryTrend[] = texts.map((query, q) => {
      const s = perQuery[q]!;
      let peak = -1;
      s.forEach((n, i) => {
        if (n > 0 && (peak < 0 || n > s[peak]!)) peak = i;
      });
      return { query, total: counts[q]!.total, first: firsts[q]!, peak: peak < 0 ? null : { bucket: buckets[peak]!, count: s[peak]! } };
    });

    let series: TrendSeries[];
    let keys = 0;
    if (by) {
      const names = by === 'source' ? await this.sourceNames(scope) : new Map<string, string>();
      const perKey = new Map<string | null, number[]>();
      for (const r of counts[0]!.rows) {
        let s = perKey.get(r.key);
        if (!s) perKey.set(r.key, (s = new Array<number>(buckets.length).fill(0)));
        s[slot(r.bucket)]! += r.count;
      }
      keys = [...perKey.keys()].filter((k) => k !== null).length;
      const sum = (s: number[]) => s.reduce((a, b) => a + b, 0);
      const label = (k: string) => (by === 'source' ? (names.get(k) ?? k) : k);
      const ranked = [...perKey].filter(([k]) => k !== null).sort((a, b) => sum(b[1]) - sum(a[1]) || (label(a[0]!) < label(b[0]!) ? -1 : 1));
      series = ranked.slice(0, TOP_KEYS).map(([k, s]) => ({ name: label(k!), counts: s, total: sum(s) }));
      const rest = [...ranked.slice(TOP_KEYS), ...[...perKey].filter(([k]) => k === null)];
      if (rest.length) {
        const other = new Array<number>(buckets.length).fill(0);
        for (const [, s] of rest) s.forEach((n, i) => (other[i]! += n));
        series.push({ name: 'other', counts: other, total: sum(other), other: true });
      }
    } else {
      series = texts.map((query, q) => ({ name: query, counts: perQuery[q]!, total: queries[q]!.total }));
    }

    const summary = this.summary(queries, interval, by, keys);
    const earliest = queries.filter((q) => q.first).sort((a, b) => (a.first!.at < b.first!.at ? -1 : 1))[0];
    const marker = earliest?.first
      ? { date: earliest.first.at.slice(0, 10), label: `First${texts.length > 1 ? ` “${earliest.query}”` : ''}: ${earliest.first.outlet ?? 'unknown outlet'}${firstWhen(earliest.first)}` }
      : undefined;
    const title = `Coverage of ${quoted(texts)}${by ? ` by ${by}` : ''}`;
    const spec = timeSeriesSpec({
      title,
      subtitle: summary,
      interval,
      buckets,
      series,
      stacked: by !== null,
      yTitle: `matching articles per ${interval}`,
      volume,
      ...(marker ? { marker } : {}),
    });
    const alt = this.alt({ texts, by, interval, buckets, series, total, queries, earliest });
    const chart = await this.deps.charts.render(spec);
    return { queries, by, interval, buckets, series, volume, keys, summary, alt, chart };
  }

  /** Names and phrases rising against their own baseline (see trending.ts). */
  async trending(scope: Scope, req: TrendingRequest): Promise<TrendingResult> {
    return findTrending(this.deps, scope, req);
  }

  private async firstArticle(c: TextCounts): Promise<FirstArticle | null> {
    if (!c.first) return null;
    const a = await this.deps.store.getArticle(c.first.id);
    const dated = !!a?.publishedAt && Number.isFinite(Date.parse(a.publishedAt));
    return { id: c.first.id, title: a?.title ?? c.first.id, url: a?.url ?? null, outlet: c.first.outlet, at: c.first.at, dated };
  }

  /** Feed id → the name this server gave the source that follows it ("Seed archive" for the seeds). */
  private async sourceNames(scope: Scope): Promise<Map<string, string>> {
    const names = new Map<string, string>([[SEED_SOURCE_ID, 'Seed archive']]);
    for (const s of await this.deps.store.sourcesForGuild(scope.guildId)) if (!names.has(s.feedId)) names.set(s.feedId, s.name);
    return names;
  }

  /** "First: Daily NK, 2024-10-09 · peak week of 2024-10-21 (38 articles) · 4 outlets" (several queries: one part each). */
  private summary(queries: QueryTrend[], interval: TrendInterval, by: 'outlet' | 'source' | null, keys: number): string {
    if (queries.length === 1) {
      const q = queries[0]!;
      const parts = [];
      if (q.first) parts.push(`First: ${q.first.outlet ?? 'unknown outlet'}${firstWhen(q.first)}`);
      if (q.peak) parts.push(`peak ${describePeriod(q.peak.bucket, interval)} (${plural(q.peak.count, 'article')})`);
      if (by) parts.push(plural(keys, by));
      return parts.join(' · ');
    }
    return queries
      .map((q) => `“${q.query}”: ${plural(q.total, 'article')}${q.first ? `, first ${q.first.outlet ?? 'unknown outlet'}${firstWhen(q.first, ' ')}` : ''}${q.peak ? `, peak ${describePeriod(q.peak.bucket, interval)}` : ''}`)
      .join(' · ');
  }

  private alt(c: { texts: string[]; by: 'outlet' | 'source' | null; interval: TrendInterval; buckets: string[]; series: TrendSeries[]; total: number; queries: QueryTrend[]; earliest: QueryTrend | undefined }): string {
    const per = { day: 'daily', week: 'weekly', month: 'monthly' }[c.interval];
    const range = `${c.buckets[0]} to ${c.buckets.at(-1)}`;
    const parts = [
      c.by
        ? `Stacked area chart of ${per} articles matching “${c.texts[0]}”, ${range}, ${plural(c.total, 'article')} in all, by ${c.by}: ${c.series.map((s) => `${s.name} ${s.total}`).join(', ')}.`
        : `Line chart comparing ${per} articles matching ${quoted(c.texts)}, ${range}: ${c.series.map((s) => `“${s.name}” ${s.total}`).join(', ')}.`,
    ];
    for (const q of c.queries) {
      const who = c.texts.length > 1 ? `“${q.query}”: ` : '';
      if (q.first) parts.push(`${who}First article: ${q.first.outlet ?? 'unknown outlet'}${firstWhen(q.first)}.`);
      if (q.peak) parts.push(`${who}Peak: ${describePeriod(q.peak.bucket, c.interval)}, ${plural(q.peak.count, 'article')}.`);
    }
    parts.push(`A dotted line shows all articles per ${c.interval} on the right axis.`);
    const text = parts.join(' ');
    return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
  }
}
