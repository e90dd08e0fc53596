import type { AppDeps } from '../src/deps.ts';
import { mapIdentityToUser } from '../src/store/identity-store.ts';

export const RESOLVE_IDENTITIES_JOB = 'resolve-identities';

/** users.lookupByEmail is Tier 3 (50+ per minute): stay well inside it per run; the rest waits. */
const LOOKUPS_PER_RUN = 40;
const RETRY_NOT_FOUND_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Map telemetry emails to Slack users with users.lookupByEmail, off the ingest path. Found people get their
 * existing sessions (and rollups) re-attributed; misses are remembered for a day so Slack isn't asked again.
 */
export async function resolveIdentities(deps: AppDeps): Promise<{ mapped: number; notFound: number }> {
  const { collections } = deps;
  const candidates: string[] = await collections.sessions.distinct('identityKey', {
    slackUserId: { $exists: false },
    identityKey: { $regex: /^email:/ },
  });
  if (candidates.length === 0) return { mapped: 0, notFound: 0 };
  const known = await collections.identities.find({ identityKey: { $in: candidates } }).toArray();
  const now = deps.now();
  const due = candidates.filter((key) => {
    const identity = known.find((k) => k.identityKey === key);
    if (!identity) return true;
    if (identity.slackUserId) return true; // known mapping, sessions still to re-attribute
    return now.getTime() - identity.lookedUpAt.getTime() > RETRY_NOT_FOUND_AFTER_MS;
  });
  let mapped = 0;
  let notFound = 0;
  for (const key of due.slice(0, LOOKUPS_PER_RUN)) {
    const existing = known.find((k) => k.identityKey === key)?.slackUserId;
    const slackUserId = existing ?? (await lookupByEmail(deps, key.slice('email:'.length)));
    if (slackUserId === null) {
      notFound += 1;
      await collections.identities.updateOne(
        { identityKey: key },
        { $set: { status: 'not_found', lookedUpAt: now }, $unset: { slackUserId: '' } },
        { upsert: true },
      );
      continue;
    }
    if (slackUserId === undefined) break; // Slack is failing: try again next run
    const team = (await collections.teams.findOne({ members: slackUserId }, { projection: { name: 1 } }))
      ?.name;
    await mapIdentityToUser(collections, key, slackUserId, team, { status: 'mapped', now });
    mapped += 1;
  }
  return { mapped, notFound };
}

/** Slack user id, null when Slack has no such user, undefined when Slack could not answer. */
async function lookupByEmail(deps: AppDeps, email: string): Promise<string | null | undefined> {
  try {
    const result = await deps.slack.users.lookupByEmail({ email });
    return result.user?.id ?? null;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'users_not_found') return null;
    deps.logger.warn({ err: error, email }, 'users.lookupByEmail failed; will retry');
    return undefined;
  }
}
