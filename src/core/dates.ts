import { UserError } from './errors.ts';

const DAY_MS = 86_400_000;

/**
 * Parses a date option as reporters type it: `2024-03-07`, `2024-03`, `2024`, a full ISO time,
 * or a relative span back from now (`24h`; whole days with `7d`, `2w`: `0d` is today). `edge` picks
 * the start or the end of a calendar date, so `until:2024-03-07` includes that whole day (UTC).
 */
export function parseDateOption(name: string, value: string, edge: 'start' | 'end', now: Date): Date {
  const v = value.trim();
  const rel = /^(\d{1,4})\s*([hdwmy])$/i.exec(v);
  if (rel) {
    const n = Number(rel[1]);
    const unit = rel[2]!.toLowerCase();
    if (unit === 'h') return new Date(now.getTime() - n * 3_600_000);
    // Day spans count whole (UTC) days, today included: 0d is today, 1d yesterday and today, 7d
    // the week back to the same weekday — as a reporter means "since 0 days ago".
    const days = unit === 'd' ? n : unit === 'w' ? 7 * n : unit === 'm' ? 30 * n : 365 * n;
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    return new Date(edge === 'start' ? today - days * DAY_MS : today - (days - 1) * DAY_MS - 1);
  }
  const ymd = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(v);
  if (ymd) {
    const y = Number(ymd[1]);
    const m = ymd[2] === undefined ? undefined : Number(ymd[2]);
    const d = ymd[3] === undefined ? undefined : Number(ymd[3]);
    if (m !== undefined && (m < 1 || m > 12)) throw badDate(name, value, `there is no month ${m}`);
    const daysInMonth = m === undefined ? 31 : new Date(Date.UTC(y, m, 0)).getUTCDate();
    if (d !== undefined && (d < 1 || d > daysInMonth)) throw badDate(name, value, `there is no day ${d} in that month`);
    if (edge === 'start') return new Date(Date.UTC(y, (m ?? 1) - 1, d ?? 1));
    // End of the named period: the last millisecond of the year, month or day.
    if (m === undefined) return new Date(Date.UTC(y + 1, 0, 1) - 1);
    if (d === undefined) return new Date(Date.UTC(y, m, 1) - 1);
    return new Date(Date.UTC(y, m - 1, d + 1) - 1);
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v)) {
    const t = Date.parse(v.replace(' ', 'T'));
    if (!Number.isNaN(t)) return new Date(t);
  }
  throw badDate(name, value, 'use YYYY-MM-DD (or YYYY-MM, YYYY, or a span like 7d)');
}

function badDate(name: string, value: string, why: string): UserError {
  return new UserError(`${name} "${value}" is not a date I understand: ${why}.`, { id: 'dates.invalid', values: { name, value, why } });
}

/** `2024-03-07` for an ISO time or Date (UTC calendar date). */
export function formatDay(when: string | Date | null | undefined): string | null {
  if (!when) return null;
  const t = typeof when === 'string' ? Date.parse(when) : when.getTime();
  if (Number.isNaN(t)) return null;
  return new Date(t).toISOString().slice(0, 10);
}
