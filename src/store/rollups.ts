import { randomBytes } from 'node:crypto';
import type { AnyBulkWriteOperation } from 'mongodb';
import type { Collections, RollupDoc, SessionDoc } from '../db/collections.ts';
import { encodeKey } from '../db/collections.ts';
import type { ClassOrUnclassified, RollupIncrement } from '../domain/types.ts';

/**
 * rollups_daily holds spend per (UTC day, team, person, class). Digests and summaries read only these rows,
 * so their cost does not grow with the number of raw events.
 *
 * Consistency without transactions: every change is an $inc derived from one atomic session update.
 * An event's increment goes to the class the session had in that same update; a classification change
 * moves exactly the per-day cost the session had at that moment. The two commute, so concurrent events
 * and classifications never leave spend in the wrong class.
 */

/** The person key of a rollup row: the Slack user, or the telemetry identity while unmapped. */
export function rollupPerson(session: Pick<SessionDoc, 'slackUserId' | 'identityKey'>): string {
  return session.slackUserId ?? `unmapped:${session.identityKey}`;
}

export function rollupTeam(session: Pick<SessionDoc, 'team'>): string {
  return session.team ?? '';
}

export function sessionClass(session: Pick<SessionDoc, 'classification'>): ClassOrUnclassified {
  return session.classification?.class ?? 'unclassified';
}

export type { RollupIncrement };

type RollupKey = Pick<RollupIncrement, 'day' | 'team' | 'person' | 'class'>;

/** Increments merged per rollup row: the row's key and its $inc. */
function rollupRowIncrements(
  increments: RollupIncrement[],
): { key: RollupKey; inc: Record<string, number> }[] {
  const merged = new Map<string, { key: RollupKey; inc: Record<string, number> }>();
  for (const increment of increments) {
    const id = `${increment.day}|${increment.team}|${increment.person}|${increment.class}`;
    const entry = merged.get(id) ?? {
      key: { day: increment.day, team: increment.team, person: increment.person, class: increment.class },
      inc: {},
    };
    const add = (field: string, value: number) => {
      if (value !== 0) entry.inc[field] = (entry.inc[field] ?? 0) + value;
    };
    add('costUsd', increment.costUsd);
    add('estimatedCostUsd', increment.estimatedCostUsd);
    add('tokens', increment.tokens);
    if (increment.repo) add(`byRepo.${encodeKey(increment.repo)}`, increment.costUsd);
    if (increment.model) add(`byModel.${encodeKey(increment.model)}`, increment.costUsd);
    merged.set(id, entry);
  }
  return [...merged.values()].filter((entry) => Object.keys(entry.inc).length > 0);
}

/** Turn increments into one bulk write; rows are created on first use. */
export function rollupOperations(increments: RollupIncrement[]): AnyBulkWriteOperation<RollupDoc>[] {
  return rollupRowIncrements(increments).map(({ key, inc }) => ({
    updateOne: {
      filter: key,
      update: { $inc: inc, $setOnInsert: key },
      upsert: true,
    },
  }));
}

export async function applyRollupIncrements(
  collections: Collections,
  increments: RollupIncrement[],
): Promise<void> {
  const operations = rollupOperations(increments);
  if (operations.length === 0) return;
  try {
    await collections.rollupsDaily.bulkWrite(operations, { ordered: false });
  } catch (error) {
    // Two first writers of the same new row race on the unique index: retry once, the row now exists.
    if ((error as { code?: number }).code !== 11000 && !String(error).includes('E11000')) throw error;
    await collections.rollupsDaily.bulkWrite(operations, { ordered: false });
  }
}

/** Filter part: the field still has this value (or is still absent). For compare-and-swap updates. */
export function equalOrAbsent(field: string, value: unknown): Record<string, unknown> {
  return value === undefined ? { [field]: { $exists: false } } : { [field]: value };
}

/** Id of one parked set of rollup increments (SessionDoc.pendingRollups). */
export function pendingId(): string {
  return randomBytes(9).toString('base64url');
}

/** How many applied pending-rollup ids a rollup row remembers: enough to cover a sender's retry window. */
export const APPLIED_FOLDS_KEPT = 32;

/**
 * Apply a session's parked fold increments (SessionDoc.pendingRollups) exactly once, then unpark them.
 *
 * Each row update carries the entry's id: the filter skips a row that already lists it, and the update records
 * it (the last APPLIED_FOLDS_KEPT ids). A row that lists it makes the upsert collide with the unique key,
 * which means "already applied". So a failure anywhere — after the fold, between rows, before the unpark —
 * is repaired by running this again (the sender's retry does), never counted twice.
 */
export async function applyPendingRollups(
  collections: Pick<Collections, 'rollupsDaily' | 'sessions'>,
  session: Pick<SessionDoc, '_id' | 'pendingRollups'>,
): Promise<void> {
  for (const entry of session.pendingRollups ?? []) {
    for (const { key, inc } of rollupRowIncrements(entry.increments)) {
      const filter = { ...key, appliedFolds: { $ne: entry.id } };
      const update = {
        $inc: inc,
        $setOnInsert: key,
        $push: { appliedFolds: { $each: [entry.id], $slice: -APPLIED_FOLDS_KEPT } },
      };
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await collections.rollupsDaily.updateOne(filter, update, { upsert: true });
          break;
        } catch (error) {
          // First attempt: two writers created the row at once (retry: it exists now).
          // Second attempt: the row exists and already lists this entry.
          if ((error as { code?: number }).code !== 11000) throw error;
        }
      }
    }
    await collections.sessions.updateOne(
      { _id: session._id },
      { $pull: { pendingRollups: { id: entry.id } } },
    );
  }
}

/**
 * Move a session's spend between classes (or people/teams, when a session is mapped later).
 * `before` must be the session as it was inside the atomic update that changed it.
 */
export function moveSessionSpend(
  before: Pick<
    SessionDoc,
    'costByDay' | 'slackUserId' | 'identityKey' | 'team' | 'classification' | 'costKind' | 'repo'
  >,
  after: Pick<SessionDoc, 'slackUserId' | 'identityKey' | 'team' | 'classification'>,
): RollupIncrement[] {
  const from = { team: rollupTeam(before), person: rollupPerson(before), class: sessionClass(before) };
  const to = { team: rollupTeam(after), person: rollupPerson(after), class: sessionClass(after) };
  if (from.team === to.team && from.person === to.person && from.class === to.class) return [];
  const estimated = before.costKind === 'estimated';
  return Object.entries(before.costByDay ?? {}).flatMap(([day, cost]) => [
    { day, ...from, costUsd: -cost, estimatedCostUsd: estimated ? -cost : 0, tokens: 0, repo: before.repo },
    { day, ...to, costUsd: cost, estimatedCostUsd: estimated ? cost : 0, tokens: 0, repo: before.repo },
  ]);
}
