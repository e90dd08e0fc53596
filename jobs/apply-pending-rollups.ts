import type { AppDeps } from '../src/deps.ts';
import { applyPendingRollups } from '../src/store/rollups.ts';

export const APPLY_PENDING_ROLLUPS_JOB = 'apply-pending-rollups';

/** Increments younger than this are still being applied by the request that parked them. */
const STRANDED_AFTER_MS = 60_000;

/**
 * Rollup increments are parked on the session in the same atomic write as the change they come from, then
 * applied. If the process died in between, they stay parked; this applies them (exactly once, see
 * applyPendingRollups), so a crash never leaves spend missing from or misfiled in rollups_daily.
 */
export async function applyStrandedRollups(deps: Pick<AppDeps, 'collections' | 'now'>): Promise<number> {
  const cutoff = new Date(deps.now().getTime() - STRANDED_AFTER_MS);
  const stranded = await deps.collections.sessions
    .find(
      { 'pendingRollups.0': { $exists: true }, updatedAt: { $lte: cutoff } },
      { projection: { _id: 1, pendingRollups: 1 } },
    )
    .limit(500)
    .toArray();
  for (const session of stranded) await applyPendingRollups(deps.collections, session);
  return stranded.length;
}
