/**
 * Links between sessions, issues and outcomes. Every write here is idempotent ($addToSet, guarded $push), and
 * both sides of a session↔outcome link are written, outcome first: whichever of "session gets linked" and
 * "outcome appears" happens second sees the first and completes the pair.
 */
import { ObjectId } from 'mongodb';
import type { Collections } from '../db/collections.ts';
import type { IssueLink } from '../domain/types.ts';

export type LinkCollections = Pick<Collections, 'sessions' | 'outcomes'>;

/** A link that counts: confirmed by Linear, or not checked yet. Unconfirmed-and-checked means Linear denied it. */
export function isLiveLink(link: IssueLink): boolean {
  return link.confirmed || link.checkedAt === undefined;
}

export function toObjectId(id: string | ObjectId): ObjectId | undefined {
  if (id instanceof ObjectId) return id;
  return ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : undefined;
}

/**
 * Add links to a session: one link per identifier (the first evidence is kept). An existing unconfirmed link
 * becomes confirmed when this link is; a pending one records that Linear denied it.
 * Returns the identifiers that were newly added.
 */
export async function addIssueLinks(
  collections: Pick<Collections, 'sessions'>,
  sessionId: ObjectId,
  links: readonly IssueLink[],
): Promise<string[]> {
  const added: string[] = [];
  for (const link of links) {
    const pushed = await collections.sessions.updateOne(
      { _id: sessionId, 'links.identifier': { $ne: link.identifier } },
      { $push: { links: link } },
    );
    if (pushed.modifiedCount > 0) {
      added.push(link.identifier);
      continue;
    }
    if (link.confirmed) {
      await collections.sessions.updateOne(
        { _id: sessionId, links: { $elemMatch: { identifier: link.identifier, confirmed: false } } },
        { $set: { 'links.$.confirmed': true } },
      );
    } else if (link.checkedAt) {
      await collections.sessions.updateOne(
        {
          _id: sessionId,
          links: {
            $elemMatch: { identifier: link.identifier, confirmed: false, checkedAt: { $exists: false } },
          },
        },
        { $set: { 'links.$.checkedAt': link.checkedAt } },
      );
    }
  }
  return added;
}

/** Attach sessions to an outcome on both sides. */
export async function attachSessions(
  collections: LinkCollections,
  outcomeId: ObjectId,
  sessionIds: readonly ObjectId[],
): Promise<void> {
  if (sessionIds.length === 0) return;
  await collections.outcomes.updateOne(
    { _id: outcomeId },
    { $addToSet: { sessionIds: { $each: sessionIds.map((id) => id.toHexString()) } } },
  );
  await collections.sessions.updateMany(
    { _id: { $in: [...sessionIds] } },
    { $addToSet: { outcomeIds: outcomeId.toHexString() } },
  );
}

/**
 * Attach every session linked to an issue to that issue's outcome. The outcome's existence proves Linear
 * knows the identifier, so those links become confirmed.
 */
export async function attachIssueSessions(
  collections: LinkCollections,
  identifier: string,
  outcomeId: ObjectId,
): Promise<ObjectId[]> {
  const sessions = await collections.sessions
    .find({ 'links.identifier': identifier }, { projection: { _id: 1 } })
    .toArray();
  const ids = sessions.flatMap((s) => (s._id ? [s._id] : []));
  await attachSessions(collections, outcomeId, ids);
  if (ids.length > 0) {
    await collections.sessions.updateMany(
      { _id: { $in: ids }, links: { $elemMatch: { identifier, confirmed: false } } },
      { $set: { 'links.$.confirmed': true } },
    );
  }
  return ids;
}

/** Attach one session to the outcomes of the issues it links to (outcomes recorded before the link). */
export async function attachToIssueOutcomes(
  collections: LinkCollections,
  sessionId: ObjectId,
  identifiers: readonly string[],
): Promise<string[]> {
  if (identifiers.length === 0) return [];
  const outcomes = await collections.outcomes
    .find({ kind: 'linear_issue', ref: { $in: [...identifiers] } }, { projection: { _id: 1, ref: 1 } })
    .toArray();
  for (const outcome of outcomes) {
    if (!outcome._id) continue;
    await attachSessions(collections, outcome._id, [sessionId]);
    await collections.sessions.updateOne(
      { _id: sessionId, links: { $elemMatch: { identifier: outcome.ref, confirmed: false } } },
      { $set: { 'links.$.confirmed': true } },
    );
  }
  return outcomes.map((o) => o.ref);
}

/** Every prefix a tool may have recorded for a commit (7 to 40 hex characters). */
export function shaPrefixes(shas: readonly (string | undefined | null)[]): string[] {
  const out = new Set<string>();
  for (const sha of shas) {
    if (!sha || !/^[0-9a-f]{7,40}$/i.test(sha)) continue;
    const lower = sha.toLowerCase();
    for (let length = 7; length <= lower.length; length++) out.add(lower.slice(0, length));
  }
  return [...out];
}

/** Branches that name a line of development rather than one piece of work: never matched on their own. */
const SHARED_BRANCHES =
  /^(main|master|develop|development|dev|trunk|head|staging|production|prod|release|gh-pages)$/i;

export function isSharedBranch(branch: string, ...also: (string | undefined)[]): boolean {
  const name = branch.trim();
  return SHARED_BRANCHES.test(name) || also.some((other) => other !== undefined && other === name);
}
