/**
 * Calendar arithmetic in IANA timezones with nothing but Intl.
 *
 * Local calendar dates are handled as "YYYY-MM-DD" strings and plain {year, month, day}
 * records; arithmetic on them goes through Date.UTC, which has no DST. Only the final
 * step (local wall time → instant) consults the timezone, so DST can never shift a date.
 */
import type { PeriodRange, PeriodRangeWithPrevious, PromptMode } from './types.ts';

const DAY_MS = 86_400_000;

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

export interface LocalTimeParts extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday (as Date#getDay and SubscriptionDoc.weekday). */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, formatter);
  }
  return formatter;
}

export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length === 0) return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock parts of an instant in a timezone. Throws RangeError for an unknown timezone. */
export function localTimeParts(date: Date, tz: string): LocalTimeParts {
  const parts = formatterFor(tz).formatToParts(date);
  const value = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    return part ? Number(part.value) : 0;
  };
  const year = value('year');
  const month = value('month');
  const day = value('day');
  return {
    year,
    month,
    day,
    // Some ICU versions print midnight as 24 even with h23.
    hour: value('hour') % 24,
    minute: value('minute'),
    second: value('second'),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Offset of the timezone from UTC at an instant, in ms (positive east of Greenwich). */
export function timeZoneOffsetMs(date: Date, tz: string): number {
  const instant = Math.floor(date.getTime() / 1000) * 1000;
  const p = localTimeParts(new Date(instant), tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - instant;
}

export interface WallTime extends LocalDate {
  hour?: number;
  minute?: number;
  second?: number;
}

/**
 * The instant at which a local wall time occurs. DST rules: a wall time that does not
 * exist (spring-forward gap) moves forward by the gap (02:30 → 03:30); a wall time that
 * occurs twice (fall-back overlap) resolves to the first occurrence.
 */
export function zonedTimeToUtc(wall: WallTime, tz: string): Date {
  const asUtc = Date.UTC(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour ?? 0,
    wall.minute ?? 0,
    wall.second ?? 0,
  );
  const offsetBefore = timeZoneOffsetMs(new Date(asUtc - DAY_MS), tz);
  const offsetAfter = timeZoneOffsetMs(new Date(asUtc + DAY_MS), tz);
  const candidates = [asUtc - offsetBefore, asUtc - offsetAfter]
    .filter((t) => timeZoneOffsetMs(new Date(t), tz) === asUtc - t)
    .sort((a, b) => a - b);
  const first = candidates[0];
  // No candidate: the wall time falls in a gap; the pre-transition offset lands after it.
  return new Date(first ?? asUtc - offsetBefore);
}

export function formatDay(date: LocalDate): string {
  const y = String(date.year).padStart(4, '0');
  const m = String(date.month).padStart(2, '0');
  const d = String(date.day).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses "YYYY-MM-DD"; null when malformed or not a real date. */
export function parseDay(day: string): LocalDate | null {
  const match = DAY_PATTERN.exec(day);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const check = new Date(Date.UTC(date.year, date.month - 1, date.day));
  if (check.getUTCMonth() !== date.month - 1 || check.getUTCDate() !== date.day) return null;
  return date;
}

function toLocalDate(time: number): LocalDate {
  const d = new Date(time);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function dayNumber(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return toLocalDate(Date.UTC(date.year, date.month - 1, date.day + days));
}

/** "2025-12-01" + 3 → "2025-12-04". */
export function addDaysToDay(day: string, days: number): string {
  const date = parseDay(day);
  if (!date) throw new RangeError(`not a day: ${day}`);
  return formatDay(addDays(date, days));
}

/** Whole calendar days from `from` to `to` ("YYYY-MM-DD"); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  if (!a || !b) throw new RangeError(`not a day: ${a ? to : from}`);
  return dayNumber(b) - dayNumber(a);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** The UTC calendar date of an instant: the `day` key of rollups_daily. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The local calendar date of an instant in a timezone. */
export function localDay(date: Date, tz: string): string {
  return formatDay(localTimeParts(date, tz));
}

export function startOfLocalDay(date: Date, tz: string): Date {
  const { year, month, day } = localTimeParts(date, tz);
  return zonedTimeToUtc({ year, month, day }, tz);
}

/** ISO-8601 week (Monday first) of a calendar date: year and week number. */
export function isoWeek(date: LocalDate): { year: number; week: number } {
  const isoDay = weekdayOf(date) || 7;
  const thursday = addDays(date, 4 - isoDay);
  const jan1 = { year: thursday.year, month: 1, day: 1 };
  const week = Math.floor((dayNumber(thursday) - dayNumber(jan1)) / 7) + 1;
  return { year: thursday.year, week };
}

function shortDate(date: LocalDate): string {
  return `${MONTH_NAMES[date.month - 1]!.slice(0, 3)} ${date.day}`;
}

/** "2025-12-19" → "Dec 19". */
export function formatDayShort(day: string): string {
  const date = parseDay(day);
  return date ? shortDate(date) : day;
}

export type PeriodSpec = 'week' | 'month' | '30d' | `${number}-${number}`;

const MONTH_SPEC = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriodSpec(value: string): value is PeriodSpec {
  return value === 'week' || value === 'month' || value === '30d' || MONTH_SPEC.test(value);
}

function buildRange(
  kind: PeriodRange['kind'],
  first: LocalDate,
  endExclusive: LocalDate,
  tz: string,
): PeriodRange {
  const startDay = formatDay(first);
  const endDay = formatDay(endExclusive);
  const days = dayNumber(endExclusive) - dayNumber(first);
  const last = addDays(endExclusive, -1);
  let key: string;
  let label: string;
  let shortLabel: string;
  if (kind === 'month') {
    const name = MONTH_NAMES[first.month - 1]!;
    key = startDay.slice(0, 7);
    label = `${name} ${first.year}`;
    shortLabel = name;
  } else if (kind === 'week') {
    const { year, week } = isoWeek(first);
    key = `${year}-W${String(week).padStart(2, '0')}`;
    label = `Week of ${shortDate(first)}, ${first.year}`;
    shortLabel = `week of ${shortDate(first)}`;
  } else {
    key = `30d:${formatDay(last)}`;
    label = `Last 30 days (${shortDate(first)} – ${shortDate(last)})`;
    shortLabel = 'last 30 days';
  }
  return {
    kind,
    key,
    start: zonedTimeToUtc(first, tz),
    end: zonedTimeToUtc(endExclusive, tz),
    startDay,
    endDay,
    days,
    label,
    shortLabel,
    tz,
  };
}

function monthRange(year: number, month: number, tz: string): PeriodRange {
  const first = { year, month, day: 1 };
  const next = month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 };
  return buildRange('month', first, next, tz);
}

/**
 * The period containing `now` in `tz`, and the one before it.
 * - `week`: ISO week, Monday 00:00 to the next Monday 00:00 local.
 * - `month` / `YYYY-MM`: local calendar month.
 * - `30d`: the 30 local calendar days ending with today (today included, to tomorrow 00:00).
 * Weeks and months always span the whole period even when it has not finished.
 * Throws RangeError for an unknown spec or timezone.
 */
export function periodRange(spec: string, now: Date, tz: string): PeriodRangeWithPrevious {
  if (!isValidTimeZone(tz)) throw new RangeError(`unknown timezone: ${tz}`);
  const today: LocalDate = localTimeParts(now, tz);
  const month = MONTH_SPEC.exec(spec);
  if (month) {
    const year = Number(month[1]);
    const m = Number(month[2]);
    const current = monthRange(year, m, tz);
    const previous = m === 1 ? monthRange(year - 1, 12, tz) : monthRange(year, m - 1, tz);
    return { ...current, previous };
  }
  if (spec === 'month') return periodRange(formatDay(today).slice(0, 7), now, tz);
  if (spec === 'week') {
    const monday = addDays(today, -((weekdayOf(today) + 6) % 7));
    const current = buildRange('week', monday, addDays(monday, 7), tz);
    const previous = buildRange('week', addDays(monday, -7), monday, tz);
    return { ...current, previous };
  }
  if (spec === '30d') {
    const end = addDays(today, 1);
    const first = addDays(end, -30);
    const current = buildRange('30d', first, end, tz);
    const previous = buildRange('30d', addDays(first, -30), first, tz);
    return { ...current, previous };
  }
  throw new RangeError(`unknown period: ${spec} (use week, month, 30d or YYYY-MM)`);
}

/** True when a rollup day (YYYY-MM-DD) falls inside the period's calendar days. */
export function dayInRange(day: string, range: Pick<PeriodRange, 'startDay' | 'endDay'>): boolean {
  return day >= range.startDay && day < range.endDay;
}

/** Every calendar day of the period, in order. */
export function daysOfRange(range: Pick<PeriodRange, 'startDay' | 'endDay'>): string[] {
  const out: string[] = [];
  for (let day = range.startDay; day < range.endDay; day = addDaysToDay(day, 1)) out.push(day);
  return out;
}

export interface LocalTimeSpec {
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday; only that weekday. */
  weekday?: number;
  /** 1-31; clamped to the month's last day in shorter months (31 → Feb 28/29). */
  dayOfMonth?: number;
  /** Allowed weekdays (0-6); e.g. [1,2,3,4,5] for weekdays only. */
  weekdays?: readonly number[];
}

/**
 * The first instant strictly after `after` at which the local wall clock in `tz` shows
 * `hour:minute` on a matching day. DST-safe: a time skipped by spring-forward fires at
 * the shifted wall time (02:30 → 03:30) on that day; a repeated time fires once (first).
 */
export function nextLocalTime(spec: LocalTimeSpec, tz: string, after: Date): Date {
  if (!Number.isInteger(spec.hour) || spec.hour < 0 || spec.hour > 23)
    throw new RangeError('hour must be 0-23');
  if (!Number.isInteger(spec.minute) || spec.minute < 0 || spec.minute > 59) {
    throw new RangeError('minute must be 0-59');
  }
  if (spec.weekday !== undefined && (spec.weekday < 0 || spec.weekday > 6)) {
    throw new RangeError('weekday must be 0-6');
  }
  if (spec.dayOfMonth !== undefined && (spec.dayOfMonth < 1 || spec.dayOfMonth > 31)) {
    throw new RangeError('dayOfMonth must be 1-31');
  }
  const start: LocalDate = localTimeParts(after, tz);
  // Start a day early: near a DST change the local date of `after` can trail the target.
  for (let offset = -1; offset <= 400; offset++) {
    const date = addDays(start, offset);
    const weekday = weekdayOf(date);
    if (spec.weekday !== undefined && weekday !== spec.weekday) continue;
    if (spec.weekdays && !spec.weekdays.includes(weekday)) continue;
    if (spec.dayOfMonth !== undefined) {
      const target = Math.min(spec.dayOfMonth, daysInMonth(date.year, date.month));
      if (date.day !== target) continue;
    }
    const instant = zonedTimeToUtc({ ...date, hour: spec.hour, minute: spec.minute }, tz);
    if (instant.getTime() > after.getTime()) return instant;
  }
  throw new RangeError('no matching local time within 400 days');
}

/**
 * When a classification prompt should be sent for sessions that close at `now`.
 * - `immediate`: now.
 * - `daily` (default): 16:30 local on the next weekday (Mon–Fri) at or after now — late
 *   enough that most of the day's sessions are closed, early enough to answer before leaving.
 * - `weekly`: Friday 16:30 local, at or after now.
 * - `off`: null (never prompted; the App Home queue still works).
 */
export const PROMPT_TIME = { hour: 16, minute: 30 } as const;
export const PROMPT_WEEKLY_DAY = 5;
const WORKDAYS = [1, 2, 3, 4, 5] as const;

export function promptSendTime(mode: PromptMode, tz: string, now: Date): Date | null {
  const justBefore = new Date(now.getTime() - 1);
  switch (mode) {
    case 'immediate':
      return now;
    case 'off':
      return null;
    case 'daily':
      return nextLocalTime({ ...PROMPT_TIME, weekdays: WORKDAYS }, tz, justBefore);
    case 'weekly':
      return nextLocalTime({ ...PROMPT_TIME, weekday: PROMPT_WEEKLY_DAY }, tz, justBefore);
  }
}
