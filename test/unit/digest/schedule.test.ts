import { describe, expect, it } from 'vitest';
import {
  type DigestSchedule,
  describeSchedule,
  digestPeriodFor,
  nextOccurrence,
  scheduleSpec,
} from '../../../src/digest/schedule.ts';

const weekly = (tz = 'Europe/Berlin', weekday = 1, time = '09:00'): DigestSchedule => ({
  cadence: 'weekly',
  weekday,
  time,
  tz,
});

describe('nextOccurrence', () => {
  it('weekly on Monday 09:00 in the subscriber’s timezone', () => {
    // Saturday Dec 13 2025 → Monday Dec 15, 09:00 CET = 08:00Z.
    expect(nextOccurrence(weekly(), new Date('2025-12-13T10:00:00Z')).toISOString()).toBe(
      '2025-12-15T08:00:00.000Z',
    );
    // Strictly after: at the run itself, the next one is a week later.
    expect(nextOccurrence(weekly(), new Date('2025-12-15T08:00:00Z')).toISOString()).toBe(
      '2025-12-22T08:00:00.000Z',
    );
  });

  it('keeps local 09:00 across a DST change', () => {
    // Europe/Berlin springs forward on Sunday Mar 29, 2026: 09:00 CET = 08:00Z, then 09:00 CEST = 07:00Z.
    const first = nextOccurrence(weekly(), new Date('2026-03-20T00:00:00Z'));
    expect(first.toISOString()).toBe('2026-03-23T08:00:00.000Z');
    expect(nextOccurrence(weekly(), first).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // New York falls back on Nov 1, 2026.
    const ny = weekly('America/New_York', 1, '09:00');
    expect(nextOccurrence(ny, new Date('2026-10-27T00:00:00Z')).toISOString()).toBe(
      '2026-11-02T14:00:00.000Z',
    );
  });

  it('monthly on the 31st runs on the last day of shorter months', () => {
    const monthly: DigestSchedule = { cadence: 'monthly', weekday: 31, time: '08:30', tz: 'UTC' };
    expect(nextOccurrence(monthly, new Date('2026-02-01T00:00:00Z')).toISOString()).toBe(
      '2026-02-28T08:30:00.000Z',
    );
    expect(scheduleSpec(monthly)).toEqual({ hour: 8, minute: 30, dayOfMonth: 31 });
  });

  it('daily at the given time', () => {
    const daily: DigestSchedule = { cadence: 'daily', time: '17:45', tz: 'Asia/Tokyo' };
    expect(nextOccurrence(daily, new Date('2026-01-05T09:00:00Z')).toISOString()).toBe(
      '2026-01-06T08:45:00.000Z',
    );
  });

  it('describes the schedule in words', () => {
    expect(describeSchedule(weekly())).toBe('weekly on Mondays at 09:00 (Europe/Berlin)');
    expect(describeSchedule({ cadence: 'monthly', weekday: 1, time: '09:00', tz: 'UTC' })).toBe(
      'monthly on the 1st at 09:00 (UTC)',
    );
    expect(describeSchedule({ cadence: 'monthly', weekday: 31, time: '09:00', tz: 'UTC' })).toContain(
      '31st (or the month’s last day)',
    );
    expect(describeSchedule({ cadence: 'daily', time: '07:00', tz: 'UTC' })).toBe('daily at 07:00 (UTC)');
  });
});

describe('digestPeriodFor', () => {
  it('a Monday weekly digest reports the previous, complete week', () => {
    const { period, claimKey } = digestPeriodFor(weekly(), new Date('2025-12-15T08:00:00Z'));
    expect(period.kind).toBe('week');
    expect(period.startDay).toBe('2025-12-08');
    expect(period.endDay).toBe('2025-12-15');
    expect(period.previous.startDay).toBe('2025-12-01');
    expect(claimKey).toBe('2025-W50');
  });

  it('a Friday weekly digest reports the current week to date', () => {
    const { period, claimKey } = digestPeriodFor(
      weekly('Europe/Berlin', 5),
      new Date('2025-12-19T15:00:00Z'),
    );
    expect(period.startDay).toBe('2025-12-15');
    expect(claimKey).toBe('2025-W51');
  });

  it('the previous week is found by calendar, not by subtracting hours across DST', () => {
    // Monday 00:30 CEST, the day after spring-forward: the previous week is Mar 23 – Mar 30.
    const { period } = digestPeriodFor(
      { cadence: 'weekly', tz: 'Europe/Berlin' },
      new Date('2026-03-29T22:30:00Z'),
    );
    expect(period.startDay).toBe('2026-03-23');
  });

  it('monthly early in the month reports the previous month, later the current one', () => {
    const early = digestPeriodFor({ cadence: 'monthly', tz: 'UTC' }, new Date('2026-01-01T09:00:00Z'));
    expect(early.claimKey).toBe('2025-12');
    expect(early.period.previous.key).toBe('2025-11');
    const late = digestPeriodFor({ cadence: 'monthly', tz: 'UTC' }, new Date('2026-01-20T09:00:00Z'));
    expect(late.claimKey).toBe('2026-01');
  });

  it('daily: the week to date as of yesterday, one claim per local day', () => {
    const tuesday = digestPeriodFor(
      { cadence: 'daily', tz: 'America/New_York' },
      new Date('2025-12-16T14:00:00Z'),
    );
    expect(tuesday.claimKey).toBe('2025-12-16');
    expect(tuesday.period.startDay).toBe('2025-12-15');
    const monday = digestPeriodFor(
      { cadence: 'daily', tz: 'America/New_York' },
      new Date('2025-12-15T14:00:00Z'),
    );
    expect(monday.period.startDay).toBe('2025-12-08');
    expect(monday.claimKey).toBe('2025-12-15');
  });
});
