import type { Agenda } from 'agenda';
import type { AppDeps } from '../src/deps.ts';
import { APPLY_PENDING_ROLLUPS_JOB, applyStrandedRollups } from './apply-pending-rollups.ts';
import { BUDGET_ALERTS_INTERVAL, BUDGET_ALERTS_JOB, runBudgetAlerts } from './budget-alerts.ts';
import {
  CLOSE_IDLE_SESSIONS_JOB,
  closeIdleSessions,
  type SessionsClosedHook,
} from './close-idle-sessions.ts';
import { registerDigestJobs } from './digest.ts';
import { HEARTBEAT_JOB, runHeartbeat } from './heartbeat.ts';
import {
  LINK_SESSIONS_EVERY,
  LINK_SESSIONS_JOB,
  linkClosedSessions,
  runLinkSessions,
} from './link-sessions.ts';
import { PROMPT_DUE_INTERVAL, PROMPT_DUE_JOB, promptOnSessionsClosed, runPromptDue } from './prompt-due.ts';
import { RESOLVE_IDENTITIES_JOB, resolveIdentities } from './resolve-identities.ts';

/** What happens when sessions close: features add their step here (prompts, issue linking). */
export const SESSION_CLOSED_HOOKS: SessionsClosedHook[] = [
  // First, so prompts sent for these sessions already show their linked issues.
  linkClosedSessions,
  // Immediate-mode people get their classify DM now; everyone else at their local slot (PROMPT_DUE_JOB).
  promptOnSessionsClosed,
];

/** Define every job with its dependencies passed in; schedule the recurring ones (idempotent upserts). */
export async function registerJobs(agenda: Agenda, deps: AppDeps): Promise<void> {
  agenda.define(HEARTBEAT_JOB, () => runHeartbeat(deps));
  await agenda.every('1 minute', HEARTBEAT_JOB);

  agenda.define(CLOSE_IDLE_SESSIONS_JOB, async () => {
    await closeIdleSessions(deps, SESSION_CLOSED_HOOKS);
  });
  await agenda.every('1 minute', CLOSE_IDLE_SESSIONS_JOB);
  agenda.define(RESOLVE_IDENTITIES_JOB, async () => {
    await resolveIdentities(deps);
  });
  await agenda.every('5 minutes', RESOLVE_IDENTITIES_JOB);
  agenda.define(APPLY_PENDING_ROLLUPS_JOB, async () => {
    await applyStrandedRollups(deps);
  });
  await agenda.every('1 minute', APPLY_PENDING_ROLLUPS_JOB);
  agenda.define(PROMPT_DUE_JOB, async () => {
    await runPromptDue(deps);
  });
  await agenda.every(PROMPT_DUE_INTERVAL, PROMPT_DUE_JOB);
  agenda.define(BUDGET_ALERTS_JOB, async () => {
    await runBudgetAlerts(deps);
  });
  await agenda.every(BUDGET_ALERTS_INTERVAL, BUDGET_ALERTS_JOB);
  agenda.define(LINK_SESSIONS_JOB, async () => {
    await runLinkSessions(deps);
  });
  await agenda.every(LINK_SESSIONS_EVERY, LINK_SESSIONS_JOB);
  // One job per digest subscription, each rescheduling itself to the next local run.
  await registerDigestJobs(agenda, deps);
}
