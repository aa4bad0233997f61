import { IANAZone } from 'luxon';
import { UserError } from '../errors.ts';
import { normalizeTimeZone } from './timezones.ts';

/**
 * Digest schedules: presets and 5-field cron, evaluated in the subscriber's IANA zone. Pure functions
 * of their arguments (the caller passes `now` from its clock), so tests can move time freely.
 *
 * Daylight-saving rules, chosen so a daily digest fires exactly once per local day:
 * - a wall time skipped by spring-forward fires once, at the first instant after the gap
 *   (02:30 on 2026-03-29 in Berlin → 03:00 CEST);
 * - a wall time repeated by fall-back fires once, at its first occurrence;
 * - a schedule whose hour field is `*` (hourly, `15 * * * 1-5`) follows real hours instead: 23 runs
 *   on a spring-forward day, 25 on a fall-back day.
 */
export interface Schedule {
  /** Canonical text as the user should see it, e.g. "daily 08:00", "weekdays 08:00", "weekly mon 08:00", "hourly", "cron 0 0,12 * * *". */
  label: string;
  /** Normalised 5-field cron (minute hour day-of-month month day-of-week) evaluated in `timezone`. */
  cron: string;
  timezone: string;
}

/** One window a subscription's next digest covers: (start, end]. */
export interface DueWindow {
  start: Date;
  end: Date;
  /** Fire instants in (start, end]; more than one means runs were missed (downtime). */
  missed: number;
  /** True when `missed` > 1: post one combined catch-up digest, labelled as such. */
  catchUp: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Digests are not a chat: runs closer together than this are refused. */
const MIN_INTERVAL_MINUTES = 15;
/** The Gregorian calendar repeats every 400 years, so a day pattern that matches nothing in that span never will. */
const CALENDAR_CYCLE_DAYS = 146_097;
const MAX_SCHEDULE_INPUT = 200;

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const PRESET_HINT = 'use hourly, daily 08:00, weekdays 08:00, weekly mon 08:00, or 5 cron fields (minute hour day-of-month month day-of-week)';

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** Upper end of `*`: day-of-week accepts 7 for Sunday but `*` means 0–6. */
  starMax: number;
  names: readonly string[] | null;
  /** Value of names[0]: months count from 1, days from 0. */
  nameBase: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59, starMax: 59, names: null, nameBase: 0 },
  { name: 'hour', min: 0, max: 23, starMax: 23, names: null, nameBase: 0 },
  { name: 'day-of-month', min: 1, max: 31, starMax: 31, names: null, nameBase: 0 },
  { name: 'month', min: 1, max: 12, starMax: 12, names: MONTHS, nameBase: 1 },
  { name: 'day-of-week', min: 0, max: 7, starMax: 6, names: DAYS, nameBase: 0 },
];

/** A cron expression compiled for evaluation. */
interface CompiledCron {
  /** Sorted, distinct. */
  minutes: number[];
  hours: number[];
  dom: boolean[];
  months: boolean[];
  dow: boolean[];
  /** Cron's day rule: when both day fields are restricted (neither starts with `*`), either may match. */
  dayOr: boolean;
  /** Hour field covers all 24 hours: follow real hours through daylight-saving changes. */
  everyHour: boolean;
  /** The normalised text of the five fields. */
  text: string;
}

class ScheduleSyntaxError extends Error {}

/** Printable, bounded echo of user input for messages. */
function echo(input: string): string {
  const flat = input.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

function bad(input: string, why: string): UserError {
  return new UserError(`schedule "${echo(input)}": ${why}`, { id: 'schedule.invalid', values: { why } });
}

const pad = (n: number) => String(n).padStart(2, '0');

// ---------------------------------------------------------------------------------------------
// Cron parsing

function fieldValue(text: string, spec: FieldSpec): number {
  if (spec.names && /^[a-z]+$/.test(text)) {
    const i = spec.names.indexOf(text);
    if (i !== -1) return i + spec.nameBase;
  }
  if (!/^\d{1,4}$/.test(text)) throw new ScheduleSyntaxError(`"${text}" is not a valid ${spec.name} value`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new ScheduleSyntaxError(`${spec.name} must be ${spec.min}–${spec.max} (got ${n})`);
  return n;
}

/** Expands one field to its values; every error names the field. */
function expandField(raw: string, spec: FieldSpec): number[] {
  const out = new Set<number>();
  for (const item of raw.split(',')) {
    if (item === '') throw new ScheduleSyntaxError(`the ${spec.name} field has an empty list item`);
    const slash = item.split('/');
    if (slash.length > 2) throw new ScheduleSyntaxError(`"${item}" in the ${spec.name} field has more than one step`);
    const [range, stepText] = slash as [string, string | undefined];
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d{1,4}$/.test(stepText)) throw new ScheduleSyntaxError(`step "${stepText}" in the ${spec.name} field is not a number`);
      step = Number(stepText);
      if (step < 1) throw new ScheduleSyntaxError(`step must be at least 1 in the ${spec.name} field`);
      if (step > spec.starMax - spec.min) {
        throw new ScheduleSyntaxError(`step ${step} is too large for the ${spec.name} field (at most ${spec.starMax - spec.min})`);
      }
    }
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      if (range === '?' && spec.name !== 'day-of-month' && spec.name !== 'day-of-week') {
        throw new ScheduleSyntaxError(`"?" is only allowed in the day-of-month and day-of-week fields, not the ${spec.name} field`);
      }
      lo = spec.min;
      hi = spec.starMax;
    } else if (range.includes('-')) {
      const parts = range.split('-');
      if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new ScheduleSyntaxError(`range "${range}" in the ${spec.name} field is incomplete`);
      lo = fieldValue(parts[0]!, spec);
      hi = fieldValue(parts[1]!, spec);
      // "sat-sun", "fri-sun": Sunday closes the week here.
      if (spec.name === 'day-of-week' && hi === 0 && lo > 0) hi = 7;
      if (lo > hi) throw new ScheduleSyntaxError(`range ${range} in the ${spec.name} field runs backwards`);
    } else {
      lo = fieldValue(range, spec);
      // "5/15" means from 5 to the end of the field, every 15.
      hi = stepText !== undefined ? spec.starMax : lo;
    }
    for (let v = lo; v <= hi; v += step) out.add(spec.name === 'day-of-week' && v === 7 ? 0 : v);
  }
  return [...out].sort((a, b) => a - b);
}

function flags(values: number[], size: number): boolean[] {
  const out = new Array<boolean>(size).fill(false);
  for (const v of values) out[v] = true;
  return out;
}

/** Calendar fields of a day number (days since 1970-01-01). */
function civil(dayNumber: number): { y: number; m: number; d: number; wd: number } {
  const date = new Date(dayNumber * DAY);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate(), wd: date.getUTCDay() };
}

function dayMatches(c: CompiledCron, dayNumber: number): boolean {
  const { m, d, wd } = civil(dayNumber);
  if (!c.months[m]) return false;
  return c.dayOr ? c.dom[d]! || c.dow[wd]! : c.dom[d]! && c.dow[wd]!;
}

/** Compiles five cron fields (lower-cased, single-spaced); throws ScheduleSyntaxError naming the problem. */
function compileFields(text: string): CompiledCron {
  const parts = text.split(' ');
  if (parts.length === 6) throw new ScheduleSyntaxError('six fields given; seconds are not supported — use minute hour day-of-month month day-of-week');
  if (parts.length !== 5) {
    throw new ScheduleSyntaxError(`a cron expression has 5 fields (minute hour day-of-month month day-of-week), this has ${parts.length}`);
  }
  const [minutes, hours, dom, months, dow] = parts.map((p, i) => expandField(p, FIELDS[i]!)) as [number[], number[], number[], number[], number[]];
  const starred = (p: string) => p.startsWith('*') || p.startsWith('?');
  const compiled: CompiledCron = {
    minutes,
    hours,
    dom: flags(dom, 32),
    months: flags(months, 13),
    dow: flags(dow, 7),
    dayOr: !starred(parts[2]!) && !starred(parts[4]!),
    everyHour: hours.length === 24,
    text: parts.map((p) => p.replace(/\?/g, '*')).join(' '),
  };
  const today = Math.floor(Date.UTC(2026, 0, 1) / DAY);
  let runs = false;
  for (let i = 0; i < CALENDAR_CYCLE_DAYS && !runs; i++) runs = dayMatches(compiled, today + i);
  if (!runs) throw new ScheduleSyntaxError('never runs: no calendar date matches its day-of-month, month and day-of-week fields');
  return compiled;
}

const compiledCache = new Map<string, CompiledCron>();

/** Compiles a stored or freshly parsed cron string, cached (the tick evaluates the same few every minute). */
function compileCron(cron: string): CompiledCron {
  const text = cron.trim().toLowerCase().replace(/\s+/g, ' ');
  let compiled = compiledCache.get(text);
  if (!compiled) {
    compiled = compileFields(text);
    if (compiledCache.size >= 256) compiledCache.delete(compiledCache.keys().next().value!);
    compiledCache.set(text, compiled);
  }
  return compiled;
}

/**
 * Refuses schedules that fire closer together than MIN_INTERVAL_MINUTES of wall time, including
 * across midnight when two consecutive days can both run. (A spring-forward gap can still bring
 * two runs closer once a year; that is no flood.)
 */
function checkInterval(input: string, c: CompiledCron): void {
  const times: number[] = [];
  for (const h of c.hours) for (const m of c.minutes) times.push(h * 60 + m);
  let gap = Infinity;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i]! - times[i - 1]!);
  const wrap = times[0]! + 1440 - times[times.length - 1]!;
  if (wrap < gap && wrap < MIN_INTERVAL_MINUTES) {
    const start = Math.floor(Date.UTC(2026, 0, 1) / DAY);
    for (let i = 0; i < CALENDAR_CYCLE_DAYS; i++) {
      if (dayMatches(c, start + i) && dayMatches(c, start + i + 1)) {
        gap = wrap;
        break;
      }
    }
  }
  if (gap < MIN_INTERVAL_MINUTES) {
    throw bad(input, `runs ${gap === 1 ? 'every minute' : `${gap} minutes apart`}; digests need at least ${MIN_INTERVAL_MINUTES} minutes between runs`);
  }
}

// ---------------------------------------------------------------------------------------------
// Presets

function parseClock(input: string, text: string): { h: number; m: number } {
  const t = text.trim();
  if (t === 'noon') return { h: 12, m: 0 };
  if (t === 'midnight') return { h: 0, m: 0 };
  const match = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/.exec(t);
  if (!match) throw bad(input, `"${echo(t)}" is not a time of day — use HH:MM, e.g. 08:00`);
  let h = Number(match[1]);
  const m = match[2] === undefined ? 0 : Number(match[2]);
  if (match[3]) {
    if (h < 1 || h > 12) throw bad(input, 'with am/pm the hour must be 1–12');
    h = (h % 12) + (match[3].startsWith('p') ? 12 : 0);
  }
  if (h > 23) throw bad(input, 'hour must be 00–23');
  if (m > 59) throw bad(input, 'minute must be 00–59');
  return { h, m };
}

function parseWeekday(input: string, word: string): number {
  const w = word.replace(/s$/, '');
  for (let i = 0; i < 7; i++) {
    const full = DAY_NAMES[i]!;
    if (w === DAYS[i] || (w.length >= 3 && full.startsWith(w))) return i;
  }
  throw bad(input, `"${echo(word)}" is not a day of the week (mon, tue, wed, thu, fri, sat, sun)`);
}

/** A preset's canonical label and cron, or null when the text is not a preset. */
function parsePreset(input: string, text: string): { label: string; cron: string } | null {
  const [word, ...rest] = text.split(' ');
  const tail = rest.join(' ').replace(/^at /, '');
  switch (word) {
    case '@hourly':
    case '@daily':
    case '@midnight':
    case '@weekly':
    case '@monthly':
    case '@yearly':
    case '@annually': {
      if (rest.length) throw bad(input, `${word} takes nothing after it`);
      const cron = { '@hourly': '0 * * * *', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@weekly': '0 0 * * 0', '@monthly': '0 0 1 * *', '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *' }[word];
      return { label: '', cron };
    }
    case 'hourly': {
      if (!tail) return { label: 'hourly', cron: '0 * * * *' };
      const match = /^:?(\d{1,2})$/.exec(tail);
      if (!match) throw bad(input, `"${echo(tail)}" is not a minute past the hour — use hourly or hourly :15`);
      const minute = Number(match[1]);
      if (minute > 59) throw bad(input, 'minute must be 00–59');
      return { label: minute === 0 ? 'hourly' : `hourly :${pad(minute)}`, cron: `${minute} * * * *` };
    }
    case 'daily':
    case 'weekdays': {
      if (!tail) throw bad(input, `give a time, e.g. ${word} 08:00`);
      const { h, m } = parseClock(input, tail);
      return { label: `${word} ${pad(h)}:${pad(m)}`, cron: word === 'daily' ? `${m} ${h} * * *` : `${m} ${h} * * 1-5` };
    }
    case 'weekly': {
      if (!rest.length) throw bad(input, 'give a day and a time, e.g. weekly mon 08:00');
      const day = parseWeekday(input, rest[0]!);
      const time = rest.slice(1).join(' ').replace(/^at /, '');
      if (!time) throw bad(input, `give a time after the day, e.g. weekly ${DAYS[day]} 08:00`);
      const { h, m } = parseClock(input, time);
      return { label: `weekly ${DAYS[day]} ${pad(h)}:${pad(m)}`, cron: `${m} ${h} * * ${day}` };
    }
    default:
      return null;
  }
}

/** The preset a compiled cron is equivalent to ("0 8 * * 1-5" → "weekdays 08:00"), if any. */
function presetOf(c: CompiledCron): { label: string; cron: string } | null {
  const all = (flagsList: boolean[], from: number) => flagsList.slice(from).every(Boolean);
  if (c.minutes.length !== 1 || !all(c.dom, 1) || !all(c.months, 1)) return null;
  const m = c.minutes[0]!;
  const dows = c.dow.flatMap((on, i) => (on ? [i] : []));
  if (c.everyHour && dows.length === 7) return { label: m === 0 ? 'hourly' : `hourly :${pad(m)}`, cron: `${m} * * * *` };
  if (c.hours.length !== 1) return null;
  const h = c.hours[0]!;
  const at = `${pad(h)}:${pad(m)}`;
  if (dows.length === 7) return { label: `daily ${at}`, cron: `${m} ${h} * * *` };
  if (dows.join(',') === '1,2,3,4,5') return { label: `weekdays ${at}`, cron: `${m} ${h} * * 1-5` };
  if (dows.length === 1) return { label: `weekly ${DAYS[dows[0]!]} ${at}`, cron: `${m} ${h} * * ${dows[0]}` };
  return null;
}

/**
 * Parses a preset or a cron expression for a zone. Presets: `hourly`, `hourly :15`, `daily 08:00`
 * (also `daily 8:00`, `daily 8am`, `daily at 7:30 pm`, `daily noon`), `weekdays 07:30`,
 * `weekly mon 08:00` (full day names too), `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`.
 * Cron: five fields with lists, ranges, steps and names (JAN, MON), optionally prefixed `cron`; a
 * cron equal to a preset gets the preset's label. Throws a UserError naming what is wrong —
 * including schedules that run less than 15 minutes apart, which digests refuse.
 */
export function parseSchedule(input: string, timezone: string): Schedule {
  const raw = typeof input === 'string' ? input : '';
  const text = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!text) throw new UserError(`schedule is empty: ${PRESET_HINT}`, { id: 'schedule.empty', values: { presetHint: PRESET_HINT } });
  if (text.length > MAX_SCHEDULE_INPUT) throw bad(raw, `is ${text.length} characters long; ${PRESET_HINT}`);
  const tz = normalizeTimeZone(timezone);
  const preset = parsePreset(raw, text);
  const cronText = preset ? preset.cron : text.replace(/^cron /, '');
  if (!preset) {
    const tokens = cronText.split(' ');
    const cronLike = tokens.every((t) => /^[0-9a-z*?,/-]+$/.test(t)) && tokens.some((t) => /[0-9*?]/.test(t));
    if (!cronLike) throw bad(raw, `not a preset or a cron expression — ${PRESET_HINT}`);
  }
  let compiled: CompiledCron;
  try {
    compiled = compileCron(cronText);
  } catch (err) {
    if (err instanceof ScheduleSyntaxError) throw bad(raw, err.message);
    throw err;
  }
  checkInterval(raw, compiled);
  const canonical = presetOf(compiled);
  if (canonical) return { ...canonical, timezone: tz };
  if (preset && preset.label) return { label: preset.label, cron: compiled.text, timezone: tz };
  return { label: `cron ${compiled.text}`, cron: compiled.text, timezone: tz };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function zoneOf(schedule: Schedule): IANAZone {
  const zone = IANAZone.create(schedule.timezone);
  if (!zone.isValid) throw new Error(`schedule "${schedule.label}": unknown time zone "${schedule.timezone}"`);
  return zone;
}

function compiledOf(schedule: Schedule): CompiledCron {
  try {
    return compileCron(schedule.cron);
  } catch (err) {
    if (err instanceof ScheduleSyntaxError) throw new Error(`schedule "${schedule.label}": stored cron "${schedule.cron}" is invalid: ${err.message}`);
    throw err;
  }
}

/** The zone's UTC offset at instant `t`, in milliseconds (whole, even for historical second offsets). */
function offsetAt(zone: IANAZone, t: number): number {
  return Math.round(zone.offset(t) * MINUTE);
}

/**
 * The instant a local wall time (given as milliseconds of a UTC clock reading the same) maps to:
 * its first occurrence if it exists (once or twice), else the first instant after the gap that
 * skipped it.
 */
function resolveWall(zone: IANAZone, wall: number): number {
  const offsets = [...new Set([offsetAt(zone, wall - DAY), offsetAt(zone, wall), offsetAt(zone, wall + DAY)])];
  let first = Infinity;
  for (const o of offsets) {
    const t = wall - o;
    if (t < first && offsetAt(zone, t) === o) first = t;
  }
  if (first !== Infinity) return first;
  // In a gap: the wall clock jumps past `wall` at one instant between these two; find it exactly.
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (mid + offsetAt(zone, mid) > wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

interface Segment {
  from: number;
  to: number;
  offset: number;
}

/**
 * The instants [start, end) of local day `dayNumber`, split where the offset changes. (Checked at
 * the start, middle and end of the day: no zone changes its offset and back within a few hours.)
 */
function daySegments(zone: IANAZone, dayNumber: number): Segment[] {
  const start = resolveWall(zone, dayNumber * DAY);
  const end = resolveWall(zone, (dayNumber + 1) * DAY);
  const segments: Segment[] = [];
  let from = start;
  for (let guard = 0; from < end && guard < 8; guard++) {
    const offset = offsetAt(zone, from);
    let hi = end - 1;
    if (offsetAt(zone, hi) === offset && offsetAt(zone, from + Math.floor((hi - from) / 2)) === offset) {
      segments.push({ from, to: end, offset });
      break;
    }
    if (offsetAt(zone, hi) === offset) hi = from + Math.floor((hi - from) / 2);
    let lo = from;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (offsetAt(zone, mid) === offset) lo = mid;
      else hi = mid;
    }
    segments.push({ from, to: hi, offset });
    from = hi;
  }
  return segments;
}

const dayCache = new Map<string, number[]>();
const DAY_CACHE_SIZE = 4096;

/**
 * Fire instants (sorted, distinct) for local day `dayNumber`, assuming the day matches. May include
 * the first instant of the next day when a gap swallows the end of this one.
 */
function dayRuns(c: CompiledCron, zone: IANAZone, dayNumber: number): number[] {
  const key = `${c.text}\u0000${zone.name}\u0000${dayNumber}`;
  const cached = dayCache.get(key);
  if (cached) return cached;
  const midnight = dayNumber * DAY;
  const segments = daySegments(zone, dayNumber);
  const runs: number[] = [];
  if (c.everyHour) {
    // Real hours: every instant of the day whose wall clock shows a listed minute.
    for (const seg of segments) {
      for (let h = 0; h < 24; h++) {
        for (const m of c.minutes) {
          const t = midnight + h * HOUR + m * MINUTE - seg.offset;
          if (t >= seg.from && t < seg.to) runs.push(t);
        }
      }
    }
  } else {
    for (const h of c.hours) {
      for (const m of c.minutes) {
        const wall = midnight + h * HOUR + m * MINUTE;
        let at = Infinity;
        for (const seg of segments) {
          const t = wall - seg.offset;
          if (t >= seg.from && t < seg.to && t < at) at = t;
        }
        // Skipped by a gap (inside the day or at either end): the instant the clock jumps past it.
        if (at === Infinity) at = resolveWall(zone, wall);
        runs.push(at);
      }
    }
  }
  const sorted = [...new Set(runs)].sort((a, b) => a - b);
  if (dayCache.size >= DAY_CACHE_SIZE) dayCache.delete(dayCache.keys().next().value!);
  dayCache.set(key, sorted);
  return sorted;
}

/** Fire instants strictly after `after`, in order; stops when a full calendar cycle has no run. */
function* runsAfter(c: CompiledCron, zone: IANAZone, after: number): Generator<number> {
  let last = after;
  let day = Math.floor((after + offsetAt(zone, after)) / DAY);
  for (let idle = 0; idle <= CALENDAR_CYCLE_DAYS; day++) {
    if (!dayMatches(c, day)) {
      idle++;
      continue;
    }
    for (const t of dayRuns(c, zone, day)) {
      if (t > last) {
        idle = 0;
        last = t;
        yield t;
      }
    }
  }
}

function instant(name: string, d: Date): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new TypeError(`${name} is not a valid date`);
  return t;
}

/**
 * The first fire instant strictly after `after`. Wall times skipped by spring-forward fire at the
 * first instant after the gap, repeated wall times at their first occurrence; `*` hours follow real
 * hours. Skips whole days that do not match, so it never scans minute by minute.
 */
export function nextRun(schedule: Schedule, after: Date): Date {
  const from = instant('nextRun: after', after);
  const next = runsAfter(compiledOf(schedule), zoneOf(schedule), from).next();
  if (next.done) throw new Error(`schedule "${schedule.label}" (${schedule.cron}) never runs`);
  return new Date(next.value);
}

/** All fire instants in (from, to], at most `limit` (default 1000). */
export function runsBetween(schedule: Schedule, from: Date, to: Date, limit = 1000): Date[] {
  const start = instant('runsBetween: from', from);
  const end = instant('runsBetween: to', to);
  const out: Date[] = [];
  if (end <= start || !(limit > 0)) return out;
  for (const t of runsAfter(compiledOf(schedule), zoneOf(schedule), start)) {
    if (t > end || out.length >= limit) break;
    out.push(new Date(t));
  }
  return out;
}

/**
 * What is due for a subscription whose previous digest covered up to `lastWindowEnd`: null while the
 * next run after it is still in the future; otherwise ONE window from `lastWindowEnd` to the latest
 * run ≤ `now`, with the number of runs it spans. After downtime that is a single catch-up window,
 * never one per missed run. A run exactly at `now` is due.
 */
export function dueWindow(schedule: Schedule, lastWindowEnd: Date, now: Date): DueWindow | null {
  const start = instant('dueWindow: lastWindowEnd', lastWindowEnd);
  const until = instant('dueWindow: now', now);
  if (until <= start) return null;
  let end: number | null = null;
  let missed = 0;
  for (const t of runsAfter(compiledOf(schedule), zoneOf(schedule), start)) {
    if (t > until) break;
    end = t;
    missed++;
  }
  if (end === null) return null;
  return { start: new Date(start), end: new Date(end), missed, catchUp: missed > 1 };
}

const WEEKDAY_LABELS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_LABELS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "CET", "EST", "BST" where English has a name for the zone at `t`, else "UTC+9" / "UTC+5:30". */
function zoneAbbreviation(timezone: string, t: number, offset: number): string {
  if (timezone === 'UTC') return 'UTC';
  for (const locale of ['en-US', 'en-GB']) {
    const name = new Intl.DateTimeFormat(locale, { timeZone: timezone, timeZoneName: 'short' }).formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')?.value;
    if (name && /^[A-Z]{2,5}$/.test(name)) return name;
  }
  const minutes = Math.round(offset / MINUTE);
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
}

function relative(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / MINUTE));
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(minutes / 1440)} days`;
}

/**
 * Human text for the next run in the schedule's zone, e.g. "Mon 23 Nov 08:00 CET (in 3 h)"; the
 * year is added when it is not the current one.
 */
export function describeNextRun(schedule: Schedule, now: Date): string {
  const from = instant('describeNextRun: now', now);
  const next = nextRun(schedule, now).getTime();
  const zone = zoneOf(schedule);
  const offset = offsetAt(zone, next);
  const wall = new Date(next + offset);
  const thisYear = new Date(from + offsetAt(zone, from)).getUTCFullYear();
  const year = wall.getUTCFullYear() !== thisYear ? ` ${wall.getUTCFullYear()}` : '';
  const date = `${WEEKDAY_LABELS[wall.getUTCDay()]} ${wall.getUTCDate()} ${MONTH_LABELS[wall.getUTCMonth()]}${year}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
  return `${date} ${time} ${zoneAbbreviation(schedule.timezone, next, offset)} (${relative(next - from)})`;
}
