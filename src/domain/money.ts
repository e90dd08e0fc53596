/**
 * Number formatting for Slack text. Fixed en-US style so output is the same on every machine.
 * Percentages are passed as percent values (71.4 → "71%"), never as fractions.
 */

function withCommas(whole: number): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export interface UsdOptions {
  /** "$4.2k", "$1.3M" above $10,000. */
  compact?: boolean;
}

/**
 * $4,210 / $111 / $42.50 / $0.42 / <$0.01. Amounts of $100 or more are whole dollars;
 * smaller amounts keep cents unless they are whole ($50).
 */
export function formatUsd(amount: number, options: UsdOptions = {}): string {
  if (!Number.isFinite(amount)) return 'n/a';
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  if (abs === 0) return '$0';
  if (abs < 0.005) return '<$0.01';
  if (options.compact && abs >= 10_000) {
    const [value, unit] = abs >= 1_000_000 ? [abs / 1_000_000, 'M'] : [abs / 1_000, 'k'];
    const text = value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
    return `${sign}$${text}${unit}`;
  }
  if (abs >= 100) return `${sign}$${withCommas(Math.round(abs))}`;
  const cents = Math.round(abs * 100);
  if (cents % 100 === 0) return `${sign}$${cents / 100}`;
  return `${sign}$${(cents / 100).toFixed(2)}`;
}

/**
 * 71.4 → "71%"; values between 0 and 1 show as "<1%", between 99 and 100 as ">99%", so a
 * small share never reads as zero and an incomplete one never reads as complete.
 */
export function formatPct(percent: number, digits = 0): string {
  if (!Number.isFinite(percent)) return 'n/a';
  const factor = 10 ** digits;
  const rounded = Math.round(percent * factor) / factor;
  if (percent > 0 && rounded === 0) return `<${1 / factor}%`;
  if (percent < 100 && rounded === 100 && digits === 0) return '>99%';
  return `${rounded.toFixed(digits)}%`;
}

/** A fraction 0-1 shown as a percent. */
export function formatShare(share: number, digits = 0): string {
  return formatPct(share * 100, digits);
}

/** Relative change in percent, or null when there is nothing to compare with. */
export function changePct(
  current: number | null | undefined,
  previous: number | null | undefined,
): number | null {
  if (current == null || previous == null || !Number.isFinite(current) || !Number.isFinite(previous))
    return null;
  if (previous === 0) return current === 0 ? 0 : null;
  return ((current - previous) / previous) * 100;
}

/**
 * "down 14%" / "up 3%" / "flat" (under 1% either way) / "new" (nothing before) /
 * "n/a" (no current value).
 */
export function formatChange(
  current: number | null | undefined,
  previous: number | null | undefined,
): string {
  if (current == null || !Number.isFinite(current)) return 'n/a';
  if (previous == null || !Number.isFinite(previous) || (previous === 0 && current !== 0)) return 'new';
  const change = changePct(current, previous) ?? 0;
  const rounded = Math.round(Math.abs(change));
  if (rounded < 1) return 'flat';
  return `${change > 0 ? 'up' : 'down'} ${rounded}%`;
}

/** 45s / 12m / 2h 05m / 3d 4h. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  const days = Math.floor(hours / 24);
  return `${days}d ${hours % 24}h`;
}
