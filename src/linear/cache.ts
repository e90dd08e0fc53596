/**
 * `linear_issues`: what we last learned about each issue, from the API or from webhooks.
 *
 * The stored state is ordered by Linear's own `updatedAt` (`stateAt`): a write carrying an older state than
 * the one stored changes nothing but `fetchedAt`, so late webhook deliveries and slow API reads can never
 * move an issue back in time. Without transactions this is one conditional upsert: the filter only matches a
 * document with an older state, and when a newer one exists the upsert collides with the unique identifier
 * index, which we read as "already newer".
 */
import type { Collections, LinearIssueDoc } from '../db/collections.ts';
import type { LinearIssueInfo } from './api.ts';

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number }).code === 11000 || String(error).includes('E11000');
}

export function issueFromDoc(doc: LinearIssueDoc): LinearIssueInfo {
  const info: LinearIssueInfo = {
    linearId: doc.linearId,
    identifier: doc.identifier,
    title: doc.title,
    stateType: doc.stateType,
  };
  if (doc.url) info.url = doc.url;
  if (doc.team) info.team = doc.team;
  if (doc.teamKey) info.teamKey = doc.teamKey;
  if (doc.project) info.project = doc.project;
  if (doc.completedAt) info.completedAt = doc.completedAt;
  if (doc.canceledAt) info.canceledAt = doc.canceledAt;
  if (doc.stateAt) info.updatedAt = doc.stateAt;
  return info;
}

/**
 * Store an issue's state unless a newer one is stored. Returns true when this write changed the state
 * (the caller then brings the issue's outcome in line).
 */
export async function storeIssue(
  collections: Pick<Collections, 'linearIssues'>,
  issue: LinearIssueInfo,
  fetchedAt: Date,
): Promise<boolean> {
  const stateAt = issue.updatedAt ?? fetchedAt;
  const set: Partial<LinearIssueDoc> = {
    identifier: issue.identifier,
    linearId: issue.linearId,
    title: issue.title,
    stateType: issue.stateType,
    fetchedAt,
    stateAt,
  };
  const unset: Record<string, ''> = {};
  const optional = (key: 'url' | 'team' | 'teamKey' | 'project', value: string | undefined) => {
    if (value !== undefined) set[key] = value;
    else unset[key] = '';
  };
  optional('url', issue.url);
  optional('team', issue.team);
  optional('teamKey', issue.teamKey);
  optional('project', issue.project);
  if (issue.completedAt) set.completedAt = issue.completedAt;
  else unset.completedAt = '';
  if (issue.canceledAt) set.canceledAt = issue.canceledAt;
  else unset.canceledAt = '';
  try {
    const result = await collections.linearIssues.updateOne(
      {
        identifier: issue.identifier,
        $or: [{ stateAt: { $exists: false } }, { stateAt: { $lt: stateAt } }],
      },
      { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
      { upsert: true },
    );
    return result.modifiedCount + result.upsertedCount > 0;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    // A state at least as new is stored; the read still counts as fresh.
    await collections.linearIssues.updateOne({ identifier: issue.identifier }, { $max: { fetchedAt } });
    return false;
  }
}

export function cachedIssue(
  collections: Pick<Collections, 'linearIssues'>,
  identifier: string,
): Promise<LinearIssueDoc | null> {
  return collections.linearIssues.findOne({ identifier: identifier.toUpperCase() });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Cached issues whose identifier starts with, or whose title contains, the term (fallback search). */
export async function searchCachedIssues(
  collections: Pick<Collections, 'linearIssues'>,
  term: string,
  limit: number,
): Promise<LinearIssueInfo[]> {
  const trimmed = term.trim().slice(0, 100);
  if (!trimmed) return [];
  const pattern = escapeRegex(trimmed);
  const docs = await collections.linearIssues
    .find({
      $or: [
        { identifier: { $regex: `^${pattern}`, $options: 'i' } },
        { title: { $regex: pattern, $options: 'i' } },
      ],
    })
    .sort({ stateAt: -1 })
    .limit(limit)
    .toArray();
  return docs.map(issueFromDoc);
}
