import { describe, expect, it } from 'vitest';
import {
  addDaysToDay,
  dayInRange,
  daysBetween,
  daysOfRange,
  formatDayShort,
  isoWeek,
  isValidTimeZone,
  localDay,
  localTimeParts,
  nextLocalTime,
  parseDay,
  periodRange,
  promptSendTime,
  startOfLocalDay,
  utcDay,
  zonedTimeToUtc,
} from '../../../src/domain/periods.ts';

const at = (iso: string) => new Date(iso);

describe('localTimeParts / utcDay / localDay', () => {
  it('reads wall-clock parts, including half- and quarter-hour zones', () => {
    expect(localTimeParts(at('2025-12-10T12:00:00Z'), 'Asia/Kolkata')).toEqual({
      year: 2025,
      month: 12,
      day: 10,
      hour: 17,
      minute: 30,
      second: 0,
      weekday: 3,
    });
    expect(localTimeParts(at('2025-12-10T12:00:00Z'), 'Asia/Kathmandu')).toMatchObject({
      hour: 17,
      minute: 45,
    });
    expect(localTimeParts(at('2025-12-10T00:00:00Z'), 'UTC')).toMatchObject({ hour: 0, weekday: 3 });
  });

  it('separates the UTC day of rollups from the local day', () => {
    const instant = at('2025-12-31T23:30:00Z');
    expect(utcDay(instant)).toBe('2025-12-31');
    expect(localDay(instant, 'Asia/Tokyo')).toBe('2026-01-01');
    expect(localDay(instant, 'America/Los_Angeles')).toBe('2025-12-31');
  });

  it('starts the local day at local midnight', () => {
    expect(startOfLocalDay(at('2025-12-10T03:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2025-12-09T05:00:00.000Z',
    );
  });

  it('validates timezones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('zonedTimeToUtc', () => {
  it('converts ordinary wall times', () => {
    expect(zonedTimeToUtc({ year: 2025, month: 7, day: 1, hour: 9 }, 'Europe/Berlin').toISOString()).toBe(
      '2025-07-01T07:00:00.000Z',
    );
  });

  it('moves a wall time in the spring-forward gap forward by the gap', () => {
    // 02:30 does not exist in Berlin on 2025-03-30; 03:30 CEST = 01:30Z.
    expect(
      zonedTimeToUtc({ year: 2025, month: 3, day: 30, hour: 2, minute: 30 }, 'Europe/Berlin').toISOString(),
    ).toBe('2025-03-30T01:30:00.000Z');
    expect(
      zonedTimeToUtc({ year: 2025, month: 3, day: 9, hour: 2, minute: 30 }, 'America/New_York').toISOString(),
    ).toBe('2025-03-09T07:30:00.000Z');
  });

  it('resolves a repeated fall-back wall time to its first occurrence', () => {
    expect(
      zonedTimeToUtc({ year: 2025, month: 10, day: 26, hour: 2, minute: 30 }, 'Europe/Berlin').toISOString(),
    ).toBe('2025-10-26T00:30:00.000Z');
  });
});

describe('day helpers', () => {
  it('parses only real dates', () => {
    expect(parseDay('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseDay('2025-02-29')).toBeNull();
    expect(parseDay('2025-13-01')).toBeNull();
    expect(parseDay('2025-1-01')).toBeNull();
  });

  it('adds and counts calendar days across months and years', () => {
    expect(addDaysToDay('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDaysToDay('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2025-03-01', '2025-04-01')).toBe(31);
    expect(daysBetween('2025-04-01', '2025-03-01')).toBe(-31);
    expect(() => addDaysToDay('nope', 1)).toThrow(RangeError);
  });

  it('formats short dates', () => {
    expect(formatDayShort('2025-12-19')).toBe('Dec 19');
    expect(formatDayShort('garbage')).toBe('garbage');
  });

  it.each([
    ['2025-12-08', 2025, 50],
    ['2024-12-30', 2025, 1],
    ['2021-01-01', 2020, 53],
    ['2026-01-01', 2026, 1],
  ])('ISO week of %s is %d-W%d', (day, year, week) => {
    expect(isoWeek(parseDay(day)!)).toEqual({ year, week });
  });
});

describe('periodRange', () => {
  it('week: ISO Monday to Monday in the timezone, with the week before', () => {
    const range = periodRange('week', at('2025-12-10T12:00:00Z'), 'Europe/Berlin');
    expect(range).toMatchObject({
      kind: 'week',
      key: '2025-W50',
      startDay: '2025-12-08',
      endDay: '2025-12-15',
      days: 7,
      label: 'Week of Dec 8, 2025',
      shortLabel: 'week of Dec 8',
      tz: 'Europe/Berlin',
    });
    expect(range.start.toISOString()).toBe('2025-12-07T23:00:00.000Z');
    expect(range.end.toISOString()).toBe('2025-12-14T23:00:00.000Z');
    expect(range.previous).toMatchObject({ key: '2025-W49', startDay: '2025-12-01', endDay: '2025-12-08' });
  });

  it('week: Sunday belongs to the week that started on Monday', () => {
    expect(periodRange('week', at('2025-12-14T12:00:00Z'), 'UTC').startDay).toBe('2025-12-08');
  });

  it('week: the timezone decides which week it is', () => {
    const now = at('2025-12-08T03:00:00Z'); // Sunday 19:00 in Los Angeles, Monday in UTC
    expect(periodRange('week', now, 'America/Los_Angeles').startDay).toBe('2025-12-01');
    expect(periodRange('week', now, 'UTC').startDay).toBe('2025-12-08');
  });

  it('week: crosses the year with the ISO week-year key', () => {
    expect(periodRange('week', at('2024-12-31T12:00:00Z'), 'UTC')).toMatchObject({
      key: '2025-W01',
      startDay: '2024-12-30',
      endDay: '2025-01-06',
    });
  });

  it('week: a DST week still has 7 days but is an hour shorter', () => {
    const range = periodRange('week', at('2025-03-26T12:00:00Z'), 'Europe/Berlin');
    expect(range.days).toBe(7);
    expect(range.end.getTime() - range.start.getTime()).toBe(7 * 86_400_000 - 3_600_000);
  });

  it.each([
    ['2025-02', 28],
    ['2024-02', 29],
    ['2025-04', 30],
    ['2025-12', 31],
  ])('month %s has %d days', (spec, days) => {
    expect(periodRange(spec, at('2025-06-01T00:00:00Z'), 'UTC').days).toBe(days);
  });

  it('month: the local month, with instants in the timezone', () => {
    const range = periodRange('month', at('2025-12-10T12:00:00Z'), 'Europe/Berlin');
    expect(range).toMatchObject({
      kind: 'month',
      key: '2025-12',
      startDay: '2025-12-01',
      endDay: '2026-01-01',
      label: 'December 2025',
      shortLabel: 'December',
    });
    expect(range.start.toISOString()).toBe('2025-11-30T23:00:00.000Z');
    expect(range.previous).toMatchObject({ key: '2025-11', days: 30 });
    expect(range.previous.start.toISOString()).toBe('2025-10-31T23:00:00.000Z');
  });

  it('month: late evening on the last day is still that month locally', () => {
    // 2025-03-01T03:00Z is Feb 28 22:00 in New York.
    const range = periodRange('month', at('2025-03-01T03:00:00Z'), 'America/New_York');
    expect(range).toMatchObject({ key: '2025-02', days: 28 });
    expect(range.start.toISOString()).toBe('2025-02-01T05:00:00.000Z');
  });

  it('YYYY-MM: January looks back to December of the year before', () => {
    const range = periodRange('2026-01', at('2025-06-01T00:00:00Z'), 'UTC');
    expect(range.previous).toMatchObject({ key: '2025-12', startDay: '2025-12-01', endDay: '2026-01-01' });
  });

  it('30d: thirty calendar days ending today', () => {
    const range = periodRange('30d', at('2025-12-14T10:00:00Z'), 'UTC');
    expect(range).toMatchObject({
      kind: '30d',
      key: '30d:2025-12-14',
      startDay: '2025-11-15',
      endDay: '2025-12-15',
      days: 30,
      label: 'Last 30 days (Nov 15 – Dec 14)',
      shortLabel: 'last 30 days',
    });
    expect(range.previous).toMatchObject({ startDay: '2025-10-16', endDay: '2025-11-15', days: 30 });
  });

  it('rejects unknown specs and timezones', () => {
    expect(() => periodRange('year', at('2025-01-01T00:00:00Z'), 'UTC')).toThrow(RangeError);
    expect(() => periodRange('2025-13', at('2025-01-01T00:00:00Z'), 'UTC')).toThrow(RangeError);
    expect(() => periodRange('week', at('2025-01-01T00:00:00Z'), 'Nowhere/City')).toThrow(/timezone/);
  });

  it('selects rollup days by calendar date', () => {
    const range = periodRange('week', at('2025-12-10T12:00:00Z'), 'UTC');
    expect(dayInRange('2025-12-08', range)).toBe(true);
    expect(dayInRange('2025-12-14', range)).toBe(true);
    expect(dayInRange('2025-12-15', range)).toBe(false);
    expect(daysOfRange(range)).toEqual([
      '2025-12-08',
      '2025-12-09',
      '2025-12-10',
      '2025-12-11',
      '2025-12-12',
      '2025-12-13',
      '2025-12-14',
    ]);
  });
});

describe('nextLocalTime', () => {
  it('finds the next daily time, across the spring-forward change', () => {
    // Saturday 11:00 CET → Sunday 09:00 CEST (= 07:00Z).
    expect(
      nextLocalTime({ hour: 9, minute: 0 }, 'Europe/Berlin', at('2025-03-29T10:00:00Z')).toISOString(),
    ).toBe('2025-03-30T07:00:00.000Z');
  });

  it('fires a skipped time at the shifted wall time', () => {
    expect(
      nextLocalTime({ hour: 2, minute: 30 }, 'Europe/Berlin', at('2025-03-29T12:00:00Z')).toISOString(),
    ).toBe('2025-03-30T01:30:00.000Z');
  });

  it('fires a repeated time once', () => {
    const first = nextLocalTime({ hour: 2, minute: 30 }, 'Europe/Berlin', at('2025-10-25T12:00:00Z'));
    expect(first.toISOString()).toBe('2025-10-26T00:30:00.000Z');
    expect(nextLocalTime({ hour: 2, minute: 30 }, 'Europe/Berlin', first).toISOString()).toBe(
      '2025-10-27T01:30:00.000Z',
    );
  });

  it('is strictly after the given instant', () => {
    expect(nextLocalTime({ hour: 9, minute: 0 }, 'UTC', at('2025-12-10T09:00:00Z')).toISOString()).toBe(
      '2025-12-11T09:00:00.000Z',
    );
  });

  it('honours a weekday', () => {
    // Wednesday → Monday 09:00 EST.
    expect(
      nextLocalTime(
        { hour: 9, minute: 0, weekday: 1 },
        'America/New_York',
        at('2025-12-10T12:00:00Z'),
      ).toISOString(),
    ).toBe('2025-12-15T14:00:00.000Z');
  });

  it('clamps a day of the month to short months', () => {
    expect(
      nextLocalTime({ hour: 9, minute: 0, dayOfMonth: 31 }, 'UTC', at('2025-02-10T00:00:00Z')).toISOString(),
    ).toBe('2025-02-28T09:00:00.000Z');
    expect(
      nextLocalTime({ hour: 9, minute: 0, dayOfMonth: 31 }, 'UTC', at('2024-02-10T00:00:00Z')).toISOString(),
    ).toBe('2024-02-29T09:00:00.000Z');
    expect(
      nextLocalTime({ hour: 9, minute: 0, dayOfMonth: 31 }, 'UTC', at('2025-03-01T00:00:00Z')).toISOString(),
    ).toBe('2025-03-31T09:00:00.000Z');
  });

  it('rejects impossible specs', () => {
    const after = at('2025-01-01T00:00:00Z');
    expect(() => nextLocalTime({ hour: 24, minute: 0 }, 'UTC', after)).toThrow(RangeError);
    expect(() => nextLocalTime({ hour: 1, minute: 60 }, 'UTC', after)).toThrow(RangeError);
    expect(() => nextLocalTime({ hour: 1, minute: 0, weekday: 7 }, 'UTC', after)).toThrow(RangeError);
    expect(() => nextLocalTime({ hour: 1, minute: 0, dayOfMonth: 0 }, 'UTC', after)).toThrow(RangeError);
  });
});

describe('promptSendTime', () => {
  const tz = 'Europe/Berlin';
  it.each([
    ['daily, weekday morning → 16:30 today', 'daily', '2025-12-10T10:00:00Z', '2025-12-10T15:30:00.000Z'],
    ['daily, exactly 16:30 → now', 'daily', '2025-12-10T15:30:00Z', '2025-12-10T15:30:00.000Z'],
    ['daily, after 16:30 → tomorrow', 'daily', '2025-12-10T16:00:00Z', '2025-12-11T15:30:00.000Z'],
    ['daily, Friday evening → Monday', 'daily', '2025-12-12T16:00:00Z', '2025-12-15T15:30:00.000Z'],
    ['daily, Saturday → Monday', 'daily', '2025-12-13T09:00:00Z', '2025-12-15T15:30:00.000Z'],
    ['weekly, Wednesday → Friday', 'weekly', '2025-12-10T10:00:00Z', '2025-12-12T15:30:00.000Z'],
    ['weekly, Friday evening → next Friday', 'weekly', '2025-12-12T16:00:00Z', '2025-12-19T15:30:00.000Z'],
    ['daily in summer time', 'daily', '2025-07-01T08:00:00Z', '2025-07-01T14:30:00.000Z'],
  ] as const)('%s', (_name, mode, now, expected) => {
    expect(promptSendTime(mode, tz, at(now))?.toISOString()).toBe(expected);
  });

  it('immediate is now and off is never', () => {
    const now = at('2025-12-10T10:00:00Z');
    expect(promptSendTime('immediate', tz, now)).toBe(now);
    expect(promptSendTime('off', tz, now)).toBeNull();
  });
});
