/** Forecast edge cases the domain suite does not cover: month lengths, DST months, far-east timezones. */
import { describe, expect, it } from 'vitest';
import { forecastBudget } from '../../../src/domain/forecast.ts';
import { addDaysToDay, periodRange } from '../../../src/domain/periods.ts';
import type { DaySpend } from '../../../src/domain/types.ts';

function days(from: string, count: number, costUsd: number): DaySpend[] {
  return Array.from({ length: count }, (_, i) => ({ day: addDaysToDay(from, i), costUsd }));
}

describe('forecastBudget edge cases', () => {
  it.each([
    ['2026-02', '2026-02-10T00:00:00Z', 28],
    ['2028-02', '2028-02-10T00:00:00Z', 29],
    ['2026-04', '2026-04-10T00:00:00Z', 30],
    ['2026-01', '2026-01-10T00:00:00Z', 31],
  ])('%s (today %s) has %i days: the projection covers exactly the days left', (month, iso, length) => {
    const now = new Date(iso);
    const f = forecastBudget({
      budget: { amountUsd: 10_000 },
      range: periodRange(month, now, 'UTC'),
      dailySpend: days(`${month}-01`, 9, 100),
      now,
    });
    expect(f.daysInPeriod).toBe(length);
    expect(f.dayOfPeriod).toBe(10);
    expect(f.daysRemaining).toBe(length - 9);
    expect(f.projectedUsd).toBe(900 + 100 * (length - 9));
  });

  it('the last day of February runs out on the last day, not in March', () => {
    const now = new Date('2026-02-28T00:00:00Z');
    const f = forecastBudget({
      budget: { amountUsd: 2_760 },
      range: periodRange('2026-02', now, 'UTC'),
      dailySpend: days('2026-02-01', 27, 100),
      now,
    });
    // $2,700 spent; $60 left at $100/day: runs out during Feb 28.
    expect(f.runOutDay).toBe('2026-02-28');
    const lasts = forecastBudget({
      budget: { amountUsd: 2_900 },
      range: periodRange('2026-02', now, 'UTC'),
      dailySpend: days('2026-02-01', 27, 100),
      now,
    });
    expect(lasts.runOutDay).toBeNull();
    expect(lasts.projectedUsd).toBe(2_800);
  });

  it('a DST month (Berlin, October: 25-hour last Sunday) keeps whole calendar days', () => {
    const now = new Date('2025-10-26T11:00:00Z'); // Oct 26 12:00 CET, the day clocks went back
    const f = forecastBudget({
      budget: { amountUsd: 5_000 },
      range: periodRange('month', now, 'Europe/Berlin'),
      dailySpend: days('2025-10-01', 25, 100),
      now,
    });
    expect(f.daysInPeriod).toBe(31);
    expect(f.dayOfPeriod).toBe(26);
    // 12:00 on the wall clock, but 13 of that day's 25 real hours have passed.
    expect(f.daysRemaining).toBeCloseTo(6 - 13 / 25, 10);
    expect(f.projectedUsd).toBe(3_048);
  });

  it('first minutes of a month far east of UTC: local day 1 with last month as history', () => {
    const now = new Date('2025-11-30T11:30:00Z'); // Dec 1 00:30 in Auckland (UTC+13)
    const f = forecastBudget({
      budget: { amountUsd: 3_100 },
      range: periodRange('month', now, 'Pacific/Auckland'),
      dailySpend: days('2025-11-16', 15, 100),
      now,
    });
    expect(f.dayOfPeriod).toBe(1);
    expect(f.spentUsd).toBe(0);
    expect(f.dailyRateUsd).toBe(100);
    expect(f.daysRemaining).toBeCloseTo(31 - 0.5 / 24, 10);
    expect(f.confidence).toBe('high');
  });

  it('zero spend on day 1 with no history: nothing projected, low confidence', () => {
    const now = new Date('2025-12-01T08:00:00Z');
    const f = forecastBudget({
      budget: { amountUsd: 1_000 },
      range: periodRange('month', now, 'UTC'),
      dailySpend: [],
      now,
    });
    expect(f).toMatchObject({
      spentUsd: 0,
      dailyRateUsd: 0,
      projectedUsd: 0,
      runOutDay: null,
      exhausted: false,
      confidence: 'low',
    });
  });

  it('a spike today counts as spend but not as rate', () => {
    const now = new Date('2025-12-15T12:00:00Z');
    const f = forecastBudget({
      budget: { amountUsd: 5_000 },
      range: periodRange('month', now, 'UTC'),
      dailySpend: [...days('2025-12-01', 14, 50), { day: '2025-12-15', costUsd: 2_000 }],
      now,
    });
    expect(f.spentUsd).toBe(2_700);
    expect(f.dailyRateUsd).toBe(50);
    expect(f.runOutDay).toBeNull();
  });

  it('a weekly budget on Sunday evening has a fraction of a day left', () => {
    const now = new Date('2025-12-14T18:00:00Z'); // Sunday
    const f = forecastBudget({
      budget: { amountUsd: 700 },
      range: periodRange('week', now, 'UTC'),
      dailySpend: days('2025-12-01', 13, 100),
      now,
    });
    expect(f).toMatchObject({
      dayOfPeriod: 7,
      daysInPeriod: 7,
      spentUsd: 600,
      daysRemaining: 0.25,
      projectedUsd: 625,
    });
    expect(f.runOutDay).toBeNull();
  });
});
