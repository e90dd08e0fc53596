import type { Collections } from '../db/collections.ts';
import type { PersonResolver, ResolvedPerson } from './usage-store.ts';

/**
 * Ingest-time identity resolution from what is already known (identities + teams), never a Slack call:
 * lookups by email happen in the resolve-identities job, off the hot path. A short cache keeps a busy
 * exporter from costing two queries per batch.
 */
export function createPersonResolver(collections: Collections, ttlMs = 10_000): PersonResolver {
  const cache = new Map<string, { person: ResolvedPerson; at: number }>();
  return async (identityKeys) => {
    const now = Date.now();
    const result = new Map<string, ResolvedPerson>();
    const missing = identityKeys.filter((key) => {
      const hit = cache.get(key);
      if (hit && now - hit.at < ttlMs) {
        result.set(key, hit.person);
        return false;
      }
      return true;
    });
    if (missing.length === 0) return result;
    const identities = await collections.identities
      .find({ identityKey: { $in: missing }, slackUserId: { $exists: true } })
      .toArray();
    const users = [...new Set(identities.map((identity) => identity.slackUserId!))];
    const teams = users.length
      ? await collections.teams
          .find({ members: { $in: users } }, { projection: { name: 1, members: 1 } })
          .toArray()
      : [];
    for (const key of missing) {
      const slackUserId = identities.find((identity) => identity.identityKey === key)?.slackUserId;
      const team = slackUserId ? teams.find((t) => t.members.includes(slackUserId))?.name : undefined;
      const person: ResolvedPerson = slackUserId ? { slackUserId, ...(team ? { team } : {}) } : {};
      cache.set(key, { person, at: now });
      result.set(key, person);
    }
    return result;
  };
}
