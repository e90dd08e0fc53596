/**
 * Linking a telemetry identity ("email:ana@example.com", "account:…") to a Slack user, and moving the spend
 * already recorded under that identity to the person.
 *
 * Used by `/ai-roi map` (status 'manual') and by the ingest identity-resolution job after
 * users.lookupByEmail (status 'mapped'). Safe to call again and from several instances at once:
 * - each session is moved by ONE atomic findOneAndUpdate that only matches while the session is not yet
 *   attributed to this user, and the rollup move is derived from the document as it was inside that update
 *   (see src/store/rollups.ts), so a repeated or concurrent call moves nothing twice;
 * - a manual mapping is a person's deliberate decision: an automatic lookup never overrides it.
 */

import { upsertPerson } from '../access/people.ts';
import type { Collections, IdentityDoc, SessionDoc } from '../db/collections.ts';
import { applyRollupIncrements, moveSessionSpend } from './rollups.ts';

export interface MapIdentityOptions {
  /** 'manual' (a person mapped it in Slack, the default) or 'mapped' (found by users.lookupByEmail). */
  status?: Extract<IdentityDoc['status'], 'manual' | 'mapped'>;
  now?: Date;
}

export interface MapIdentityResult {
  /** False when an automatic lookup met a manual mapping to someone else (nothing changed). */
  applied: boolean;
  /** The user the identity was mapped to before, when it was someone else. */
  previousSlackUserId?: string;
  sessionsMoved: number;
  costMovedUsd: number;
}

const MOVE_PROJECTION = {
  costByDay: 1,
  slackUserId: 1,
  identityKey: 1,
  team: 1,
  classification: 1,
  costKind: 1,
  repo: 1,
  costUsd: 1,
} as const;

type MovedSession = Pick<
  SessionDoc,
  'costByDay' | 'slackUserId' | 'identityKey' | 'team' | 'classification' | 'costKind' | 'repo' | 'costUsd'
>;

/**
 * Map `identityKey` to `slackUserId` and re-attribute that identity's sessions (and their rollup spend) to
 * the person; `team` (the person's team, when they have one) becomes the sessions' team too.
 */
export async function mapIdentityToUser(
  collections: Collections,
  identityKey: string,
  slackUserId: string,
  team?: string,
  options: MapIdentityOptions = {},
): Promise<MapIdentityResult> {
  const status = options.status ?? 'manual';
  const now = options.now ?? new Date();
  const existing = await collections.identities.findOne({ identityKey });
  if (
    status === 'mapped' &&
    existing?.status === 'manual' &&
    existing.slackUserId !== undefined &&
    existing.slackUserId !== slackUserId
  ) {
    return { applied: false, sessionsMoved: 0, costMovedUsd: 0 };
  }
  // Re-confirming a manual mapping automatically keeps it manual.
  const keepManual = existing?.status === 'manual' && existing.slackUserId === slackUserId;
  await upsertIdentity(collections, identityKey, {
    slackUserId,
    status: keepManual ? 'manual' : status,
    lookedUpAt: now,
  });
  const previous =
    existing?.slackUserId && existing.slackUserId !== slackUserId ? existing.slackUserId : undefined;

  const [kind, ...rest] = identityKey.split(':');
  const value = rest.join(':');
  const field = kind === 'email' ? 'emails' : kind === 'account' ? 'accountIds' : undefined;
  if (field && value) {
    if (previous)
      await collections.people.updateOne({ slackUserId: previous }, { $pull: { [field]: value } });
    await upsertPerson({ collections }, slackUserId, { updatedAt: now }, { [field]: [value] });
  }

  let sessionsMoved = 0;
  let costMovedUsd = 0;
  const pending = collections.sessions.find(
    { identityKey, slackUserId: { $ne: slackUserId } },
    { projection: { _id: 1 } },
  );
  for await (const { _id } of pending) {
    const set: Partial<SessionDoc> = { slackUserId, updatedAt: now };
    if (team !== undefined) set.team = team;
    const before = (await collections.sessions.findOneAndUpdate(
      { _id, identityKey, slackUserId: { $ne: slackUserId } },
      { $set: set },
      { returnDocument: 'before', projection: MOVE_PROJECTION },
    )) as MovedSession | null;
    // Another caller moved it first: its move already carried the spend.
    if (!before) continue;
    const after = { ...before, slackUserId, team: team ?? before.team };
    await applyRollupIncrements(collections, moveSessionSpend(before, after));
    sessionsMoved += 1;
    costMovedUsd += before.costUsd ?? 0;
  }
  return {
    applied: true,
    ...(previous ? { previousSlackUserId: previous } : {}),
    sessionsMoved,
    costMovedUsd,
  };
}

async function upsertIdentity(
  collections: Pick<Collections, 'identities'>,
  identityKey: string,
  set: Pick<IdentityDoc, 'slackUserId' | 'status' | 'lookedUpAt'>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await collections.identities.updateOne({ identityKey }, { $set: set }, { upsert: true });
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000 || attempt > 0) throw error;
    }
  }
}
