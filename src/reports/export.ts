import { ObjectId } from 'mongodb';
import type { Collections } from '../db/collections.ts';
import { decodeKey } from '../db/collections.ts';
import { rollupPerson } from '../store/rollups.ts';
import type { SessionCsvRow } from './sessions-csv.ts';

/** Rows beyond this are left out (and the caller says so): a month of a large org still fits. */
export const MAX_EXPORT_ROWS = 50_000;

export type ExportScope = { kind: 'team'; team: string } | { kind: 'person'; userId: string };

/** Sessions that started in [start, end) for one team or one person, oldest first, as CSV rows. */
export async function loadExportRows(
  collections: Pick<Collections, 'sessions' | 'people' | 'outcomes'>,
  scope: ExportScope,
  window: { start: Date; end: Date },
): Promise<{ rows: SessionCsvRow[]; truncated: boolean }> {
  const filter = scope.kind === 'team' ? { team: scope.team } : { slackUserId: scope.userId };
  const docs = await collections.sessions
    .find(
      { ...filter, startedAt: { $gte: window.start, $lt: window.end } },
      {
        projection: {
          _id: 1,
          slackUserId: 1,
          identityKey: 1,
          team: 1,
          startedAt: 1,
          lastEventAt: 1,
          closedAt: 1,
          costUsd: 1,
          costKind: 1,
          tokens: 1,
          apiRequests: 1,
          models: 1,
          repo: 1,
          branch: 1,
          classification: 1,
          links: 1,
          outcomeIds: 1,
        },
      },
    )
    .sort({ startedAt: 1, _id: 1 })
    .limit(MAX_EXPORT_ROWS + 1)
    .toArray();
  const truncated = docs.length > MAX_EXPORT_ROWS;
  const sessions = docs.slice(0, MAX_EXPORT_ROWS);

  const userIds = [...new Set(sessions.map((s) => s.slackUserId).filter((id): id is string => Boolean(id)))];
  const people = userIds.length
    ? await collections.people
        .find({ slackUserId: { $in: userIds } }, { projection: { slackUserId: 1, name: 1 } })
        .toArray()
    : [];
  const names = new Map(people.map((p) => [p.slackUserId, p.name]));
  const outcomeIds = [...new Set(sessions.flatMap((s) => s.outcomeIds ?? []))].filter((id) =>
    /^[0-9a-f]{24}$/i.test(id),
  );
  const outcomes = outcomeIds.length
    ? await collections.outcomes
        .find({ _id: { $in: outcomeIds.map((id) => new ObjectId(id)) } }, { projection: { _id: 1, ref: 1 } })
        .toArray()
    : [];
  const refs = new Map(outcomes.map((o) => [o._id!.toHexString(), o.ref]));

  const rows = sessions.map((s): SessionCsvRow => {
    const name = s.slackUserId ? names.get(s.slackUserId) : undefined;
    const models: Record<string, number> = {};
    for (const [key, calls] of Object.entries(s.models ?? {})) models[decodeKey(key)] = calls;
    return {
      sessionId: s._id!.toHexString(),
      person: rollupPerson(s),
      ...(name && { personName: name }),
      ...(s.team && { team: s.team }),
      startedAt: s.startedAt,
      endedAt: s.lastEventAt ?? s.startedAt,
      costUsd: s.costUsd ?? 0,
      costKind: s.costKind ?? 'estimated',
      tokens: {
        input: s.tokens?.input ?? 0,
        output: s.tokens?.output ?? 0,
        cacheRead: s.tokens?.cacheRead ?? 0,
        cacheCreation: s.tokens?.cacheCreation ?? 0,
      },
      apiRequests: s.apiRequests ?? 0,
      models,
      ...(s.repo && { repo: s.repo }),
      ...(s.branch && { branch: s.branch }),
      class: s.classification?.class ?? 'unclassified',
      ...(s.classification && { classifiedBy: s.classification.by }),
      linkedIssues: [...new Set((s.links ?? []).map((l) => l.identifier))],
      outcomes: (s.outcomeIds ?? []).map((id) => refs.get(id) ?? id),
    };
  });
  return { rows, truncated };
}
