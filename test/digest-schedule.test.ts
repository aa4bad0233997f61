import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/core/errors.ts';
import { dueWindow, nextRun, parseSchedule, runsBetween, type Schedule } from '../src/core/digest/schedule.ts';
import { normalizeTimeZone, suggestTimeZones } from '../src/core/digest/timezones.ts';

const iso = (d: Date) => d.toISOString();

describe('parseSchedule', () => {
  it.each([
    ['hourly', 'hourly', '0 * * * *'],
    ['hourly :15', 'hourly :15', '15 * * * *'],
    ['daily 08:00', 'daily 08:00', '0 8 * * *'],
    ['daily 8:00', 'daily 08:00', '0 8 * * *'],
    ['Daily 7:30pm', 'daily 19:30', '30 19 * * *'],
    ['weekdays 08:00', 'weekdays 08:00', '0 8 * * 1-5'],
    ['weekly mon 08:00', 'weekly mon 08:00', '0 8 * * 1'],
    ['weekly Friday 17:45', 'weekly fri 17:45', '45 17 * * 5'],
    ['@daily', 'daily 00:00', '0 0 * * *'],
    ['0 */6 * * *', 'cron 0 */6 * * *', '0 */6 * * *'],
    // A cron expression that says what a preset says is shown as the preset.
    ['30 7 * * MON-FRI', 'weekdays 07:30', '30 7 * * 1-5'],
    ['0 12 * * *', 'daily 12:00', '0 12 * * *'],
    ['daily at noon', 'daily 12:00', '0 12 * * *'],
    ['daily 8', 'daily 08:00', '0 8 * * *'],
    ['weekly mon at 9am', 'weekly mon 09:00', '0 9 * * 1'],
    ['0,30 9-17 * * 1-5', 'cron 0,30 9-17 * * 1-5', '0,30 9-17 * * 1-5'],
    ['0 8 1 * *', 'cron 0 8 1 * *', '0 8 1 * *'],
    ['15 6 * JAN,JUL sun', 'cron 15 6 * jan,jul sun', '15 6 * jan,jul sun'],
  ])('%j → %s', (input, label, cron) => {
    expect(parseSchedule(input, 'UTC')).toEqual({ label, cron, timezone: 'UTC' });
  });

  it.each([
    ['daily 25:00', 'schedule "daily 25:00": hour must be 00–23'],
    ['daily 08:61', 'schedule "daily 08:61": minute must be 00–59'],
    ['daily 13pm', 'schedule "daily 13pm": with am/pm the hour must be 1–12'],
    ['weekly funday 08:00', 'schedule "weekly funday 08:00": "funday" is not a day of the week (mon, tue, wed, thu, fri, sat, sun)'],
    ['daily at teatime', 'schedule "daily at teatime": "teatime" is not a time of day — use HH:MM, e.g. 08:00'],
    ['*/5 * * * *', 'schedule "*/5 * * * *": runs 5 minutes apart; digests need at least 15 minutes between runs'],
    ['*/0 * * * *', 'schedule "*/0 * * * *": step must be at least 1 in the minute field'],
    ['0 24 * * *', 'schedule "0 24 * * *": hour must be 0–23 (got 24)'],
    ['0 8 32 * *', 'schedule "0 8 32 * *": day-of-month must be 1–31 (got 32)'],
    ['0 8 * 13 *', 'schedule "0 8 * 13 *": month must be 1–12 (got 13)'],
    ['0 8 * * 8', 'schedule "0 8 * * 8": day-of-week must be 0–7 (got 8)'],
    ['0 8 * *', 'schedule "0 8 * *": a cron expression has 5 fields (minute hour day-of-month month day-of-week), this has 4'],
    ['0 0 8 * * *', 'schedule "0 0 8 * * *": six fields given; seconds are not supported — use minute hour day-of-month month day-of-week'],
    ['0 17-9 * * *', 'schedule "0 17-9 * * *": range 17-9 in the hour field runs backwards'],
    ['every morning', 'schedule "every morning": not a preset or a cron expression'],
  ])('refuses %j', (input, message) => {
    expect(() => parseSchedule(input, 'UTC')).toThrow(UserError);
    expect(() => parseSchedule(input, 'UTC')).toThrow(message);
  });

  it('refuses an unknown time zone with a suggestion', () => {
    expect(() => parseSchedule('hourly', 'Europe/Berlinn')).toThrow('unknown time zone "Europe/Berlinn" — did you mean "Europe/Berlin"?');
  });
});

describe('nextRun in time zones', () => {
  it.each([
    ['daily 08:00', 'UTC', '2026-11-23T07:59:00Z', '2026-11-23T08:00:00.000Z'],
    ['daily 08:00', 'UTC', '2026-11-23T08:00:00Z', '2026-11-24T08:00:00.000Z'],
    ['daily 08:00', 'Europe/Berlin', '2026-11-23T06:00:00Z', '2026-11-23T07:00:00.000Z'],
    ['daily 08:00', 'Europe/Berlin', '2026-07-01T05:00:00Z', '2026-07-01T06:00:00.000Z'],
    ['daily 08:00', 'America/New_York', '2026-11-23T12:00:00Z', '2026-11-23T13:00:00.000Z'],
    ['daily 08:00', 'Asia/Kolkata', '2026-11-23T00:00:00Z', '2026-11-23T02:30:00.000Z'],
    ['weekdays 08:00', 'UTC', '2026-11-20T09:00:00Z', '2026-11-23T08:00:00.000Z'],
    // Monday 08:00 in Seoul is still Sunday in UTC.
    ['weekly mon 08:00', 'Asia/Seoul', '2026-11-20T00:00:00Z', '2026-11-22T23:00:00.000Z'],
    // Kolkata is UTC+5:30: local :15 is :45 past the UTC hour.
    ['hourly :15', 'Asia/Kolkata', '2026-11-23T00:00:00Z', '2026-11-23T00:45:00.000Z'],
    ['0 8 1 * *', 'UTC', '2026-11-23T00:00:00Z', '2026-12-01T08:00:00.000Z'],
  ])('%s in %s after %s', (label, tz, after, expected) => {
    expect(iso(nextRun(parseSchedule(label, tz), new Date(after)))).toBe(expected);
  });
});

/** Runs the scheduler the way the bot does: a tick every minute, each due window filed once. */
function simulate(schedule: Schedule, fromIso: string, toIso: string): Date[] {
  const fired: Date[] = [];
  let lastWindowEnd = new Date(fromIso);
  for (let t = Date.parse(fromIso); t <= Date.parse(toIso); t += 60_000) {
    const due = dueWindow(schedule, lastWindowEnd, new Date(t));
    if (due) {
      expect(due.missed).toBe(1);
      fired.push(due.end);
      lastWindowEnd = due.end;
    }
  }
  return fired;
}

function localDays(fired: Date[], tz: string): string[] {
  return fired.map((d) => DateTime.fromJSDate(d, { zone: tz }).toFormat('yyyy-MM-dd'));
}

describe('daylight saving: each daily digest fires exactly once per local day', () => {
  const cases: Array<[string, string, string, string, string[], string[]]> = [
    // zone, label, from, to, expected UTC instants, expected local days
    ['Europe/Berlin', 'daily 02:30', '2026-03-27T12:00:00Z', '2026-03-30T12:00:00Z', ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'], ['2026-03-28', '2026-03-29', '2026-03-30']],
    ['Europe/Berlin', 'daily 08:00', '2026-03-27T12:00:00Z', '2026-03-30T12:00:00Z', ['2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z'], ['2026-03-28', '2026-03-29', '2026-03-30']],
    ['Europe/Berlin', 'daily 02:30', '2026-10-23T12:00:00Z', '2026-10-26T12:00:00Z', ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'], ['2026-10-24', '2026-10-25', '2026-10-26']],
    ['Europe/Berlin', 'daily 08:00', '2026-10-23T12:00:00Z', '2026-10-26T12:00:00Z', ['2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z', '2026-10-26T07:00:00.000Z'], ['2026-10-24', '2026-10-25', '2026-10-26']],
    ['America/New_York', 'daily 02:30', '2026-03-06T18:00:00Z', '2026-03-09T18:00:00Z', ['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z'], ['2026-03-07', '2026-03-08', '2026-03-09']],
    ['America/New_York', 'daily 08:00', '2026-03-06T18:00:00Z', '2026-03-09T18:00:00Z', ['2026-03-07T13:00:00.000Z', '2026-03-08T12:00:00.000Z', '2026-03-09T12:00:00.000Z'], ['2026-03-07', '2026-03-08', '2026-03-09']],
    ['America/New_York', 'daily 02:30', '2026-10-31T18:00:00Z', '2026-11-03T18:00:00Z', ['2026-11-01T07:30:00.000Z', '2026-11-02T07:30:00.000Z', '2026-11-03T07:30:00.000Z'], ['2026-11-01', '2026-11-02', '2026-11-03']],
    ['America/New_York', 'daily 08:00', '2026-10-31T18:00:00Z', '2026-11-03T18:00:00Z', ['2026-11-01T13:00:00.000Z', '2026-11-02T13:00:00.000Z', '2026-11-03T13:00:00.000Z'], ['2026-11-01', '2026-11-02', '2026-11-03']],
  ];
  it.each(cases)('%s %s', (tz, label, from, to, instants, days) => {
    const fired = simulate(parseSchedule(label, tz), from, to);
    expect(fired.map(iso)).toEqual(instants);
    expect(localDays(fired, tz)).toEqual(days);
  });

  it('hourly follows real hours: 23 runs on spring-forward day, 25 on fall-back day (Berlin)', () => {
    const h = parseSchedule('hourly', 'Europe/Berlin');
    expect(runsBetween(h, new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T22:00:00Z'))).toHaveLength(23);
    expect(runsBetween(h, new Date('2026-10-24T22:00:00Z'), new Date('2026-10-25T23:00:00Z'))).toHaveLength(25);
  });
});

describe('dueWindow: catch-up and empty windows', () => {
  const hourly = parseSchedule('hourly', 'UTC');
  const daily = parseSchedule('daily 08:00', 'UTC');
  it('combines three days of missed hourly runs into one window', () => {
    expect(dueWindow(hourly, new Date('2026-03-01T00:00:00Z'), new Date('2026-03-04T00:30:00Z'))).toEqual({
      start: new Date('2026-03-01T00:00:00Z'),
      end: new Date('2026-03-04T00:00:00Z'),
      missed: 72,
      catchUp: true,
    });
  });
  it('counts missed daily runs', () => {
    expect(dueWindow(daily, new Date('2026-03-01T08:00:00Z'), new Date('2026-03-04T09:00:00Z'))).toMatchObject({ missed: 3, catchUp: true, end: new Date('2026-03-04T08:00:00Z') });
  });
  it('is null before the next run and due exactly at it', () => {
    expect(dueWindow(daily, new Date('2026-03-01T08:00:00Z'), new Date('2026-03-02T07:59:59Z'))).toBeNull();
    expect(dueWindow(daily, new Date('2026-03-01T08:00:00Z'), new Date('2026-03-02T08:00:00Z'))).toMatchObject({ missed: 1, catchUp: false });
  });
});

describe('time zones', () => {
  it.each([
    ['utc', 'UTC'],
    ['europe/berlin', 'Europe/Berlin'],
    ['America/New York', 'America/New_York'],
    ['asia/seoul', 'Asia/Seoul'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeTimeZone(input)).toBe(expected);
  });
  it('suggests zones for autocomplete', () => {
    expect(suggestTimeZones('berl')).toContain('Europe/Berlin');
    expect(suggestTimeZones('new y')).toContain('America/New_York');
    expect(suggestTimeZones('seoul')).toEqual(['Asia/Seoul']);
    expect(suggestTimeZones('').length).toBeLessThanOrEqual(25);
    expect(suggestTimeZones('a').length).toBe(25);
  });
});
