/**
 * Counting matches over time (the store side of `/trend` and `/trending`): what both stores
 * return, and the calendar arithmetic they share, so SQLite and PostgreSQL put an article in the
 * same interval. Intervals are UTC: a day, a week from Monday (ISO 8601), a calendar month.
 */

export type TrendInterval = 'day' | 'week' | 'month';

export interface TextCountOptions {
  interval: TrendInterval;
  /** Split the counts by the article's outlet (as written, grouped case-insensitively) or by its source (feed) id. */
  by?: 'outlet' | 'source';
}

export interface TextCountRow {
  /** First day of the interval, `YYYY-MM-DD` (UTC). */
  bucket: string;
  /**
   * With `by`, the outlet — as written in the earliest stored article among the matches — or the
   * source id; null without `by`, or for articles with no outlet.
   */
  key: string | null;
  count: number;
}

export interface FirstMatch {
  id: string;
  /** The article's date (published, else first seen), ISO. */
  at: string;
  outlet: string | null;
  sourceId: string;
}

export interface TextCounts {
  /** Intervals with at least one match, oldest first; within one, keys in code-point order, null last. */
  rows: TextCountRow[];
  total: number;
  /** The earliest matching article (by date, then storage order); null when nothing matched. */
  first: FirstMatch | null;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (UTC) of an epoch time. */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** The first day (a day number) of the interval holding `day`. */
export function intervalStart(day: number, interval: TrendInterval): number {
  if (interval === 'day') return day;
  // 1970-01-01 was a Thursday: Monday is 3 days before day 0.
  if (interval === 'week') return day - ((((day + 3) % 7) + 7) % 7);
  const d = new Date(day * DAY_MS);
  return dayNumber(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

/** The first day of the interval after the one starting at `start`. */
export function nextInterval(start: number, interval: TrendInterval): number {
  if (interval === 'day') return start + 1;
  if (interval === 'week') return start + 7;
  const d = new Date(start * DAY_MS);
  return dayNumber(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function dayFromString(s: string): number {
  return dayNumber(Date.parse(`${s}T00:00:00.000Z`));
}

/** An outlet name as grouped: case and runs of spaces do not make another outlet. */
export function outletGroupKey(outlet: string | null | undefined): string | null {
  const k = outlet?.replace(/\s+/g, ' ').trim().toLowerCase();
  return k ? k : null;
}

/**
 * Folds per-day counts (a day number, a key, a count; any order, repeats allowed) into interval
 * rows: oldest interval first, within one keys in code-point order and null last.
 */
export function foldDays(days: Iterable<{ day: number; key: string | null; count: number }>, interval: TrendInterval): TextCountRow[] {
  // Each (day, key) goes to its interval's first day; sorted by interval, then key; equal neighbours merged.
  const monthOf = new Map<number, number>();
  const items: Array<{ start: number; key: string | null; count: number }> = [];
  for (const { day, key, count } of days) {
    let start = day;
    if (interval === 'week') start = intervalStart(day, 'week');
    else if (interval === 'month') {
      start = monthOf.get(day) ?? intervalStart(day, 'month');
      monthOf.set(day, start);
    }
    items.push({ start, key, count });
  }
  const byKey = (x: string | null, y: string | null) => (x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1);
  items.sort((a, b) => a.start - b.start || byKey(a.key, b.key));
  const rows: TextCountRow[] = [];
  let label = '';
  let labelOf = NaN;
  for (const it of items) {
    const last = rows.at(-1);
    if (last && it.start === labelOf && last.key === it.key) {
      last.count += it.count;
      continue;
    }
    if (it.start !== labelOf) {
      labelOf = it.start;
      label = dayString(it.start);
    }
    rows.push({ bucket: label, key: it.key, count: it.count });
  }
  return rows;
}
