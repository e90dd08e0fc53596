/**
 * A Linear issue's outcome follows the issue's state as stored in `linear_issues` (newest Linear updatedAt
 * wins, see src/linear/cache.ts):
 * - completed or canceled → the `outcomes` record (kind linear_issue, ref = identifier) is created or updated,
 *   and every session linked to the issue is attached;
 * - any other state → an existing record becomes `reopened` without completedAt; its links are kept.
 * No issue state ever creates an outcome that is not closed.
 *
 * Ordering without transactions: each write to the outcome is guarded by `stateAt` (older states never
 * overwrite newer ones), and after writing we re-read the issue: if a newer state arrived meanwhile, it is
 * applied too. So two deliveries racing in either order end in the state of the newer one.
 */
import type { ObjectId } from 'mongodb';
import type { LinearIssueDoc, OutcomeDoc } from '../db/collections.ts';
import type { Outcome } from '../domain/types.ts';
import { isDuplicateKey } from '../linear/cache.ts';
import type { OutcomeDeps } from './deps.ts';
import { attachIssueSessions } from './links.ts';

const MAX_ROUNDS = 5;

function closedState(stateType: string): Extract<Outcome['state'], 'completed' | 'canceled'> | undefined {
  if (stateType === 'completed') return 'completed';
  if (stateType === 'canceled') return 'canceled';
  return undefined;
}

export async function syncIssueOutcome(deps: Pick<OutcomeDeps, 'collections' | 'now'>, identifier: string) {
  const { collections } = deps;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const issue = await collections.linearIssues.findOne({ identifier });
    if (!issue) return;
    const at = issue.stateAt ?? issue.fetchedAt;
    const state = closedState(issue.stateType);
    if (state) {
      const outcomeId = await writeClosedOutcome(deps, issue, state, at);
      if (outcomeId) await attachIssueSessions(collections, identifier, outcomeId);
    } else {
      await collections.outcomes.updateOne(
        {
          kind: 'linear_issue',
          ref: identifier,
          $or: [{ stateAt: { $exists: false } }, { stateAt: { $lt: at } }],
        },
        { $set: { state: 'reopened', stateAt: at, updatedAt: deps.now() }, $unset: { completedAt: '' } },
      );
    }
    const latest = await collections.linearIssues.findOne(
      { identifier },
      { projection: { stateAt: 1, fetchedAt: 1 } },
    );
    const latestAt = latest?.stateAt ?? latest?.fetchedAt;
    if (!latestAt || latestAt.getTime() <= at.getTime()) return;
  }
}

/** Create or update the closed outcome unless a newer state is recorded; returns its id either way. */
async function writeClosedOutcome(
  deps: Pick<OutcomeDeps, 'collections' | 'now'>,
  issue: LinearIssueDoc,
  state: 'completed' | 'canceled',
  at: Date,
): Promise<ObjectId | undefined> {
  const now = deps.now();
  const closedAt = (state === 'completed' ? issue.completedAt : issue.canceledAt) ?? at;
  const details: OutcomeDoc['details'] = { linearId: issue.linearId };
  if (issue.teamKey) details.teamKey = issue.teamKey;
  const set: Partial<OutcomeDoc> = {
    state,
    completedAt: closedAt,
    title: issue.title,
    stateAt: at,
    updatedAt: now,
    details,
  };
  if (issue.url) set.url = issue.url;
  if (issue.team) set.team = issue.team;
  if (issue.project) set.project = issue.project;
  try {
    await deps.collections.outcomes.updateOne(
      {
        kind: 'linear_issue',
        ref: issue.identifier,
        $or: [{ stateAt: { $exists: false } }, { stateAt: { $lt: at } }],
      },
      { $set: set, $setOnInsert: { createdAt: now, sessionIds: [] } },
      { upsert: true },
    );
  } catch (error) {
    // A state at least as new is already recorded.
    if (!isDuplicateKey(error)) throw error;
  }
  const outcome = await deps.collections.outcomes.findOne(
    { kind: 'linear_issue', ref: issue.identifier },
    { projection: { _id: 1 } },
  );
  return outcome?._id;
}
