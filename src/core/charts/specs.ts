import type { TopLevelSpec } from 'vega-lite';
import type { TrendInterval } from '../store/archive/text-counts.ts';
import { CHART_CONFIG, CHART_MUTED, CHART_TEXT, OTHER_COLOR, SERIES_COLORS, VOLUME_COLOR } from './theme.ts';

/**
 * Chart specs (Vega-Lite) built from plain data: what /trend, /trending and digests draw. Pure
 * functions; rendering is src/core/charts/render.ts. Text in them is plain (no Discord escapes).
 */

export interface TimeSeriesChart {
  title: string;
  subtitle?: string;
  interval: TrendInterval;
  /** First day of each interval, `YYYY-MM-DD`, oldest first: the x axis. */
  buckets: string[];
  /** One line (or band of the stack) each, a count per bucket; `other` is drawn grey. */
  series: Array<{ name: string; counts: number[]; other?: boolean }>;
  /** Bands stacked (the parts of one whole, e.g. outlets) rather than lines side by side. */
  stacked: boolean;
  yTitle: string;
  /** Every article per bucket: a dotted line on its own axis, so a rise is not just more news. */
  volume?: number[];
  /** A dated marker (the first article), `YYYY-MM-DD`, with its label. */
  marker?: { date: string; label: string };
  width?: number;
  height?: number;
}

/** The colour of each series, in order ("other" grey). */
export function seriesColors(series: Array<{ other?: boolean }>): string[] {
  let i = 0;
  return series.map((s) => (s.other ? OTHER_COLOR : SERIES_COLORS[i++ % SERIES_COLORS.length]!));
}

const X_FORMAT: Record<TrendInterval, string> = { day: '%b %-d', week: '%b %-d', month: '%b %Y' };

/** Characters of subtitle per line (Inter at 12 px over a 680 px chart). */
const SUBTITLE_LINE = 92;

/** A subtitle as lines, broken at " · " where it can be, else at spaces; at most three. */
export function subtitleLines(text: string, width = SUBTITLE_LINE): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of text.split(' · ')) {
    const next = line ? `${line} · ${part}` : part;
    if (next.length <= width || !line) line = next;
    else {
      lines.push(line);
      line = part;
    }
  }
  if (line) lines.push(line);
  const out: string[] = [];
  for (const l of lines) {
    let rest = l;
    while (rest.length > width) {
      const cut = rest.lastIndexOf(' ', width);
      out.push(rest.slice(0, cut > 0 ? cut : width));
      rest = rest.slice(cut > 0 ? cut + 1 : width);
    }
    out.push(rest);
  }
  return out.length > 3 ? [...out.slice(0, 2), `${out[2]!.slice(0, width - 1)}…`] : out;
}

export function timeSeriesSpec(c: TimeSeriesChart): TopLevelSpec {
  const names = c.series.map((s) => s.name);
  const colors = seriesColors(c.series);
  const rows = c.series.flatMap((s, order) => c.buckets.map((bucket, i) => ({ bucket, series: s.name, count: s.counts[i] ?? 0, order })));
  const spanDays = c.buckets.length > 1 ? (Date.parse(c.buckets.at(-1)!) - Date.parse(c.buckets[0]!)) / 86_400_000 : 0;
  // Over a year of days or weeks, the axis shows months and years.
  const format = c.interval !== 'month' && spanDays > 300 ? '%b %Y' : X_FORMAT[c.interval];
  // A short run of days gets a tick a day (Vega would otherwise tick hours).
  const ticks = c.interval === 'day' && c.buckets.length <= 16 ? { tickCount: { interval: 'day', step: 1 } } : {};
  const x = { field: 'bucket', type: 'temporal' as const, scale: { type: 'utc' as const }, axis: { title: null, format, labelOverlap: true, grid: false, ...ticks } };
  const layers: unknown[] = [];
  layers.push({
    data: { values: rows },
    mark: c.stacked ? { type: 'area', interpolate: 'monotone', opacity: 0.9, line: { strokeWidth: 1 } } : { type: 'line', strokeWidth: 2.5, interpolate: 'monotone' },
    encoding: {
      x,
      y: { field: 'count', type: 'quantitative', stack: c.stacked ? 'zero' : null, axis: { title: c.yTitle, tickCount: 5, ...(c.volume ? { orient: 'left' } : {}) } },
      color: { field: 'series', type: 'nominal', scale: { domain: names, range: colors }, legend: { title: null, orient: 'bottom', direction: 'horizontal', columns: Math.min(names.length, 4), labelLimit: 220 } },
      order: { field: 'order', type: 'quantitative' },
    },
  });
  // The archive's volume, over the series (a stack would hide it), on its own axis.
  if (c.volume) {
    layers.push({
      data: { values: c.buckets.map((bucket, i) => ({ bucket, count: c.volume![i] ?? 0 })) },
      mark: { type: 'line', color: VOLUME_COLOR, strokeWidth: 1.5, strokeDash: [2, 3], interpolate: 'monotone' },
      encoding: { x, y: { field: 'count', type: 'quantitative', axis: { orient: 'right', title: 'all articles (dotted)', grid: false, tickCount: 4 } } },
    });
  }
  if (c.marker) {
    const at = Date.parse(c.marker.date);
    const from = Date.parse(c.buckets[0] ?? c.marker.date);
    const to = Date.parse(c.buckets.at(-1) ?? c.marker.date);
    // The label reads into the chart from whichever side has room.
    const right = to > from && (at - from) / (to - from) > 0.55;
    layers.push({
      data: { values: [{ bucket: c.marker.date, label: c.marker.label }] },
      layer: [
        { mark: { type: 'rule', color: CHART_TEXT, strokeDash: [4, 3], strokeWidth: 1 }, encoding: { x } },
        { mark: { type: 'text', color: CHART_TEXT, fontSize: 11, align: right ? 'right' : 'left', dx: right ? -5 : 5, baseline: 'top', y: 2 }, encoding: { x, text: { field: 'label' } } },
      ],
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: c.width ?? 680,
    height: c.height ?? 260,
    title: { text: c.title, limit: Math.round((c.width ?? 680) * 1.3), ...(c.subtitle ? { subtitle: subtitleLines(c.subtitle) } : {}) },
    config: CHART_CONFIG,
    layer: layers,
    ...(c.volume ? { resolve: { scale: { y: 'independent' } } } : {}),
  } as TopLevelSpec;
}

export interface BarChart {
  title: string;
  subtitle?: string;
  bars: Array<{ name: string; count: number; other?: boolean }>;
  xTitle: string;
  width?: number;
}

/** Horizontal bars, largest first as given (a digest's coverage by outlet): one colour, "other" grey. */
export function barSpec(c: BarChart): TopLevelSpec {
  const colors = c.bars.map((b) => (b.other ? OTHER_COLOR : SERIES_COLORS[0]));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: c.width ?? 480,
    height: { step: 22 },
    title: { text: c.title, limit: Math.round((c.width ?? 480) * 1.3), ...(c.subtitle ? { subtitle: subtitleLines(c.subtitle, 70) } : {}) },
    config: CHART_CONFIG,
    data: { values: c.bars.map((b, i) => ({ name: b.name, count: b.count, color: colors[i] })) },
    layer: [
      { mark: { type: 'bar', cornerRadiusEnd: 3 }, encoding: { y: { field: 'name', type: 'nominal', sort: null, axis: { title: null, labelLimit: 180, labelColor: CHART_TEXT, labelFontSize: 12, ticks: false, domain: false } }, x: { field: 'count', type: 'quantitative', axis: { title: c.xTitle, tickMinStep: 1, tickCount: 5 } }, color: { field: 'color', type: 'nominal', scale: null, legend: null } } },
      { mark: { type: 'text', align: 'left', dx: 4, color: CHART_MUTED, fontSize: 11 }, encoding: { y: { field: 'name', type: 'nominal', sort: null }, x: { field: 'count', type: 'quantitative' }, text: { field: 'count' } } },
    ],
  } as TopLevelSpec;
}
