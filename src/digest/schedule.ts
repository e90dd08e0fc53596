/**
 * When a subscription's digest runs and which period it reports on. Pure: instants in, instants out.
 *
 * Period rule (what a reader of the post expects):
 * - weekly: a digest early in the week (Mon–Wed) reports the previous, complete week; later in the
 *   week (Thu–Sun) it reports the current week to date.
 * - monthly: on days 1–15 the previous, complete month; from the 16th the current month to date.
 * - daily: the week to date as of yesterday (Monday's post: the previous full week).
 * The claim key (unique per subscription in digest_posts) is the reported period's key for weekly and
 * monthly digests, and the local date of the run for daily ones.
 */
import type { SubscriptionDoc } from '../db/collections.ts';
import {
  addDaysToDay,
  type LocalTimeSpec,
  localDay,
  localTimeParts,
  nextLocalTime,
  parseDay,
  periodRange,
  zonedTimeToUtc,
} from '../domain/periods.ts';
import type { PeriodRangeWithPrevious } from '../domain/types.ts';

export type DigestSchedule = Pick<SubscriptionDoc, 'cadence' | 'weekday' | 'time' | 'tz'>;

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function parseClock(time: string): { hour: number; minute: number } {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) throw new RangeError(`not a time of day: ${time}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The local wall-clock rule of a subscription (weekday holds the day of the month for monthly ones). */
export function scheduleSpec(schedule: DigestSchedule): LocalTimeSpec {
  const clock = parseClock(schedule.time);
  if (schedule.cadence === 'weekly') return { ...clock, weekday: schedule.weekday ?? 1 };
  if (schedule.cadence === 'monthly') return { ...clock, dayOfMonth: schedule.weekday ?? 1 };
  return clock;
}

/** The first run strictly after `after` (DST-safe through nextLocalTime). */
export function nextOccurrence(schedule: DigestSchedule, after: Date): Date {
  return nextLocalTime(scheduleSpec(schedule), schedule.tz, after);
}

function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n !== 11
      ? 'st'
      : n % 10 === 2 && n !== 12
        ? 'nd'
        : n % 10 === 3 && n !== 13
          ? 'rd'
          : 'th';
  return `${n}${suffix}`;
}

/** "weekly on Mondays at 09:00 (Europe/Berlin)". */
export function describeSchedule(schedule: DigestSchedule): string {
  const at = `at ${schedule.time} (${schedule.tz})`;
  if (schedule.cadence === 'weekly') return `weekly on ${WEEKDAY_NAMES[schedule.weekday ?? 1]}s ${at}`;
  if (schedule.cadence === 'monthly') {
    const day = schedule.weekday ?? 1;
    return `monthly on the ${ordinal(day)}${day > 28 ? ' (or the month’s last day)' : ''} ${at}`;
  }
  return `daily ${at}`;
}

/** Local noon of a calendar day: an instant safely inside that day whatever DST does. */
function noonOf(day: string, tz: string): Date {
  const date = parseDay(day);
  if (!date) throw new RangeError(`not a day: ${day}`);
  return zonedTimeToUtc({ ...date, hour: 12 }, tz);
}

export interface DigestPeriod {
  period: PeriodRangeWithPrevious;
  /** digest_posts.period: one post per subscription and key. */
  claimKey: string;
}

/** The period a run at `occurrence` reports on (see the rule at the top of this file). */
export function digestPeriodFor(
  schedule: Pick<SubscriptionDoc, 'cadence' | 'tz'>,
  occurrence: Date,
): DigestPeriod {
  const { tz } = schedule;
  const today = localDay(occurrence, tz);
  if (schedule.cadence === 'daily') {
    const period = periodRange('week', noonOf(addDaysToDay(today, -1), tz), tz);
    return { period, claimKey: today };
  }
  if (schedule.cadence === 'weekly') {
    const isoDay = (localTimeParts(occurrence, tz).weekday + 6) % 7; // Monday 0 … Sunday 6
    const reference = isoDay <= 2 ? noonOf(addDaysToDay(today, -7), tz) : occurrence;
    const period = periodRange('week', reference, tz);
    return { period, claimKey: period.key };
  }
  const dayOfMonth = localTimeParts(occurrence, tz).day;
  const reference = dayOfMonth <= 15 ? noonOf(addDaysToDay(today, -dayOfMonth), tz) : occurrence;
  const period = periodRange('month', reference, tz);
  return { period, claimKey: period.key };
}
