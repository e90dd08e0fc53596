/**
 * Data side of the spend chart, free of ECharts so it is cheap to import: input types, daily
 * normalisation, weekly bucketing, labels and the text alternative.
 */

export interface SpendChartDay {
  /** YYYY-MM-DD (a local calendar day). */
  day: string;
  productive: number;
  exploratory: number;
  wasteful: number;
  unclassified: number;
  /** Outcomes shipped that day (count). */
  outcomes: number;
}

export interface SpendChartInput {
  title: string;
  days: SpendChartDay[];
  currency?: 'USD';
}

/** Ranges longer than this many days are drawn per week. */
export const DAILY_MAX_DAYS = 31;

export const CLASSES = [
  { key: 'productive', name: 'Productive', color: '#2e9e5b' },
  { key: 'exploratory', name: 'Exploratory', color: '#3b7dd8' },
  { key: 'wasteful', name: 'Wasteful', color: '#d64545' },
  { key: 'unclassified', name: 'Unclassified', color: '#a3a8ae' },
] as const;

// ---------------------------------------------------------------------------------------------
// Data preparation (pure)

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Days since the epoch for a valid YYYY-MM-DD, else null. */
function dayNumber(day: string): number | null {
  const match = DAY_RE.exec(day);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
  return Math.round(ms / DAY_MS);
}

function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Negative, NaN and infinite values count as 0. */
function clamp(value: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function emptyDay(day: string): SpendChartDay {
  return { day, productive: 0, exploratory: 0, wasteful: 0, unclassified: 0, outcomes: 0 };
}

function addInto(target: SpendChartDay, row: SpendChartDay): void {
  target.productive += clamp(row.productive);
  target.exploratory += clamp(row.exploratory);
  target.wasteful += clamp(row.wasteful);
  target.unclassified += clamp(row.unclassified);
  target.outcomes += clamp(row.outcomes);
}

/**
 * Groups rows into buckets keyed by `bucketOf(dayNumber)`, filling empty buckets between the first
 * and last with zeros. Rows with an invalid day are dropped; values are clamped.
 */
function bucketRows(
  days: readonly SpendChartDay[],
  bucketOf: (n: number) => number,
  step: number,
): SpendChartDay[] {
  const buckets = new Map<number, SpendChartDay>();
  for (const row of days) {
    const n = row ? dayNumber(row.day) : null;
    if (n === null) continue;
    const key = bucketOf(n);
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = emptyDay(dayString(key));
      buckets.set(key, bucket);
    }
    addInto(bucket, row);
  }
  if (buckets.size === 0) return [];
  const keys = [...buckets.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const out: SpendChartDay[] = [];
  for (let key = first; key <= last; key += step) out.push(buckets.get(key) ?? emptyDay(dayString(key)));
  return out;
}

/** Sorted, one row per calendar day from the first to the last (gaps as zeros), values clamped. */
export function normalizeDays(days: readonly SpendChartDay[]): SpendChartDay[] {
  return bucketRows(days, (n) => n, 1);
}

/**
 * Sums days into weeks starting on Monday. Each row's `day` is that Monday (YYYY-MM-DD); weeks
 * from the first to the last are all present (empty ones as zeros). Invalid days are dropped,
 * negative/NaN values count as 0. The first and last week may be partial.
 */
export function bucketByWeek(days: readonly SpendChartDay[]): SpendChartDay[] {
  // Day 0 (1970-01-01) was a Thursday, so Monday-based weekday = (n + 3) mod 7.
  return bucketRows(days, (n) => n - ((((n + 3) % 7) + 7) % 7), 7);
}

export interface Prepared {
  unit: 'day' | 'week';
  rows: SpendChartDay[];
  /** Calendar days covered, first to last. */
  spanDays: number;
  totals: Omit<SpendChartDay, 'day'> & { spend: number };
}

export function prepare(input: SpendChartInput): Prepared {
  const daily = normalizeDays(input.days ?? []);
  const spanDays = daily.length;
  const unit = spanDays > DAILY_MAX_DAYS ? 'week' : 'day';
  const rows = unit === 'week' ? bucketByWeek(daily) : daily;
  const totals = { productive: 0, exploratory: 0, wasteful: 0, unclassified: 0, outcomes: 0, spend: 0 };
  for (const row of rows) {
    totals.productive += row.productive;
    totals.exploratory += row.exploratory;
    totals.wasteful += row.wasteful;
    totals.unclassified += row.unclassified;
    totals.outcomes += row.outcomes;
  }
  totals.spend = totals.productive + totals.exploratory + totals.wasteful + totals.unclassified;
  return { unit, rows, spanDays, totals };
}

// ---------------------------------------------------------------------------------------------
// Formatting (fixed en-US, no Intl, so output is identical everywhere)

export function withCommas(whole: number): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** $1,902 / $42.50 / $0 — for text. */
export function usd(amount: number): string {
  if (amount === 0) return '$0';
  if (amount < 0.005) return '<$0.01';
  if (amount >= 100) return `$${withCommas(Math.round(amount))}`;
  const cents = Math.round(amount * 100);
  return cents % 100 === 0 ? `$${cents / 100}` : `$${(cents / 100).toFixed(2)}`;
}

/** $0 / $50 / $1.5k / $12k / $1.2M — for axis ticks. */
export function usdTick(amount: number): string {
  const abs = Math.abs(amount);
  const trim = (v: number) => (v >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, ''));
  if (abs >= 1_000_000) return `$${trim(amount / 1_000_000)}M`;
  if (abs >= 1_000) return `$${trim(amount / 1_000)}k`;
  if (abs === 0 || Number.isInteger(amount)) return `$${amount}`;
  return `$${amount.toFixed(abs < 1 ? 2 : 1).replace(/\.?0+$/, '')}`;
}

function share(part: number, total: number): string {
  const pct = (part / total) * 100;
  const rounded = Math.round(pct);
  if (pct > 0 && rounded === 0) return '<1%';
  if (pct < 100 && rounded === 100) return '>99%';
  return `${rounded}%`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function axisLabel(day: string, unit: 'day' | 'week', count: number): string {
  const n = dayNumber(day) ?? 0;
  const date = new Date(n * DAY_MS);
  const short = `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`;
  if (unit === 'week') return short;
  if (count <= 8) return `${WEEKDAYS[(((n + 3) % 7) + 7) % 7]}\n${short}`;
  return short;
}

function plural(n: number, one: string, many: string): string {
  return `${withCommas(n)} ${n === 1 ? one : many}`;
}

/**
 * One-sentence text alternative, e.g. "Spend per day, stacked by class: productive $1,200 (63%),
 * exploratory $500 (26%), wasteful $200 (11%); total $1,900 over 7 days; 14 outcomes."
 * Classes with no spend are left out.
 */
export function chartAltText(input: SpendChartInput): string {
  const { unit, rows, spanDays, totals } = prepare(input);
  const parts = CLASSES.filter((c) => totals[c.key] > 0).map(
    (c) => `${c.key} ${usd(totals[c.key])} (${share(totals[c.key], totals.spend)})`,
  );
  const breakdown = rows.length === 0 ? 'no data' : parts.length === 0 ? 'no spend' : parts.join(', ');
  const span =
    unit === 'week'
      ? `${plural(spanDays, 'day', 'days')} (${plural(rows.length, 'week', 'weeks')})`
      : plural(spanDays, 'day', 'days');
  const outcomes = plural(Math.round(totals.outcomes), 'outcome', 'outcomes');
  return `Spend per ${unit}, stacked by class: ${breakdown}; total ${usd(totals.spend)} over ${span}; ${outcomes}.`;
}
