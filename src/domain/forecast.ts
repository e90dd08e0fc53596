/**
 * Budget forecast for a period: spend to date, burn rate, projection, run-out date.
 *
 * Burn rate — how it is computed and why:
 * - Calendar days, weekends included. The rate is the average spend per calendar day over
 *   the trailing window, and the projection multiplies it by the calendar days left, so quiet
 *   weekends lower the rate exactly as much as they lower future spend.
 * - Complete days only. Today is still running, so its spend counts toward spend to date but
 *   not toward the rate.
 * - Trailing window of up to 14 complete days, crossing into the previous period when the
 *   caller passes that history: early in a month the rate rests on last month's days rather
 *   than on one or two.
 * - Spikes: each day is capped at 3× the median of the window's non-zero days before
 *   averaging (winsorised mean), so one runaway day does not set the pace for the rest
 *   of the period. The uncapped mean is returned too.
 * - First day with no earlier data: the rate is today's spend so far, confidence low.
 * Confidence: low under 5 days of data, medium under 10 days or when a spike was capped,
 * high otherwise.
 */
import { formatUsd } from './money.ts';
import {
  addDays,
  addDaysToDay,
  daysBetween,
  formatDayShort,
  localDay,
  localTimeParts,
  startOfLocalDay,
  zonedTimeToUtc,
} from './periods.ts';
import type { Budget, DaySpend, PeriodRange } from './types.ts';

export const FORECAST_WINDOW_DAYS = 14;
export const SPIKE_CAP_MULTIPLIER = 3;
const DAY_MS = 86_400_000;

export type Confidence = 'low' | 'medium' | 'high';

export interface ForecastInput {
  budget?: Pick<Budget, 'amountUsd'> | null;
  range: PeriodRange;
  /** Spend per day. May include days before the period: they feed the trailing burn rate. */
  dailySpend: readonly DaySpend[];
  now: Date;
  /** Defaults to the range's timezone. */
  tz?: string;
  /**
   * First day for which spend was being recorded; days before it are "no data", not "zero".
   * Defaults to the earlier of the period start and the earliest day in dailySpend.
   */
  dataSince?: string;
}

export interface Forecast {
  spentUsd: number;
  budgetUsd: number | null;
  /** Percent of the budget spent (0-100+), null without a budget. */
  percentUsed: number | null;
  /** Spike-capped average spend per calendar day. */
  dailyRateUsd: number;
  /** The same average without the spike cap. */
  rawDailyRateUsd: number;
  projectedUsd: number;
  projectedPct: number | null;
  /** Local day on which spend reaches the budget at the current rate (or did), null if not this period. */
  runOutDay: string | null;
  /** True when spend to date already reached the budget. */
  exhausted: boolean;
  /** 1-based local day of the period `now` falls on (clamped to the period). */
  dayOfPeriod: number;
  daysInPeriod: number;
  /** Calendar days left, including the rest of today. */
  daysRemaining: number;
  /** Complete days the rate rests on. */
  daysOfData: number;
  /** Days whose spend was capped as spikes. */
  spikeDays: string[];
  confidence: Confidence;
  confidenceReason: string;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Fraction of the local day elapsed at `now` (DST-length days handled). */
function dayFraction(now: Date, tz: string): number {
  const start = startOfLocalDay(now, tz).getTime();
  const end = zonedTimeToUtc(addDays(localTimeParts(now, tz), 1), tz).getTime();
  return Math.min(1, Math.max(0, (now.getTime() - start) / (end - start)));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function forecastBudget(input: ForecastInput): Forecast {
  const { range, now } = input;
  const tz = input.tz ?? range.tz;
  const budgetUsd = input.budget && input.budget.amountUsd > 0 ? input.budget.amountUsd : null;
  const today = localDay(now, tz);

  const byDay = new Map<string, number>();
  for (const { day, costUsd } of input.dailySpend) {
    if (Number.isFinite(costUsd)) byDay.set(day, (byDay.get(day) ?? 0) + costUsd);
  }

  const periodDays = [...byDay.keys()].filter((day) => day >= range.startDay && day < range.endDay).sort();
  const spentUsd = periodDays.reduce((sum, day) => sum + (byDay.get(day) ?? 0), 0);

  const earliest = [...byDay.keys()].sort()[0];
  const dataSince = input.dataSince ?? (earliest && earliest < range.startDay ? earliest : range.startDay);
  const windowStart = [addDaysToDay(today, -FORECAST_WINDOW_DAYS), dataSince].sort().at(-1)!;
  const windowDays: string[] = [];
  for (let day = windowStart; day < today; day = addDaysToDay(day, 1)) windowDays.push(day);
  const values = windowDays.map((day) => byDay.get(day) ?? 0);

  const todayFraction = dayFraction(now, tz);
  const incompleteSpend = [...byDay.entries()]
    .filter(([day]) => day >= today && day >= range.startDay && day < range.endDay)
    .reduce((sum, [, cost]) => sum + cost, 0);

  let dailyRateUsd: number;
  let rawDailyRateUsd: number;
  const spikeDays: string[] = [];
  const cap = SPIKE_CAP_MULTIPLIER * median(values.filter((v) => v > 0));
  if (windowDays.length === 0) {
    dailyRateUsd = incompleteSpend;
    rawDailyRateUsd = incompleteSpend;
  } else {
    const capped = values.map((v, i) => {
      if (cap > 0 && v > cap) {
        spikeDays.push(windowDays[i]!);
        return cap;
      }
      return v;
    });
    dailyRateUsd = capped.reduce((a, b) => a + b, 0) / capped.length;
    rawDailyRateUsd = values.reduce((a, b) => a + b, 0) / values.length;
  }

  const daysInPeriod = range.days;
  const offset = daysBetween(range.startDay, today);
  const dayOfPeriod = Math.min(daysInPeriod, Math.max(1, offset + 1));
  let daysRemaining: number;
  if (offset < 0) daysRemaining = daysInPeriod;
  else if (offset >= daysInPeriod) daysRemaining = 0;
  else daysRemaining = daysInPeriod - offset - todayFraction;

  const projectedUsd = spentUsd + dailyRateUsd * daysRemaining;

  let runOutDay: string | null = null;
  let exhausted = false;
  if (budgetUsd !== null) {
    if (spentUsd >= budgetUsd) {
      exhausted = true;
      let running = 0;
      for (const day of periodDays) {
        running += byDay.get(day) ?? 0;
        if (running >= budgetUsd) {
          runOutDay = day;
          break;
        }
      }
    } else if (dailyRateUsd > 0 && daysRemaining > 0) {
      const at = now.getTime() + ((budgetUsd - spentUsd) / dailyRateUsd) * DAY_MS;
      if (at < range.end.getTime()) runOutDay = localDay(new Date(at), tz);
    }
  }

  const daysOfData = windowDays.length;
  let confidence: Confidence;
  let confidenceReason: string;
  if (daysOfData === 0) {
    confidence = 'low';
    confidenceReason = 'first day with data: the rate is today’s spend so far';
  } else if (daysOfData < 5) {
    confidence = 'low';
    confidenceReason = `only ${daysOfData} complete day${daysOfData === 1 ? '' : 's'} of data`;
  } else if (spikeDays.length > 0) {
    confidence = 'medium';
    const list = spikeDays.map(formatDayShort).join(', ');
    confidenceReason = `spike on ${list} counted as ${formatUsd(cap)} (3× a typical day)`;
  } else if (dailyRateUsd === 0) {
    confidence = daysOfData < 10 ? 'medium' : 'high';
    confidenceReason = `no spend in the last ${daysOfData} days`;
  } else if (daysOfData < 10) {
    confidence = 'medium';
    confidenceReason = `${daysOfData} complete days of data`;
  } else {
    confidence = 'high';
    confidenceReason = `steady spend over the last ${daysOfData} days`;
  }

  return {
    spentUsd: round2(spentUsd),
    budgetUsd,
    percentUsed: budgetUsd === null ? null : round2((spentUsd / budgetUsd) * 100),
    dailyRateUsd: round2(dailyRateUsd),
    rawDailyRateUsd: round2(rawDailyRateUsd),
    projectedUsd: round2(projectedUsd),
    projectedPct: budgetUsd === null ? null : round2((projectedUsd / budgetUsd) * 100),
    runOutDay,
    exhausted,
    dayOfPeriod,
    daysInPeriod,
    daysRemaining,
    daysOfData,
    spikeDays,
    confidence,
    confidenceReason,
  };
}
