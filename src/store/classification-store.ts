import { ObjectId } from 'mongodb';
import type { Collections, SessionDoc } from '../db/collections.ts';
import {
  applyClassification,
  type ClassificationState,
  isObjectIdHex,
  MAX_CLASSIFICATION_HISTORY,
  undoClassification as undoInDomain,
} from '../domain/classification.ts';
import type { Classification, ClassificationAudit, SessionClass } from '../domain/types.ts';
import { applyRollupIncrements, moveSessionSpend, type RollupIncrement } from './rollups.ts';

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
  input: { sessionId: ObjectId | string; ownerId?: string; onlyIfUnclassified?: boolean },
  compute: (session: SessionDoc) => Computed,
): Promise<ClassificationWrite & { increments?: RollupIncrement[] }> {
  const _id = toObjectId(input.sessionId);
  if (!_id) return { status: 'not_found' };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await collections.sessions.findOne(
      { _id },
      { projection: { classification: 1, classificationHistory: 1, slackUserId: 1 } },
    );
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
    const push = { classificationHistory: { $each: [entry], $slice: -MAX_CLASSIFICATION_HISTORY } };
    const update = state.stale
      ? { $push: push }
      : state.classification
        ? { $set: { classification: state.classification }, $push: push }
        : { $unset: { classification: '' as const }, $push: push };
    const before = await collections.sessions.findOneAndUpdate(
      { _id, ...unchangedSince(current.classification) },
      update,
      { returnDocument: 'before' },
    );
    if (!before) continue;
    const after: SessionDoc = {
      ...before,
      classificationHistory: [...(before.classificationHistory ?? []), entry].slice(
        -MAX_CLASSIFICATION_HISTORY,
      ),
    };
    if (state.classification) after.classification = state.classification;
    else delete after.classification;
    const increments = moveSessionSpend(before, after);
    return { status: state.stale ? 'stale' : 'recorded', session: after, moved: increments, increments };
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
  const { increments, ...result } = await classify(collections, input);
  if (increments?.length) await applyRollupIncrements(collections, increments);
  return result;
}

/** Many answers at once ("classify all remaining as …"): one rollup bulk write for all of them. */
export async function recordClassifications(
  collections: Collections,
  inputs: readonly RecordClassificationInput[],
): Promise<ClassificationWrite[]> {
  const results: ClassificationWrite[] = [];
  const increments: RollupIncrement[] = [];
  try {
    for (const input of inputs) {
      const { increments: moved, ...result } = await classify(collections, input);
      if (moved) increments.push(...moved);
      results.push(result);
    }
  } finally {
    // Whatever was written is reflected in rollups, even if a later session failed.
    if (increments.length > 0) await applyRollupIncrements(collections, increments);
  }
  return results;
}

/** Back to unclassified; the removed answer stays in the audit history (`undone: true`). */
export async function undoClassification(
  collections: Collections,
  input: UndoClassificationInput,
): Promise<ClassificationWrite> {
  const { increments, ...result } = await writeWithRetry(collections, input, (session) => {
    const state = undoInDomain(session.classification, session.classificationHistory ?? [], {
      userId: input.userId,
      by: input.by,
      at: input.at,
    });
    return { state, entry: state.changed ? state.history.at(-1) : undefined };
  });
  if (increments?.length) await applyRollupIncrements(collections, increments);
  return result;
}
