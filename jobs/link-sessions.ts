import type { SessionDoc } from '../src/db/collections.ts';
import type { AppDeps } from '../src/deps.ts';
import { linkSessionIssues } from '../src/outcomes/auto-link.ts';
import { linearFor } from '../src/outcomes/linear.ts';

export const LINK_SESSIONS_JOB = 'link-sessions';
export const LINK_SESSIONS_EVERY = '5 minutes';

/** Sessions changed longer ago than this are left alone (their links are settled). */
const LOOKBACK_MS = 30 * 86_400_000;
/** Links Linear could not confirm are retried after this long. */
const RETRY_PENDING_MS = 10 * 60_000;
const BATCH = 200;
/** Without a Linear webhook, linked open issues are re-read this often (at most REFRESH_BATCH per run). */
const REFRESH_AFTER_MS = 60 * 60_000;
const REFRESH_BATCH = 20;

export interface LinkSessionsRun {
  sessions: number;
  linked: number;
  refreshed: number;
}

/**
 * Link recently changed sessions to Linear issues and to outcomes recorded before they were linked:
 * sessions never checked, changed since their last check (new events may bring a branch or an issue), given a
 * link since, or with links Linear could not confirm yet. Agenda runs it on one instance at a time; every
 * write is idempotent.
 */
export async function runLinkSessions(deps: Pick<AppDeps, 'config' | 'collections' | 'logger' | 'now'>) {
  const now = deps.now();
  const sessions = await deps.collections.sessions
    .find(
      {
        $and: [
          {
            $or: [
              { updatedAt: { $gte: new Date(now.getTime() - LOOKBACK_MS) } },
              { lastEventAt: { $gte: new Date(now.getTime() - LOOKBACK_MS) } },
            ],
          },
          {
            $or: [
              { linkCheckedAt: { $exists: false } },
              { $expr: { $gt: ['$updatedAt', '$linkCheckedAt'] } },
              // A link added since (e.g. from the classify modal) may belong to an outcome recorded earlier.
              { $expr: { $gt: [{ $max: '$links.at' }, '$linkCheckedAt'] } },
              // Pending links are worth asking about again only when Linear can be asked.
              ...(linearFor(deps).enabled
                ? [
                    {
                      links: { $elemMatch: { confirmed: false, checkedAt: { $exists: false } } },
                      linkCheckedAt: { $lt: new Date(now.getTime() - RETRY_PENDING_MS) },
                    },
                  ]
                : []),
            ],
          },
        ],
      },
      { projection: { _id: 1 } },
    )
    .sort({ lastEventAt: -1 })
    .limit(BATCH)
    .toArray();
  const results = await linkSessionIssues(
    deps,
    sessions.flatMap((s) => (s._id ? [s._id] : [])),
  );
  const refreshed = await refreshLinkedIssues(deps, now);
  const run: LinkSessionsRun = {
    sessions: sessions.length,
    linked: results.reduce((sum, r) => sum + r.added.length, 0),
    refreshed,
  };
  if (run.sessions || run.refreshed) deps.logger.info(run, 'link-sessions run');
  return run;
}

/** Session-closed hook (jobs/close-idle-sessions.ts): link the sessions that just closed. */
export async function linkClosedSessions(deps: AppDeps, sessions: SessionDoc[]): Promise<void> {
  await linkSessionIssues(
    deps,
    sessions.flatMap((s) => (s._id ? [s._id] : [])),
  );
}

/**
 * With no Linear webhook configured, issue completions are only seen by reading the issue: re-read linked
 * issues that are still open and were last read over an hour ago (a few per run, to stay far from Linear's
 * rate limits). Reads that find an issue closed record its outcome (src/outcomes/linear.ts).
 */
async function refreshLinkedIssues(
  deps: Pick<AppDeps, 'config' | 'collections' | 'logger' | 'now'>,
  now: Date,
): Promise<number> {
  const linear = linearFor(deps);
  if (!linear.enabled || deps.config.LINEAR_WEBHOOK_SECRET) return 0;
  const linked = await deps.collections.sessions.distinct('links.identifier', {
    lastEventAt: { $gte: new Date(now.getTime() - LOOKBACK_MS) },
    'links.confirmed': true,
  });
  if (linked.length === 0) return 0;
  const stale = await deps.collections.linearIssues
    .find(
      {
        identifier: { $in: linked },
        stateType: { $nin: ['completed', 'canceled'] },
        fetchedAt: { $lt: new Date(now.getTime() - REFRESH_AFTER_MS) },
      },
      { projection: { identifier: 1 } },
    )
    .sort({ fetchedAt: 1 })
    .limit(REFRESH_BATCH)
    .toArray();
  let refreshed = 0;
  for (const issue of stale) {
    const lookup = await linear.getIssue(issue.identifier, { refresh: true });
    if (lookup.status === 'unavailable') break;
    refreshed += 1;
  }
  return refreshed;
}
