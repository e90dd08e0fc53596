import type { Collections } from '../db/collections.ts';

export interface UnmappedIdentity {
  /** "email:a@b.c", "account:…", or "unknown" (telemetry with no identity at all). */
  identityKey: string;
  costUsd: number;
  firstDay: string;
  lastDay: string;
}

/**
 * Identities whose spend is still in rollups under "unmapped:<identity>". Mapping an identity moves its
 * spend to the person, leaving those rows at $0, so they drop out here.
 */
export async function loadUnmapped(
  collections: Pick<Collections, 'rollupsDaily'>,
): Promise<UnmappedIdentity[]> {
  const groups = await collections.rollupsDaily
    .aggregate<{ _id: string; costUsd: number; firstDay: string; lastDay: string }>([
      { $match: { person: { $regex: '^unmapped:' } } },
      {
        $group: {
          _id: '$person',
          costUsd: { $sum: '$costUsd' },
          firstDay: { $min: '$day' },
          lastDay: { $max: '$day' },
        },
      },
      { $match: { costUsd: { $gte: 0.005 } } },
      { $sort: { costUsd: -1, _id: 1 } },
    ])
    .toArray();
  return groups.map((g) => ({
    identityKey: g._id.slice('unmapped:'.length),
    costUsd: g.costUsd,
    firstDay: g.firstDay,
    lastDay: g.lastDay,
  }));
}
