import type { SessionDoc } from '../src/db/collections.ts';
import type { AppDeps } from '../src/deps.ts';
import { applyRollupIncrements, rollupPerson, rollupTeam, sessionClass } from '../src/store/rollups.ts';
import { utcDay } from '../src/store/usage-store.ts';

export const CLOSE_IDLE_SESSIONS_JOB = 'close-idle-sessions';

/** Called with the sessions this run closed (classification prompts, issue linking). */
export type SessionsClosedHook = (deps: AppDeps, sessions: SessionDoc[]) => Promise<void>;

/**
 * Close sessions with no event for SESSION_IDLE_MINUTES. Closing is atomic per session (the filter requires
 * closedAt unset), so two instances never close — or count — the same session twice.
 * Sessions that sent metrics but no api_request event get their metric cost counted here, once.
 */
export async function closeIdleSessions(deps: AppDeps, onClosed: SessionsClosedHook[] = []): Promise<number> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - deps.config.SESSION_IDLE_MINUTES * 60_000);
  const idle = await deps.collections.sessions
    .find({ closedAt: { $exists: false }, lastEventAt: { $lte: cutoff } }, { projection: { _id: 1 } })
    .limit(500)
    .toArray();
  const closed: SessionDoc[] = [];
  for (const { _id } of idle) {
    const session = await deps.collections.sessions.findOneAndUpdate(
      { _id, closedAt: { $exists: false }, lastEventAt: { $lte: cutoff } },
      { $set: { closedAt: now } },
      { returnDocument: 'after' },
    );
    if (!session) continue;
    closed.push(await countMetricCostIfNoEvents(deps, session));
  }
  for (const hook of onClosed) {
    try {
      await hook(deps, closed);
    } catch (error) {
      deps.logger.error({ err: error }, 'session-closed hook failed');
    }
  }
  return closed.length;
}

/** Metric-only sessions: the metric cost becomes the session's cost (on its last day), exactly once. */
async function countMetricCostIfNoEvents(deps: AppDeps, session: SessionDoc): Promise<SessionDoc> {
  const metricCost = session.metricCostUsd ?? 0;
  if (session.costSource === 'events' || session.apiRequests > 0 || metricCost <= 0) return session;
  const day = utcDay(session.lastEventAt);
  const updated = await deps.collections.sessions.findOneAndUpdate(
    { _id: session._id, costSource: { $exists: false }, apiRequests: { $not: { $gt: 0 } } },
    {
      $set: { costSource: 'metrics', costKind: 'estimated' },
      $inc: { costUsd: metricCost, [`costByDay.${day}`]: metricCost },
    },
    { returnDocument: 'after' },
  );
  if (!updated) return session;
  await applyRollupIncrements(deps.collections, [
    {
      day,
      team: rollupTeam(updated),
      person: rollupPerson(updated),
      class: sessionClass(updated),
      costUsd: metricCost,
      estimatedCostUsd: metricCost,
      tokens: updated.metricTokens ?? 0,
      repo: updated.repo,
    },
  ]);
  return updated;
}
