/** Token counts from telemetry: finite, non-negative integers; anything else counts as 0. */
export function tokenCount(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** Costs from telemetry: finite and non-negative; anything else counts as 0. */
export function costAmount(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
