import { describe, expect, it } from 'vitest';
import { forecastBudget } from '../../../src/domain/forecast.ts';
import { addDaysToDay, periodRange } from '../../../src/domain/periods.ts';
import type { DaySpend } from '../../../src/domain/types.ts';

const at = (iso: string) => new Date(iso);

function days(from: string, count: number, cost: number | ((day: string, i: number) => number)): DaySpend[] {
  return Array.from({ length: count }, (_, i) => {
    const day = addDaysToDay(from, i);
    return { day, costUsd: typeof cost === 'number' ? cost : cost(day, i) };
  });
}

const december = (now: Date, tz = 'UTC') => periodRange('2025-12', now, tz);

describe('forecastBudget', () => {
  it('steady spend: rate, projection, run-out date and high confidence', () => {
    const now = at('2025-12-12T12:00:00Z');
    const f = forecastBudget({
      budget: { amountUsd: 2000 },
      range: december(now),
      dailySpend: [...days('2025-12-01', 11, 100), { day: '2025-12-12', costUsd: 50 }],
      now,
    });
    // 11 complete days at $100; today's $50 counts as spend, not as rate.
    expect(f).toMatchObject({
      spentUsd: 1150,
      budgetUsd: 2000,
      percentUsed: 57.5,
      dailyRateUsd: 100,
      rawDailyRateUsd: 100,
      daysRemaining: 19.5,
      projectedUsd: 3100,
      projectedPct: 155,
      // (2000 - 1150) / 100 = 8.5 days after Dec 12 12:00 → Dec 21 00:00.
      runOutDay: '2025-12-21',
      exhausted: false,
      dayOfPeriod: 12,
      daysInPeriod: 31,
      daysOfData: 11,
      spikeDays: [],
      confidence: 'high',
    });
  });

  it('day 1 without history: rate is today so far, low confidence', () => {
    const now = at('2025-12-01T06:00:00Z');
    const f = forecastBudget({
      budget: { amountUsd: 2000 },
      range: december(now),
      dailySpend: [{ day: '2025-12-01', costUsd: 30 }],
      now,
    });
    expect(f).toMatchObject({
      spentUsd: 30,
      dailyRateUsd: 30,
      daysRemaining: 30.75,
      projectedUsd: 952.5,
      runOutDay: null,
      dayOfPeriod: 1,
      daysOfData: 0,
      confidence: 'low',
    });
    expect(f.confidenceReason).toMatch(/first day/);
  });

  it('day 1 with last month as history: rate from the trailing 14 days', () => {
    const now = at('2025-12-01T06:00:00Z');
    const f = forecastBudget({
      budget: { amountUsd: 2000 },
      range: december(now),
      dailySpend: [...days('2025-11-17', 14, 80), { day: '2025-12-01', costUsd: 10 }],
      now,
    });
    // Spend to date excludes November; rate $80/day; 1990 / 80 = 24.875 days after Dec 1 06:00 → Dec 26 03:00.
    expect(f).toMatchObject({
      spentUsd: 10,
      dailyRateUsd: 80,
      projectedUsd: 2470,
      runOutDay: '2025-12-26',
      daysOfData: 14,
      confidence: 'high',
    });
  });

  it('few days of data: low confidence', () => {
    const now = at('2025-12-04T12:00:00Z');
    const f = forecastBudget({
      budget: null,
      range: december(now),
      dailySpend: days('2025-12-01', 3, 40),
      now,
    });
    expect(f).toMatchObject({ dailyRateUsd: 40, daysOfData: 3, confidence: 'low', percentUsed: null });
    expect(f.confidenceReason).toBe('only 3 complete days of data');
  });

  it('zero spend: nothing projected, no run-out', () => {
    const now = at('2025-12-15T12:00:00Z');
    const f = forecastBudget({ budget: { amountUsd: 2000 }, range: december(now), dailySpend: [], now });
    expect(f).toMatchObject({
      spentUsd: 0,
      percentUsed: 0,
      dailyRateUsd: 0,
      projectedUsd: 0,
      runOutDay: null,
      exhausted: false,
      daysOfData: 14,
      confidence: 'high',
      confidenceReason: 'no spend in the last 14 days',
    });
  });

  it('weekends: calendar-day rate includes quiet weekends', () => {
    const now = at('2025-12-15T00:00:00Z'); // Monday; Dec 1 2025 was a Monday
    const weekdays = (day: string) => ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()) ? 0 : 100);
    const f = forecastBudget({
      budget: { amountUsd: 2000 },
      range: december(now),
      dailySpend: days('2025-12-01', 14, weekdays),
      now,
    });
    // $1,000 over 14 calendar days = $71.43/day; 17 days left; 1000 / 71.43 = 14 days → Dec 29.
    expect(f.spentUsd).toBe(1000);
    expect(f.dailyRateUsd).toBe(71.43);
    expect(f.projectedUsd).toBe(2214.29);
    expect(f.runOutDay).toBe('2025-12-29');
    expect(f.spikeDays).toEqual([]);
  });

  it('spike: one runaway day is capped at 3× the median day for the rate', () => {
    const now = at('2025-12-15T00:00:00Z');
    const cost = (day: string) => {
      if (day === '2025-12-10') return 3000;
      return [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()) ? 0 : 100;
    };
    const f = forecastBudget({
      budget: { amountUsd: 2000 },
      range: december(now),
      dailySpend: days('2025-12-01', 14, cost),
      now,
    });
    // Nine $100 days + the spike counted as $300, over 14 days = $85.71; raw mean $278.57.
    expect(f).toMatchObject({
      spentUsd: 3900,
      percentUsed: 195,
      dailyRateUsd: 85.71,
      rawDailyRateUsd: 278.57,
      projectedUsd: 5357.14,
      exhausted: true,
      // cumulative: $700 by Dec 9, $3,700 on Dec 10
      runOutDay: '2025-12-10',
      spikeDays: ['2025-12-10'],
      confidence: 'medium',
    });
    expect(f.confidenceReason).toBe('spike on Dec 10 counted as $300 (3× a typical day)');
  });

  it.each([
    ['2025-02', 28, 280],
    ['2024-02', 29, 290],
    ['2025-04', 30, 300],
    ['2025-03', 31, 310],
  ])('month %s (%d days): projection uses the days left', (month, length, projected) => {
    const now = at(`${month}-10T00:00:00Z`);
    const f = forecastBudget({
      budget: { amountUsd: 1000 },
      range: periodRange(month, now, 'UTC'),
      dailySpend: days(`${month}-01`, 9, 10),
      now,
    });
    expect(f.daysInPeriod).toBe(length);
    expect(f.daysRemaining).toBe(length - 9);
    expect(f.projectedUsd).toBe(projected);
    expect(f.runOutDay).toBeNull();
  });

  it('timezones: "today" and the days left are local', () => {
    const now = at('2025-12-12T06:00:00Z'); // Dec 11 22:00 in Los Angeles
    const dailySpend = [...days('2025-12-01', 11, 100), { day: '2025-12-12', costUsd: 40 }];
    const la = forecastBudget({
      budget: { amountUsd: 5000 },
      range: december(now, 'America/Los_Angeles'),
      dailySpend,
      now,
    });
    // Local today is Dec 11: 10 complete days; 31 - 10 - 22/24 days left.
    expect(la).toMatchObject({ spentUsd: 1140, dailyRateUsd: 100, dayOfPeriod: 11, daysOfData: 10 });
    expect(la.daysRemaining).toBeCloseTo(20.0833, 3);
    expect(la.projectedUsd).toBe(3148.33);

    const utc = forecastBudget({ budget: { amountUsd: 5000 }, range: december(now), dailySpend, now });
    expect(utc).toMatchObject({ spentUsd: 1140, dayOfPeriod: 12, daysOfData: 11, daysRemaining: 19.75 });
    expect(utc.projectedUsd).toBe(3115);
  });

  it('a weekly budget over an ISO week', () => {
    const now = at('2025-12-10T12:00:00Z'); // Wednesday
    const f = forecastBudget({
      budget: { amountUsd: 500 },
      range: periodRange('week', now, 'UTC'),
      dailySpend: [...days('2025-11-26', 14, 50), { day: '2025-12-10', costUsd: 20 }],
      now,
    });
    // Week to date: Dec 8, 9 ($100) + today $20; 4.5 days left at $50.
    expect(f).toMatchObject({
      spentUsd: 120,
      daysInPeriod: 7,
      dayOfPeriod: 3,
      daysRemaining: 4.5,
      projectedUsd: 345,
    });
    expect(f.runOutDay).toBeNull();
  });

  it('after the period ended nothing is left to project', () => {
    const now = at('2026-01-05T00:00:00Z');
    const f = forecastBudget({
      budget: { amountUsd: 2000 },
      range: periodRange('2025-12', now, 'UTC'),
      dailySpend: days('2025-12-01', 31, 50),
      now,
    });
    expect(f).toMatchObject({
      spentUsd: 1550,
      daysRemaining: 0,
      projectedUsd: 1550,
      dayOfPeriod: 31,
      runOutDay: null,
    });
  });

  it('ignores non-finite amounts', () => {
    const now = at('2025-12-03T00:00:00Z');
    const f = forecastBudget({
      range: december(now),
      dailySpend: [
        { day: '2025-12-01', costUsd: Number.NaN },
        { day: '2025-12-02', costUsd: 10 },
      ],
      now,
    });
    expect(f.spentUsd).toBe(10);
    expect(f.budgetUsd).toBeNull();
  });
});
