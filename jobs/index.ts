import type { Agenda } from 'agenda';
import type { AppDeps } from '../src/deps.ts';
import { HEARTBEAT_JOB, runHeartbeat } from './heartbeat.ts';

/** Define every job with its dependencies passed in; schedule the recurring ones (idempotent upserts). */
export async function registerJobs(agenda: Agenda, deps: AppDeps): Promise<void> {
  agenda.define(HEARTBEAT_JOB, () => runHeartbeat(deps));
  await agenda.every('1 minute', HEARTBEAT_JOB);
}
