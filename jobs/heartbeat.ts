import type { AppDeps } from '../src/deps.ts';

export const HEARTBEAT_JOB = 'heartbeat';

/** Proves the scheduler works end to end: each run records when it ran and how often. */
export async function runHeartbeat(deps: Pick<AppDeps, 'collections' | 'now'>): Promise<void> {
  await deps.collections.heartbeats.updateOne(
    { _id: HEARTBEAT_JOB },
    { $set: { lastRunAt: deps.now() }, $inc: { runs: 1 } },
    { upsert: true },
  );
}
