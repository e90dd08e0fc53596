/**
 * Budget alerts: which thresholds a new spend figure crosses, and the sentence that says so.
 * Exactly-once delivery is the job's business (alerts collection, unique team+period+threshold);
 * this module only decides.
 */
import { formatPct, formatUsd } from './money.ts';
import { formatDayShort } from './periods.ts';
import type { PeriodRange } from './types.ts';

export const DEFAULT_ALERT_THRESHOLDS: readonly number[] = [50, 80, 100];

/**
 * Thresholds crossed upward between two readings and not yet alerted this period, ascending.
 * A threshold counts when previousPct < threshold <= currentPct; a first reading of the period
 * (previousPct null) starts from 0. When several are crossed at once all are returned; a sender
 * that wants one message can take the last (highest) and record them all as sent.
 */
export function crossedThresholds(input: {
  thresholds: readonly number[];
  previousPct: number | null | undefined;
  currentPct: number;
  alreadySent: readonly number[];
}): number[] {
  const previous = input.previousPct ?? 0;
  const sent = new Set(input.alreadySent);
  return [...new Set(input.thresholds)]
    .filter((t) => Number.isFinite(t) && t > 0 && previous < t && t <= input.currentPct && !sent.has(t))
    .sort((a, b) => a - b);
}

export interface AlertSentenceInput {
  team: string;
  /** The threshold crossed, in percent (80). */
  thresholdPct: number;
  budgetUsd: number;
  period: Pick<PeriodRange, 'kind' | 'shortLabel'>;
  /** 1-based day of the period. */
  dayOfPeriod: number;
  /** Local day the budget runs out at the current rate (or ran out), null if it lasts the period. */
  runOutDay: string | null;
  /** True when spend already reached the budget. */
  exhausted?: boolean;
  /** Projected spend at the end of the period, used when the budget lasts. */
  projectedUsd?: number;
}

/**
 * "Payments has used 80% of its $2,000 December AI budget on day 12; at this rate it runs out on Dec 19."
 */
export function alertSentence(input: AlertSentenceInput): string {
  const budgetName =
    input.period.kind === 'month' ? `${input.period.shortLabel} AI budget` : 'weekly AI budget';
  const head = `${input.team} has used ${formatPct(input.thresholdPct)} of its ${formatUsd(input.budgetUsd)} ${budgetName} on day ${input.dayOfPeriod}`;
  if (input.exhausted) {
    return input.runOutDay
      ? `${head}; it ran out on ${formatDayShort(input.runOutDay)}.`
      : `${head}; it has run out.`;
  }
  if (input.runOutDay) return `${head}; at this rate it runs out on ${formatDayShort(input.runOutDay)}.`;
  if (input.projectedUsd !== undefined) {
    return `${head}; at this rate it ends the ${input.period.kind === 'month' ? 'month' : 'period'} at ${formatUsd(input.projectedUsd)}, within budget.`;
  }
  return `${head}.`;
}
