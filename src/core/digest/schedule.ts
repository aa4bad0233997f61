import { DateTime } from 'luxon';
import { UserError } from '../errors.ts';
import { normalizeTimeZone } from './timezones.ts';

/**
 * Digest schedules: presets and 5-field cron, evaluated in the subscriber's IANA zone with cron's
 * daylight-saving rules — a wall time skipped by spring-forward fires once, right after the gap;
 * a wall time repeated by fall-back fires once, at its first occurrence; schedules that run
 * every hour follow real hours (23 or 25 runs on change days).
 */
export interface Schedule {
  /** Canonical text, e.g. "daily 08:00", "weekdays 08:00", "weekly mon 08:00", "hourly", "cron 0 0,12 * * *". */
  label: string;
  /** Normalised 5-field cron (minute hour day-of-month month day-of-week). */
  cron: string;
  timezone: string;
}

interface Fields {
  minutes: number[];
  hours: number[];
  doms: Set<number>;
  months: Set<number>;
  dows: Set<number>;
  domAny: boolean;
  dowAny: boolean;
  hourAny: boolean;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const FIELD_SPECS = [
  { name: 'minute', min: 0, max: 59, names: null },
  { name: 'hour', min: 0, max: 23, names: null },
  { name: 'day-of-month', min: 1, max: 31, names: null },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS },
] as const;
/** Digests are not a chat: nothing runs more often than every 15 minutes. */
const MAX_RUNS_PER_HOUR = 4;

function bad(input: string, why: string): UserError {
  return new UserError(`schedule "${input}": ${why}`);
}

function parseTime(input: string, hh: string, mm: string | undefined, ampm: string | undefined): { h: number; m: number } {
  let h = Number(hh);
  const m = mm === undefined ? 0 : Number(mm);
  if (ampm) {
    if (h < 1 || h > 12) throw bad(input, 'with am/pm the hour must be 1–12');
    h = (h % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
  }
  if (h > 23) throw bad(input, 'hour must be 00–23');
  if (m > 59) throw bad(input, 'minute must be 00–59');
  return { h, m };
}

const pad = (n: number) => String(n).padStart(2, '0');

function parseDay(input: string, word: string): number {
  const w = word.toLowerCase();
  const i = DAYS.indexOf(w.slice(0, 3));
  if (i === -1 || !(DAYS[i] === w || DAY_NAMES[i] === w || DAY_NAMES[i]!.startsWith(w))) {
    throw bad(input, `"${word}" is not a day of the week (mon, tue, wed, thu, fri, sat, sun)`);
  }
  return i;
}

/** Expands one cron field, naming the field in every error. */
function expandField(input: string, raw: string, spec: (typeof FIELD_SPECS)[number]): number[] {
  if (raw === '') throw bad(input, `the ${spec.name} field is empty`);
  const out = new Set<number>();
  const value = (s: string): number => {
    const lower = s.toLowerCase();
    if (spec.names) {
      const i = (spec.names as readonly string[]).indexOf(lower.slice(0, 3));
      if (i !== -1 && /^[a-z]+$/.test(lower)) return spec.names === MONTHS ? i + 1 : i;
    }
    if (!/^\d+$/.test(s)) throw bad(input, `"${s}" is not a valid ${spec.name} value`);
    const n = Number(s);
    if (n < spec.min || n > spec.max) throw bad(input, `${spec.name} must be ${spec.min}–${spec.max} (got ${n})`);
    return n;
  };
  for (const part of raw.split(',')) {
    const [range, stepText] = part.split('/');
    if (part.split('/').length > 2) throw bad(input, `"${part}" has more than one step in the ${spec.name} field`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText)) throw bad(input, `step "${stepText}" in the ${spec.name} field is not a number`);
      step = Number(stepText);
      if (step < 1) throw bad(input, `step must be at least 1 in the ${spec.name} field`);
    }
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = spec.min;
      hi = spec.name === 'day-of-week' ? 6 : spec.max;
    } else if (range!.includes('-')) {
      const [a, b] = range!.split('-');
      lo = value(a!);
      hi = value(b!);
      if (lo > hi) throw bad(input, `range ${range} in the ${spec.name} field runs backwards`);
    } else {
      lo = value(range!);
      hi = stepText !== undefined ? (spec.name === 'day-of-week' ? 6 : spec.max) : lo;
    }
    for (let v = lo; v <= hi; v += step) out.add(spec.name === 'day-of-week' && v === 7 ? 0 : v);
  }
  return [...out].sort((a, b) => a - b);
}

function parseCron(input: string, cron: string): Fields {
  const parts = cron.trim().split(/\s+/);
  if (parts.length === 6) throw bad(input, 'six fields given; seconds are not supported — use minute hour day-of-month month day-of-week');
  if (parts.length !== 5) throw bad(input, `a cron expression has 5 fields (minute hour day-of-month month day-of-week), this has ${parts.length}`);
  const [mi, ho, dom, mo, dow] = parts.map((p, i) => expandField(input, p, FIELD_SPECS[i]!));
  if (mi!.length > MAX_RUNS_PER_HOUR) throw bad(input, 'runs more often than every 15 minutes; digests need at least 15 minutes between runs');
  for (let i = 1; i < mi!.length; i++) {
    if (mi![i]! - mi![i - 1]! < 15) throw bad(input, 'runs more often than every 15 minutes; digests need at least 15 minutes between runs');
  }
  return {
    minutes: mi!,
    hours: ho!,
    doms: new Set(dom),
    months: new Set(mo),
    dows: new Set(dow),
    domAny: parts[2] === '*' || parts[2] === '?',
    dowAny: parts[4] === '*' || parts[4] === '?',
    hourAny: ho!.length === 24,
  };
}

/**
 * Parses a preset (`hourly`, `hourly :15`, `daily 08:00`, `weekdays 7:30am`, `weekly mon 08:00`,
 * `@daily`) or a 5-field cron expression. Throws a UserError naming what is wrong.
 */
export function parseSchedule(input: string, timezone: string): Schedule {
  const tz = normalizeTimeZone(timezone);
  const text = input.trim().replace(/\s+/g, ' ');
  if (!text) throw new UserError('Give a schedule: hourly, daily 08:00, weekdays 08:00, weekly mon 08:00, or a cron expression.');
  const lower = text.toLowerCase();
  const time = '(\\d{1,2})(?::(\\d{2}))?\\s*(am|pm)?';
  let m: RegExpExecArray | null;
  const make = (label: string, cron: string) => {
    parseCron(input, cron);
    return { label, cron, timezone: tz };
  };
  if (lower === 'hourly' || lower === '@hourly') return make('hourly', '0 * * * *');
  if ((m = /^hourly (?:at )?:?(\d{1,2})$/.exec(lower))) {
    const minute = Number(m[1]);
    if (minute > 59) throw bad(input, 'minute must be 00–59');
    return make(`hourly :${pad(minute)}`, `${minute} * * * *`);
  }
  if (lower === '@daily' || lower === 'daily') return make('daily 00:00', '0 0 * * *');
  if (lower === '@weekly' || lower === 'weekly') return make('weekly sun 00:00', '0 0 * * 0');
  if ((m = new RegExp(`^daily (?:at )?${time}$`).exec(lower))) {
    const { h, m: mm } = parseTime(input, m[1]!, m[2], m[3]);
    return make(`daily ${pad(h)}:${pad(mm)}`, `${mm} ${h} * * *`);
  }
  if ((m = new RegExp(`^weekdays (?:at )?${time}$`).exec(lower))) {
    const { h, m: mm } = parseTime(input, m[1]!, m[2], m[3]);
    return make(`weekdays ${pad(h)}:${pad(mm)}`, `${mm} ${h} * * 1-5`);
  }
  if ((m = new RegExp(`^weekly ([a-z]+) (?:at )?${time}$`).exec(lower))) {
    const day = parseDay(input, m[1]!);
    const { h, m: mm } = parseTime(input, m[2]!, m[3], m[4]);
    return make(`weekly ${DAYS[day]} ${pad(h)}:${pad(mm)}`, `${mm} ${h} * * ${day}`);
  }
  if (/^(daily|weekdays|weekly|hourly)\b/.test(lower)) {
    throw bad(input, 'presets look like hourly, daily 08:00, weekdays 08:00 or weekly mon 08:00');
  }
  const cron = lower.replace(/^cron /, '');
  const words = cron.match(/[a-z]+/g) ?? [];
  if (!/^[\d*?,/\-a-z ]+$/.test(cron) || words.some((w) => !DAYS.includes(w) && !MONTHS.includes(w))) {
    throw bad(input, 'not a preset or a cron expression');
  }
  parseCron(input, cron);
  return { label: `cron ${cron}`, cron, timezone: tz };
}

function dayMatches(f: Fields, d: DateTime): boolean {
  if (!f.months.has(d.month)) return false;
  const dom = f.doms.has(d.day);
  const dow = f.dows.has(d.weekday % 7);
  // Cron rule: when both day fields are restricted, either may match.
  if (!f.domAny && !f.dowAny) return dom || dow;
  return (f.domAny || dom) && (f.dowAny || dow);
}

/** The first instant at which the zone's wall clock reads `hour:minute` on `day`, DST-aware. */
function wallTimeInstant(day: DateTime, hour: number, minute: number): DateTime {
  const dt = day.set({ hour, minute, second: 0, millisecond: 0 });
  if (dt.hour !== hour || dt.minute !== minute) {
    // Skipped by spring-forward: fire at the first instant after the gap (the transition itself).
    let lo = dt.minus({ hours: 3 }).toMillis();
    let hi = dt.toMillis();
    const before = DateTime.fromMillis(lo, { zone: dt.zone }).offset;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (DateTime.fromMillis(mid, { zone: dt.zone }).offset === before) lo = mid;
      else hi = mid;
    }
    return DateTime.fromMillis(hi, { zone: dt.zone });
  }
  // Repeated by fall-back: take the earlier of the two instants with this wall time.
  const earlier = dt.minus({ hours: 1 });
  if (earlier.hour === hour && earlier.minute === minute && earlier.day === dt.day) return earlier;
  return dt;
}

/** The first fire instant strictly after `after`. */
export function nextRun(schedule: Schedule, after: Date): Date {
  const f = parseCron(schedule.label, schedule.cron);
  const zone = schedule.timezone;
  const start = DateTime.fromJSDate(after, { zone });
  let day = start.startOf('day');
  for (let i = 0; i < 366 * 8; i++, day = day.plus({ days: 1 }).startOf('day')) {
    if (!dayMatches(f, day)) continue;
    if (f.hourAny) {
      // Every hour: follow real time, so fall-back's repeated hour runs twice and the skipped one not at all.
      let t = i === 0 ? start.startOf('minute').plus({ minutes: 1 }) : day;
      const end = day.plus({ days: 1 }).startOf('day');
      while (t < end) {
        if (f.minutes.includes(t.minute) && t.toMillis() > after.getTime()) return t.toJSDate();
        const next = f.minutes.find((m) => m > t.minute);
        t = next !== undefined ? t.set({ minute: next }) : t.plus({ hours: 1 }).set({ minute: f.minutes[0]! });
      }
      continue;
    }
    for (const h of f.hours) {
      for (const m of f.minutes) {
        const at = wallTimeInstant(day, h, m);
        if (at.toMillis() > after.getTime()) return at.toJSDate();
      }
    }
  }
  throw new UserError(`schedule "${schedule.label}" never runs`);
}

/** All fire instants in (from, to], at most `limit`. */
export function runsBetween(schedule: Schedule, from: Date, to: Date, limit = 1000): Date[] {
  const out: Date[] = [];
  let t = from;
  while (out.length < limit) {
    const next = nextRun(schedule, t);
    if (next > to) break;
    out.push(next);
    t = next;
  }
  return out;
}

/**
 * What is due for a subscription whose last digest covered up to `lastWindowEnd`: null when its
 * next run is still ahead; otherwise ONE window up to the latest run ≤ now, with how many runs it
 * spans (more than one means the bot was down: a single catch-up digest).
 */
export function dueWindow(schedule: Schedule, lastWindowEnd: Date, now: Date): { start: Date; end: Date; missed: number; catchUp: boolean } | null {
  const first = nextRun(schedule, lastWindowEnd);
  if (first > now) return null;
  let end = first;
  let missed = 1;
  // Bounded: a year of quarter-hour runs.
  for (; missed < 40_000; missed++) {
    const next = nextRun(schedule, end);
    if (next > now) break;
    end = next;
  }
  return { start: lastWindowEnd, end, missed, catchUp: missed > 1 };
}

/** "Tue 24 Nov 08:00 CET (in 3 h)" — the next run in the schedule's zone. */
export function describeNextRun(schedule: Schedule, now: Date): string {
  const next = DateTime.fromJSDate(nextRun(schedule, now), { zone: schedule.timezone });
  const mins = Math.round((next.toMillis() - now.getTime()) / 60_000);
  const rel = mins < 60 ? `in ${mins} min` : mins < 48 * 60 ? `in ${Math.round(mins / 60)} h` : `in ${Math.round(mins / 1440)} days`;
  return `${next.toFormat('ccc d LLL HH:mm ZZZZ')} (${rel})`;
}
