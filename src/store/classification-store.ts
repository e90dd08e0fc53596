import { ObjectId } from 'mongodb';
import type { Collections, PendingRollupDoc, SessionDoc } from '../db/collections.ts';
import {
  applyClassification,
  type ClassificationState,
  isObjectIdHex,
  MAX_CLASSIFICATION_HISTORY,
  undoClassification as undoInDomain,
} from '../domain/classification.ts';
import type { Classification, ClassificationAudit, SessionClass } from '../domain/types.ts';
import {
  applyPendingRollups,
  equalOrAbsent,
  moveSessionSpend,
  pendingId,
  type RollupIncrement,
} from './rollups.ts';

/** What a classification write reads: the answer, and what its spend move is computed from. */
const MOVE_PROJECTION = {
  classification: 1,
  classificationHistory: 1,
  slackUserId: 1,
  identityKey: 1,
  team: 1,
  costByDay: 1,
  costKind: 1,
  repo: 1,
} as const;

/**
 * Writing a session's class. Every write is ONE atomic findOneAndUpdate guarded by the classification the
 * write was computed from (compare-and-swap; a lost race re-reads and recomputes), with returnDocument
 * 'before', so the spend moved between classes in rollups_daily is exactly what the session had at that
 * moment — concurrent usage folds and classifications commute (see rollups.ts).
 *
 * Last write wins, ordered by `at` (domain/classification.ts): a click processed late cannot overwrite a
 * newer answer, and every write, stale or not, leaves an entry in classificationHistory.
 */

export interface RecordClassificationInput {
  sessionId: ObjectId | string;
  class: SessionClass;
  by: Classification['by'];
  /** Slack user id of whoever answers (the engineer, a manager, or the owner for `auto`). */
  userId: string;
  note?: string;
  at: Date;
  /** Self-classification: write only when the session belongs to this Slack user. */
  ownerId?: string;
  /** Write only while the session has no answer (auto-accept never overrides a person). */
  onlyIfUnclassified?: boolean;
  /** Without a note of its own, keep the note of the current answer (a one-click change keeps it). */
  keepNote?: boolean;
}

export interface UndoClassificationInput {
  sessionId: ObjectId | string;
  by: Classification['by'];
  userId: string;
  at: Date;
  ownerId?: string;
}

export type ClassificationWrite =
  | {
      /** recorded: the answer changed; stale: audited only (a newer answer exists); unchanged: same answer again. */
      status: 'recorded' | 'stale' | 'unchanged';
      /** The session as it is after this write. */
      session: SessionDoc;
      /** Spend moved in rollups_daily (empty unless the class changed). */
      moved: RollupIncrement[];
    }
  | { status: 'not_found' }
  | { status: 'forbidden'; ownerId?: string }
  | { status: 'already_classified'; session: SessionDoc };

/** Lost compare-and-swap races before giving up (each loss means someone else's write landed). */
const MAX_ATTEMPTS = 8;

export class ClassificationConflictError extends Error {
  constructor(sessionId: string) {
    super(`classification of session ${sessionId} kept changing under us; not written`);
    this.name = 'ClassificationConflictError';
  }
}

export function toObjectId(id: ObjectId | string): ObjectId | undefined {
  if (id instanceof ObjectId) return id;
  return isObjectIdHex(id) ? new ObjectId(id) : undefined;
}

/** Matches a session whose classification is still exactly `current` (or still absent). */
function unchangedSince(current: Classification | undefined | null): Record<string, unknown> {
  if (!current) return { classification: { $exists: false } };
  return {
    'classification.class': current.class,
    'classification.by': current.by,
    'classification.userId': current.userId,
    'classification.at': current.at,
  };
}

type Computed = {
  state: ClassificationState;
  entry?: ClassificationAudit;
  /**
   * The same answer again, but newer: only its time moves forward (no audit entry, no spend to move), so
   * an older click processed after it still counts as older — last write wins by time, not arrival.
   */
  newerAt?: Date;
};

async function writeWithRetry(
  collections: Collections,
  input: { sessionId: ObjectId | string; at: Date; ownerId?: string; onlyIfUnclassified?: boolean },
  compute: (session: SessionDoc) => Computed,
): Promise<ClassificationWrite> {
  const _id = toObjectId(input.sessionId);
  if (!_id) return { status: 'not_found' };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await collections.sessions.findOne({ _id }, { projection: MOVE_PROJECTION });
    if (!current) return { status: 'not_found' };
    if (input.ownerId !== undefined && current.slackUserId !== input.ownerId) {
      return { status: 'forbidden', ...(current.slackUserId ? { ownerId: current.slackUserId } : {}) };
    }
    if (input.onlyIfUnclassified && current.classification) {
      const full = await collections.sessions.findOne({ _id });
      return full ? { status: 'already_classified', session: full } : { status: 'not_found' };
    }
    const { state, entry, newerAt } = compute(current);
    if (newerAt && current.classification) {
      const refreshed = await collections.sessions.findOneAndUpdate(
        { _id, ...unchangedSince(current.classification) },
        { $set: { 'classification.at': newerAt } },
        { returnDocument: 'after' },
      );
      if (!refreshed) continue;
      return { status: 'unchanged', session: refreshed, moved: [] };
    }
    if (!state.changed || !entry) {
      const full = await collections.sessions.findOne({ _id });
      return full ? { status: 'unchanged', session: full, moved: [] } : { status: 'not_found' };
    }
    // The spend to move is computed from the session as read, and parked on it in the same atomic update
    // (which only applies while the session is still as read), so a crash before the rollup write is
    // repaired later (applyPendingRollups) rather than leaving the spend under the old class.
    const nextClassification = state.stale ? current.classification : state.classification;
    const increments = moveSessionSpend(current, { ...current, classification: nextClassification });
    const pending: PendingRollupDoc | undefined = increments.length
      ? { id: pendingId(), increments }
      : undefined;
    const push = {
      classificationHistory: { $each: [entry], $slice: -MAX_CLASSIFICATION_HISTORY },
      ...(pending ? { pendingRollups: pending } : {}),
    };
    const update = state.stale
      ? { $push: push }
      : state.classification
        ? { $set: { classification: state.classification, updatedAt: input.at }, $push: push }
        : { $unset: { classification: '' as const }, $set: { updatedAt: input.at }, $push: push };
    const before = await collections.sessions.findOneAndUpdate(
      {
        _id,
        ...unchangedSince(current.classification),
        ...equalOrAbsent('costByDay', current.costByDay),
        ...equalOrAbsent('slackUserId', current.slackUserId),
        ...equalOrAbsent('team', current.team),
      },
      update,
      { returnDocument: 'before' },
    );
    if (!before) continue;
    if (pending) await applyPendingRollups(collections, { _id, pendingRollups: [pending] });
    const after: SessionDoc = {
      ...before,
      classificationHistory: [...(before.classificationHistory ?? []), entry].slice(
        -MAX_CLASSIFICATION_HISTORY,
      ),
    };
    if (state.classification) after.classification = state.classification;
    else delete after.classification;
    return { status: state.stale ? 'stale' : 'recorded', session: after, moved: increments };
  }
  throw new ClassificationConflictError(String(input.sessionId));
}

function classify(collections: Collections, input: RecordClassificationInput) {
  return writeWithRetry(collections, input, (session) => {
    const note = input.note ?? (input.keepNote ? session.classification?.note : undefined);
    const next: Classification = {
      class: input.class,
      by: input.by,
      userId: input.userId,
      at: input.at,
      ...(note ? { note } : {}),
    };
    const state = applyClassification(session.classification, session.classificationHistory ?? [], next);
    const current = session.classification;
    if (!state.changed && current && next.at.getTime() > current.at.getTime()) {
      return { state, newerAt: next.at };
    }
    return { state, entry: state.changed ? state.history.at(-1) : undefined };
  });
}

/** Record one answer and move the session's spend between classes in rollups_daily. */
export async function recordClassification(
  collections: Collections,
  input: RecordClassificationInput,
): Promise<ClassificationWrite> {
  return classify(collections, input);
}

/** Many answers at once ("classify all remaining as …"): one rollup bulk write for all of them. */
export async function recordClassifications(
  collections: Collections,
  inputs: readonly RecordClassificationInput[],
): Promise<ClassificationWrite[]> {
  const results: ClassificationWrite[] = [];
  for (const input of inputs) results.push(await classify(collections, input));
  return results;
}

/** Back to unclassified; the removed answer stays in the audit history (`undone: true`). */
export async function undoClassification(
  collections: Collections,
  input: UndoClassificationInput,
): Promise<ClassificationWrite> {
  return writeWithRetry(collections, input, (session) => {
    const state = undoInDomain(session.classification, session.classificationHistory ?? [], {
      userId: input.userId,
      by: input.by,
      at: input.at,
    });
    return { state, entry: state.changed ? state.history.at(-1) : undefined };
  });
}
